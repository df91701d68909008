"""Text as a terminal shows it: nothing hidden, moved or reordered.

Failure messages quote what a response holds; a control character in it
(an ANSI escape, a bidi override) would act on the terminal instead of being
read. Both the diff's lines and a path's quoted keys escape the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["escape_hidden"]


def escape_hidden(text: str, shown: Mapping[str, str] | None = None) -> str:
    """``text`` with every character a terminal would hide or act on as its escape.

    Control characters (ANSI escapes included), bidi controls, line and
    paragraph separators and spaces that look like a space or like nothing
    (no-break, zero-width) become ``\\x1b``, ``\\u202e``, ``\\xa0`` and so on;
    ``shown`` maps characters to show some other way instead. Never raises.
    """
    if text.isprintable():  # the usual text: nothing to escape, no per-character walk
        return text
    table = shown or {}
    return "".join(table.get(char) or _escaped(char) for char in text)


def _escaped(char: str) -> str:
    # A no-break or zero-width space looks like a space or nothing at all, and
    # a control character moves the cursor: print the escape instead.
    if char.isprintable() and not char.isspace():
        return char
    return repr(char)[1:-1]
