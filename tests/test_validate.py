from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from _support import sdk_models

from pytest_fim import (
    FIMAssertionError,
    FIMCompletionResponse,
    assert_valid_fim_response,
    make_fim_response,
    validate_fim_response,
)


def messages(response: Any, *, strict: bool = False) -> dict[str, str]:
    return {p.path: p.message for p in validate_fim_response(response, strict=strict)}


@pytest.mark.parametrize("strict", [False, True])
def test_reference_examples_are_valid(
    official: dict[str, Any], documented: dict[str, Any], strict: bool
) -> None:
    assert validate_fim_response(official, strict=strict) == []
    model = assert_valid_fim_response(documented, strict=strict)
    assert isinstance(model, FIMCompletionResponse)
    assert model.text() == "    return a + b\n"


def test_the_issue_example_message(documented: dict[str, Any]) -> None:
    bad = copy.deepcopy(documented)
    bad["usage"] = {"prompt_tokens": 16, "completion_tokens": 102, "total_tokens": 100}
    bad["choices"][0]["finish_reason"] = "done"
    with pytest.raises(FIMAssertionError) as info:
        assert_valid_fim_response(bad)
    assert str(info.value) == (
        "invalid FIM completion response (2 problems):\n"
        "  usage.total_tokens: 100 != prompt_tokens + completion_tokens (16 + 102 = 118)\n"
        "  choices[0].finish_reason: 'done' is not one of 'stop', 'length', 'model_length', "
        "'error', 'tool_calls'"
    )
    assert [(p.path, p.message[:3]) for p in info.value.problems] == [
        ("usage.total_tokens", "100"),
        ("choices[0].finish_reason", "'do"),
    ]


def test_lenient_profile_is_the_documented_schema(documented: dict[str, Any]) -> None:
    minimal = {"id": "x", "object": "whatever", "model": "m", "usage": {}, "future": 1}
    assert validate_fim_response(minimal) == []
    del documented["created"], documented["choices"][0]["message"]["prefix"]
    documented["choices"][0]["logprobs"] = None
    assert validate_fim_response(documented) == []


@pytest.mark.parametrize(
    ("mutate", "path", "says"),
    [
        (lambda d: d.pop("id"), "id", "required field is missing"),
        (lambda d: d.pop("usage"), "usage", "required field is missing"),
        (lambda d: d.update(model=3), "model", "expected a string, got an integer 3"),
        (lambda d: d.update(created="now"), "created", "expected an integer"),
        (
            lambda d: d["usage"].update(prompt_tokens=True),
            "usage.prompt_tokens",
            "expected an integer, got a boolean True",
        ),
        (
            lambda d: d["usage"].update(prompt_tokens="16"),
            "usage.prompt_tokens",
            "expected an integer, got a string '16'",
        ),
        (
            lambda d: d["usage"].update(prompt_tokens=16.0),
            "usage.prompt_tokens",
            "expected an integer",
        ),
        (
            lambda d: d["usage"].update(prompt_tokens=-16, total_tokens=18),
            "usage.prompt_tokens",
            "must not be negative, got -16",
        ),
        (
            lambda d: d["usage"].update(total_tokens=51),
            "usage.total_tokens",
            "51 != prompt_tokens + completion_tokens (16 + 34 = 50)",
        ),
        (
            lambda d: d["choices"][0].update(index=1),
            "choices[0].index",
            "1 is out of range: 1 choice must have indexes 0..0",
        ),
        (
            lambda d: d["choices"][0].pop("finish_reason"),
            "choices[0].finish_reason",
            "required field is missing",
        ),
        (
            lambda d: d["choices"][0].update(finish_reason=None),
            "choices[0].finish_reason",
            "None is not one of",
        ),
        (
            lambda d: d["choices"][0]["message"].update(role="user"),
            "choices[0].message.role",
            "'user' is not one of 'assistant'",
        ),
        (
            lambda d: d["choices"][0]["message"].update(content=5),
            "choices[0].message.content",
            "expected a string, a list of content chunks or null, got an integer 5",
        ),
        (
            lambda d: d["choices"][0]["message"].update(content=[{"type": "text", "text": 1}]),
            "choices[0].message.content[0].text",
            "expected a string",
        ),
        (
            lambda d: d["choices"][0].update(finish_reason="tool_calls"),
            "choices[0].message.tool_calls",
            "finish_reason is 'tool_calls' but the message has no",
        ),
        (lambda d: d.update(choices={"index": 0}), "choices", "expected a list"),
        (lambda d: d["choices"].append(7), "choices[1]", "expected an object, got an integer"),
    ],
)
def test_each_rule_names_its_place(
    documented: dict[str, Any], mutate: Any, path: str, says: str
) -> None:
    mutate(documented)
    found = messages(documented)
    assert path in found, found
    assert says in found[path]


def test_duplicate_indexes_are_named() -> None:
    data = make_fim_response(n=2).model_dump()
    data["choices"][1]["index"] = 0
    assert messages(data)["choices[1].index"] == (
        "0 is already the index of choices[0]: indexes must be unique"
    )


def test_tool_calls_finish_with_tool_calls_is_valid() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    response = make_fim_response(
        choices=[
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {"role": "assistant", "content": None, "tool_calls": [call]},
            }
        ]
    )
    assert validate_fim_response(response, strict=True) == []


def test_every_problem_is_listed_at_once(documented: dict[str, Any]) -> None:
    documented["id"] = None
    documented["usage"]["completion_tokens"] = -1
    documented["choices"][0]["finish_reason"] = "eos"
    documented["choices"][0]["message"]["role"] = "system"
    found = messages(documented)
    assert list(found) == [
        "id",
        "usage.completion_tokens",
        "usage.total_tokens",
        "choices[0].message.role",
        "choices[0].finish_reason",
    ]


@pytest.mark.parametrize(
    ("mutate", "path", "says"),
    [
        (lambda d: d.pop("created"), "created", "required field is missing (strict profile"),
        (lambda d: d.update(created=None), "created", "required field is missing"),
        (lambda d: d.pop("choices"), "choices", "required field is missing (strict profile"),
        (lambda d: d["choices"][0].pop("message"), "choices[0].message", "required field"),
        (lambda d: d["usage"].pop("total_tokens"), "usage.total_tokens", "required field"),
        (
            lambda d: d.update(object="text_completion"),
            "object",
            "'text_completion' != 'chat.completion'",
        ),
        (
            lambda d: d.update(created=1702256327000),
            "created",
            "1702256327000 looks like milliseconds; expected Unix seconds",
        ),
        (lambda d: d.update(surprise=1), "surprise", "unknown field"),
        (lambda d: d["usage"].update(cached_tokens=0), "usage.cached_tokens", "unknown field"),
        (
            lambda d: d["choices"][0]["message"].update(reasoning="x"),
            "choices[0].message.reasoning",
            "unknown field",
        ),
    ],
)
def test_strict_profile_rules(
    documented: dict[str, Any], mutate: Any, path: str, says: str
) -> None:
    mutate(documented)
    assert path not in messages(documented, strict=False)
    found = messages(documented, strict=True)
    assert path in found, found
    assert says in found[path]


def test_strict_summary_names_the_profile(documented: dict[str, Any]) -> None:
    documented.pop("created")
    with pytest.raises(FIMAssertionError, match=r"\(1 problem, strict profile\):"):
        assert_valid_fim_response(documented, strict=True)


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "got a list: [1, 2]"),
        ("null", "got null"),
        ("42", "got an integer: 42"),
        (b'"text"', "got a string"),
    ],
)
def test_non_objects_are_assertions_saying_what_was_received(given: Any, says: str) -> None:
    with pytest.raises(AssertionError, match=re.escape(says)):
        assert_valid_fim_response(given)
    assert validate_fim_response(given)


def test_unsupported_type_is_type_error() -> None:
    with pytest.raises(TypeError, match="expected a mapping"):
        assert_valid_fim_response({1, 2})


def test_strict_argument_must_be_bool(documented: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="strict must be True, False or None"):
        assert_valid_fim_response(documented, strict="yes")  # type: ignore[arg-type]


def test_huge_values_give_short_messages(documented: dict[str, Any]) -> None:
    documented["choices"][0]["message"]["content"] = 10**5 * ["x"]
    documented["model"] = "m" * 10**6
    documented["id"] = 10**10000
    with pytest.raises(FIMAssertionError) as info:
        assert_valid_fim_response(documented)
    assert len(str(info.value)) < 5000
    assert str(info.value).endswith("more")
    assert len(info.value.problems) == 1001
    assert info.value.problems[-1].message == "… 99001 more type errors not listed"


def test_deep_junk_does_not_recurse(documented: dict[str, Any]) -> None:
    deep: list[Any] = []
    cursor = deep
    for _ in range(50_000):
        cursor.append([])
        cursor = cursor[0]
    documented["usage"] = deep
    documented["extra"] = deep
    found = messages(documented)
    assert found["usage"].startswith("expected an object, got a list")
    assert validate_fim_response('{"id": ' + "[" * 50_000)


def test_sdk_built_response_passes(official: dict[str, Any]) -> None:
    models = sdk_models()
    sdk = models.FIMCompletionResponse.model_validate(official)
    assert assert_valid_fim_response(sdk, strict=True).id == official["id"]


def test_our_model_validates_as_itself() -> None:
    response = make_fim_response(seed=1)
    assert assert_valid_fim_response(response, strict=True) == response


def test_model_json_schema_lists_the_enum() -> None:
    schema = json.dumps(FIMCompletionResponse.model_json_schema())
    assert '"model_length"' in schema and '"usage"' in schema


def test_a_mapping_holding_sdk_models_is_valid() -> None:
    # llama-index keeps dict(sdk_response) as .raw: SDK models one level down.
    built = make_fim_response("    return a + b\n", seed=5)
    sdk = sdk_models().FIMCompletionResponse.model_validate(built.model_dump(mode="json"))
    assert assert_valid_fim_response(dict(sdk), strict=True) == built
    assert validate_fim_response(dict(sdk)) == []


def test_rules_reach_inside_models_held_by_a_mapping() -> None:
    from pytest_fim import UsageInfo

    raw = dict(make_fim_response("x", seed=1))
    raw["usage"] = UsageInfo(prompt_tokens=16, completion_tokens=1, total_tokens=100)
    assert messages(raw) == {
        "usage.total_tokens": "100 != prompt_tokens + completion_tokens (16 + 1 = 17)"
    }


def test_an_http_error_response_says_what_it_is(pytester: pytest.Pytester) -> None:
    pytest.importorskip("httpx")
    pytester.makepyfile(
        """
        import httpx
        from pytest_fim import assert_valid_fim_response

        def test_rate_limited(fim_mock):
            fim_mock.add_error(429)
            response = httpx.post("https://api.mistral.ai/v1/fim/completions",
                                  json={"model": "codestral-latest", "prompt": "def f("})
            assert_valid_fim_response(response)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * invalid FIM completion response (1 problem):",
            "E *   HTTP 429 response, not a FIM completion: Requests rate limit exceeded "
            "(type rate_limited)",
        ]
    )
    assert "required field is missing" not in result.stdout.str()


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (
            429,
            {
                "object": "error",
                "message": "Requests rate limit exceeded",
                "type": "rate_limited",
                "param": None,
                "code": "1300",
            },
            "HTTP 429 response, not a FIM completion: Requests rate limit exceeded "
            "(type rate_limited, code 1300)",
        ),
        (
            422,
            {
                "object": "error",
                "type": "invalid_request_error",
                "param": None,
                "code": None,
                "message": {
                    "detail": [
                        {
                            "type": "less_than_equal",
                            "loc": ["body", "temperature"],
                            "msg": "Input should be less than or equal to 1.5",
                            "input": 3,
                        }
                    ]
                },
            },
            "HTTP 422 response, not a FIM completion: temperature: Input should be less than or "
            "equal to 1.5 (type invalid_request_error)",
        ),
        (
            401,
            {"message": "Unauthorized", "request_id": "0" * 32},
            "HTTP 401 response, not a FIM completion: Unauthorized",
        ),
        (
            502,
            "<html>Bad Gateway</html>",
            "HTTP 502 response, not a FIM completion: <html>Bad Gateway</html>",
        ),
        (503, b"", "HTTP 503 response, not a FIM completion: an empty body"),
    ],
)
def test_http_error_bodies(status: int, body: Any, says: str) -> None:
    httpx = pytest.importorskip("httpx")
    response = (
        httpx.Response(status, json=body)
        if isinstance(body, dict)
        else httpx.Response(status, content=body if isinstance(body, bytes) else body.encode())
    )
    assert [str(p) for p in validate_fim_response(response)] == [says]


def test_the_apis_error_body_as_a_mapping_is_named() -> None:
    body = {
        "object": "error",
        "message": "Requests rate limit exceeded",
        "type": "rate_limited",
        "param": None,
        "code": None,
    }
    assert messages(body) == {
        "": "the API's error body, not a FIM completion: Requests rate "
        "limit exceeded (type rate_limited)"
    }
    with pytest.raises(FIMAssertionError, match="the API's error body, not a FIM completion"):
        assert_valid_fim_response(json.dumps(body), strict=True)


def test_an_openai_text_completion_is_named_in_both_forms(pytester: pytest.Pytester) -> None:
    # What LiteLLM's text_completion returns for Codestral, whole and streamed.
    pytester.makepyfile(
        """
        from pytest_fim import assert_valid_fim_response, assert_valid_fim_stream

        HEAD = {"id": "cmpl-1", "object": "text_completion", "created": 1700000000,
                "model": "codestral-latest"}
        USAGE = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}

        def test_response():
            assert_valid_fim_response({**HEAD, "usage": USAGE, "choices": [
                {"index": 0, "text": "    return a + b\\n", "logprobs": None,
                 "finish_reason": "stop"}]})

        def test_stream():
            assert_valid_fim_stream([
                {**HEAD, "choices": [{"index": 0, "text": "    return", "logprobs": None,
                                      "finish_reason": None}]},
                {**HEAD, "usage": USAGE, "choices": [{"index": 0, "text": " a + b\\n",
                                                       "logprobs": None,
                                                       "finish_reason": "stop"}]}])
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)
    shown = [line[1:].strip() for line in result.outlines if line.startswith("E ")]
    assert shown == [
        "pytest_fim.FIMAssertionError: invalid FIM completion response (1 problem):",
        "choices[0].text: an OpenAI-style text completion (object 'text_completion', "
        "as LiteLLM returns it), not Mistral's FIM shape: the FIM content belongs in "
        "choices[0].message.content",
        "pytest_fim.FIMAssertionError: invalid FIM stream (1 problem):",
        "chunk 1: choices[0].text: an OpenAI-style text completion (object "
        "'text_completion', as LiteLLM returns it), not Mistral's FIM shape: the FIM "
        "content belongs in choices[0].delta.content",
    ]


def test_the_text_completion_note_comes_first_in_the_strict_profile() -> None:
    response = {
        "id": "c",
        "object": "text_completion",
        "model": "m",
        "created": 1,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "choices": [
            {"index": 0, "message": {"content": "x"}, "finish_reason": "stop"},
            {"index": 1, "text": "y", "finish_reason": "stop"},
        ],
    }
    found = validate_fim_response(response, strict=True)
    assert found[0].path == "choices[1].text"
    assert found[0].message.endswith("belongs in choices[1].message.content")
    assert "object" in [p.path for p in found]
