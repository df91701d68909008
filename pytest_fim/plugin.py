"""The pytest face of pytest-fim: options, markers and fixtures.

Kept light on purpose: nothing here imports pydantic or deepdiff at module
level, so a suite that has pytest-fim installed but never uses it starts as
fast as without it. Each fixture imports the core module it needs when it
first runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_fim.factory import FIMResponseFactory
    from pytest_fim.models import FIMCompletionResponse
    from pytest_fim.stream import FIMStreamFactory

_MARKERS = (
    "fim_response(content=..., **make_fim_response_keywords): build the fim_response "
    "fixture with these make_fim_response() arguments",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``fim`` option group and the ``fim_strict`` ini option."""
    group = parser.getgroup("fim", "pytest-fim (Mistral FIM completion responses)")
    group.addoption(
        "--fim-strict",
        action="store_true",
        default=False,
        help="validate FIM responses with the strict profile (what the live API sends "
             "today) unless a call passes strict=False. Default: the fim_strict ini option.",
    )
    parser.addini(
        "fim_strict",
        type="bool",
        default=False,
        help="pytest-fim: use the strict validation profile by default (default: false)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register markers and hand the suite's defaults to the core."""
    for line in _MARKERS:
        config.addinivalue_line("markers", line)
    from pytest_fim import _settings

    _settings.default_strict = bool(config.getoption("fim_strict")) or bool(
        config.getini("fim_strict")
    )
    _settings.verbosity = int(config.getoption("verbose", 0) or 0)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Put the core's defaults back, for in-process runs such as pytester's."""
    from pytest_fim import _settings

    _settings.default_strict = False
    _settings.verbosity = 0


def _test_seed(request: pytest.FixtureRequest) -> str:
    # The node id is stable across runs and pytest-xdist workers, and unique per test.
    return str(request.node.nodeid)


@pytest.fixture
def fim_response(request: pytest.FixtureRequest) -> FIMCompletionResponse:
    """A valid FIMCompletionResponse; set its fields with @pytest.mark.fim_response(...)."""
    from pytest_fim.factory import make_fim_response

    kwargs: dict[str, Any] = {}
    marker = request.node.get_closest_marker("fim_response")
    if marker is not None:
        if len(marker.args) > 1:
            raise TypeError(f"@pytest.mark.fim_response takes at most one positional argument "
                            f"(content), got {len(marker.args)}")
        if marker.args:
            kwargs["content"] = marker.args[0]
        kwargs.update(marker.kwargs)
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, dict):
            raise TypeError(f"indirect parametrisation of fim_response takes dicts of "
                            f"make_fim_response() arguments, got {type(param).__name__}: "
                            f"{param!r:.80}")
        kwargs.update(param)
    kwargs.setdefault("seed", _test_seed(request))
    return make_fim_response(**kwargs)


@pytest.fixture
def fim_response_factory(request: pytest.FixtureRequest) -> FIMResponseFactory:
    """make_fim_response() with per-test deterministic ids: call it to build responses."""
    from pytest_fim.factory import FIMResponseFactory

    return FIMResponseFactory(_test_seed(request))


@pytest.fixture
def fim_stream_factory(request: pytest.FixtureRequest) -> FIMStreamFactory:
    """make_fim_stream() with per-test deterministic ids: call it to build streams."""
    from pytest_fim.stream import FIMStreamFactory

    return FIMStreamFactory(_test_seed(request))
