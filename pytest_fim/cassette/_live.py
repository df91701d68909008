"""Sending a request to the real server, for the recorder and the drift check.

Whatever client the code under test used, the recorder sends its request
again with :mod:`http.client`, to the scheme, host and port of its URL,
with its headers and body, and hands the whole answer back. The connection
classes are the standard library's own even when vcrpy has put its
recording stubs in their place, so a test under pytest-recording never
records a FIM request twice. Only here may a connection reach a Mistral
host while the guard is on.
"""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import urlsplit

from pytest_fim._clients._guard import RECORDER_LIVE
from pytest_fim._clients._wire import WireRequest

__all__ = ["Connections", "LiveAnswer"]

#: Headers the connection writes itself, or that would make the answer harder to store.
_NOT_SENT = frozenset({"host", "content-length", "accept-encoding", "connection"})


def _real(cls: Any) -> Any:
    # vcrpy's stubs keep the class they replace as ``_baseclass``.
    return getattr(cls, "_baseclass", cls)


class LiveAnswer:
    """What the server sent: status, headers, the whole (decoded) body."""

    __slots__ = ("content", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], content: bytes) -> None:
        self.status = status
        self.headers = headers
        self.content = content


class Connections:
    """Kept-alive connections to the servers a test records from, one per origin.

    ``timeout`` is how many seconds connecting, or waiting for the answer's
    next bytes, may take.

    A recording test sends its requests one after the other, as its client
    would on its own pooled connection; opening a connection per request would
    make recording slower than the code under test is on its own.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._open: dict[tuple[str, str, int | None], http.client.HTTPConnection] = {}

    def send(self, request: WireRequest) -> LiveAnswer:
        """Send ``request`` to its URL and read the answer whole.

        Raises ``OSError`` (``ConnectionError``, a timeout) when the server
        cannot be reached.
        """
        parts = urlsplit(request.url)
        origin = (parts.scheme, parts.hostname or "localhost", parts.port)
        kept = self._open.pop(origin, None)
        if kept is not None:
            try:
                return self._exchange(kept, origin, request)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                pass  # the server closed the kept connection while idle: open a new one
        return self._exchange(self._connect(origin), origin, request)

    def close(self) -> None:
        """Close every kept connection."""
        for connection in self._open.values():
            connection.close()
        self._open.clear()

    def _connect(self, origin: tuple[str, str, int | None]) -> http.client.HTTPConnection:
        scheme, host, port = origin
        secure = scheme == "https"
        cls = _real(http.client.HTTPSConnection if secure else http.client.HTTPConnection)
        connection: http.client.HTTPConnection = cls(host, port, timeout=self.timeout)
        return connection

    def _exchange(
        self,
        connection: http.client.HTTPConnection,
        origin: tuple[str, str, int | None],
        request: WireRequest,
    ) -> LiveAnswer:
        parts = urlsplit(request.url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        token = RECORDER_LIVE.set(True)
        try:
            connection.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", parts.netloc.rpartition("@")[2])
            connection.putheader("Accept-Encoding", "identity")
            connection.putheader("Content-Length", str(len(request.body)))
            for name, value in request.headers.items():
                if name.lower() not in _NOT_SENT:
                    connection.putheader(name, value)
            connection.endheaders(request.body)
            response = connection.getresponse()
            content = response.read()
        except BaseException:
            connection.close()
            raise
        finally:
            RECORDER_LIVE.reset(token)
        if response.will_close:
            connection.close()
        else:
            self._open[origin] = connection
        headers = {name.lower(): value for name, value in response.getheaders()}
        return LiveAnswer(response.status, headers, content)
