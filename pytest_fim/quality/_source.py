"""The joined file: where the middle sits, which characters are code, line numbers.

Every check reads the fill through a :class:`Join`: ``prefix + middle +
suffix`` with the middle's offsets, and a map of which characters are inside
string literals or comments (so that a ``[SUFFIX]`` in a string or a ``)``
in a comment is not taken for code).
"""

from __future__ import annotations

import re
import tokenize
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

#: A line end, as Python's tokenizer reads source (form feeds and U+2028 are not).
LINE_END = re.compile(r"\r\n?|\n")
#: Languages whose comments and strings the lexer knows.
C_LIKE = frozenset(
    {
        "javascript",
        "typescript",
        "tsx",
        "java",
        "go",
        "rust",
        "c",
        "cpp",
        "csharp",
        "kotlin",
        "swift",
        "php",
        "scala",
    }
)
#: Languages where a backtick quotes a string (template literals, raw strings).
BACKTICK_QUOTES = frozenset({"javascript", "typescript", "tsx", "go", "kotlin"})


@dataclass
class Join:
    """``prefix + middle + suffix`` and what is known about it."""

    prefix: str
    middle: str
    suffix: str
    language: str = "python"
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    @cached_property
    def text(self) -> str:
        """The joined file."""
        return self.prefix + self.middle + self.suffix

    @property
    def start(self) -> int:
        """Offset of the middle in the joined file."""
        return len(self.prefix)

    @property
    def end(self) -> int:
        """Offset just past the middle."""
        return len(self.prefix) + len(self.middle)

    @cached_property
    def line_bounds(self) -> tuple[list[int], list[int]]:
        """Where each line of the joined file starts, and where its text ends (before
        its line end). Lines end as Python reads source: ``\\n``, ``\\r\\n`` or a lone
        ``\\r``, so the numbers agree with Python's syntax errors and tree."""
        starts, ends = [0], []
        for match in LINE_END.finditer(self.text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(self.text))
        return starts, ends

    def line_of(self, offset: int) -> int:
        """1-based line number of ``offset`` in the joined file."""
        return bisect_right(self.line_bounds[0], offset)

    def line_text(self, number: int) -> str:
        """The text of line ``number`` (1-based), without its line end."""
        starts, ends = self.line_bounds
        return self.text[starts[number - 1] : ends[number - 1]]

    @cached_property
    def code_mask(self) -> bytearray:
        """1 for each character of the joined file that is code, 0 inside strings/comments."""
        return code_mask(self.text, self.language)

    def is_code(self, offset: int) -> bool:
        """True when the character at ``offset`` is code, not a string or comment."""
        return 0 <= offset < len(self.code_mask) and bool(self.code_mask[offset])


def code_mask(text: str, language: str) -> bytearray:
    """Mark the characters of ``text`` that are code (1) rather than string or comment (0)."""
    if language == "python":
        mask = _python_mask(text)
        if mask is not None:
            return mask
    return _lex_mask(text, language)


def _python_mask(text: str) -> bytearray | None:
    """The mask from Python's own tokenizer; None when it cannot tokenize the file."""
    mask = bytearray(b"\x01") * len(text)
    # The tokenizer gets one line a call, cut where Python ends lines: a line
    # holding a lone \r would be two lines to it and one to us (and Python
    # 3.12+ then fails to map its columns, on non-ASCII text with a decode error).
    lines = [line for line in _LINE_CUT.split(text) if line]
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    quiet = (tokenize.STRING, tokenize.COMMENT)
    fstring_parts = {
        getattr(tokenize, name)
        for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
        if hasattr(tokenize, name)
    }
    try:
        for token in tokenize.generate_tokens(iter(lines).__next__):
            if token.type in quiet or token.type in fstring_parts:
                begin = starts[token.start[0] - 1] + token.start[1]
                finish = starts[token.end[0] - 1] + token.end[1]
                mask[begin:finish] = bytes(finish - begin)
    # UnicodeError: Python 3.12+ tokenizes UTF-8 bytes, which a lone surrogate has none of.
    except (tokenize.TokenError, SyntaxError, IndexError, UnicodeError):
        return None
    return mask


#: Splits text after each line end, keeping it with its line.
_LINE_CUT = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def _lex_mask(text: str, language: str) -> bytearray:
    """A small lexer for strings and comments, tolerant of broken code."""
    mask = bytearray(b"\x01") * len(text)
    c_like = language in C_LIKE
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char == "#" and not c_like:
            end = text.find("\n", position)
            end = length if end < 0 else end
        elif c_like and text.startswith("//", position):
            end = text.find("\n", position)
            end = length if end < 0 else end
        elif c_like and text.startswith("/*", position):
            end = text.find("*/", position + 2)
            end = length if end < 0 else end + 2
        elif char in "\"'" or (char == "`" and language in BACKTICK_QUOTES):
            quote = char * 3 if text.startswith(char * 3, position) and not c_like else char
            end = position + len(quote)
            while end < length and not text.startswith(quote, end):
                if text[end] == "\\":
                    end += 1
                elif text[end] == "\n" and len(quote) == 1 and char != "`":
                    break  # an unterminated one-line string ends at the line's end
                end += 1
            end = min(end + len(quote), length)
        else:
            position += 1
            continue
        mask[position:end] = bytes(end - position)
        position = end
    return mask


def indent_of(line: str) -> int:
    """Width of a line's leading whitespace (a tab counts as one)."""
    return len(line) - len(line.lstrip(" \t"))


def code_lines(text: str) -> list[str]:
    """Lines that hold something besides whitespace."""
    return [line for line in text.split("\n") if line.strip()]


def substantive(lines: list[str], least: int = 4) -> bool:
    """True when the lines hold enough code to count: ``least`` characters besides
    whitespace, a word among them (not a lone bracket or blank)."""
    text = "".join(line.strip() for line in lines)
    return len(text) >= least and bool(re.search(r"\w", text))
