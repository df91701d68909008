"""The checks: each reads a :class:`Fill` and returns the problems it finds.

A check must accept every correct fill of the HumanEval infilling sets, so
each rule compares the middle with its surroundings rather than judging it
alone: an error counts only if the file with a neutral middle lacks it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from pytest_fim.quality._problems import FillProblem
from pytest_fim.quality._source import Join, code_lines, context, indent_of
from pytest_fim.quality._syntax import ParseError, ParserMissing, parse_error

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
_TOKENS = re.compile("|".join(re.escape(token) for token in
                              sorted(SPECIAL_TOKENS, key=len, reverse=True)))
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.M)
_PROSE = re.compile(
    r"^[ \t]*(Here is|Here's|Here are|Sure[,!.]|Certainly[,!.]|Explanation:|Note:|"
    r"This (code|function|implementation|solution) |The (code|function) (above|below)|"
    r"I('ve| have) (written|added|implemented|completed))", re.M)
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
#: Lines that close a block rather than leave it: a dedent to them is expected.
_CLOSING_LINE = re.compile(r"^[ \t]*([)\]}]|else\b|elif\b|except\b|finally\b|case\b|"
                           r"default\b|end\b|catch\b|\}|#|//)")
_OPENS_BLOCK = re.compile(r"[:{(\[\\,]\s*(#.*|//.*)?$")
_TOP_LEVEL_DEFINITION = re.compile(r"^(async\s+def|def|class|function|func|fn|pub\s+fn)\s")
_UNIT = re.compile(r"(?P<unit>.{1,8}?)(?P=unit){9,}$")
TRUNCATED_REASONS = frozenset({"length", "model_length", "error"})


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
        try:
            return parse_error(self.join.text, self.language)
        except ParserMissing as missing:
            self.notes.append(f"syntax: skipped: {missing}")
            return None

    @cached_property
    def baselines(self) -> list[ParseError | None]:
        """Parse results of the file with the reference, or with neutral middles."""
        middles = [self.reference] if self.reference is not None else _neutral_middles(self.join)
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


def _neutral_middles(join: Join) -> list[str]:
    """Middles that fill a hole without adding anything: to tell our errors from the file's."""
    if join.prefix.endswith("\n") or not join.prefix:
        lines = join.prefix.split("\n")
        previous = next((line for line in reversed(lines) if line.strip()), "")
        after = [line for line in join.suffix.split("\n")[:40] if line.strip()][:6]
        following = after[0] if after else ""
        indents = {indent_of(previous), *(indent_of(line) for line in after)}
        if previous.rstrip().endswith((":", "{")):
            indents.add(indent_of(previous) + 4)
        if join.language != "python":
            return ["", *(" " * width + ";\n" for width in sorted(indents))]
        # The code after the hole may be deeper than before it: the hole then
        # held a block's opening line.
        deeper = [" " * width + "if True:\n" for width in sorted(indents)
                  if width < indent_of(following)]
        return ["", *(" " * width + "pass\n" for width in sorted(indents)), *deeper]
    return ["", "0", "None", "pass"] if join.language == "python" else ["", "0"]


# ---------------------------------------------------------------- the checks


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
    for match in _TOKENS.finditer(join.middle):
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


def _substantive(lines: list[str]) -> bool:
    text = "".join(line.strip() for line in lines)
    return len(text) >= 4 and bool(re.search(r"\w", text))


def check_suffix_echo(fill: Fill) -> list[FillProblem]:
    """The middle repeats the code that comes after the hole."""
    join = fill.join
    # A leaked end token after the echo ("...echo<|endoftext|>") hides nothing.
    middle = _TOKENS.sub("", join.middle)
    middle_lines = [line.rstrip() for line in code_lines(middle)]
    suffix_lines = [line.rstrip() for line in code_lines(join.suffix)]
    if not middle_lines or not suffix_lines:
        return []
    for count in (3, 2, 1):
        tail, head = middle_lines[-count:], suffix_lines[:count]
        if len(tail) == count and tail == head and _substantive(tail):
            offset = join.start + max(join.middle.rfind(tail[0].strip()), 0)
            return [fill.problem(
                "suffix_echo", f"the middle ends with the {count} line{'s' if count > 1 else ''}"
                f" the suffix starts with: {head[0].strip()[:60]!r}", offset)]
    overlap = _overlap(middle, join.suffix)
    before = middle[len(middle) - len(overlap) - 1:][:1]
    # An overlap that starts inside the middle's indentation is a coincidence of
    # whitespace ("        return x" ends with "    return x"), not an echo.
    if len(overlap.strip()) >= 8 and re.search(r"\w", overlap) and before not in (" ", "\t"):
        return [fill.problem("suffix_echo", f"the middle runs on into the suffix: it ends "
                                            f"with {overlap.strip()[:60]!r}, which the suffix "
                                            f"starts with", join.end - len(overlap))]
    # A model that regenerates the suffix writes its lines again, perhaps with
    # other whitespace; merely similar lines are common in correct code
    # ("if n == 0: return 0" before "if n == 1: return 0"), so only the same
    # text counts.
    head = suffix_lines[:len(middle_lines)]
    squeezed = "".join("".join(middle_lines).split())
    if len(head) == len(middle_lines) and len(squeezed) >= 8 and \
            indent_of(middle_lines[0]) == indent_of(head[0]) and \
            squeezed == "".join("".join(head).split()):
        return [fill.problem("suffix_echo", "the middle is the suffix's first "
                                            f"{len(head)} line{'s' if len(head) > 1 else ''} "
                                            "again, whitespace aside", join.start)]
    return []


def _overlap(middle: str, suffix: str) -> str:
    """The longest end of ``middle`` that ``suffix`` starts with."""
    limit = min(len(middle), len(suffix), 400)
    for size in range(limit, 0, -1):
        if middle.endswith(suffix[:size]):
            return suffix[:size]
    return ""


def check_prefix_echo(fill: Fill) -> list[FillProblem]:
    """The first line of the middle rewrites the last line of the prefix."""
    join = fill.join
    first = join.middle.split("\n", 1)[0]
    if join.prefix.endswith("\n") or not join.prefix:
        previous = next((line for line in reversed(join.prefix.split("\n")) if line.strip()),
                        "")
        if first.rstrip() and first.rstrip() == previous.rstrip() and _substantive([first]):
            return [fill.problem("prefix_echo", f"the middle starts by repeating the line "
                                                f"before the hole: {first.strip()[:60]!r}",
                                 join.start)]
        return []
    partial = join.prefix.rsplit("\n", 1)[-1].strip()
    if len(partial) >= 4 and first.strip().startswith(partial):
        return [fill.problem("prefix_echo", f"the middle rewrites the start of its line "
                                            f"{partial[:60]!r} instead of continuing it",
                             join.start)]
    return []


def check_syntax(fill: Fill) -> list[FillProblem]:
    """The joined file does not parse, and the error is the middle's doing."""
    error = fill.error
    if error is None or error.indentation or not fill.error_is_new(error):
        return []
    return [fill.problem("syntax", f"the joined file does not parse: {error.message}",
                         line=error.line)]


def check_brackets(fill: Fill) -> list[FillProblem]:
    """A closer that matches nothing open, or a bracket the middle leaves open."""
    if fill.language == "python" and fill.error is None:
        return []  # a file Python parses has balanced brackets
    join = fill.join
    extra, left_open = _bracket_faults(join.text, join.code_mask)
    found = []
    for offset, char in extra:
        if offset >= join.start:
            where = "in the middle" if offset < join.end else "that the suffix provides"
            message = (f"closer {char!r} {where} matches nothing open" if offset < join.end
                       else f"the suffix's closer {char!r} is now extra: the middle already "
                            f"closed it")
            found.append(fill.problem("brackets", message, offset))
            break
    for offset, char in left_open:
        if join.start <= offset < join.end:
            found.append(fill.problem("brackets", f"the middle leaves {char!r} open", offset))
            break
    if found and not _neutral_balanced(fill):
        return []  # the file is unbalanced with a neutral middle too: not the middle's doing
    return found


def _neutral_balanced(fill: Fill) -> bool:
    join = fill.join
    middles = [fill.reference] if fill.reference is not None else _neutral_middles(join)[:1]
    for middle in middles:
        text = join.prefix + middle + join.suffix
        extra, left_open = _bracket_faults(text, Join(join.prefix, middle, join.suffix,
                                                      join.language).code_mask)
        if not extra and not left_open:
            return True
    return False


def _bracket_faults(text: str, mask: bytearray) -> tuple[list[tuple[int, str]],
                                                        list[tuple[int, str]]]:
    stack: list[tuple[int, str]] = []
    extra: list[tuple[int, str]] = []
    for offset, char in enumerate(text):
        if char in _OPENERS:
            if mask[offset]:
                stack.append((offset, char))
        elif char in _CLOSERS and mask[offset]:
            if stack and stack[-1][1] == _CLOSERS[char]:
                stack.pop()
            else:
                extra.append((offset, char))
    return extra, stack


def check_indentation(fill: Fill) -> list[FillProblem]:
    """Tabs against the file's style, indentation off its unit, a doubled space at the join."""
    join = fill.join
    found = []
    error = fill.error
    if error is not None and error.indentation and fill.error_is_new(error):
        found.append(fill.problem("indentation", f"Python: {error.message}", line=error.line))
    around = join.prefix + join.suffix
    uses_tabs = any(line.startswith("\t") for line in around.split("\n"))
    uses_spaces = any(line.startswith("  ") for line in around.split("\n"))
    offset = join.start
    for line in join.middle.split("\n"):
        if line.strip() and join.is_code(offset + indent_of(line)) and \
                (offset > join.start or join.prefix.endswith("\n") or not join.prefix):
            if line.startswith("\t") and uses_spaces and not uses_tabs:
                found.append(fill.problem("indentation", "tab indentation in a file "
                                                         "indented with spaces", offset))
                break
            if line.startswith("  ") and uses_tabs and not uses_spaces:
                found.append(fill.problem("indentation", "space indentation in a file "
                                                         "indented with tabs", offset))
                break
        offset += len(line) + 1
    if not found and fill.language == "python" and error is None:
        found.extend(_python_unit(fill))
    if not found:
        found.extend(_one_column_off(fill))
    last = join.prefix.rsplit("\n", 1)[-1]
    # Inside a line, "x = " then " 1" doubles the space; a hole inside the
    # indentation may split it anywhere, so that is no fault.
    if join.middle.startswith((" ", "\t")) and last.strip() and last.endswith((" ", "\t")) \
            and join.middle.lstrip(" \t")[:1] not in ("", "\n", "\r"):
        found.append(fill.problem("indentation", "doubled whitespace at the join: the line "
                                                 "already has it before the hole", join.start))
    return found


def _one_column_off(fill: Fill) -> list[FillProblem]:
    """A first line one column deeper than the lines on both sides of the hole: the
    extra leading space Codestral sometimes writes, where no parser minds it."""
    join = fill.join
    if join.prefix and not join.prefix.endswith("\n"):
        return []
    first = join.middle.split("\n", 1)[0]
    previous = next((line for line in reversed(join.prefix.split("\n")) if line.strip()), None)
    following = next((line for line in join.suffix.split("\n") if line.strip()), None)
    if not first.strip() or previous is None or following is None or "\t" in first[:4]:
        return []  # tabs: a column is not a space's width
    width = indent_of(first)
    second = next((line for line in join.middle.split("\n")[1:] if line.strip()), following)
    if width % 2 and width - 1 in {indent_of(previous), indent_of(second)} \
            and indent_of(second) % 2 == 0:
        return [fill.problem("indentation", f"the first line is indented {width}, one column "
                                            f"more than the lines around the hole",
                             join.start)]
    return []


def _python_unit(fill: Fill) -> list[FillProblem]:
    """Statements of the middle whose indentation is off the file's unit."""
    import ast

    join = fill.join
    try:
        tree = ast.parse(join.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    first, last = join.line_of(join.start), join.line_of(max(join.end - 1, join.start))
    starts_line = join.prefix.endswith("\n") or not join.prefix
    inside: list[ast.stmt] = []
    outside: list[ast.stmt] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            (inside if first <= node.lineno <= last else outside).append(node)
    lines = join.text.split("\n")

    def starts_its_line(node: ast.stmt) -> bool:
        return not lines[node.lineno - 1][:node.col_offset].strip()

    inside = [node for node in inside if starts_its_line(node)]
    unit = 0
    for node in outside:
        if starts_its_line(node):
            unit = math.gcd(unit, node.col_offset)
    if unit < 2:
        return []
    for node in sorted(inside, key=lambda n: n.lineno):
        if node.lineno == first and not starts_line:
            continue  # the middle continues a line: its start is not its own
        # Python takes any deeper indentation for a block's first statement, and
        # real code uses 2, 4 or 6 columns; a column off an even unit is a slip.
        if unit % 2 == 0 and node.col_offset % 2:
            return [fill.problem("indentation", f"indented {node.col_offset} columns, off the "
                                                f"file's unit of {unit}", line=node.lineno)]
    return []


def check_repetition(fill: Fill) -> list[FillProblem]:
    """Degenerate loops: a line three times running, a short unit repeated, a repeated block."""
    join = fill.join
    lines = join.middle.split("\n")
    run = 1
    for index in range(1, len(lines)):
        same = lines[index].strip() and lines[index] == lines[index - 1]
        run = run + 1 if same else 1
        if run == 3 and _substantive([lines[index]]) and \
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


def check_scope(fill: Fill) -> list[FillProblem]:
    """Over-generation: several lines in a line hole, or a middle that leaves its block."""
    join = fill.join
    line_rest = join.suffix.split("\n", 1)[0]
    line_hole = bool(join.prefix) and not join.prefix.endswith("\n") and line_rest.strip()
    if line_hole and "\n" in join.middle.rstrip("\n"):
        return [fill.problem("scope", "a hole inside a line is filled with several lines",
                             join.start)]
    following = next((line for line in _logical_suffix_lines(fill) if line.strip()), None)
    if following is None:
        return []
    base = indent_of(following)
    middle_lines = [line for line in join.middle.split("\n") if line.strip()]
    if not middle_lines:
        return []
    last = middle_lines[-1]
    last_offset = join.start + join.middle.rfind(last)
    if join.is_code(last_offset + indent_of(last)) and indent_of(last) < base \
            and not _OPENS_BLOCK.search(last) and not _CLOSING_LINE.match(last) \
            and (join.middle.rstrip(" \t").endswith("\n")):
        return [fill.problem("scope", f"the middle leaves its block: its last line is "
                                      f"indented {indent_of(last)}, the code after the hole "
                                      f"{base}", last_offset)]
    if base > 0:
        offset = join.start
        for line in join.middle.split("\n"):
            if _TOP_LEVEL_DEFINITION.match(line) and join.is_code(offset):
                return [fill.problem("scope", f"a new top-level definition starts inside the "
                                              f"middle: {line.strip()[:60]!r}", offset)]
            offset += len(line) + 1
    return []


def _logical_suffix_lines(fill: Fill) -> list[str]:
    """Suffix lines that start a statement (not inside brackets, strings or comments)."""
    join = fill.join
    mask = join.code_mask
    depth = 0
    out = []
    offset = join.end
    for line in join.suffix.split("\n"):
        start = offset + indent_of(line)
        if depth == 0 and line.strip() and start < len(mask) and mask[start]:
            out.append(line)
            if len(out) >= 1:
                break
        for position in range(offset, offset + len(line)):
            if position < len(mask) and mask[position]:
                char = join.text[position]
                if char in _OPENERS:
                    depth += 1
                elif char in _CLOSERS:
                    depth = max(depth - 1, 0)
        offset += len(line) + 1
    return out


def check_truncated(fill: Fill) -> list[FillProblem]:
    """Generation stopped early (``finish_reason`` length, model_length or error)."""
    if fill.finish_reason in TRUNCATED_REASONS:
        return [fill.problem("truncated", f"the completion was cut off (finish_reason "
                                          f"{fill.finish_reason!r}); pass allow_truncated=True "
                                          f"to accept it", fill.join.end)]
    return []


#: Every check, by name, in the order they run.
CHECKS: dict[str, Callable[[Fill], list[FillProblem]]] = {
    "empty": check_empty,
    "special_tokens": check_special_tokens,
    "markdown": check_markdown,
    "suffix_echo": check_suffix_echo,
    "prefix_echo": check_prefix_echo,
    "syntax": check_syntax,
    "brackets": check_brackets,
    "indentation": check_indentation,
    "repetition": check_repetition,
    "scope": check_scope,
    "truncated": check_truncated,
}
