"""Hostile input against every public entry point (the reliability contract)."""

from __future__ import annotations

from typing import Any

import pytest
from _entry_points import check_contract, entry_points
from _strategies import ANY_INPUT, extreme_values
from hypothesis import HealthCheck, given, settings

POINTS = entry_points()


@pytest.mark.parametrize("name", sorted(POINTS))
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(value=ANY_INPUT)
def test_hostile_values(name: str, value: Any) -> None:
    check_contract(name, POINTS[name], value)


@pytest.mark.parametrize("name", sorted(POINTS))
def test_extreme_values(name: str) -> None:
    outcomes = [check_contract(name, POINTS[name], value) for value in extreme_values()]
    if name != "pytest_assertrepr_compare":  # the hook answers; it never raises
        assert "assertion" in outcomes or "argument" in outcomes
