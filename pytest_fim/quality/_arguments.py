"""The arguments every quality check takes, read and checked in one place.

Private: :mod:`pytest_fim.quality` is the API; this module turns what a user
passes (a middle that may be a whole response, a language under another name,
check names to skip) into a :class:`~pytest_fim.quality._fill.Fill`, or raises
``TypeError``/``ValueError`` saying what was received.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from pytest_fim.quality._checks import CHECKS, Fill
from pytest_fim.quality._source import Join
from pytest_fim.quality._syntax import GRAMMARS

__all__ = ["LANGUAGES", "make_fill", "middle_of", "skipped_checks"]

#: Languages the checks know (syntax needs ``pytest-fim[languages]`` beyond Python).
LANGUAGES = frozenset({"python", *GRAMMARS})
#: Other names users give them (case does not matter either).
_ALIASES = {
    "py": "python",
    "js": "javascript",
    "jsx": "javascript",
    "ts": "typescript",
    "c++": "cpp",
    "golang": "go",
    "rs": "rust",
}


def middle_of(middle: object, choice: int) -> tuple[str, str | None]:
    """The middle's text and the finish_reason it came with (None for a str middle).

    ``middle`` is the text or any response input (choice ``choice``'s content).
    Raises ``ValueError`` when the response has no such choice and
    :class:`~pytest_fim.FIMAssertionError` when it is not a valid response."""
    if isinstance(middle, str):
        return middle, None
    from pytest_fim.validate import assert_valid_fim_response

    response = assert_valid_fim_response(middle, strict=False)
    for candidate in response.choices or ():
        if candidate.index == choice:
            text = candidate.message.text() if candidate.message else ""
            return text, candidate.finish_reason
    raise ValueError(
        f"the response has no choice with index {choice} (it has {len(response.choices or ())})"
    )


def make_fill(
    prefix: object,
    middle: object,
    suffix: object,
    *,
    language: str,
    reference: str | None,
    allow_truncated: bool,
    choice: int,
    expect_empty: bool,
) -> Fill:
    """The fill the checks read; ``TypeError``/``ValueError`` for bad arguments."""
    for name, value in (("prefix", prefix), ("suffix", suffix)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not isinstance(language, str):
        raise TypeError(f"language must be a str, got {type(language).__name__}")
    named = language.strip().lower()
    language = _ALIASES.get(named, named)
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(sorted(LANGUAGES))}, got {named!r}")
    if reference is not None and not isinstance(reference, str):
        raise TypeError(f"reference must be a str or None, got {type(reference).__name__}")
    if not isinstance(choice, int) or isinstance(choice, bool) or choice < 0:
        raise ValueError(f"choice must be a non-negative int, got {choice!r}")
    text, finish_reason = middle_of(middle, choice)
    return Fill(
        Join(cast(str, prefix), text, cast(str, suffix), language),
        reference=reference,
        finish_reason=None if allow_truncated else finish_reason,
        expect_empty=expect_empty,
    )


def skipped_checks(skip: Iterable[str]) -> frozenset[str]:
    """The check names in ``skip`` (one name or many); ``ValueError`` for an unknown one."""
    if isinstance(skip, str):
        skip = (skip,)
    try:
        names = frozenset(skip)
    except TypeError:
        raise TypeError(
            f"skip must be check names (a set, list or tuple of str), got {type(skip).__name__}"
        ) from None
    if not all(isinstance(name, str) for name in names):
        raise TypeError(f"skip must hold check names (str), got {sorted(map(repr, names))}")
    unknown = names - set(CHECKS)
    if unknown:
        raise ValueError(
            f"unknown check {', '.join(sorted(map(repr, unknown)))} in skip; "
            f"the checks are {', '.join(CHECKS)}"
        )
    return names
