"""Anything a user hands us, turned into JSON-like data, in one place.

Every public function of pytest-fim accepts the same kinds of input:

- a mapping (a ``dict`` parsed from JSON, say), which may hold models at any
  depth (``dict(sdk_response)``, what llama-index keeps as ``.raw``);
- JSON text as ``str``, ``bytes`` or ``bytearray``;
- a pydantic model: ours, the Mistral SDK's (1.x ``mistralai.models``,
  2.x/3.x ``mistralai.client.models``) or any other;
- an ``httpx`` or ``httpx2`` ``Response``;
- a :class:`pathlib.Path` to a JSON file.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_fim.problems import FIMAssertionError, Problem, describe, shorten

__all__ = [
    "ACCEPTED_KINDS",
    "api_error",
    "completion_text",
    "dump_models",
    "error_message",
    "parse_json",
    "to_data",
]

#: How the accepted kinds are named in a ``TypeError``.
ACCEPTED_KINDS = (
    "a mapping, JSON text (str or bytes), a pydantic model (pytest-fim's or the "
    "Mistral SDK's), an httpx/httpx2 Response or a pathlib.Path to a JSON file"
)


def to_data(obj: object, *, what: str = "completion response") -> Any:
    """Return ``obj`` as JSON-like data (dicts, lists, str, int, float, bool, None).

    ``what`` names the argument in messages ("response", "expected"). A
    mapping comes back as it is unless it holds models (at any depth), which
    are replaced by their data in a copy.
    Raises :class:`FIMAssertionError` when text or a file is not valid JSON
    or an HTTP response has an error status (that is a bad response, not a bad
    argument: the message says the status and what the error body says),
    ``TypeError`` naming the accepted kinds for any other type, and
    ``ValueError`` for a path that cannot be read.
    """
    if type(obj) is dict:
        return dump_models(obj)
    if isinstance(obj, Mapping):
        return dump_models(dict(obj))
    if isinstance(obj, (str, bytes, bytearray, memoryview)):
        return parse_json(obj, what=what)
    if isinstance(obj, Path):
        return parse_json(_read_file(obj, what), what=f"{what} file {str(obj)!r}")
    dumped = _dump_model(obj)
    if dumped is not _NOT_A_MODEL:
        return dumped
    if _is_http_response(obj):
        body = _read_http_body(obj, what)
        _refuse_http_error(obj, body, "a FIM completion", f"invalid FIM {what} (1 problem):")
        return parse_json(body, what=f"{what} body")
    raise TypeError(
        f"cannot read a FIM {what} from {type(obj).__module__}.{type(obj).__qualname__} "
        f"{shorten(obj, 60)}; expected {ACCEPTED_KINDS}"
    )


def completion_text(value: object) -> tuple[str, str | None]:
    """A completion as a completion source hands it over: its text and finish_reason.

    ``value`` is the text itself (finish_reason None) or any response input
    above, whose choice 0 is taken (text chunks joined). Raises
    :class:`FIMAssertionError` for a response that is not valid (or has no
    choice 0) and ``TypeError`` naming the accepted kinds for anything else.
    """
    if isinstance(value, str):
        return value, None
    if value is None or isinstance(value, (int, float, list, tuple)):
        raise TypeError(
            f"a completion must be its text (str) or a FIM completion response "
            f"({ACCEPTED_KINDS}), got {type(value).__name__} {shorten(value, 60)}"
        )
    from pytest_fim.validate import assert_valid_fim_response

    response = assert_valid_fim_response(value, strict=False)
    for choice in response.choices or ():
        if choice.index == 0:
            return (choice.message.text() if choice.message else ""), choice.finish_reason
    raise FIMAssertionError(
        "the completion response has no choice 0", [Problem("choices", "no choice with index 0")]
    )


def parse_json(
    text: str | bytes | bytearray | memoryview, *, what: str = "completion response"
) -> Any:
    """Parse JSON text; a syntax error, bad UTF-8 or runaway nesting is a
    :class:`FIMAssertionError` that shows what was received."""
    if not isinstance(text, str):
        raw = bytes(text)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = f"byte {exc.start}: {raw[exc.start : exc.start + 4]!r}"
            raise _bad(what, f"not valid UTF-8 ({where})", raw) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        hint = ""
        if text.lstrip().startswith(("data:", "event:", ":")):
            hint = " (this looks like a server-sent event stream: use assert_valid_fim_stream)"
        raise _bad(
            what, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}{hint}", text
        ) from None
    except RecursionError:
        raise _bad(what, "JSON nested too deeply to read", text) from None
    except ValueError as exc:  # e.g. an integer literal past Python's digit limit
        raise _bad(what, f"not readable as JSON: {exc}", text) from None


def _bad(what: str, reason: str, received: object) -> FIMAssertionError:
    return FIMAssertionError(
        f"invalid FIM {what} (1 problem):",
        [Problem("", f"{reason}; received {describe(received)}: {shorten(received)}")],
    )


def _read_file(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(
            f"cannot read the FIM {what} file {str(path)!r}: {exc.strerror or exc}"
        ) from None


_NOT_A_MODEL = object()


def dump_models(value: Any) -> Any:
    """``value`` with every model inside it, at any depth, replaced by its data.

    Mappings that are not dicts become dicts on the way. Data with nothing to
    replace comes back as the same object, after one walk that allocates
    nothing (the common case: a dict parsed from JSON). A structure nested
    deeper than Python recurses, or holding itself, comes back as it is: the
    validators and the comparison report it in their own words.
    """
    try:
        if type(value) is dict:
            if _is_json_dict(value):
                return value
        elif type(value) is list:
            if _is_json_list(value):
                return value
        return _without_models(value)
    except RecursionError:
        return value


# The walk decides on exact types: JSON data holds nothing but these, and a
# subclass of dict or list may hide anything behind its methods.
def _is_json_dict(data: dict[Any, Any]) -> bool:
    for value in data.values():
        kind = type(value)
        if kind is str or kind is int or value is None or kind is bool or kind is float:
            continue
        if kind is dict:
            if not _is_json_dict(value):
                return False
        elif kind is list:
            if not _is_json_list(value):
                return False
        else:
            return False
    return True


def _is_json_list(data: list[Any]) -> bool:
    for value in data:
        kind = type(value)
        if kind is dict:  # lists in a response hold choices, chunks and tool calls
            if not _is_json_dict(value):
                return False
        elif kind is str or kind is int or value is None or kind is bool or kind is float:
            continue
        elif kind is list:
            if not _is_json_list(value):
                return False
        else:
            return False
    return True


def _without_models(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _without_models(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_models(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_without_models(item) for item in value)
    dumped = _dump_model(value)
    return value if dumped is _NOT_A_MODEL else dumped


def _dump_model(obj: object) -> Any:
    """Dump a pydantic v2 (or v1) model to JSON-like data, or return the marker."""
    dump = getattr(type(obj), "model_dump", None)
    if callable(dump) and hasattr(type(obj), "model_fields"):
        try:
            # exclude_unset keeps a hand-built model as its author wrote it: a
            # field never given stays absent instead of turning into null.
            dumped = obj.model_dump(mode="json", by_alias=True, exclude_unset=True)  # type: ignore[attr-defined]
        except Exception:  # e.g. a field that JSON mode cannot serialise
            return obj.model_dump(by_alias=True, exclude_unset=True)  # type: ignore[attr-defined]
        if _holds_null(dumped, 0):
            # JSON mode writes NaN and ±inf as null, so a score of inf would read
            # as "missing" in a diff: the Python dump still has them.
            _put_back_non_finite(
                dumped,
                obj.model_dump(by_alias=True, exclude_unset=True),  # type: ignore[attr-defined]
                0,
            )
        return dumped
    legacy = getattr(type(obj), "dict", None)
    if callable(legacy) and hasattr(type(obj), "__fields__") and hasattr(obj, "__fields_set__"):
        return obj.dict(by_alias=True, exclude_unset=True)  # type: ignore[attr-defined]
    return _NOT_A_MODEL


#: Deeper than this, data is not searched for the nulls JSON mode made of NaN and ±inf.
_NON_FINITE_DEPTH = 64


def _holds_null(data: Any, depth: int) -> bool:
    if depth > _NON_FINITE_DEPTH:
        return False
    if type(data) is dict:
        return any(value is None or _holds_null(value, depth + 1) for value in data.values())
    if type(data) is list:
        return any(item is None or _holds_null(item, depth + 1) for item in data)
    return False


def _put_back_non_finite(json_data: Any, python_data: Any, depth: int) -> None:
    """Where ``json_data`` has null and ``python_data`` NaN or ±inf, put the float back."""
    if depth > _NON_FINITE_DEPTH:
        return
    if type(json_data) is dict and type(python_data) is dict:
        places: Iterable[Any] = json_data.keys()
    elif (
        type(json_data) is list and type(python_data) is list and len(json_data) == len(python_data)
    ):
        places = range(len(json_data))
    else:
        return
    for place in places:
        value = json_data[place]
        original = python_data.get(place) if type(python_data) is dict else python_data[place]
        if value is None:
            if type(original) is float and not math.isfinite(original):
                json_data[place] = original
        elif type(value) is dict or type(value) is list:
            _put_back_non_finite(value, original, depth + 1)


def _is_http_response(obj: object) -> bool:
    module = type(obj).__module__ or ""
    root = module.partition(".")[0]
    return root in {"httpx", "httpx2"} and hasattr(obj, "read") and hasattr(obj, "status_code")


def _read_http_body(response: Any, what: str) -> bytes:
    try:
        body = response.read()
    except Exception as exc:  # a closed stream, say: a bad argument, not a bad response
        raise ValueError(
            f"cannot read the body of the {what} {type(response).__name__}: {exc}"
        ) from None
    return bytes(body)


def _refuse_http_error(response: Any, body: bytes, kind: str, summary: str) -> None:
    """Raise :class:`FIMAssertionError` for an HTTP error status: its body is the
    API's error (a rate limit, a rejected request), not a completion missing fields."""
    status = getattr(response, "status_code", None)
    if type(status) is not int or status < 400:
        return
    try:
        data = json.loads(body)
    except ValueError:  # not JSON (a proxy's HTML page, say), or not UTF-8
        data = None
    said = error_message(data) if type(data) is dict else None
    if said is None:
        said = "an empty body" if not body else _one_line(body.decode("utf-8", "replace"))
    raise FIMAssertionError(summary, [Problem("", f"HTTP {status} response, not {kind}: {said}")])


def api_error(data: object) -> str | None:
    """What ``data`` says if it is the API's error body, in one line; None if it is not.

    The API answers an error with ``{"object": "error", "message": ..., "type": ...,
    "code": ...}``; for a rejected request (422) the message wraps FastAPI's
    ``{"detail": [{"loc": [...], "msg": ...}, ...]}``.
    """
    if type(data) is not dict or data.get("object") != "error":
        return None
    return error_message(data) or "no message"


#: Items of a 422's detail list named in a message; the rest are counted.
_DETAIL_LIMIT = 3


def error_message(data: dict[Any, Any]) -> str | None:
    """The message of an error body (the API's envelope, the gateway's
    ``{"message": ...}``, FastAPI's ``{"detail": ...}``) with its type and code;
    None when it holds no message."""
    message = data.get("message")
    detail = message.get("detail") if isinstance(message, dict) else data.get("detail")
    if isinstance(detail, list) and detail:
        parts = []
        for item in detail[:_DETAIL_LIMIT]:
            loc = item.get("loc") if isinstance(item, dict) else None
            where = (
                ".".join(_text(part) for part in loc if part != "body")
                if isinstance(loc, list)
                else ""
            )
            said = _text(item.get("msg", item) if isinstance(item, dict) else item)
            parts.append(f"{where}: {said}" if where else said)
        if len(detail) > _DETAIL_LIMIT:
            parts.append(f"… {len(detail) - _DETAIL_LIMIT} more")
        text = "; ".join(parts)
    elif isinstance(message, str):
        text = message
    elif isinstance(detail, str):
        text = detail
    elif message is not None:
        text = shorten(message)
    else:
        return None
    kinds = [
        f"{name} {_one_line(_text(data[name]), 40)}"
        for name in ("type", "code")
        if data.get(name) not in (None, "")
    ]
    return _one_line(text) + (f" ({', '.join(kinds)})" if kinds else "")


def _text(value: object) -> str:
    return value if isinstance(value, str) else shorten(value)


def _one_line(text: str, limit: int = 200) -> str:
    # A message goes into failure text: control characters and length are bounded.
    if len(text) <= limit and text.isprintable():
        return text
    return shorten(text, limit)


# ---------------------------------------------------------------- streams

#: How the accepted stream kinds are named in a ``TypeError``.
STREAM_KINDS = (
    "server-sent events as str or bytes (data: {chunk} lines ending with data: [DONE]), "
    "an iterable of such lines or byte chunks (as an HTTP response streams them), an "
    "iterable of chunk dicts or models (pytest-fim's CompletionChunk, the Mistral SDK's "
    "CompletionEvent or CompletionChunk), an httpx/httpx2 Response or a pathlib.Path to "
    "an .sse file"
)


@dataclass
class StreamInput:
    """A stream as handed to us: raw SSE pieces, or chunks already parsed.

    Exactly one of ``sse`` (text or bytes pieces, in order) and ``chunks``
    (JSON-like chunk data) is set.
    """

    sse: list[str | bytes] | None = None
    chunks: list[Any] | None = None


def to_stream(obj: object) -> StreamInput:
    """Return ``obj`` as a :class:`StreamInput`.

    Raises ``TypeError`` naming the accepted kinds for anything else,
    including a single response or chunk given where a stream belongs,
    ``ValueError`` for a path that cannot be read, and
    :class:`FIMAssertionError` for an HTTP response with an error status.
    """
    if isinstance(obj, (str, bytes, bytearray, memoryview)):
        return StreamInput(sse=[obj if isinstance(obj, (str, bytes)) else bytes(obj)])
    if isinstance(obj, Path):
        return StreamInput(sse=[_read_file(obj, "stream")])
    if _is_http_response(obj):
        body = _read_http_body(obj, "stream")
        _refuse_http_error(obj, body, "a FIM stream", "invalid FIM stream (1 problem):")
        return StreamInput(sse=[body])
    if isinstance(obj, Mapping) or _dump_model(obj) is not _NOT_A_MODEL:
        raise TypeError(
            f"expected a stream, got a single {type(obj).__name__} "
            f"{shorten(obj, 60)}; a stream is {STREAM_KINDS}. For one complete response use "
            f"assert_valid_fim_response; for one chunk, wrap it in a list"
        )
    if not isinstance(obj, Iterable):
        hint = ""
        if hasattr(obj, "__aiter__"):  # stream_async(), aiter_bytes(): read in a coroutine
            hint = ". Collect an async stream first: [event async for event in stream]"
        raise TypeError(
            f"expected a stream, got {type(obj).__name__} {shorten(obj, 60)}; "
            f"a stream is {STREAM_KINDS}{hint}"
        )
    items = list(obj)
    if items and all(isinstance(item, (str, bytes, bytearray, memoryview)) for item in items):
        return StreamInput(
            sse=[item if isinstance(item, (str, bytes)) else bytes(item) for item in items]
        )
    chunks = []
    for number, item in enumerate(items, start=1):
        # A chunk dict may hold models too (deltas built by hand, say).
        data = dump_models(dict(item)) if isinstance(item, Mapping) else _dump_model(item)
        if data is _NOT_A_MODEL:
            raise TypeError(
                f"item {number} of the stream is {type(item).__name__} "
                f"{shorten(item, 60)}; a stream is {STREAM_KINDS}"
            )
        chunks.append(_unwrap_event(dict(data)))
    return StreamInput(chunks=chunks)


def _unwrap_event(data: dict[str, Any]) -> Any:
    # The SDK's CompletionEvent wraps the chunk as {"data": chunk}.
    inner = data.get("data")
    if len(data) == 1 and isinstance(inner, Mapping):
        return dict(inner)
    return data


# ---------------------------------------------------------------- snapshots

#: How fim_snapshot names what it accepts in a ``TypeError``.
SNAPSHOT_KINDS = (
    f"a FIM completion response ({ACCEPTED_KINDS}), a stream (server-sent events, a list of "
    f"chunks or SSE lines, a pathlib.Path to an .sse file, an httpx/httpx2 Response of "
    f"text/event-stream), a FIMCompletionRequest or the completion text as a str"
)

#: Text that starts as an event stream: optional field lines, then a data line
#: holding a JSON object or [DONE]. Code seldom starts so; a completion such as
#: ": int) -> int:" or "data = load()" does not match.
_SSE_START = re.compile(r"\A\ufeff?\s*(?:(?::|event:|id:|retry:)[^\n]*\n+)*data: ?(?:\{|\[DONE\])")

#: Keys that make a JSON object given as a str a response or a request, not code.
_EXCHANGE_KEYS = frozenset({"choices", "model", "usage", "prompt"})


@dataclass
class SnapshotInput:
    """A value handed to ``fim_snapshot``, read: its kind and its JSON-like data.

    ``kind`` is ``response``, ``stream`` (``data`` is the response the
    stream assembles into, ``chunks`` its chunk count), ``request`` or
    ``completion`` (``data`` is ``{"completion": text}``).
    """

    kind: str
    data: dict[str, Any]
    chunks: int | None = None


# Past the complexity cap: one branch per input kind a snapshot accepts, tried in order.
def to_snapshot_input(obj: object) -> SnapshotInput:  # noqa: C901
    """Read what a test compares with ``fim_snapshot``.

    A stream is SSE text or bytes (it starts with ``data: {`` or SSE field
    lines), a list, tuple or iterator of chunks or SSE lines, a ``Path``
    ending ``.sse`` or an HTTP response of ``text/event-stream``; it is
    assembled into its response. A ``str`` that is neither SSE nor a JSON
    object with ``choices``, ``model``, ``usage`` or ``prompt`` is the
    completion text itself. Data with ``prompt`` and no ``choices`` is a
    request; anything else is read as a response (:func:`to_data`).

    Raises :class:`FIMAssertionError` for a stream that does not assemble or
    JSON that does not parse, and ``TypeError`` naming the accepted kinds
    for any other type.
    """
    if isinstance(obj, str):
        if _SSE_START.match(obj):
            return _stream_input(obj)
        if obj.lstrip().startswith("{"):
            try:
                data = json.loads(obj)
            except (ValueError, RecursionError):
                data = None
            if isinstance(data, dict) and not _EXCHANGE_KEYS.isdisjoint(data):
                return _exchange_input(data, obj)
        return SnapshotInput("completion", {"completion": obj})
    if isinstance(obj, (bytes, bytearray, memoryview)):
        if _SSE_START.match(bytes(obj[:2048]).decode("utf-8", "replace")):
            return _stream_input(obj)
    elif isinstance(obj, Path):
        if obj.suffix == ".sse":
            return _stream_input(obj)
    elif _is_http_response(obj):
        if "event-stream" in str(getattr(obj, "headers", {}).get("content-type", "")):
            return _stream_input(obj)
    elif not isinstance(obj, Mapping):
        dumped = _dump_model(obj)
        if dumped is not _NOT_A_MODEL:
            return _exchange_input(dumped, obj)
        if isinstance(obj, Iterable):
            return _stream_input(obj)
        raise TypeError(
            f"fim_snapshot cannot compare {type(obj).__module__}."
            f"{type(obj).__qualname__} {shorten(obj, 60)}; it takes {SNAPSHOT_KINDS}"
        )
    return _exchange_input(to_data(obj), obj)


def _exchange_input(data: Any, given: object) -> SnapshotInput:
    if isinstance(data, Mapping) and type(data) is not dict:  # an OrderedDict, say
        data = dict(data)
    if type(data) is not dict:
        raise TypeError(
            f"fim_snapshot takes a JSON object, got {type(given).__name__} holding "
            f"{describe(data)}; it takes {SNAPSHOT_KINDS}"
        )
    kind = "request" if "prompt" in data and "choices" not in data else "response"
    return SnapshotInput(kind, data)


def _stream_input(obj: object) -> SnapshotInput:
    from pytest_fim.stream import assemble_fim_stream, parse_fim_sse

    chunks = parse_fim_sse(obj)
    return SnapshotInput("stream", to_data(assemble_fim_stream(chunks)), len(chunks))
