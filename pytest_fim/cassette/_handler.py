"""The cassette's answer to each FIM request: replayed, recorded live, or verified live.

:class:`CassetteHandler` is a :class:`~pytest_fim._clients.Handler`, put in
front of every client fim_mock answers. Per record mode:

| mode | a recorded match | no match |
|---|---|---|
| ``none`` | replayed | fails, naming the flag that records it |
| ``once`` | replayed | recorded if the cassette is new, else fails |
| ``new_episodes`` | replayed | recorded |
| ``all``, ``rewrite`` | recorded again | recorded |
| ``verify`` | sent live, its shape compared | fails |

Nothing here imports pytest; :mod:`pytest_fim.cassette._session` keeps the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_fim._clients import WireRequest, WireResponse
from pytest_fim._clients._wire import VERTEX_FIM_PATH
from pytest_fim.cassette._format import (
    DONE,
    Cassette,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    recorded_response,
)
from pytest_fim.cassette._match import Player, compared, parse_body
from pytest_fim.cassette._secrets import (
    KEPT_REQUEST_HEADERS,
    KEPT_RESPONSE_HEADERS,
    kept_headers,
    masked,
    secret_values,
)
from pytest_fim.problems import FIMAssertionError, shorten

if TYPE_CHECKING:
    from pytest_fim.cassette._live import Connections

__all__ = ["MODES", "RECORD_TIMEOUT", "CassetteHandler", "describe_request"]

MODES = ("none", "once", "new_episodes", "all", "rewrite", "verify")
#: Seconds a live request may wait for the server (ini ``fim_record_timeout``).
RECORD_TIMEOUT = 120.0
#: Headers a response passed on from the server no longer needs: the body is whole now.
_HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "content-encoding", "connection"})
FIM_SUFFIX = "/fim/completions"


@dataclass
class CassetteHandler:
    """Answers FIM requests from ``cassette`` as ``mode`` says; keeps what happened.

    ``chunk_size`` None replays a stream event by event, a number in pieces of
    that many bytes. ``timeout`` bounds each live request's wait, in seconds.
    ``new_cassette`` says the file did not exist (``once`` records then).
    ``failures`` holds every failure raised (so teardown can report one the
    code under test swallowed), ``notes`` the problems of recorded responses,
    ``drift`` what ``verify`` found, ``secrets`` the credentials the requests
    carried.
    """

    cassette: Cassette
    mode: str = "none"
    match_on: Sequence[str] | None = None
    chunk_size: int | None = None
    strict: bool | None = None
    timeout: float = RECORD_TIMEOUT
    new_cassette: bool = False
    where: str = "the cassette"
    failures: list[FIMAssertionError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    recorded: list[Interaction] = field(default_factory=list)
    replayed: int = 0

    def __post_init__(self) -> None:
        self.player = Player(self.cassette, self.match_on)
        self.connections: Connections | None = None  # opened by the first live request

    def close(self) -> None:
        """Close the connections live requests kept open."""
        if self.connections is not None:
            self.connections.close()

    @property
    def replays(self) -> bool:
        """Whether recorded answers are replayed."""
        return self.mode in {"none", "once", "new_episodes"}

    @property
    def records(self) -> bool:
        """Whether a request with no recorded answer goes live and is recorded."""
        return self.mode in {"new_episodes", "all", "rewrite"} or (
            self.mode == "once" and self.new_cassette
        )

    def wants(self, method: str, url: str) -> bool:
        """True for a ``POST`` to a path ending ``/fim/completions``, or to Codestral's
        model on Vertex AI (``...:rawPredict``, ``...:streamRawPredict``)."""
        if method != "POST":
            return False
        path = url.partition("?")[0].partition("#")[0].rstrip("/")
        return path.endswith((FIM_SUFFIX, ":rawPredict", ":streamRawPredict"))

    def respond(self, request: WireRequest) -> WireResponse | None:
        """The recorded, recorded-now or verified answer to ``request``.

        Raises :class:`FIMAssertionError` for a request this mode may not send live.
        """
        __tracebackhide__ = True  # not the user's code; its locals hold headers
        body, text = parse_body(request.body)
        path = urlsplit(request.url).path
        if not path.rstrip("/").endswith(FIM_SUFFIX) and not (
            VERTEX_FIM_PATH.fullmatch(path) and isinstance(body, dict) and "prompt" in body
        ):
            return None  # a chat request to the model's Vertex AI path, say: not ours
        stored = RecordedRequest(
            request.method,
            path,
            body,
            kept_headers(request.headers, KEPT_REQUEST_HEADERS),
            text,
        )
        if self.mode == "verify":
            return self._verify(request, stored)
        if self.replays:
            interaction = self.player.take(stored)
            if interaction is not None:
                self.replayed += 1
                return self._replay(interaction.response)
        if self.records:
            return self._record(request, stored)
        raise self._fail(
            unmatched(
                self._shown(request, stored), self.player, self.mode, self.where, self.new_cassette
            )
        )

    def _shown(self, request: WireRequest, stored: RecordedRequest) -> RecordedRequest:
        """``stored`` as a failure message may show it: the request's own key masked
        (code under test may put it in a prompt; CI logs are not a safe place)."""
        secrets = secret_values(request.headers, request.url)
        if not secrets:
            return stored
        return RecordedRequest(
            stored.method,
            stored.path,
            masked(stored.body, secrets),
            stored.headers,
            masked(stored.text, secrets),
        )

    def _fail(self, message: str) -> FIMAssertionError:
        error = FIMAssertionError(message)
        self.failures.append(error)
        return error

    def _replay(self, response: RecordedResponse) -> WireResponse:
        headers = {"content-type": response.content_type, **response.headers}
        if not response.is_stream:
            return WireResponse(response.status, headers, response.content())
        events = response.event_bytes()
        content = b"".join(events)
        if self.chunk_size is None:
            return WireResponse(response.status, headers, content, events)
        size = self.chunk_size
        pieces = [content[start : start + size] for start in range(0, len(content), size)]
        return WireResponse(response.status, headers, content, pieces)

    def _live(self, request: WireRequest) -> tuple[WireResponse, RecordedResponse]:
        __tracebackhide__ = True
        from pytest_fim.cassette._live import Connections

        self.secrets |= secret_values(request.headers, request.url)
        if self.connections is None:
            self.connections = Connections(self.timeout)
        try:
            answer = self.connections.send(request)
        except OSError as exc:
            why = (
                f"no answer within {self.timeout:g} s (ini fim_record_timeout)"
                if isinstance(exc, TimeoutError)
                else str(exc)
            )
            raise self._fail(
                f"fim_cassette: could not reach {_origin(request.url)} to "
                f"{'verify' if self.mode == 'verify' else 'record'} "
                f"{describe_request(request.method, urlsplit(request.url).path, None)}: {why}"
            ) from None
        passed = {k: v for k, v in answer.headers.items() if k not in _HOP_HEADERS}
        stored = recorded_response(
            answer.status, kept_headers(answer.headers, KEPT_RESPONSE_HEADERS), answer.content
        )
        # A stream goes on as a stream (read piece by piece), as it came.
        pieces = [answer.content] if stored.is_stream else None
        return WireResponse(answer.status, passed, answer.content, pieces), stored

    def _record(self, request: WireRequest, stored: RecordedRequest) -> WireResponse:
        __tracebackhide__ = True
        wire, response = self._live(request)
        interaction = Interaction(stored, response)
        self.player.add(interaction)
        self.recorded.append(interaction)
        number = len(self.cassette.interactions) - 1
        problems = self._problems(response, wire.content)
        if problems:
            said = describe_request(stored.method, stored.path, masked(stored.body, self.secrets))
            self.notes.append(
                f"interactions[{number}] ({said}): the recorded response is not valid "
                f"(it was written as received):\n" + "\n".join(f"  {line}" for line in problems)
            )
        return wire

    def _problems(self, response: RecordedResponse, content: bytes) -> list[str]:
        if response.status != 200:
            return []
        if response.is_stream:
            from pytest_fim.stream import validate_fim_stream

            return [str(p) for p in validate_fim_stream(content, strict=self.strict)]
        from pytest_fim.validate import validate_fim_response

        data = response.body if response.text is None else response.text
        return [str(p) for p in validate_fim_response(data, strict=self.strict)]

    def _verify(self, request: WireRequest, stored: RecordedRequest) -> WireResponse:
        __tracebackhide__ = True
        interaction = self.player.take(stored)
        if interaction is None:
            shown = self._shown(request, stored)
            raise self._fail(
                unmatched(shown, self.player, self.mode, self.where, self.new_cassette)
            )
        wire, live = self._live(request)
        recorded = interaction.response
        said = describe_request(stored.method, stored.path, masked(stored.body, self.secrets))
        lines: list[str] = []
        if live.status != recorded.status:
            lines.append(f"status: {recorded.status} recorded, {live.status} live")
        elif live.is_stream != recorded.is_stream:
            form = {True: "a stream", False: "one JSON body"}
            lines.append(f"form: {form[recorded.is_stream]} recorded, {form[live.is_stream]} live")
        else:
            from pytest_fim.cassette._shape import shape_drift

            lines += shape_drift(_shaped(recorded), _shaped(live))
        lines += [f"live answer not valid: {line}" for line in self._problems(live, wire.content)]
        if lines:
            self.drift.append(f"{said}:\n" + "\n".join(f"  {line}" for line in lines))
        return wire


def _shaped(response: RecordedResponse) -> Any:
    if response.events is not None:
        return {"events": [event for event in response.events if event != DONE]}
    return response.body if response.text is None else {"text": response.text}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def describe_request(method: str, path: str, body: Any) -> str:
    """A request as a message names it: ``POST /v1/fim/completions model='m' prompt='...'``."""
    said = f"{method} {path}"
    if isinstance(body, dict):
        for name in ("model", "prompt", "stream"):
            if name in body and body[name] is not None:
                said += f" {name}={shorten(body[name], 40)}"
    return said


def unmatched(
    request: RecordedRequest, player: Player, mode: str, where: str, new_cassette: bool
) -> str:
    """The failure for a request no recording answers: the request, the closest
    recorded one with a field-by-field diff, and the flag that records it."""
    from pytest_fim.diff import deep_differences, render_differences

    said = describe_request(request.method, request.path, request.body)
    if new_cassette:
        head = f"fim_cassette: no cassette to answer FIM request {said}"
        tail = f"record it: pytest --fim-record=once (writes {where})"
        return f"{head}\n{tail}"
    lines = [f"fim_cassette: no recorded interaction matches FIM request {said}"]
    lines.append(f"cassette {where}, mode {mode}")
    closest = player.closest(request)
    if closest is None:
        lines.append("the cassette has no interactions")
    else:
        interaction, differing = closest
        number = player.cassette.interactions.index(interaction)
        if not differing:
            lines.append(
                f"its recordings (the closest is interactions[{number}]) were all replayed "
                f"already: identical requests replay in recorded order, each once"
            )
        else:
            lines.append(
                f"closest recorded request: interactions[{number}] "
                f"differs in {', '.join(differing)} (expected: recorded, got: sent):"
            )
            recorded = compared(interaction.request, differing)
            sent = compared(request, differing)
            differences = deep_differences(recorded, sent)
            lines += [f"  {line}" for line in render_differences(differences)]
    if mode == "verify":
        lines.append("--fim-record=verify sends only recorded requests: record this one first")
    else:
        lines.append("record it: pytest --fim-record=new_episodes (keeps the recordings it has)")
    return "\n".join(lines)
