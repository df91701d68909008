"""A fill under judgement and what its checks share: parse results, baselines.

A check must accept every correct fill of the HumanEval infilling sets, so
each rule compares the middle with its surroundings rather than judging it
alone: an error counts only if the file with a neutral middle lacks it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property

from pytest_fim.quality._context import context
from pytest_fim.quality._problems import FillProblem
from pytest_fim.quality._source import Join, indent_of
from pytest_fim.quality._syntax import ParseError, ParserMissing, parse_error, python_parse


@dataclass
class Fill:
    """A fill under judgement, with what the checks share."""

    join: Join
    reference: str | None = None
    finish_reason: str | None = None
    expect_empty: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def language(self) -> str:
        return self.join.language

    def problem(
        self, check: str, message: str, offset: int | None = None, line: int | None = None
    ) -> FillProblem:
        """A problem of ``check``, placed at ``offset`` (or ``line``) of the join."""
        if line is None and offset is not None:
            line = self.join.line_of(offset)
        return FillProblem(
            check, message, check=check, line=line, context=tuple(context(self.join, line))
        )

    @cached_property
    def error(self) -> ParseError | None:
        """The joined file's first syntax error (None: it parses, or no parser)."""
        if self.language == "python":
            # The tree is kept for the checks that read statements: one parse a fill.
            self.tree, error = python_parse(self.join.text)
            self.parsed = error is None
            return error
        try:
            error = parse_error(self.join.text, self.language)
        except ParserMissing as missing:
            self.notes.append(f"syntax: skipped: {missing}")
            return None
        self.parsed = error is None
        return error

    #: True once a parser has read the joined file without error.
    parsed: bool = field(default=False, init=False)
    #: The joined file's Python syntax tree, once :attr:`error` found it parses.
    tree: ast.Module | None = field(default=None, init=False, repr=False)

    @cached_property
    def baselines(self) -> list[ParseError | None]:
        """Parse results of the file with the reference, or with neutral middles."""
        middles = [self.reference] if self.reference is not None else neutral_middles(self.join)
        results = []
        for middle in middles:
            try:
                results.append(
                    parse_error(self.join.prefix + middle + self.join.suffix, self.language)
                )
            except ParserMissing:
                return []
        return results

    def error_is_new(self, error: ParseError) -> bool:
        """True when the middle caused ``error``: the parser stopped inside the middle,
        or no neutral (or reference) middle fails the same way."""
        join = self.join
        if not join.middle.strip():
            return False  # nothing was written: the empty check speaks for it
        # Python names the line it stopped on; tree-sitter's error node may start
        # anywhere before the fault, so only Python's line is evidence.
        if (
            error.exact
            and error.line is not None
            and join.line_of(join.start) <= error.line <= join.line_of(max(join.end - 1, 0))
        ):
            return True
        baselines = self.baselines
        if not baselines:
            return True
        return any(baseline is None for baseline in baselines) or not any(
            error.same_as(baseline) for baseline in baselines
        )


def neutral_middles(join: Join) -> list[str]:
    """Middles that fill a hole without adding anything: to tell our errors from the file's.

    A hole inside brackets the suffix does not close (the last line of a list
    that ends with its ``]``) is given those closers too, so a middle that
    leaves them open fails where a neutral one does not.
    """
    closing = _closers_for(join)
    opening = _openers_for(join)
    if join.prefix.endswith("\n") or not join.prefix:
        lines = join.prefix.split("\n")
        previous = next((line for line in reversed(lines) if line.strip()), "")
        after = [line for line in join.suffix.split("\n")[:40] if line.strip()][:6]
        following = after[0] if after else ""
        indents = {indent_of(previous), *(indent_of(line) for line in after)}
        if previous.rstrip().endswith((":", "{")):
            indents.add(indent_of(previous) + 4)
        if join.language != "python":
            return [
                "",
                *(" " * width + ";\n" for width in sorted(indents)),
                *(end + "\n" for end in closing),
                *(start + "\n" for start in opening),
            ]
        # The code after the hole may be deeper than before it: the hole then
        # held a block's opening line.
        deeper = [
            " " * width + "if True:\n" for width in sorted(indents) if width < indent_of(following)
        ]
        return [
            "",
            *(" " * width + "pass\n" for width in sorted(indents)),
            *deeper,
            *(end + "\n" for end in closing),
            *(" " * indent_of(following) + "_ = " + start + "\n" for start in opening),
        ]
    return [
        *(["", "0", "None", "pass"] if join.language == "python" else ["", "0"]),
        *closing,
        *opening,
    ]


_PAIRS = {"(": ")", "[": "]", "{": "}"}
_OPENER_OF = {")": "(", "]": "[", "}": "{"}
#: How far into the suffix to look for closers the hole must open.
_SUFFIX_SCAN = 5000


def _closers_for(join: Join) -> list[str]:
    """Closers for the brackets still open at the end of the prefix, innermost first:
    ``)``, ``)]``, ... one candidate per depth (at most three).

    Only when the code after the hole goes on at the level of the line that
    opened them (``num = [1, 2,`` then ``sym = [...]`` at its indentation): a
    suffix that goes on deeper is still inside them, cut off by the editor's
    window perhaps, and closing them in the hole would hide the middle's faults.
    """
    mask = join.code_mask
    stack: list[tuple[str, int]] = []
    prefix = join.prefix
    for offset, char in enumerate(prefix):
        if char in _PAIRS:
            if mask[offset]:
                stack.append((_PAIRS[char], offset))
        elif char in ")]}" and mask[offset] and stack and stack[-1][0] == char:
            stack.pop()
    if not stack:
        return []
    opened_on = prefix[prefix.rfind("\n", 0, stack[-1][1]) + 1 :]
    following = next((line for line in join.suffix.split("\n", 40)[:40] if line.strip()), None)
    if following is None or indent_of(following) > indent_of(opened_on):
        return []
    closers = [closer for closer, _ in stack]
    return ["".join(reversed(closers[-depth:])) for depth in range(1, min(len(closers), 3) + 1)]


def _openers_for(join: Join) -> list[str]:
    """Openers for the closers the suffix starts with (the hole held ``value_map = {``
    and the suffix starts with its ``}``): one candidate per depth, at most three.

    Only closers before any other code count: a suffix that closes brackets
    after statements of its own closes blocks the prefix opened, or a window
    cut off the prefix's start.
    """
    mask = join.code_mask
    wanted: list[str] = []
    for offset in range(join.end, min(len(join.text), join.end + _SUFFIX_SCAN)):
        char = join.text[offset]
        if char.isspace() or char in ",;" or not mask[offset]:
            continue
        if char not in _OPENER_OF or len(wanted) == 3:
            break
        wanted.append(_OPENER_OF[char])
    return ["".join(reversed(wanted[:count])) for count in range(1, len(wanted) + 1)]
