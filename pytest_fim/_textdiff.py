"""Line diffs of two texts at a bounded cost, for the unified diffs in messages.

``difflib.SequenceMatcher`` makes diffs people read well, but its cost grows
with the square of the lines in the worst case: 0.3 s for two 1,000-line
texts whose lines alternate between equal and changed, minutes for 200,000.
Here it only sees small regions. The common head and tail are cut off first;
a large middle is split at lines that occur exactly once on each side, kept
in the order both sides agree on (the longest increasing run of them, the
idea behind "patience" diffs), and each region between two such lines is
diffed the same way. A region that is still large, or any region once the
total budget is spent, is shown as its old lines removed and its new lines
added: still a true diff, only a longer one.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Iterator, Sequence

__all__ = ["Opcode", "grouped_opcodes", "opcodes", "split_lines"]

#: ``(tag, i1, i2, j1, j2)`` as difflib names them: ``a[i1:i2]`` is
#: ``equal`` to, ``replace``d by, ``delete``d from or ``insert``ed as ``b[j1:j2]``.
Opcode = tuple[str, int, int, int, int]

#: Largest region (lines of one side times lines of the other) difflib sees;
#: its worst case costs about 0.3 µs per unit (0.03 s here).
DIFFLIB_AREA = 100_000
#: Total area difflib may see for one pair of texts (worst case about 1 s).
TOTAL_AREA = 3_000_000
#: How often a large region may be split at its unique lines, nested.
MAX_SPLITS = 24

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
#: What str.splitlines also takes for a line end.
_OTHER_ENDS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def split_lines(text: str) -> list[str]:
    r"""``text`` as lines, each with its line end (``\n``, ``\r\n`` or a lone ``\r``).

    Only those are line ends: unlike ``str.splitlines``, a form feed, a
    vertical tab, ``\x1c``-``\x1e``, ``\x85``, U+2028 and U+2029 stay inside
    their line, so a diff's line numbers are the ones an editor shows.
    """
    if not any(end in text for end in _OTHER_ENDS):  # then str.splitlines agrees, faster
        return text.splitlines(keepends=True)
    return _LINE.findall(text)


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """How to turn the lines ``a`` into the lines ``b``, in difflib's opcode form.

    Adjacent opcodes never share a tag, and they cover both sequences in order.
    """
    if len(a) * len(b) <= DIFFLIB_AREA:  # what difflib alone would say, as before
        return list(difflib.SequenceMatcher(None, a, b).get_opcodes())
    found: list[Opcode] = []
    _Differ(a, b, found).region(0, len(a), 0, len(b), 0)
    merged: list[Opcode] = []
    for tag, i1, i2, j1, j2 in found:
        if merged and (merged[-1][0] == tag or (tag != "equal" and merged[-1][0] != "equal")):
            # Runs of removals and additions side by side read as one replacement.
            last = merged[-1]
            tag = tag if last[0] == tag else "replace"
            merged[-1] = (tag, last[1], i2, last[3], j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def grouped_opcodes(codes: Sequence[Opcode], context: int) -> Iterator[list[Opcode]]:
    """The hunks of a unified diff: changes with up to ``context`` equal lines around them.

    Changes closer than twice ``context`` share a hunk. Yields nothing when
    nothing changed.
    """
    group: list[Opcode] = []
    for position, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag != "equal":
            group.append((tag, i1, i2, j1, j2))
            continue
        first, last = position == 0, position == len(codes) - 1
        if not first and (last or i2 - i1 > 2 * context):
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
        if not last and (first or i2 - i1 > 2 * context):
            group = [(tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)]
        elif not first and not last:
            group.append((tag, i1, i2, j1, j2))
    if group and any(code[0] != "equal" for code in group):
        yield group


class _Differ:
    """One diff's work: the two sides, the opcodes found so far and the budget left."""

    def __init__(self, a: Sequence[str], b: Sequence[str], found: list[Opcode]) -> None:
        self.a, self.b, self.found = a, b, found
        self.budget = TOTAL_AREA

    def region(self, alo: int, ahi: int, blo: int, bhi: int, splits: int) -> None:
        """Append the opcodes of ``a[alo:ahi]`` against ``b[blo:bhi]``."""
        a, b = self.a, self.b
        head = alo
        while head < ahi and head - alo < bhi - blo and a[head] == b[blo + head - alo]:
            head += 1
        if head > alo:
            self.found.append(("equal", alo, head, blo, blo + head - alo))
        blo += head - alo
        alo = head
        tail = 0
        while tail < ahi - alo and tail < bhi - blo and a[ahi - 1 - tail] == b[bhi - 1 - tail]:
            tail += 1
        self._middle(alo, ahi - tail, blo, bhi - tail, splits)
        if tail:
            self.found.append(("equal", ahi - tail, ahi, bhi - tail, bhi))

    def _middle(self, alo: int, ahi: int, blo: int, bhi: int, splits: int) -> None:
        if alo == ahi or blo == bhi:
            if alo < ahi or blo < bhi:
                self.found.append(("delete" if alo < ahi else "insert", alo, ahi, blo, bhi))
            return
        if ahi - alo == 1 or bhi - blo == 1:
            self._single(alo, ahi, blo, bhi)
            return
        area = (ahi - alo) * (bhi - blo)
        if area <= DIFFLIB_AREA and area <= self.budget:
            self.budget -= area
            matcher = difflib.SequenceMatcher(None, self.a[alo:ahi], self.b[blo:bhi])
            self.found.extend(
                (tag, alo + i1, alo + i2, blo + j1, blo + j2)
                for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            )
            return
        anchors = self._anchors(alo, ahi, blo, bhi) if splits < MAX_SPLITS else []
        if not anchors:
            self.found.append(("replace", alo, ahi, blo, bhi))
            return
        a, b, found = self.a, self.b, self.found
        for i, j in anchors:
            # Between two anchors there is mostly nothing, or one line a side.
            if i - alo == 1 and j - blo == 1:
                found.append(("equal" if a[alo] == b[blo] else "replace", alo, i, blo, j))
            elif i > alo or j > blo:
                self.region(alo, i, blo, j, splits + 1)
            found.append(("equal", i, i + 1, j, j + 1))
            alo, blo = i + 1, j + 1
        self.region(alo, ahi, blo, bhi, splits + 1)

    def _single(self, alo: int, ahi: int, blo: int, bhi: int) -> None:
        # One line on a side (the common case between two anchors): it is
        # either somewhere on the other side or not at all, no matcher needed.
        if ahi - alo == 1:
            try:
                j = self.b.index(self.a[alo], blo, bhi)
            except ValueError:
                self.found.append(("replace", alo, ahi, blo, bhi))
                return
            i = alo
        else:
            try:
                i = self.a.index(self.b[blo], alo, ahi)
            except ValueError:
                self.found.append(("replace", alo, ahi, blo, bhi))
                return
            j = blo
        if i > alo or j > blo:
            self.found.append(("delete" if j == blo else "insert", alo, i, blo, j))
        self.found.append(("equal", i, i + 1, j, j + 1))
        if i + 1 < ahi or j + 1 < bhi:
            self.found.append(("delete" if j + 1 == bhi else "insert", i + 1, ahi, j + 1, bhi))

    def _anchors(self, alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
        """Lines found once on each side, paired, in the longest run both orders agree on."""
        a, b = self.a[alo:ahi], self.b[blo:bhi]
        shared = set(a).intersection(b)
        if not shared:  # two texts that differ on every line: nothing to look for
            return []
        count_a, count_b = Counter(a), Counter(b)
        where_b = {
            line: blo + j
            for j, line in enumerate(b)
            if line in shared and count_b[line] == 1 and count_a[line] == 1
        }
        pairs = [(alo + i, where_b[line]) for i, line in enumerate(a) if line in where_b]
        # Longest run increasing in b: patience sorting, each pile's top kept
        # with the pair below it in the run that ends there.
        tops: list[int] = []
        ends: list[int] = []
        before: list[int] = []
        for index, (_, j) in enumerate(pairs):
            pile = bisect.bisect_left(tops, j)
            before.append(ends[pile - 1] if pile else -1)
            if pile == len(tops):
                tops.append(j)
                ends.append(index)
            else:
                tops[pile], ends[pile] = j, index
        run: list[tuple[int, int]] = []
        index = ends[-1] if ends else -1
        while index >= 0:
            run.append(pairs[index])
            index = before[index]
        run.reverse()
        return run
