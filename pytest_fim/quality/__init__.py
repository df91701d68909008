"""Does the completion fit the hole it fills: FIM quality assertions.

A response can be schema-perfect and still useless: the model repeats the
code after the cursor, leaks ``[SUFFIX]``, wraps the code in a markdown
fence, closes a bracket the suffix already closes, or runs on past the hole.
:func:`assert_fills_hole` judges ``prefix + middle + suffix`` the way editor
clients and benchmarks do, and lists every problem with the join shown
around it.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable
from types import FrameType
from typing import Any, cast

from pytest_fim._text import plural
from pytest_fim.problems import FIMAssertionError
from pytest_fim.quality._checks import CHECKS, SPECIAL_TOKENS, Fill
from pytest_fim.quality._execute import assert_passes_tests
from pytest_fim.quality._problems import FillProblem
from pytest_fim.quality._reference import MODES, assert_matches_reference, edit_similarity
from pytest_fim.quality._source import Join
from pytest_fim.quality._syntax import GRAMMARS

__all__ = [
    "CHECKS",
    "LANGUAGES",
    "MODES",
    "SPECIAL_TOKENS",
    "FIMQualityNote",
    "FillProblem",
    "assert_brackets",
    "assert_fills_hole",
    "assert_indentation",
    "assert_matches_reference",
    "assert_no_markdown",
    "assert_no_prefix_echo",
    "assert_no_repetition",
    "assert_no_special_tokens",
    "assert_no_suffix_echo",
    "assert_passes_tests",
    "assert_scope",
    "assert_syntax",
    "edit_similarity",
    "fill_problems",
]

#: Languages the checks know (syntax needs ``pytest-fim[languages]`` beyond Python).
LANGUAGES = frozenset({"python", *GRAMMARS})
#: Other names users give them (case does not matter either).
_ALIASES = {"py": "python", "js": "javascript", "jsx": "javascript", "ts": "typescript",
            "c++": "cpp", "golang": "go", "rs": "rust"}


def _middle_of(middle: object, choice: int) -> tuple[str, str | None]:
    """The middle's text and the finish_reason it came with (None for a str middle)."""
    if isinstance(middle, str):
        return middle, None
    from pytest_fim.validate import assert_valid_fim_response

    response = assert_valid_fim_response(middle, strict=False)
    for candidate in response.choices or ():
        if candidate.index == choice:
            text = candidate.message.text() if candidate.message else ""
            return text, candidate.finish_reason
    raise ValueError(f"the response has no choice with index {choice} "
                     f"(it has {len(response.choices or ())})")


def _fill(prefix: object, middle: object, suffix: object, *, language: str,
          reference: str | None, allow_truncated: bool, choice: int,
          expect_empty: bool) -> Fill:
    for name, value in (("prefix", prefix), ("suffix", suffix)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not isinstance(language, str):
        raise TypeError(f"language must be a str, got {type(language).__name__}")
    named = language.strip().lower()
    language = _ALIASES.get(named, named)
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(sorted(LANGUAGES))}, "
                         f"got {named!r}")
    if reference is not None and not isinstance(reference, str):
        raise TypeError(f"reference must be a str or None, got {type(reference).__name__}")
    if not isinstance(choice, int) or isinstance(choice, bool) or choice < 0:
        raise ValueError(f"choice must be a non-negative int, got {choice!r}")
    text, finish_reason = _middle_of(middle, choice)
    return Fill(Join(cast(str, prefix), text, cast(str, suffix), language), reference=reference,
                finish_reason=None if allow_truncated else finish_reason,
                expect_empty=expect_empty)


def _skipped(skip: Iterable[str]) -> frozenset[str]:
    if isinstance(skip, str):
        skip = (skip,)
    try:
        names = frozenset(skip)
    except TypeError:
        raise TypeError(f"skip must be check names (a set, list or tuple of str), got "
                        f"{type(skip).__name__}") from None
    if not all(isinstance(name, str) for name in names):
        raise TypeError(f"skip must hold check names (str), got {sorted(map(repr, names))}")
    unknown = names - set(CHECKS)
    if unknown:
        raise ValueError(f"unknown check {', '.join(sorted(map(repr, unknown)))} in skip; "
                         f"the checks are {', '.join(CHECKS)}")
    return names


def fill_problems(prefix: str, middle: object, suffix: str, *, language: str = "python",
                  reference: str | None = None, allow_truncated: bool = False,
                  skip: Iterable[str] = (), choice: int = 0,
                  expect_empty: bool = False) -> list[FillProblem]:
    """Every way ``middle`` does not fit between ``prefix`` and ``suffix``; [] if none.

    The non-raising form of :func:`assert_fills_hole`, with the same
    arguments; each :class:`FillProblem` has ``.check``, ``.message`` and
    ``.line`` (the line of the joined file, None when it has no place).
    A check that cannot run (no parser for ``language``) is skipped with a
    :class:`FIMQualityNote` warning. Raises ``TypeError``/``ValueError`` for
    bad arguments, :class:`~pytest_fim.FIMAssertionError` when ``middle`` is
    a response that is not valid.

    >>> [p.check for p in fill_problems("x = f(", "1))", ")\\n")]
    ['syntax', 'brackets']
    """
    fill = _fill(prefix, middle, suffix, language=language, reference=reference,
                 allow_truncated=allow_truncated, choice=choice, expect_empty=expect_empty)
    skipped = _skipped(skip)
    found: list[FillProblem] = []
    for name, check in CHECKS.items():
        if name not in skipped:
            found.extend(check(fill))
    _warn(fill.notes)
    return found


def _warn(notes: Iterable[str]) -> None:
    """Warn each note once, as a :class:`FIMQualityNote` that points at the user's call:
    the first frame outside pytest-fim, however deep the helper that called this."""
    level, frame = 1, sys._getframe(0)
    while frame.f_back is not None and _ours(frame):
        level, frame = level + 1, frame.f_back
    for note in dict.fromkeys(notes):
        warnings.warn(note, FIMQualityNote, stacklevel=level)


def _ours(frame: FrameType) -> bool:
    name = str(frame.f_globals.get("__name__", ""))
    return name == "pytest_fim" or name.startswith("pytest_fim.")


class FIMQualityNote(UserWarning):
    """A check could not run (no parser for the language); the text says what to install."""


def assert_fills_hole(prefix: str, middle: object, suffix: str, *, language: str = "python",
                      reference: str | None = None, allow_truncated: bool = False,
                      skip: Iterable[str] = (), choice: int = 0,
                      expect_empty: bool = False) -> None:
    """Assert that ``middle`` fits the hole between ``prefix`` and ``suffix``.

    ``middle`` is the completion text, or any response input (the content of
    choice ``choice`` is used, text chunks joined; a ``finish_reason`` of
    ``length``, ``model_length`` or ``error`` fails as truncated unless
    ``allow_truncated=True``). ``language`` is ``python`` or a tree-sitter
    language (``javascript``, ``typescript``, ``java``, ``go``, ``rust``,
    ``c``, ``cpp``: syntax needs ``pytest-fim[languages]``). ``reference``
    is a known correct middle: a syntax error counts only if the reference
    has none. ``skip`` names checks to leave out.

    Runs every check (empty, special_tokens, markdown, suffix_echo,
    prefix_echo, syntax, brackets, indentation, repetition, scope, truncated)
    and raises one :class:`~pytest_fim.FIMAssertionError` listing all
    failures, each with its check, a reason and the join around it with line
    numbers, the middle between ``⟦`` and ``⟧``. Raises ``TypeError`` and
    ``ValueError`` for bad arguments (an unknown check in ``skip``, an
    unknown language).

    >>> assert_fills_hole("def add(a, b):\\n", "    return a + b\\n", "\\nprint(add(1, 2))\\n")
    """
    __tracebackhide__ = True
    found = fill_problems(prefix, middle, suffix, language=language, reference=reference,
                          allow_truncated=allow_truncated, skip=skip, choice=choice,
                          expect_empty=expect_empty)
    if found:
        raise FIMAssertionError(f"the completion does not fit the hole "
                                f"({plural(len(found), 'problem')}):", found)


def _single(name: str) -> Any:
    def check(prefix: str, middle: object, suffix: str, *, language: str = "python",
              reference: str | None = None, choice: int = 0) -> None:
        __tracebackhide__ = True
        fill = _fill(prefix, middle, suffix, language=language, reference=reference,
                     allow_truncated=True, choice=choice, expect_empty=False)
        found = CHECKS[name](fill)
        _warn(fill.notes)  # a check that could not run says so, as fill_problems does
        if found:
            raise FIMAssertionError(f"the completion does not fit the hole ({name}):", found)

    check.__name__ = check.__qualname__ = f"assert_{name}"
    check.__doc__ = (f"Assert the ``{name}`` check of :func:`assert_fills_hole` alone: "
                     f"{(CHECKS[name].__doc__ or '').strip()} Raises FIMAssertionError "
                     f"when it fails; warns FIMQualityNote when it cannot run (no parser "
                     f"for the language); arguments as for assert_fills_hole.")
    return check


assert_no_special_tokens = _single("special_tokens")
assert_no_markdown = _single("markdown")
assert_no_suffix_echo = _single("suffix_echo")
assert_no_prefix_echo = _single("prefix_echo")
assert_syntax = _single("syntax")
assert_brackets = _single("brackets")
assert_indentation = _single("indentation")
assert_no_repetition = _single("repetition")
assert_scope = _single("scope")
