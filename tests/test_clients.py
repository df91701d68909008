"""fim_mock against every real HTTP client a Python caller uses for Codestral.

Each test writes a user's test file and runs it with pytester: requests,
urllib.request, aiohttp, httpx/httpx2 with custom, mounted and aiohttp-backed
transports, LiteLLM, the Mistral SDK (1.x in the oldest environment, 3.x in the
main one) and its Google Cloud Vertex AI client. Nothing here reaches the
network: the root conftest refuses non-loopback connections, so a request
fim_mock failed to answer fails the test instead of leaving the machine.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

# LiteLLM downloads its model cost map on import unless told to use its own copy.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# Imported out here, not first inside a pytester run: the package keeps what its
# lazy exports resolve, so the modules behind them must outlive every run.
for _module in ("pytest_fim.mock", "pytest_fim.stream"):
    importlib.import_module(_module)

HEADER = """
import asyncio
import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from pytest_fim import assemble_fim_stream

URL = "https://codestral.mistral.ai/v1/fim/completions"
API = "https://api.mistral.ai/v1/fim/completions"
BODY = {"model": "codestral-latest", "prompt": "def add(a, b):\\n",
        "suffix": "\\nprint(add(1, 2))"}
KEY = "sk-canary-0c4d1f"


def content(data):
    return data["choices"][0]["message"]["content"]


@pytest.fixture
def lookups(monkeypatch):
    # Taken before fim_mock: every name lookup that gets past fim_mock's guard.
    seen = []
    real = socket.getaddrinfo
    def spy(host, *args, **kwargs):
        seen.append(host)
        return real(host, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", spy)
    return seen


class Handler(BaseHTTPRequestHandler):
    seen = []
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"] or 0))
        Handler.seen.append(self.path)
        body = json.dumps({"served": self.path}).encode()
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
"""


def run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + body)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def run_subprocess(pytester: pytest.Pytester, body: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + body)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")


def warm(*names: str) -> None:
    """Import client libraries once here, or skip.

    pytester's in-process runs drop the modules first imported inside them;
    importing them out here saves importing them again in every run. A
    library that is installed but does not import with this environment's
    dependencies (LiteLLM with the oldest pydantic) is skipped too.
    """
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:
            pytest.skip(f"{name} does not import here: {type(exc).__name__}: {exc}"[:300])


def test_requests(pytester: pytest.Pytester) -> None:
    warm("requests")
    result = run(
        pytester,
        """
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

def test_complete(fim_mock):
    fim_mock.add_response(content="    return a + b\\n")
    response = requests.post(URL, json=BODY, headers={"Authorization": f"Bearer {KEY}"},
                             timeout=5)
    assert response.status_code == 200
    assert content(response.json()) == "    return a + b\\n"
    request = fim_mock.last_request
    assert (request.method, request.url, request.path) == ("POST", URL, "/v1/fim/completions")
    assert (request.model, request.suffix) == ("codestral-latest", BODY["suffix"])
    assert fim_mock.headers[0]["Authorization"] == "Bearer ***"

def test_stream(fim_mock):
    fim_mock.add_stream(content="    return a + b\\n")
    with requests.post(API, json={**BODY, "stream": True}, stream=True) as response:
        assert response.headers["content-type"] == "text/event-stream"
        lines = list(response.iter_lines())
    assert b"data: [DONE]" in lines
    assert assemble_fim_stream(lines).text() == "    return a + b\\n"

def test_retries_and_errors(fim_mock):
    fim_mock.add_error(429, retry_after=0)
    fim_mock.add_response(content="after a retry")
    fim_mock.add_error(500)
    session = requests.Session()
    retry = Retry(total=2, status_forcelist=[429], allowed_methods=None, backoff_factor=0)
    session.mount("https://", HTTPAdapter(max_retries=retry))
    assert content(session.post(URL, json=BODY).json()) == "after a retry"
    assert len(fim_mock.requests) == 2  # urllib3 retried, and each try was answered
    response = requests.post(URL, json=BODY)
    with pytest.raises(requests.HTTPError, match="500"):
        response.raise_for_status()

def test_invalid_and_not_json(fim_mock):
    assert requests.post(URL, json={**BODY, "temperature": 9}).status_code == 422
    response = requests.post(URL, data={"model": "m", "prompt": "p"})  # a form
    assert response.status_code == 422
    assert response.json()["message"]["detail"][0]["type"] == "json_invalid"
    rejected = fim_mock.rejected[1]
    assert (rejected.body, rejected.method, rejected.url) == ("model=m&prompt=p", "POST", URL)
    assert [str(p) for p in rejected.problems] == [
        "the body is not JSON (sent as application/x-www-form-urlencoded): "
        "expected a JSON object, got text 'model=m&prompt=p'"]
    requests.post(URL, data=b"\\xff\\x00binary")
    assert fim_mock.rejected[2].body == b"\\xff\\x00binary"

def test_unqueued(fim_mock):
    requests.post(URL, json=BODY)

def test_other_urls_reach_their_server(fim_mock, server):
    fim_mock.add_response(content="mocked")
    assert requests.post(server + "/v1/chat/completions", json={}).json() == {
        "served": "/v1/chat/completions"}
    assert content(requests.post(server + "/v1/fim/completions", json=BODY).json()) == "mocked"
    assert Handler.seen == ["/v1/chat/completions"]
""",
    )
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * fim_mock: nothing queued to answer FIM request model='codestral-latest' *",
            "E *POST https://codestral.mistral.ai/v1/fim/completions",
        ]
    )


def test_urllib_request(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
import urllib.error
import urllib.request

def post(url, data, **headers):
    return urllib.request.Request(url, data=data, method="POST",
                                  headers={"Content-Type": "application/json", **headers})

def test_complete(fim_mock):
    fim_mock.add_response(content="x = 1")
    request = post(URL, json.dumps(BODY).encode(), Authorization=f"Bearer {KEY}")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert content(json.load(response)) == "x = 1"
    assert fim_mock.last_request.url == URL
    assert fim_mock.headers[0]["Authorization"] == "Bearer ***"

def test_stream_line_by_line(fim_mock):
    fim_mock.add_stream(content="a b c")
    with urllib.request.urlopen(post(API, json.dumps({**BODY, "stream": True}).encode())) as r:
        lines = [line for line in r]
    assert assemble_fim_stream(lines).text() == "a b c"

def test_error_status_raises_http_error(fim_mock):
    fim_mock.add_error(401)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(post(URL, json.dumps(BODY).encode()))
    assert info.value.code == 401
    assert json.loads(info.value.read())["message"] == "Unauthorized"

def test_not_json(fim_mock):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(post(URL, b"prompt: def add("))
    assert info.value.code == 422
    assert fim_mock.rejected[0].body == "prompt: def add("

def test_unqueued(fim_mock):
    urllib.request.urlopen(post(URL, json.dumps(BODY).encode()))
""",
    )
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(["E * fim_mock: nothing queued to answer FIM request *"])


def test_aiohttp(pytester: pytest.Pytester) -> None:
    warm("aiohttp")
    result = run(
        pytester,
        """
import aiohttp

def test_complete_and_stream(fim_mock):
    fim_mock.add_response(content="x = 1")
    fim_mock.add_stream(content="a b c")
    async def go():
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {KEY}"}) as session:
            async with session.post(URL, json=BODY) as response:
                assert response.status == 200
                assert content(await response.json()) == "x = 1"
            async with session.post(API, json={**BODY, "stream": True}) as response:
                assert response.content_type == "text/event-stream"
                lines = [line async for line in response.content]
        return lines
    lines = asyncio.run(go())
    assert assemble_fim_stream(lines).text() == "a b c"
    assert [r.url for r in fim_mock.requests] == [URL, API]
    assert fim_mock.headers[0]["Authorization"] == "Bearer ***"

def test_base_url_module_request_and_errors(fim_mock):
    fim_mock.add_response(content="base")
    fim_mock.add_response(content="module-level")
    fim_mock.add_error(429)
    async def go():
        async with aiohttp.ClientSession(base_url="https://api.mistral.ai") as session:
            async with session.post("/v1/fim/completions", data=json.dumps(BODY)) as response:
                first = content(await response.json())
        async with aiohttp.request("POST", URL, json=BODY) as response:
            second = content(await response.json())
        async with aiohttp.ClientSession(raise_for_status=True) as session:
            with pytest.raises(aiohttp.ClientResponseError) as info:
                await session.post(URL, json=BODY)
        return first, second, info.value.status
    assert asyncio.run(go()) == ("base", "module-level", 429)
    assert fim_mock.requests[0].url == API

def test_unqueued(fim_mock):
    async def go():
        async with aiohttp.ClientSession() as session:
            await session.post(URL, json=BODY)
    asyncio.run(go())

def test_other_urls_reach_their_server(fim_mock, server):
    async def go():
        async with aiohttp.ClientSession() as session:
            async with session.post(server + "/v1/chat/completions", json={}) as response:
                return await response.json()
    assert asyncio.run(go()) == {"served": "/v1/chat/completions"}
""",
    )
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["E * fim_mock: nothing queued to answer FIM request *"])


def test_httpx_whatever_the_transport(pytester: pytest.Pytester) -> None:
    warm("httpx")
    result = run(
        pytester,
        """
import importlib.util

import httpx

LIBRARIES = [name for name in ("httpx", "httpx2") if importlib.util.find_spec(name)]

def refusing_transports(http):
    class Refusing(http.BaseTransport):
        def handle_request(self, request):
            raise AssertionError("the real transport was called")
    class AsyncRefusing(http.AsyncBaseTransport):
        async def handle_async_request(self, request):
            raise AssertionError("the real transport was called")
    return Refusing, AsyncRefusing

@pytest.mark.parametrize("name", LIBRARIES)
def test_custom_mounted_and_mock_transports(fim_mock, name):
    http = importlib.import_module(name)
    Refusing, AsyncRefusing = refusing_transports(http)
    clients = [http.Client(transport=Refusing()),
               http.Client(mounts={"https://codestral.mistral.ai": Refusing()}),
               http.Client(transport=http.MockTransport(lambda request: 1 / 0))]
    for number, client in enumerate(clients):
        fim_mock.add_response(content=f"client {number}")
        with client:
            assert content(client.post(URL, json=BODY).json()) == f"client {number}"
    fim_mock.add_stream(content="async stream")
    async def go():
        async with http.AsyncClient(transport=AsyncRefusing()) as client:
            async with client.stream("POST", URL, json={**BODY, "stream": True}) as response:
                return [line async for line in response.aiter_lines()]
    assert assemble_fim_stream(asyncio.run(go())).text() == "async stream"
    assert len(fim_mock.requests) == 4

def test_aiohttp_backed_httpx_client(fim_mock):
    httpx_aiohttp = pytest.importorskip("httpx_aiohttp")
    fim_mock.add_response(content="through aiohttp")
    async def go():
        async with httpx_aiohttp.HttpxAiohttpClient() as client:
            return (await client.post(URL, json=BODY)).json()
    assert content(asyncio.run(go())) == "through aiohttp"
""",
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, result.stdout.str()
    assert outcomes["passed"] >= 2


REFUSE_NETWORK = """
import socket

def refuse(self, address):
    raise OSError(f"this test refuses network access: {address!r}")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
"""


def test_litellm_sync_async_and_streams(pytester: pytest.Pytester) -> None:
    if importlib.util.find_spec("litellm") is None:
        pytest.skip("litellm is not installed")
    # In a process of its own: LiteLLM brings importlib_metadata, which takes over
    # how package metadata is found for the whole process as it loads.
    pytester.makeconftest(REFUSE_NETWORK)
    result = run_subprocess(
        pytester,
        """
import litellm

MODEL = "text-completion-codestral/codestral-latest"
# Without a template LiteLLM fetches one from huggingface.co on every codestral call;
# this one sends the prompt as it is.
litellm.register_prompt_template(model="codestral-latest", tokenizer_config={
    "chat_template": "{% for message in messages %}{{ message['content'] }}{% endfor %}"})

def test_sync(lookups, fim_mock):
    fim_mock.add_response(content="    return a + b\\n")
    response = litellm.text_completion(model=MODEL, prompt="def add(a, b):\\n",
                                       suffix="\\nprint(add(1, 2))", api_key=KEY,
                                       max_tokens=32)
    assert response.choices[0].text == "    return a + b\\n"
    request = fim_mock.last_request
    assert (request.url, request.prompt, request.suffix, request.max_tokens) == (
        URL, "def add(a, b):\\n", "\\nprint(add(1, 2))", 32)
    assert fim_mock.headers[0]["authorization"] == "Bearer ***"
    assert lookups == []  # not even a name lookup left the machine

def test_async_and_async_stream(lookups, fim_mock):
    fim_mock.add_response(content="async answer")
    fim_mock.add_stream(content="streamed async answer")
    async def go():
        response = await litellm.atext_completion(model=MODEL, prompt="p", suffix="s",
                                                  api_key=KEY)
        stream = await litellm.atext_completion(model=MODEL, prompt="p", suffix="s",
                                                api_key=KEY, stream=True)
        return response, [chunk.choices[0].text async for chunk in stream]
    response, pieces = asyncio.run(go())
    assert response.choices[0].text == "async answer"
    assert "".join(piece or "" for piece in pieces) == "streamed async answer"
    assert [r.stream for r in fim_mock.requests] == [False, True]
    assert lookups == []

def test_sync_stream_is_answered(lookups, fim_mock):
    fim_mock.add_stream(content="a b")
    try:
        list(litellm.text_completion(model=MODEL, prompt="p", api_key=KEY, stream=True))
    except Exception:
        # LiteLLM's sync codestral stream leaves "stream": true out of the body
        # it sends, so the API (and fim_mock) answer JSON, which it then fails to
        # read as a stream: its own bug. What matters here is that fim_mock
        # answered and nothing left the machine.
        pass
    assert len(fim_mock.requests) == 1
    assert lookups == []

def test_unqueued_async(fim_mock):
    async def go():
        return await litellm.atext_completion(model=MODEL, prompt="p", api_key=KEY)
    asyncio.run(go())
""",
    )
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*fim_mock: nothing queued to answer FIM request*"])


def test_mistral_sdk_urls_hosts_and_paths(pytester: pytest.Pytester) -> None:
    warm("mistralai")
    result = run(
        pytester,
        """
try:  # SDK 2.x/3.x
    from mistralai.client import Mistral
except ImportError:  # SDK 1.x
    from mistralai import Mistral

def test_both_hosts_and_any_server_url(lookups, fim_mock):
    for server_url in (None, "https://codestral.mistral.ai", "https://gateway.example/mistral"):
        fim_mock.add_response(content="x")
        client = Mistral(api_key=KEY, server_url=server_url)
        assert client.fim.complete(model="codestral-latest", prompt="p").choices
    assert [(r.method, r.url) for r in fim_mock.requests] == [
        ("POST", "https://api.mistral.ai/v1/fim/completions"),
        ("POST", "https://codestral.mistral.ai/v1/fim/completions"),
        ("POST", "https://gateway.example/mistral/v1/fim/completions")]
    assert {r.path for r in fim_mock.requests[:2]} == {"/v1/fim/completions"}
    assert lookups == []

def test_server_url_ending_in_v1(fim_mock):
    fim_mock.add_response(content="never sent")
    client = Mistral(api_key=KEY, server_url="https://codestral.mistral.ai/v1")
    client.fim.complete(model="codestral-latest", prompt="p")

def test_stream_unqueued(fim_mock):
    client = Mistral(api_key=KEY)  # SDK 1.x closes a client nothing holds
    list(client.fim.stream(model="codestral-latest", prompt="p"))

def test_httpx_aiohttp_client_handed_to_the_sdk(fim_mock):
    httpx_aiohttp = pytest.importorskip("httpx_aiohttp")
    fim_mock.add_response(content="via aiohttp")
    async def go():
        async with httpx_aiohttp.HttpxAiohttpClient() as http:
            client = Mistral(api_key=KEY, async_client=http)
            return await client.fim.complete_async(model="codestral-latest", prompt="p")
    assert asyncio.run(go()).choices[0].message.content == "via aiohttp"
""",
    )
    outcomes = result.parseoutcomes()
    assert (
        outcomes.get("failed") == 2 and outcomes.get("passed", 0) + outcomes.get("skipped", 0) == 2
    ), result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "E * fim_mock: the API answers 404 Not Found on path /v1/v1/fim/completions: "
            "the FIM endpoint is /v1/fim/completions",
            "E *POST https://codestral.mistral.ai/v1/v1/fim/completions",
            "E *a server_url that ends in /v1 doubles it: the SDK adds /v1 itself, so give "
            "server_url='https://codestral.mistral.ai'",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E * fim_mock: nothing queued to answer FIM request *",
            "E *POST https://api.mistral.ai/v1/fim/completions",
        ]
    )
    said = [line for line in result.stdout.lines if line.startswith("E ")]
    assert not any("#stream" in line for line in said)
    assert "1 queued answer was never requested" not in result.stdout.str()  # said once


def test_mistral_on_vertex_ai(pytester: pytest.Pytester) -> None:
    pytest.importorskip("google.auth")
    if (
        importlib.util.find_spec("mistralai") is None
        or importlib.util.find_spec("mistralai.gcp") is None
    ):
        pytest.skip(
            "the Mistral SDK's GCP client (mistralai 2.x+ with the gcp extra) is not installed"
        )
    result = run(
        pytester,
        """
from mistralai.gcp.client import MistralGCP

VERTEX = ("https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/"
          "locations/europe-west4/publishers/mistralai/models/codestral-2405")

def test_raw_predict_and_stream(lookups, fim_mock):
    fim_mock.add_response(content="    return a + b\\n")
    fim_mock.add_stream(content="streamed")
    client = MistralGCP(project_id="my-project", region="europe-west4", access_token="t")
    response = client.fim.complete(model="codestral-2405", prompt="def add(a, b):\\n")
    assert response.choices[0].message.content == "    return a + b\\n"
    events = list(client.fim.stream(model="codestral-2405", prompt="def add(a, b):\\n"))
    assert assemble_fim_stream(events).text() == "streamed"
    assert [(r.model, r.url, r.stream) for r in fim_mock.requests] == [
        ("codestral-2405", VERTEX + ":rawPredict", False),
        ("codestral-2405", VERTEX + ":streamRawPredict", True)]
    assert lookups == []
""",
    )
    result.assert_outcomes(passed=1)


def test_nothing_reaches_a_mistral_host(pytester: pytest.Pytester) -> None:
    warm("httpx", "requests", "aiohttp")
    result = run(
        pytester,
        """
import http.client
import urllib.request

import aiohttp
import httpx
import requests

def test_httpx(lookups, fim_mock):
    httpx.get("https://api.mistral.ai/v1/models")

def test_requests(lookups, fim_mock):
    requests.get("https://api.mistral.ai/v1/models")

def test_urllib(lookups, fim_mock):
    urllib.request.urlopen("https://api.mistral.ai/v1/models")

def test_aiohttp(lookups, fim_mock):
    async def go():
        async with aiohttp.ClientSession() as session:
            await session.get("https://api.mistral.ai/v1/models")
    asyncio.run(go())

def test_http_client(lookups, fim_mock):
    connection = http.client.HTTPSConnection("codestral.mistral.ai")
    connection.request("POST", "/v1/fim/completions", body=json.dumps(BODY))

def test_raw_socket(lookups, fim_mock):
    socket.create_connection(("api.mistral.ai", 443))

def swallow(call):
    try:
        call()
    except Exception:
        pass

def test_swallowed(lookups, fim_mock):
    swallow(lambda: httpx.get("https://api.mistral.ai/v1/models"))
    assert lookups == []
""",
    )
    result.assert_outcomes(failed=6, passed=1, errors=1)
    lines = [
        line
        for line in result.stdout.lines
        if line.startswith("E ") and "fim_mock: stopped a connection" in line
    ]
    assert [line.split(" by ", 1)[1] for line in dict.fromkeys(lines)] == [
        "httpcore ← httpx ← test_nothing_reaches_a_mistral_host",
        "urllib3 ← requests ← test_nothing_reaches_a_mistral_host",
        "http.client ← urllib.request ← test_nothing_reaches_a_mistral_host",
        "aiohttp ← test_nothing_reaches_a_mistral_host",
        "http.client ← test_nothing_reaches_a_mistral_host",
        "test_nothing_reaches_a_mistral_host",
    ], lines
    assert "stopped a connection to api.mistral.ai:443" in lines[0]
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_swallowed*",
            "*while fim_mock is active nothing reaches a Mistral host: it answers POST "
            "/v1/fim/completions sent with httpx, httpx2, requests (urllib3), urllib.request "
            "and aiohttp, and stops everything else",
            "*send FIM requests with one of those clients; mock other endpoints with respx, "
            "pytest-httpx, responses or aioresponses",
        ]
    )
    out = result.stdout.str()
    assert "NetworkBlockedError" not in out and "Name or service" not in out


def test_a_suite_pays_only_for_the_clients_it_imports(pytester: pytest.Pytester) -> None:
    warm("requests")
    pytester.makeconftest(REFUSE_NETWORK)
    pytester.makepyfile("""
import sys

CLIENTS = {"httpx", "httpx2", "urllib3", "requests", "aiohttp"}

def test_nothing_imported(fim_mock):
    assert not CLIENTS & set(sys.modules)
    import requests  # imported during the test: patched as it loads
    fim_mock.add_response(content="x")
    response = requests.post("https://api.mistral.ai/v1/fim/completions",
                             json={"model": "m", "prompt": "p"})
    assert response.json()["choices"][0]["message"]["content"] == "x"
    assert "urllib3" in fim_mock.patched
    assert not {"httpx", "httpx2", "aiohttp"} & set(sys.modules)

def test_everything_undone_after():
    import urllib3
    from pytest_fim._clients import _ImportWatch
    assert not any(isinstance(finder, _ImportWatch) for finder in sys.meta_path)
    assert urllib3.HTTPConnectionPool.urlopen.__module__ == "urllib3.connectionpool"
""")
    # Other HTTP mocks' plugins (pytest-httpx, respx) import httpx themselves.
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:pytest_httpx", "-p", "no:respx"
    )
    result.assert_outcomes(passed=2)


def test_mistral_hosts() -> None:
    from pytest_fim._clients import is_mistral_host

    assert is_mistral_host("api.mistral.ai") and is_mistral_host("CODESTRAL.MISTRAL.AI.")
    assert is_mistral_host(b"mistral.ai")
    assert not is_mistral_host("notmistral.ai") and not is_mistral_host(None)
