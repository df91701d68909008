"""fim_mock: the FIM endpoint stood in for at the HTTP transport.

:class:`FIMMock` patches the transports of ``httpx`` and ``httpx2`` (the
Mistral SDK 1.x/2.x sends through the first, 3.x through the second), so any
client, including a ``mistralai.Mistral`` created anywhere in the code under
test, has its ``POST .../v1/fim/completions`` answered from a queue. Every
other request goes to the real transport untouched.

The module never imports httpx or httpx2 itself until :meth:`FIMMock.install`
finds them installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from pytest_fim.factory import estimate_tokens, make_fim_response
from pytest_fim.inputs import to_data
from pytest_fim.models import FIMCompletionRequest
from pytest_fim.problems import FIMAssertionError, Problem, render, shorten
from pytest_fim.validate import from_pydantic

__all__ = ["FIMMock", "RejectedRequest", "Reply"]

FIM_PATH = "/v1/fim/completions"
REDACTED = "Bearer ***"
_SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "cookie"})
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            422: "Unprocessable Entity", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Reply:
    """One queued answer: a response, a stream, an error, or a callback.

    Build them with :meth:`response`, :meth:`stream` and :meth:`error`, for
    example as the return value of an ``add_callback`` function.
    """

    kind: str
    response: Any = None
    keywords: dict[str, Any] = field(default_factory=dict)
    status_code: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    sse: str | bytes | None = None
    callback: Callable[[FIMCompletionRequest], Any] | None = None

    @classmethod
    def response_of(cls, response: object = None, **keywords: Any) -> Reply:
        """A complete response: ``response`` as given, or built by make_fim_response."""
        return cls("response", response=response, keywords=keywords)

    @classmethod
    def stream_of(cls, response: object = None, *, sse: str | bytes | None = None,
                  **keywords: Any) -> Reply:
        """A streamed response (server-sent events); ``sse`` sends that text as it is."""
        return cls("stream", response=response, keywords=keywords, sse=sse)

    @classmethod
    def error_of(cls, status_code: int, *, message: str | None = None, body: Any = None,
                 headers: dict[str, str] | None = None) -> Reply:
        """An error status with the API's own body for it (or ``body``)."""
        if not isinstance(status_code, int) or not 400 <= status_code <= 599:
            raise ValueError(f"an error status must be an int from 400 to 599, "
                             f"got {shorten(status_code)}")
        return cls("error", status_code=status_code, body=body if body is not None
                   else api_error_body(status_code, message), headers=dict(headers or {}))

    def describe(self) -> str:
        """How the answer reads in a message."""
        if self.kind == "error":
            return f"error {self.status_code}"
        if self.kind == "callback":
            return f"callback {getattr(self.callback, '__name__', 'function')}"
        shown = ", ".join(f"{k}={shorten(v, 30)}" for k, v in self.keywords.items())
        return f"{self.kind}({shown or ('a given response' if self.response else '')})"


def api_error_body(status_code: int, message: str | None = None) -> dict[str, Any]:
    """The body the live API sends with an error status."""
    if status_code == 401:
        return {"message": message or "Unauthorized", "request_id": "0" * 32}
    kinds = {400: ("invalid_request_error", "FIM is not enabled for this model"),
             422: ("invalid_request_error", None),
             429: ("rate_limited", "Requests rate limit exceeded"),
             500: ("internal_server_error", "Internal server error")}
    kind, default = kinds.get(status_code, ("api_error", _REASONS.get(status_code, "Error")))
    text: Any = message or default
    if status_code == 422:
        text = {"detail": [{"type": "value_error", "loc": ["body"],
                            "msg": message or "Invalid request", "input": None}]}
    return {"object": "error", "message": text, "type": kind, "param": None, "code": None}


@dataclass(frozen=True)
class RejectedRequest:
    """A request the mock answered with 422, and why."""

    body: Any
    headers: dict[str, str]
    problems: list[Problem]


class FIMMock:
    """Answers FIM requests from a queue, in order, and records what was sent.

    ``requests`` holds every valid request as a :class:`FIMCompletionRequest`
    (``last_request`` the latest); ``rejected`` the invalid ones, which got
    the API's 422 answer. Secrets never appear: headers are recorded with
    ``Authorization`` as ``Bearer ***``.
    """

    def __init__(self, *, assert_all_requested: bool = True) -> None:
        self.assert_all_requested = assert_all_requested
        self.requests: list[FIMCompletionRequest] = []
        self.headers: list[dict[str, str]] = []
        self.rejected: list[RejectedRequest] = []
        self.unanswered: list[str] = []
        self._queue: deque[Reply] = deque()
        self.patched: list[str] = []

    def __repr__(self) -> str:
        return (f"FIMMock(queued={len(self._queue)}, requests={len(self.requests)}, "
                f"rejected={len(self.rejected)})")

    # ---------------------------------------------------------------- queueing

    def add_response(self, response: object = None, **keywords: Any) -> None:
        """Queue a complete response.

        ``response`` is any response input, sent as given (it may be invalid
        on purpose); otherwise one is built by ``make_fim_response(**keywords)``
        at request time, its ``model`` echoing the request's and
        ``usage.prompt_tokens`` estimated from the request's prompt and suffix.
        A stream request gets the same response as server-sent events.
        """
        self._queue.append(Reply.response_of(response, **keywords))

    def add_stream(self, response: object = None, *, sse: str | bytes | None = None,
                   **keywords: Any) -> None:
        """Queue a streamed response (``text/event-stream``, ending ``data: [DONE]``).

        Takes the arguments of :meth:`add_response`, or ``sse=`` raw text to
        send as it is (a broken stream, say). A non-stream request gets the
        response as JSON.
        """
        self._queue.append(Reply.stream_of(response, sse=sse, **keywords))

    def add_error(self, status_code: int, *, message: str | None = None, body: Any = None,
                  headers: dict[str, str] | None = None) -> None:
        """Queue an error status with the API's real body for it.

        422 is the wrapped validation form, 400 "FIM is not enabled for this
        model", 401 unauthorised, 429 a rate limit with ``Retry-After``, 500
        an internal error; ``message`` or ``body`` replace the defaults.
        Raises ``ValueError`` for a status outside 400..599.
        """
        reply = Reply.error_of(status_code, message=message, body=body, headers=headers)
        if status_code == 429:
            reply.headers.setdefault("Retry-After", "1")
        self._queue.append(reply)

    def add_callback(self, function: Callable[[FIMCompletionRequest], Any]) -> None:
        """Queue a function that answers one request.

        It gets the parsed request and returns a :class:`Reply`
        (``Reply.response_of``, ``Reply.stream_of``, ``Reply.error_of``) or
        any response input, sent as a response. Raises ``TypeError`` for a
        non-callable.
        """
        if not callable(function):
            raise TypeError(f"add_callback takes a function of the request, "
                            f"got {type(function).__name__}")
        self._queue.append(Reply("callback", callback=function))

    @property
    def last_request(self) -> FIMCompletionRequest:
        """The latest valid request. Raises ``LookupError`` when there is none."""
        if not self.requests:
            raise LookupError("fim_mock has received no valid FIM request yet")
        return self.requests[-1]

    # ---------------------------------------------------------------- patching

    def install(self, setattr_: Callable[[Any, str, Any], None]) -> None:
        """Patch every installed httpx/httpx2 transport with ``setattr_``
        (pytest's ``monkeypatch.setattr``, which undoes it at teardown)."""
        for name in ("httpx2", "httpx"):
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            self._patch_sync(module.HTTPTransport, setattr_, module)
            self._patch_async(module.AsyncHTTPTransport, setattr_, module)
            self.patched.append(name)

    def _patch_sync(self, transport: Any, setattr_: Callable[[Any, str, Any], None],
                    module: Any) -> None:
        original = transport.handle_request
        mock = self

        def handle_request(self: Any, request: Any) -> Any:
            if mock.is_fim(request):
                return mock.answer(request, module)
            return original(self, request)

        setattr_(transport, "handle_request", handle_request)

    def _patch_async(self, transport: Any, setattr_: Callable[[Any, str, Any], None],
                     module: Any) -> None:
        original = transport.handle_async_request
        mock = self

        async def handle_async_request(self: Any, request: Any) -> Any:
            if mock.is_fim(request):
                await request.aread()
                return mock.answer(request, module)
            return await original(self, request)

        setattr_(transport, "handle_async_request", handle_async_request)

    @staticmethod
    def is_fim(request: Any) -> bool:
        """True for a ``POST`` to ``.../v1/fim/completions`` on any host."""
        return bool(request.method == "POST"
                    and request.url.path.rstrip("/").endswith(FIM_PATH))

    # ---------------------------------------------------------------- answering

    def answer(self, request: Any, module: Any) -> Any:
        """Answer one intercepted FIM request with a ``module.Response``."""
        headers = redact(dict(request.headers))
        try:
            body = json.loads(request.read() or b"null")
        except ValueError:
            body = None
        wants_stream = isinstance(body, dict) and body.get("stream") is True
        try:
            parsed = FIMCompletionRequest.model_validate(body)
        except ValidationError as exc:
            problems = [Problem(*_request_problem(error))
                        for error in exc.errors(include_url=False)]
            self.rejected.append(RejectedRequest(body, headers, problems))
            return _json_response(module, 422, _validation_body(exc))
        self.requests.append(parsed)
        self.headers.append(headers)
        if not self._queue:
            text = (f"fim_mock: a FIM request arrived with nothing queued to answer it: "
                    f"POST {request.url.copy_with(query=None)} model={parsed.model!r} "
                    f"prompt={shorten(parsed.prompt, 60)}. Queue an answer before the call: "
                    f"fim_mock.add_response(...), add_stream(...), add_error(...) or "
                    f"add_callback(...)")
            self.unanswered.append(text)
            raise FIMAssertionError(text)
        reply = self._queue.popleft()
        if reply.kind == "callback" and reply.callback is not None:
            produced = reply.callback(parsed)
            reply = produced if isinstance(produced, Reply) else Reply.response_of(produced)
        return self._send(reply, parsed, wants_stream, module)

    def _send(self, reply: Reply, request: FIMCompletionRequest, wants_stream: bool,
              module: Any) -> Any:
        if reply.kind == "error":
            return _json_response(module, reply.status_code, reply.body, reply.headers)
        if reply.kind == "stream" and reply.sse is not None and wants_stream:
            raw = reply.sse.encode() if isinstance(reply.sse, str) else reply.sse
            return _response(module, 200, raw, "text/event-stream", reply.headers)
        data = self._build(reply, request)
        if wants_stream:
            from pytest_fim.stream import make_fim_stream

            text = make_fim_stream(response=data, as_sse=True)
            return _response(module, 200, text.encode(), "text/event-stream", reply.headers)
        return _json_response(module, 200, data, reply.headers)

    @staticmethod
    def _build(reply: Reply, request: FIMCompletionRequest) -> Any:
        if reply.response is not None:
            return to_data(reply.response)
        keywords = dict(reply.keywords)
        keywords.setdefault("model", request.model)
        keywords.setdefault("prompt_tokens",
                            estimate_tokens(request.prompt + (request.suffix or "")))
        return make_fim_response(**keywords).model_dump(mode="json", exclude_unset=True)

    # ---------------------------------------------------------------- teardown

    def teardown_problems(self) -> list[str]:
        """What the test left wrong: requests nothing answered, answers never requested."""
        problems = list(self.unanswered)
        if self._queue and self.assert_all_requested:
            listed = ", ".join(reply.describe() for reply in self._queue)
            many = len(self._queue) != 1
            problems.append(
                f"fim_mock: {len(self._queue)} queued answer{'s were' if many else ' was'} "
                f"never requested: {listed}. Remove {'them' if many else 'it'} or mark the "
                f"test @pytest.mark.fim_mock(assert_all_requested=False)")
        return problems

    def check(self) -> None:
        """Raise :class:`FIMAssertionError` listing :meth:`teardown_problems`, if any."""
        problems = self.teardown_problems()
        if problems:
            raise FIMAssertionError(render("fim_mock was not used as queued:", problems))


def redact(headers: dict[str, str]) -> dict[str, str]:
    """Headers with every credential replaced, so no secret is kept or shown."""
    return {name: (REDACTED if name.lower() == "authorization" else "***")
            if name.lower() in _SECRET_HEADERS else value for name, value in headers.items()}


def _request_problem(error: Any) -> tuple[str, str]:
    path, message = from_pydantic(error)
    from pytest_fim.paths import format_path

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
    detail = [{"type": error["type"], "loc": ["body", *error["loc"]], "msg": error["msg"],
               "input": error.get("input")} for error in exc.errors(include_url=False)]
    body = api_error_body(422)
    body["message"] = {"detail": json.loads(json.dumps(detail, default=str))}
    return body


def _json_response(module: Any, status: int, body: Any,
                   headers: dict[str, str] | None = None) -> Any:
    return _response(module, status, json.dumps(body).encode(), "application/json", headers)


def _response(module: Any, status: int, content: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> Any:
    all_headers = {"content-type": content_type, **(headers or {})}
    return module.Response(status, headers=all_headers, content=content)
