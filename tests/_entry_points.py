"""Every public entry point, wrapped to take one hostile value, and the contract.

The contract (the reliability issue): each call returns normally, raises
AssertionError (a bad response), or TypeError/ValueError with a clear message
(a bad argument); never another exception, never a huge message. How long a
call takes is not part of it here (tests time nothing): bench/fill_scaling.py
measures how the slowest entry point grows with its input.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from pytest_fim import make_fim_response

#: Longest message an entry point may produce, in characters ("a few KB").
MESSAGE_LIMIT = 8_000

MODEL = make_fim_response(seed=1)
VALID = MODEL.model_dump(mode="json")


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        value: Callable[..., Any] = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return value


class _Config:
    """Enough of pytest's Config for the assert hook."""

    def getoption(self, name: str, default: Any = None) -> Any:
        return {"verbose": 0, "color": "no"}.get(name, default)

    def get_verbosity(self, *args: Any) -> int:
        return 0


def entry_points() -> dict[str, Callable[[Any], Any]]:
    """Name -> a callable of one hostile value, for every entry point installed."""
    from pytest_fim import assert_valid_fim_response, validate_fim_response

    points: dict[str, Callable[[Any], Any]] = {
        "assert_valid_fim_response": assert_valid_fim_response,
        "validate_fim_response": validate_fim_response,
        "assert_valid_fim_response(strict)": lambda value: assert_valid_fim_response(
            value, strict=True
        ),
    }
    matches = _optional("pytest_fim.match", "assert_fim_response_matches")
    diff = _optional("pytest_fim.match", "fim_diff")
    if matches and diff:
        points["assert_fim_response_matches(actual)"] = lambda value: matches(value, VALID)
        points["assert_fim_response_matches(expected)"] = lambda value: matches(VALID, value)
        points["fim_diff"] = lambda value: diff(value, VALID)
    for name in ("parse_fim_sse", "assemble_fim_stream", "assert_valid_fim_stream"):
        function = _optional("pytest_fim.stream", name)
        if function:
            points[name] = function
    fills = _optional("pytest_fim.quality", "assert_fills_hole")
    if fills:
        points["assert_fills_hole(middle)"] = lambda value: fills("def f(a, b):\n", value, "\n")
        points["assert_fills_hole(prefix)"] = lambda value: fills(value, "    return 1\n", "")
        points["assert_fills_hole(suffix)"] = lambda value: fills(
            "def f(a, b):\n", "    return 1\n", value
        )
    hook = _optional("pytest_fim.plugin", "pytest_assertrepr_compare")
    if hook:
        points["pytest_assertrepr_compare"] = lambda value: _hook_result(
            hook(_Config(), "==", MODEL, value)
        )
    return points


def hole_points() -> dict[str, Callable[[Any], Any]]:
    """Name -> a callable of one (prefix, middle, suffix) hole, for every quality check."""
    quality = importlib.import_module("pytest_fim.quality")
    points = {
        f"{name}({language})": _spread(getattr(quality, name), language=language)
        for name in ("assert_fills_hole", "fill_problems")
        for language in ("python", "javascript")
    }
    for name in quality.__all__:
        if name.startswith("assert_") and name not in {
            "assert_fills_hole",
            "assert_matches_reference",
            "assert_passes_tests",
        }:
            points[name] = _spread(getattr(quality, name))
    return points


def _spread(function: Callable[..., Any], **keywords: Any) -> Callable[[Any], Any]:
    return lambda hole: function(*hole, **keywords)


def _hook_result(lines: Any) -> str:
    # The hook must answer None or a list of strings, whatever it is given.
    if lines is None:
        return ""
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise AssertionError(f"the assert hook answered {type(lines).__name__}, not lines")
    return "\n".join(lines)


def check_contract(name: str, call: Callable[[Any], Any], value: Any) -> str:
    """Call and classify: 'ok', 'assertion' or 'argument'; raise on a breach."""
    try:
        result = call(value)
        outcome = "ok"
        message = result if isinstance(result, str) else ""
    except AssertionError as exc:
        outcome, message = "assertion", _text(exc)
    except (TypeError, ValueError) as exc:
        outcome, message = "argument", _text(exc)
        if not message.strip():
            raise AssertionError(f"{name}: {type(exc).__name__} without a message") from exc
    if len(message) > MESSAGE_LIMIT:
        raise AssertionError(
            f"{name}: message of {len(message):,} characters "
            f"(limit {MESSAGE_LIMIT:,}): {message[:200]!r}"
        )
    return outcome


def _text(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception as error:  # the message itself must not be the crash
        raise AssertionError(f"str() of {type(exc).__name__} failed: {error!r}") from error
