"""Checks that read the middle as text: empty, leaked tokens, markdown, loops, truncation."""

from __future__ import annotations

import re

from pytest_fim.quality._fill import Fill
from pytest_fim.quality._problems import FillProblem
from pytest_fim.quality._source import Join

#: Control tokens of Codestral and of the other common FIM model families.
SPECIAL_TOKENS: tuple[str, ...] = (
    "[PREFIX]",
    "[SUFFIX]",
    "[MIDDLE]",
    "[INST]",
    "[/INST]",
    "<s>",
    "</s>",
    "<fim_prefix>",
    "<fim_suffix>",
    "<fim_middle>",
    "<fim_pad>",
    "<|fim_prefix|>",
    "<|fim_suffix|>",
    "<|fim_middle|>",
    "<|fim_pad|>",
    "<｜fim▁begin｜>",
    "<｜fim▁hole｜>",
    "<｜fim▁end｜>",
    "<|fim▁begin|>",
    "<|fim▁hole|>",
    "<|fim▁end|>",
    "<PRE>",
    "<SUF>",
    "<MID>",
    "<EOT>",
    "<|endoftext|>",
    "<|file_sep|>",
    "<|repo_name|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|end|>",
    "<|eot_id|>",
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
)
TOKENS = re.compile(
    "|".join(re.escape(token) for token in sorted(SPECIAL_TOKENS, key=len, reverse=True))
)
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.M)
_PROSE = re.compile(
    r"^[ \t]*(Here is|Here's|Here are|Sure[,!.]|Certainly[,!.]|Explanation:|Note:|"
    r"This (code|function|implementation|solution) |The (code|function) (above|below)|"
    r"I('ve| have) (written|added|implemented|completed))",
    re.M,
)
_UNIT = re.compile(r"(?P<unit>.{1,8}?)(?P=unit){9,}$")
TRUNCATED_REASONS = frozenset({"length", "model_length", "error"})


def check_empty(fill: Fill) -> list[FillProblem]:
    """Nothing but whitespace where code was expected."""
    if fill.expect_empty or fill.join.middle.strip():
        return []
    if fill.language == "python" and fill.error is None:
        return []  # the file is whole without code here: a blank hole, not a missing fill
    return [
        fill.problem(
            "empty",
            "the middle is empty (pass expect_empty=True if the hole should stay empty)",
            fill.join.start,
        )
    ]


def check_special_tokens(fill: Fill) -> list[FillProblem]:
    """Control tokens of a FIM model leaked into the code (not in strings or comments)."""
    join = fill.join
    # One problem per token, at its first leak: a model stuck emitting
    # "</s>" a million times fails with a short message, and fast.
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    for match in TOKENS.finditer(join.middle):
        token = match.group()
        offset = join.start + match.start()
        if join.is_code(offset) and not _in_code_meaning(join, offset, token, fill.language):
            first.setdefault(token, offset)
            count[token] = count.get(token, 0) + 1
    return [
        fill.problem(
            "special_tokens",
            f"leaked control token {token!r}"
            + (f" ({count[token]} times)" if count[token] > 1 else ""),
            offset,
        )
        for token, offset in first.items()
    ]


#: Languages whose code may hold an HTML ``<s>`` element (JSX).
_JSX = frozenset({"javascript", "typescript", "tsx"})


def _in_code_meaning(join: Join, start: int, token: str, language: str) -> bool:
    """True where ``token`` at ``start`` of the join is code, not a leak: ``<s>`` as a
    generic or a comparison right after a name (``List<s>``, ``lo<s>hi``) or a JSX
    strikethrough element (``<s>old</s>``); ``[PREFIX]`` as a subscript by a constant
    the code around the hole names (``tokens[PREFIX]`` with ``PREFIX = ...``)."""
    text = join.text
    before = text[start - 1] if start else ""
    if token == "<s>" and (before.isalnum() or before == "_"):
        return True
    if language in _JSX:
        if token == "<s>":
            return text.find("</s>", start) >= 0
        if token == "</s>":
            return text.rfind("<s>", 0, start) >= 0
    if token[0] == "[" and token[1:-1].isidentifier() and (before.isalnum() or before in "_)]"):
        name = re.compile(rf"(?<![\[\w]){re.escape(token[1:-1])}\b")
        return bool(name.search(join.prefix) or name.search(join.suffix))
    return False


def check_markdown(fill: Fill) -> list[FillProblem]:
    """A code fence or chat prose in the middle (its first of each, in the code)."""
    join = fill.join
    found = []
    for pattern, what in ((_FENCE, "a markdown code fence"), (_PROSE, "chat prose")):
        for match in pattern.finditer(join.middle):
            offset = join.start + match.start(1)
            if join.is_code(offset):
                end = join.middle.find("\n", match.start())
                line = join.middle[match.start() : end if end >= 0 else None].strip()
                found.append(
                    fill.problem("markdown", f"{what} in the middle: {line[:60]!r}", offset)
                )
                break
    return found


def check_repetition(fill: Fill) -> list[FillProblem]:
    """Degenerate loops: a line three times running, a short unit repeated, a repeated block."""
    join = fill.join
    lines = join.middle.split("\n")
    run = 1
    for index in range(1, len(lines)):
        same = lines[index].strip() and lines[index] == lines[index - 1]
        run = run + 1 if same else 1
        # Three like lines of code are a loop even when short ("t=0"), and so
        # are three like closers at one depth, which no formatter writes. Rows
        # of a table of numbers repeat by design (a block of zeros): there only
        # a long run is a loop.
        body = lines[index].strip()
        if run == (_DATA_RUN if _DATA_ROW.match(body) else 3) and _loop_line(body):
            offset = join.start + sum(len(line) + 1 for line in lines[:index])
            while index + 1 < len(lines) and lines[index + 1] == lines[index]:
                index, run = index + 1, run + 1
            return [
                fill.problem(
                    "repetition", f"the same line {run} times running: {body[:60]!r}", offset
                )
            ]
    offset = join.start
    for line in lines:
        found = _repeated_unit(line.rstrip())
        if found is not None:
            unit, count = found
            run = len(unit) * count
            # A row of a table ("0, 0, 0, ...") or a banner in a comment repeats
            # by design, within a line's width; a model's loop runs on past it.
            by_design = "," in unit or not join.is_code(offset + len(line.rstrip()) - run)
            if run >= _LONG_RUN or not by_design:
                return [fill.problem("repetition", f"{unit!r} repeated {count} times", offset)]
        offset += len(line) + 1
    size = _repeated_block([line for line in lines if line.strip()])
    if size:
        return [
            fill.problem("repetition", f"a block of {size} lines repeated three times", join.start)
        ]
    return []


def _loop_line(body: str) -> bool:
    return (len(body) >= 3 and re.search(r"\w", body) is not None) or re.fullmatch(
        r"[)\]}]+[;,]?", body
    ) is not None


#: The end of a line that :data:`_UNIT` reads: ten repeats of the longest unit fit in it.
#: Searching a whole line backtracks at every start, which is quadratic; a 1 MB line
#: must not hang the check.
_UNIT_WINDOW = 96
#: A row of a table of numbers: ``0, 0, 0,``, ``[1, 0, 1],``, ``0x00, 0xff,``.
_DATA_ROW = re.compile(r"^(?=.*\d)([-+]?(0[xX][0-9a-fA-F]+|\d[\d._eE]*)|[\s,;\[\](){}])+$")
#: Lines a table's repeated rows must run to before they count as a loop.
_DATA_RUN = 16
#: Characters a repeated unit must cover to count in a table row or a comment.
_LONG_RUN = 120
#: Longest block the block-repetition rule looks for; degenerate loops repeat short ones.
_BLOCK_LIMIT = 40


def _repeated_unit(line: str) -> tuple[str, int] | None:
    """The short unit ``line`` ends with, repeated ten times or more, and how often."""
    match = _UNIT.search(line[-_UNIT_WINDOW:])
    if match is None:
        return None
    unit = match.group("unit")
    if not unit.strip() or len(set(unit)) < 2:
        return None
    count, end = 0, len(line)
    while line.endswith(unit, 0, end):
        count, end = count + 1, end - len(unit)
    return unit, count


def _repeated_block(code: list[str]) -> int:
    """Size of the smallest block of lines that occurs three times running; 0 if none.

    For each size, a block repeats three times exactly when 2 * size lines in
    a row equal the line ``size`` further on: one pass per size.
    """
    ids: dict[str, int] = {}
    keys = [ids.setdefault(line, len(ids)) for line in code]
    for size in range(2, min(len(keys) // 3, _BLOCK_LIMIT) + 1):
        run = 0
        for index in range(len(keys) - size):
            run = run + 1 if keys[index] == keys[index + size] else 0
            if run >= 2 * size:
                start = index - 2 * size + 1
                block = code[start : start + size]
                if run + size < _DATA_RUN and all(_DATA_ROW.match(line.strip()) for line in block):
                    continue  # a table's pattern (a checkerboard) so far
                # one line over and over is the line rule's to judge
                if len(set(block)) > 1 and len("".join(line.strip() for line in block)) >= 20:
                    return size
    return 0


def check_truncated(fill: Fill) -> list[FillProblem]:
    """Generation stopped early (``finish_reason`` length, model_length or error)."""
    if fill.finish_reason in TRUNCATED_REASONS:
        return [
            fill.problem(
                "truncated",
                f"the completion was cut off (finish_reason "
                f"{fill.finish_reason!r}); pass allow_truncated=True "
                f"to accept it",
                fill.join.end,
            )
        ]
    return []
