"""What every client adapter hands the mock and gets back: library-neutral requests and answers.

A client adapter (one module per HTTP library) turns its library's request
into a :class:`WireRequest`, asks the :class:`Handler`, and turns the
:class:`WireResponse` it gets back into its library's own response object,
so the code under test reads it exactly as it would read the network's.
Nothing here imports an HTTP library.
"""

from __future__ import annotations

import http.client
import io
import re
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "VERTEX_FIM_PATH",
    "Handler",
    "WireRequest",
    "WireResponse",
    "http_client_response",
    "strip_fragment",
]

#: Codestral on Google Vertex AI: the model is in the path, and the same path
#: also serves chat requests (a FIM request's body has a ``prompt``).
VERTEX_FIM_PATH = re.compile(
    r"/v1(?:beta1)?/projects/[^/]+/locations/[^/]+/publishers/mistralai/"
    r"models/(?P<model>[^/:]+):(?P<method>rawPredict|streamRawPredict)"
)

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class WireRequest:
    """One request as it would go on the wire: method, full URL, headers, body bytes.

    ``client`` names the library that sent it (``httpx``, ``urllib3``, ...).
    """

    # A class with slots, not a dataclass: one is made for every request a client sends.
    __slots__ = ("body", "client", "headers", "method", "url")

    def __init__(
        self, method: str, url: str, headers: dict[str, str], body: bytes, client: str = ""
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.client = client

    def __repr__(self) -> str:
        # No headers (they carry the API key) and no body: a repr lands in tracebacks.
        return f"WireRequest({self.method!r}, {self.url!r}, client={self.client!r})"

    @property
    def path(self) -> str:
        """The URL's path, ``/v1/fim/completions`` for the FIM endpoint."""
        return urlsplit(self.url).path


class WireResponse:
    """One answer: status, headers (``content-type`` among them) and the whole body.

    ``chunks``, when given, are the pieces the body arrives in (their join is
    ``content``): a replayed stream sent event by event. Adapters whose client
    reads a body piece by piece hand them over one at a time.
    """

    __slots__ = ("chunks", "content", "headers", "status")

    def __init__(
        self,
        status: int,
        headers: dict[str, str] | None = None,
        content: bytes = b"",
        chunks: list[bytes] | None = None,
    ) -> None:
        self.status = status
        self.headers = headers if headers is not None else {}
        self.content = content
        self.chunks = chunks

    def __repr__(self) -> str:
        return f"WireResponse({self.status}, {len(self.content)} bytes)"

    @property
    def reason(self) -> str:
        """The status line's reason phrase (``OK``, ``Unprocessable Entity``)."""
        return _REASONS.get(self.status, "Unknown")


class Handler(Protocol):
    """What the client adapters ask: the mock (and, later, the cassette recorder)."""

    def wants(self, method: str, url: str) -> bool:
        """True when a request with this method and URL may be answered here.

        Called for every request, so it must be cheap; only then is the body read.
        """

    def respond(self, request: WireRequest) -> WireResponse | None:
        """The answer, or None to let the request go on to the library's own transport.

        May raise an ``AssertionError`` (a failed test) instead of answering.
        """


def strip_fragment(url: str) -> str:
    """``url`` without its ``#fragment``, which is never sent (SDKs tag URLs with ``#stream``)."""
    if "#" not in url:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=""))


class _BytesSocket:
    """Just enough of a socket for :class:`http.client.HTTPResponse` to read from."""

    def __init__(self, data: bytes) -> None:
        self._file = io.BytesIO(data)

    def makefile(self, mode: str, *args: object, **kwargs: object) -> io.BytesIO:
        return self._file


def http_client_response(answer: WireResponse, method: str) -> http.client.HTTPResponse:
    """``answer`` as a real, already begun :class:`http.client.HTTPResponse`.

    What urllib.request and urllib3 1.x read from a socket, read from memory
    instead, so status line, headers, length and streaming behave as on the wire.
    """
    head = [f"HTTP/1.1 {answer.status} {answer.reason}"]
    head += [
        f"{name}: {value}"
        for name, value in answer.headers.items()
        if name.lower() != "content-length"
    ]
    head.append(f"content-length: {len(answer.content)}")
    raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + answer.content
    response = http.client.HTTPResponse(_BytesSocket(raw), method=method)  # type: ignore[arg-type]
    response.begin()
    return response
