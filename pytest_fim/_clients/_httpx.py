"""httpx and httpx2: every client, whatever its transport.

A client picks its transport per request in ``Client._transport_for_url``
(the default pool, a mounted transport, a proxy, a custom one such as an
aiohttp-backed ``httpx_aiohttp``/LiteLLM transport, or a ``MockTransport``).
Wrapping what that method returns puts the handler in front of all of them,
after the client has applied its auth, event hooks and redirects, so a request
is seen exactly as the transport would have sent it.
"""

from __future__ import annotations

from typing import Any

from pytest_fim._clients._wire import Handler, WireRequest, WireResponse, strip_fragment

__all__ = ["patch"]


def patch(module: Any, handler: Handler, setattr_: Any) -> None:
    """Put ``handler`` in front of every transport of ``module`` (httpx or httpx2)."""
    name = module.__name__
    for cls, wrapper in ((module.Client, _Sync), (module.AsyncClient, _Async)):
        original = cls._transport_for_url

        def transport_for_url(
            self: Any, url: Any, _original: Any = original, _wrapper: Any = wrapper
        ) -> Any:
            return _wrapper(_original(self, url), handler, module, name)

        setattr_(cls, "_transport_for_url", transport_for_url)


def _wire(request: Any, url: str, client: str) -> WireRequest:
    # Lower-case names, as httpx shows them (and as fim_mock always recorded them).
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in request.headers.raw
    }
    return WireRequest(request.method, strip_fragment(url), headers, request.content, client)


def _response(module: Any, answer: WireResponse, asynchronous: bool = False) -> Any:
    if answer.chunks is None:
        return module.Response(answer.status, headers=answer.headers, content=answer.content)
    # A body in pieces, read one piece at a time as from the network; no length
    # header, as with a stream the server sends chunked.
    headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
    pieces = _AsyncPieces(answer.chunks) if asynchronous else iter(answer.chunks)
    return module.Response(answer.status, headers=headers, content=pieces)


class _AsyncPieces:
    """The pieces of a body as an async iterator, for an ``AsyncClient``."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = iter(pieces)

    def __aiter__(self) -> _AsyncPieces:
        return self

    async def __anext__(self) -> bytes:
        try:
            return next(self.pieces)
        except StopIteration:
            raise StopAsyncIteration from None


class _Sync:
    """A transport that asks the handler first, then the client's own transport."""

    def __init__(self, transport: Any, handler: Handler, module: Any, client: str) -> None:
        self.transport = transport
        self.handler = handler
        self.module = module
        self.client = client

    def handle_request(self, request: Any) -> Any:
        __tracebackhide__ = True  # pytest leaves it out: its locals hold the API key
        url = str(request.url)
        if self.handler.wants(request.method, url):
            request.read()
            answer = self.handler.respond(_wire(request, url, self.client))
            if answer is not None:
                return _response(self.module, answer)
        return self.transport.handle_request(request)

    def __getattr__(self, name: str) -> Any:  # anything else a caller reads of the transport
        return getattr(self.transport, name)


class _Async(_Sync):
    async def handle_async_request(self, request: Any) -> Any:
        __tracebackhide__ = True
        url = str(request.url)
        if self.handler.wants(request.method, url):
            await request.aread()
            answer = self.handler.respond(_wire(request, url, self.client))
            if answer is not None:
                return _response(self.module, answer, asynchronous=True)
        return await self.transport.handle_async_request(request)
