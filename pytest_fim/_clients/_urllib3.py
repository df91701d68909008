"""urllib3, and so ``requests`` and everything else built on it (1.26 and 2.x).

``HTTPConnectionPool.urlopen`` is where every request of a pool starts (a
``PoolManager``, ``requests``' ``HTTPAdapter`` and botocore all call it). For a
request the handler answers, the pool's own ``urlopen`` still runs, so its
retries (``Retry(status_forcelist=...)``, ``Retry-After``) and redirects work
as on the wire, but no proxy tunnel is opened and ``_make_request`` returns the
answer instead of talking to a connection: nothing is connected or resolved.
Each retry asks the handler again.
"""

from __future__ import annotations

import contextvars
import inspect
import io
from typing import Any

from pytest_fim._clients._wire import (
    Handler,
    WireRequest,
    WireResponse,
    http_client_response,
    strip_fragment,
)

__all__ = ["patch"]

CLIENT = "urllib3"
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: The answer the current ``urlopen`` call is giving, for its ``_make_request``.
_ANSWER: contextvars.ContextVar[WireResponse | None] = contextvars.ContextVar(
    "pytest_fim_urllib3_answer", default=None
)


def patch(module: Any, handler: Handler, setattr_: Any) -> None:
    """Put ``handler`` in front of every urllib3 connection pool."""
    pools = module.connectionpool
    pool_cls, https_cls = pools.HTTPConnectionPool, pools.HTTPSConnectionPool
    urlopen, make_request = pool_cls.urlopen, pool_cls._make_request
    prepare_proxy = https_cls._prepare_proxy
    version_1 = str(getattr(module, "__version__", "2")).startswith("1.")
    response_parameters = set(inspect.signature(module.response.HTTPResponse).parameters)

    def patched_urlopen(self: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # pytest leaves it out: its locals hold the API key
        method = args[0] if args else kwargs["method"]
        url = args[1] if len(args) > 1 else kwargs["url"]
        full_url = _full_url(self, url)
        if not handler.wants(method, full_url):
            return urlopen(self, *args, **kwargs)
        positional, kwargs = list(args), dict(kwargs)
        body = _read_body(positional, kwargs)
        headers = _argument(positional, kwargs, 3, "headers")
        if headers is None:
            headers = self.headers
        answer = handler.respond(
            WireRequest(method, strip_fragment(full_url), dict(headers), body, CLIENT)
        )
        if answer is None:
            return urlopen(self, *positional, **kwargs)
        token = _ANSWER.set(answer)
        try:
            return urlopen(self, *positional, **kwargs)
        finally:
            _ANSWER.reset(token)

    def patched_make_request(
        self: Any, conn: Any, method: str, url: str, *args: Any, **kwargs: Any
    ) -> Any:
        __tracebackhide__ = True
        answer = _ANSWER.get()
        if answer is None:
            return make_request(self, conn, method, url, *args, **kwargs)
        _ANSWER.set(None)  # one answer per request sent
        if version_1:  # 1.x wraps what http.client returns itself
            return http_client_response(answer, method)
        return _urllib3_response(
            module, answer, method, _full_url(self, url), response_parameters, self, kwargs
        )

    def patched_prepare_proxy(self: Any, conn: Any) -> None:
        if _ANSWER.get() is None:  # no tunnel for a request answered from memory
            prepare_proxy(self, conn)

    setattr_(pool_cls, "urlopen", patched_urlopen)
    setattr_(pool_cls, "_make_request", patched_make_request)
    setattr_(https_cls, "_prepare_proxy", patched_prepare_proxy)


def _argument(args: list[Any], kwargs: dict[str, Any], index: int, name: str) -> Any:
    return args[index] if len(args) > index else kwargs.get(name)


def _read_body(args: list[Any], kwargs: dict[str, Any]) -> bytes:
    """The body as bytes; a file or generator read here is handed on as bytes."""
    body = _argument(args, kwargs, 2, "body")
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read"):
        data = body.read()
    else:  # an iterable of chunks
        data = b"".join(
            chunk.encode() if isinstance(chunk, str) else bytes(chunk) for chunk in body
        )
    data = data.encode() if isinstance(data, str) else bytes(data)
    if len(args) > 2:
        args[2] = data
    else:
        kwargs["body"] = data
    return data


def _full_url(pool: Any, url: str) -> str:
    if "://" in url:  # a plain HTTP proxy is sent the absolute URL
        return url
    host = str(pool.host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = pool.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(pool.scheme) else f"{host}:{port}"
    return f"{pool.scheme}://{netloc}{url}"


def _urllib3_response(
    module: Any,
    answer: WireResponse,
    method: str,
    url: str,
    accepted: set[str],
    pool: Any,
    kwargs: dict[str, Any],
) -> Any:
    headers = {**answer.headers, "content-length": str(len(answer.content))}
    available = {
        "body": io.BytesIO(answer.content),
        "headers": headers,
        "status": answer.status,
        "version": 11,
        "version_string": "HTTP/1.1",
        "reason": answer.reason,
        "preload_content": kwargs.get("preload_content", True),
        "decode_content": kwargs.get("decode_content", True),
        "enforce_content_length": kwargs.get("enforce_content_length", True),
        "request_method": method,
        "request_url": url,
        "retries": kwargs.get("retries"),
        "pool": pool,
        "connection": kwargs.get("response_conn"),
    }
    return module.response.HTTPResponse(**{k: v for k, v in available.items() if k in accepted})
