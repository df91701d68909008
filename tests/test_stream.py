"""Streaming: parsing SSE, assembling, validating and building streams."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from _support import data_file, sdk_models
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_fim import (
    CompletionChunk,
    FIMAssertionError,
    assemble_fim_stream,
    assert_valid_fim_response,
    assert_valid_fim_stream,
    make_fim_response,
    make_fim_stream,
    parse_fim_sse,
    validate_fim_stream,
)

CHUNK = (
    '{"id": "a", "model": "m", "choices": [{"index": 0, "delta": {"content": "%s"}, '
    '"finish_reason": %s}]%s}'
)


def event(content: str, finish: str | None = None, usage: bool = False) -> str:
    tail = (
        ', "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}'
        if usage
        else ""
    )
    return CHUNK % (content, json.dumps(finish), tail)


def sse(*events: str, end: str = "\n\n", done: bool = True) -> str:
    body = "".join(f"data: {e}{end}" for e in events)
    return body + (f"data: [DONE]{end}" if done else "")


def problems(stream: object, *, strict: bool = False) -> list[str]:
    return [str(p) for p in validate_fim_stream(stream, strict=strict)]


def example() -> str:
    return data_file("stream_example.sse").read_text(encoding="utf-8")


# ---------------------------------------------------------------- parsing


def test_the_reference_stream(tmp_path: Path) -> None:
    text = example()
    chunks = parse_fim_sse(text)
    assert [type(c) for c in chunks] == [CompletionChunk] * 3
    assert chunks[0].object is None and chunks[1].created == 1759496862
    response = assert_valid_fim_stream(text, strict=True)
    assert response.text() == "    return a + b\n"
    assert response.usage.total_tokens == 21
    (tmp_path / "s.sse").write_text(text)
    assert assemble_fim_stream(tmp_path / "s.sse") == response


@pytest.mark.parametrize("end", ["\n\n", "\r\n\r\n", "\r\r"])
def test_event_boundaries(end: str) -> None:
    text = sse(event("a"), event("b", "stop", usage=True), end=end)
    assert assemble_fim_stream(text).text() == "ab"
    assert assemble_fim_stream(text.encode()).text() == "ab"


def test_events_split_across_byte_chunks_and_characters() -> None:
    raw = sse(event("hé"), event("€𝄞", "stop", usage=True)).encode()
    for size in (1, 2, 3, 5, 7):
        pieces = [raw[i : i + size] for i in range(0, len(raw), size)]
        assert assemble_fim_stream(iter(pieces)).text() == "hé€𝄞"


def test_lines_without_terminators_as_iter_lines_yields_them() -> None:
    lines = sse(event("a"), event("b", "stop", usage=True)).split("\n")
    assert assemble_fim_stream(lines).text() == "ab"


def test_field_forms_comments_bom_and_multiline_data() -> None:
    first = json.loads(event("x"))
    multi = json.dumps(json.loads(event("y", "stop", usage=True)), indent=1).split("\n")
    text = (
        "\ufeff: a comment\n"
        f"data:{json.dumps(first)}\n\n"
        "event: message\nid: 7\n" + "".join(f"data: {line}\n" for line in multi) + "\n"
        ": keep-alive\n\n"
        "data: [DONE]\n\n"
    )
    assert assemble_fim_stream(text).text() == "xy"


def test_malformed_json_names_the_event_and_shows_it() -> None:
    with pytest.raises(FIMAssertionError) as info:
        parse_fim_sse(sse(event("a"), '{"id": "a", "model": ' + "x" * 500))
    message = str(info.value)
    assert message.startswith("invalid FIM stream (1 problem):")
    assert "event 2: not valid JSON" in message and "…(+" in message
    assert len(message) < 400


def test_parse_stops_at_done() -> None:
    chunks = parse_fim_sse(sse(event("a", "stop")) + "data: {junk\n\n")
    assert len(chunks) == 1


def test_events_without_data_are_not_dispatched() -> None:
    text = "data:\n\nevent: ping\n\n: keep-alive\n\n" + sse(event("a", "stop", usage=True))
    assert assemble_fim_stream(text).text() == "a"
    assert len(parse_fim_sse(text)) == 1


def test_lines_as_requests_iter_lines_yields_them_bytes_without_ends() -> None:
    lines = [line.encode() for line in sse(event("é"), event("b", "stop", usage=True)).split("\n")]
    assert assemble_fim_stream(lines).text() == "éb"


def test_a_hand_written_list_of_data_lines_is_one_event_each() -> None:
    lines = [f"data: {event('a')}", f"data: {event('b', 'stop', usage=True)}", "data: [DONE]"]
    assert assemble_fim_stream(lines).text() == "ab"


def test_byte_chunks_of_a_stream_without_line_ends_are_joined_as_they_are() -> None:
    raw = f"data: {event('é', 'stop', usage=True)}".encode()
    for cut in (7, 14, 16, len(raw) - 1):  # 14: the second piece starts with `id"`
        assert assemble_fim_stream([raw[:cut], raw[cut:]]).text() == "é"


def test_an_unreadable_event_keeps_the_chunk_numbers_of_the_rest() -> None:
    role = {
        "id": "a",
        "model": "m",
        "choices": [{"index": 0, "delta": {"role": "user"}, "finish_reason": "stop"}],
    }
    text = sse(event("a"), "{bad", json.dumps(role))
    assert problems(text) == [
        "event 2: not valid JSON (Expecting property name enclosed in double quotes at "
        "line 1 column 2): '{bad'",
        "chunk 3: choices[0].delta.role: 'user' is not 'assistant'",
    ]


def test_events_without_a_blank_line_between_them_get_a_hint() -> None:
    text = f"data: {event('a', 'stop', usage=True)}\ndata: [DONE]\n\n"
    with pytest.raises(FIMAssertionError, match="its 2 data: lines were joined as one event"):
        parse_fim_sse(text)


def test_parse_reports_every_chunk_off_the_schema_in_a_long_stream() -> None:
    chunks = [c.model_dump(exclude_none=True) for c in make_fim_stream("a " * 1500, seed=1)]
    chunks[1400]["choices"][0]["delta"]["content"] = 5
    with pytest.raises(FIMAssertionError) as info:
        parse_fim_sse(chunks)
    assert [str(p) for p in info.value.problems] == [
        "chunk 1401: choices[0].delta.content: expected a string, a list of content chunks "
        "or null, got an integer 5"
    ]


def test_a_late_bad_chunk_among_many_doubtful_ones_is_found() -> None:
    # Content chunk lists always take the slow (pydantic) path: none may be skipped.
    content = [{"type": "text", "text": f"{i} "} for i in range(1500)]
    chunks = [c.model_dump(exclude_none=True) for c in make_fim_stream(content, seed=1)]
    chunks[1400]["choices"][0]["delta"]["content"][0]["text"] = 7
    found = problems(chunks)
    assert found == [
        "chunk 1401: choices[0].delta.content[0].text: expected a string, got an integer 7"
    ]


@pytest.mark.parametrize(
    "call",
    [
        {"index": [1], "function": "x"},
        {"id": ["x"], "function": {"name": "f", "arguments": "1"}},
        {"index": 0, "function": "s"},
    ],
)
def test_odd_tool_call_pieces_are_problems_not_crashes(call: dict[str, Any]) -> None:
    def chunk(finish: str | None) -> dict[str, Any]:
        return {
            "id": "a",
            "model": "m",
            "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": finish}],
        }

    found = problems([chunk(None), chunk("tool_calls")])
    assert found and all(p.startswith("assembled response: ") for p in found)


# ---------------------------------------------------------------- assembling


def test_sdk_completion_events() -> None:
    models = sdk_models()
    chunks = [json.loads(event("a")), json.loads(event("b", "stop", usage=True))]
    if hasattr(models, "CompletionEvent"):
        events = [models.CompletionEvent.model_validate({"data": c}) for c in chunks]
    else:  # pragma: no cover - SDKs without the wrapper
        events = [models.CompletionChunk.model_validate(c) for c in chunks]
    response = assemble_fim_stream(events)
    assert response.text() == "ab"
    assert_valid_fim_response(response)


def sdk_event(
    models: Any,
    content: str,
    finish: str | None = None,
    *,
    ident: str = "a",
    usage: bool = False,
    role: str | None = None,
) -> Any:
    """A CompletionEvent built the way the SDK builds one, from its own models."""
    delta = models.DeltaMessage(content=content, **({"role": role} if role else {}))
    chunk = models.CompletionChunk(
        id=ident,
        model="codestral-latest",
        created=1759496862,
        choices=[models.CompletionResponseStreamChoice(index=0, delta=delta, finish_reason=finish)],
        **(
            {"usage": models.UsageInfo(prompt_tokens=4, completion_tokens=2, total_tokens=6)}
            if usage
            else {}
        ),
    )
    return models.CompletionEvent(data=chunk)


def test_sdk_completion_events_built_from_the_sdks_models() -> None:
    models = sdk_models()
    if not hasattr(models, "CompletionEvent"):  # pragma: no cover - SDKs without the wrapper
        pytest.skip("this SDK has no CompletionEvent")
    events = [
        sdk_event(models, "", role="assistant"),
        sdk_event(models, "    return"),
        sdk_event(models, " a\n", "stop", usage=True),
    ]
    response = assert_valid_fim_stream(events, strict=True)
    assert response.text() == "    return a\n" and response.created == 1759496862
    assert response.usage.total_tokens == 6
    assert_valid_fim_response(response, strict=True)
    assert assemble_fim_stream(iter(events)) == response  # a generator, as stream() is


def test_problems_in_sdk_events_name_their_chunk() -> None:
    models = sdk_models()
    if not hasattr(models, "CompletionEvent"):  # pragma: no cover
        pytest.skip("this SDK has no CompletionEvent")
    events = [
        sdk_event(models, "a"),
        sdk_event(models, "b", ident="other"),
        sdk_event(models, "c", "stop", usage=True),
        sdk_event(models, "d"),
    ]
    assert problems(events) == [
        "chunk 2: id: 'other' differs from chunk 1's 'a'",
        "chunk 4: choices[0].delta: content for index 0 after it finished in chunk 3",
    ]


def test_content_chunks_tool_calls_and_choices() -> None:
    call = {
        "id": "c1",
        "type": "function",
        "index": 0,
        "function": {"name": "f", "arguments": '{"a":'},
    }
    more = {"index": 0, "function": {"arguments": " 1}"}}
    chunks = [
        {
            "id": "a",
            "model": "m",
            "choices": [
                {
                    "index": 1,
                    "delta": {"role": "assistant", "content": [{"type": "text", "text": "p"}]},
                    "finish_reason": None,
                },
                {"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": None},
            ],
        },
        {
            "id": "a",
            "model": "m",
            "created": 5,
            "choices": [
                {
                    "index": 1,
                    "delta": {"content": [{"type": "text", "text": "q"}]},
                    "finish_reason": "stop",
                },
                {"index": 0, "delta": {"tool_calls": [more]}, "finish_reason": "tool_calls"},
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        },
    ]
    response = assemble_fim_stream(chunks)
    assert response.created == 5
    choices = response.choices or []
    assert [c.index for c in choices] == [0, 1]
    assert choices[0].message and choices[0].message.tool_calls
    assert choices[0].message.tool_calls[0].function.arguments == '{"a": 1}'
    assert choices[1].message and choices[1].message.text() == "pq"
    assert isinstance(choices[1].message.content, list)


def test_a_stream_that_cannot_make_a_response_says_so() -> None:
    with pytest.raises(FIMAssertionError, match="assembled response: usage: required field"):
        assemble_fim_stream(sse(event("a", "stop")))


def test_mistral_style_tool_calls_each_whole_with_index_0_stay_apart() -> None:
    def chunk(ident: str, finish: str | None) -> dict[str, Any]:
        call = {"id": ident, "index": 0, "function": {"name": ident, "arguments": "{}"}}
        return {
            "id": "a",
            "model": "m",
            "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": finish}],
            **(
                {"usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
                if finish
                else {}
            ),
        }

    response = assemble_fim_stream([chunk("f", None), chunk("g", "tool_calls")])
    message = (response.choices or [])[0].message
    assert message and [c.function.name for c in message.tool_calls or []] == ["f", "g"]


def test_a_list_of_complete_responses_is_called_what_it_is() -> None:
    found = problems([make_fim_response("x", seed=1)])
    assert found[0] == (
        "chunk 1: a complete response, not a stream chunk (its choices carry "
        "message, not delta); check one response with "
        "assert_valid_fim_response"
    )


# ---------------------------------------------------------------- validating


def test_every_stream_rule() -> None:
    chunks = [c.model_dump() for c in make_fim_stream("a b c", seed=1)]
    chunks[1]["id"] = "other"
    chunks[1]["model"] = "other-model"
    chunks[2]["choices"][0]["delta"]["role"] = "user"
    chunks.append(json.loads(json.dumps(chunks[3])))
    chunks[4]["usage"]["total_tokens"] = 99
    found = problems(chunks)
    assert found == [
        "chunk 2: id: 'other' differs from chunk 1's 'ae2ab0260b537e7c7a65f0407a6e75f5'",
        "chunk 2: model: 'other-model' differs from chunk 1's 'codestral-latest'",
        "chunk 3: choices[0].delta.role: 'user' is not 'assistant'",
        "chunk 5: usage: usage sent again (first in chunk 4)",
        "chunk 5: usage.total_tokens: 99 != prompt_tokens + completion_tokens (16 + 5 = 21)",
        "chunk 5: choices[0].delta: content for index 0 after it finished in chunk 4",
        "chunk 5: choices[0].finish_reason: index 0 finished twice (first in chunk 4)",
    ]


def test_never_finished_and_schema_problems() -> None:
    chunks: list[Any] = [json.loads(event("a")), {"id": 3, "model": "m", "choices": "x"}]
    found = problems(chunks)
    assert "chunk 2: id: expected a string, got an integer 3" in found
    assert "chunk 2: choices: expected a list, got a string 'x'" in found
    assert "choices[0]: never finished: no chunk gave it a finish_reason" in found


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [
        (
            ("choices", 0, "delta", "tool_call_id"),
            5,
            "chunk 2: choices[0].delta.tool_call_id: expected a string, got an integer 5",
        ),
        (
            ("choices", 0, "delta", "metadata"),
            "x",
            "chunk 2: choices[0].delta.metadata: expected an object, got a string 'x'",
        ),
        (
            ("choices", 0, "finish_reason"),
            ["stop"],
            "chunk 2: choices[0].finish_reason: ['stop'] is not one of 'stop', 'length', "
            "'model_length', 'error', 'tool_calls'",
        ),
        (
            ("choices", 0, "index"),
            True,
            "chunk 2: choices[0].index: expected an integer, got a boolean True",
        ),
        (
            ("usage",),
            {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "service_tier": 5},
            "chunk 2: usage.service_tier: expected a string, got an integer 5",
        ),
    ],
)
def test_no_field_of_a_usual_looking_chunk_escapes_the_schema(
    where: tuple[Any, ...], value: Any, says: str
) -> None:
    chunks = [c.model_dump(exclude_none=True) for c in make_fim_stream("a b", seed=1)]
    *parents, last = where
    node = chunks[1]
    for part in parents:
        node = node[part]
    node[last] = value
    assert says in problems(chunks)


def test_data_after_done() -> None:
    text = sse(event("a", "stop", usage=True)) + f"data: {event('late')}\n\n"
    assert any("event 3: data after [DONE] (event 2)" in p for p in problems(text))


def test_strict_profile_rules() -> None:
    lenient_ok = sse(
        event("a", "model_length"),
        json.dumps(
            {
                "id": "a",
                "model": "m",
                "choices": [],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ),
        event("", None),
        done=False,
    )
    assert problems(lenient_ok) == []
    strict = problems(lenient_ok, strict=True)
    assert "the stream does not end with data: [DONE] (strict profile)" in strict
    assert any("usage must come on the final chunk (chunk 3)" in p for p in strict)
    assert any(
        "'model_length' is not one of 'stop', 'length', 'error', 'tool_calls'" in p for p in strict
    )


def test_the_strict_flag_reaches_streams(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_fim import assert_valid_fim_stream, make_fim_stream

        def test_it():
            assert_valid_fim_stream(make_fim_stream("x", seed=1, as_sse=True)
                                    .replace("data: [DONE]", ""))
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
    result = pytester.runpytest("--fim-strict")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*invalid FIM stream (1 problem, strict profile):",
            "*the stream does not end with data: [[]DONE] (strict*",
        ]
    )


def test_the_failure_a_user_reads(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_fim import assert_valid_fim_stream

        def chunk(content, finish=None, role=None, **more):
            delta = {"content": content, **({"role": role} if role else {})}
            return {"id": "cmpl-1", "model": "codestral-latest",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                    **more}

        def test_stream():
            usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 9}
            assert_valid_fim_stream([chunk("", role="assistant"), chunk("x", role="user"),
                                     chunk("y", "stop", usage=usage), chunk("z")])
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    shown = textwrap.dedent(
        "\n".join(line[1:] for line in result.outlines if line.startswith("E "))
    ).split("\n")
    assert shown == [
        "pytest_fim.FIMAssertionError: invalid FIM stream (3 problems):",
        "  chunk 2: choices[0].delta.role: 'user' is not 'assistant'",
        "  chunk 3: usage.total_tokens: 9 != prompt_tokens + completion_tokens (3 + 2 = 5)",
        "  chunk 4: choices[0].delta: content for index 0 after it finished in chunk 3",
    ]
    # The failing line of the user's test is shown, not the plugin's insides.
    assert "stream.py" not in result.stdout.str()


class AsyncEvents:
    """What client.fim.stream_async() gives: iterable only with ``async for``."""

    def __aiter__(self) -> AsyncEvents:
        return self

    async def __anext__(self) -> Any:
        raise StopAsyncIteration


@pytest.mark.parametrize(
    ("given", "error", "says"),
    [
        (5, TypeError, "expected a stream, got int 5"),
        (None, TypeError, "a stream is server-sent events as str or bytes"),
        (AsyncEvents(), TypeError, "Collect an async stream first"),
        ({"id": "x"}, TypeError, "For one complete response use assert_valid_fim_response"),
        ([object()], TypeError, "item 1 of the stream is object"),
        ("", AssertionError, "the stream had no events"),
        ([], AssertionError, "the stream had no events"),
        ("data: [DONE]\n\n", AssertionError, "no events before data: \\[DONE\\]"),
        (b"data: \xff\n\n", AssertionError, "not valid UTF-8"),
    ],
)
def test_bad_input(given: object, error: type[Exception], says: str) -> None:
    for function in (parse_fim_sse, assemble_fim_stream, assert_valid_fim_stream):
        with pytest.raises(error, match=says):
            function(given)


# ---------------------------------------------------------------- building


def test_make_fim_stream_shapes() -> None:
    chunks = make_fim_stream("one two three", seed=1)
    assert chunks[0].object is None and chunks[0].created is None  # as on the wire
    assert chunks[-1].usage is not None and chunks[-1].choices[0].finish_reason == "stop"
    assert [c.choices[0].delta.content for c in chunks] == ["", "one", " two", " three"]
    assert len(make_fim_stream("abcdef", chunk_size=2, seed=1)) == 4
    assert len(make_fim_stream("abcdef", chunks=2, seed=1)) == 3
    text = make_fim_stream("x", as_sse=True, seed=1)
    assert text.endswith("data: [DONE]\n\n") and text.startswith("data: {")
    assert assemble_fim_stream(text) == make_fim_response("x", seed=1)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"chunks": 0}, "chunks must be a positive int"),
        ({"chunk_size": -1}, "chunk_size must be a positive int"),
        ({"chunks": 1, "chunk_size": 1}, "not both"),
        ({"response": {"id": "x"}, "n": 2}, "takes no make_fim_response keywords"),
    ],
)
def test_make_fim_stream_bad_arguments(kwargs: dict[str, Any], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        make_fim_stream(**kwargs)


content = st.text(max_size=60) | st.lists(
    st.builds(lambda t: {"type": "text", "text": t}, st.text(max_size=10)), max_size=3
)


splits = st.sampled_from([{}, {"chunks": 3}, {"chunk_size": 1}, {"chunk_size": 7}])


@settings(max_examples=120, deadline=None)
@given(
    content=content,
    n=st.integers(1, 3),
    finish=st.sampled_from(["stop", "length", "model_length", "error"]),
    split=splits,
    seed=st.integers(0, 10),
    extra=st.dictionaries(
        st.sampled_from(["system_fingerprint", "service_tier"]), st.text(max_size=5), max_size=1
    ),
)
def test_round_trip(
    content: Any, n: int, finish: str, split: dict[str, Any], seed: int, extra: dict[str, Any]
) -> None:
    response = make_fim_response(content, n=n, finish_reason=finish, seed=seed, **extra)
    assert assemble_fim_stream(make_fim_stream(response=response, **split)) == response
    sse_text = make_fim_stream(response=response, as_sse=True, **split)
    # model_length is a response finish_reason, not one the chunk enum has, and
    # the strict profile rejects fields outside the schema.
    strict = finish != "model_length" and not extra
    assert assert_valid_fim_stream(sse_text, strict=strict) == response


tool_call = st.builds(
    lambda name, args, with_id: {
        "type": "function",
        "function": {"name": name, "arguments": args},
        **({"id": name + "-1"} if with_id else {}),
    },
    st.text("abcdef", min_size=1, max_size=6),
    st.text(max_size=12),
    st.booleans(),
)
choice_parts = st.tuples(
    content | st.none(),
    st.lists(tool_call, max_size=3),
    st.sampled_from(["stop", "length", "error"]),
)


@settings(max_examples=80, deadline=None)
@given(parts=st.lists(choice_parts, min_size=1, max_size=3), split=splits, seed=st.integers(0, 10))
def test_round_trip_of_choices_of_their_own(
    parts: list[tuple[Any, list[Any], str]], split: dict[str, Any], seed: int
) -> None:
    choices = [
        {
            "index": index,
            "finish_reason": "tool_calls" if calls else finish,
            "message": {
                "role": "assistant",
                "content": text,
                "tool_calls": calls or None,
                "prefix": False,
            },
        }
        for index, (text, calls, finish) in enumerate(parts)
    ]
    response = make_fim_response(choices=choices, seed=seed)
    sse_text = make_fim_stream(response=response, as_sse=True, **split)
    assert assert_valid_fim_stream(sse_text, strict=True) == response
    assert assemble_fim_stream(parse_fim_sse(sse_text)) == response


@settings(max_examples=80, deadline=None)
@given(
    text=st.text(max_size=40),
    cuts=st.lists(st.integers(0, 10_000), max_size=8),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_byte_split_parses_the_same(text: str, cuts: list[int], end: str) -> None:
    whole = make_fim_stream(text, chunk_size=3, seed=1, as_sse=True)
    raw = whole.replace("\n", end).encode()
    points = sorted({c % (len(raw) + 1) for c in cuts})
    pieces = [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]
    assert parse_fim_sse(pieces) == parse_fim_sse(whole)
    assert assemble_fim_stream(pieces) == assemble_fim_stream(whole)


def test_stream_factory_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_fim import assemble_fim_stream

        def test_one(fim_stream_factory):
            first, second = fim_stream_factory("a b"), fim_stream_factory("a b", as_sse=True)
            assert assemble_fim_stream(first).text() == "a b"
            assert assemble_fim_stream(second).id != assemble_fim_stream(first).id
            print("\\nID", assemble_fim_stream(first).id)
        """
    )
    ids = []
    for _ in range(2):
        result = pytester.runpytest("-s")
        result.assert_outcomes(passed=1)
        ids.append([line for line in result.outlines if line.startswith("ID")])
    assert ids[0] == ids[1] and ids[0]


def test_chunk_dicts_holding_models_are_read_as_their_data() -> None:
    from pytest_fim import DeltaMessage

    chunks = [json.loads(event("", None)), json.loads(event("x", "stop", usage=True))]
    for chunk, text in zip(chunks, ("def ", "f(): pass"), strict=True):
        chunk["choices"][0]["delta"] = DeltaMessage(content=text)
    assert assemble_fim_stream(chunks).text() == "def f(): pass"
    assert problems(chunks) == []


def test_an_http_error_response_is_not_a_stream() -> None:
    httpx = pytest.importorskip("httpx")
    response = httpx.Response(
        429,
        json={
            "object": "error",
            "message": "Requests rate limit exceeded",
            "type": "rate_limited",
            "code": None,
        },
    )
    says = "HTTP 429 response, not a FIM stream: Requests rate limit exceeded (type rate_limited)"
    assert problems(response) == [says]
    for function in (parse_fim_sse, assemble_fim_stream, assert_valid_fim_stream):
        with pytest.raises(FIMAssertionError, match=re.escape(says)):
            function(response)


def test_an_error_event_inside_a_stream_is_named() -> None:
    error = {
        "object": "error",
        "message": "Internal server error",
        "type": "internal_server_error",
        "param": None,
        "code": None,
    }
    assert problems(sse(event("x"), json.dumps(error))) == [
        "chunk 2: the API's error, not a stream chunk: Internal server error "
        "(type internal_server_error)",
        "choices[0]: never finished: no chunk gave it a finish_reason",
    ]


def test_a_text_completion_stream_is_named_once() -> None:
    head = '{"id": "a", "object": "text_completion", "model": "m", "choices": [{"index": 0, '
    stream = sse(
        *(
            head + f'"text": "{word}", "finish_reason": {finish}}}]}}'
            for word, finish in (("x", "null"), ("y", "null"), ("z", '"stop"'))
        )
    )
    said = [
        "chunk 1: choices[0].text: an OpenAI-style text completion (object "
        "'text_completion', as LiteLLM returns it), not Mistral's FIM shape: the FIM "
        "content belongs in choices[0].delta.content"
    ]
    assert problems(stream) == said
    for function in (parse_fim_sse, assemble_fim_stream):
        with pytest.raises(FIMAssertionError) as info:
            function(stream)
        assert [str(p) for p in info.value.problems] == said


def test_lone_surrogates_in_sse_text_are_read_as_text() -> None:
    # pydantic-core cannot take such text as UTF-8; the events are read one at a time.
    stream = sse(event("a\ud800"), event("b\udfff", "stop", usage=True))
    assert assemble_fim_stream(stream).text() == "a\ud800b\udfff"
    assert [c.choices[0].delta.content for c in parse_fim_sse(stream)] == ["a\ud800", "b\udfff"]
    assert problems(stream) == []
    assert problems(sse('{"id": "\ud800')) == [
        "event 1: not valid JSON (Unterminated string starting at at line 1 column 8): "
        '\'{"id": "\\ud800\''
    ]
