"""The shape of a response, for the drift check: which fields, of which JSON types.

Two responses have the same shape when the same paths exist with the same
types, whatever the text. List items are folded into one ``[*]`` path, and
``null`` is not a type of its own (a field that is sometimes null, like a
chunk's ``finish_reason``, keeps its shape).
"""

from __future__ import annotations

from typing import Any

from pytest_fim.paths import ANY_INDEX, PatternPart, format_path

__all__ = ["shape", "shape_drift"]

_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def shape(value: Any) -> dict[str, set[str]]:
    """Every path in ``value`` with the JSON types found there (``null`` left out)."""
    found: dict[str, set[str]] = {}
    _walk(value, (), found)
    return found


def _walk(value: Any, path: tuple[PatternPart, ...], found: dict[str, set[str]]) -> None:
    where = format_path(path)
    if value is None:
        found.setdefault(where, set())
        return
    if isinstance(value, dict):
        found.setdefault(where, set()).add("object")
        for key, item in value.items():
            _walk(item, (*path, str(key)), found)
    elif isinstance(value, list):
        found.setdefault(where, set()).add("array")
        for item in value:
            _walk(item, (*path, ANY_INDEX), found)
    else:
        name = _TYPES.get(type(value), type(value).__name__)
        found.setdefault(where, set()).add("number" if name == "integer" else name)


def shape_drift(recorded: Any, live: Any) -> list[str]:
    """How ``live`` differs in shape from ``recorded``: one line per field added,
    removed or retyped."""
    before, after = shape(recorded), shape(live)
    lines = []
    for path in sorted(before.keys() | after.keys()):
        shown = path or "(the body)"
        if path not in before:
            lines.append(f"{shown}: added ({_types(after[path])})")
        elif path not in after:
            lines.append(f"{shown}: removed (was {_types(before[path])})")
        elif before[path] and after[path] and before[path] != after[path]:
            lines.append(
                f"{shown}: type changed from {_types(before[path])} to {_types(after[path])}"
            )
    return lines


def _types(types: set[str]) -> str:
    return " or ".join(sorted(types)) or "null"
