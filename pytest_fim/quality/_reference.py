"""Compare a middle with a known correct one, the ways benchmarks do."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable

from pytest_fim.problems import FIMAssertionError, Problem, shorten
from pytest_fim.quality._arguments import middle_of

__all__ = ["MODES", "assert_matches_reference", "edit_similarity"]


def edit_similarity(first: str, second: str) -> float:
    """Similarity of two texts from 0 to 100, as the benchmarks' ``fuzz.ratio``.

    ``100 * 2 * LCS / (len(first) + len(second))``, with LCS the longest
    common subsequence (insertions and deletions only). Uses ``rapidfuzz``
    when it is installed (``pytest-fim[fast]``), a bit-parallel pure-Python
    LCS otherwise; both give the same numbers.

    >>> edit_similarity("return a + b", "return a - b")
    91.66666666666666
    """
    if not first and not second:
        return 100.0
    try:
        from rapidfuzz.fuzz import ratio  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return 200.0 * _lcs(first, second) / (len(first) + len(second))
    return float(ratio(first, second))


def _lcs(first: str, second: str) -> int:
    """Length of the longest common subsequence, one big-int operation per character."""
    if len(first) < len(second):
        first, second = second, first
    masks: dict[str, int] = {}
    for position, char in enumerate(first):
        masks[char] = masks.get(char, 0) | (1 << position)
    full = (1 << len(first)) - 1
    row = full
    for char in second:
        matches = row & masks.get(char, 0)
        row = ((row + matches) | (row - matches)) & full
    return len(first) - bin(row).count("1")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.split("\n") if line.strip()), "")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _python_ast(source: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.dump(ast.parse(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


#: The comparison modes, each a function of (middle, reference, prefix, suffix).
MODES: dict[str, Callable[[str, str, str, str], bool]] = {
    "exact": lambda middle, reference, _p, _s: middle == reference,
    "first_line": lambda middle, reference, _p, _s: _first_line(middle) == _first_line(reference),
    "no_whitespace": lambda middle, reference, _p, _s: (
        "".join(middle.split()) == "".join(reference.split())
    ),
    "lines": lambda middle, reference, _p, _s: _lines(middle) == _lines(reference),
}


def assert_matches_reference(
    middle: object,
    reference: str,
    *,
    mode: str = "exact",
    threshold: float | None = None,
    prefix: str = "",
    suffix: str = "",
    choice: int = 0,
) -> None:
    """Assert that ``middle`` matches a known correct ``reference`` in a benchmark's sense.

    Modes: ``exact``; ``first_line`` (first non-blank line, stripped);
    ``no_whitespace`` (all whitespace removed); ``lines`` (non-empty
    stripped lines); ``ast`` (Python: ``prefix + middle + suffix`` and
    ``prefix + reference + suffix`` have equal ASTs); ``edit_similarity``
    (:func:`edit_similarity` of middle and reference at least ``threshold``,
    0–100, required). ``middle`` may be any response input (choice
    ``choice``'s content).

    Raises :class:`~pytest_fim.FIMAssertionError` on a mismatch, showing
    both (multi-line text as a unified diff), and ``ValueError`` for an
    unknown mode or a missing or out-of-range threshold.

    >>> assert_matches_reference("  return x\\n", "return x", mode="no_whitespace")
    """
    __tracebackhide__ = True
    if not isinstance(reference, str):
        raise TypeError(f"reference must be a str, got {type(reference).__name__}")
    known = (*MODES, "ast", "edit_similarity")
    if mode not in known:
        raise ValueError(f"unknown mode {mode!r}; the modes are {', '.join(known)}")
    if mode == "edit_similarity":
        if (
            not isinstance(threshold, (int, float))
            or isinstance(threshold, bool)
            or not 0 <= threshold <= 100
        ):
            raise ValueError(
                f"mode='edit_similarity' needs threshold= a number from 0 to 100, got {threshold!r}"
            )
    elif threshold is not None:
        raise ValueError(f"threshold applies to mode='edit_similarity' only, not {mode!r}")
    text, _ = middle_of(middle, choice)
    if mode == "edit_similarity":
        score = edit_similarity(text, reference)
        if score < float(threshold or 0):
            _fail(
                mode, f"similarity {score:.1f} is below the threshold {threshold}", text, reference
            )
        return
    if mode == "ast":
        ours, theirs = _python_ast(prefix + text + suffix), _python_ast(prefix + reference + suffix)
        if theirs is None:
            raise ValueError("mode='ast': the file with the reference does not parse as Python")
        if ours != theirs:
            reason = (
                "the joined file does not parse"
                if ours is None
                else "the joined files' ASTs differ"
            )
            _fail(mode, reason, text, reference)
        return
    if not MODES[mode](text, reference, prefix, suffix):
        _fail(mode, "they differ", text, reference)


def _fail(mode: str, reason: str, middle: str, reference: str) -> None:
    __tracebackhide__ = True
    from pytest_fim.diff import unified

    if "\n" in middle.rstrip("\n") or "\n" in reference.rstrip("\n"):
        shown = [Problem("", line) for line in unified(reference, middle, 80)]
        detail = [Problem("", "(-reference +middle)"), *shown]
    else:
        detail = [
            Problem("", f"reference: {shorten(reference)}"),
            Problem("", f"middle:    {shorten(middle)}"),
        ]
    raise FIMAssertionError(
        f"the middle does not match the reference (mode={mode!r}): {reason}", detail
    )
