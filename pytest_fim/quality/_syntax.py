"""Does the joined file parse: Python with ``ast``, other languages with tree-sitter.

tree-sitter and its grammars come with the optional extra
``pytest-fim[languages]``; without them the check is skipped with a note.
"""

from __future__ import annotations

import ast
import importlib
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Grammar package of each language tree-sitter can check, and its language function.
GRAMMARS: dict[str, tuple[str, str]] = {
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "java": ("tree_sitter_java", "language"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
}
EXTRA = "pip install 'pytest-fim[languages]'"


@dataclass(frozen=True)
class ParseError:
    """Where and why a file does not parse."""

    message: str
    line: int | None
    indentation: bool = False  # an IndentationError or TabError
    #: Python's messages and lines are exact; tree-sitter's error recovery
    #: names a fault differently as the code around it changes.
    exact: bool = True

    def same_as(self, other: ParseError | None) -> bool:
        """True when ``other`` is this failure again (for tree-sitter: any failure)."""
        return other is not None and (other.message == self.message or not self.exact)


class ParserMissing(Exception):
    """No parser for the language is installed; the message says which extra to add."""


def python_parse(source: str) -> tuple[ast.Module | None, ParseError | None]:
    """Python ``source`` parsed: its tree, or None and its first syntax error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            return ast.parse(source), None
    except (SyntaxError, ValueError) as exc:  # ValueError: a null byte
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", str(exc))
        return None, ParseError(str(message), line, isinstance(exc, IndentationError))
    except (RecursionError, MemoryError):
        return None, ParseError("too deeply nested to parse", None)


# A fill's baselines repeat across the assert_<check> helpers called on one fill;
# a small cache of errors (not trees: they are large) serves them.
@lru_cache(maxsize=64)
def python_error(source: str) -> ParseError | None:
    """The first syntax error of Python ``source``, or None when it parses."""
    return python_parse(source)[1]


@lru_cache(maxsize=16)
def _parser(language: str) -> Any:
    module_name, function = GRAMMARS[language]
    try:
        tree_sitter = importlib.import_module("tree_sitter")
        grammar = importlib.import_module(module_name)
    except ImportError:
        raise ParserMissing(
            f"no {language} parser installed; {EXTRA} to check {language} syntax"
        ) from None
    return tree_sitter.Parser(tree_sitter.Language(getattr(grammar, function)()))


def tree_sitter_error(source: str, language: str) -> ParseError | None:
    """The first error node tree-sitter finds in ``source``, or None.

    Raises :class:`ParserMissing` when tree-sitter or the grammar is absent.
    """
    # A lone surrogate cannot be UTF-8; tree-sitter counts rows, so a stand-in byte will do.
    encoded = source.encode("utf-8", "replace")
    tree = _parser(language).parse(encoded)
    if not tree.root_node.has_error:
        return None
    pending = [tree.root_node]
    while pending:
        node = pending.pop()
        if node.type == "ERROR" or node.is_missing:
            kind = f"missing {node.type}" if node.is_missing else "syntax error"
            return ParseError(kind, _line_at(source, encoded, node.start_byte), exact=False)
        pending.extend(
            reversed(
                [
                    child
                    for child in node.children
                    if child.has_error or child.is_missing or child.type == "ERROR"
                ]
            )
        )
    return ParseError("syntax error", None, exact=False)


def _line_at(source: str, encoded: bytes, byte: int) -> int:
    """The line of a tree-sitter node, numbered as Python numbers lines: tree-sitter's
    rows count only ``\\n``, so a file with lone ``\\r`` line ends would disagree."""
    # Each stand-in byte of the encoding is one character of the source.
    offset = len(encoded[:byte].decode("utf-8", "replace"))
    return (
        source.count("\n", 0, offset)
        + source.count("\r", 0, offset)
        - source.count("\r\n", 0, offset)
        + 1
    )


def parse_error(source: str, language: str) -> ParseError | None:
    """The first syntax error of ``source`` in ``language``; None when it parses.

    Raises :class:`ParserMissing` for a language without an installed parser,
    ``ValueError`` for a language pytest-fim does not know.
    """
    if language == "python":
        return python_error(source)
    if language in GRAMMARS:
        return tree_sitter_error(source, language)
    raise ValueError(f"unknown language {language!r}; known: python, {', '.join(sorted(GRAMMARS))}")
