"""Problems, the assertion error that carries them, and value shortening.

Every message pytest-fim prints is built from :class:`Problem` objects, so a
failure reads the same whether it comes from validation, a stream or a
quality check.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pytest_fim._text import VALUE_LIMIT

__all__ = ["FIMAssertionError", "Problem", "shorten"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a response, a stream or a fill.

    ``path`` names the place in the response (``choices[0].finish_reason``,
    '' for the response as a whole); ``message`` says what is wrong there.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class FIMAssertionError(AssertionError):
    """A response, stream or completion that is not what a test expects.

    ``problems`` lists every problem found, in the order they were found;
    the message is a summary line followed by one problem per line.
    """

    def __init__(
        self, summary: str, problems: Sequence[Problem] = (), *, message: str | None = None
    ) -> None:
        self.summary = summary
        self.problems: list[Problem] = list(problems)
        super().__init__(message if message is not None else render(summary, self.problems))


# Tracebacks name the class where users import it from.
FIMAssertionError.__module__ = "pytest_fim"


#: Most problems a message lists; the rest are counted, so a response with a
#: million bad items still fails with a message of a few KB.
MESSAGE_PROBLEM_LIMIT = 25


def render(summary: str, problems: Sequence[object]) -> str:
    """Join a summary line and one indented line per problem (at most
    :data:`MESSAGE_PROBLEM_LIMIT`, then a count of the rest)."""
    lines = [summary]
    for problem in problems[:MESSAGE_PROBLEM_LIMIT]:
        text = str(problem)
        first, *rest = text.split("\n")
        lines.append(f"  {first}")
        lines.extend(f"    {line}" for line in rest)
    if len(problems) > MESSAGE_PROBLEM_LIMIT:
        lines.append(f"  … and {len(problems) - MESSAGE_PROBLEM_LIMIT} more")
    return "\n".join(lines)


class _ShortRepr(reprlib.Repr):
    """A ``repr`` bounded in depth and width, safe on any object."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = limit
        self.maxother = limit
        self.maxlong = 40
        self.maxdict = 4
        self.maxlist = 4

    def repr_str(self, x: str, level: int) -> str:
        if len(x) <= self.maxstring:
            return repr(x)
        return f"{x[: self.maxstring]!r}…(+{len(x) - self.maxstring} chars)"

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 128:
            return f"<int of {x.bit_length()} bits>"
        return repr(x)

    def repr_instance(self, x: object, level: int) -> str:
        try:
            text = repr(x)
        except Exception as exc:  # a user's __repr__ may be broken; say so, don't crash
            return f"<{type(x).__name__} object (repr failed: {type(exc).__name__})>"
        if len(text) <= self.maxother:
            return text
        return f"{text[: self.maxother]}…(+{len(text) - self.maxother} chars)"


def shorten(value: Any, limit: int = VALUE_LIMIT) -> str:
    """Return a bounded ``repr`` of ``value`` for a message.

    Long strings are cut with a marker saying how many characters were left
    out; nested containers are cut in depth and width, so a 1 MB string or
    10,000 levels of nesting still print in a line. Never raises.
    """
    try:
        return _ShortRepr(limit).repr(value)
    except Exception as exc:  # RecursionError or a hostile object: still say something
        return f"<{type(value).__name__} object (repr failed: {type(exc).__name__})>"


def describe(value: Any) -> str:
    """Name a JSON-ish value's kind for messages: 'a string', 'an integer', ..."""
    return _KINDS.get(type(value), f"a {type(value).__name__}")


_KINDS: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
    list: "a list",
    dict: "an object",
    bytes: "bytes",
}
