"""Anything a user hands us, turned into plain JSON-like data, in one place.

Every public function of pytest-fim accepts the same kinds of input:

- a mapping (a ``dict`` parsed from JSON, say);
- JSON text as ``str``, ``bytes`` or ``bytearray``;
- a pydantic model: ours, the Mistral SDK's (1.x ``mistralai.models``,
  2.x/3.x ``mistralai.client.models``) or any other;
- an ``httpx`` or ``httpx2`` ``Response``;
- a :class:`pathlib.Path` to a JSON file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_fim.problems import FIMAssertionError, Problem, describe, shorten

__all__ = ["ACCEPTED_KINDS", "parse_json", "to_data"]

#: How the accepted kinds are named in a ``TypeError``.
ACCEPTED_KINDS = (
    "a mapping, JSON text (str or bytes), a pydantic model (pytest-fim's or the "
    "Mistral SDK's), an httpx/httpx2 Response or a pathlib.Path to a JSON file"
)


def to_data(obj: object, *, what: str = "completion response") -> Any:
    """Return ``obj`` as JSON-like data (dicts, lists, str, int, float, bool, None).

    ``what`` names the argument in messages ("response", "expected").
    Raises :class:`FIMAssertionError` when text or a file is not valid JSON
    (that is a bad response, not a bad argument), ``TypeError`` naming the
    accepted kinds for any other type, and ``ValueError`` for a path that
    cannot be read.
    """
    if isinstance(obj, Mapping):
        return obj if isinstance(obj, dict) else dict(obj)
    if isinstance(obj, (str, bytes, bytearray, memoryview)):
        return parse_json(obj, what=what)
    if isinstance(obj, Path):
        return parse_json(_read_file(obj, what), what=f"{what} file {str(obj)!r}")
    dumped = _dump_model(obj)
    if dumped is not _NOT_A_MODEL:
        return dumped
    if _is_http_response(obj):
        return parse_json(_read_http_body(obj, what), what=f"{what} body")
    raise TypeError(
        f"cannot read a FIM {what} from {type(obj).__module__}.{type(obj).__qualname__} "
        f"{shorten(obj, 60)}; expected {ACCEPTED_KINDS}"
    )


def parse_json(text: str | bytes | bytearray | memoryview, *,
               what: str = "completion response") -> Any:
    """Parse JSON text; a syntax error, bad UTF-8 or runaway nesting is a
    :class:`FIMAssertionError` that shows what was received."""
    if not isinstance(text, str):
        raw = bytes(text)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = f"byte {exc.start}: {raw[exc.start:exc.start + 4]!r}"
            raise _bad(what, f"not valid UTF-8 ({where})", raw) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        hint = ""
        if text.lstrip().startswith(("data:", "event:", ":")):
            hint = " (this looks like a server-sent event stream: use assert_valid_fim_stream)"
        raise _bad(what, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                   f"{hint}", text) from None
    except RecursionError:
        raise _bad(what, "JSON nested too deeply to read", text) from None
    except ValueError as exc:  # e.g. an integer literal past Python's digit limit
        raise _bad(what, f"not readable as JSON: {exc}", text) from None


def _bad(what: str, reason: str, received: object) -> FIMAssertionError:
    return FIMAssertionError(
        f"invalid FIM {what} (1 problem):",
        [Problem("", f"{reason}; received {describe(received)}: {shorten(received)}")])


def _read_file(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the FIM {what} file {str(path)!r}: "
                         f"{exc.strerror or exc}") from None


_NOT_A_MODEL = object()


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
            _put_back_non_finite(dumped, obj.model_dump(by_alias=True, exclude_unset=True),  # type: ignore[attr-defined]
                                 0)
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
    elif type(json_data) is list and type(python_data) is list \
            and len(json_data) == len(python_data):
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
        raise ValueError(f"cannot read the body of the {what} {type(response).__name__}: "
                         f"{exc}") from None
    return bytes(body)


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
    including a single response or chunk given where a stream belongs, and
    ``ValueError`` for a path that cannot be read.
    """
    if isinstance(obj, (str, bytes, bytearray, memoryview)):
        return StreamInput(sse=[obj if isinstance(obj, (str, bytes)) else bytes(obj)])
    if isinstance(obj, Path):
        return StreamInput(sse=[_read_file(obj, "stream")])
    if _is_http_response(obj):
        return StreamInput(sse=[_read_http_body(obj, "stream")])
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
        raise TypeError(f"expected a stream, got {type(obj).__name__} {shorten(obj, 60)}; "
                        f"a stream is {STREAM_KINDS}{hint}")
    items = list(obj)
    if items and all(isinstance(item, (str, bytes, bytearray, memoryview)) for item in items):
        return StreamInput(sse=[item if isinstance(item, (str, bytes)) else bytes(item)
                                for item in items])
    chunks = []
    for number, item in enumerate(items, start=1):
        data = item if isinstance(item, Mapping) else _dump_model(item)
        if data is _NOT_A_MODEL:
            raise TypeError(f"item {number} of the stream is {type(item).__name__} "
                            f"{shorten(item, 60)}; a stream is {STREAM_KINDS}")
        chunks.append(_unwrap_event(dict(data)))
    return StreamInput(chunks=chunks)


def _unwrap_event(data: dict[str, Any]) -> Any:
    # The SDK's CompletionEvent wraps the chunk as {"data": chunk}.
    inner = data.get("data")
    if len(data) == 1 and isinstance(inner, Mapping):
        return dict(inner)
    return data
