"""Differences between two responses, computed by DeepDiff and rendered for people.

:func:`deep_differences` hands a pair of JSON-like values to DeepDiff
(tree view) and turns each change into a :class:`Difference` with a path in
our syntax; :func:`render_differences` writes them one entry each, path
first, with multi-line strings (code) shown as a unified diff and
whitespace made visible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_fim._text import VALUE_LIMIT, plural
from pytest_fim._textdiff import Opcode, grouped_opcodes, opcodes, split_lines
from pytest_fim._visible import escape_hidden
from pytest_fim.paths import PathParts, format_path
from pytest_fim.problems import describe, shorten

__all__ = ["MISSING", "Difference", "deep_differences", "render_differences"]


class _Missing:
    """The value on the side where a key or item does not exist."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()

#: How many differences a message shows at default verbosity.
SHOWN_DIFFERENCES = 10
#: How many lines of one unified diff a message shows at default verbosity:
#: two 200,000-line texts that differ everywhere would print 400,000.
DIFF_LINE_LIMIT = 50


@dataclass(frozen=True)
class Difference:
    """One way ``actual`` differs from ``expected``.

    ``kind`` is one of ``changed``, ``missing``, ``unexpected``,
    ``type changed``, ``matcher failed``, ``length differs``,
    ``missing item``, ``unexpected item``.
    """

    path: PathParts
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


def deep_differences(
    expected: Any, actual: Any, base: PathParts = (), *, ignore_order: bool = False
) -> list[Difference]:
    """DeepDiff ``expected`` against ``actual`` (JSON-like data, no models).

    Paths are prefixed with ``base``. Raises ``ValueError`` for data nested
    too deeply to compare.
    """
    from deepdiff import DeepDiff

    found: list[Difference] = []
    if _texts_differ(expected, actual):
        return [Difference(base, "changed", expected, actual)]
    if type(expected) is dict and type(actual) is dict:
        texts = [
            key
            for key, value in expected.items()
            if key in actual and _texts_differ(value, actual[key])
        ]
        if texts:
            found.extend(
                Difference((*base, key), "changed", expected[key], actual[key]) for key in texts
            )
            expected = {key: value for key, value in expected.items() if key not in texts}
            actual = {key: value for key, value in actual.items() if key not in texts}
            if not expected and not actual:
                return found
    try:
        # Two NaNs at one place say the same thing in a test: not a difference.
        tree = DeepDiff(
            expected,
            actual,
            view="tree",
            ignore_order=ignore_order,
            verbose_level=2,
            ignore_nan_inequality=True,
        )
    except RecursionError:
        raise ValueError(
            f"cannot compare {format_path(base) or 'the responses'}: nested too deeply"
        ) from None
    for report, levels in tree.items():
        kind = _KINDS.get(report, report.replace("_", " "))
        for level in levels:
            parts = tuple(level.path(output_format="list"))
            expected_value = MISSING if _absent(level.t1) else level.t1
            actual_value = MISSING if _absent(level.t2) else level.t2
            found.append(Difference((*base, *parts), kind, expected_value, actual_value))
    return found


def _texts_differ(expected: Any, actual: Any) -> bool:
    # DeepDiff writes its own difflib diff of multi-line strings, which we
    # never show and which costs minutes for long completions: two texts that
    # differ are a change, said without it.
    return (
        type(expected) is str
        and type(actual) is str
        and expected != actual
        and ("\n" in expected or "\n" in actual)
    )


def _absent(value: Any) -> bool:
    return type(value).__name__ == "NotPresent"


# ---------------------------------------------------------------- rendering


def render_differences(differences: Sequence[Difference], *, verbosity: int = 0) -> list[str]:
    """One entry per difference, path first; code as a unified diff.

    At verbosity < 2 values are shortened, a unified diff keeps its first
    :data:`DIFF_LINE_LIMIT` lines and only the first :data:`SHOWN_DIFFERENCES`
    are shown, each cut with a count of the rest.
    """
    full = verbosity >= 2
    limit = None if full else VALUE_LIMIT
    shown = differences if full else differences[:SHOWN_DIFFERENCES]
    lines: list[str] = []
    for difference in shown:
        lines.extend(_render_one(difference, limit, None if full else DIFF_LINE_LIMIT))
    hidden = len(differences) - len(shown)
    if hidden:
        lines.append(f"… and {plural(hidden, 'more difference')} (-vv shows all)")
    return lines


def _render_one(difference: Difference, limit: int | None, max_lines: int | None) -> list[str]:
    where = difference.where or "(the response)"
    expected, actual = difference.expected, difference.actual
    kind = difference.kind
    if (
        kind == "changed"
        and isinstance(expected, str)
        and isinstance(actual, str)
        and ("\n" in expected or "\n" in actual)
    ):
        only = "; whitespace differs only" if _whitespace_note(expected, actual) else ""
        return [
            f"{where}: changed (-expected +actual{only}):",
            *(f"    {line}" for line in unified(expected, actual, limit, max_lines)),
        ]
    if kind in {"missing", "missing item"}:
        return [f"{where}: {kind}: expected {_value(expected, limit)}"]
    if kind in {"unexpected", "unexpected item"}:
        return [f"{where}: {kind}: {_value(actual, limit)}"]
    if kind == "length differs":
        return [f"{where}: length differs: expected {plural(expected, 'item')}, got {actual:,}"]
    if kind == "type changed":
        return [
            f"{where}: type changed: expected {describe(expected)} "
            f"{_value(expected, limit)}, got {describe(actual)} {_value(actual, limit)}"
        ]
    if kind == "matcher failed":
        return [
            f"{where}: matcher failed: {_matcher(expected, limit)} did not accept "
            f"{_value(actual, limit)}"
        ]
    note = _whitespace_note(expected, actual)
    return [
        f"{where}: {kind}: expected {_value(expected, limit)}, got {_value(actual, limit)}{note}"
    ]


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
    if (
        isinstance(expected, str)
        and isinstance(actual, str)
        and expected != actual
        and _same_heads(expected, actual)
        and "".join(expected.split()) == "".join(actual.split())
    ):
        return " (whitespace differs only)"
    return ""


def _same_heads(expected: str, actual: str, size: int = 4096) -> bool:
    # Texts whose first few thousand characters differ beyond whitespace need
    # no look at the rest: splitting two 3 MB texts into words is the costly part.
    head_expected = "".join(expected[:size].split())
    head_actual = "".join(actual[:size].split())
    shorter = min(len(head_expected), len(head_actual))
    return head_expected[:shorter] == head_actual[:shorter]


def unified(
    expected: str, actual: str, limit: int | None = None, max_lines: int | None = None
) -> list[str]:
    """A unified diff of two texts (``--- expected``, ``+++ actual``, ``@@`` hunks).

    Lines end only at ``\\n``, ``\\r\\n`` or a lone ``\\r``. Every line, changed
    or not, shows trailing spaces as ``·``, tabs as ``→`` and what a terminal
    would hide or act on as escapes (:func:`_visible`); a missing final newline
    is said in a line of its own. ``limit`` cuts a line at twice that many
    characters. ``max_lines`` keeps that many lines after the two headers and
    ends with a line counting the rest.
    """
    before, after = split_lines(expected), split_lines(actual)
    hunks = list(grouped_opcodes(opcodes(before, after), 2))
    out = ["--- expected", "+++ actual"]
    for sign, text in _rows(hunks, before, after):
        if max_lines is not None and len(out) - 2 >= max_lines:
            # Counted, not rendered: 400,000 lines cut cost what 50 shown cost.
            rest = sum(_hunk_rows(hunk, before, after) for hunk in hunks) - max_lines
            out.append(f"… {plural(rest, 'more diff line')} not shown; -vv shows all")
            break
        if sign in "@\\":
            out.append(text)
            continue
        line = text[:-1] if text.endswith("\n") else text
        if limit is not None and len(line) > limit * 2:
            # Cut first: escaping a 10 MB line to show 160 characters of it
            # would take seconds.
            cut = limit * 2
            shown = _visible(line[:cut], ends=not line[cut:].strip(" \t"))
            body = f"{shown}…(+{len(line) - cut} chars)"
        else:
            body = _visible(line)
        out.append(f"{sign}{body}")
    return out


def _rows(
    hunks: list[list[Opcode]], before: list[str], after: list[str]
) -> Iterator[tuple[str, str]]:
    """The diff's lines as (sign, raw text): ``@`` a hunk header, ``\\`` a note."""
    for hunk in hunks:
        first, last = hunk[0], hunk[-1]
        yield "@", f"@@ -{_span(first[1], last[2])} +{_span(first[3], last[4])} @@"
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                yield from _side(" ", before, i1, i2, "both")
                continue
            yield from _side("-", before, i1, i2, "expected")
            yield from _side("+", after, j1, j2, "actual")


def _hunk_rows(hunk: list[Opcode], before: list[str], after: list[str]) -> int:
    """How many lines :func:`_rows` gives for ``hunk``, its header and notes included."""
    count = 1 + sum(
        i2 - i1 if tag == "equal" else i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in hunk
    )
    # Only a text's last line can lack a line end, and only the last opcode
    # shows it: as a line of both texts, or one of either side.
    tag, i1, i2, j1, j2 = hunk[-1]
    open_before = i1 < i2 == len(before) and not before[-1].endswith(("\n", "\r"))
    open_after = j1 < j2 == len(after) and not after[-1].endswith(("\n", "\r"))
    return count + open_before + (open_after and tag != "equal")


def _side(
    sign: str, lines: list[str], start: int, stop: int, side: str
) -> Iterator[tuple[str, str]]:
    for index in range(start, stop):
        line = lines[index]
        yield sign, line
        if not line.endswith(("\n", "\r")):
            yield "\\", f"\\ no newline at end of {side}"


def _span(start: int, stop: int) -> str:
    # A hunk's range as unified diffs write it: one line is its number alone,
    # no lines is the line before them and a length of 0.
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _visible(line: str, *, ends: bool = True) -> str:
    """``line`` as a diff shows it: nothing a terminal would hide, move or reorder.

    Trailing spaces become ``·``, tabs ``→``, a carriage return ``␍``; control
    characters (ANSI escapes included), bidi controls, line and paragraph
    separators and spaces that look like a space or like nothing (no-break,
    zero-width) become their escapes. ``ends=False`` says ``line`` is cut
    short before more than spaces, so spaces at its end are not trailing.
    """
    stripped = line.rstrip(" \t") if ends else line
    trailing = line[len(stripped) :].replace(" ", "·").replace("\t", "→")
    return escape_hidden(stripped, _CHAR_SHOWN) + trailing


#: How a diff line shows characters a terminal would hide or act on.
_CHAR_SHOWN = {"\t": "→", "\r": "␍", " ": " "}
