"""Which recorded interaction answers a request: matching, replay order, the closest miss.

A request matches a recorded one when the fields named by ``match_on`` are
equal: ``method``, ``path`` and the request body's fields (a field sent as
``null`` and one left out are the same). Identical requests are answered by
their recordings in recorded order, each once.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pytest_fim.cassette._format import RecordedRequest

if TYPE_CHECKING:
    from pytest_fim.cassette._format import Cassette, Interaction

__all__ = ["DEFAULT_MATCH_ON", "MATCHABLE", "Player", "match_fields", "recorded_request"]

#: What decides a FIM completion: matched by default.
DEFAULT_MATCH_ON: tuple[str, ...] = (
    "method",
    "path",
    "model",
    "prompt",
    "suffix",
    "temperature",
    "top_p",
    "max_tokens",
    "min_tokens",
    "stop",
    "random_seed",
    "stream",
)
#: Every name ``match_on=`` and ``ignore=`` accept: the defaults, the other FIM
#: request fields, and ``body`` (the whole body).
MATCHABLE: tuple[str, ...] = (*DEFAULT_MATCH_ON, "metadata", "prompt_cache_key", "body")
_REQUEST_PARTS = ("method", "path")
FIM_PATH = "/v1/fim/completions"


def match_fields(
    match_on: Iterable[str] | None = None, ignore: Iterable[str] | None = None
) -> tuple[str, ...]:
    """The fields compared: ``match_on`` (default :data:`DEFAULT_MATCH_ON`) less ``ignore``.

    Raises ``TypeError`` for a bare string or a non-string name and
    ``ValueError`` for a name outside :data:`MATCHABLE`.
    """
    chosen = DEFAULT_MATCH_ON if match_on is None else _names(match_on, "match_on")
    dropped = set(_names(ignore, "ignore")) if ignore is not None else set()
    return tuple(name for name in chosen if name not in dropped)


def _names(value: Iterable[str], keyword: str) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(
            f"{keyword}= takes a list of field names, got {type(value).__name__} {value!r:.60}"
        )
    names = tuple(value)
    for name in names:
        if not isinstance(name, str) or name not in MATCHABLE:
            raise ValueError(
                f"{keyword}= got {name!r:.60}: expected field names from {', '.join(MATCHABLE)}"
            )
    return names


def recorded_request(request: object) -> RecordedRequest:
    """``request`` as a :class:`RecordedRequest`: one already, a client's wire request
    (anything with ``method``, ``url`` and ``body`` bytes), or a body mapping (a
    ``POST`` to the FIM path). Raises ``TypeError`` for anything else."""
    if isinstance(request, RecordedRequest):
        return request
    if isinstance(request, Mapping):
        return RecordedRequest("POST", FIM_PATH, dict(request))
    method, url, body = (getattr(request, name, None) for name in ("method", "url", "body"))
    if isinstance(method, str) and isinstance(url, str) and isinstance(body, bytes):
        from urllib.parse import urlsplit

        parsed, text = parse_body(body)
        return RecordedRequest(method, urlsplit(url).path, parsed, text=text)
    raise TypeError(
        f"a cassette request is a RecordedRequest, a request body mapping or a wire request, "
        f"got {type(request).__name__}"
    )


def parse_body(raw: bytes) -> tuple[Any, str | None]:
    """The JSON body and None; or None and the body as text when it is not JSON."""
    try:
        return json.loads(raw), None
    except ValueError:
        return None, raw.decode("utf-8", "replace")


def _value(request: RecordedRequest, name: str) -> Any:
    if name in _REQUEST_PARTS:
        return getattr(request, name)
    if name == "body":
        return request.body if request.text is None else request.text
    body = request.body
    return body.get(name) if isinstance(body, dict) else None


def _key(request: RecordedRequest, fields: Sequence[str]) -> str:
    values = [_value(request, name) for name in fields]
    return json.dumps(values, sort_keys=True, default=str)


class Player:
    """Answers requests from a cassette's interactions, each recording once, in order.

    Builds an index of the recorded requests once (a dictionary lookup per request after).
    """

    def __init__(self, cassette: Cassette, match_on: Sequence[str] | None = None) -> None:
        self.fields = match_fields(match_on)
        self.cassette = cassette
        self._index: dict[str, deque[int]] = {}
        for number, interaction in enumerate(cassette.interactions):
            self._index.setdefault(_key(interaction.request, self.fields), deque()).append(number)
        self.used: set[int] = set()

    def find(self, request: object) -> Interaction | None:
        """The first recording that matches ``request``, used or not (None if none)."""
        waiting = self._index.get(_key(recorded_request(request), self.fields))
        return self.cassette.interactions[waiting[0]] if waiting else None

    def take(self, request: object) -> Interaction | None:
        """The next unused recording that matches ``request``, now used (None if none)."""
        waiting = self._index.get(_key(recorded_request(request), self.fields))
        if not waiting:
            return None
        number = waiting.popleft()
        self.used.add(number)
        return self.cassette.interactions[number]

    def add(self, interaction: Interaction) -> None:
        """Append a new recording, already used (it answered the request that made it)."""
        self.cassette.interactions.append(interaction)
        self.used.add(len(self.cassette.interactions) - 1)

    def closest(self, request: object) -> tuple[Interaction, list[str]] | None:
        """The recorded request most like ``request`` and the compared fields that differ."""
        wanted = recorded_request(request)
        best: tuple[int, int, list[str]] | None = None
        for number, interaction in enumerate(self.cassette.interactions):
            differing = [
                name
                for name in self.fields
                if _value(interaction.request, name) != _value(wanted, name)
            ]
            # Fewest differing fields; among equals, the one not yet used, then the first.
            rank = (len(differing), number in self.used)
            if best is None or rank < (len(best[2]), best[0] in self.used):
                best = (number, 0, differing)
        if best is None:
            return None
        return self.cassette.interactions[best[0]], best[2]


def compared(request: RecordedRequest, fields: Sequence[str]) -> dict[str, Any]:
    """The compared fields of ``request`` that it has, as a mapping for a diff."""
    values = {name: _value(request, name) for name in fields}
    return {name: value for name, value in values.items() if value is not None}
