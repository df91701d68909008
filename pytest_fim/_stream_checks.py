"""The rules of a stream as a whole, and of each chunk's schema.

Private: :mod:`pytest_fim.stream` is the API. Chunks that surely fit the schema
are told apart cheaply (:func:`plain_chunk`); the others go to pydantic, whose
errors are put in our words and named by their chunk (:func:`schema_problems`).
:func:`stream_problems` lists a read stream's problems in stream order: what
reading raw SSE found, then the chunks' schema, then the rules the
:class:`~pytest_fim._fold.Reader` noted on the way and those judged at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from pytest_fim._response_checks import PROBLEM_LIMIT, not_fim_shape, text_completion_choice
from pytest_fim._schema import USAGE_COUNT_KEYS, from_pydantic
from pytest_fim.inputs import api_error
from pytest_fim.models import FINISH_REASONS, CompletionChunk
from pytest_fim.paths import PathParts, format_path
from pytest_fim.problems import Problem, shorten

if TYPE_CHECKING:
    from pytest_fim._fold import Reader
    from pytest_fim._sse import Seen

__all__ = [
    "CHUNKS",
    "chunk_problem",
    "no_events",
    "plain_chunk",
    "schema_problems",
    "sse_problems",
    "stream_problems",
]

#: Validates a list of chunks in one call.
CHUNKS: TypeAdapter[list[CompletionChunk]] = TypeAdapter(list[CompletionChunk])

_OPTIONAL_INT = (int, type(None))
_OPTIONAL_STR = (str, type(None))
_FINISH_REASONS = frozenset(FINISH_REASONS)
_PLAIN_DELTA_KEYS = frozenset({"role", "content"})


def plain_chunk(chunk: Any) -> bool:
    """True for a chunk that surely fits the schema: the usual shape, text content only.

    False means "ask pydantic", not "invalid".
    """
    if (
        type(chunk) is not dict
        or type(chunk.get("id")) is not str
        or type(chunk.get("model")) is not str
        or type(chunk.get("choices")) is not list
        or type(chunk.get("object")) not in _OPTIONAL_STR
        or type(chunk.get("created")) not in _OPTIONAL_INT
    ):
        return False
    usage = chunk.get("usage")
    if usage is not None and not (
        type(usage) is dict
        and usage.keys() <= USAGE_COUNT_KEYS
        and all(type(count) is int and count >= 0 for count in usage.values())
    ):
        return False
    for choice in chunk["choices"]:
        if type(choice) is not dict:
            return False
        index, delta, reason = choice.get("index"), choice.get("delta"), choice.get("finish_reason")
        # Any other delta field (tool calls, metadata, ...) is for pydantic to judge.
        if (
            type(index) is not int
            or index < 0
            or type(delta) is not dict
            or delta.keys() - _PLAIN_DELTA_KEYS
            or (reason is not None and (type(reason) is not str or reason not in _FINISH_REASONS))
            or type(delta.get("content")) not in _OPTIONAL_STR
            or type(delta.get("role")) not in _OPTIONAL_STR
        ):
            return False
    return True


def chunk_problem(number: int | None, path: PathParts, message: str) -> Problem:
    """A problem at ``path`` inside the chunk at ``number`` (counted from 0, named
    from 1), or at the stream itself when ``number`` is None."""
    where = format_path(path)
    if number is None:
        return Problem(where, message)
    label = f"chunk {number + 1}"
    return Problem(f"{label}: {where}" if where else label, message)


#: Chunks handed to pydantic at a time when looking for schema problems.
_SCHEMA_BATCH = 256


def schema_problems(numbered: list[tuple[int, Any]]) -> list[Problem]:
    """Schema problems of ``(position, chunk)`` pairs, in pydantic's words, each
    named by its chunk; every chunk is checked until enough problems are found."""
    found: list[Problem] = []
    # What a chunk's errors would only echo: a chunk that is the API's error body
    # (all of it), a choice in OpenAI's text completion form (its missing delta).
    explained: set[tuple[int | str, ...]] = set()
    text_form_said = False
    for start in range(0, len(numbered), _SCHEMA_BATCH):
        batch = numbered[start : start + _SCHEMA_BATCH]
        try:
            CHUNKS.validate_python([chunk for _, chunk in batch])
        except ValidationError as exc:
            found.extend(
                chunk_problem(
                    position,
                    (),
                    "a complete response, not a stream chunk "
                    "(its choices carry message, not delta); "
                    "check one response with "
                    "assert_valid_fim_response",
                )
                for position, chunk in batch
                if _looks_like_response(chunk)
            )
            for slot, (number, chunk) in enumerate(batch):
                if type(chunk) is not dict:
                    continue
                said = api_error(chunk)
                if said is not None:
                    found.append(
                        chunk_problem(number, (), f"the API's error, not a stream chunk: {said}")
                    )
                    explained.add((slot,))
                    continue
                choices = chunk.get("choices")
                foreign = text_completion_choice(chunk, "delta")
                if foreign is None or type(choices) is not list:
                    continue
                if not text_form_said:  # once: every chunk of such a stream has the form
                    text_form_said = True
                    found.append(
                        chunk_problem(
                            number,
                            ("choices", foreign, "text"),
                            not_fim_shape(chunk, foreign, "delta"),
                        )
                    )
                explained.update(
                    (slot, "choices", index, "delta")
                    for index, choice in enumerate(choices)
                    if type(choice) is dict and "delta" not in choice and "text" in choice
                )
            for error in exc.errors(include_url=False):
                loc = error["loc"]
                if loc[:1] in explained or tuple(loc) in explained:
                    continue
                position = batch[loc[0]][0] if loc and isinstance(loc[0], int) else None
                inner = dict(error, loc=loc[1:]) if position is not None else error
                path, message = from_pydantic(inner)  # type: ignore[arg-type]
                found.append(chunk_problem(position, path, message))
                if len(found) >= PROBLEM_LIMIT:
                    return found
        except RecursionError:
            found.append(Problem("", "nested too deeply to validate"))
            return found
    return found


def _looks_like_response(chunk: Any) -> bool:
    choices = chunk.get("choices") if type(chunk) is dict else None
    return type(choices) is list and any(
        type(choice) is dict and "message" in choice and "delta" not in choice for choice in choices
    )


def sse_problems(seen: Seen | None, count: int, *, strict: bool, full: bool) -> list[Problem]:
    """What reading raw SSE found: unreadable events; with ``full``, data after
    ``[DONE]`` and (strict profile) a stream of ``count`` chunks without it."""
    if seen is None:
        return []
    problems = list(seen.bad_json)
    if full:  # reading stops at [DONE]; only validation cares what follows
        problems.extend(
            Problem(f"event {number}", f"data after [DONE] (event {seen.done_at}): {shorten(data)}")
            for number, data in seen.after_done[:PROBLEM_LIMIT]
        )
        if strict and seen.done_at is None and count:
            problems.append(
                Problem("", "the stream does not end with data: [DONE] (strict profile)")
            )
    return problems


def no_events(seen: Seen | None) -> Problem:
    """The problem of a stream that had no events."""
    if seen is not None and seen.done_at is not None:
        return Problem("", "the stream had no events before data: [DONE]")
    return Problem(
        "", "the stream had no events (expected data: {chunk} events, ending with data: [DONE])"
    )


def stream_problems(reader: Reader, seen: Seen | None, *, full: bool) -> list[Problem]:
    """Problems in stream order: unreadable events, then chunk schema, then (with
    ``full``) the rules; without ``full``, only what stops the stream assembling."""
    problems = sse_problems(seen, reader.count, strict=reader.strict, full=full)
    if not reader.count and not problems:
        return [no_events(seen)]
    problems.extend(schema_problems(reader.doubtful))
    if full:
        problems.extend(reader.problems)
        problems.extend(_end_problems(reader))
    return problems


def _end_problems(reader: Reader) -> list[Problem]:
    """The rules that can only be judged once the stream has ended."""
    found = [
        Problem(f"choices[{index}]", "never finished: no chunk gave it a finish_reason")
        for index, state in sorted(reader.states.items())
        if state.finished_in is None
    ]
    if reader.strict and reader.usage_at is None:
        found.append(
            Problem("usage", "no chunk carries usage (strict profile: the final chunk must)")
        )
    elif reader.strict and reader.usage_at is not None and reader.usage_at != reader.count - 1:
        found.append(
            chunk_problem(
                reader.usage_at,
                ("usage",),
                f"usage must come on the final chunk (chunk {reader.count}) (strict profile)",
            )
        )
    return found
