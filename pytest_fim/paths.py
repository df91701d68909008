"""Paths into a response: formatting and ``[*]`` patterns.

A path is a tuple of keys and indexes, ``("choices", 0, "message")``, and is
always shown as ``choices[0].message``. Patterns use the same syntax with
``[*]`` for any index: ``choices[*].message.tool_calls``.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from pytest_fim._visible import escape_hidden
from pytest_fim.problems import shorten

__all__ = [
    "ANY_INDEX",
    "IGNORED",
    "IgnoreTree",
    "PathPattern",
    "format_path",
    "ignore_below",
    "ignore_tree",
    "parse_pattern",
]

PathPart = str | int
#: A place in a response as its keys and indexes, ``("choices", 0, "message")``
#: (named apart from :class:`pathlib.Path`, which the package also uses).
PathParts = tuple[PathPart, ...]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _AnyIndex:
    """The ``[*]`` of a pattern: matches any list index."""

    def __repr__(self) -> str:
        return "[*]"


ANY_INDEX = _AnyIndex()
PatternPart = str | int | _AnyIndex


def format_path(parts: Iterable[PatternPart]) -> str:
    """Format a path as ``choices[0].message.content``; '' for the root.

    Keys that are not identifiers are quoted: ``usage["weird-key"]``, with
    characters a terminal would hide or act on (control, bidi) as escapes;
    :data:`ANY_INDEX` is written ``[*]``.
    """
    out: list[str] = []
    for part in parts:
        if isinstance(part, _AnyIndex):
            out.append("[*]")
        elif isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{_quote(part)}]")
    return "".join(out)


def _quote(key: str) -> str:
    # Backslashes first, so that the escapes escape_hidden adds stay readable
    # as escapes: a key holding ESC shows as \x1b, one holding "\x1b" as \\x1b.
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escape_hidden(escaped)}"'


_TOKEN = re.compile(
    r"""
      (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | \[(?P<index>\d+|\*)\]
    | \["(?P<quoted>(?:[^"\\]|\\.)*)"\]
    | (?P<dot>\.)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class PathPattern:
    """A parsed path pattern; ``[*]`` matches any list index."""

    text: str
    parts: tuple[PatternPart, ...]

    def matches(self, path: Sequence[PathPart]) -> bool:
        """True when ``path`` is exactly the place this pattern names."""
        return len(path) == len(self.parts) and self._agrees(path)

    def may_cover_inside(self, path: Sequence[PathPart]) -> bool:
        """True when ``path`` or something inside it could be the place this pattern names."""
        return self._agrees(path)

    def _agrees(self, path: Sequence[PathPart]) -> bool:
        # Part by part as far as the shorter of the two goes.
        return all(_part_matches(want, got) for want, got in zip(self.parts, path, strict=False))

    def __str__(self) -> str:
        return self.text


def _part_matches(want: PatternPart, got: PathPart) -> bool:
    if isinstance(want, _AnyIndex):
        return isinstance(got, int)
    return want == got and isinstance(want, int) == isinstance(got, int)


def parse_pattern(text: str) -> PathPattern:
    """Parse ``choices[*].message.content`` into a :class:`PathPattern`.

    Raises ``TypeError`` when ``text`` is not a string and ``ValueError``
    naming the pattern when it is malformed (unbalanced brackets, a stray
    dot, an empty pattern).
    """
    if not isinstance(text, str):
        raise TypeError(
            f"an ignore pattern must be a str such as 'choices[*].message', "
            f"got {type(text).__name__}: {text!r:.80}"
        )
    parts: list[PatternPart] = []
    pos = 0
    expect_name = True  # at the start or after a dot a key name must follow
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(
                f"malformed path pattern {text!r}: unexpected {text[pos : pos + 10]!r} "
                f'at position {pos} (expected a key, [N], [*] or ["key"])'
            )
        if match.group("dot") is not None:
            if expect_name:
                raise ValueError(f"malformed path pattern {text!r}: stray '.' at position {pos}")
            expect_name = True
        elif match.group("name") is not None:
            if not expect_name:
                raise ValueError(
                    f"malformed path pattern {text!r}: a key at position {pos} must follow a '.'"
                )
            parts.append(match.group("name"))
            expect_name = False
        elif match.group("index") is not None:
            if expect_name and parts:
                raise ValueError(
                    f"malformed path pattern {text!r}: '.' before '[' at position {pos}"
                )
            index = match.group("index")
            parts.append(ANY_INDEX if index == "*" else int(index))
            expect_name = False
        else:
            if expect_name and parts:
                raise ValueError(
                    f"malformed path pattern {text!r}: '.' before '[' at position {pos}"
                )
            parts.append(re.sub(r"\\(.)", r"\1", match.group("quoted")))
            expect_name = False
        pos = match.end()
    if not parts or expect_name:
        raise ValueError(
            f"malformed path pattern {text!r}: it must name a place, "
            f"such as 'usage.total_tokens' or 'choices[*].message'"
        )
    return PathPattern(text, tuple(parts))


def path_patterns(value: str | Iterable[str], *, argument: str, example: str) -> tuple[str, ...]:
    """``value`` (one pattern or several) as a tuple of checked path patterns.

    The one place a caller's ``ignore=`` / ``exclude=`` argument is read.
    ``argument`` names it in messages (``"fim_snapshot(exclude=...)"``) and
    ``example`` shows a good value. Raises TypeError when ``value`` is not
    text or an iterable of text, and what :func:`parse_pattern` raises for a
    pattern that is not one.
    """
    if isinstance(value, str):
        return (parse_pattern(value).text,)
    if not isinstance(value, Iterable):
        raise TypeError(
            f"{argument} takes path patterns such as {example}, "
            f"got {type(value).__name__}: {shorten(value, 60)}"
        )
    patterns = tuple(value)
    for pattern in patterns:
        parse_pattern(pattern)  # TypeError or ValueError naming a bad pattern
    return patterns


class _Ignored(enum.Enum):
    IGNORED = "ignored"


#: Where an ignore pattern ends in an :class:`IgnoreTree`: that place and
#: everything inside it are left out.
IGNORED: Final = _Ignored.IGNORED


#: Ignore patterns as a tree, for a walk that leaves places out as it goes:
#: each level maps a key, an index or :data:`ANY_INDEX` to the level below it,
#: or to :data:`IGNORED` where a pattern ends. An empty tree ignores nothing.
#: A plain ``dict`` (a subclass costs the walk's hot path a third more); build
#: one with :func:`ignore_tree`, read it with :func:`ignore_below`, and do not
#: change it (trees are cached and shared).
IgnoreTree: TypeAlias = dict[PatternPart, "IgnoreTree | _Ignored"]


def ignore_below(tree: IgnoreTree | None, part: PathPart) -> IgnoreTree | _Ignored | None:
    """What ``tree`` says inside ``part``: :data:`IGNORED` (all of it is left
    out), the tree of what is ignored deeper, or None (nothing is)."""
    if not tree:
        return None
    found = tree.get(part)
    if found is None and type(part) is int:
        found = tree.get(ANY_INDEX)
    return found


@functools.lru_cache(maxsize=256)
def ignore_tree(patterns: tuple[str, ...]) -> IgnoreTree:
    """The :class:`IgnoreTree` of ``patterns`` (cached: the same tuple, the same tree).

    A pattern inside a place another pattern leaves out adds nothing.
    Raises what :func:`parse_pattern` raises for a pattern that is not one.
    """
    root: IgnoreTree = {}
    for text in patterns:
        node = root
        *inner, last = parse_pattern(text).parts
        for part in inner:
            child = node.get(part)
            if child is IGNORED:
                break  # a shorter pattern already leaves all of this out
            if child is None:
                child = node[part] = {}
            node = child
        else:
            node[last] = IGNORED
    _spread_any_index(root)
    return root


def _spread_any_index(node: IgnoreTree) -> None:
    """Fold each level's ``[*]`` branch into its numbered siblings, all the way down.

    :func:`ignore_below` takes an index's own branch when there is one, so
    ``c[0].i`` beside ``c[*].m`` must carry ``m`` too, or ``c[0].m`` would
    be compared.
    """
    any_index = node.get(ANY_INDEX)
    for part, below in node.items():
        if any_index is not None and type(part) is int:
            below = node[part] = _merged(below, any_index)
        if below is not IGNORED:
            _spread_any_index(below)


def _merged(first: IgnoreTree | _Ignored, second: IgnoreTree | _Ignored) -> IgnoreTree | _Ignored:
    """What both trees leave out, as a new tree (the inputs are not changed)."""
    if first is IGNORED or second is IGNORED:
        return IGNORED
    merged: IgnoreTree = dict(first)
    for part, below in second.items():
        merged[part] = _merged(merged[part], below) if part in merged else _copied(below)
    return merged


def _copied(tree: IgnoreTree | _Ignored) -> IgnoreTree | _Ignored:
    return tree if tree is IGNORED else {part: _copied(below) for part, below in tree.items()}
