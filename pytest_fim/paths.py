"""Paths into a response: formatting and ``[*]`` patterns.

A path is a tuple of keys and indexes, ``("choices", 0, "message")``, and is
always shown as ``choices[0].message``. Patterns use the same syntax with
``[*]`` for any index: ``choices[*].message.tool_calls``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["ANY_INDEX", "PathPattern", "format_path", "parse_pattern"]

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


def format_path(parts: Iterable[PathPart]) -> str:
    """Format a path as ``choices[0].message.content``; '' for the root.

    Keys that are not identifiers are quoted: ``usage["weird-key"]``.
    """
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{_quote(part)}]")
    return "".join(out)


def _quote(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


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
        if len(path) != len(self.parts):
            return False
        return all(_part_matches(want, got) for want, got in zip(self.parts, path, strict=False))

    def covers(self, path: Sequence[PathPart]) -> bool:
        """True when ``path`` is the named place or lies inside it."""
        if len(path) < len(self.parts):
            return False
        return all(_part_matches(want, got) for want, got in zip(self.parts, path, strict=False))

    def may_cover_inside(self, path: Sequence[PathPart]) -> bool:
        """True when something inside ``path`` could be covered by this pattern."""
        if len(path) >= len(self.parts):
            return self.covers(path)
        return all(_part_matches(want, got) for want, got in zip(self.parts, path, strict=False))

    def matches_part(self, position: int, part: PathPart) -> bool:
        """True when this pattern's part at ``position`` matches ``part``."""
        return position < len(self.parts) and _part_matches(self.parts[position], part)

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
        raise TypeError(f"an ignore pattern must be a str such as 'choices[*].message', "
                        f"got {type(text).__name__}: {text!r:.80}")
    parts: list[PatternPart] = []
    pos = 0
    expect_name = True  # at the start or after a dot a key name must follow
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"malformed path pattern {text!r}: unexpected {text[pos:pos + 10]!r} "
                             f"at position {pos} (expected a key, [N], [*] or [\"key\"])")
        if match.group("dot") is not None:
            if expect_name:
                raise ValueError(f"malformed path pattern {text!r}: stray '.' at position {pos}")
            expect_name = True
        elif match.group("name") is not None:
            if not expect_name:
                raise ValueError(f"malformed path pattern {text!r}: a key at position {pos} "
                                 f"must follow a '.'")
            parts.append(match.group("name"))
            expect_name = False
        elif match.group("index") is not None:
            if expect_name and parts:
                raise ValueError(f"malformed path pattern {text!r}: '.' before '[' at "
                                 f"position {pos}")
            index = match.group("index")
            parts.append(ANY_INDEX if index == "*" else int(index))
            expect_name = False
        else:
            if expect_name and parts:
                raise ValueError(f"malformed path pattern {text!r}: '.' before '[' at "
                                 f"position {pos}")
            parts.append(re.sub(r"\\(.)", r"\1", match.group("quoted")))
            expect_name = False
        pos = match.end()
    if not parts or expect_name:
        raise ValueError(f"malformed path pattern {text!r}: it must name a place, "
                         f"such as 'usage.total_tokens' or 'choices[*].message'")
    return PathPattern(text, tuple(parts))
