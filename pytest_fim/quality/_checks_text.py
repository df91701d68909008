"""Checks that read the middle as text: empty, leaked tokens, markdown, loops, truncation."""

from __future__ import annotations

import re

from pytest_fim.quality._fill import Fill
from pytest_fim.quality._problems import FillProblem
from pytest_fim.quality._source import substantive

#: Control tokens of Codestral and of the other common FIM model families.
SPECIAL_TOKENS: tuple[str, ...] = (
    "[PREFIX]", "[SUFFIX]", "[MIDDLE]", "[INST]", "[/INST]", "<s>", "</s>",
    "<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<fim_pad>",
    "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>",
    "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<|fim▁begin|>", "<|fim▁hole|>",
    "<|fim▁end|>", "<PRE>", "<SUF>", "<MID>", "<EOT>", "<|endoftext|>", "<|file_sep|>",
    "<|repo_name|>", "<|im_start|>", "<|im_end|>", "<|end|>", "<|eot_id|>",
    "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
)
TOKENS = re.compile("|".join(re.escape(token) for token in
                              sorted(SPECIAL_TOKENS, key=len, reverse=True)))
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.M)
_PROSE = re.compile(
    r"^[ \t]*(Here is|Here's|Here are|Sure[,!.]|Certainly[,!.]|Explanation:|Note:|"
    r"This (code|function|implementation|solution) |The (code|function) (above|below)|"
    r"I('ve| have) (written|added|implemented|completed))", re.M)
_UNIT = re.compile(r"(?P<unit>.{1,8}?)(?P=unit){9,}$")
TRUNCATED_REASONS = frozenset({"length", "model_length", "error"})


def check_empty(fill: Fill) -> list[FillProblem]:
    """Nothing but whitespace where code was expected."""
    if fill.expect_empty or fill.join.middle.strip():
        return []
    if fill.language == "python" and fill.error is None:
        return []  # the file is whole without code here: a blank hole, not a missing fill
    return [fill.problem("empty", "the middle is empty (pass expect_empty=True if the hole "
                                  "should stay empty)", fill.join.start)]


def check_special_tokens(fill: Fill) -> list[FillProblem]:
    """Control tokens of a FIM model leaked into the code (not in strings or comments)."""
    join = fill.join
    found = []
    for match in TOKENS.finditer(join.middle):
        offset = join.start + match.start()
        if join.is_code(offset):
            found.append(fill.problem("special_tokens", f"leaked control token "
                                                        f"{match.group()!r}", offset))
    return found


def check_markdown(fill: Fill) -> list[FillProblem]:
    """A code fence or chat prose in the middle."""
    join = fill.join
    found = []
    for pattern, what in ((_FENCE, "a markdown code fence"), (_PROSE, "chat prose")):
        for match in pattern.finditer(join.middle):
            offset = join.start + match.start(1)
            if join.is_code(offset):
                line = join.middle[match.start():].split("\n", 1)[0].strip()
                found.append(fill.problem("markdown", f"{what} in the middle: {line[:60]!r}",
                                          offset))
    return found

def check_repetition(fill: Fill) -> list[FillProblem]:
    """Degenerate loops: a line three times running, a short unit repeated, a repeated block."""
    join = fill.join
    lines = join.middle.split("\n")
    run = 1
    for index in range(1, len(lines)):
        same = lines[index].strip() and lines[index] == lines[index - 1]
        run = run + 1 if same else 1
        if run == 3 and substantive([lines[index]]) and \
                not re.fullmatch(r"[\s)\]}\\;,]*", lines[index]):
            offset = join.start + sum(len(line) + 1 for line in lines[:index])
            return [fill.problem("repetition", f"the same line three times running: "
                                               f"{lines[index].strip()[:60]!r}", offset)]
    offset = join.start
    for line in lines:
        match = _UNIT.search(line.strip())
        if match and match.group("unit").strip() and len(set(match.group("unit"))) > 1:
            return [fill.problem("repetition", f"{match.group('unit')!r} repeated "
                                               f"{len(match.group()) // len(match.group('unit'))} "
                                               f"times", offset)]
        offset += len(line) + 1
    code = [line for line in lines if line.strip()]
    for size in range(2, len(code) // 2 + 1):
        for start in range(0, len(code) - 2 * size + 1):
            block = code[start:start + size]
            if block == code[start + size:start + 2 * size] and \
                    len("".join(line.strip() for line in block)) >= 20 and \
                    code[start + 2 * size:start + 3 * size] == block:
                return [fill.problem("repetition", f"a block of {size} lines repeated three "
                                                   f"times", join.start)]
    return []


def check_truncated(fill: Fill) -> list[FillProblem]:
    """Generation stopped early (``finish_reason`` length, model_length or error)."""
    if fill.finish_reason in TRUNCATED_REASONS:
        return [fill.problem("truncated", f"the completion was cut off (finish_reason "
                                          f"{fill.finish_reason!r}); pass allow_truncated=True "
                                          f"to accept it", fill.join.end)]
    return []
