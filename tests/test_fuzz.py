"""Hostile input against every public entry point (the reliability contract)."""

from __future__ import annotations

from typing import Any

import pytest
from _entry_points import check_contract, entry_points, hole_points
from _strategies import ANY_INPUT, HOLES, extreme_values, hostile_holes, sse_text
from hypothesis import HealthCheck, given, settings

POINTS = entry_points()
HOLE_POINTS = hole_points()


@pytest.mark.parametrize("name", sorted(POINTS))
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(value=ANY_INPUT)
def test_hostile_values(name: str, value: Any) -> None:
    check_contract(name, POINTS[name], value)


@pytest.mark.parametrize("name", sorted(POINTS))
def test_extreme_values(name: str) -> None:
    outcomes = [check_contract(name, POINTS[name], value) for value in extreme_values()]
    if name != "pytest_assertrepr_compare":  # the hook answers; it never raises
        assert "assertion" in outcomes or "argument" in outcomes


@pytest.mark.parametrize("name", sorted(HOLE_POINTS))
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hole=HOLES)
def test_hostile_holes(name: str, hole: tuple[str, str, str]) -> None:
    # Any line ends (\n, \r\n, a lone \r), non-ASCII text and lone surrogates. Three
    # strings are good arguments: a TypeError or ValueError would be a crash in disguise.
    assert check_contract(name, HOLE_POINTS[name], hole) in {"ok", "assertion"}


@pytest.mark.parametrize("name", sorted(HOLE_POINTS))
@pytest.mark.parametrize("hole", hostile_holes(), ids=repr)
def test_holes_that_once_crashed(name: str, hole: tuple[str, str, str]) -> None:
    assert check_contract(name, HOLE_POINTS[name], hole) in {"ok", "assertion"}


@pytest.mark.parametrize(
    "name", ["assemble_fim_stream", "assert_valid_fim_stream", "parse_fim_sse"]
)
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(stream=sse_text())
def test_hostile_streams(name: str, stream: str | bytes) -> None:
    # Lone surrogates raw in the text, non-ASCII text, every line end. SSE text is a
    # stream: a TypeError or ValueError would be a crash in disguise.
    assert check_contract(name, POINTS[name], stream) in {"ok", "assertion"}
