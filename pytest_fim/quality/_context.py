"""The join shown around a place: numbered lines, the middle between ⟦ and ⟧."""

from __future__ import annotations

from pytest_fim.quality._source import Join


def context(join: Join, line: int | None = None, *, around: int = 2) -> list[str]:
    """The join around ``line`` (default: the hole), numbered, middle between ⟦ ⟧.

    Lines are the join's own (see :meth:`Join.line_of`), so the numbers are the
    ones problems name, whatever the file's line ends.
    """
    starts, ends = join.line_bounds
    first = join.line_of(join.start)
    last = join.line_of(join.end)
    count = len(starts)
    if count > 1 and starts[-1] == ends[-1] and last < count:
        count -= 1  # the file's final newline starts no line worth showing
    if line is None:
        low, high = first - around, last + around
    else:
        low, high = line - around, line + around
    low, high = max(low, 1), min(high, count)
    if high - low > 12:  # a long middle: its ends, not all of it
        high = low + 12
    width = len(str(high))
    shown = []
    for number in range(low, high + 1):
        begin, end = starts[number - 1], ends[number - 1]
        text = join.text[begin:end]
        # A mark that falls inside a line end (between \r and \n) shows at the line's end.
        if number == last:
            text = text[: min(join.end, end) - begin] + "⟧" + text[min(join.end, end) - begin :]
        if number == first:
            text = text[: min(join.start, end) - begin] + "⟦" + text[min(join.start, end) - begin :]
        shown.append(f"{number:>{width}} | {_cut(text)}")
    return shown


#: Longest line the context shows; a 10 MB line still prints as a line.
LINE_LIMIT = 160


def _cut(line: str) -> str:
    if len(line) <= LINE_LIMIT:
        return line
    return f"{line[:LINE_LIMIT]}…(+{len(line) - LINE_LIMIT} chars)"
