"""Streamed FIM completions: parse server-sent events, validate, assemble.

With ``"stream": true`` the FIM endpoint answers with server-sent events,
``data: {chunk}`` each, ending with ``data: [DONE]``. This module reads such
a stream (text, bytes, lines, byte chunks, chunk dicts or models), checks it
as a whole, and joins it into the :class:`FIMCompletionResponse` it stands
for; :func:`~pytest_fim.factory.make_fim_stream` builds valid streams for tests.

Problems found in a stream name the chunk (counted from 1, as the events
arrive) and the path inside it: ``chunk 3: choices[0].delta.role: ...``.

The work is done in private modules, one per concern: reading SSE
(``_sse``), folding chunks into a response (``_fold``) and the rules of a
stream (``_stream_checks``); building streams lives in :mod:`pytest_fim.factory`.
"""

from __future__ import annotations

from pydantic import ValidationError

from pytest_fim._fold import fold_stream
from pytest_fim._response_checks import check_response, resolve_strict, summary_line
from pytest_fim._sse import UNREADABLE, read_stream
from pytest_fim._stream_checks import (
    CHUNKS,
    no_events,
    schema_problems,
    sse_problems,
    stream_problems,
)
from pytest_fim._text import plural

# Built in factory.py with the responses; named here too, where they always were.
from pytest_fim.factory import FIMStreamFactory, make_fim_stream
from pytest_fim.models import CompletionChunk, FIMCompletionResponse
from pytest_fim.problems import FIMAssertionError, Problem

__all__ = [
    "FIMStreamFactory",
    "assemble_fim_stream",
    "assert_valid_fim_stream",
    "make_fim_stream",
    "parse_fim_sse",
    "validate_fim_stream",
]

#: What a stream's failure calls it.
_STREAM = "FIM stream"


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
    chunks, seen = read_stream(data, list)
    problems = sse_problems(seen, len(chunks), strict=False, full=False)
    if not chunks and not problems:
        problems = [no_events(seen)]
    if not problems:
        try:
            return CHUNKS.validate_python(chunks)
        except (ValidationError, RecursionError):
            pass  # said below, chunk by chunk, in our words
    problems.extend(
        schema_problems(
            [(number, chunk) for number, chunk in enumerate(chunks) if chunk is not UNREADABLE]
        )
    )
    raise FIMAssertionError(summary_line(len(problems), False, _STREAM), problems)


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
    reader, seen = fold_stream(stream, strict=False)
    problems = stream_problems(reader, seen, full=False)
    if problems:
        raise FIMAssertionError(summary_line(len(problems), False, _STREAM), problems)
    model, response_problems = check_response(reader.response_data(), strict=False)
    if response_problems or model is None:
        raise FIMAssertionError(
            f"the FIM stream does not assemble into a valid response "
            f"({plural(len(response_problems), 'problem')}; assert_valid_fim_stream checks "
            f"the stream itself):",
            _assembled(response_problems),
        )
    return model


def _assembled(problems: list[Problem]) -> list[Problem]:
    return [
        Problem(f"assembled response: {p.path}" if p.path else "assembled response", p.message)
        for p in problems
    ]


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


def assert_valid_fim_stream(stream: object, *, strict: bool | None = None) -> FIMCompletionResponse:
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
        raise FIMAssertionError(summary_line(len(problems), use_strict, _STREAM), problems)
    return model


def _check_stream(
    stream: object, strict: bool
) -> tuple[FIMCompletionResponse | None, list[Problem]]:
    try:
        reader, seen = fold_stream(stream, strict)
    except FIMAssertionError as exc:  # bytes that are not UTF-8
        return None, exc.problems
    problems = stream_problems(reader, seen, full=True)
    if problems:
        return None, problems
    model, response_problems = check_response(reader.response_data(), strict=strict)
    return model, _assembled(response_problems)
