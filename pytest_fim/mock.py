"""fim_mock: the FIM endpoint stood in for, whatever HTTP client calls it.

:class:`FIMMock` is the handler behind :mod:`pytest_fim._clients`, which puts
it in front of every request sent with httpx or httpx2 (any transport: the
Mistral SDK 1.x/2.x sends through the first, 3.x through the second;
LiteLLM's aiohttp-backed one too), urllib3 (so ``requests``),
``urllib.request`` and aiohttp. Its ``POST .../v1/fim/completions`` (and the
Vertex AI form, ``...:rawPredict`` / ``...:streamRawPredict`` with a FIM
body) is answered from a queue; every other request goes on untouched,
except that nothing may reach a Mistral host while the mock is on.

The module never imports an HTTP library, and it never imports pytest: the
fixture in :mod:`pytest_fim.plugin` adapts it to pytest.

Retries, as the Mistral SDK does them (1.x and 3.x alike): with no
``retry_config`` (the default) it retries nothing, so a queued 429 or 500
raises the SDK's error at once and consumes one answer. With
``retry_config=RetryConfig("backoff", ...)`` it retries 429, 500, 502, 503
and 504, each retry consuming the next queued answer; SDK 3.x sleeps for the
``Retry-After`` header (seconds, fractions accepted), SDK 1.x ignores the
header and sleeps its backoff (``initial_interval`` × ``exponent``\\ :sup:`n`
plus up to 1 s of jitter, capped by ``max_interval``). When the queue runs
dry mid-retry the mock's failure is not retryable, so the SDK stops at once:
a test never loops.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from pydantic import ValidationError

from pytest_fim._clients import WireRequest, WireResponse, install, is_mistral_host
from pytest_fim._clients._wire import VERTEX_FIM_PATH, strip_fragment
from pytest_fim._schema import from_pydantic
from pytest_fim.factory import estimate_tokens, make_fim_response
from pytest_fim.inputs import to_data
from pytest_fim.models import FIMCompletionRequest
from pytest_fim.problems import FIMAssertionError, Problem, shorten

__all__ = ["FIMMock", "RejectedRequest", "Reply"]

#: The path the mock answers: exactly this on a Mistral host, under any base path elsewhere.
FIM_PATH = "/v1/fim/completions"
#: Mistral models on Google Cloud Vertex AI: the FIM body sent to the model's URL.
#: The clients fim_mock answers, as a message names them.
CLIENTS_ANSWERED = "httpx, httpx2, requests (urllib3), urllib.request and aiohttp"
#: What a recorded ``Authorization`` header reads.
REDACTED = "Bearer ***"
_SECRET_HEADERS = frozenset(
    {"authorization", "x-api-key", "api-key", "cookie", "proxy-authorization"}
)
#: ``Retry-After`` of a queued 429 unless told otherwise: what a client must
#: wait, in seconds, as the live API says it.
DEFAULT_RETRY_AFTER = "1"
#: ``make_fim_stream`` keywords that shape how a stream is cut, not what it says.
_STREAM_KEYWORDS = ("chunks", "chunk_size")

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

SetAttr = Callable[[Any, str, Any], None]


class _Request(Protocol):
    """What the mock reads of an ``httpx.Request`` or ``httpx2.Request``."""

    method: str
    url: Any
    headers: Any

    def read(self) -> bytes: ...


# ---------------------------------------------------------------- answers


@dataclass
class Reply:
    """One queued answer: a response, a stream, an error, or a callback.

    Build them with :meth:`response_of`, :meth:`stream_of` and
    :meth:`error_of`, for example as what an ``add_callback`` function returns:

    >>> Reply.error_of(429, retry_after=0.01).headers
    {'Retry-After': '0.01'}
    """

    kind: Literal["response", "stream", "error", "callback"]
    response: Any = None
    keywords: dict[str, Any] = field(default_factory=dict)
    split: dict[str, Any] = field(default_factory=dict)
    status_code: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    sse: str | bytes | None = None
    callback: Callable[[FIMCompletionRequest], Any] | None = None

    @classmethod
    def response_of(cls, response: object = None, **keywords: Any) -> Reply:
        """A complete response: ``response`` as given, or built by make_fim_response.

        Raises ``ValueError`` for a ``response`` together with keywords.
        """
        _one_source(response, keywords)
        return cls("response", response=response, keywords=keywords)

    @classmethod
    def stream_of(
        cls, response: object = None, *, sse: str | bytes | None = None, **keywords: Any
    ) -> Reply:
        """A streamed response (server-sent events ending ``data: [DONE]``).

        Takes the arguments of :meth:`response_of` plus ``chunks=`` or
        ``chunk_size=`` (how :func:`make_fim_stream` cuts the text), or
        ``sse=`` raw text sent as it is (a broken stream, say).
        """
        split = {name: keywords.pop(name) for name in _STREAM_KEYWORDS if name in keywords}
        _one_source(response, keywords)
        if sse is not None and (response is not None or keywords or split):
            raise ValueError("sse= is sent as it is; it takes no response or keywords")
        return cls("stream", response=response, keywords=keywords, split=split, sse=sse)

    @classmethod
    def error_of(
        cls,
        status_code: int,
        *,
        message: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        retry_after: float | None = None,
    ) -> Reply:
        """An error status with the API's own body for it (or ``body``).

        A 429 carries ``Retry-After: 1`` unless ``retry_after`` (seconds)
        says otherwise. Raises ``ValueError`` for a status outside 400..599.
        """
        if (
            not isinstance(status_code, int)
            or isinstance(status_code, bool)
            or not 400 <= status_code <= 599
        ):
            raise ValueError(
                f"an error status must be an int from 400 to 599, got {shorten(status_code)}"
            )
        all_headers = dict(headers or {})
        if retry_after is not None:
            all_headers["Retry-After"] = f"{retry_after:g}"
        elif status_code == 429 and not any(k.lower() == "retry-after" for k in all_headers):
            all_headers["Retry-After"] = DEFAULT_RETRY_AFTER
        return cls(
            "error",
            status_code=status_code,
            headers=all_headers,
            body=body if body is not None else api_error_body(status_code, message),
        )

    def describe(self) -> str:
        """How the answer reads in a message: ``response(content='x')``, ``error 429``."""
        if self.kind == "error":
            return f"error {self.status_code}"
        if self.kind == "callback":
            return f"callback {getattr(self.callback, '__name__', 'function')}"
        given = {**self.keywords, **self.split}
        shown = ", ".join(f"{k}={shorten(v, 30)}" for k, v in given.items())
        if self.response is not None:
            shown = "a given response"
        elif self.sse is not None:
            shown = f"sse={shorten(self.sse, 30)}"
        return f"{self.kind}({shown})"


def _one_source(response: object, keywords: dict[str, Any]) -> None:
    if response is not None and keywords:
        raise ValueError(
            f"give a response or make_fim_response keywords, not both "
            f"(got {', '.join(sorted(keywords))})"
        )


def api_error_body(status_code: int, message: str | None = None) -> dict[str, Any]:
    """The JSON body the live API sends with an error status.

    >>> api_error_body(400)["message"]
    'FIM is not enabled for this model'
    """
    if status_code == 401:  # the gateway answers this one, in its own shape
        return {"message": message or "Unauthorized", "request_id": "0" * 32}
    kinds = {
        400: ("invalid_request_error", "FIM is not enabled for this model"),
        422: ("invalid_request_error", None),
        429: ("rate_limited", "Requests rate limit exceeded"),
        500: ("internal_server_error", "Internal server error"),
    }
    kind, default = kinds.get(status_code, ("api_error", _REASONS.get(status_code, "Error")))
    text: Any = message or default
    if status_code == 422:  # FastAPI's detail list, wrapped in the API's envelope
        text = {
            "detail": [
                {
                    "type": "value_error",
                    "loc": ["body"],
                    "msg": message or "Invalid request",
                    "input": None,
                }
            ]
        }
    return {"object": "error", "message": text, "type": kind, "param": None, "code": None}


@dataclass(frozen=True)
class RejectedRequest:
    """A request the mock answered with 422: its body, redacted headers, and why.

    ``body`` is the parsed JSON, or the text (bytes when it is not UTF-8) as
    it was sent when it is not JSON; ``method`` and ``url`` say where it went.
    """

    body: Any
    headers: dict[str, str]
    problems: list[Problem]
    method: str = ""
    url: str = ""


# ---------------------------------------------------------------- the mock


class FIMMock:
    """Answers FIM requests from a queue, in order, and records what was sent.

    ``requests`` holds every valid request as a :class:`FIMCompletionRequest`
    (``last_request`` the latest) and ``headers`` their headers; ``rejected``
    the invalid ones, which got the API's 422 answer. Secrets never appear:
    ``Authorization`` is recorded as ``Bearer ***``. In a test, take the
    ``fim_mock`` fixture, which installs one and checks it at teardown:

    >>> mock = FIMMock()
    >>> mock.add_response(content="    return a + b\\n")
    >>> mock
    FIMMock(queued=1, requests=0, rejected=0)
    """

    def __init__(self, *, assert_all_requested: bool = True) -> None:
        self.assert_all_requested = assert_all_requested
        self.requests: list[FIMCompletionRequest] = []
        self.headers: list[dict[str, str]] = []
        self.rejected: list[RejectedRequest] = []
        self.patched: list[str] = []
        self._queue: deque[Reply] = deque()
        # Failures raised for requests nothing answered, kept so teardown can
        # report one the code under test swallowed (``except Exception``).
        self._unanswered: list[FIMAssertionError] = []

    def __repr__(self) -> str:
        return (
            f"FIMMock(queued={len(self._queue)}, requests={len(self.requests)}, "
            f"rejected={len(self.rejected)})"
        )

    # ---------------------------------------------------------------- queueing

    def add_response(self, response: object = None, **keywords: Any) -> None:
        """Queue a complete response.

        ``response`` is any response input, sent as given (it may be invalid
        on purpose); otherwise one is built by ``make_fim_response(**keywords)``
        at request time, its ``model`` echoing the request's and
        ``usage.prompt_tokens`` estimated from the request's prompt and suffix.
        A stream request gets the same response as server-sent events.
        Raises ``ValueError`` for a ``response`` together with keywords.
        """
        self._queue.append(Reply.response_of(response, **keywords))

    def add_stream(
        self, response: object = None, *, sse: str | bytes | None = None, **keywords: Any
    ) -> None:
        """Queue a streamed response (``text/event-stream``, ending ``data: [DONE]``).

        Takes the arguments of :meth:`add_response` plus ``chunks=`` or
        ``chunk_size=`` (how the text is cut), or ``sse=`` raw text sent as it
        is (a broken stream, say). A non-stream request gets the response as
        JSON.
        """
        self._queue.append(Reply.stream_of(response, sse=sse, **keywords))

    def add_error(
        self,
        status_code: int,
        *,
        message: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Queue an error status with the API's real body for it.

        422 is the wrapped validation form, 400 "FIM is not enabled for this
        model", 401 unauthorised, 429 a rate limit with ``Retry-After: 1``
        (``retry_after=0.01`` makes an SDK configured to retry wait 10 ms),
        500 an internal error; ``message`` or ``body`` replace the defaults.
        Raises ``ValueError`` for a status outside 400..599.
        """
        self._queue.append(
            Reply.error_of(
                status_code, message=message, body=body, headers=headers, retry_after=retry_after
            )
        )

    def add_callback(self, function: Callable[[FIMCompletionRequest], Any]) -> None:
        """Queue a function that answers one request.

        It gets the parsed request and returns a :class:`Reply`
        (``Reply.response_of``, ``Reply.stream_of``, ``Reply.error_of``) or
        any response input, sent as a response. Raises ``TypeError`` for a
        non-callable.
        """
        if not callable(function):
            raise TypeError(
                f"add_callback takes a function of the request, got {type(function).__name__}"
            )
        self._queue.append(Reply("callback", callback=function))

    @property
    def queued(self) -> list[Reply]:
        """The answers still waiting for a request, in order."""
        return list(self._queue)

    @property
    def last_request(self) -> FIMCompletionRequest:
        """The latest valid request. Raises ``LookupError`` when there is none."""
        if not self.requests:
            raise LookupError("fim_mock has received no valid FIM request yet")
        return self.requests[-1]

    @property
    def unanswered(self) -> list[str]:
        """The failure text of every request that found nothing queued."""
        return [str(error) for error in self._unanswered]

    # ---------------------------------------------------------------- patching

    def install(self, setattr_: SetAttr) -> None:
        """Answer FIM requests of every HTTP client, and guard the Mistral hosts.

        Patches with ``setattr_`` (pytest's ``monkeypatch.setattr``, which
        undoes it at teardown) the clients already imported, and the others
        as the code under test imports them; ``patched`` names them.
        """
        install(self, setattr_, self._blocked, self.patched)

    @staticmethod
    def is_fim(request: Any) -> bool:
        """True for a ``POST`` to ``.../v1/fim/completions`` on any host."""
        return bool(request.method == "POST" and request.url.path.rstrip("/").endswith(FIM_PATH))

    def wants(self, method: str, url: str) -> bool:
        """True for a request :meth:`respond` may answer: a ``POST`` to a FIM-like path."""
        if method != "POST":
            return False
        path = url.partition("?")[0].partition("#")[0].rstrip("/")
        return path.endswith(("/fim/completions", ":rawPredict", ":streamRawPredict"))

    # ---------------------------------------------------------------- answering

    def answer(self, request: _Request, module: Any) -> Any:
        """Answer one ``httpx``/``httpx2`` FIM request with a ``module.Response``.

        Raises :class:`FIMAssertionError` when nothing is queued, and
        ``ValueError`` for a request that is not a FIM request.
        """
        __tracebackhide__ = True  # not the user's code; its locals hold headers
        wire = WireRequest(
            request.method,
            strip_fragment(str(request.url)),
            dict(request.headers),
            request.read(),
            module.__name__,
        )
        response = self._answer(wire, module)
        if response is None:
            raise ValueError(f"not a FIM request: {request.method} {wire.url}")
        return response

    def respond(self, request: WireRequest) -> WireResponse | None:
        """Answer ``request`` if it is a FIM request, else None (it goes on its way).

        Raises :class:`FIMAssertionError` when nothing is queued, and for a
        FIM path the API would answer 404 on.
        """
        __tracebackhide__ = True  # not the user's code; its locals hold headers
        response: WireResponse | None = self._answer(request, _Wire)
        return response

    def _answer(self, request: WireRequest, module: Any) -> Any:
        __tracebackhide__ = True  # not the user's code; its locals hold headers
        url = _shown_url(request.url)
        parts = urlsplit(url)
        vertex = VERTEX_FIM_PATH.fullmatch(parts.path)
        # .hostname parses the netloc: only worth it where a Mistral host may be.
        host = parts.hostname if "mistral.ai" in parts.netloc.lower() else None
        if vertex is None and not self._is_fim_path(host, parts.path, url):
            return None
        headers = redact(request.headers)
        parsed = self._parse(request, vertex, headers, url)
        if parsed is None:
            return None
        if not isinstance(parsed, FIMCompletionRequest):
            return _json_response(module, *parsed)
        wants_stream = parsed.stream or (
            vertex is not None and vertex["method"] == "streamRawPredict"
        )
        parsed.sent_to(request.method, url)
        self.requests.append(parsed)
        self.headers.append(headers)
        if not self._queue:
            error = FIMAssertionError(_nothing_queued(request.method, url, parsed))
            self._unanswered.append(error)
            raise error
        reply = self._queue.popleft()
        if reply.kind == "callback" and reply.callback is not None:
            produced = reply.callback(parsed)
            reply = produced if isinstance(produced, Reply) else Reply.response_of(produced)
        return self._send(reply, parsed, wants_stream, module)

    def _parse(
        self, request: WireRequest, vertex: re.Match[str] | None, headers: dict[str, str], url: str
    ) -> FIMCompletionRequest | tuple[int, dict[str, Any]] | None:
        """The valid request; or the 422 status and body it gets, recorded as rejected;
        or None for a Vertex AI request that is not a FIM one."""
        if vertex is None:
            try:  # the common case, parsed and checked in one step
                return FIMCompletionRequest.model_validate_json(request.body)
            except ValidationError:
                pass  # parsed again below, to keep what was sent and say what is wrong
        body, not_json = _parse_body(request.body, request.headers)
        if vertex is not None:
            if not (isinstance(body, dict) and "prompt" in body):
                return None  # a chat request to the same model URL: not ours
            body = {**body, "model": vertex["model"]}  # Vertex serves the URL's model
        if not_json is not None:
            problems = [Problem("", not_json)]
            self.rejected.append(RejectedRequest(body, headers, problems, request.method, url))
            return 422, _json_error_body(request.body)
        try:
            return FIMCompletionRequest.model_validate(body)
        except ValidationError as exc:
            # What the live API does: a 422, no answer consumed.
            problems = [
                Problem(*_request_problem(error)) for error in exc.errors(include_url=False)
            ]
            self.rejected.append(RejectedRequest(body, headers, problems, request.method, url))
            return 422, _validation_body(exc)

    def _is_fim_path(self, host: str | None, path: str, url: str) -> bool:
        """True for the FIM endpoint; raises for a FIM path the API does not have."""
        if is_mistral_host(host):
            if path == FIM_PATH:
                return True
            if path.rstrip("/").endswith("/fim/completions"):
                error = FIMAssertionError(_not_found(url, path))
                self._unanswered.append(error)
                raise error
            return False
        return path.rstrip("/").endswith(FIM_PATH)

    def _blocked(self, host: str, port: int | None, library: str) -> BaseException:
        """The failure for a connection to a Mistral host that nothing answered."""
        message = _connection_blocked(host, port, library)
        for seen in self._unanswered:  # a client that retries is told once
            if str(seen) == message:
                return seen
        error = FIMAssertionError(message)
        self._unanswered.append(error)
        return error

    def _send(
        self, reply: Reply, request: FIMCompletionRequest, wants_stream: bool, module: Any
    ) -> Any:
        if reply.kind == "error":
            return _json_response(module, reply.status_code, reply.body, reply.headers)
        if wants_stream and reply.sse is not None:
            raw = _sse_bytes(reply.sse) if isinstance(reply.sse, str) else reply.sse
            return _response(module, 200, raw, "text/event-stream", reply.headers)
        if not wants_stream and type(reply.response) is dict:
            # The common case, a dict queued as it is: encoded in one step. A dict
            # holding something JSON cannot take (a model) goes the long way.
            try:
                content = json.dumps(reply.response).encode()
            except TypeError:
                pass
            else:
                return _response(module, 200, content, "application/json", reply.headers)
        data = self._build(reply, request)
        if wants_stream:  # the request decides the form, whatever was queued
            from pytest_fim.factory import make_fim_stream

            text = make_fim_stream(response=data, as_sse=True, **reply.split)
            return _response(module, 200, _sse_bytes(text), "text/event-stream", reply.headers)
        return _json_response(module, 200, data, reply.headers)

    @staticmethod
    def _build(reply: Reply, request: FIMCompletionRequest) -> Any:
        if reply.response is not None:
            return to_data(reply.response)
        keywords = dict(reply.keywords)
        keywords.setdefault("model", request.model)
        keywords.setdefault(
            "prompt_tokens", estimate_tokens(request.prompt + (request.suffix or ""))
        )
        return make_fim_response(**keywords).model_dump(mode="json", exclude_unset=True)

    # ---------------------------------------------------------------- teardown

    def teardown_problems(self, failure: BaseException | None = None) -> list[str]:
        """What the test left wrong: requests nothing answered, answers never requested.

        ``failure`` is what already failed the test, if anything: a request it
        reports is not reported twice, and leftover answers are not reported
        (the test stopped before it could use them).
        """
        shown = set(map(id, _chain(failure)))
        problems = [str(error) for error in self._unanswered if id(error) not in shown]
        if self._queue and self.assert_all_requested and failure is None:
            problems.append(_never_requested(list(self._queue)))
        return problems


# ---------------------------------------------------------------- wording


def _nothing_queued(method: str, url: str, parsed: FIMCompletionRequest) -> str:
    # Summary first: pytest shows the first line in its short test summary.
    return (
        f"fim_mock: nothing queued to answer FIM request model={parsed.model!r} "
        f"prompt={shorten(parsed.prompt, 60)}\n"
        f"{method} {url}\n"
        f"queue an answer before the call: fim_mock.add_response(content=...), "
        f"add_stream(...), add_error(status_code) or add_callback(function)"
    )


def _not_found(url: str, path: str) -> str:
    hint = ""
    if path.startswith("/v1/v1/"):
        base = url[: url.index(path)]
        hint = (
            f"\na server_url that ends in /v1 doubles it: the SDK adds /v1 itself, "
            f"so give server_url={base!r}"
        )
    return (
        f"fim_mock: the API answers 404 Not Found on path {path}: the FIM endpoint is "
        f"{FIM_PATH}\nPOST {url}{hint}"
    )


def _connection_blocked(host: str, port: int | None, library: str) -> str:
    where = host if port is None else f"{host}:{port}"
    return (
        f"fim_mock: stopped a connection to {where} by {library}\n"
        f"while fim_mock is active nothing reaches a Mistral host: it answers POST "
        f"{FIM_PATH} sent with {CLIENTS_ANSWERED}, and stops everything else\n"
        f"send FIM requests with one of those clients; mock other endpoints with respx, "
        f"pytest-httpx, responses or aioresponses"
    )


def _shown_url(url: str) -> str:
    """The URL as recorded and shown: no query (it may hold a key), no fragment."""
    return url.partition("?")[0].partition("#")[0]


def _content_type(headers: dict[str, str]) -> str:
    return next((value for name, value in headers.items() if name.lower() == "content-type"), "")


def _parse_body(raw: bytes, headers: dict[str, str]) -> tuple[Any, str | None]:
    """The JSON body, or the body as sent and what is wrong with it."""
    if raw.strip():
        try:
            return json.loads(raw), None
        except ValueError:
            pass
    content_type = _content_type(headers)
    sent_as = f" (sent as {content_type})" if content_type and "json" not in content_type else ""
    if not raw.strip():
        return None, f"the body is empty{sent_as}: expected a JSON object"
    try:
        kept: str | bytes = raw.decode()
        kind = "text"
    except UnicodeDecodeError:
        kept, kind = raw, "bytes"
    return kept, (
        f"the body is not JSON{sent_as}: expected a JSON object, got {kind} {shorten(kept, 60)}"
    )


def _json_error_body(raw: bytes) -> dict[str, Any]:
    # FastAPI's answer to a body it cannot decode, in the API's envelope.
    detail: dict[str, Any]
    if not raw.strip():
        detail = {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}
    else:
        try:
            json.loads(raw)
            reason = "Expecting value"
        except ValueError as exc:
            reason = getattr(exc, "msg", str(exc))
        detail = {
            "type": "json_invalid",
            "loc": ["body", 0],
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": reason},
        }
    body = api_error_body(422)
    body["message"] = {"detail": [detail]}
    return body


class _Wire:
    """Builds answers as :class:`WireResponse`, the way ``httpx.Response`` is built."""

    @staticmethod
    def Response(status: int, *, headers: dict[str, str], content: bytes) -> WireResponse:
        """One answer for the client adapters to turn into their own response."""
        return WireResponse(status, headers, content)


def _never_requested(replies: list[Reply]) -> str:
    many = len(replies) != 1
    listed = ", ".join(reply.describe() for reply in replies)
    return (
        f"{len(replies)} queued answer{'s were' if many else ' was'} never requested: "
        f"{listed}\nremove {'them' if many else 'it'}, or mark the test "
        f"@pytest.mark.fim_mock(assert_all_requested=False)"
    )


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    """``error``, what caused it, and the members of exception groups."""
    seen: set[int] = set()
    todo = [error] if error is not None else []
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        todo.extend(getattr(current, "exceptions", ()))


def redact(headers: dict[str, str]) -> dict[str, str]:
    """Headers with every credential replaced, so no secret is kept or shown.

    >>> redact({"Authorization": "Bearer sk-1", "Accept": "application/json"})
    {'Authorization': 'Bearer ***', 'Accept': 'application/json'}
    """
    return {
        name: _redacted(name.lower()) if name.lower() in _SECRET_HEADERS else value
        for name, value in headers.items()
    }


def _redacted(lowered_name: str) -> str:
    return REDACTED if lowered_name == "authorization" else "***"


def _request_problem(error: Any) -> tuple[str, str]:
    from pytest_fim.paths import format_path

    path, message = from_pydantic(error)
    if error["type"] == "extra_forbidden":
        message = "unknown field (the API rejects it)"
    elif error["type"] in {"less_than_equal", "greater_than_equal"}:
        bound = str(error["msg"]).replace("Input should be", "must be")
        message = f"{bound}, got {shorten(error.get('input'))}"
    elif error["type"] == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
    return format_path(path), message


def _validation_body(exc: ValidationError) -> dict[str, Any]:
    # The live API wraps FastAPI's 422 detail in its error envelope.
    detail = []
    for error in exc.errors(include_url=False):
        item = {
            "type": error["type"],
            "loc": ["body", *error["loc"]],
            "msg": error["msg"],
            "input": error.get("input"),
        }
        if "ctx" in error:
            item["ctx"] = error["ctx"]
        detail.append(item)
    body = api_error_body(422)
    # default=str: a ctx may hold the exception a validator raised.
    body["message"] = {"detail": json.loads(json.dumps(detail, default=str))}
    return body


def _sse_bytes(text: str) -> bytes:
    """SSE text as UTF-8. A lone surrogate (content="a\\ud800b") has no UTF-8 form; it goes
    as the JSON escape ``\\ud800``, which is what it is inside the event's JSON string and
    what the non-streamed answer sends, so the client reads back the text it was given."""
    return text.encode("utf-8", "backslashreplace")


def _json_response(
    module: Any, status: int, body: Any, headers: dict[str, str] | None = None
) -> Any:
    return _response(module, status, json.dumps(body).encode(), "application/json", headers)


def _response(
    module: Any,
    status: int,
    content: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> Any:
    all_headers = {"content-type": content_type, **(headers or {})}
    return module.Response(status, headers=all_headers, content=content)
