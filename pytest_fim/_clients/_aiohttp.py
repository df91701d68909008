"""aiohttp: every ``ClientSession`` request (``session.post``, ``aiohttp.request``).

``ClientSession._request`` is where every request of a session starts; the
handler sees the URL (base URL and params applied), the session's and the
call's headers, and the body as aiohttp would send it (``json=`` serialised
with the session's serialiser, ``data=`` as given). An answer comes back as a
real ``ClientResponse`` whose content is fed from memory, so ``await
resp.json()``, ``resp.content`` line by line, ``raise_for_status`` and ``async
with`` behave as on the wire; a body in pieces (a replayed stream) arrives a
piece per turn of the event loop. A request the handler leaves goes on unchanged.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from pytest_fim._clients._wire import Handler, WireRequest, WireResponse, strip_fragment

__all__ = ["patch"]

CLIENT = "aiohttp"


def patch(module: Any, handler: Handler, setattr_: Any) -> None:
    """Put ``handler`` in front of ``aiohttp.ClientSession._request``."""
    session_cls = module.ClientSession
    original = session_cls._request

    async def _request(self: Any, method: str, str_or_url: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # pytest leaves it out: its locals hold the API key
        url = _url(self, str_or_url, kwargs.get("params"))
        if url is not None and handler.wants(method.upper(), str(url)):
            body = await _body(self, kwargs)
            wire = WireRequest(
                method.upper(), strip_fragment(str(url)), _headers(self, kwargs), body, CLIENT
            )
            answer = handler.respond(wire)
            if answer is not None:
                response = _response(self, wire, url, answer)
                await _raise_for_status(self, response, kwargs.get("raise_for_status"))
                return response
        return await original(self, method, str_or_url, **kwargs)

    setattr_(session_cls, "_request", _request)


def _url(session: Any, str_or_url: Any, params: Any) -> Any:
    try:
        build = getattr(session, "_build_url", None)  # aiohttp >= 3.8 (base_url=)
        if build is not None:
            url = build(str_or_url)
        else:
            from yarl import URL

            url = URL(str_or_url)
        if params:
            extend = getattr(url, "extend_query", None) or url.update_query
            url = extend(params)
        return url
    except Exception:  # a URL aiohttp itself rejects: let it say so
        return None


def _headers(session: Any, kwargs: dict[str, Any]) -> dict[str, str]:
    headers = dict(session._prepare_headers(kwargs.get("headers")))
    auth = kwargs.get("auth") or getattr(session, "_default_auth", None)
    if auth is not None and not any(name.lower() == "authorization" for name in headers):
        headers["Authorization"] = auth.encode()
    if kwargs.get("json") is not None and not any(
        name.lower() == "content-type" for name in headers
    ):
        headers["Content-Type"] = "application/json"
    return headers


async def _body(session: Any, kwargs: dict[str, Any]) -> bytes:
    """The bytes aiohttp would send; a body read from a stream is put back as bytes."""
    if kwargs.get("json") is not None:
        dumps_bytes = getattr(session, "_json_serialize_bytes", None)
        if dumps_bytes is not None:
            return bytes(dumps_bytes(kwargs["json"]))
        text = session._json_serialize(kwargs["json"])
        return text.encode() if isinstance(text, str) else bytes(text)
    data = kwargs.get("data")
    if data is None:
        return b""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        return data.encode()
    value = getattr(data, "_value", None)  # aiohttp's BytesPayload and its kinds
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(data, dict) or (
        isinstance(data, (list, tuple)) and all(isinstance(item, tuple) for item in data)
    ):
        return urlencode(data).encode()  # what aiohttp sends for a form
    if hasattr(data, "__aiter__"):
        body = b"".join([bytes(chunk) async for chunk in data])
    elif hasattr(data, "read"):
        body = data.read()
        body = body.encode() if isinstance(body, str) else bytes(body)
    else:
        return str(data).encode()
    kwargs["data"] = body  # consumed: whoever sends it next gets the same bytes
    return body


class _Sent:
    """What a finished request writer reports (aiohttp >= 3.12 asks for its size)."""

    def __init__(self, size: int) -> None:
        self.output_size = size
        self.buffer_size = size


def _response(session: Any, wire: WireRequest, url: Any, answer: WireResponse) -> Any:
    from aiohttp import ClientResponse, RequestInfo
    from aiohttp.base_protocol import BaseProtocol
    from aiohttp.helpers import TimerNoop
    from aiohttp.http import HttpVersion11
    from aiohttp.streams import StreamReader
    from multidict import CIMultiDict, CIMultiDictProxy

    loop = asyncio.get_running_loop()
    headers = {**answer.headers, "Content-Length": str(len(answer.content))}
    request_headers = CIMultiDictProxy(CIMultiDict(wire.headers))
    available: dict[str, Any] = {
        "writer": None,
        "continue100": None,
        "timer": TimerNoop(),
        "request_info": RequestInfo(url, wire.method, request_headers, url),
        "traces": [],
        "loop": loop,
        "session": session,
        "stream_writer": _Sent(len(wire.body)),
    }
    response_class = getattr(session, "_response_class", ClientResponse)
    accepted = inspect.signature(response_class.__init__).parameters
    response = response_class(
        wire.method, url, **{k: v for k, v in available.items() if k in accepted}
    )
    # What ClientResponse.start() sets from a parsed status line and headers.
    response._closed = False
    response.version = HttpVersion11
    response.status = answer.status
    response.reason = answer.reason
    response._headers = CIMultiDictProxy(CIMultiDict(headers))
    response._raw_headers = tuple((k.encode(), v.encode()) for k, v in headers.items())
    protocol = BaseProtocol(loop)
    # "Connected", as a socket's protocol is while its body arrives: a reader that
    # finds no data yet waits for the next piece instead of calling the connection lost.
    protocol.transport = asyncio.Transport()
    content = StreamReader(protocol, 2**16, loop=loop)
    if answer.chunks is None:
        content.feed_data(answer.content)
        content.feed_eof()
    else:
        _feed_in_pieces(loop, content, iter(answer.chunks))
    response.content = content
    return response


def _feed_in_pieces(loop: asyncio.AbstractEventLoop, reader: Any, pieces: Iterator[bytes]) -> None:
    """Feed one piece now and the next on a later turn of the loop.

    As from a socket: a reader that takes what has arrived (``iter_any``,
    ``readany``) gets the pieces apart, and one that waits for more (a line,
    ``read()``) reassembles them, which is what a replay in pieces is for.
    """
    piece = next(pieces, None)
    if piece is None:
        reader.feed_eof()
        return
    reader.feed_data(piece)
    loop.call_soon(_feed_in_pieces, loop, reader, pieces)


async def _raise_for_status(session: Any, response: Any, per_call: Any) -> None:
    wanted = per_call if per_call is not None else getattr(session, "_raise_for_status", False)
    if callable(wanted):
        await wanted(response)
    elif wanted:
        response.raise_for_status()
