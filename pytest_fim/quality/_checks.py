"""Every check by name: each reads a :class:`Fill` and returns the problems it finds."""

from __future__ import annotations

from collections.abc import Callable

from pytest_fim.quality._checks_code import (
    check_brackets,
    check_indentation,
    check_scope,
    check_syntax,
)
from pytest_fim.quality._checks_echo import check_prefix_echo, check_suffix_echo
from pytest_fim.quality._checks_text import (
    SPECIAL_TOKENS,
    check_empty,
    check_markdown,
    check_repetition,
    check_special_tokens,
    check_truncated,
)
from pytest_fim.quality._fill import Fill
from pytest_fim.quality._problems import FillProblem

__all__ = ["CHECKS", "SPECIAL_TOKENS", "Fill"]

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
