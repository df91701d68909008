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

    def problem(self, check: str, message: str, offset: int | None = None,
                line: int | None = None) -> FillProblem:
        """A problem of ``check``, placed at ``offset`` (or ``line``) of the join."""
        if line is None and offset is not None:
            line = self.join.line_of(offset)
        return FillProblem(check, message, check=check, line=line,
                           context=tuple(context(self.join, line)))

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
                results.append(parse_error(self.join.prefix + middle + self.join.suffix,
                                           self.language))
            except ParserMissing:
                return []
        return results

    def error_is_new(self, error: ParseError) -> bool:
        """True when the middle caused ``error``: the parser stopped inside the middle,
        or no neutral (or reference) middle fails the same way."""
        join = self.join
        if not join.middle.strip():
            return False  # nothing was written: the empty check speaks for it
        if error.line is not None and \
                join.line_of(join.start) <= error.line <= join.line_of(max(join.end - 1, 0)) \
                and join.middle.strip():
            return True
        baselines = self.baselines
        if not baselines:
            return True
        return any(baseline is None for baseline in baselines) or \
            not any(error.same_as(baseline) for baseline in baselines)


def neutral_middles(join: Join) -> list[str]:
    """Middles that fill a hole without adding anything: to tell our errors from the file's.

    A hole inside brackets the suffix does not close (the last line of a list
    that ends with its ``]``) is given those closers too, so a middle that
    leaves them open fails where a neutral one does not.
    """
    closing = _closers_for(join)
    if join.prefix.endswith("\n") or not join.prefix:
        lines = join.prefix.split("\n")
        previous = next((line for line in reversed(lines) if line.strip()), "")
        after = [line for line in join.suffix.split("\n")[:40] if line.strip()][:6]
        following = after[0] if after else ""
        indents = {indent_of(previous), *(indent_of(line) for line in after)}
        if previous.rstrip().endswith((":", "{")):
            indents.add(indent_of(previous) + 4)
        if join.language != "python":
            return ["", *(" " * width + ";\n" for width in sorted(indents)),
                    *(end + "\n" for end in closing)]
        # The code after the hole may be deeper than before it: the hole then
        # held a block's opening line.
        deeper = [" " * width + "if True:\n" for width in sorted(indents)
                  if width < indent_of(following)]
        return ["", *(" " * width + "pass\n" for width in sorted(indents)), *deeper,
                *(end + "\n" for end in closing)]
    return [*(["", "0", "None", "pass"] if join.language == "python" else ["", "0"]),
            *closing]


_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _closers_for(join: Join) -> list[str]:
    """Closers for the brackets still open at the end of the prefix, innermost first:
    ``)``, ``)]``, ... one candidate per depth (at most three)."""
    mask = join.code_mask
    stack: list[str] = []
    prefix = join.prefix
    for offset, char in enumerate(prefix):
        if char in _PAIRS:
            if mask[offset]:
                stack.append(_PAIRS[char])
        elif char in ")]}" and mask[offset] and stack and stack[-1] == char:
            stack.pop()
    return ["".join(reversed(stack[-depth:])) for depth in range(1, min(len(stack), 3) + 1)]
