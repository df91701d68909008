"""Shared fixtures for pytest-fim's own tests."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from _support import DATA_ENV, load_example
from hypothesis import settings

# Tests time nothing (CI runs on two busy cores): no hypothesis deadline either.
settings.register_profile("pytest-fim", deadline=None)
settings.load_profile("pytest-fim")

# The Mistral SDK 3.x closes a dropped client from a weakref finalizer that calls
# asyncio.run(). If garbage collection runs that finalizer while asyncio is making its
# event loop policy (the first asyncio.run of a process, holding asyncio's lock), the
# finalizer waits on that same lock forever: an xdist worker whose first asyncio.run
# came in an SDK test hung. Making the policy here, before any test, closes that window.
asyncio.get_event_loop_policy()


def pytest_report_header(config: pytest.Config) -> str:
    """Say up front where the reference data comes from, or why its tests skip."""
    folder = os.environ.get(DATA_ENV)
    if folder:
        return f"reference data: {DATA_ENV}={folder}"
    return f"reference data: none ({DATA_ENV} is unset; the tests that need it skip)"


@pytest.fixture
def official() -> dict[str, Any]:
    """The API reference's own example response (reference data, or skip)."""
    return load_example("official_example.json")


@pytest.fixture
def documented() -> dict[str, Any]:
    """The response built from the SDK documentation's example values (reference data, or skip)."""
    return load_example("documented_example.json")


@pytest.fixture
def fim_server() -> Any:
    """The loopback stand-in for the FIM API (tests/_fim_server.py), stopped after the test."""
    from _fim_server import FIMServer

    server = FIMServer()
    yield server
    server.close()
