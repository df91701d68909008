"""The suite itself cannot reach the network: the root conftest's guard."""

from __future__ import annotations

import socket

import pytest

# The guard lives in the repository-root conftest (it covers examples/ too);
# reach it through the function it installed.
_GUARD = socket.socket.connect.__globals__
check_address = _GUARD["check_address"]
NetworkBlockedError = _GUARD["NetworkBlockedError"]


def test_sockets_are_guarded() -> None:
    assert socket.socket.connect.__name__ == "_guarded_connect"
    assert socket.socket.connect_ex.__name__ == "_guarded_connect_ex"


@pytest.mark.parametrize(
    "address",
    [("203.0.113.7", 443), ("api.mistral.ai", 443), ("10.0.0.1", 80), ("::ffff:8.8.8.8", 53, 0, 0)],
)
def test_remote_addresses_are_refused(address: tuple[object, ...]) -> None:
    # The guard is called directly: if it ever broke, no packet would be sent.
    with pytest.raises(NetworkBlockedError, match="blocks network access"):
        check_address(address)


@pytest.mark.parametrize(
    "address", [("127.0.0.1", 80), ("localhost", 1), ("::1", 80, 0, 0), "/tmp/socket"]
)
def test_loopback_is_allowed(address: object) -> None:
    check_address(address)


def test_loopback_connection_works_through_the_guard() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
