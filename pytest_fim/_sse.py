"""Reading server-sent events: decode, split into events, parse their JSON in batches.

Private: :mod:`pytest_fim.stream` is the API. Raw SSE (text, bytes, lines or
byte chunks) becomes the JSON value of each event, a window of text at a time,
up to ``data: [DONE]``; :class:`Seen` keeps what reading found besides the
chunks (unreadable events, where ``[DONE]`` came, what followed it).
"""

from __future__ import annotations

import codecs
import gc
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic_core import from_json

from pytest_fim._response_checks import PROBLEM_LIMIT, summary_line
from pytest_fim.inputs import to_stream
from pytest_fim.problems import FIMAssertionError, Problem, shorten

__all__ = ["DONE", "UNREADABLE", "Seen", "read_stream"]

DONE = "[DONE]"

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
UNREADABLE: Any = object()


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
        raise FIMAssertionError(
            summary_line(1, False, "FIM stream"),
            [
                Problem(
                    "",
                    f"not valid UTF-8 near byte {consumed + exc.start}: "
                    f"{exc.object[exc.start : exc.start + 4]!r}",
                )
            ],
        ) from None
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


# Complexity past the cap on purpose: the per-line loop of every stream read, inlined.
def _sse_events(pieces: Sequence[str | bytes], seen: Seen) -> Iterator[list[str]]:  # noqa: C901
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
                    seen.note_after_done(events[offset + 1 :], seen.done_at + 1)
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
class Seen:
    """What reading raw SSE found besides the chunks."""

    events: int = 0
    done_at: int | None = None  # event number of the first [DONE]
    after_done: list[tuple[int, str]] = field(default_factory=list)
    bad_json: list[Problem] = field(default_factory=list)

    def note_after_done(self, events: list[str], first: int) -> None:
        """Keep (enough of) the events that came after ``[DONE]``, numbered."""
        room = PROBLEM_LIMIT - len(self.after_done)
        self.after_done.extend(enumerate(events[: max(room, 0)], start=first))


def _json_batches(windows: Iterator[list[str]], seen: Seen) -> Iterator[Any]:
    """Parse events' JSON a window at a time; an unreadable event becomes a
    problem and stands as :data:`UNREADABLE` in the chunks."""
    first = 1
    for events in windows:
        yield from _load_batch(events, first, seen)
        first += len(events)


def _load_batch(batch: list[str], first_number: int, seen: Seen) -> list[Any]:
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
            reason += (
                f"; its {text.count(chr(10)) + 1} data: lines were joined as one event "
                f"(a blank line ends an event)"
            )
        seen.bad_json.append(Problem(f"event {number}", f"{reason}: {shorten(text)}"))
        values.append(UNREADABLE)
    return values


_Consumed = TypeVar("_Consumed")


def read_stream(
    stream: object, consume: Callable[[Iterator[Any]], _Consumed]
) -> tuple[_Consumed, Seen | None]:
    """Hand the chunks of a stream of any accepted kind to ``consume``, as they are read.

    Returns what ``consume`` returns, and what reading raw SSE found besides
    the chunks (None for chunks given already parsed); an unreadable event is
    passed on as :data:`UNREADABLE`. Raises ``TypeError`` for input that is
    not a stream and :class:`FIMAssertionError` for bytes that are not UTF-8.
    """
    given = to_stream(stream)
    if given.chunks is not None:
        return consume(iter(given.chunks)), None
    seen = Seen()
    with _no_cyclic_gc():
        return consume(_json_batches(_sse_events(given.sse or [], seen), seen)), seen


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
