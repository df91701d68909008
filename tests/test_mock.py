"""fim_mock against the real Mistral SDK, as a user's test meets it."""

from __future__ import annotations

import pytest

pytest.importorskip("mistralai")

CANARY = "sk-canary-6f1d2c9e8b7a"

HEADER = """
import asyncio
import json
import socket

import pytest

try:  # SDK 2.x/3.x
    from mistralai.client import Mistral, errors
except ImportError:  # SDK 1.x: errors live beside the models
    import mistralai.models as errors
    from mistralai import Mistral

from pytest_fim import Reply, assemble_fim_stream

KEY = "CANARY"
""".replace("CANARY", CANARY)


def run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + body)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_sync_async_and_both_streams(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def test_complete(fim_mock):
    fim_mock.add_response(content="    return a + b\\n")
    client = Mistral(api_key=KEY)
    response = client.fim.complete(model="codestral-latest", prompt="def add(a, b):\\n",
                                   suffix="\\n\\nprint(add(1, 2))", temperature=0.2,
                                   max_tokens=64, stop=["\\n\\n"], random_seed=7)
    assert response.choices[0].message.content == "    return a + b\\n"
    assert response.model == "codestral-latest"  # echoes the request
    request = fim_mock.last_request
    assert (request.prompt, request.suffix, request.temperature, request.max_tokens,
            request.stop, request.random_seed, request.stream) == (
        "def add(a, b):\\n", "\\n\\nprint(add(1, 2))", 0.2, 64, ["\\n\\n"], 7, False)
    assert response.usage.prompt_tokens > 5

def test_stream(fim_mock):
    fim_mock.add_stream(content="    return a + b\\n")
    client = Mistral(api_key=KEY, server_url="https://codestral.mistral.ai")
    events = list(client.fim.stream(model="codestral-2508", prompt="def add(a, b):\\n"))
    assert len(events) > 2
    assert assemble_fim_stream(events).text() == "    return a + b\\n"
    assert fim_mock.last_request.stream is True

def test_async(fim_mock):
    fim_mock.add_response(content="x")
    fim_mock.add_stream(content="y z")
    async def go():
        client = Mistral(api_key=KEY)
        response = await client.fim.complete_async(model="codestral-latest", prompt="p")
        stream = await client.fim.stream_async(model="codestral-latest", prompt="p")
        return response, [event async for event in stream]
    response, events = asyncio.run(go())
    assert response.choices[0].message.content == "x"
    assert assemble_fim_stream(events).text() == "y z"

def test_the_answer_follows_what_was_asked(fim_mock):
    fim_mock.add_response(content="as a stream")
    fim_mock.add_stream(content="as json")
    client = Mistral(api_key=KEY)
    events = list(client.fim.stream(model="codestral-latest", prompt="p"))
    assert assemble_fim_stream(events).text() == "as a stream"
    assert client.fim.complete(model="codestral-latest",
                               prompt="p").choices[0].message.content == "as json"

def test_callback_and_given_response(fim_mock):
    fim_mock.add_callback(lambda request: Reply.response_of(content=request.prompt.upper()))
    fim_mock.add_callback(lambda request: Reply.error_of(500))
    client = Mistral(api_key=KEY)
    assert client.fim.complete(model="m", prompt="abc").choices[0].message.content == "ABC"
    with pytest.raises(errors.SDKError):
        client.fim.complete(model="m", prompt="abc")
""")
    result.assert_outcomes(passed=5)


@pytest.mark.parametrize(("status", "error", "says"), [
    (400, "SDKError", "FIM is not enabled for this model"),
    (401, "SDKError", "Unauthorized"),
    (422, "HTTPValidationError", ""),  # SDK 1.x prints this error as '{}': check the type
    (429, "SDKError", "rate limit"),
    (500, "SDKError", "Internal server error"),
])
def test_errors_map_to_the_sdk_exceptions(pytester: pytest.Pytester, status: int, error: str,
                                          says: str) -> None:
    result = run(pytester, f"""
def test_error(fim_mock):
    fim_mock.add_error({status})
    client = Mistral(api_key=KEY)
    with pytest.raises(errors.{error}) as info:
        client.fim.complete(model="codestral-latest", prompt="p")
    assert {says!r} in str(info.value)
    if {status} == 429:
        assert info.value.raw_response.headers["retry-after"] == "1"
""")
    result.assert_outcomes(passed=1)


def test_invalid_requests_get_the_api_422_and_are_recorded(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
@pytest.mark.parametrize("kwargs, path, says", [
    ({"temperature": 2.0}, "temperature", "less than or equal to 1.5"),
    ({"top_p": 1.5}, "top_p", "less than or equal to 1"),
    ({"max_tokens": -1}, "max_tokens", "greater than or equal to 0"),
    ({"random_seed": -5}, "random_seed", "greater than or equal to 0"),
    ({"min_tokens": 10, "max_tokens": 5}, "", "min_tokens (10) must not exceed max_tokens (5)"),
])
def test_invalid(fim_mock, kwargs, path, says):
    client = Mistral(api_key=KEY)
    with pytest.raises(errors.HTTPValidationError):
        client.fim.complete(model="codestral-latest", prompt="p", **kwargs)
    problem = fim_mock.rejected[0].problems[0]
    assert (problem.path, says in problem.message) == (path, True), problem
    assert fim_mock.requests == []
""")
    result.assert_outcomes(passed=5)


def test_unknown_fields_and_missing_prompt_are_rejected() -> None:
    from pytest_fim.mock import FIMMock

    httpx2 = pytest.importorskip("httpx2")
    mock = FIMMock()
    request = httpx2.Request("POST", "https://api.mistral.ai/v1/fim/completions",
                             json={"model": "m", "surprise": 1})
    response = mock.answer(request, httpx2)
    assert response.status_code == 422
    body = response.json()
    assert body["object"] == "error" and body["type"] == "invalid_request_error"
    assert {tuple(d["loc"]) for d in body["message"]["detail"]} == {
        ("body", "prompt"), ("body", "surprise")}
    assert [str(p) for p in mock.rejected[0].problems] == [
        "prompt: required field is missing", "surprise: unknown field (the API rejects it)"]


def test_nothing_queued_fails_without_a_socket(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def test_unqueued(fim_mock, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    client = Mistral(api_key=KEY)
    client.fim.complete(model="codestral-latest", prompt="def slow_function(x):\\n" * 20)
""")
    result.assert_outcomes(failed=1, errors=1)
    out = result.stdout.str()
    assert "AssertionError: a socket was opened" not in out
    result.stdout.fnmatch_lines([
        "*fim_mock: a FIM request arrived with nothing queued to answer it: POST "
        "https://api.mistral.ai/v1/fim/completions model='codestral-latest' "
        "prompt='def slow_function(x):*'…(+*chars). Queue an answer before the call: "
        "fim_mock.add_response(...), add_stream(...), add_error(...) or add_callback(...)"])
    assert CANARY not in out


def test_unused_answers_fail_at_teardown_unless_marked(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def test_leftover(fim_mock):
    fim_mock.add_response(content="x")
    fim_mock.add_error(429)

@pytest.mark.fim_mock(assert_all_requested=False)
def test_allowed(fim_mock):
    fim_mock.add_response(content="x")
""")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines([
        "*fim_mock was not used as queued:",
        "*fim_mock: 2 queued answers were never requested: response(content='x'), error 429. "
        "Remove them or mark the test @pytest.mark.fim_mock(assert_all_requested=False)"])


def test_other_urls_are_left_alone(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def test_other(fim_mock, monkeypatch):
    httpx2 = pytest.importorskip("httpx2")
    seen = []
    def fake_original(self, request):
        seen.append(str(request.url))
        return httpx2.Response(200, json={"object": "list", "data": []})
    # the real transport beneath the mock
    monkeypatch.setattr(type(fim_mock), "is_fim", staticmethod(lambda request: False))
    transport = httpx2.HTTPTransport()
    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", fake_original)
    with httpx2.Client(transport=transport) as client:
        assert client.get("https://api.mistral.ai/v1/models").status_code == 200
    assert seen == ["https://api.mistral.ai/v1/models"]

def test_is_fim(fim_mock):
    try:
        import httpx2
    except ImportError:  # SDK 1.x environments
        import httpx as httpx2
    assert fim_mock.is_fim(httpx2.Request("POST", "https://x.example/v1/fim/completions"))
    assert not fim_mock.is_fim(httpx2.Request("GET", "https://x.example/v1/fim/completions"))
    assert not fim_mock.is_fim(httpx2.Request("POST", "https://x.example/v1/chat/completions"))
""")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes["passed"] >= 1


def test_the_api_key_never_shows(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
def test_canary(fim_mock):
    fim_mock.add_response(content="x")
    client = Mistral(api_key=KEY)
    client.fim.complete(model="codestral-latest", prompt="p")
    client.fim.complete(model="codestral-latest", prompt="p", temperature=9.0) \\
        if False else None
    assert fim_mock.headers[0]["authorization"] == "Bearer ***"
    texts = [repr(fim_mock), repr(fim_mock.requests), repr(fim_mock.headers),
             repr(fim_mock.rejected), json.dumps(fim_mock.headers)]
    assert not any(KEY in text for text in texts)

def test_canary_in_failures(fim_mock):
    client = Mistral(api_key=KEY)
    with pytest.raises(errors.HTTPValidationError):
        client.fim.complete(model="codestral-latest", prompt="p", temperature=9.0)
    assert KEY not in repr(fim_mock.rejected)
    client.fim.complete(model="codestral-latest", prompt="p")  # nothing queued: fails
""", "-vv")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    assert CANARY not in result.stdout.str() + result.stderr.str()


def test_marker_with_unknown_option(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
@pytest.mark.fim_mock(strict=True)
def test_it(fim_mock):
    pass
""")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.fim_mock takes only assert_all_requested*"])
