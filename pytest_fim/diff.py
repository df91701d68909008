"""Differences between two responses, computed by DeepDiff and rendered for people.

:func:`deep_differences` hands a pair of plain JSON-like values to DeepDiff
(tree view) and turns each change into a :class:`Difference` with a path in
our syntax; :func:`render_differences` writes them one entry each, path
first, with multi-line strings (code) shown as a unified diff and
whitespace made visible.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pytest_fim.paths import Path, format_path
from pytest_fim.problems import describe, shorten

__all__ = ["MISSING", "Difference", "deep_differences", "render_differences"]


class _Missing:
    """The value on the side where a key or item does not exist."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()

#: How many differences a message shows at default verbosity.
SHOWN_DIFFERENCES = 10
#: How long a value may print at default verbosity (-vv shows it whole).
VALUE_LIMIT = 80


@dataclass(frozen=True)
class Difference:
    """One way ``actual`` differs from ``expected``.

    ``kind`` is one of ``changed``, ``missing``, ``unexpected``,
    ``type changed``, ``matcher failed``, ``length differs``,
    ``missing item``, ``unexpected item``.
    """

    path: Path
    kind: str
    expected: Any = MISSING
    actual: Any = MISSING

    @property
    def where(self) -> str:
        """The path in our syntax ('' for the whole response)."""
        return format_path(self.path)


_KINDS = {
    "values_changed": "changed",
    "type_changes": "type changed",
    "dictionary_item_added": "unexpected",
    "dictionary_item_removed": "missing",
    "iterable_item_added": "unexpected item",
    "iterable_item_removed": "missing item",
    "attribute_added": "unexpected",
    "attribute_removed": "missing",
    "set_item_added": "unexpected item",
    "set_item_removed": "missing item",
}


def deep_differences(expected: Any, actual: Any, base: Path = (), *,
                     ignore_order: bool = False) -> list[Difference]:
    """DeepDiff ``expected`` against ``actual`` (plain JSON-like data).

    Paths are prefixed with ``base``. Raises ``ValueError`` for data nested
    too deeply to compare.
    """
    from deepdiff import DeepDiff

    try:
        tree = DeepDiff(expected, actual, view="tree", ignore_order=ignore_order,
                        verbose_level=2)
    except RecursionError:
        raise ValueError(f"cannot compare {format_path(base) or 'the responses'}: "
                         f"nested too deeply") from None
    found = []
    for report, levels in tree.items():
        kind = _KINDS.get(report, report.replace("_", " "))
        for level in levels:
            parts = tuple(level.path(output_format="list"))
            expected_value = MISSING if _absent(level.t1) else level.t1
            actual_value = MISSING if _absent(level.t2) else level.t2
            found.append(Difference((*base, *parts), kind, expected_value, actual_value))
    return found


def _absent(value: Any) -> bool:
    return type(value).__name__ == "NotPresent"


# ---------------------------------------------------------------- rendering


def render_differences(differences: Sequence[Difference], *, verbosity: int = 0) -> list[str]:
    """One entry per difference, path first; code as a unified diff.

    At verbosity < 2 values are shortened and only the first
    :data:`SHOWN_DIFFERENCES` are shown, with a count of the rest.
    """
    full = verbosity >= 2
    limit = None if full else VALUE_LIMIT
    shown = differences if full else differences[:SHOWN_DIFFERENCES]
    lines: list[str] = []
    for difference in shown:
        lines.extend(_render_one(difference, limit))
    hidden = len(differences) - len(shown)
    if hidden:
        lines.append(f"… and {hidden} more difference{'s' if hidden != 1 else ''} "
                     f"(-vv shows all)")
    return lines


def _render_one(difference: Difference, limit: int | None) -> list[str]:
    where = difference.where or "(the response)"
    expected, actual = difference.expected, difference.actual
    kind = difference.kind
    if kind == "changed" and isinstance(expected, str) and isinstance(actual, str) \
            and ("\n" in expected or "\n" in actual):
        only = "; whitespace differs only" if _whitespace_note(expected, actual) else ""
        return [f"{where}: changed (-expected +actual{only}):",
                *(f"    {line}" for line in unified(expected, actual, limit))]
    if kind in {"missing", "missing item"}:
        return [f"{where}: {kind}: expected {_value(expected, limit)}"]
    if kind in {"unexpected", "unexpected item"}:
        return [f"{where}: {kind}: {_value(actual, limit)}"]
    if kind == "length differs":
        return [f"{where}: length differs: expected {expected} item{'s' if expected != 1 else ''}"
                f", got {actual}"]
    if kind == "type changed":
        return [f"{where}: type changed: expected {describe(expected)} "
                f"{_value(expected, limit)}, got {describe(actual)} {_value(actual, limit)}"]
    if kind == "matcher failed":
        return [f"{where}: matcher failed: {_matcher(expected, limit)} did not accept "
                f"{_value(actual, limit)}"]
    note = _whitespace_note(expected, actual)
    return [f"{where}: {kind}: expected {_value(expected, limit)}, got "
            f"{_value(actual, limit)}{note}"]


def _value(value: Any, limit: int | None) -> str:
    if limit is None:
        try:
            return repr(value)
        except Exception:  # a hostile __repr__: fall back to the safe form
            return shorten(value)
    return shorten(value, limit)


def _matcher(matcher: Any, limit: int | None) -> str:
    pattern = getattr(matcher, "pattern", None)
    if isinstance(pattern, str) and hasattr(matcher, "search"):
        return f"re.compile({pattern!r})"
    return _value(matcher, limit)


def _whitespace_note(expected: Any, actual: Any) -> str:
    if isinstance(expected, str) and isinstance(actual, str) and expected != actual \
            and "".join(expected.split()) == "".join(actual.split()):
        return " (whitespace differs only)"
    return ""


def unified(expected: str, actual: str, limit: int | None = None) -> list[str]:
    """A unified diff of two texts (``--- expected``, ``+++ actual``, ``@@`` hunks).

    Changed lines show trailing spaces as ``·`` and tabs as ``→``; a missing
    final newline is said in a line of its own.
    """
    before = expected.splitlines(keepends=True)
    after = actual.splitlines(keepends=True)
    out = ["--- expected", "+++ actual"]
    for line in difflib.unified_diff(before, after, n=2, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            out.append(line.rstrip("\n"))
            continue
        sign, text = line[0], line[1:]
        ends = text.endswith("\n")
        body = text[:-1] if ends else text
        if sign in "-+":
            body = _visible(body)
        if limit is not None and len(body) > limit * 2:
            body = f"{body[:limit * 2]}…(+{len(body) - limit * 2} chars)"
        out.append(f"{sign}{body}")
        if not ends:
            side = "expected" if sign == "-" else "actual" if sign == "+" else "both"
            out.append(f"\\ no newline at end of {side}")
    return out


def _visible(line: str) -> str:
    stripped = line.rstrip(" \t")
    trailing = line[len(stripped):].replace(" ", "·").replace("\t", "→")
    return "".join(_CHAR_SHOWN.get(char) or _shown(char) for char in stripped) + trailing


#: How a changed line shows characters a terminal would hide or act on.
_CHAR_SHOWN = {"\t": "→", "\r": "␍", " ": " "}


def _shown(char: str) -> str:
    # A no-break or zero-width space looks like a space or nothing at all, and
    # a control character moves the cursor: print the escape instead.
    if char.isprintable() and not char.isspace():
        return char
    return repr(char)[1:-1]
