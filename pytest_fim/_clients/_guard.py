"""The last line of defence: nothing resolves or connects to a Mistral host.

Every route a Python program takes to a host goes through a name lookup
(``socket.getaddrinfo`` and friends, ``loop.getaddrinfo``) or a connect to a
name (``socket.socket.connect``). While the guard is on, each of them refuses
a Mistral host before any packet leaves, by raising what ``on_blocked``
makes: a client the adapters do not know fails at once, naming itself,
instead of resolving, connecting or waiting for a timeout.
"""

from __future__ import annotations

import contextvars
import socket
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["RECORDER_LIVE", "Blocked", "is_mistral_host", "patch_asyncio", "patch_socket"]

#: True while the cassette recorder itself sends a request live (record modes
#: only): its own connection is the one that may pass.
RECORDER_LIVE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "pytest_fim_recorder_live", default=False
)

#: Makes the error a blocked attempt raises, from host, port and the library that tried.
Blocked = Callable[[str, "int | None", str], BaseException]

#: Modules a connection passes through on its way, which did not ask for it.
_PLUMBING = frozenset(
    {
        "pytest_fim",
        "socket",
        "_socket",
        "ssl",
        "asyncio",
        "selectors",
        "concurrent",
        "threading",
        "contextlib",
        "functools",
    }
)
#: Where the stack leaves the code under test: pytest running the test.
_RUNNER = frozenset({"_pytest", "pluggy", "pytest"})


def is_mistral_host(host: object) -> bool:
    """True for ``mistral.ai`` and every host under it (``api.``, ``codestral.``)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.lower().rstrip(".")
    return name == "mistral.ai" or name.endswith(".mistral.ai")


def caller(depth: int = 2) -> str:
    """The code on the stack that asked, innermost first: ``httpcore ← httpx ← mylib``.

    A third-party library is named by its package, the standard library by
    its module (``http.client``), up to three of them.
    """
    found: list[str] = []
    frame = sys._getframe(depth)
    while frame is not None and len(found) < 3:
        module = str(frame.f_globals.get("__name__", ""))
        top = module.partition(".")[0]
        name = module if top in sys.stdlib_module_names else top
        if top in _RUNNER:
            break
        if top and top not in _PLUMBING and name not in found:
            found.append(name)
        frame = frame.f_back  # type: ignore[assignment]
    return " ← ".join(found) or "unknown code"


def _port(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return None


def patch_socket(setattr_: Any, blocked: Blocked) -> None:
    """Refuse Mistral hosts in the socket module's lookups and connects."""
    getaddrinfo = socket.getaddrinfo
    gethostbyname = socket.gethostbyname
    gethostbyname_ex = socket.gethostbyname_ex
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex

    def check(host: object, port: object) -> None:
        if is_mistral_host(host) and not RECORDER_LIVE.get():
            raise blocked(str(host), _port(port), caller(3))

    def guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        check(host, port)
        return getaddrinfo(host, port, *args, **kwargs)

    def guarded_gethostbyname(host: str) -> str:
        check(host, None)
        return gethostbyname(host)

    def guarded_gethostbyname_ex(host: str) -> Any:
        check(host, None)
        return gethostbyname_ex(host)

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address:
            check(address[0], address[1] if len(address) > 1 else None)
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if isinstance(address, tuple) and address:
            check(address[0], address[1] if len(address) > 1 else None)
        return connect_ex(self, address)

    setattr_(socket, "getaddrinfo", guarded_getaddrinfo)
    setattr_(socket, "gethostbyname", guarded_gethostbyname)
    setattr_(socket, "gethostbyname_ex", guarded_gethostbyname_ex)
    setattr_(socket.socket, "connect", guarded_connect)
    setattr_(socket.socket, "connect_ex", guarded_connect_ex)


def patch_asyncio(module: Any, blocked: Blocked, setattr_: Any) -> None:
    """Refuse Mistral hosts in ``loop.getaddrinfo``, before it goes to a worker thread.

    (The socket guard would stop the lookup there too, but a worker thread's
    stack no longer shows which library asked.)
    """
    loop_cls = module.base_events.BaseEventLoop
    getaddrinfo = loop_cls.getaddrinfo

    async def guarded_getaddrinfo(
        self: Any, host: Any, port: Any, *args: Any, **kwargs: Any
    ) -> Any:
        if is_mistral_host(host):
            raise blocked(str(host), _port(port), caller(2))
        return await getaddrinfo(self, host, port, *args, **kwargs)

    setattr_(loop_cls, "getaddrinfo", guarded_getaddrinfo)
