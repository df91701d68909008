"""The join shown around a place: numbered lines, the middle between ⟦ and ⟧."""

from __future__ import annotations

from pytest_fim.quality._source import Join


def context(join: Join, line: int | None = None, *, around: int = 2) -> list[str]:
    """The join around ``line`` (default: the hole), numbered, middle between ⟦ ⟧."""
    marked = join.prefix + "⟦" + join.middle + "⟧" + join.suffix
    lines = marked.split("\n")
    if len(lines) > 1 and not lines[-1]:
        lines.pop()  # the file's final newline starts no line worth showing
    first = join.line_of(join.start)
    last = join.line_of(join.end)
    if line is None:
        low, high = first - around, last + around
    else:
        low, high = line - around, line + around
    low, high = max(low, 1), min(high, len(lines))
    if high - low > 12:  # a long middle: its ends, not all of it
        high = low + 12
    width = len(str(high))
    return [f"{number:>{width}} | {_cut(lines[number - 1])}" for number in range(low, high + 1)]


#: Longest line the context shows; a 10 MB line still prints as a line.
LINE_LIMIT = 160


def _cut(line: str) -> str:
    if len(line) <= LINE_LIMIT:
        return line
    return f"{line[:LINE_LIMIT]}…(+{len(line) - LINE_LIMIT} chars)"
