"""fim_mock against the real Mistral SDK, as a user's test meets it.

Every test writes a user's test file and runs it with pytester, under
whichever SDK is installed: 3.x (on httpx2) in the main environment, 1.8 (on
httpx) in the oldest one. Nothing here reaches the network: the root
conftest refuses non-loopback connections, and one test shows an unqueued
request fails without opening any socket at all.
"""

from __future__ import annotations

import pytest

pytest.importorskip("mistralai")


def _warm_sdk() -> None:
    # pytester's in-process runs drop modules first imported inside them;
    # loading the SDK here once saves re-importing it (~1 s) in every run.
    try:
        from mistralai.client import Mistral
    except ImportError:
        from mistralai import Mistral  # type: ignore[attr-defined,no-redef]
    client = Mistral(api_key="warm-up")
    for name in ("fim", "models"):
        getattr(client, name)


_warm_sdk()

CANARY = "sk-canary-6f1d2c9e8b7a"

HEADER = """
import asyncio
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

try:  # SDK 2.x/3.x
    from mistralai.client import Mistral, errors
    from mistralai.client.utils import BackoffStrategy, RetryConfig
except ImportError:  # SDK 1.x: errors live beside the models
    import mistralai.models as errors
    from mistralai import Mistral
    from mistralai.utils import BackoffStrategy, RetryConfig

from pytest_fim import Reply, assemble_fim_stream

KEY = "CANARY"
# Retries as fast as both SDKs allow: 1.x ignores Retry-After, sleeps backoff
# capped by max_interval (10 ms); 3.x sleeps what Retry-After says.
FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 10, 1.1, 5000), False)
""".replace("CANARY", CANARY)


def run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + body)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_sync_async_and_both_streams(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
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
    assert response.usage.prompt_tokens > 5  # estimated from prompt and suffix
    assert fim_mock.requests == [request]

def test_stream(fim_mock):
    fim_mock.add_stream(content="    return a + b\\n")
    client = Mistral(api_key=KEY, server_url="https://codestral.mistral.ai")
    events = list(client.fim.stream(model="codestral-2508", prompt="def add(a, b):\\n"))
    assert len(events) > 2
    assert assemble_fim_stream(events).text() == "    return a + b\\n"
    assert events[0].data.model == "codestral-2508"
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
    assert [r.stream for r in fim_mock.requests] == [False, True]

def test_the_answer_follows_what_was_asked(fim_mock):
    fim_mock.add_response(content="as a stream")
    fim_mock.add_stream(content="as json")
    client = Mistral(api_key=KEY)
    events = list(client.fim.stream(model="codestral-latest", prompt="p"))
    assert assemble_fim_stream(events).text() == "as a stream"
    assert client.fim.complete(model="codestral-latest",
                               prompt="p").choices[0].message.content == "as json"

def test_stream_cut_as_asked_and_raw_sse(fim_mock):
    fim_mock.add_stream(content="abcdef", chunks=3)
    fim_mock.add_stream(sse='data: {"id": "1", "model": "m", "choices": []}\\n\\n'
                            'data: [DONE]\\n\\n')
    client = Mistral(api_key=KEY)
    events = list(client.fim.stream(model="codestral-latest", prompt="p"))
    texts = [e.data.choices[0].delta.content for e in events if e.data.choices]
    assert [t for t in texts if t] == ["ab", "cd", "ef"]  # then a last chunk with usage
    assert "chunks" not in events[-1].data.model_dump()  # a cut, not a field
    raw = list(client.fim.stream(model="codestral-latest", prompt="p"))
    assert [e.data.id for e in raw] == ["1"]

def test_callback_and_given_response(fim_mock):
    fim_mock.add_callback(lambda request: Reply.response_of(content=request.prompt.upper()))
    fim_mock.add_callback(lambda request: Reply.error_of(500))
    # SDK 3.x requires "created", though the documented schema has it optional.
    fim_mock.add_response({"id": "given", "object": "chat.completion", "model": "other",
                           "created": 1702256327,
                           "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                     "total_tokens": 2},
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": "g"}}]})
    client = Mistral(api_key=KEY)
    assert client.fim.complete(model="m", prompt="abc").choices[0].message.content == "ABC"
    with pytest.raises(errors.SDKError):
        client.fim.complete(model="m", prompt="abc")
    given = client.fim.complete(model="m", prompt="abc")
    assert (given.id, given.model) == ("given", "other")  # sent as it is
""",
    )
    result.assert_outcomes(passed=6)


def test_text_without_a_utf8_form_streams_as_json_escapes(pytester: pytest.Pytester) -> None:
    # A lone surrogate cannot be UTF-8: it goes as the JSON escape the non-streamed
    # answer uses too (a client reads it back; the SDK's strict JSON reader refuses it
    # in both forms), instead of crashing the transport.
    pytest.importorskip("httpx")
    result = run(
        pytester,
        """
import httpx
from pytest_fim import parse_fim_sse

def test_lone_surrogate(fim_mock):
    fim_mock.add_stream(content="a\\ud800b c")
    fim_mock.add_stream(sse='data: {"id": "1", "model": "m", "choices": [{"index": 0, '
                            '"delta": {"content": "x\\udfff"}, "finish_reason": "stop"}]}'
                            '\\n\\ndata: [DONE]\\n\\n')
    fim_mock.add_response(content="a\\ud800b c")
    def ask(stream):
        return httpx.post("https://api.mistral.ai/v1/fim/completions",
                          json={"model": "codestral-latest", "prompt": "p", "stream": stream})

    assert assemble_fim_stream(ask(True).text).text() == "a\\ud800b c"
    assert parse_fim_sse(ask(True).content)[0].choices[0].delta.content == "x\\udfff"
    assert ask(False).json()["choices"][0]["message"]["content"] == "a\\ud800b c"
""",
    )
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("status", "error", "says"),
    [
        (400, "SDKError", "FIM is not enabled for this model"),
        (401, "SDKError", "Unauthorized"),
        (422, "HTTPValidationError", ""),  # SDK 1.x prints this error as '{}': check the type
        (429, "SDKError", "rate limit"),
        (500, "SDKError", "Internal server error"),
    ],
)
def test_errors_map_to_the_sdk_exceptions(
    pytester: pytest.Pytester, status: int, error: str, says: str
) -> None:
    result = run(
        pytester,
        f"""
def test_error(fim_mock):
    fim_mock.add_error({status})
    client = Mistral(api_key=KEY)
    with pytest.raises(errors.{error}) as info:
        client.fim.complete(model="codestral-latest", prompt="p")
    assert {says!r} in str(info.value)
    raw = getattr(info.value, "raw_response", None)
    if raw is not None:  # SDK 1.x's HTTPValidationError keeps only the parsed data
        assert raw.status_code == {status}
        assert json.loads(raw.text)["message"]
    if {status} == 429:
        assert raw.headers["retry-after"] == "1"

def test_error_async(fim_mock):
    fim_mock.add_error({status})
    async def go():
        client = Mistral(api_key=KEY)  # SDK 1.x closes a client nothing holds
        return await client.fim.complete_async(model="m", prompt="p")
    with pytest.raises(errors.{error}):
        asyncio.run(go())
""",
    )
    result.assert_outcomes(passed=2)


def test_retries_are_neither_slow_nor_endless(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_default_client_does_not_retry(fim_mock, monkeypatch):
    # The SDK's default: no retry_config, so a 429 or 500 raises at once.
    slept = []  # the SDK's waits, asked for, not timed
    monkeypatch.setattr(time, "sleep", slept.append)
    fim_mock.add_error(429)
    fim_mock.add_error(500)
    client = Mistral(api_key=KEY)
    for _ in range(2):
        with pytest.raises(errors.SDKError):
            client.fim.complete(model="m", prompt="p")
    assert slept == []  # Retry-After: 1 was not waited for
    assert len(fim_mock.requests) == 2

def test_configured_retries_consume_the_queue(fim_mock, monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    fim_mock.add_error(429, retry_after=0.01)
    fim_mock.add_error(503)
    fim_mock.add_response(content="third time")
    client = Mistral(api_key=KEY, retry_config=FAST_RETRIES)
    response = client.fim.complete(model="m", prompt="p")
    assert response.choices[0].message.content == "third time"
    assert len(fim_mock.requests) == 3
    assert len(slept) == 2 and sum(slept) < 1.0  # retry_after=0.01 and a short backoff

def test_a_retry_with_nothing_queued_stops_at_once(fim_mock):
    fim_mock.add_error(429, retry_after=0.01)
    client = Mistral(api_key=KEY, retry_config=FAST_RETRIES)
    client.fim.complete(model="m", prompt="p")
""",
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*fim_mock: nothing queued to answer FIM request model='m'*"])
    assert "was not used as queued" not in result.stdout.str()  # said once, not twice


def test_invalid_requests_get_the_api_422_and_are_recorded(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.parametrize("kwargs, path, says", [
    ({"temperature": 2.0}, "temperature", "less than or equal to 1.5"),
    ({"top_p": 1.5}, "top_p", "less than or equal to 1"),
    ({"max_tokens": -1}, "max_tokens", "greater than or equal to 0"),
    ({"min_tokens": -1}, "min_tokens", "greater than or equal to 0"),
    ({"random_seed": -5}, "random_seed", "greater than or equal to 0"),
    ({"min_tokens": 10, "max_tokens": 5}, "", "min_tokens (10) must not exceed max_tokens (5)"),
])
def test_invalid(fim_mock, kwargs, path, says):
    fim_mock.add_response(content="never sent")
    client = Mistral(api_key=KEY)
    with pytest.raises(errors.HTTPValidationError):
        client.fim.complete(model="codestral-latest", prompt="p", **kwargs)
    problem = fim_mock.rejected[0].problems[0]
    assert (problem.path, says in problem.message) == (path, True), problem
    assert fim_mock.requests == []
    # A rejected request consumes no answer, as the live API answers it itself.
    assert client.fim.complete(model="codestral-latest",
                               prompt="p").choices[0].message.content == "never sent"
""",
    )
    result.assert_outcomes(passed=6)


def test_unknown_fields_and_missing_prompt_are_rejected() -> None:
    from pytest_fim.mock import FIMMock

    try:
        import httpx2 as http
    except ImportError:  # SDK 1.x environments have only httpx
        http = pytest.importorskip("httpx")
    mock = FIMMock()
    request = http.Request(
        "POST",
        "https://api.mistral.ai/v1/fim/completions",
        json={"model": "m", "surprise": 1, "temperature": 9},
    )
    response = mock.answer(request, http)
    assert response.status_code == 422
    body = response.json()
    assert body["object"] == "error" and body["type"] == "invalid_request_error"
    detail = body["message"]["detail"]
    assert {tuple(d["loc"]) for d in detail} == {
        ("body", "prompt"),
        ("body", "surprise"),
        ("body", "temperature"),
    }
    assert {"le": 1.5} in [d.get("ctx") for d in detail]
    assert [str(p) for p in mock.rejected[0].problems] == [
        "prompt: required field is missing",
        "temperature: must be less than or equal to 1.5, got 9",
        "surprise: unknown field (the API rejects it)",
    ]


def test_nothing_queued_fails_without_a_socket(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_unqueued(fim_mock, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened")
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    client = Mistral(api_key=KEY)
    client.fim.complete(model="codestral-latest", prompt="def slow_function(x):\\n" * 20)
""",
    )
    result.assert_outcomes(failed=1)  # and no teardown error repeating it
    out = result.stdout.str()
    assert "AssertionError: a socket was opened" not in out
    result.stdout.fnmatch_lines(
        [
            "E * fim_mock: nothing queued to answer FIM request model='codestral-latest' "
            "prompt='def slow_function(x):*'…(+*chars)",
            "E *POST https://api.mistral.ai/v1/fim/completions",
            "E *queue an answer before the call: fim_mock.add_response(content=...), "
            "add_stream(...), add_error(status_code) or add_callback(function)",
            "FAILED *test_unqueued - *",
        ]
    )
    assert CANARY not in out


def test_a_swallowed_unqueued_request_still_fails(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def complete_or_nothing(client):
    try:
        return client.fim.complete(model="codestral-latest", prompt="p")
    except Exception:  # code under test that hides every error
        return None

def test_swallowed(fim_mock):
    assert complete_or_nothing(Mistral(api_key=KEY)) is None
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_swallowed*",
            "fim_mock was not used as queued:",
            "  fim_mock: nothing queued to answer FIM request model='codestral-latest' prompt='p'",
            "    POST https://api.mistral.ai/v1/fim/completions",
            "    queue an answer before the call: *",
        ]
    )
    assert "During handling" not in result.stdout.str()


def test_unused_answers_fail_at_teardown_unless_marked(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_leftover(fim_mock):
    fim_mock.add_response(content="x")
    fim_mock.add_error(429)
    fim_mock.add_stream(content="y", chunks=2)

@pytest.mark.fim_mock(assert_all_requested=False)
def test_allowed(fim_mock):
    fim_mock.add_response(content="x")

def test_failed_early(fim_mock):
    fim_mock.add_response(content="x")
    assert 1 == 2  # the leftover answer is a consequence: not reported again

def test_skipped(fim_mock):
    fim_mock.add_response(content="x")
    pytest.skip("not today")
""",
    )
    result.assert_outcomes(passed=2, errors=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leftover*",
            "fim_mock was not used as queued:",
            "  3 queued answers were never requested: response(content='x'), error 429, "
            "stream(content='y', chunks=2)",
            "    remove them, or mark the test @pytest.mark.fim_mock(assert_all_requested=False)",
        ]
    )
    assert "During handling" not in result.stdout.str()


def test_other_urls_are_left_alone(pytester: pytest.Pytester) -> None:
    # A real server on loopback (the suite's network guard allows it): what
    # the mock leaves alone reaches it; the FIM request does not.
    result = run(
        pytester,
        """
class Handler(BaseHTTPRequestHandler):
    seen = []
    def do_GET(self):
        Handler.seen.append(("GET", self.path))
        self._json({"object": "list", "data": []})
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        Handler.seen.append(("POST", self.path))
        self._json({"ok": True})
    def _json(self, data):
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()

def test_only_fim_posts_are_answered(fim_mock, server):
    fim_mock.add_response(content="mocked")
    client = Mistral(api_key=KEY, server_url=server)
    client.models.list()
    assert client.fim.complete(model="m", prompt="p").choices[0].message.content == "mocked"
    for name in {"httpx", "httpx2"} & set(fim_mock.patched):  # plain clients of either
        http = __import__(name)
        with http.Client() as plain:
            assert plain.post(server + "/v1/chat/completions", json={}).json() == {"ok": True}
            assert plain.get(server + "/v1/fim/completions").status_code == 200
    assert Handler.seen[0] == ("GET", "/v1/models")
    assert ("POST", "/v1/fim/completions") not in Handler.seen
    assert ("GET", "/v1/fim/completions") in Handler.seen
""",
    )
    result.assert_outcomes(passed=1)


def test_the_api_key_never_shows(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_canary(fim_mock):
    fim_mock.add_response(content="x")
    client = Mistral(api_key=KEY)
    client.fim.complete(model="codestral-latest", prompt="p")
    with pytest.raises(errors.HTTPValidationError):
        client.fim.complete(model="codestral-latest", prompt="p", temperature=9.0)
    assert fim_mock.headers[0]["authorization"] == "Bearer ***"
    assert fim_mock.rejected[0].headers["authorization"] == "Bearer ***"
    texts = [repr(fim_mock), repr(fim_mock.requests), repr(fim_mock.headers),
             repr(fim_mock.rejected), json.dumps(fim_mock.headers),
             json.dumps([r.model_dump() for r in fim_mock.requests])]
    assert not any(KEY in text for text in texts)

def test_canary_in_failures(fim_mock):
    client = Mistral(api_key=KEY)
    client.fim.complete(model="codestral-latest", prompt="p")  # nothing queued: fails
""",
        "-vv",
        "--showlocals",
        "--tb=long",
    )
    result.assert_outcomes(passed=1, failed=1)
    assert CANARY not in result.stdout.str() + result.stderr.str()


def test_marker_with_unknown_option(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.fim_mock(strict=True)
def test_unknown(fim_mock):
    pass

@pytest.mark.fim_mock(assert_all_requested="no")
def test_not_a_bool(fim_mock):
    pass
""",
    )
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.fim_mock takes only assert_all_requested=True or False, got strict=True",
            "*@pytest.mark.fim_mock takes only assert_all_requested=True or False, "
            "got assert_all_requested='no'",
        ]
    )


def test_queueing_mistakes_are_caught_when_queued() -> None:
    from pytest_fim.mock import FIMMock

    mock = FIMMock()
    with pytest.raises(ValueError, match="from 400 to 599, got 200"):
        mock.add_error(200)
    with pytest.raises(ValueError, match="not both"):
        mock.add_response({"id": "x"}, content="y")
    with pytest.raises(ValueError, match="sse= is sent as it is"):
        mock.add_stream(sse="data: [DONE]\n\n", content="y")
    with pytest.raises(TypeError, match="function of the request"):
        mock.add_callback("not callable")  # type: ignore[arg-type]
    with pytest.raises(LookupError, match="no valid FIM request"):
        mock.last_request  # noqa: B018
    assert mock.queued == [] and repr(mock) == "FIMMock(queued=0, requests=0, rejected=0)"


def test_each_rerun_is_checked_on_its_own(pytester: pytest.Pytester) -> None:
    # pytest-rerunfailures runs the same item again: the first run's failure
    # must not excuse what the rerun leaves unused.
    pytest.importorskip("pytest_rerunfailures")
    result = run(
        pytester,
        """
RUNS = []

def test_flaky(fim_mock):
    RUNS.append(1)
    fim_mock.add_response(content="x")
    assert len(RUNS) > 1, "the first run fails"
""",
        "--reruns",
        "1",
    )
    result.assert_outcomes(passed=1, errors=1)
    assert result.parseoutcomes()["rerun"] == 1
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_flaky*",
            "fim_mock was not used as queued:",
            "  1 queued answer was never requested: response(content='x')",
        ]
    )


#: How a test registers a non-FIM answer with each other HTTP mock, and the
#: module that provides it.
OTHER_MOCKS = {
    "httpx_mock": ("pytest_httpx", 'httpx_mock.add_response(url=OTHER, json={"other": True})'),
    "respx_mock": ("respx", 'respx_mock.get(OTHER).respond(json={"other": True})'),
}


@pytest.mark.parametrize("other", sorted(OTHER_MOCKS))
def test_another_http_mock_answers_the_rest_in_either_order(
    pytester: pytest.Pytester, other: str
) -> None:
    # The rule: fim_mock answers the FIM endpoint, the other mock everything
    # else, whichever fixture the test names first. pytest-httpx patches the
    # same transport method as fim_mock, so the order used to decide.
    module, register = OTHER_MOCKS[other]
    pytest.importorskip(module)
    result = run(
        pytester,
        f"""
import httpx

FIM = "https://api.mistral.ai/v1/fim/completions"
OTHER = "https://example.test/v1/models"

def use_both(fim_mock, {other}):
    fim_mock.add_response(content="from fim_mock")
    {register}
    with httpx.Client() as client:
        fim = client.post(FIM, json={{"model": "codestral-latest", "prompt": "p"}})
        rest = client.get(OTHER)
    assert fim.json()["choices"][0]["message"]["content"] == "from fim_mock"
    assert rest.json() == {{"other": True}}
    assert fim_mock.last_request.prompt == "p"

def test_fim_mock_named_first(fim_mock, {other}):
    use_both(fim_mock, {other})

def test_fim_mock_named_last({other}, fim_mock):
    use_both(fim_mock, {other})
""",
    )
    result.assert_outcomes(passed=2)


def test_respx_answering_every_request_itself_is_refused(pytester: pytest.Pytester) -> None:
    # respx's "httpx" mocker swaps the client's transport, in front of fim_mock:
    # fim_mock would never see a request, so the test says so at once.
    pytest.importorskip("respx")
    result = run(
        pytester,
        """
@pytest.mark.respx(using="httpx")
def test_both(fim_mock, respx_mock):
    fim_mock.add_response(content="never sent")
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fim_mock cannot answer under respx's respx_mock with "
            "using='httpx': *respx's default mocker (using='httpcore')*"
        ]
    )
