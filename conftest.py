"""Repository-root conftest for pytest-fim's own suites (tests/ and examples/).

Gives the test suite pytest's ``pytester`` fixture, and refuses every network
connection that is not to this machine, so no test can reach a real API by
accident: a refused connection raises before any packet is sent.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

pytest_plugins = ["pytester"]


class NetworkBlockedError(OSError):
    """A test tried to connect somewhere other than this machine."""


def check_address(address: Any) -> None:
    """Raise :class:`NetworkBlockedError` unless ``address`` is loopback or a local socket."""
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if isinstance(host, bytes):
        host = host.decode()
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(str(host).split("%")[0]).is_loopback:
            return
    except ValueError:
        pass
    raise NetworkBlockedError(
        f"pytest-fim's test suite blocks network access: connection to {address!r} refused"
    )


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: Any) -> None:
    check_address(address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    check_address(address)
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
