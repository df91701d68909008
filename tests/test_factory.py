from __future__ import annotations

import re
from typing import Any

import pytest
from _support import sdk_models
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_fim import (
    FIMResponseFactory,
    FIMStreamFactory,
    assemble_fim_stream,
    estimate_tokens,
    make_fim_response,
    validate_fim_response,
)
from pytest_fim.factory import seeded_ids
from pytest_fim.models import FINISH_REASONS

SDK_FINISH = [reason for reason in FINISH_REASONS if reason != "tool_calls"]
chunk_lists = st.lists(st.builds(lambda t: {"type": "text", "text": t}, st.text()), max_size=3)


@settings(max_examples=150, deadline=None)
@given(
    content=st.one_of(st.text(), chunk_lists),
    n=st.integers(1, 4),
    finish_reason=st.sampled_from(SDK_FINISH),
    prompt_tokens=st.none() | st.integers(0, 10**6),
    completion_tokens=st.none() | st.integers(0, 10**6),
    seed=st.none() | st.integers() | st.text(max_size=5),
    model=st.text(max_size=20),
)
def test_every_built_response_passes_strict_and_the_sdk(**kwargs: Any) -> None:
    response = make_fim_response(**kwargs)
    assert validate_fim_response(response, strict=True) == []
    usage = response.usage
    assert usage.total_tokens == (usage.prompt_tokens or 0) + (usage.completion_tokens or 0)
    assert re.fullmatch(r"[0-9a-f]{32}", response.id)
    assert response.object == "chat.completion"
    assert len(response.choices or ()) == kwargs["n"]
    sdk = sdk_models()
    sdk.FIMCompletionResponse.model_validate(response.model_dump(by_alias=True))


def test_seed_makes_ids_deterministic() -> None:
    first, again, other = (make_fim_response(seed=s) for s in (7, 7, 8))
    assert (first.id, first.created) == (again.id, again.created)
    assert first.id != other.id
    assert make_fim_response().id != make_fim_response().id


def test_explicit_fields_win() -> None:
    response = make_fim_response(
        "x",
        id="abc",
        created=5,
        prompt_tokens=3,
        completion_tokens=4,
        model="codestral-2508",
        service="x",
    )
    assert (response.id, response.created, response.model) == ("abc", 5, "codestral-2508")
    assert response.usage.total_tokens == 7
    assert response.model_extra == {"service": "x"}


def test_completion_tokens_are_estimated_from_content() -> None:
    short, long = make_fim_response("x"), make_fim_response("x = compute(a, b)\n" * 20)
    assert 0 < (short.usage.completion_tokens or 0) < (long.usage.completion_tokens or 0)
    assert estimate_tokens("") == 0
    assert make_fim_response("", n=1).usage.completion_tokens == 0


def test_content_chunks_and_text() -> None:
    response = make_fim_response([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}])
    assert response.text() == "ab"


def test_choices_give_full_control() -> None:
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": {"x": 1}}}
    response = make_fim_response(
        choices=[
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {"role": "assistant", "content": None, "tool_calls": [call]},
            }
        ]
    )
    assert response.choices is not None
    assert response.choices[0].message is not None
    assert response.choices[0].message.tool_calls is not None


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"n": 0}, ValueError, "n must be a positive int"),
        ({"finish_reason": "done"}, ValueError, "finish_reason must be one of"),
        ({"finish_reason": "tool_calls"}, ValueError, "needs tool calls"),
        ({"prompt_tokens": -1}, ValueError, "prompt_tokens must be a non-negative int"),
        ({"content": 5}, TypeError, "content must be a str or a list of content chunks"),
        ({"choices": "abc"}, TypeError, "choices must be a list"),
        (
            {"choices": [{"index": 3, "finish_reason": "stop"}]},
            ValueError,
            "choices\\[0\\].index: 3 is out of range",
        ),
    ],
)
def test_bad_arguments_are_clear(kwargs: dict[str, Any], error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says):
        make_fim_response(**kwargs)


def test_seeded_factory_counts_calls() -> None:
    factory = FIMResponseFactory("tests/a.py::test_x")
    ids = [factory().id, factory().id]
    again = FIMResponseFactory("tests/a.py::test_x")
    assert [again().id, again().id] == ids
    assert ids[0] != ids[1]
    assert factory(seed=1).id == make_fim_response(seed=1).id
    assert "calls=3" in repr(factory)


def test_both_seeded_factories_draw_the_seeds_they_always_drew() -> None:
    # Ids recorded in users' snapshots come from these seeds: the two factories
    # share one base, and must keep their seeds apart and their reprs their own.
    responses, streams = FIMResponseFactory("t"), FIMStreamFactory("t")
    assert [responses().id, responses().id] == [seeded_ids("t#1")[0], seeded_ids("t#2")[0]]
    assert assemble_fim_stream(streams("a b")).id == seeded_ids("t#stream1")[0]
    given = make_fim_response("c", seed="mine")
    assert assemble_fim_stream(streams(response=given)).id == given.id  # keeps its own ids
    assert assemble_fim_stream(streams("d")).id == seeded_ids("t#stream3")[0]
    assert repr(responses) == "FIMResponseFactory(base_seed='t', calls=2)"
    assert repr(streams) == "FIMStreamFactory(base_seed='t', calls=3)"
