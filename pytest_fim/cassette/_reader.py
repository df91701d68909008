"""A fast reader for the YAML that :func:`~pytest_fim.cassette.dump_cassette` writes.

PyYAML builds a node object for every value and resolves every plain
scalar through its regular expressions, in Python: a 1,000-interaction
cassette takes most of a second to load. The writer only ever emits a
small, regular part of YAML (block mappings and sequences at two-space
steps, one scalar a line, literal blocks for multi-line text, no anchors,
tags, flow collections with content or folded lines), so that part is read
here line by line. Anything outside it, such as a cassette edited by
hand, raises :class:`Unsupported` and the caller falls back to PyYAML's
safe loader, which remains the reference: the tests hold the two equal.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Unsupported", "read"]

# The escapes of YAML's double-quoted style (YAML 1.1 §5.7), other than \x \u \U.
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_LENGTH = {"x": 2, "u": 4, "U": 8}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]*(?:e[-+][0-9]+)?")
#: YAML 1.1 breaks lines at these too (and reads a BOM); text with them goes to PyYAML.
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029\ufeff]")
_BLOCK_HEADER = re.compile(r"\|([1-9]?)([-+]?)")
#: Plain scalars YAML 1.1 (PyYAML's safe loader) reads as null, booleans or infinities.
_SPECIAL_PLAIN: dict[str, Any] = {
    **dict.fromkeys(("~", "null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), float("inf")),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), float("-inf")),
}

#: Characters that make a plain scalar something the writer does not emit.
_NOT_PLAIN = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]|: | #|:$|\t")


class Unsupported(ValueError):
    """The text uses YAML this reader does not read; PyYAML's safe loader must."""


def read(text: str) -> Any:
    """The value of YAML ``text`` written by the cassette writer.

    Raises :class:`Unsupported` for anything the writer would not have written.
    """
    if _OTHER_BREAKS.search(text):
        raise Unsupported("line breaks other than \\n, or a byte order mark")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    reader = _Reader(lines)
    if not lines:
        raise Unsupported("empty document")
    value = reader.node(0, 0)
    if reader.index != len(lines):
        raise Unsupported(f"unexpected text at line {reader.index + 1}")
    return value


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.index = 0

    def node(self, indent: int, start: int) -> Any:
        """The block node whose first line is ``self.index``, at column ``indent``.

        ``start`` is the column where that line's content begins (it differs
        from ``indent`` for the first entry of a sequence item: ``- key: v``).
        """
        line = self.lines[self.index]
        content = line[start:]
        if content.startswith("- ") or content == "-":
            return self.sequence(indent, start)
        return self.mapping(indent, start)

    def sequence(self, indent: int, start: int) -> list[Any]:
        items: list[Any] = []
        first = True
        while self.index < len(self.lines):
            line = self.lines[self.index]
            column = start if first else indent
            if not first and (_indent_of(line) != indent or line.strip() == ""):
                break
            content = line[column:]
            if not (content.startswith("- ") or content == "-"):
                if first:
                    raise Unsupported(f"expected a sequence at line {self.index + 1}")
                break
            first = False
            rest = content[2:]
            if rest == "" or content == "-":
                self.index += 1
                items.append(self.nested(column, allow_same=False))
            elif rest.startswith("- ") or _is_mapping_entry(rest):
                items.append(self.node(column + 2, column + 2))
            else:
                items.append(self.scalar(rest, column))
        return items

    def mapping(self, indent: int, start: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first = True
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if not first:
                if line.strip() == "" or _indent_of(line) != indent:
                    break
                if line[indent:].startswith("- "):
                    break
            content = line[start if first else indent :]
            first = False
            key, rest = _split_entry(content, self.index)
            if key in result:
                raise Unsupported(f"a repeated key at line {self.index + 1}")
            if rest == "":
                self.index += 1
                result[key] = self.nested(indent, allow_same=True)
            else:
                result[key] = self.scalar(rest, indent)
        return result

    def nested(self, indent: int, *, allow_same: bool) -> Any:
        """The value of an entry whose value starts on the next line (None if none does)."""
        if self.index >= len(self.lines):
            return None
        line = self.lines[self.index]
        if line.strip() == "":
            raise Unsupported(f"a blank line at line {self.index + 1}")
        column = _indent_of(line)
        if column > indent:
            return self.node(column, column)
        if column == indent and allow_same and line[column:].startswith("- "):
            return self.sequence(column, column)  # an indentless sequence under a key
        return None

    def scalar(self, text: str, indent: int) -> Any:
        """A value on the same line as its key or dash; literal blocks read on."""
        self.index += 1
        if text.startswith("|"):
            return self.literal(text, indent)
        if text.startswith("'"):
            return _single_quoted(text, self.index)
        if text.startswith('"'):
            return _double_quoted(text, self.index)
        if text == "{}":
            return {}
        if text == "[]":
            return []
        return _plain(text, self.index)

    def literal(self, header: str, indent: int) -> str:
        match = _BLOCK_HEADER.fullmatch(header)
        if match is None:
            raise Unsupported(f"a block scalar header {header!r} at line {self.index}")
        explicit, chomping = match.groups()
        lines = self.lines
        end = self.index
        while end < len(lines) and (lines[end].strip() == "" or _indent_of(lines[end]) > indent):
            end += 1
        block = lines[self.index : end]
        if explicit:
            column = indent + int(explicit)
        else:
            non_blank = [line for line in block if line.strip()]
            if not non_blank:
                raise Unsupported(f"an empty block scalar at line {self.index}")
            column = _indent_of(non_blank[0])
        for line in block:
            if line.strip() == "" and len(line) > column and line[:column].strip():
                raise Unsupported(f"a block line less indented at line {self.index}")
            if line.strip() and _indent_of(line) < column:
                raise Unsupported(f"a block line less indented at line {self.index}")
        # A kept (+) block owns the blank lines after it; otherwise they end the node.
        self.index = end
        body = [line[column:] for line in block]
        while body and body[-1] == "" and chomping != "+":
            body.pop()
        if chomping == "+":
            return "\n".join(body) + "\n"
        if not body:
            raise Unsupported("an empty block scalar")
        text = "\n".join(body)
        return text if chomping == "-" else text + "\n"


def _is_mapping_entry(text: str) -> bool:
    if text.startswith("'"):
        end = _single_quote_end(text, 0)
    elif text.startswith('"'):
        end = _double_quote_end(text, 0)
    else:
        return ": " in text or text.endswith(":")
    return text[end + 1 : end + 2] == ":"  # a quoted key, not a quoted scalar


def _split_entry(content: str, index: int) -> tuple[str, str]:
    if content.startswith("'"):
        end = _single_quote_end(content, index)
        key = content[1:end].replace("''", "'")
        rest = content[end + 1 :]
    elif content.startswith('"'):
        end = _double_quote_end(content, index)
        key = _unescape(content[1:end], index)
        rest = content[end + 1 :]
    else:
        colon = content.find(":")
        while colon != -1 and colon + 1 < len(content) and content[colon + 1] != " ":
            colon = content.find(":", colon + 1)
        if colon <= 0:
            raise Unsupported(f"expected 'key: value' at line {index + 1}")
        key = _plain(content[:colon], index + 1)
        if not isinstance(key, str):
            raise Unsupported(f"a key that is not text at line {index + 1}")
        rest = content[colon:]
    if rest == ":":
        return key, ""
    if not rest.startswith(": "):
        raise Unsupported(f"expected 'key: value' at line {index + 1}")
    return key, rest[2:]


def _single_quote_end(text: str, index: int) -> int:
    position = 1
    while True:
        end = text.find("'", position)
        if end == -1:
            raise Unsupported(f"a quoted scalar over several lines at line {index + 1}")
        if text[end + 1 : end + 2] == "'":
            position = end + 2
            continue
        return end


def _double_quote_end(text: str, index: int) -> int:
    position = 1
    while True:
        end = text.find('"', position)
        if end == -1:
            raise Unsupported(f"a quoted scalar over several lines at line {index + 1}")
        backslashes = len(text[position:end]) - len(text[position:end].rstrip("\\"))
        if backslashes % 2:
            position = end + 1
            continue
        return end


def _single_quoted(text: str, index: int) -> str:
    end = _single_quote_end(text, index)
    if end != len(text) - 1:
        raise Unsupported(f"text after a quoted scalar at line {index}")
    return text[1:end].replace("''", "'")


def _double_quoted(text: str, index: int) -> str:
    end = _double_quote_end(text, index)
    if end != len(text) - 1:
        raise Unsupported(f"text after a quoted scalar at line {index}")
    return _unescape(text[1:end], index)


def _unescape(text: str, index: int) -> str:
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in _HEX_LENGTH and len(code) == _HEX_LENGTH[code[0]] + 1:
            return chr(int(code[1:], 16))
        if code in _ESCAPES:
            return _ESCAPES[code]
        raise Unsupported(f"an escape \\{code} at line {index}")

    return _ESCAPE.sub(replace, text)


def _plain(text: str, index: int) -> Any:
    tag = _implicit_tag(text)
    if tag is None:
        if _NOT_PLAIN.search(text) or text != text.rstrip():
            raise Unsupported(f"a plain scalar PyYAML must read at line {index}")
        return text
    if text in _SPECIAL_PLAIN:
        return _SPECIAL_PLAIN[text]
    # Numbers in the forms the writer uses; octal, hex, sexagesimal, dates: PyYAML.
    if tag.endswith(":int") and _INT.fullmatch(text):
        return int(text)
    if tag.endswith(":float"):
        if _FLOAT.fullmatch(text):
            return float(text)
        if text in (".nan", ".NaN", ".NAN"):
            return float("nan")
    raise Unsupported(f"a plain scalar PyYAML must resolve ({tag}) at line {index}")


_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] | None = None


def _implicit_tag(text: str) -> str | None:
    """The tag PyYAML's safe loader gives plain ``text`` other than str, or None."""
    global _RESOLVERS
    if _RESOLVERS is None:
        # The same table PyYAML's loaders resolve with, so the two cannot disagree.
        from yaml.resolver import Resolver  # type: ignore[import-untyped,unused-ignore]

        _RESOLVERS = Resolver.yaml_implicit_resolvers
    for tag, pattern in _RESOLVERS.get(text[:1], ()):
        if pattern.match(text):
            return tag
    return None
