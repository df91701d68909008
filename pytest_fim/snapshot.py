"""Snapshots of FIM output, stored and updated by syrupy: the ``fim_snapshot`` fixture.

syrupy owns the storage, ``--snapshot-update`` and the unused-snapshot report;
this module gives it a file format made for review and our diff on mismatch:

- :func:`render_snapshot` writes a value (a response in any input form, a
  stream, a request or a completion string) as a ``.fim`` file: a title
  line, a header of ``path: JSON`` fields (``model``, each choice's
  ``finish_reason`` and ``usage`` first), then each completion verbatim
  between ``────`` fences. Fields that change on every call (``id``,
  ``created``) and values every response has (``object``
  ``"chat.completion"``, ``role`` ``"assistant"``, ``prefix`` false, each
  choice's ``index``, nulls) are left out, so any input form of the same
  response writes the same file;
- :func:`parse_snapshot` reads such a file back into data, so a mismatch is
  explained by :func:`snapshot_diff` with the structural diff of
  :mod:`pytest_fim.match` (paths first, code as a unified diff);
- :class:`FIMSnapshot` is what the fixture hands a test;
  ``FIMSnapshotExtension`` is the syrupy extension behind it.

syrupy is imported only when the extension is first asked for, so this
module (the format) loads without it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_fim import _settings
from pytest_fim._text import plural
from pytest_fim.diff import Difference, render_differences, unified
from pytest_fim.inputs import SnapshotInput, to_snapshot_input
from pytest_fim.match import DEFAULT_IGNORE, _matcher_accepts, compare
from pytest_fim.paths import (
    IGNORED,
    IgnoreTree,
    PathPattern,
    format_path,
    ignore_below,
    ignore_tree,
    parse_pattern,
    path_patterns,
)
from pytest_fim.problems import FIMAssertionError, Problem, shorten

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion
    from syrupy.extensions.single_file import SingleFileSnapshotExtension

__all__ = [
    "DEFAULT_EXCLUDE",
    "FILE_EXTENSION",
    "MISSING_SYRUPY",
    "FIMSnapshot",
    "ParsedSnapshot",
    "extension_class",
    "parse_snapshot",
    "render_snapshot",
    "snapshot_diff",
]

#: Left out of every snapshot (unless a matcher names them): they change on every call.
DEFAULT_EXCLUDE: tuple[str, ...] = DEFAULT_IGNORE
#: The snapshot files' extension: ``__snapshots__/test_file/test_name.fim``.
FILE_EXTENSION = "fim"
#: The one line a test that uses fim_snapshot fails with when syrupy is missing.
MISSING_SYRUPY = (
    "fim_snapshot needs syrupy, which is not installed: pip install 'pytest-fim[snapshot]'"
)

_TITLE = "# pytest-fim snapshot: "
_TITLES = {
    "response": "FIM completion response",
    "request": "FIM completion request",
    "completion": "FIM completion text",
}
_STREAM_TITLE = re.compile(r"FIM stream of (\d+) chunks?, assembled\Z")
_FENCE = "────"
_NO_NEWLINE = f"{_FENCE} no newline at end {_FENCE}"
_BLOCK_START = re.compile(rf"{_FENCE} (.*): (\d+) lines? {_FENCE}\Z")
_MATCHED = "matched by "

#: Keys in this order wherever they occur, then any others sorted, so that the
#: same data writes the same file whatever order its input form had.
_KEY_ORDER = {
    key: rank
    for rank, key in enumerate(
        (
            "model",
            "object",
            "prompt",
            "suffix",
            "usage",
            "prompt_tokens",
            "completion_tokens",
            "total_tokens",
            "index",
            "finish_reason",
            "message",
            "role",
            "content",
            "tool_calls",
            "prefix",
            "type",
            "text",
            "id",
            "function",
            "name",
            "arguments",
        )
    )
}


@functools.lru_cache(maxsize=4096)
def _key_rank(key: str) -> tuple[int, str]:
    return _KEY_ORDER.get(key, len(_KEY_ORDER)), key


#: Paths are formatted by paths.py; a snapshot formats the same few again and again.
_format = functools.lru_cache(maxsize=4096)(format_path)


# ---------------------------------------------------------------- options


@dataclass(frozen=True)
class _Options:
    exclude: IgnoreTree
    matchers: tuple[tuple[PathPattern, Any], ...]


def _options(exclude: str | Iterable[str], matchers: Mapping[str, Any] | None) -> _Options:
    patterns = DEFAULT_EXCLUDE + path_patterns(
        exclude,
        argument="fim_snapshot(exclude=...)",
        example="('usage', 'choices[*].message.tool_calls')",
    )
    if matchers is None:
        matchers = {}
    if not isinstance(matchers, Mapping):
        raise TypeError(
            f"fim_snapshot(matchers=...) takes a mapping of path pattern to "
            f"matcher such as {{'usage.total_tokens': IsInt(gt=0)}}, got "
            f"{type(matchers).__name__}: {shorten(matchers, 60)}"
        )
    return _Options(
        ignore_tree(patterns),
        tuple((parse_pattern(path), matcher) for path, matcher in matchers.items()),
    )


_DEFAULT_OPTIONS = _options((), None)


# ---------------------------------------------------------------- writing


def render_snapshot(
    value: object, *, exclude: str | Iterable[str] = (), matchers: Mapping[str, Any] | None = None
) -> str:
    """The ``.fim`` snapshot text of ``value``.

    ``value`` is a FIM response in any accepted input form, a stream
    (written assembled, with its chunk count), a request or the completion
    text (see :func:`pytest_fim.inputs.to_snapshot_input`). ``exclude``
    adds path patterns (``[*]`` for any index) to the volatile ``id`` and
    ``created``, which are always left out. ``matchers`` maps path patterns
    to matchers (any object whose ``__eq__`` accepts the value, or a
    compiled regular expression): the field is written as ``matched by
    <matcher>`` instead of its value, so it may vary but must be there.

    Raises :class:`FIMAssertionError` when a matcher rejects its value or
    finds none, and for a value that is not valid (JSON that does not
    parse, a stream that does not assemble); ``TypeError``/``ValueError``
    for a value of another type or a malformed pattern.

    >>> print(render_snapshot("    return a + b\\n"), end="")
    # pytest-fim snapshot: FIM completion text
    ──── completion: 1 line ────
        return a + b
    ────
    """
    __tracebackhide__ = True
    options = _DEFAULT_OPTIONS if exclude == () and not matchers else _options(exclude, matchers)
    return _render(to_snapshot_input(value), options)


def _render(given: SnapshotInput, options: _Options) -> str:
    writer = _Writer(given.kind, options)
    writer.walk_dict(given.data, (), options.exclude)
    if options.matchers:
        writer.check_matchers()
    if given.kind == "stream":
        # Not _text.plural: the file format's counts are bare digits (see _STREAM_TITLE).
        title = f"FIM stream of {given.chunks} chunk{'s' if given.chunks != 1 else ''}, assembled"
    else:
        title = _TITLES[given.kind]
    fields = writer.fields
    if given.kind in {"response", "stream"}:
        fields.sort(key=lambda field: field[0])  # stable: the header first, in walk order
    lines = [f"{_TITLE}{title}", *(line for _, line in fields)]
    if writer.blocks and fields:
        lines.append("")
    lines.extend(writer.blocks)
    return "\n".join(lines) + "\n"


def _priority(path: tuple[Any, ...]) -> int:
    # The header a reviewer reads first: the model, how each choice finished, the usage.
    head = path[0]
    if head == "model":
        return 0
    if head == "choices" and len(path) == 3 and path[2] == "finish_reason":
        return 1
    return 2 if head == "usage" else 3


def _is_default(path: tuple[Any, ...], value: Any, kind: str) -> bool:
    """Values every response (or request) has: left out so that input forms agree."""
    size = len(path)
    if kind == "request":
        return size == 1 and path[0] == "stream" and value is False
    if size == 1:
        return path[0] == "object" and type(value) is str and value == "chat.completion"
    if path[0] != "choices":
        return False
    if size == 3:
        return path[2] == "index" and value == path[1] and type(value) is int
    return (
        size == 4
        and path[2] == "message"
        and (
            (path[3] == "role" and value == "assistant") or (path[3] == "prefix" and value is False)
        )
    )


def _is_code(path: tuple[Any, ...], text: str) -> bool:
    size = len(path)
    if size == 1 and path[0] in {"completion", "prompt", "suffix"}:
        return True
    if size >= 4 and path[0] == "choices" and path[2] == "message" and path[3] == "content":
        return size == 4 or (size == 6 and path[5] == "text")
    # Any other text of several lines reads better as a block too.
    return "\n" in text and not text.isspace()


@functools.lru_cache(maxsize=4096)
def _safe_key(key: object) -> bool:
    # A key written into a path must survive the line format: printable, no quote
    # or backslash to unescape, no ": " to split on. Others keep their dict as JSON.
    return (
        type(key) is str
        and key.isprintable()
        and '"' not in key
        and "\\" not in key
        and ": " not in key
    )


class _Writer:
    """Walks the data once, collecting header fields and code blocks."""

    def __init__(self, kind: str, options: _Options) -> None:
        self.kind = kind
        self.matchers = options.matchers
        self.fields: list[tuple[int, str]] = []
        self.blocks: list[str] = []
        self.found: set[int] = set()
        self.failed: list[Difference] = []
        self.defaults = kind != "completion"

    def field(self, path: tuple[Any, ...], text: str) -> None:
        self.fields.append((_priority(path) if path else 3, f"{_format(path)}: {text}"))

    def walk_dict(
        self, data: dict[Any, Any], path: tuple[Any, ...], trie: IgnoreTree | None
    ) -> None:
        if not all(map(_safe_key, data)):
            self.field(path, _json(data))
            return
        kind, defaults, matchers = self.kind, self.defaults, self.matchers
        before = len(self.fields) + len(self.blocks)
        for key in sorted(data, key=_key_rank) if len(data) > 1 else data:
            value = data[key]
            if value is None:  # null and absent say the same in this schema
                continue
            child = (*path, key)
            if matchers and self.matched(child, value):
                continue
            below = ignore_below(trie, key) if trie else None
            if below is IGNORED:
                if matchers:
                    self.matched_inside(value, child)
                continue
            if defaults and _is_default(child, value, kind):
                continue
            self.value(value, child, below)
        if path and len(self.fields) + len(self.blocks) == before:
            self.field(path, "{}")  # every value left out: the place itself stays

    def walk_list(self, data: list[Any], path: tuple[Any, ...], trie: IgnoreTree | None) -> None:
        if not data:
            self.field(path, "[]")
            return
        matchers = self.matchers
        for index, value in enumerate(data):
            child = (*path, index)
            if matchers and self.matched(child, value):
                continue
            below = ignore_below(trie, index) if trie else None
            if below is IGNORED:
                if matchers:
                    self.matched_inside(value, child)
                continue
            self.value(value, child, below)

    def value(self, value: Any, path: tuple[Any, ...], trie: IgnoreTree | None) -> None:
        kind = type(value)
        if kind is str:
            if _is_code(path, value):
                self.blocks.append(_block(_format(path), value))
            else:
                self.field(path, _json(value))
        elif kind is dict:
            self.walk_dict(value, path, trie)
        elif kind is list:
            self.walk_list(value, path, trie)
        elif isinstance(value, Mapping):  # a mapping handed in as it was, OrderedDict say
            self.walk_dict(dict(value), path, trie)
        elif isinstance(value, (list, tuple)):
            self.walk_list(list(value), path, trie)
        elif isinstance(value, str):
            self.value(str(value), path, trie)
        else:
            self.field(path, _json(value))

    def matched(self, path: tuple[Any, ...], value: Any) -> bool:
        """Write a matched field as its matcher; True when a matcher names ``path``."""
        for number, (pattern, matcher) in enumerate(self.matchers):
            if pattern.matches(path):
                self.found.add(number)
                if not _matcher_accepts(matcher, value):
                    self.failed.append(Difference(path, "matcher failed", matcher, value))
                self.field(path, _MATCHED + _matcher_text(matcher))
                return True
        return False

    def matched_inside(self, value: Any, path: tuple[Any, ...]) -> None:
        """Inside a left-out place, write only what matchers name (they win)."""
        if not any(pattern.may_cover_inside(path) for pattern, _ in self.matchers):
            return
        children: Iterable[tuple[Any, Any]] = (
            value.items()
            if type(value) is dict
            else enumerate(value)
            if type(value) is list
            else ()
        )
        for key, item in children:
            child = (*path, key)
            if item is not None and not self.matched(child, item):
                self.matched_inside(item, child)

    def check_matchers(self) -> None:
        __tracebackhide__ = True
        missing = [
            (pattern, matcher)
            for number, (pattern, matcher) in enumerate(self.matchers)
            if number not in self.found
        ]
        if not self.failed and not missing:
            return
        count = len(self.failed) + len(missing)
        summary = f"fim_snapshot: {plural(count, 'matcher')} failed:"
        lines = render_differences(self.failed, verbosity=_settings.verbosity)
        lines.extend(
            f"{pattern}: missing: no value for {_matcher_text(matcher)} to accept"
            for pattern, matcher in missing
        )
        problems = [Problem(d.where, d.kind) for d in self.failed]
        problems.extend(Problem(str(pattern), "missing") for pattern, _ in missing)
        raise FIMAssertionError(
            summary, problems, message="\n".join([summary, *(f"  {line}" for line in lines)])
        )


_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")


def _matcher_text(matcher: Any) -> str:
    # Written into the file and compared as text: one line, and no memory
    # address that would change from run to run.
    if isinstance(matcher, re.Pattern):
        text = f"re.compile({matcher.pattern!r})"
    else:
        # dirty-equals matchers repr as the last value they accepted; their
        # _repr_ne is the call that made them, the same before and after.
        shown = getattr(matcher, "_repr_ne", None)
        try:
            text = shown() if callable(shown) else repr(matcher)
        except Exception:  # a broken __repr__ still names its type
            text = f"<{type(matcher).__name__}>"
        if not isinstance(text, str):
            text = f"<{type(matcher).__name__}>"
    return _printable(_ADDRESS.sub("", text).replace("\n", "\\n"))


def _json(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _printable(_quoted(value))
    if kind is int:
        return str(value)
    if kind is float and value.is_integer() and abs(value) < 2**53:
        # JSON has one kind of number: 0 and 0.0 (a dict's and a model's) write the same.
        return str(int(value))
    return _printable(json.dumps(value, ensure_ascii=False, default=repr))


#: json.dumps(text, ensure_ascii=False) without its per-call set-up.
_quoted: Any = (
    getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring
)


_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


def _printable(text: str) -> str:
    # json.dumps escapes control characters; what it leaves (a no-break or
    # zero-width space, a lone surrogate) would be invisible or unwritable.
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub(
        lambda found: (
            found.group() if found.group().isprintable() else json.dumps(found.group())[1:-1]
        ),
        text,
    )


#: How trailing whitespace is shown: the same marks as in our diffs.
_SHOWN = str.maketrans({" ": "·", "\t": "→"})
_UNSHOWN = str.maketrans({"·": " ", "→": "\t"})


def _block(path: str, text: str) -> str:
    if not text:
        return f"{_FENCE} {path}: 0 lines {_FENCE}\n{_FENCE}"
    ends_with_newline = text.endswith("\n")
    body = text[:-1] if ends_with_newline else text
    count = body.count("\n") + 1
    if not body.replace("\n", "").isprintable() or _LINE_END_SHOWN.search(body):
        body = "\n".join(map(_encode_line, body.split("\n")))
    # else every line is written as it is: the common case, in one piece.
    # Not _text.plural: the file format's counts are bare digits (see _BLOCK_START).
    return (
        f"{_FENCE} {path}: {count} line{'s' if count != 1 else ''} {_FENCE}\n{body}\n"
        f"{_FENCE if ends_with_newline else _NO_NEWLINE}"
    )


#: A line end that a verbatim line may not have (see _encode_line).
_LINE_END_SHOWN = re.compile(r"[ ·→¶]$", re.MULTILINE)


def _encode_line(line: str) -> str:
    """A code line as written: verbatim, trailing whitespace as ``·``/``→``.

    Three forms, told apart by the last character: a verbatim line never ends
    in whitespace, ``·``, ``→`` or ``¶``; a line with trailing whitespace
    ends in ``·`` or ``→``; anything else (a carriage return, an invisible
    character, a line that would read as one of the others) is written as
    a JSON string followed by ``¶``.
    """
    if line.isprintable() and not line.endswith(("·", "→", "¶", " ")):
        return line
    stem = line.rstrip(" \t")
    if (
        not stem.replace("\t", "").isprintable()
        or stem.endswith(("·", "→"))
        or (stem == line and line.endswith("¶"))
    ):
        return _printable(json.dumps(line, ensure_ascii=False)) + "¶"
    return stem + line[len(stem) :].translate(_SHOWN)


def _decode_line(line: str) -> str:
    if line.endswith("¶"):
        decoded: str = json.loads(line[:-1])
        return decoded
    if line.endswith(("·", "→")):
        stem = line.rstrip("·→")
        return stem + line[len(stem) :].translate(_UNSHOWN)
    return line


# ---------------------------------------------------------------- reading


class _Matched:
    """A field a snapshot holds as ``matched by <matcher>``: equal to the same text only."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Matched) and other.text == self.text

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{_MATCHED}{self.text}>"


@dataclass
class ParsedSnapshot:
    """A snapshot file read back: its kind, chunk count (streams) and data."""

    kind: str
    chunks: int | None
    data: dict[str, Any]


# Past the complexity cap: one branch per kind of line of the file format, read in one pass.
def parse_snapshot(text: str) -> ParsedSnapshot:  # noqa: C901
    """Read :func:`render_snapshot`'s text back into data.

    Fields written as ``matched by <matcher>`` come back as placeholders
    equal only to the same text. Raises ``ValueError`` saying which line is
    not in the format (a file edited by hand, or from another tool).
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].startswith(_TITLE):
        raise ValueError(f"not a pytest-fim snapshot: the first line is not {_TITLE!r}")
    title = lines[0][len(_TITLE) :]
    kind = next((name for name, shown in _TITLES.items() if shown == title), None)
    chunks = None
    stream = _STREAM_TITLE.match(title)
    if stream:
        kind, chunks = "stream", int(stream.group(1))
    if kind is None:
        raise ValueError(f"line 1: unknown kind of snapshot {title!r}")
    data: Any = {}
    number = 1
    while number < len(lines):
        line = lines[number]
        number += 1
        if not line:
            continue
        block = _BLOCK_START.match(line)
        if block:
            count = int(block.group(2))
            body = lines[number : number + count]
            if len(body) != count or number + count >= len(lines):
                raise ValueError(f"line {number}: the block of {count} lines is cut short")
            closing = lines[number + count]
            if closing not in {_FENCE, _NO_NEWLINE}:
                raise ValueError(
                    f"line {number + count + 1}: expected {_FENCE!r} closing "
                    f"the block, got {closing!r}"
                )
            code = "\n".join(map(_decode_line, body))
            if count and closing == _FENCE:
                code += "\n"
            data = _put(data, block.group(1), code, number)
            number += count + 1
            continue
        path, separator, value = line.partition(": ")
        if not separator:
            raise ValueError(f"line {number}: expected 'path: value', got {line!r}")
        if value.startswith(_MATCHED):
            parsed: Any = _Matched(value[len(_MATCHED) :])
        else:
            try:
                parsed = json.loads(value)
            except ValueError:
                raise ValueError(f"line {number}: the value is not JSON: {value!r}") from None
        data = _put(data, path, parsed, number)
    if type(data) is not dict:
        raise ValueError("the snapshot holds no fields")
    return ParsedSnapshot(kind, chunks, data)


def _put(root: Any, path: str, value: Any, number: int) -> Any:
    """Set ``value`` at ``path`` inside ``root``, making the dicts and lists on the way."""
    if not path:
        return value
    try:
        parts = parse_pattern(path).parts
    except ValueError as exc:
        raise ValueError(f"line {number}: {exc}") from None
    node = root
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        following: Any = None if last else ({} if isinstance(parts[position + 1], str) else [])
        if isinstance(part, str) and type(node) is dict:
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, following)
        elif type(part) is int and type(node) is list:
            node.extend([None] * (part + 1 - len(node)))
            if last:
                node[part] = value
            else:
                if node[part] is None:
                    node[part] = following
                node = node[part]
        else:
            raise ValueError(f"line {number}: the path {path!r} does not fit the lines before")
    return root


# ---------------------------------------------------------------- explaining


def snapshot_diff(stored: str, actual: str, *, verbosity: int = 0) -> list[str]:
    """The differences between two snapshot texts: one entry each, path first.

    ``stored`` is taken as expected. Fields are compared as data (code as a
    unified diff, trailing whitespace as ``·``); a text that cannot be read
    back is shown as a unified diff of the two files. Returns [] when the
    texts are equal.
    """
    return _diff(stored, actual, verbosity)[1]


def _diff(stored: str, actual: str, verbosity: int) -> tuple[list[Problem], list[str]]:
    """(one problem a difference, the lines that show them) for :func:`snapshot_diff`."""
    if stored == actual:
        return [], []
    try:
        before, after = parse_snapshot(stored), parse_snapshot(actual)
    except ValueError as exc:
        return [Problem("", "differs as text")], [
            f"(the stored snapshot cannot be read as data: {exc}; the files differ as text)",
            *unified(stored, actual),
        ]
    problems, lines = [], []
    if before.kind != after.kind:
        problems.append(Problem("(kind)", "changed"))
        lines.append(
            f"(kind): changed: the snapshot holds a {_kind_name(before.kind)}, "
            f"the value is a {_kind_name(after.kind)}"
        )
    elif before.chunks != after.chunks:
        problems.append(Problem("(stream)", "changed"))
        lines.append(
            f"(stream): changed: {before.chunks} chunks in the snapshot, {after.chunks} now"
        )
    differences = [
        _placeholder_change(d) for d in compare(after.data, before.data, ignore=(), exact=True)
    ]
    problems.extend(Problem(d.where, d.kind) for d in differences)
    lines.extend(render_differences(differences, verbosity=verbosity))
    if not lines:  # equal as data, different as text: say so rather than nothing
        return [Problem("", "differs as text")], [
            "(the files differ only in how they are written)",
            *unified(stored, actual),
        ]
    return problems, lines


def _kind_name(kind: str) -> str:
    return "FIM stream" if kind == "stream" else _TITLES[kind]


def _placeholder_change(difference: Difference) -> Difference:
    # A placeholder is a matcher to compare() but stands for a written value here.
    if difference.kind == "matcher failed" and isinstance(difference.expected, _Matched):
        return Difference(difference.path, "changed", difference.expected, difference.actual)
    return difference


# ---------------------------------------------------------------- the fixture's object


@dataclass
class _Payload:
    """What FIMSnapshot hands syrupy: the rendered text, or the error to raise."""

    text: str = ""
    error: BaseException | None = None


class FIMSnapshot:
    """The ``fim_snapshot`` fixture: ``assert value == fim_snapshot`` against a stored file.

    ``value`` is a FIM response in any accepted input form, a stream, a
    ``FIMCompletionRequest`` or the completion text. ``pytest
    --snapshot-update`` writes ``__snapshots__/<test file>/<test name>.fim``;
    later runs compare with it. Call it to set options for one assertion:
    ``fim_snapshot(exclude=("usage",), matchers={"usage.total_tokens": IsInt(gt=0)},
    name="first")`` (``exclude`` adds to the always-excluded ``id`` and
    ``created``; ``name`` names the file instead of the assertion's number).

    ``==`` returns True or raises :class:`FIMAssertionError`: the value
    differs from its snapshot (one entry a difference, path first, code as
    a unified diff: raised rather than returned False, so that pytest does
    not cut the diff short), there is no snapshot yet, a matcher rejects
    its value, or the value is not valid. A value of another type or a bad
    option is a ``TypeError``/``ValueError``. syrupy records every one of
    them as a failed assertion.
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self,
        assertion: SnapshotAssertion,
        *,
        exclude: str | Iterable[str] = (),
        matchers: Mapping[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self._assertion = assertion
        self._options = (
            _DEFAULT_OPTIONS if exclude == () and not matchers else _options(exclude, matchers)
        )
        if name is not None and not isinstance(name, str):
            raise TypeError(
                f"fim_snapshot(name=...) takes a str, got {type(name).__name__}: "
                f"{shorten(name, 60)}"
            )
        self._name = name

    def __call__(
        self,
        *,
        exclude: str | Iterable[str] = (),
        matchers: Mapping[str, Any] | None = None,
        name: str | None = None,
    ) -> FIMSnapshot:
        """This snapshot with options for one assertion (the numbering goes on)."""
        return FIMSnapshot(self._assertion, exclude=exclude, matchers=matchers, name=name)

    def __eq__(self, other: object) -> bool:
        __tracebackhide__ = True
        try:
            payload = _Payload(_render(to_snapshot_input(other), self._options))
        except (AssertionError, TypeError, ValueError) as exc:
            # syrupy still sees the assertion (a failure it counts, a file it
            # keeps), then the test fails with our message, not syrupy's.
            payload = _Payload(error=exc)
        assertion = self._assertion(name=self._name) if self._name else self._assertion
        if assertion == payload:
            return True
        if payload.error is not None:
            raise payload.error.with_traceback(None)
        raise self._mismatch()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __repr__(self) -> str:
        return "fim_snapshot" if self._name is None else f"fim_snapshot(name={self._name!r})"

    def _mismatch(self) -> FIMAssertionError:
        """The failure of the assertion syrupy just recorded."""
        result = self._assertion.executions[self._assertion.num_executions - 1]
        where = _relative(result.snapshot_location)
        if result.exception is not None:
            return FIMAssertionError(
                f"FIM snapshot {where} could not be compared: "
                f"{type(result.exception).__name__}: {result.exception}"
            )
        if result.recalled_data is None:
            return FIMAssertionError(
                f"FIM snapshot {where} does not exist yet: run pytest --snapshot-update to write it"
            )
        problems, lines = _diff(
            str(result.recalled_data), str(result.asserted_data or ""), _settings.verbosity
        )
        count = len(problems)
        summary = f"FIM output does not match its snapshot {where} ({plural(count, 'difference')}):"
        return FIMAssertionError(
            summary,
            problems,
            message="\n".join(
                [
                    summary,
                    *(f"  {line}" for line in lines),
                    "  (expected is the snapshot; pytest --snapshot-update accepts the new value)",
                ]
            ),
        )


def _relative(location: str) -> str:
    try:
        return os.path.relpath(location)
    except ValueError:  # another drive on Windows
        return location


# ---------------------------------------------------------------- the syrupy extension

_EXTENSION: type[SingleFileSnapshotExtension] | None = None


def extension_class() -> type[SingleFileSnapshotExtension]:
    """The syrupy extension writing ``.fim`` files (also ``FIMSnapshotExtension`` here).

    Usable alone: ``snapshot.use_extension(FIMSnapshotExtension)`` stores
    values with the default options. Raises ``ImportError`` naming the extra
    when syrupy is not installed.
    """
    global _EXTENSION
    if _EXTENSION is not None:
        return _EXTENSION
    try:
        from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
    except ImportError as exc:
        raise ImportError(MISSING_SYRUPY) from exc

    if TYPE_CHECKING:
        from syrupy.types import PropertyFilter, PropertyMatcher, SerializableData, SerializedData

    class FIMSnapshotExtension(SingleFileSnapshotExtension):
        """syrupy's single-file extension writing pytest-fim's reviewable ``.fim`` text."""

        file_extension = FILE_EXTENSION  # syrupy 5 and later
        _file_extension = FILE_EXTENSION  # syrupy 4
        _write_mode = WriteMode.TEXT

        def serialize(
            self,
            data: SerializableData,
            *,
            exclude: PropertyFilter | None = None,
            include: PropertyFilter | None = None,
            matcher: PropertyMatcher | None = None,
        ) -> SerializedData:
            """The snapshot text of ``data`` (see :func:`render_snapshot`)."""
            if isinstance(data, _Payload):
                if data.error is not None:
                    raise data.error
                return data.text
            if exclude is not None or include is not None:
                raise TypeError(
                    "FIMSnapshotExtension takes no syrupy filters: use "
                    "fim_snapshot(exclude=('usage', ...), matchers={...})"
                )
            return render_snapshot(data)

        def diff_lines(
            self, serialized_data: SerializedData, snapshot_data: SerializedData
        ) -> Iterator[str]:
            """pytest-fim's diff of the two texts, for syrupy's own report."""
            yield from snapshot_diff(
                str(snapshot_data), str(serialized_data), verbosity=_settings.verbosity
            )

    # Named where it is found: syrupy re-imports it by this name under pytest-xdist.
    FIMSnapshotExtension.__module__ = __name__
    FIMSnapshotExtension.__qualname__ = "FIMSnapshotExtension"
    _EXTENSION = FIMSnapshotExtension
    return FIMSnapshotExtension


def __getattr__(name: str) -> Any:
    if name == "FIMSnapshotExtension":
        return extension_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
