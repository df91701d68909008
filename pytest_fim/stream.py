"""Streamed FIM completions: parse server-sent events, validate, assemble, build.

With ``"stream": true`` the FIM endpoint answers with server-sent events,
``data: {chunk}`` each, ending with ``data: [DONE]``. This module reads such
a stream (text, bytes, lines, byte chunks, chunk dicts or models), checks it
as a whole, and joins it into the :class:`FIMCompletionResponse` it stands
for; :func:`make_fim_stream` builds valid streams for tests.

Problems found in a stream name the chunk (counted from 1, as the events
arrive) and the path inside it: ``chunk 3: choices[0].delta.role: ...``.
"""

from __future__ import annotations

import codecs
import copy
import gc
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from pydantic import TypeAdapter, ValidationError
from pydantic_core import from_json

from pytest_fim._response_checks import (
    PROBLEM_LIMIT,
    check_response,
    not_fim_shape,
    resolve_strict,
    text_completion_choice,
    usage_arithmetic,
)
from pytest_fim._schema import from_pydantic
from pytest_fim.factory import Content, make_fim_response
from pytest_fim.inputs import StreamInput, api_error, to_stream
from pytest_fim.models import (
    CHUNK_FINISH_REASONS,
    FINISH_REASONS,
    CompletionChunk,
    FIMCompletionResponse,
)
from pytest_fim.paths import Path, format_path
from pytest_fim.problems import FIMAssertionError, Problem, shorten

__all__ = [
    "FIMStreamFactory",
    "assemble_fim_stream",
    "assert_valid_fim_stream",
    "make_fim_stream",
    "parse_fim_sse",
    "validate_fim_stream",
]

DONE = "[DONE]"
_CHUNKS: TypeAdapter[list[CompletionChunk]] = TypeAdapter(list[CompletionChunk])
_CHUNK_FIELDS = frozenset(CompletionChunk.model_fields)


# ---------------------------------------------------------------- reading SSE

#: Characters of SSE text read at a time. A window's events are parsed as one
#: JSON array (one C call for a few hundred small objects) and folded before
#: the next window is cut, so the working set stays in the CPU cache and a
#: 100,000-event stream costs per event what a 10,000-event one does.
_WINDOW = 1 << 16

#: A line of an event stream: a field (``data``, ``event``, ``id``, ``retry``),
#: with or without a value, or a comment.
_SSE_LINE = re.compile(r"(?:data|event|id|retry)(?::|\Z)|:")

#: Stands in for an event whose data is not JSON, so that chunk numbers keep
#: counting events as they arrived.
_UNREADABLE: Any = object()


def _decode(pieces: Sequence[str | bytes]) -> str:
    if len(pieces) == 1 and isinstance(pieces[0], str):
        return pieces[0]  # no copy of a long text
    # An incremental decoder keeps a character split across two byte chunks whole.
    decoder = codecs.getincrementaldecoder("utf-8")()
    parts: list[str] = []
    consumed = 0
    try:
        for piece in pieces:
            if isinstance(piece, str):
                parts.append(piece)
            else:
                parts.append(decoder.decode(piece))
                consumed += len(piece)
        parts.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise FIMAssertionError("invalid FIM stream (1 problem):", [Problem(
            "", f"not valid UTF-8 near byte {consumed + exc.start}: "
                f"{exc.object[exc.start:exc.start + 4]!r}")]) from None
    return _join(parts)


def _join(parts: list[str]) -> str:
    """Join decoded pieces: byte chunks as they are, lines with their terminators back."""
    if len(parts) < 3 or any(("\n" in part or "\r" in part) for part in parts):
        return "".join(parts)  # one piece, or pieces that carry their own line ends
    lines = parts[:-1]  # the last part is the decoder's (empty) remainder
    if lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    # httpx's and requests' iter_lines() drop the line ends, and a blank line
    # (an empty piece) ends each event; a stray byte chunk rarely starts with
    # a field name, and never all of them do.
    if "" in lines and all(not line or _SSE_LINE.match(line) for line in lines):
        return "\n".join(lines) + "\n"
    # A list of "data: ..." strings written by hand: one event each.
    if all(line.startswith("data:") for line in lines):
        return "\n\n".join(lines) + "\n\n"
    return "".join(parts)


def _sse_events(pieces: Sequence[str | bytes], seen: _Seen) -> Iterator[list[str]]:
    """The data of each event, in order, a window of text at a time, up to
    ``[DONE]``; note in ``seen`` what follows it."""
    text = _decode(pieces)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:  # \r\n and a lone \r end lines too
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    position, length = 0, len(text)
    while position < length:
        # Cut at an event boundary past the window, so each window's events and
        # their chunks are made, read and freed while they are in the CPU cache.
        end = text.find("\n\n", position + _WINDOW)
        if end < 0:
            end = length
        segment = text[position:end]
        position = end + 2
        events: list[str] = []
        add = events.append
        for block in segment.split("\n\n"):
            if block[:6] == "data: " and "\n" not in block and block != "data: ":
                add(block[6:])  # the usual event: one data line
            else:
                data = _block_data(block)
                if data:  # an event without data, or with empty data, is not dispatched
                    add(data)
        first = seen.events + 1
        seen.events += len(events)
        if seen.done_at is None and DONE in segment:
            for offset, data in enumerate(events):
                if data.strip() == DONE:
                    seen.done_at = first + offset
                    seen.note_after_done(events[offset + 1:], seen.done_at + 1)
                    del events[offset:]
                    break
        elif seen.done_at is not None:
            seen.note_after_done(events, first)
            continue
        if events:
            yield events


def _block_data(block: str) -> str | None:
    """The data of one event block (several lines), or None if it has none."""
    lines: list[str] = []
    for line in block.split("\n"):
        if not line or line.startswith(":"):  # blank or a comment
            continue
        name, _, value = line.partition(":")
        if name == "data":
            lines.append(value[1:] if value.startswith(" ") else value)
    return "\n".join(lines) if lines else None


@dataclass
class _Seen:
    """What reading raw SSE found besides the chunks."""

    events: int = 0
    done_at: int | None = None  # event number of the first [DONE]
    after_done: list[tuple[int, str]] = field(default_factory=list)
    bad_json: list[Problem] = field(default_factory=list)

    def note_after_done(self, events: list[str], first: int) -> None:
        """Keep (enough of) the events that came after ``[DONE]``, numbered."""
        room = PROBLEM_LIMIT - len(self.after_done)
        self.after_done.extend(enumerate(events[:max(room, 0)], start=first))


def _json_batches(windows: Iterator[list[str]], seen: _Seen) -> Iterator[Any]:
    """Parse events' JSON a window at a time; an unreadable event becomes a
    problem and stands as :data:`_UNREADABLE` in the chunks."""
    first = 1
    for events in windows:
        yield from _load_batch(events, first, seen)
        first += len(events)


def _load_batch(batch: list[str], first_number: int, seen: _Seen) -> list[Any]:
    try:
        # pydantic-core's JSON reader is about 1.5x the standard library's here.
        loaded = from_json("[" + ",".join(batch) + "]")
        if isinstance(loaded, list) and len(loaded) == len(batch):
            return loaded
    except (ValueError, RecursionError):
        pass
    except TypeError:  # text with a lone surrogate, which pydantic-core cannot take as UTF-8
        pass
    # Some event is not one JSON value (or only the standard library reads it):
    # read them one at a time, in the standard library's words.
    values = []
    for number, text in enumerate(batch, start=first_number):
        try:
            values.append(json.loads(text))
            continue
        except json.JSONDecodeError as exc:
            reason = f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        except (ValueError, RecursionError) as exc:
            reason = f"not readable as JSON ({exc})"
        if "\n" in text:
            reason += (f"; its {text.count(chr(10)) + 1} data: lines were joined as one event "
                       f"(a blank line ends an event)")
        seen.bad_json.append(Problem(f"event {number}", f"{reason}: {shorten(text)}"))
        values.append(_UNREADABLE)
    return values


# ---------------------------------------------------------------- folding chunks


@dataclass
class _Choice:
    """What the chunks have said so far about one choice."""

    parts: list[Any] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_keys: dict[Any, int] = field(default_factory=dict)
    finish_reason: str | None = None
    finished_in: int | None = None

    def add_tool_calls(self, calls: list[Any]) -> None:
        begun: set[int] = set()  # calls this delta starts: a delta never continues itself
        for position, call in enumerate(calls):
            if type(call) is not dict:
                continue  # the schema check reports it
            key = _tool_call_key(call, position)
            known = self.tool_keys.get(key)
            if known is None or known in begun or not _continues(self.tool_calls[known], call):
                self.tool_keys[key] = len(self.tool_calls)
                begun.add(len(self.tool_calls))
                self.tool_calls.append(copy.deepcopy(call))  # later pieces extend it
                continue
            # A continuation: the API may stream a call's arguments in pieces.
            merged = self.tool_calls[known]
            function, more = merged.get("function"), call.get("function")
            if type(function) is not dict or type(more) is not dict:
                continue
            if isinstance(function.get("arguments"), str) and \
                    isinstance(more.get("arguments"), str):
                function["arguments"] += more["arguments"]
            for name, value in more.items():
                if name != "arguments" and value is not None:
                    function.setdefault(name, value)

    def content(self) -> Any:
        pieces = [part for part in self.parts if part != ""]
        if pieces and all(isinstance(part, list) for part in pieces):
            return [chunk for part in pieces for chunk in part]
        if not self.parts:
            return None
        return "".join(part if isinstance(part, str) else _chunk_text(part)
                       for part in self.parts)


def _tool_call_key(call: dict[str, Any], position: int) -> object:
    """Which tool call a piece belongs to: its ``index``, else its ``id``,
    else its place in the list (only hashable keys, whatever the chunk holds)."""
    index = call.get("index")
    if type(index) is int:
        return index
    ident = call.get("id")
    if type(ident) is str and ident:
        return ("id", ident)
    return ("position", position)


def _continues(call: dict[str, Any], piece: dict[str, Any]) -> bool:
    """Whether ``piece`` adds to ``call``: a piece with an id of its own starts a new call
    (Mistral sends each call whole, all with index 0; OpenAI-style pieces repeat no id)."""
    ident = piece.get("id")
    return not ident or ident == call.get("id")


def _chunk_text(chunks: list[Any]) -> str:
    return "".join(str(chunk.get("text") or "") for chunk in chunks
                   if isinstance(chunk, dict) and chunk.get("type") == "text")


class _Reader:
    """Folds chunks, one at a time, into the response they make and the
    problems they show; nothing but the content pieces is kept, so memory
    and time grow linearly with the stream."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.count = 0
        self.first: dict[str, Any] | None = None
        self.created: Any = None
        self.usage: Any = None
        self.usage_at: int | None = None
        self.states: dict[int, _Choice] = {}
        self.doubtful: list[tuple[int, Any]] = []
        self.problems: list[Problem] = []

    def read(self, chunks: Iterator[Any]) -> None:
        for chunk in chunks:
            self.add(chunk)

    def add(self, chunk: Any) -> None:
        position = self.count
        self.count += 1
        if not _plain_chunk(chunk):
            if chunk is _UNREADABLE:  # already reported; it still counts as an event
                return
            self.doubtful.append((position, chunk))
            if type(chunk) is not dict:
                return
        if self.first is None:
            self.first = chunk
        else:
            for name in ("id", "model"):
                if name in chunk and name in self.first and chunk[name] != self.first[name]:
                    self._report(position, (name,), f"{shorten(chunk[name])} differs from "
                                                    f"chunk 1's {shorten(self.first[name])}")
        if self.created is None and chunk.get("created") is not None:
            self.created = chunk["created"]
        usage = chunk.get("usage")
        if usage is not None:
            self.usage = usage
            if self.usage_at is not None:
                self._report(position, ("usage",),
                             f"usage sent again (first in chunk {self.usage_at + 1})")
            else:
                self.usage_at = position
            mismatch = usage_arithmetic(usage)
            if mismatch:
                self._report(position, ("usage", "total_tokens"), mismatch)
        choices = chunk.get("choices")
        if type(choices) is list:
            for slot, choice in enumerate(choices):
                if type(choice) is dict and type(choice.get("index")) is int:
                    self._add_choice(position, slot, choice)

    def _add_choice(self, position: int, slot: int, choice: dict[str, Any]) -> None:
        index = choice["index"]
        state = self.states.get(index)
        if state is None:
            state = self.states[index] = _Choice()
        delta = choice.get("delta")
        if type(delta) is not dict:
            delta = {}
        role = delta.get("role")
        if role is not None and role != "assistant":
            self._report(position, ("choices", slot, "delta", "role"),
                         f"{shorten(role)} is not 'assistant'")
        content = delta.get("content")
        calls = delta.get("tool_calls")
        if state.finished_in is not None and (content or calls):
            self._report(position, ("choices", slot, "delta"),
                         f"content for index {index} after it finished in chunk "
                         f"{state.finished_in + 1}")
        if content is not None:
            state.parts.append(content)
        if calls and type(calls) is list:
            state.add_tool_calls(calls)
        reason = choice.get("finish_reason")
        if reason is None:
            return
        state.finish_reason = reason if type(reason) is str else None
        if state.finished_in is not None:
            self._report(position, ("choices", slot, "finish_reason"),
                         f"index {index} finished twice (first in chunk "
                         f"{state.finished_in + 1})")
        else:
            state.finished_in = position
        if self.strict and reason not in CHUNK_FINISH_REASONS:
            self._report(position, ("choices", slot, "finish_reason"),
                         f"{shorten(reason)} is not one of "
                         f"{', '.join(map(repr, CHUNK_FINISH_REASONS))} "
                         f"(strict profile: the chunk enum)")

    def _report(self, position: int | None, path: Path, message: str) -> None:
        if len(self.problems) < PROBLEM_LIMIT:
            self.problems.append(_problem(position, path, message))

    def schema_problems(self) -> list[Problem]:
        """Schema problems of the chunks that failed the quick check, in pydantic's words."""
        return _schema_problems(self.doubtful)

    def end_problems(self) -> list[Problem]:
        """The rules that can only be judged once the stream has ended."""
        found = [Problem(f"choices[{index}]", "never finished: no chunk gave it a "
                                              "finish_reason")
                 for index, state in sorted(self.states.items()) if state.finished_in is None]
        if self.strict and self.usage_at is None:
            found.append(Problem("usage", "no chunk carries usage (strict profile: the final "
                                          "chunk must)"))
        elif self.strict and self.usage_at is not None and self.usage_at != self.count - 1:
            found.append(_problem(self.usage_at, ("usage",),
                                  f"usage must come on the final chunk (chunk {self.count}) "
                                  f"(strict profile)"))
        return found

    def response_data(self) -> dict[str, Any]:
        """The response the chunks make (not yet validated)."""
        first = self.first or {}
        data: dict[str, Any] = {
            "id": first.get("id"),
            "object": "chat.completion",
            "model": first.get("model"),
            "choices": [
                {"index": index,
                 "message": {"role": "assistant", "content": state.content(),
                             "tool_calls": state.tool_calls or None, "prefix": False},
                 **({"finish_reason": state.finish_reason} if state.finish_reason else {})}
                for index, state in sorted(self.states.items())
            ],
        }
        if self.usage is not None:
            data["usage"] = self.usage
        if self.created is not None:
            data["created"] = self.created
        # Fields the chunks carry beyond the schema travel on to the response.
        data.update({key: value for key, value in first.items() if key not in _CHUNK_FIELDS})
        return data


def _read(stream: object, strict: bool) -> tuple[_Reader, _Seen | None]:
    """Read a stream of any accepted kind through a :class:`_Reader`."""
    given: StreamInput = to_stream(stream)
    reader = _Reader(strict)
    if given.chunks is not None:
        reader.read(iter(given.chunks))
        return reader, None
    seen = _Seen()
    with _no_cyclic_gc():
        reader.read(_json_batches(_sse_events(given.sse or [], seen), seen))
    return reader, seen


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    # A stream of 100,000 events makes 100,000 dicts that live only briefly;
    # the cyclic collector's passes over them would make reading quadratic.
    collected = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collected:
            gc.enable()


def _stream_problems(reader: _Reader, seen: _Seen | None, *, full: bool) -> list[Problem]:
    """Problems in stream order: unreadable events, then chunk schema, then the rules."""
    problems: list[Problem] = []
    if seen is not None:
        problems.extend(seen.bad_json)
        if full:  # reading stops at [DONE]; only validation cares what follows
            problems.extend(
                Problem(f"event {number}",
                        f"data after [DONE] (event {seen.done_at}): {shorten(data)}")
                for number, data in seen.after_done[:PROBLEM_LIMIT])
        if full and reader.strict and seen.done_at is None and reader.count:
            problems.append(Problem("", "the stream does not end with data: [DONE] "
                                        "(strict profile)"))
    if not reader.count and not problems:
        if seen is not None and seen.done_at is not None:
            return [Problem("", "the stream had no events before data: [DONE]")]
        return [Problem("", "the stream had no events (expected data: {chunk} events, "
                            "ending with data: [DONE])")]
    problems.extend(reader.schema_problems())
    if full:
        problems.extend(reader.problems)
        problems.extend(reader.end_problems())
    return problems


#: Chunks handed to pydantic at a time when looking for schema problems.
_SCHEMA_BATCH = 256


def _schema_problems(numbered: list[tuple[int, Any]]) -> list[Problem]:
    """Schema problems of ``(position, chunk)`` pairs, in pydantic's words, each
    named by its chunk; every chunk is checked until enough problems are found."""
    found: list[Problem] = []
    # What a chunk's errors would only echo: a chunk that is the API's error body
    # (all of it), a choice in OpenAI's text completion form (its missing delta).
    explained: set[tuple[int | str, ...]] = set()
    text_form_said = False
    for start in range(0, len(numbered), _SCHEMA_BATCH):
        batch = numbered[start:start + _SCHEMA_BATCH]
        try:
            _CHUNKS.validate_python([chunk for _, chunk in batch])
        except ValidationError as exc:
            found.extend(_problem(position, (), "a complete response, not a stream chunk (its "
                                                "choices carry message, not delta); check one "
                                                "response with assert_valid_fim_response")
                         for position, chunk in batch if _looks_like_response(chunk))
            for slot, (number, chunk) in enumerate(batch):
                if type(chunk) is not dict:
                    continue
                said = api_error(chunk)
                if said is not None:
                    found.append(_problem(number, (), f"the API's error, not a stream "
                                                        f"chunk: {said}"))
                    explained.add((slot,))
                    continue
                choices = chunk.get("choices")
                foreign = text_completion_choice(chunk, "delta")
                if foreign is None or type(choices) is not list:
                    continue
                if not text_form_said:  # once: every chunk of such a stream has the form
                    text_form_said = True
                    found.append(_problem(number, ("choices", foreign, "text"),
                                          not_fim_shape(chunk, foreign, "delta")))
                explained.update((slot, "choices", index, "delta")
                                 for index, choice in enumerate(choices)
                                 if type(choice) is dict and "delta" not in choice
                                 and "text" in choice)
            for error in exc.errors(include_url=False):
                loc = error["loc"]
                if loc[:1] in explained or tuple(loc) in explained:
                    continue
                position = batch[loc[0]][0] if loc and isinstance(loc[0], int) else None
                inner = dict(error, loc=loc[1:]) if position is not None else error
                path, message = from_pydantic(inner)  # type: ignore[arg-type]
                found.append(_problem(position, path, message))
                if len(found) >= PROBLEM_LIMIT:
                    return found
        except RecursionError:
            found.append(Problem("", "nested too deeply to validate"))
            return found
    return found


def _looks_like_response(chunk: Any) -> bool:
    choices = chunk.get("choices") if type(chunk) is dict else None
    return type(choices) is list and any(
        type(choice) is dict and "message" in choice and "delta" not in choice
        for choice in choices)


def _problem(number: int | None, path: Path, message: str) -> Problem:
    where = format_path(path)
    if number is None:
        return Problem(where, message)
    label = f"chunk {number + 1}"
    return Problem(f"{label}: {where}" if where else label, message)


# ---------------------------------------------------------------- public


def parse_fim_sse(data: object) -> list[CompletionChunk]:
    """Parse a server-sent event stream into its chunks.

    ``data`` is ``str``, ``bytes`` or an iterable of lines or byte chunks as
    an HTTP response streams them (events split across chunks, a multi-byte
    character split in two, ``\\n\\n``/``\\r\\n\\r\\n``/``\\r\\r`` boundaries,
    ``data:`` with or without the space, multi-line data, comments, a BOM);
    reading stops at ``data: [DONE]``.

    Raises :class:`FIMAssertionError` when the stream has no events, an
    event is not valid JSON (naming the event and showing its text,
    shortened) or a chunk does not fit the chunk schema, and ``TypeError``
    for input that is not a stream.

    >>> [c.choices[0].delta.content for c in parse_fim_sse(
    ...     'data: {"id": "a", "model": "m", "choices": [{"index": 0, '
    ...     '"delta": {"content": "x"}, "finish_reason": "stop"}]}\\n\\ndata: [DONE]\\n\\n')]
    ['x']
    """
    __tracebackhide__ = True
    given = to_stream(data)
    seen = None
    if given.chunks is not None:
        chunks = given.chunks
    else:
        seen = _Seen()
        with _no_cyclic_gc():
            chunks = list(_json_batches(_sse_events(given.sse or [], seen), seen))
    reader = _Reader(strict=False)
    reader.count = len(chunks)
    problems = _stream_problems(reader, seen, full=False)
    if not problems:
        try:
            return _CHUNKS.validate_python(chunks)
        except (ValidationError, RecursionError):
            pass  # said below, chunk by chunk, in our words
    problems.extend(_schema_problems([(number, chunk) for number, chunk in enumerate(chunks)
                                      if chunk is not _UNREADABLE]))
    raise FIMAssertionError(_summary(len(problems), False), problems)


def _summary(count: int, strict: bool) -> str:
    noun = "problem" if count == 1 else "problems"
    return f"invalid FIM stream ({count} {noun}{', strict profile' if strict else ''}):"


def assemble_fim_stream(stream: object) -> FIMCompletionResponse:
    """Join a stream into the :class:`FIMCompletionResponse` it stands for.

    ``stream`` is SSE text or bytes, an iterable of lines or byte chunks, an
    iterable of chunk dicts, pytest-fim's chunk models, or the Mistral SDK's
    ``CompletionEvent`` objects (what ``client.fim.stream()`` yields). Each
    choice's content pieces are concatenated (text chunks joined; a stream of
    content-chunk lists stays a list), tool calls are merged by their index;
    ``id``/``model`` come from the first chunk, ``created`` from the first
    that has it, ``usage`` from the last that has it, ``finish_reason`` from
    the choice's final chunk. The result passes ``assert_valid_fim_response``.

    Raises :class:`FIMAssertionError` when the stream cannot make a valid
    response (no events, malformed JSON, a chunk off the schema, a choice
    that never finishes, no usage), and ``TypeError`` for input that is not
    a stream. Use :func:`assert_valid_fim_stream` to check the stream itself.

    >>> assemble_fim_stream(make_fim_stream("x = 1", seed=1)).text()
    'x = 1'
    """
    __tracebackhide__ = True
    reader, seen = _read(stream, strict=False)
    problems = _stream_problems(reader, seen, full=False)
    if problems:
        raise FIMAssertionError(_summary(len(problems), False), problems)
    model, response_problems = check_response(reader.response_data(), strict=False)
    if response_problems or model is None:
        count = len(response_problems)
        raise FIMAssertionError(
            f"the FIM stream does not assemble into a valid response ({count} "
            f"problem{'s' if count != 1 else ''}; assert_valid_fim_stream checks the stream "
            f"itself):", _assembled(response_problems))
    return model


def _assembled(problems: list[Problem]) -> list[Problem]:
    return [Problem(f"assembled response: {p.path}" if p.path else "assembled response",
                    p.message) for p in problems]


def validate_fim_stream(stream: object, *, strict: bool | None = None) -> list[Problem]:
    """List every problem of a stream; [] when it is valid.

    The non-raising form of :func:`assert_valid_fim_stream`: the same inputs
    and rules, each problem a :class:`~pytest_fim.Problem` whose ``path``
    starts with its chunk (``chunk 3: choices[0].delta.role``). Raises
    ``TypeError`` only for input that is not a stream.

    >>> validate_fim_stream(make_fim_stream("x", seed=1))
    []
    >>> [str(p) for p in validate_fim_stream(make_fim_stream("x", seed=1)[:1])]
    ['choices[0]: never finished: no chunk gave it a finish_reason']
    """
    return _check_stream(stream, resolve_strict(strict))[1]


def assert_valid_fim_stream(stream: object, *, strict: bool | None = None
                            ) -> FIMCompletionResponse:
    """Assert that a stream is valid as a whole; return the assembled response.

    ``stream`` is any input :func:`assemble_fim_stream` takes. Lists every
    problem, each with its chunk number (from 1) and the path inside the
    chunk: no chunks; ``id`` or ``model`` changing between chunks; a choice
    that never finishes, finishes twice, or gets content after its
    ``finish_reason``; a ``role`` other than ``assistant``; ``usage`` that
    does not add up or comes on more than one chunk; for raw SSE, data after
    ``[DONE]``. The strict profile (``strict=True``, or the suite's
    ``fim_strict``) also requires ``[DONE]`` to end raw SSE, ``usage`` on the
    final chunk, and ``finish_reason`` values from the chunk enum (``stop``,
    ``length``, ``error``, ``tool_calls``).

    Raises :class:`FIMAssertionError` listing the problems and ``TypeError``
    for input that is not a stream.

    >>> assert_valid_fim_stream(make_fim_stream("x = 1", seed=1, as_sse=True)).text()
    'x = 1'
    """
    __tracebackhide__ = True
    use_strict = resolve_strict(strict)
    model, problems = _check_stream(stream, use_strict)
    if problems or model is None:
        raise FIMAssertionError(_summary(len(problems), use_strict), problems)
    return model


def _check_stream(stream: object, strict: bool
                  ) -> tuple[FIMCompletionResponse | None, list[Problem]]:
    try:
        reader, seen = _read(stream, strict)
    except FIMAssertionError as exc:  # bytes that are not UTF-8
        return None, exc.problems
    problems = _stream_problems(reader, seen, full=True)
    if problems:
        return None, problems
    model, response_problems = check_response(reader.response_data(), strict=strict)
    return model, _assembled(response_problems)


_OPTIONAL_INT = (int, type(None))
_OPTIONAL_STR = (str, type(None))


def _plain_chunk(chunk: Any) -> bool:
    """True for a chunk that surely fits the schema: the usual shape, text content only.

    False means "ask pydantic", not "invalid".
    """
    if type(chunk) is not dict or type(chunk.get("id")) is not str \
            or type(chunk.get("model")) is not str or type(chunk.get("choices")) is not list \
            or type(chunk.get("object")) not in _OPTIONAL_STR \
            or type(chunk.get("created")) not in _OPTIONAL_INT:
        return False
    usage = chunk.get("usage")
    if usage is not None and not (
            type(usage) is dict and usage.keys() <= _PLAIN_USAGE_KEYS and all(
                type(count) is int and count >= 0 for count in usage.values())):
        return False
    for choice in chunk["choices"]:
        if type(choice) is not dict:
            return False
        index, delta, reason = choice.get("index"), choice.get("delta"), \
            choice.get("finish_reason")
        # Any other delta field (tool calls, metadata, ...) is for pydantic to judge.
        if type(index) is not int or index < 0 or type(delta) is not dict \
                or delta.keys() - _PLAIN_DELTA_KEYS \
                or (reason is not None and (type(reason) is not str
                                            or reason not in _FINISH_REASONS)) \
                or type(delta.get("content")) not in _OPTIONAL_STR \
                or type(delta.get("role")) not in _OPTIONAL_STR:
            return False
    return True


_FINISH_REASONS = frozenset(FINISH_REASONS)
_PLAIN_USAGE_KEYS = frozenset({"prompt_tokens", "completion_tokens", "total_tokens"})
_PLAIN_DELTA_KEYS = frozenset({"role", "content"})


# ---------------------------------------------------------------- building


_PIECES = re.compile(r"\s*\S+|\s+")


def _split_text(text: str, chunks: int | None, chunk_size: int | None) -> list[str]:
    if not text:
        return []
    if chunk_size is not None:
        return [text[i:i + chunk_size] for i in range(0, len(text), chunk_size)]
    if chunks is not None:
        size = -(-len(text) // chunks)  # ceiling: at most `chunks` pieces
        return [text[i:i + size] for i in range(0, len(text), size)]
    return _PIECES.findall(text)


@overload
def make_fim_stream(content: Content = ..., *, chunks: int | None = ...,
                    chunk_size: int | None = ..., as_sse: Literal[False] = ...,
                    response: object = ..., **kwargs: Any) -> list[CompletionChunk]: ...


@overload
def make_fim_stream(content: Content = ..., *, chunks: int | None = ...,
                    chunk_size: int | None = ..., as_sse: Literal[True],
                    response: object = ..., **kwargs: Any) -> str: ...


def make_fim_stream(
    content: Content = "    return a + b\n",
    *,
    chunks: int | None = None,
    chunk_size: int | None = None,
    as_sse: bool = False,
    response: object = None,
    **kwargs: Any,
) -> list[CompletionChunk] | str:
    """Build a valid stream whose assembly equals ``make_fim_response(content, **kwargs)``.

    Each choice's text is cut into ``chunks`` pieces, or pieces of
    ``chunk_size`` characters, or (by default) word by word, as the live
    API streams tokens; content given as a list of content chunks is sent one
    content chunk per event. The first chunk carries the role and lacks
    ``object``/``created`` (as on the wire); the last carries ``usage``.
    ``response=`` splits an existing response (any response input) instead.
    Returns chunk models, or SSE text ending in ``data: [DONE]`` with
    ``as_sse=True``.

    Raises ``ValueError`` for ``chunks``/``chunk_size`` below 1 or both
    given, or a ``response`` with ``**kwargs``, and what
    :func:`make_fim_response` raises for its arguments.

    >>> len(make_fim_stream("a b c", chunks=3))
    4
    """
    for name, value in (("chunks", chunks), ("chunk_size", chunk_size)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < 1):
            raise ValueError(f"{name} must be a positive int or None, got {shorten(value)}")
    if chunks is not None and chunk_size is not None:
        raise ValueError("give chunks (how many pieces) or chunk_size (characters a piece), "
                         "not both")
    if response is not None:
        if kwargs:
            raise ValueError(f"response= splits an existing response; it takes no "
                             f"make_fim_response keywords (got {', '.join(sorted(kwargs))})")
        from pytest_fim.validate import assert_valid_fim_response

        built = assert_valid_fim_response(response, strict=False)
    else:
        built = make_fim_response(content, **kwargs)
    data = built.model_dump(mode="json", by_alias=True, exclude_unset=True)
    stream = _split_response(data, chunks, chunk_size)
    if as_sse:
        return "".join(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
                       for chunk in stream) + "data: [DONE]\n\n"
    return _CHUNKS.validate_python(stream)


def _split_response(data: dict[str, Any], chunks: int | None, chunk_size: int | None
                    ) -> list[dict[str, Any]]:
    head = {"id": data["id"], "model": data["model"]}
    later = {**head, "object": "chat.completion.chunk"}
    if data.get("created") is not None:
        later["created"] = data["created"]
    extras = {key: value for key, value in data.items()
              if key not in FIMCompletionResponse.model_fields}
    out: list[dict[str, Any]] = []
    for choice in data.get("choices") or []:
        message = choice.get("message") or {}
        content = message.get("content")
        opening: dict[str, Any] = {"role": "assistant"}
        if isinstance(content, (str, list)):
            opening["content"] = content[:0]  # "" or []: the kind of content to come
        out.append({**(head if not out else later),
                    "choices": [{"index": choice["index"], "delta": opening,
                                 "finish_reason": None}]})
        if isinstance(content, list):
            deltas: list[dict[str, Any]] = [{"content": [chunk]} for chunk in content]
        else:
            deltas = [{"content": piece}
                      for piece in _split_text(content or "", chunks, chunk_size)]
        if message.get("tool_calls"):
            deltas.append({"tool_calls": message["tool_calls"]})
        if not deltas:
            deltas.append({})
        for number, delta in enumerate(deltas):
            final = number == len(deltas) - 1
            out.append({**later, "choices": [{
                "index": choice["index"], "delta": delta,
                "finish_reason": choice.get("finish_reason") if final else None}]})
    if not out:  # a response without choices is still a stream of one chunk
        out.append({**head, "choices": []})
    out[0].update(extras)
    if data.get("usage") is not None:
        out[-1]["usage"] = data["usage"]
    if "created" in later and "created" not in out[-1]:
        out[-1].update(later)
    return out


class FIMStreamFactory:
    """:func:`make_fim_stream` with deterministic ids drawn from a base seed.

    The n-th call without an explicit ``seed`` or ``response`` uses a seed
    made of ``base_seed`` and ``n``, like :class:`~pytest_fim.FIMResponseFactory`;
    the ``fim_stream_factory`` fixture is one, seeded by the test's id.
    Calling it takes and returns what :func:`make_fim_stream` does.

    >>> make = FIMStreamFactory("test_example")
    >>> assemble_fim_stream(make("a b")).id == assemble_fim_stream(
    ...     FIMStreamFactory("test_example")("a b")).id
    True
    """

    def __init__(self, base_seed: str) -> None:
        self.base_seed = base_seed
        self.calls = 0

    def __call__(self, content: Content = "    return a + b\n", **kwargs: Any) -> Any:
        """Build a stream; see :func:`make_fim_stream` for the arguments."""
        self.calls += 1
        if kwargs.get("response") is None:
            kwargs.setdefault("seed", f"{self.base_seed}#stream{self.calls}")
        return make_fim_stream(content, **kwargs)

    def __repr__(self) -> str:
        return f"FIMStreamFactory(base_seed={self.base_seed!r}, calls={self.calls})"
