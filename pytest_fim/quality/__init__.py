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

from pytest_fim._text import plural
from pytest_fim.problems import FIMAssertionError
from pytest_fim.quality._arguments import LANGUAGES, make_fill, skipped_checks
from pytest_fim.quality._checks import CHECKS, SPECIAL_TOKENS
from pytest_fim.quality._execute import assert_passes_tests
from pytest_fim.quality._problems import FillProblem
from pytest_fim.quality._reference import MODES, assert_matches_reference, edit_similarity

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


def fill_problems(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    allow_truncated: bool = False,
    skip: Iterable[str] = (),
    choice: int = 0,
    expect_empty: bool = False,
) -> list[FillProblem]:
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
    fill = make_fill(
        prefix,
        middle,
        suffix,
        language=language,
        reference=reference,
        allow_truncated=allow_truncated,
        choice=choice,
        expect_empty=expect_empty,
    )
    skipped = skipped_checks(skip)
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


def assert_fills_hole(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    allow_truncated: bool = False,
    skip: Iterable[str] = (),
    choice: int = 0,
    expect_empty: bool = False,
) -> None:
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
    found = fill_problems(
        prefix,
        middle,
        suffix,
        language=language,
        reference=reference,
        allow_truncated=allow_truncated,
        skip=skip,
        choice=choice,
        expect_empty=expect_empty,
    )
    if found:
        raise FIMAssertionError(
            f"the completion does not fit the hole ({plural(len(found), 'problem')}):", found
        )


# ---------------------------------------------------------------- one check alone
#
# Each function below runs one check of assert_fills_hole and takes its
# arguments: ``prefix`` and ``suffix`` the code around the hole, ``middle`` the
# completion (text, or any response input: choice ``choice``'s content),
# ``language`` and ``reference`` as for assert_fills_hole. A truncated
# response is not their business (assert_fills_hole's ``truncated`` check).


def _check_alone(
    name: str,
    prefix: str,
    middle: object,
    suffix: str,
    language: str,
    reference: str | None,
    choice: int,
) -> None:
    __tracebackhide__ = True
    fill = make_fill(
        prefix,
        middle,
        suffix,
        language=language,
        reference=reference,
        allow_truncated=True,
        choice=choice,
        expect_empty=False,
    )
    found = CHECKS[name](fill)
    _warn(fill.notes)  # a check that could not run says so, as fill_problems does
    if found:
        raise FIMAssertionError(f"the completion does not fit the hole ({name}):", found)


def assert_no_special_tokens(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that no control token of a FIM model leaked into the code.

    Looks for tokens such as ``[SUFFIX]``, ``<|fim_middle|>`` or
    ``<|endoftext|>`` in the middle, outside strings and comments. Arguments
    as for :func:`assert_fills_hole`. Raises
    :class:`~pytest_fim.FIMAssertionError` naming each token and its line;
    ``TypeError``/``ValueError`` for bad arguments.

    >>> assert_no_special_tokens("x = ", "1\\n", "print(x)\\n")
    """
    __tracebackhide__ = True
    _check_alone("special_tokens", prefix, middle, suffix, language, reference, choice)


def assert_no_markdown(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that the middle is code, not a chat answer.

    Fails on a markdown code fence (````` ```python `````) or chat prose
    ("Here is the code:") in the middle, outside strings and comments.
    Arguments as for :func:`assert_fills_hole`. Raises
    :class:`~pytest_fim.FIMAssertionError` showing the first of each;
    ``TypeError``/``ValueError`` for bad arguments.

    >>> assert_no_markdown("def one():\\n", "    return 1\\n", "")
    """
    __tracebackhide__ = True
    _check_alone("markdown", prefix, middle, suffix, language, reference, choice)


def assert_no_suffix_echo(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that the middle does not repeat the code after the hole.

    Fails when the middle ends with the suffix's first lines or the start of
    the suffix, or is the suffix's first lines again up to whitespace; a
    repeat the code needs (``f(f(x))``) is no echo. Arguments as for
    :func:`assert_fills_hole`. Raises :class:`~pytest_fim.FIMAssertionError`
    showing the join; ``TypeError``/``ValueError`` for bad arguments.

    >>> assert_no_suffix_echo("def one():\\n", "    return 1\\n", "\\nprint(one())\\n")
    """
    __tracebackhide__ = True
    _check_alone("suffix_echo", prefix, middle, suffix, language, reference, choice)


def assert_no_prefix_echo(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that the middle does not rewrite the last line of the prefix.

    Fails when the middle's first line writes again the line the cursor sits
    after (``def f(x):`` once more, say). Arguments as for
    :func:`assert_fills_hole`. Raises :class:`~pytest_fim.FIMAssertionError`
    showing the join; ``TypeError``/``ValueError`` for bad arguments.

    >>> assert_no_prefix_echo("def one():\\n", "    return 1\\n", "")
    """
    __tracebackhide__ = True
    _check_alone("prefix_echo", prefix, middle, suffix, language, reference, choice)


def assert_syntax(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that ``prefix + middle + suffix`` parses, unless the fault is not the middle's.

    A syntax error counts only when the middle causes it; with ``reference``
    (a known correct middle), only when the file with the reference parses.
    Languages other than Python need ``pytest-fim[languages]``; without a
    parser the check warns :class:`FIMQualityNote` and passes. Raises
    :class:`~pytest_fim.FIMAssertionError` with the error and its line;
    ``TypeError``/``ValueError`` for bad arguments.

    >>> assert_syntax("x = f(", "1, 2", ")\\n")
    """
    __tracebackhide__ = True
    _check_alone("syntax", prefix, middle, suffix, language, reference, choice)


def assert_brackets(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that the middle's brackets fit the code around it.

    Fails on a closer that matches nothing open (one the suffix already
    closes, say) and on a bracket the middle leaves open. Arguments as for
    :func:`assert_fills_hole`. Raises :class:`~pytest_fim.FIMAssertionError`
    showing each bracket; ``TypeError``/``ValueError`` for bad arguments.

    >>> assert_brackets("x = f(", "g(1)", ")\\n")
    """
    __tracebackhide__ = True
    _check_alone("brackets", prefix, middle, suffix, language, reference, choice)


def assert_indentation(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that the middle is indented as the file around it is.

    Fails on tabs against the file's style, indentation off the file's unit
    and a doubled space at the join. Arguments as for
    :func:`assert_fills_hole`. Raises :class:`~pytest_fim.FIMAssertionError`
    naming each line; ``TypeError``/``ValueError`` for bad arguments.

    >>> assert_indentation("def one():\\n", "    return 1\\n", "")
    """
    __tracebackhide__ = True
    _check_alone("indentation", prefix, middle, suffix, language, reference, choice)


def assert_no_repetition(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that the middle does not loop.

    Fails on degenerate output: a line three times running, a short unit
    repeated, a repeated block. Arguments as for :func:`assert_fills_hole`.
    Raises :class:`~pytest_fim.FIMAssertionError` showing the repeat;
    ``TypeError``/``ValueError`` for bad arguments.

    >>> assert_no_repetition("def one():\\n", "    return 1\\n", "")
    """
    __tracebackhide__ = True
    _check_alone("repetition", prefix, middle, suffix, language, reference, choice)


def assert_scope(
    prefix: str,
    middle: object,
    suffix: str,
    *,
    language: str = "python",
    reference: str | None = None,
    choice: int = 0,
) -> None:
    """Assert that the middle stays in the hole it was given.

    Fails on over-generation: several lines in a hole inside a line, a last
    line dedented out of the block the suffix goes on in, a run-on into new
    top-level code (a helper or a test after the body). Arguments as for
    :func:`assert_fills_hole`. Raises :class:`~pytest_fim.FIMAssertionError`
    showing where the middle leaves its hole; ``TypeError``/``ValueError``
    for bad arguments.

    >>> assert_scope("def one():\\n", "    return 1\\n", "\\nprint(one())\\n")
    """
    __tracebackhide__ = True
    _check_alone("scope", prefix, middle, suffix, language, reference, choice)
