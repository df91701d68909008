"""Checks that the middle fits the code's structure: syntax, brackets, indentation, scope."""

from __future__ import annotations

import math
import re

from pytest_fim.quality._checks_text import TOKENS
from pytest_fim.quality._fill import Fill, neutral_middles
from pytest_fim.quality._problems import FillProblem
from pytest_fim.quality._source import Join, indent_of
from pytest_fim.quality._syntax import python_error

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
#: Lines that close a block rather than leave it: a dedent to them is expected.
_CLOSING_LINE = re.compile(
    r"^[ \t]*([)\]}]|else\b|elif\b|except\b|finally\b|case\b|"
    r"default\b|end\b|catch\b|\}|#|//)"
)
_OPENS_BLOCK = re.compile(r"[:{(\[\\,]\s*(#.*|//.*)?$")


def check_syntax(fill: Fill) -> list[FillProblem]:
    """The joined file does not parse, and the error is the middle's doing."""
    error = fill.error
    if error is None or error.indentation or not fill.error_is_new(error):
        return []
    return [
        fill.problem("syntax", f"the joined file does not parse: {error.message}", line=error.line)
    ]


def check_brackets(fill: Fill) -> list[FillProblem]:
    """A closer that matches nothing open, or a bracket the middle leaves open."""
    if fill.error is None and fill.parsed:
        return []  # a file that parses has balanced brackets
    join = fill.join
    mismatch = _mismatch_inside(join)
    if mismatch is not None:
        # Whatever the code around the hole holds, a middle that opens one kind
        # of bracket and closes it with another is wrong. Python's tokenizer
        # knows every string; our lexer for other languages does not know
        # regular expressions (/[(]/), so there the neutral middle must agree.
        offset, char, opener = mismatch
        found = [
            fill.problem(
                "brackets",
                f"closer {char!r} in the middle does not match the {opener!r} the middle opened",
                offset,
            )
        ]
        return found if fill.language == "python" or _neutral_balanced(fill) else []
    extra, left_open = _bracket_faults(join.text, join.code_mask)
    found = []
    for offset, char in extra:
        if offset >= join.start:
            where = "in the middle" if offset < join.end else "that the suffix provides"
            message = (
                f"closer {char!r} {where} matches nothing open"
                if offset < join.end
                else f"the suffix's closer {char!r} is now extra: the middle already closed it"
            )
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
    # The closers among the neutral middles tell a hole that must close the
    # prefix's brackets from a file that is unbalanced whatever fills it.
    middles = [fill.reference] if fill.reference is not None else neutral_middles(join)
    for middle in middles:
        text = join.prefix + middle + join.suffix
        extra, left_open = _bracket_faults(
            text, Join(join.prefix, middle, join.suffix, join.language).code_mask
        )
        if not extra and not left_open:
            return True
    return False


def _mismatch_inside(join: Join) -> tuple[int, str, str] | None:
    """The first closer of the middle that meets an opener of another kind, also opened
    in the middle: (offset, closer, opener)."""
    mask = join.code_mask
    stack: list[str] = []
    for offset in range(join.start, join.end):
        char = join.text[offset]
        if char in _OPENERS and mask[offset]:
            stack.append(char)
        elif char in _CLOSERS and mask[offset] and stack:
            opener = stack.pop()
            if opener != _CLOSERS[char]:
                return offset, char, opener
    return None


def _bracket_faults(
    text: str, mask: bytearray
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
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
    lines_around = around.split("\n")
    uses_tabs = any(line.startswith("\t") for line in lines_around)
    uses_spaces = any(line.startswith("  ") for line in lines_around)
    # Most files use one style: then there is nothing to compare, and the
    # string/comment map (a tokenize of the whole file) is not needed.
    against = (
        "\t" if uses_spaces and not uses_tabs else "  " if uses_tabs and not uses_spaces else ""
    )
    offset = join.start
    for line in join.middle.split("\n") if against else ():
        if (
            line.startswith(against)
            and line.strip()
            and join.is_code(offset + indent_of(line))
            and (offset > join.start or join.prefix.endswith("\n") or not join.prefix)
        ):
            style = (
                "tab indentation in a file indented with spaces"
                if against == "\t"
                else "space indentation in a file indented with tabs"
            )
            found.append(fill.problem("indentation", style, offset))
            break
        offset += len(line) + 1
    if not found and fill.language == "python" and error is None:
        found.extend(_python_unit(fill))
    if not found and fill.language == "python" and error is not None:
        found.extend(_shifted_deeper(fill))
    if not found:
        found.extend(_one_column_off(fill))
    last = join.prefix.rsplit("\n", 1)[-1]
    # Inside a line, "x = " then " 1" doubles the space; a hole inside the
    # indentation may split it anywhere, so that is no fault.
    if (
        join.middle.startswith((" ", "\t"))
        and last.strip()
        and last.endswith((" ", "\t"))
        and join.middle.lstrip(" \t")[:1] not in ("", "\n", "\r")
    ):
        found.append(
            fill.problem(
                "indentation",
                "doubled whitespace at the join: the line already has it before the hole",
                join.start,
            )
        )
    return found


def _shifted_deeper(fill: Fill) -> list[FillProblem]:
    """A middle one column deeper than its block, line after line: Python may then blame
    the code after the hole ("unindent does not match" at an ``else:``), and a neutral
    middle fails there too. The evidence is the repair: with every line of the middle
    one column shallower, the file parses."""
    join = fill.join
    starts_line = not join.prefix or join.prefix.endswith("\n")
    lines = join.middle.split("\n")
    moved = [
        index
        for index, line in enumerate(lines)
        if (index or starts_line) and line.startswith(" ") and line.strip()
    ]
    if not moved:
        return []
    for index in moved:
        lines[index] = lines[index][1:]
    if python_error(join.prefix + "\n".join(lines) + join.suffix) is not None:
        return []
    offset = join.start + sum(len(line) + 1 for line in lines[: moved[0]])
    width = indent_of(lines[moved[0]]) + 1
    return [
        fill.problem(
            "indentation",
            f"the middle is one column deeper than its block "
            f"(its first line at {width}): one column shallower, "
            f"the file parses",
            offset,
        )
    ]


def _one_column_off(fill: Fill) -> list[FillProblem]:
    """A first line one column deeper than the code around the hole, or one column past
    the bracket it continues: the extra leading space Codestral sometimes writes, where
    no parser minds it."""
    join = fill.join
    if join.prefix and not join.prefix.endswith("\n"):
        return []
    first = join.middle.split("\n", 1)[0]
    lines = join.prefix.split("\n")
    at = next((index for index in range(len(lines) - 1, -1, -1) if lines[index].strip()), None)
    if not first.strip() or at is None or "\t" in first[:4]:
        return []  # tabs: a column is not a space's width
    previous = lines[at]
    following = next((line for line in join.suffix.split("\n") if line.strip()), None)
    second = next((line for line in join.middle.split("\n")[1:] if line.strip()), following)
    width = indent_of(first)
    levels = {indent_of(previous)} | ({indent_of(second)} if second is not None else set())
    if previous.rstrip().endswith((":", "{")):  # the hole starts the block it opens
        levels.update({indent_of(previous) + 2, indent_of(previous) + 4})
    if width % 2 and width - 1 in levels and (second is None or indent_of(second) % 2 == 0):
        return [
            fill.problem(
                "indentation",
                f"the first line is indented {width}, one column "
                f"more than the code around the hole",
                join.start,
            )
        ]
    # A run of code lines that all sit one column deeper than the next line
    # of the suffix, a line of the same kind (not a closer): entries of a
    # list or dict shifted together, where no parser minds it.
    code = [line for line in join.middle.split("\n") if line.strip()]
    if (
        width % 2
        and following is not None
        and indent_of(following) == width - 1
        and not _CLOSING_LINE.match(following)
        and all(indent_of(line) == width for line in code)
        and join.is_code(join.start + width - 1)
    ):  # not inside a docstring
        return [
            fill.problem(
                "indentation",
                f"the middle's lines are indented {width}, one "
                f"column more than the code after the hole",
                join.start,
            )
        ]
    if width - 1 not in levels and width not in levels:
        start = len(join.prefix) - len("\n".join(lines[at:]))
        column = _aligned_to(join, start, previous)
        if column is not None and width == column + 1:
            return [
                fill.problem(
                    "indentation",
                    f"the first line is indented {width}, one "
                    f"column past the bracket it continues "
                    f"(aligned at {column})",
                    join.start,
                )
            ]
    return []


def _aligned_to(join: Join, start: int, line: str) -> int | None:
    """The column a continuation of ``line`` aligns to: just inside its last bracket left
    open, when code follows that bracket on the line (``num = [1, 2,``); else None."""
    open_at: list[int] = []
    for column, char in enumerate(line):
        if char in _OPENERS and join.is_code(start + column):
            open_at.append(column)
        elif char in _CLOSERS and open_at and join.is_code(start + column):
            open_at.pop()
    if not open_at:
        return None
    column = open_at[-1] + 1
    if not line[column:].strip():
        return None  # a hanging indent: the block rule above judges it
    return column + len(line[column:]) - len(line[column:].lstrip())


def _python_unit(fill: Fill) -> list[FillProblem]:
    """Statements of the middle whose indentation is off the file's unit."""
    import ast

    join = fill.join
    tree = fill.tree if fill.error is None else None
    if tree is None:
        return []
    first, last = join.line_of(join.start), join.line_of(max(join.end - 1, join.start))
    starts_line = join.prefix.endswith("\n") or not join.prefix
    inside: list[ast.stmt] = []
    outside: list[ast.stmt] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            (inside if first <= node.lineno <= last else outside).append(node)

    def starts_its_line(node: ast.stmt) -> bool:
        return not join.line_text(node.lineno)[: node.col_offset].strip()

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
            return [
                fill.problem(
                    "indentation",
                    f"indented {node.col_offset} columns, off the file's unit of {unit}",
                    line=node.lineno,
                )
            ]
    return []


def check_scope(fill: Fill) -> list[FillProblem]:
    """Over-generation: the middle writes past the hole it was given.

    Three kinds of evidence: several lines in a hole inside a line; a middle
    whose last line is dedented below the code after the hole without closing
    or opening a block (it left the block the suffix goes on in); a run-on
    into new top-level code. The hole sits inside a block when the first
    statement the middle writes or continues is indented, or goes on with a
    block (``else:``, ``}``); the middle runs on when a later statement of
    it starts at column 0 and goes on with nothing (not ``else``,
    ``except``, a closer): a helper, a test, an ``if __name__ ==
    "__main__":`` after the body. A hole at top level takes more top-level
    code (a new function after the last one), and a header whose body is
    the suffix (``def b():`` ending the middle) is no run-on either.
    """
    join = fill.join
    line_rest = join.suffix.split("\n", 1)[0]
    line_hole = bool(join.prefix) and not join.prefix.endswith("\n") and line_rest.strip()
    if line_hole and "\n" in join.middle.rstrip("\n"):
        return [
            fill.problem("scope", "a hole inside a line is filled with several lines", join.start)
        ]
    following = next((line for line in _logical_suffix_lines(fill) if line.strip()), None)
    middle_lines = [line for line in join.middle.split("\n") if line.strip()]
    if not middle_lines:
        return []
    last = middle_lines[-1]
    last_offset = join.start + join.middle.rfind(last)
    base = indent_of(following) if following is not None else 0
    if (
        following is not None
        and join.is_code(last_offset + indent_of(last))
        and indent_of(last) < base
        and not _OPENS_BLOCK.search(last)
        and not _CLOSING_LINE.match(last)
        and join.middle.rstrip(" \t").endswith("\n")
    ):
        return [
            fill.problem(
                "scope",
                f"the middle leaves its block: its last line is "
                f"indented {indent_of(last)}, the code after the hole "
                f"{base}",
                last_offset,
            )
        ]
    run_on = _new_top_level(fill, base)
    if run_on is not None:
        return [
            fill.problem(
                "scope",
                f"the middle runs on past its block into new top-level "
                f"code: {run_on[1].strip()[:60]!r}",
                run_on[0],
            )
        ]
    return []


#: A line that goes on with the statement before it instead of starting one.
_GOES_ON = re.compile(r"[)\]}]|(else|elif|except|finally|case|default|catch)\b")
#: The end of a line that opens a block: Python's ``:`` or a brace.
_OPENS_BODY = re.compile(r"[:{]\s*(#.*|//.*)?$")
#: Brackets that continue a statement over lines; in languages with braced
#: blocks a brace opens a block, whose lines are statements.
_BRACKET = re.compile(r"[()\[\]{}]")
_PAREN = re.compile(r"[()\[\]]")


def _new_top_level(fill: Fill, base: int) -> tuple[int, str] | None:
    """The first statement the middle starts at column 0 after a hole inside a block,
    as (offset, line); None when there is none (see :func:`check_scope`). ``base`` is
    the indentation of the suffix's first statement."""
    join = fill.join
    # Only a line of the middle that starts at column 0 can be new top-level
    # code; most middles have none, and the scan below reads the whole prefix.
    if not re.search(r"\n[^\s]", join.middle):
        return None
    statements = _statement_lines(join)
    first_code = next(
        (
            join.start + index
            for index, char in enumerate(join.middle)
            if not char.isspace() and join.is_code(join.start + index)
        ),
        None,
    )
    if first_code is None:
        return None
    before = [index for index, (offset, _) in enumerate(statements) if offset <= first_code]
    if not before:
        return None
    hole = statements[before[-1]][1]
    if not (indent_of(hole) or _GOES_ON.match(hole.lstrip(" \t"))):
        return None  # the hole is at top level: more top-level code is a fill, not a run-on
    # A leaked control token is the special_tokens check's business, not code.
    new = [
        (offset, line)
        for offset, line in statements[before[-1] + 1 :]
        if (code := TOKENS.sub("", line)).strip()
        and not indent_of(code)
        and not _GOES_ON.match(code)
    ]
    if not new:
        return None
    # The header of a block the suffix holds the body of ("def b():" and its
    # decorators as the middle's last lines) is what the hole was cut across.
    tail = [line for offset, line in statements if offset >= new[0][0]]
    if (
        base > 0
        and _OPENS_BODY.search(join.middle.rstrip())
        and all(line.startswith("@") for line in tail[:-1])
    ):
        return None
    return new[0]


def _statement_lines(join: Join) -> list[tuple[int, str]]:
    """The lines of the prefix and middle that start a statement, with their offsets:
    code outside brackets, not continuing a line that ends in a backslash."""
    brackets = _BRACKET if join.language == "python" else _PAREN
    mask = join.code_mask
    text = join.text[: join.end]
    found: list[tuple[int, str]] = []
    depth = 0
    offset = 0
    continued = False
    for line in text.split("\n"):
        start = offset + indent_of(line)
        if depth == 0 and not continued and line.strip() and mask[start]:
            found.append((offset, line))
        for match in brackets.finditer(line):
            if mask[offset + match.start()]:
                depth = depth + 1 if match.group() in _OPENERS else max(depth - 1, 0)
        continued = line.endswith("\\") and join.language == "python"
        offset += len(line) + 1
    return found


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
