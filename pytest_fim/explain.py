"""The text pytest shows for a failing ``assert a == b`` between FIM responses."""

from __future__ import annotations

from typing import Any

from pytest_fim._text import plural
from pytest_fim.diff import render_differences
from pytest_fim.match import MAX_DEPTH, compare

__all__ = ["explain_equality"]


def explain_equality(left: object, right: object, *, verbosity: int = 0) -> list[str]:
    """Explain why ``left == right`` failed: a summary line, then one entry a difference.

    ``left`` is taken as the actual value and ``right`` as the expected one;
    everything is compared (nothing ignored, every key on both sides). A key
    that is null on one side and absent on the other counts as equal: models
    leave unset defaults out, dicts written by hand leave them out too.
    """
    left_name, right_name = type(left).__name__, type(right).__name__
    left_data, right_data = _comparable(left), _comparable(right)
    # compare() counts two NaNs at one place as equal; == on the data does not.
    differences = (
        [] if left_data == right_data else compare(left_data, right_data, ignore=(), exact=True)
    )
    if not differences:
        if type(left) is not type(right):
            return [
                f"{left_name} == {right_name}",
                f"equal data, different types: {_type_names(left, right)}",
            ]
        # Same type and the same JSON, yet == said no: the model's own __eq__
        # sees what JSON does not (a null field set on one side only, say).
        why = (
            "NaN is never == NaN for it, and the data hold NaN"
            if _holds_nan(left_data, 0)
            else "a field that is null on one side and unset on the other counts for it"
        )
        return [
            f"{left_name} == {right_name}",
            f"equal data, but {left_name}.__eq__ says they differ ({why})",
        ]
    count = len(differences)
    return [
        f"{left_name} == {right_name}: {plural(count, 'difference')} "
        f"(left is shown as actual, right as expected)",
        *render_differences(differences, verbosity=verbosity),
    ]


def _type_names(left: object, right: object) -> str:
    """The two types, with their modules when their names alone read the same."""
    left_type, right_type = type(left), type(right)
    if left_type.__qualname__ != right_type.__qualname__:
        return f"{left_type.__qualname__} vs {right_type.__qualname__}"
    left_name = f"{left_type.__module__}.{left_type.__qualname__}"
    right_name = f"{right_type.__module__}.{right_type.__qualname__}"
    if left_name != right_name:
        return f"{left_name} vs {right_name}"
    return (
        f"two classes both named {left_name} (its module was imported twice, "
        f"or the class defined twice)"
    )


def _holds_nan(data: Any, depth: int) -> bool:
    if depth > MAX_DEPTH:
        return False
    if type(data) is float:
        return data != data
    if type(data) is dict:
        return any(_holds_nan(value, depth + 1) for value in data.values())
    if type(data) is list:
        return any(_holds_nan(item, depth + 1) for item in data)
    return False


def _comparable(value: object) -> Any:
    from pytest_fim.inputs import to_data

    return _without_nulls(to_data(value), 0)


def _without_nulls(data: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply to explain")
    if type(data) is dict:
        return {
            key: _without_nulls(value, depth + 1)
            for key, value in data.items()
            if value is not None
        }
    if type(data) is list:
        return [_without_nulls(item, depth + 1) for item in data]
    return data
