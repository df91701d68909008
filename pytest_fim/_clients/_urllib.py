"""urllib.request: ``urlopen``, openers and every handler built on ``AbstractHTTPHandler``.

``AbstractHTTPHandler.do_open`` is where ``http_open`` and ``https_open``
connect. The handler sees the request as urllib would send it (its
unredirected headers included); an answer comes back as a real
``http.client.HTTPResponse`` read from memory, so an error status raises
``HTTPError`` through the opener's own error processing, as on the wire.
"""

from __future__ import annotations

from typing import Any

from pytest_fim._clients._wire import Handler, WireRequest, http_client_response, strip_fragment

__all__ = ["patch"]

CLIENT = "urllib.request"


def patch(module: Any, handler: Handler, setattr_: Any) -> None:
    """Put ``handler`` in front of ``urllib.request.AbstractHTTPHandler.do_open``."""
    original = module.AbstractHTTPHandler.do_open

    def do_open(self: Any, http_class: Any, req: Any, **http_conn_args: Any) -> Any:
        __tracebackhide__ = True  # pytest leaves it out: its locals hold the API key
        method = req.get_method()
        url = req.get_full_url()
        if handler.wants(method, url):
            headers = dict(req.unredirected_hdrs)
            headers.update({k: v for k, v in req.headers.items() if k not in headers})
            answer = handler.respond(
                WireRequest(method, strip_fragment(url), headers, _read_body(req), CLIENT)
            )
            if answer is not None:
                response: Any = http_client_response(answer, method)
                # What do_open sets on the response it returns.
                response.url = url
                response.msg = response.reason
                return response
        return original(self, http_class, req, **http_conn_args)

    setattr_(module.AbstractHTTPHandler, "do_open", do_open)


def _read_body(req: Any) -> bytes:
    """The body as bytes; a file or iterable read here is put back as bytes."""
    data = req.data
    if data is None:
        return b""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):  # urllib refuses it when sending; keep what was given
        return data.encode()
    if hasattr(data, "read"):
        body = data.read()
    else:
        body = b"".join(bytes(chunk) for chunk in data)
    body = body.encode() if isinstance(body, str) else bytes(body)
    req.data = body
    return body
