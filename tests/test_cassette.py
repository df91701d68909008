"""fim_cassette as a user meets it: record from a real socket, replay with none, verify drift.

Every test writes a user's test file that calls the loopback stand-in for
the FIM API (tests/_fim_server.py) through the real Mistral SDK's
``server_url=`` (3.x on httpx2 here, 1.8 on httpx in the oldest
environment), runs it with pytester, and reads the outcome, the output and
the cassette file. Nothing goes beyond loopback; replays run with every
socket connect refused.
"""

from __future__ import annotations

import importlib.util
import re
import socket
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mistralai")
pytest.importorskip("yaml")

#: A Mistral-shaped key: 32 letters and digits, mixed case. Must never reach a file.
KEY = "CanaryKey0123456789abcdefGHIJKLM"
CASSETTE = Path("cassettes", "test_user", "test_it.fim.yaml")

HEADER = """
import asyncio
import socket

import pytest

try:  # SDK 2.x/3.x
    from mistralai.client import Mistral, errors
except ImportError:  # SDK 1.x
    import mistralai.models as errors
    from mistralai import Mistral

URL = "{url}"
KEY = "{key}"
SUFFIX = "\\nprint(add(1, 2))\\n"


HELD = []


def client():
    HELD.append(Mistral(api_key=KEY, server_url=URL))  # SDK 1.x closes a client nothing holds
    return HELD[-1]


def complete(prompt="def add(a, b):\\n", **keywords):
    response = client().fim.complete(
        model="codestral-latest", prompt=prompt, suffix=SUFFIX, **keywords
    )
    return response.choices[0].message.content


def stream(prompt="def add(a, b):\\n"):
    events = client().fim.stream(model="codestral-latest", prompt=prompt, suffix=SUFFIX)
    return [event.data.choices[0].delta.content for event in events]


@pytest.fixture
def no_sockets(monkeypatch):
    def refuse(self, address):
        raise OSError(f"the replay opened a socket to {{address}}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
"""


def run(pytester: pytest.Pytester, url: str, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=HEADER.format(url=url, key=KEY) + body)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def cassette_text(pytester: pytest.Pytester, name: str = "test_it") -> str:
    return (pytester.path / "cassettes" / "test_user" / f"{name}.fim.yaml").read_text()


def with_key_in_prompt(body: str) -> str:
    """``body``, whose test completes ``token = ''``, with the API key put in that prompt."""
    return body.replace("token = ''", "token = '{KEY}'").replace('complete("', 'complete(f"')


def no_key_anywhere(pytester: pytest.Pytester) -> None:
    for path in pytester.path.rglob("*.yaml"):
        assert KEY not in path.read_text(), path


SYNC_ASYNC_STREAM = """
@pytest.mark.fim_cassette
def test_it(request):
    if request.config.getoption("--fim-record") == "none":  # a replay opens no socket
        request.getfixturevalue("no_sockets")
    assert complete() == "    # 15 characters before\\n    return a + b\\n"
    assert "".join(stream()) == "    # 15 characters before\\n    return a + b\\n"

    async def both():
        c = client()
        one = await c.fim.complete_async(model="codestral-latest", prompt="async", suffix="")
        events = await c.fim.stream_async(model="codestral-latest", prompt="async", suffix="")
        return one.choices[0].message.content, [e.data async for e in events]

    text, events = asyncio.run(both())
    assert text == "    # 5 characters before\\n    return a + b\\n"
    assert len(events) == 3
"""


def test_record_once_then_replay_without_a_socket(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    assert not (pytester.path / CASSETTE).exists()
    recorded = run(pytester, fim_server.url, SYNC_ASYNC_STREAM, "--fim-record=once")
    recorded.assert_outcomes(passed=1)
    assert len(fim_server.requests) == 4
    text = cassette_text(pytester)
    assert text.startswith("format: pytest-fim-cassette/1\ninteractions:\n")
    assert text.count("- request:") == 4
    # Code reads as code; the stream is its list of events, [DONE] last.
    assert "      prompt: |\n        def add(a, b):\n" in text
    assert "          content: |2\n                # 15 characters before\n" in text
    assert text.count("object: chat.completion.chunk") == 6
    assert text.count("- '[DONE]'") == 2
    # No key, no volatile headers.
    for gone in ("authorization", "x-request-id", "set-cookie", "date:", "user-agent"):
        assert gone not in text.lower()
    no_key_anywhere(pytester)

    replayed = run(pytester, fim_server.url, SYNC_ASYNC_STREAM)  # --fim-record=none
    replayed.assert_outcomes(passed=1)
    assert len(fim_server.requests) == 4  # nothing went live
    assert cassette_text(pytester) == text


def test_rewrite_of_identical_traffic_writes_an_identical_file(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    run(pytester, fim_server.url, SYNC_ASYNC_STREAM, "--fim-record=once").assert_outcomes(passed=1)
    first = cassette_text(pytester)
    run(pytester, fim_server.url, SYNC_ASYNC_STREAM, "--fim-record=rewrite").assert_outcomes(
        passed=1
    )
    assert len(fim_server.requests) == 8
    assert cassette_text(pytester) == first


def test_replay_in_byte_pieces_still_reads_every_event(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    run(pytester, fim_server.url, SYNC_ASYNC_STREAM, "--fim-record=once")
    result = run(pytester, fim_server.url, SYNC_ASYNC_STREAM, "--fim-replay-chunking=bytes:5")
    result.assert_outcomes(passed=1)


def test_a_stream_replays_event_by_event(pytester: pytest.Pytester, fim_server: Any) -> None:
    body = """
import httpx

@pytest.mark.fim_cassette
def test_it():
    request = {"model": "codestral-latest", "prompt": "p", "stream": True}
    with httpx.Client() as http:
        with http.stream("POST", URL + "/v1/fim/completions", json=request) as response:
            pieces = list(response.iter_bytes())
    print("PIECES", len(pieces), [len(p) for p in pieces])
    assert b"".join(pieces).endswith(b"data: [DONE]\\n\\n")
"""
    pytest.importorskip("httpx")
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(passed=1)
    by_event = run(pytester, fim_server.url, body, "-s")
    by_event.assert_outcomes(passed=1)
    assert "PIECES 4 " in by_event.stdout.str()
    by_bytes = run(pytester, fim_server.url, body, "-s", "--fim-replay-chunking=bytes:16")
    by_bytes.assert_outcomes(passed=1)
    sizes = re.search(r"PIECES \d+ \[([\d, ]+)\]", by_bytes.stdout.str())
    assert sizes is not None
    lengths = [int(size) for size in sizes.group(1).split(", ")]
    assert len(lengths) > 4 and set(lengths[:-1]) == {16}


VERTEX = "/v1/projects/p1/locations/europe-west4/publishers/mistralai/models/codestral-2501"


def test_codestral_on_vertex_ai_is_recorded_and_replayed(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    body = f"""
import httpx

@pytest.mark.fim_cassette
def test_it(request):
    if request.config.getoption("--fim-record") == "none":  # a replay opens no socket
        request.getfixturevalue("no_sockets")
    hole = {{"prompt": "def add(a, b):\\n", "suffix": SUFFIX}}
    with httpx.Client(headers={{"Authorization": "Bearer ya29.token-of-google"}}) as http:
        one = http.post(URL + "{VERTEX}:rawPredict", json=hole).json()
        streamed = http.post(URL + "{VERTEX}:streamRawPredict", json={{**hole, "stream": True}})
    assert one["model"] == "codestral-2501"
    assert "return a + b" in one["choices"][0]["message"]["content"]
    assert streamed.text.endswith("data: [DONE]\\n\\n")
"""
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(passed=1)
    assert len(fim_server.requests) == 2
    text = cassette_text(pytester)
    assert f"path: {VERTEX}:rawPredict" in text and f"path: {VERTEX}:streamRawPredict" in text
    assert "ya29" not in text
    run(pytester, fim_server.url, body).assert_outcomes(passed=1)
    assert len(fim_server.requests) == 2
    # Another prompt on the same model's path is a request the cassette does not have.
    result = run(pytester, fim_server.url, body.replace("def add", "def sub"))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*fim_cassette: no recorded interaction matches FIM request POST {VERTEX}:rawPredict*"]
    )


def test_aiohttp_reads_a_replayed_stream_in_its_pieces(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    pytest.importorskip("aiohttp")
    body = """
import asyncio
import aiohttp

@pytest.mark.fim_cassette
def test_it():
    async def pieces():
        request = {"model": "codestral-latest", "prompt": "p", "stream": True}
        async with aiohttp.ClientSession() as session:
            async with session.post(URL + "/v1/fim/completions", json=request) as response:
                return [piece async for piece in response.content.iter_any()]

    pieces = asyncio.run(pieces())
    print("PIECES", len(pieces), [len(p) for p in pieces])
    assert b"".join(pieces).endswith(b"data: [DONE]\\n\\n")
"""
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(passed=1)
    for args, events in (((), True), (("--fim-replay-chunking=bytes:16",), False)):
        result = run(pytester, fim_server.url, body, "-s", *args)
        result.assert_outcomes(passed=1)
        sizes = re.search(r"PIECES (\d+) \[([\d, ]+)\]", result.stdout.str())
        assert sizes is not None
        lengths = [int(size) for size in sizes.group(2).split(", ")]
        if events:  # three chunks and [DONE], one read each, as the API sends them
            assert len(lengths) == 4
        else:
            assert len(lengths) > 4 and set(lengths[:-1]) == {16}


def test_none_mode_without_a_cassette_fails_naming_the_flag(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    result = run(pytester, fim_server.url, SYNC_ASYNC_STREAM)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*fim_cassette: no cassette to answer FIM request POST /v1/fim/completions "
            "model='codestral-latest' prompt='def add(a, b):\\n' stream=False",
            "*record it: pytest --fim-record=once (writes *test_it.fim.yaml)",
        ]
    )
    assert fim_server.requests == []
    assert not (pytester.path / CASSETTE).exists()


def test_unmatched_request_shows_the_closest_recording_as_a_diff(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    first = """
@pytest.mark.fim_cassette
def test_it():
    complete("def add(a, b):\\n    '''Add.'''\\n", temperature=0.2)
"""
    run(pytester, fim_server.url, first, "--fim-record=once").assert_outcomes(passed=1)
    changed = first.replace("'''Add.'''", "'''Sum.'''")
    result = run(pytester, fim_server.url, changed)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*fim_cassette: no recorded interaction matches FIM request POST "
            "/v1/fim/completions model='codestral-latest'*",
            "*cassette *test_it.fim.yaml, mode none",
            "*closest recorded request: interactions[[]0[]] differs in prompt*",
            "*prompt: changed (-expected +actual):",
            "*-    '''Add.'''",
            "*+    '''Sum.'''",
            "*record it: pytest --fim-record=new_episodes*",
        ]
    )
    assert len(fim_server.requests) == 1
    # The same request with the temperature ignored, and prompt not compared: it matches.
    ignoring = changed.replace(
        "@pytest.mark.fim_cassette", "@pytest.mark.fim_cassette(ignore=['prompt', 'temperature'])"
    ).replace("temperature=0.2", "temperature=0.9")
    run(pytester, fim_server.url, ignoring).assert_outcomes(passed=1)


def test_new_episodes_records_only_what_does_not_match(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    one = """
@pytest.mark.fim_cassette
def test_it():
    complete("one")
"""
    run(pytester, fim_server.url, one, "--fim-record=once").assert_outcomes(passed=1)
    two = one + '    complete("two")\n'
    # once: the cassette exists, so the new request fails, naming new_episodes.
    result = run(pytester, fim_server.url, two, "--fim-record=once")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*record it: pytest --fim-record=new_episodes*"])
    run(pytester, fim_server.url, two, "--fim-record=new_episodes").assert_outcomes(passed=1)
    assert [r["prompt"] for r in fim_server.requests] == ["one", "two"]
    assert cassette_text(pytester).count("- request:") == 2
    run(pytester, fim_server.url, two).assert_outcomes(passed=1)
    # all: every request again, appended to what was there.
    run(pytester, fim_server.url, two, "--fim-record=all").assert_outcomes(passed=1)
    assert len(fim_server.requests) == 4
    assert cassette_text(pytester).count("- request:") == 4


def test_identical_requests_replay_in_recorded_order_each_once(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    body = """
@pytest.mark.fim_cassette
def test_it():
    assert complete("same") == complete("same")
    {more}
"""
    run(pytester, fim_server.url, body.format(more=""), "--fim-record=once").assert_outcomes(
        passed=1
    )
    text = cassette_text(pytester)
    # Make the two recordings tell apart, then see them come back in order.
    first = text.replace("characters before", "FIRST", 1)
    second = first.replace("characters before", "SECOND", 1)
    (pytester.path / CASSETTE).write_text(second)
    in_order = """
@pytest.mark.fim_cassette
def test_it():
    assert "FIRST" in complete("same")
    assert "SECOND" in complete("same")
    complete("same")
"""
    result = run(pytester, fim_server.url, in_order)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*its recordings (the closest is interactions[[]0[]]) were all replayed already*"]
    )


def test_errors_are_recorded_and_replayed(pytester: pytest.Pytester, fim_server: Any) -> None:
    body = """
@pytest.mark.fim_cassette
def test_it():
    with pytest.raises(errors.SDKError if hasattr(errors, "SDKError") else Exception) as caught:
        complete("STATUS 500")
    assert "500" in str(caught.value)
"""
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(passed=1)
    assert "status: 500" in cassette_text(pytester)
    run(pytester, fim_server.url, body).assert_outcomes(passed=1)
    assert len(fim_server.requests) == 1


def test_an_invalid_response_is_written_with_a_warning(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    body = """
@pytest.mark.fim_cassette
def test_it():
    try:
        complete("INVALID")
    except Exception:
        pass  # the SDK may refuse it; the cassette keeps it anyway
"""
    result = run(pytester, fim_server.url, body, "--fim-record=once")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*FIMCassetteWarning: fim_cassette: interactions[[]0[]] (POST /v1/fim/completions "
            "model='codestral-latest' prompt='INVALID' stream=False): the recorded response "
            "is not valid*",
            "*usage*",
        ]
    )
    assert "prompt: INVALID" in cassette_text(pytester)


@pytest.mark.parametrize(
    ("prompt", "found"),
    [
        ("ECHO KEY", "the request's API key (Can***)"),
        ("# token: sk-proj-abcdefghijklmnopqrstuvwxyz012345\\n", "an OpenAI-style key (sk-***)"),
        ("# Authorization: Bearer abcdefghijklmnop.qrstuv\\n", "a Bearer token (Bea***)"),
        ("# key = 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm'\\n", "a Mistral-style key (Zx9***)"),
    ],
)
def test_a_secret_in_the_traffic_refuses_the_write(
    pytester: pytest.Pytester, fim_server: Any, prompt: str, found: str
) -> None:
    body = f"""
@pytest.mark.fim_cassette
def test_it():
    complete("{prompt}")
"""
    result = run(pytester, fim_server.url, body, "--fim-record=once")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fim_cassette: refused to write *test_it.fim.yaml: it would hold a secret",
            f"*interactions[[]0[]].*: {found}",
            "*nothing was written*",
        ]
    )
    assert not (pytester.path / "cassettes").exists()
    assert KEY not in result.stdout.str()


HTTPX_CALLS = """
import httpx

@pytest.mark.fim_cassette
def test_it():
    request = {"model": "codestral-latest", "prompt": "def add(a, b):\\n", "suffix": SUFFIX}
    with httpx.Client() as http:
        one = http.post(URL + "/v1/fim/completions", json=request).json()
        streamed = http.post(URL + "/v1/fim/completions", json={**request, "stream": True})
    assert "return" in one["choices"][0]["message"]["content"]
    assert streamed.text.endswith("data: [DONE]\\n\\n")
"""


def test_a_key_split_across_stream_events_refuses_the_write(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    # The stand-in streams the echoed key in three pieces: no one event holds it whole.
    body = """
@pytest.mark.fim_cassette
def test_it():
    assert KEY in "".join(stream("ECHO KEY"))
"""
    result = run(pytester, fim_server.url, body, "--fim-record=once")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fim_cassette: refused to write *test_it.fim.yaml: it would hold a secret",
            "*interactions[[]0[]].response.events[[][*][]].choices[[]0[]].delta.content, "
            "joined: the request's API key (Can***)",
            "*nothing was written*",
        ]
    )
    assert not (pytester.path / "cassettes").exists()
    assert KEY not in result.stdout.str()


def test_verify_passes_when_the_shape_holds_and_fails_on_drift(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    run(pytester, fim_server.url, HTTPX_CALLS, "--fim-record=once").assert_outcomes(passed=1)
    text = cassette_text(pytester)
    (pytester.path / CASSETTE).write_text(text.replace("return a + b", "return b + a"))
    edited = cassette_text(pytester)
    # Other text, same shape: no drift.
    run(pytester, fim_server.url, HTTPX_CALLS, "--fim-record=verify").assert_outcomes(passed=1)
    assert len(fim_server.requests) == 4
    for drift, line in [
        ("added", "*service_tier: added (string)"),
        ("removed", "*created: removed (was number)"),
        ("retyped", "*created: type changed from number to string"),
    ]:
        fim_server.drift = drift
        result = run(pytester, fim_server.url, HTTPX_CALLS, "--fim-record=verify")
        result.assert_outcomes(passed=1, errors=1)
        result.stdout.fnmatch_lines(
            [
                "*fim_cassette: the live API has drifted from the cassette *test_it.fim.yaml "
                "(nothing rewritten):",
                "*POST /v1/fim/completions model='codestral-latest' prompt='def add(a, b):\\n':",
                line,
            ]
        )
        assert cassette_text(pytester) == edited


def test_a_server_that_never_answers_fails_the_recording_after_fim_record_timeout(
    pytester: pytest.Pytester,
) -> None:
    # The kernel completes the connection from the backlog; nothing ever reads or answers.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        pytester.makeini("[pytest]\nfim_record_timeout = 0.2\n")
        result = run(pytester, url, HTTPX_CALLS, "--fim-record=once")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*fim_cassette: could not reach {url} to record "
            "POST /v1/fim/completions*: no answer within 0.2 s (ini fim_record_timeout)"
        ]
    )
    assert not (pytester.path / CASSETTE).exists()


@pytest.mark.parametrize("value", ["0", "-3", "soon", "nan", "inf"])
def test_a_bad_fim_record_timeout_is_an_error_naming_it(
    pytester: pytest.Pytester, value: str
) -> None:
    pytester.makeini(f"[pytest]\nfim_record_timeout = {value}\n")
    result = run(pytester, "http://127.0.0.1:9", HTTPX_CALLS)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*ini fim_record_timeout: got '{value}', expected a positive number of seconds*"]
    )


def test_verify_sends_only_recorded_requests(pytester: pytest.Pytester, fim_server: Any) -> None:
    result = run(pytester, fim_server.url, SYNC_ASYNC_STREAM, "--fim-record=verify")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*fim_cassette: no cassette to answer FIM request*"])
    assert fim_server.requests == []


def test_the_fixture_and_other_http_clients(pytester: pytest.Pytester, fim_server: Any) -> None:
    requests = pytest.importorskip("requests")
    assert requests
    body = """
import requests

def test_it(fim_cassette):
    answer = requests.post(
        URL + "/v1/fim/completions",
        json={"model": "codestral-latest", "prompt": "requests"},
        headers={"Authorization": "Bearer " + KEY},
    )
    assert answer.json()["choices"][0]["message"]["content"].startswith("    # 8 characters")
    print("MODE", fim_cassette.mode, fim_cassette.recorded, fim_cassette.replayed)
"""
    recorded = run(pytester, fim_server.url, body, "--fim-record=once", "-s")
    recorded.assert_outcomes(passed=1)
    assert "MODE once 1 0" in recorded.stdout.str()
    assert fim_server.headers[0]["authorization"] == f"Bearer {KEY}"
    replayed = run(pytester, fim_server.url, body, "-s")
    replayed.assert_outcomes(passed=1)
    assert "MODE none 0 1" in replayed.stdout.str()
    no_key_anywhere(pytester)


def test_cassette_folder_from_the_option_and_the_ini(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    body = """
class TestGroup:
    @pytest.mark.fim_cassette
    @pytest.mark.parametrize("n", [1])
    def test_it(self, n):
        complete("folder")
"""
    run(pytester, fim_server.url, body, "--fim-record=once", "--fim-cassette-dir=tapes")
    assert (pytester.path / "tapes" / "test_user" / "TestGroup.test_it[1].fim.yaml").is_file()
    pytester.makeini("[pytest]\nfim_cassette_dir = recorded/fim\n")
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(passed=1)
    assert (
        pytester.path / "recorded" / "fim" / "test_user" / "TestGroup.test_it[1].fim.yaml"
    ).is_file()


def test_every_test_gets_its_own_cassette(pytester: pytest.Pytester, fim_server: Any) -> None:
    # Parameter ids that differ only in a character a file name cannot hold,
    # an id too long for a file name, nested classes of the same name, and
    # modules of the same name in two packages sharing one --fim-cassette-dir.
    body = """
@pytest.mark.fim_cassette
@pytest.mark.parametrize("p", ["a/b", "a_b", "a b", "a:b", "y" * 300], ids=str)
def test_param(p):
    complete(p)


class TestA:
    class TestB:
        @pytest.mark.fim_cassette
        def test_n(self):
            complete("A")


class TestC:
    class TestB:
        @pytest.mark.fim_cassette
        def test_n(self):
            complete("C")
"""
    source = HEADER.format(url=fim_server.url, key=KEY) + body
    for package in ("one", "two"):
        pytester.mkpydir(package)
        (pytester.path / package / "test_same.py").write_text(
            source.replace('complete("', f'complete("{package} ')
        )
    recorded = pytester.runpytest(
        "-p", "no:cacheprovider", "--fim-record=once", "--fim-cassette-dir=tapes"
    )
    recorded.assert_outcomes(passed=14)
    assert len(fim_server.requests) == 14
    names = sorted(
        p.relative_to(pytester.path / "tapes").as_posix()
        for p in pytester.path.glob("tapes/**/*.fim.yaml")
    )
    assert len(names) == 14
    assert "one/test_same/test_param[a%2Fb].fim.yaml" in names
    assert "two/test_same/TestA.TestB.test_n.fim.yaml" in names
    assert all(len(Path(name).name) <= 160 for name in names)
    replayed = pytester.runpytest("-p", "no:cacheprovider", "--fim-cassette-dir=tapes")
    replayed.assert_outcomes(passed=14)
    assert len(fim_server.requests) == 14


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["--fim-record=sometimes"],
            "*argument --fim-record: invalid choice: 'sometimes' (choose from *'none', "
            "*'once', *'new_episodes', *'all', *'rewrite', *'verify')",
        ),
        (
            ["--fim-replay-chunking=bytes:0"],
            "*argument --fim-replay-chunking: got 'bytes:0': expected 'event' (one event "
            "at a time) or 'bytes:N'*",
        ),
        (["--fim-replay-chunking=lines"], "*got 'lines': expected 'event'*"),
    ],
)
def test_bad_option_values_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], says: str
) -> None:
    pytester.makepyfile("def test_it(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([says])


@pytest.mark.parametrize(
    ("marker", "says"),
    [
        (
            "fim_cassette('x.yaml', record='all')",
            "*@pytest.mark.fim_cassette takes only match_on=[[]...[]] and ignore=[[]...[]] "
            "(field names), got 'x.yaml', record=",
        ),
        (
            "fim_cassette(match_on=['modle'])",
            "*match_on= got 'modle': expected field names from method, path, model, *",
        ),
        ("fim_cassette(ignore='prompt')", "*ignore= takes a list of field names, got str*"),
    ],
)
def test_bad_marker_arguments_say_what_is_accepted(
    pytester: pytest.Pytester, marker: str, says: str
) -> None:
    pytester.makepyfile(f"import pytest\n@pytest.mark.{marker}\ndef test_it(): pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([says])


def test_fim_mock_and_a_cassette_in_one_test_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.fim_cassette
def test_marked(fim_mock):
    pass

def test_both_fixtures(fim_cassette, fim_mock):
    pass

def test_other_order(fim_mock, fim_cassette):
    pass
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=3)
    # Each error's own section starts a line with the message; the short summary
    # repeats it after "ERROR ...", cut or not depending on the terminal's width.
    message = "fim_mock and fim_cassette cannot both answer this test's FIM requests"
    assert sum(line.startswith(message) for line in result.stdout.lines) == 3


def test_a_broken_cassette_fails_the_test_naming_the_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import pytest

@pytest.mark.fim_cassette
def test_it():
    pass
"""
    )
    (pytester.path / CASSETTE).parent.mkdir(parents=True)
    (pytester.path / CASSETTE).write_text("format: pytest-fim-cassette/9\ninteractions: []\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*test_it.fim.yaml: unsupported cassette format 'pytest-fim-cassette/9'*"
            "written by a newer pytest-fim*pip install -U pytest-fim*"
        ]
    )
    # Not YAML at all: the file is named, with where the YAML breaks.
    (pytester.path / CASSETTE).write_text("format: pytest-fim-cassette/1\ninteractions: [\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*test_it.fim.yaml: not valid YAML: *"])
    assert "Traceback" not in result.stdout.str()


def test_without_pyyaml_one_line_names_the_extra(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import sys

KEPT = {}


def pytest_configure(config):
    KEPT["yaml"] = sys.modules.get("yaml")
    sys.modules["yaml"] = None  # import yaml raises ImportError, as when it is not installed


def pytest_unconfigure(config):
    sys.modules["yaml"] = KEPT["yaml"]
"""
    )
    pytester.makepyfile(
        """
import pytest

@pytest.mark.fim_cassette
def test_it():
    pass

def test_untouched():
    pass
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--fim-record=once")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_it*",
            'FIM cassettes need PyYAML: pip install "pytest-fim[record]"',
        ]
    )


def test_beside_pytest_recording_fim_requests_are_recorded_once(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    pytest.importorskip("pytest_recording")
    httpx = pytest.importorskip("httpx")
    assert httpx
    body = """
import httpx

@pytest.mark.vcr
@pytest.mark.fim_cassette
def test_it():
    assert "return a + b" in complete("under vcr")
    assert httpx.get(URL + "/health").json() == {"ok": True}
"""
    recorded = run(pytester, fim_server.url, body, "--record-mode=once", "--fim-record=once")
    recorded.assert_outcomes(passed=1)
    assert (len(fim_server.requests), fim_server.gets) == (1, ["/health"])
    # pytest-recording's cassette holds the other request; ours the FIM one, once.
    theirs = (pytester.path / "cassettes" / "test_user" / "test_it.yaml").read_text()
    assert "/health" in theirs and "fim/completions" not in theirs
    assert cassette_text(pytester).count("- request:") == 1
    replayed = run(pytester, fim_server.url, body, "--record-mode=none")
    replayed.assert_outcomes(passed=1)
    assert (len(fim_server.requests), fim_server.gets) == (1, ["/health"])
    no_key_anywhere(pytester)


def test_only_the_recorder_itself_reaches_a_mistral_host(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import socket

import pytest

def test_it(fim_cassette):
    with pytest.raises(AssertionError, match="fim_cassette: stopped a connection to "
                       "api.mistral.ai:443 by test_user"):
        socket.getaddrinfo("api.mistral.ai", 443)
"""
    )
    pytester.runpytest("-p", "no:cacheprovider", "--fim-record=all").assert_outcomes(passed=1)


def test_aiohttp_and_urllib_record_and_replay(pytester: pytest.Pytester, fim_server: Any) -> None:
    pytest.importorskip("aiohttp")
    body = """
import json
import urllib.request

import aiohttp

@pytest.mark.fim_cassette
def test_it(request):
    if request.config.getoption("--fim-record") == "none":
        request.getfixturevalue("no_sockets")

    async def go():
        request = {"model": "codestral-latest", "prompt": "aiohttp", "stream": True}
        async with aiohttp.ClientSession() as session:
            async with session.post(URL + "/v1/fim/completions", json=request) as answer:
                return [line async for line in answer.content]

    lines = asyncio.run(go())
    assert lines[-2:] == [b"data: [DONE]\\n", b"\\n"]
    sent = urllib.request.Request(
        URL + "/v1/fim/completions",
        data=json.dumps({"model": "codestral-latest", "prompt": "urllib"}).encode(),
        headers={"content-type": "application/json"},
    )
    answer = json.load(urllib.request.urlopen(sent))
    assert answer["choices"][0]["message"]["content"].startswith("    # 6 characters")
"""
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(passed=1)
    assert cassette_text(pytester).count("- request:") == 2
    run(pytester, fim_server.url, body).assert_outcomes(passed=1)
    assert len(fim_server.requests) == 2


LITELLM = """
import asyncio
import socket

import litellm
import pytest

MODEL = "text-completion-codestral/codestral-latest"
BASE = "{url}/v1/fim/completions"
KEY = "{key}"
# Without a template LiteLLM fetches one from huggingface.co on every codestral call.
litellm.register_prompt_template(model="codestral-latest", tokenizer_config={{
    "chat_template": "{{% for message in messages %}}{{{{ message['content'] }}}}{{% endfor %}}"}})


@pytest.mark.fim_cassette
def test_it(request, monkeypatch):
    if request.config.getoption("--fim-record") == "none":
        def refuse(self, address):
            raise OSError(f"the replay opened a socket to {{address}}")

        monkeypatch.setattr(socket.socket, "connect", refuse)
    response = litellm.text_completion(
        model=MODEL, prompt="def add(a, b):\\n", suffix="\\nprint(add(1, 2))",
        api_key=KEY, api_base=BASE, max_tokens=32,
    )
    assert response.choices[0].text == "    # 15 characters before\\n    return a + b\\n"

    async def streamed():
        stream = await litellm.atext_completion(
            model=MODEL, prompt="p", suffix="s", api_key=KEY, api_base=BASE, stream=True
        )
        return [chunk.choices[0].text async for chunk in stream]

    pieces = asyncio.run(streamed())
    assert "".join(piece or "" for piece in pieces) == (
        "    # 1 characters before\\n    return a + b\\n"
    )
"""


def test_litellm_records_and_replays(pytester: pytest.Pytester, fim_server: Any) -> None:
    # Not imported here, and run in a process of its own: LiteLLM changes how
    # package metadata (pytest's plugin entry points) is found as it loads.
    if importlib.util.find_spec("litellm") is None:
        pytest.skip("litellm is not installed")
    pytester.makepyfile(test_user=LITELLM.format(url=fim_server.url, key=KEY))
    recorded = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fim-record=once")
    recorded.assert_outcomes(passed=1)
    asked = len(fim_server.requests)
    assert asked == 2
    text = cassette_text(pytester)
    assert text.count("- request:") == 2
    assert "events:" in text
    no_key_anywhere(pytester)
    replayed = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    replayed.assert_outcomes(passed=1)
    assert len(fim_server.requests) == asked


def test_odd_text_records_replays_and_rewrites_identically(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    # Tabs, CRLF, NEL and LINE/PARAGRAPH SEPARATOR (line breaks to YAML, not to
    # JSON), a very long line, a "\n\n" stop, an empty prompt.
    body = r"""
import json
import urllib.request

PROMPTS = [
    "\tif a:\r\n\t\treturn b\r\n",
    "nel\x85ls\u2028ps\u2029end\n",
    "z" * 20000,
    "",
    "def f():\n\n",
]

@pytest.mark.fim_cassette
def test_it(request):
    if request.config.getoption("--fim-record") == "none":
        request.getfixturevalue("no_sockets")
    for prompt in PROMPTS:
        sent = {"model": "codestral-latest", "prompt": prompt, "stop": ["\n\n"]}
        answer = urllib.request.urlopen(urllib.request.Request(
            URL + "/v1/fim/completions",
            data=json.dumps(sent).encode(),
            headers={"content-type": "application/json"},
        ))
        content = json.load(answer)["choices"][0]["message"]["content"]
        assert f"# {len(prompt)} characters" in content
"""
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(passed=1)
    first = cassette_text(pytester)
    run(pytester, fim_server.url, body).assert_outcomes(passed=1)
    assert len(fim_server.requests) == 5
    run(pytester, fim_server.url, body, "--fim-record=rewrite").assert_outcomes(passed=1)
    assert cassette_text(pytester) == first


def test_a_lone_surrogate_fails_clearly_and_writes_nothing(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    # JSON may carry "\\ud800"; no UTF-8 YAML file can hold it.
    body = r"""
import urllib.request

@pytest.mark.fim_cassette
def test_it():
    urllib.request.urlopen(urllib.request.Request(
        URL + "/v1/fim/completions",
        data=b'{"model": "codestral-latest", "prompt": "x\\ud800y"}',
        headers={"content-type": "application/json"},
    ))
"""
    result = run(pytester, fim_server.url, body, "--fim-record=once")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fim_cassette: cannot write *test_it.fim.yaml: YAML cannot hold this text",
            "*interactions?0?.request.body.prompt holds a lone surrogate (*ud800*)",
            "*nothing was written",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "UnicodeEncodeError" not in result.stdout.str()
    assert not (pytester.path / CASSETTE).exists()


def test_a_failure_message_never_shows_the_requests_key(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    # Code under test that puts the key in a prompt: the unmatched request's
    # description and its diff show it masked, in replay and in verify.
    first = """
@pytest.mark.fim_cassette
def test_it():
    complete("token = ''\\n")
"""
    run(pytester, fim_server.url, first, "--fim-record=once").assert_outcomes(passed=1)
    leaking = with_key_in_prompt(first)
    for args in ((), ("--fim-record=verify",)):
        result = run(pytester, fim_server.url, leaking, *args)
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(
            ["*no recorded interaction matches FIM request*", "*+token = 'Can***'"]
        )
        assert KEY not in result.stdout.str()
        assert KEY[:12] not in result.stdout.str()


def test_rewrite_keeps_the_old_cassette_when_the_new_one_is_refused(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    body = """
@pytest.mark.fim_cassette
def test_it():
    complete("token = ''\\n")
"""
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(passed=1)
    old = cassette_text(pytester)
    leaking = with_key_in_prompt(body)
    refused = run(pytester, fim_server.url, leaking, "--fim-record=rewrite")
    refused.assert_outcomes(passed=1, errors=1)
    refused.stdout.fnmatch_lines(["*refused to write *test_it.fim.yaml: it would hold a secret"])
    assert cassette_text(pytester) == old
    # A rewrite whose test sends nothing leaves no cassette, as pytest-recording's does.
    silent = body.replace("complete(", "str(")
    run(pytester, fim_server.url, silent, "--fim-record=rewrite").assert_outcomes(passed=1)
    assert not (pytester.path / CASSETTE).exists()


def test_a_test_that_fails_after_recording_still_writes_its_cassette(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    body = """
@pytest.mark.fim_cassette
def test_it():
    complete("def add(a, b):\\n")
    assert False, "the code under test is wrong"
"""
    run(pytester, fim_server.url, body, "--fim-record=once").assert_outcomes(failed=1)
    assert cassette_text(pytester).count("- request:") == 1
    replayed = run(pytester, fim_server.url, body)
    replayed.assert_outcomes(failed=1)
    replayed.stdout.fnmatch_lines(["*the code under test is wrong*"])
    assert len(fim_server.requests) == 1


def test_long_camel_case_names_in_code_are_not_taken_for_keys(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    # 32 letters and digits, mixed case, like a Mistral key, but code.
    body = """
@pytest.mark.fim_cassette
def test_it():
    complete("class Base64EncodedCertificateProvider(TestCaseWithAVeryLongName1234567):\\n")
"""
    result = run(pytester, fim_server.url, body, "--fim-record=once")
    result.assert_outcomes(passed=1)
    assert "Base64EncodedCertificateProvider" in cassette_text(pytester)
