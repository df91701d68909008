"""Checks that the middle does not repeat the code around the hole."""

from __future__ import annotations

import re

from pytest_fim._text import plural
from pytest_fim.quality._checks_text import TOKENS
from pytest_fim.quality._fill import Fill
from pytest_fim.quality._problems import FillProblem
from pytest_fim.quality._source import code_lines, indent_of, substantive
from pytest_fim.quality._syntax import ParserMissing, parse_error


def check_suffix_echo(fill: Fill) -> list[FillProblem]:
    """The middle repeats the code that comes after the hole.

    The evidence is the same text twice at the join: the middle ends with
    the suffix's first lines, or with the start of the suffix (eight
    characters or more, a word among them), or it is the suffix's first
    lines again up to whitespace and line-end ``;``/``,``. Repeated text is
    no echo when the code needs both copies: the file parses, and without
    the middle's copy it does not (nested calls ``f(f(x))``, ``a[a[i]]``).
    A repeat inside a line counts only when it holds code: in a string or a
    comment, words repeat.
    """
    join = fill.join
    # A leaked end token after the echo ("...echo<|endoftext|>") hides nothing.
    middle = TOKENS.sub("", join.middle)
    middle_lines = [line.rstrip() for line in code_lines(middle)]
    suffix_lines = [line.rstrip() for line in code_lines(join.suffix)]
    if not middle_lines or not suffix_lines:
        return []
    for count in (3, 2, 1):
        tail, head = middle_lines[-count:], suffix_lines[:count]
        # Whole lines, indentation and all: even a short one ("t=0") is an echo.
        if len(tail) == count and tail == head and substantive(tail, 3):
            at = max(join.middle.rfind(tail[0].strip()), 0)
            if _needs_both(fill, join.middle.rfind("\n", 0, at) + 1):
                continue
            lines = f"{count} lines" if count > 1 else "line"
            return [
                fill.problem(
                    "suffix_echo",
                    f"the middle ends with the {lines} the suffix starts with: "
                    f"{head[0].strip()[:60]!r}",
                    join.start + at,
                )
            ]
    overlap = _overlap(middle, join.suffix)
    if len(overlap.strip()) >= 8 and re.search(r"\w", overlap):
        # An overlap that starts inside a run of whitespace (the middle's
        # indentation, or the prefix's) is a coincidence of whitespace
        # ("        return x" ends with "    return x"), not an echo.
        head_text = join.prefix[-1:] + middle[: len(middle) - len(overlap)]
        if (
            not (head_text[-1:] in (" ", "\t") and overlap[:1] in (" ", "\t"))
            and _is_code(fill, overlap)
            and not _needs_both(fill, len(join.middle) - len(overlap))
        ):
            return [
                fill.problem(
                    "suffix_echo",
                    f"the middle runs on into the suffix: it ends "
                    f"with {overlap.strip()[:60]!r}, which the "
                    f"suffix starts with",
                    join.end - len(overlap),
                )
            ]
    # A model that regenerates the suffix writes its lines again, perhaps with
    # other whitespace or without a line's trailing ";" or ","; merely similar
    # lines are common in correct code ("for i in range(n):" before "for j in
    # range(n):" scores 97 of 100 in edit similarity), so only the same tokens count.
    head = suffix_lines[: len(middle_lines)]
    squeezed = _squeeze(middle_lines)
    if (
        len(head) == len(middle_lines)
        and len(squeezed) >= 8
        and indent_of(middle_lines[0]) == indent_of(head[0])
        and squeezed == _squeeze(head)
    ):
        return [
            fill.problem(
                "suffix_echo",
                "the middle is the suffix's first "
                f"{plural(len(head), 'line')} "
                "again, up to whitespace and line-end "
                "punctuation",
                join.start,
            )
        ]
    return []


def _is_code(fill: Fill, overlap: str) -> bool:
    """True when either copy of ``overlap`` (the middle's end, the suffix's start) holds
    code: a character outside strings and comments besides whitespace."""
    join = fill.join
    if not join.middle.endswith(overlap):
        return True  # a leaked token sits between: the echo is the model's, not text
    size = len(overlap)
    return any(
        not overlap[index].isspace()
        and (join.is_code(join.end - size + index) or join.is_code(join.end + index))
        for index in range(size)
    )


def _needs_both(fill: Fill, cut: int) -> bool:
    """True when the code needs the middle's copy of the repeated text, which starts at
    ``cut`` in the middle: the joined file parses, and with the middle cut there it does
    not."""
    join = fill.join
    if fill.error is not None or not fill.parsed or join.middle[cut:] == "":
        return False
    try:
        return parse_error(join.prefix + join.middle[:cut] + join.suffix, fill.language) is not None
    except ParserMissing:
        return False


def _squeeze(lines: list[str]) -> str:
    """The lines without whitespace or a trailing ``;``/``,``: what an echo keeps."""
    return "".join("".join(line.split()).rstrip(";,") for line in lines)


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
        previous = next((line for line in reversed(join.prefix.split("\n")) if line.strip()), "")
        if first.rstrip() and first.rstrip() == previous.rstrip() and substantive([first]):
            return [
                fill.problem(
                    "prefix_echo",
                    f"the middle starts by repeating the line "
                    f"before the hole: {first.strip()[:60]!r}",
                    join.start,
                )
            ]
        return []
    partial = join.prefix.rsplit("\n", 1)[-1].strip()
    if len(partial) >= 4 and first.strip().startswith(partial):
        return [
            fill.problem(
                "prefix_echo",
                f"the middle rewrites the start of its line "
                f"{partial[:60]!r} instead of continuing it",
                join.start,
            )
        ]
    return []
