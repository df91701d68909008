"""Folding stream chunks, one at a time, into the response they make.

Private: :mod:`pytest_fim.stream` is the API. A :class:`Reader` keeps only what
the response needs (each choice's content pieces and tool calls, the first
chunk, usage); the rules that can be judged as a chunk arrives (``id`` or
``model`` changing, content after a choice finished, usage sent twice) are
noted on the way, so a stream is read once however long it is.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pytest_fim._response_checks import PROBLEM_LIMIT, usage_arithmetic
from pytest_fim._sse import UNREADABLE, Seen, read_stream
from pytest_fim._stream_checks import chunk_problem, plain_chunk
from pytest_fim.models import CHUNK_FINISH_REASONS, CompletionChunk
from pytest_fim.paths import PathParts
from pytest_fim.problems import Problem, shorten

__all__ = ["Reader", "fold_stream"]

_CHUNK_FIELDS = frozenset(CompletionChunk.model_fields)


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
            if isinstance(function.get("arguments"), str) and isinstance(
                more.get("arguments"), str
            ):
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
        return "".join(part if isinstance(part, str) else _chunk_text(part) for part in self.parts)


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
    return "".join(
        str(chunk.get("text") or "")
        for chunk in chunks
        if isinstance(chunk, dict) and chunk.get("type") == "text"
    )


class Reader:
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
        # Chunks the quick check could not pass, for pydantic to judge at the end.
        self.doubtful: list[tuple[int, Any]] = []
        self.problems: list[Problem] = []

    def read(self, chunks: Iterator[Any]) -> None:
        """Fold every chunk of ``chunks``, in order."""
        for chunk in chunks:
            self.add(chunk)

    # Complexity past the cap on purpose: runs once a chunk, so its branches stay inline.
    def add(self, chunk: Any) -> None:  # noqa: C901
        """Fold one chunk (any JSON value: the schema is judged apart)."""
        position = self.count
        self.count += 1
        if not plain_chunk(chunk):
            if chunk is UNREADABLE:  # already reported; it still counts as an event
                return
            self.doubtful.append((position, chunk))
            if type(chunk) is not dict:
                return
        if self.first is None:
            self.first = chunk
        else:
            for name in ("id", "model"):
                if name in chunk and name in self.first and chunk[name] != self.first[name]:
                    self._report(
                        position,
                        (name,),
                        f"{shorten(chunk[name])} differs from "
                        f"chunk 1's {shorten(self.first[name])}",
                    )
        if self.created is None and chunk.get("created") is not None:
            self.created = chunk["created"]
        usage = chunk.get("usage")
        if usage is not None:
            self.usage = usage
            if self.usage_at is not None:
                self._report(
                    position, ("usage",), f"usage sent again (first in chunk {self.usage_at + 1})"
                )
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
            self._report(
                position, ("choices", slot, "delta", "role"), f"{shorten(role)} is not 'assistant'"
            )
        content = delta.get("content")
        calls = delta.get("tool_calls")
        if state.finished_in is not None and (content or calls):
            self._report(
                position,
                ("choices", slot, "delta"),
                f"content for index {index} after it finished in chunk {state.finished_in + 1}",
            )
        if content is not None:
            state.parts.append(content)
        if calls and type(calls) is list:
            state.add_tool_calls(calls)
        reason = choice.get("finish_reason")
        if reason is None:
            return
        state.finish_reason = reason if type(reason) is str else None
        if state.finished_in is not None:
            self._report(
                position,
                ("choices", slot, "finish_reason"),
                f"index {index} finished twice (first in chunk {state.finished_in + 1})",
            )
        else:
            state.finished_in = position
        if self.strict and reason not in CHUNK_FINISH_REASONS:
            self._report(
                position,
                ("choices", slot, "finish_reason"),
                f"{shorten(reason)} is not one of "
                f"{', '.join(map(repr, CHUNK_FINISH_REASONS))} "
                f"(strict profile: the chunk enum)",
            )

    def _report(self, position: int | None, path: PathParts, message: str) -> None:
        if len(self.problems) < PROBLEM_LIMIT:
            self.problems.append(chunk_problem(position, path, message))

    def response_data(self) -> dict[str, Any]:
        """The response the chunks make (not yet validated)."""
        first = self.first or {}
        data: dict[str, Any] = {
            "id": first.get("id"),
            "object": "chat.completion",
            "model": first.get("model"),
            "choices": [
                {
                    "index": index,
                    "message": {
                        "role": "assistant",
                        "content": state.content(),
                        "tool_calls": state.tool_calls or None,
                        "prefix": False,
                    },
                    **({"finish_reason": state.finish_reason} if state.finish_reason else {}),
                }
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


def fold_stream(stream: object, strict: bool) -> tuple[Reader, Seen | None]:
    """Read a stream of any accepted kind through a :class:`Reader`.

    Raises what :func:`~pytest_fim._sse.read_stream` raises.
    """
    reader = Reader(strict)
    _, seen = read_stream(stream, reader.read)
    return reader, seen
