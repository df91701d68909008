"""Small pieces of wording every message shares (private: not part of the API)."""

from __future__ import annotations

__all__ = ["VALUE_LIMIT", "plural"]

#: Longest a single value may print in a message, in characters.
VALUE_LIMIT: int = 80


def plural(count: int, word: str, suffix: str = "s") -> str:
    """``count`` and ``word``, the word in the plural unless the count is one.

    >>> plural(1, "problem"), plural(1234, "difference")
    ('1 problem', '1,234 differences')
    """
    return f"{count:,} {word}{'' if count == 1 else suffix}"
