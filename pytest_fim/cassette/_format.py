"""The cassette file: recorded FIM interactions as YAML made for code review.

A cassette is one YAML document::

    format: pytest-fim-cassette/1
    interactions:
    - request:
        method: POST
        path: /v1/fim/completions
        headers: {content-type: application/json}
        body: {model: codestral-latest, prompt: ..., suffix: ...}
      response:
        status: 200
        headers: {content-type: application/json}
        body: {...}            # parsed JSON; or
        events: [{...}, ...]   # a stream: each event's JSON in order, then '[DONE]'
        # or text: ...         # a body that is not JSON, as sent

Multi-line strings (the prompt, the completion) are written as literal
blocks (``|``), so code reads as code. Keys are written in a fixed order and
only a few headers are kept, so recording the same traffic twice writes the
same file. PyYAML is an optional dependency (``pytest-fim[record]``), loaded
with its safe loader only (the C one when available).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DONE",
    "FORMAT",
    "MISSING_YAML",
    "Cassette",
    "CassetteFormatError",
    "Interaction",
    "RecordedRequest",
    "RecordedResponse",
    "dump_cassette",
    "events_from_sse",
    "load_cassette",
    "loads_cassette",
    "recorded_response",
    "unwritable",
]

#: The format key every cassette starts with; a later incompatible layout gets /2.
FORMAT = "pytest-fim-cassette/1"
#: The data of the event that ends a stream.
DONE = "[DONE]"
MISSING_YAML = 'FIM cassettes need PyYAML: pip install "pytest-fim[record]"'
#: Request body fields written first, in this order; the others follow sorted.
_FIRST_FIELDS = ("model", "prompt", "suffix")


class CassetteFormatError(ValueError):
    """A cassette file that cannot be read: not YAML, or not the layout above."""


def _yaml() -> Any:
    """PyYAML; raises ``ImportError`` naming the extra when it is missing."""
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError(MISSING_YAML) from None
    return yaml


@dataclass
class RecordedRequest:
    """A request as stored: method, path (no host, no query), a few safe headers, body.

    ``body`` is the parsed JSON body; ``text`` the body as sent when it is not JSON.
    """

    method: str
    path: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The request as the cassette writes it, keys in a fixed order."""
        data: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.headers:
            data["headers"] = dict(sorted(self.headers.items()))
        if self.text is not None:
            data["text"] = self.text
        else:
            data["body"] = _ordered_body(self.body)
        return data

    @classmethod
    def from_data(cls, data: Any, where: str) -> RecordedRequest:
        """Read a request written by :meth:`to_data`; raises :class:`CassetteFormatError`."""
        if not isinstance(data, dict):
            raise CassetteFormatError(f"{where}: expected a mapping, got {type(data).__name__}")
        method, path = data.get("method"), data.get("path")
        if not isinstance(method, str) or not isinstance(path, str):
            raise CassetteFormatError(f"{where}: needs a method and a path (strings)")
        return cls(
            method, path, data.get("body"), _headers(data.get("headers"), where), data.get("text")
        )


@dataclass
class RecordedResponse:
    """A response as stored: status, a few headers, and one of body, events or text.

    ``body`` is the parsed JSON body; ``events`` a stream, one item per
    server-sent event in order (the parsed JSON of a chunk, or the event's
    data as sent when it is not a JSON object, :data:`DONE` for the end);
    ``text`` a body that is not JSON, as sent.
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    events: list[Any] | None = None
    text: str | None = None

    @property
    def is_stream(self) -> bool:
        """True for a streamed (server-sent events) response."""
        return self.events is not None

    @property
    def content_type(self) -> str:
        """The recorded content type, or what the stored form implies."""
        for name, value in self.headers.items():
            if name.lower() == "content-type":
                return value
        if self.events is not None:
            return "text/event-stream"
        return "text/plain" if self.text is not None else "application/json"

    def event_bytes(self) -> list[bytes]:
        """Each event as the live API sends it: ``data: {...}`` and a blank line."""
        return [
            b"data: " + _event_data(event).encode("utf-8", "backslashreplace") + b"\n\n"
            for event in self.events or ()
        ]

    def content(self) -> bytes:
        """The whole body as bytes on the wire."""
        if self.events is not None:
            return b"".join(self.event_bytes())
        if self.text is not None:
            return self.text.encode("utf-8", "backslashreplace")
        return json.dumps(self.body).encode("utf-8", "backslashreplace")

    def to_data(self) -> dict[str, Any]:
        """The response as the cassette writes it, keys in a fixed order."""
        data: dict[str, Any] = {"status": self.status}
        if self.headers:
            data["headers"] = dict(sorted(self.headers.items()))
        if self.events is not None:
            data["events"] = list(self.events)
        elif self.text is not None:
            data["text"] = self.text
        else:
            data["body"] = self.body
        return data

    @classmethod
    def from_data(cls, data: Any, where: str) -> RecordedResponse:
        """Read a response written by :meth:`to_data`; raises :class:`CassetteFormatError`."""
        if not isinstance(data, dict):
            raise CassetteFormatError(f"{where}: expected a mapping, got {type(data).__name__}")
        status = data.get("status")
        if not isinstance(status, int) or isinstance(status, bool):
            raise CassetteFormatError(f"{where}.status: expected an int, got {status!r:.40}")
        events = data.get("events")
        if events is not None and not isinstance(events, list):
            raise CassetteFormatError(f"{where}.events: expected a list")
        text = data.get("text")
        if text is not None and not isinstance(text, str):
            raise CassetteFormatError(f"{where}.text: expected a string")
        return cls(status, _headers(data.get("headers"), where), data.get("body"), events, text)


@dataclass
class Interaction:
    """One request and the response it got."""

    request: RecordedRequest
    response: RecordedResponse

    def to_data(self) -> dict[str, Any]:
        """The interaction as the cassette writes it."""
        return {"request": self.request.to_data(), "response": self.response.to_data()}


class Cassette:
    """Recorded FIM interactions, in the order they happened.

    Iterate it for the :class:`Interaction` objects; :meth:`find` looks one up
    the way replay does. Load one with :func:`load_cassette`.

    >>> cassette = Cassette()
    >>> len(cassette), cassette.path
    (0, None)
    """

    def __init__(
        self, interactions: Sequence[Interaction] = (), path: str | Path | None = None
    ) -> None:
        self.interactions: list[Interaction] = list(interactions)
        self.path: Path | None = Path(path) if path is not None else None
        # find()'s index per match_on, and how many interactions it covers:
        # built once, so looking up every request of a big cassette stays linear.
        self._finders: dict[tuple[str, ...] | None, tuple[int, Any]] = {}

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "<memory>"
        return f"Cassette({where!r}, {len(self)} interactions)"

    def __len__(self) -> int:
        return len(self.interactions)

    def __iter__(self) -> Iterator[Interaction]:
        return iter(self.interactions)

    def find(self, request: object, *, match_on: Sequence[str] | None = None) -> Interaction | None:
        """The first recorded interaction whose request matches ``request``, or None.

        ``request`` is a :class:`RecordedRequest`, a request body mapping
        (taken as ``POST /v1/fim/completions``) or a client's wire request;
        ``match_on`` names the fields compared (default:
        :data:`~pytest_fim.cassette.DEFAULT_MATCH_ON`). Raises ``TypeError``
        for another kind of request and ``ValueError`` for an unknown field name.
        """
        from pytest_fim.cassette._match import Player

        key = tuple(match_on) if match_on is not None else None
        built = self._finders.get(key)
        if built is None or built[0] != len(self.interactions):
            built = (len(self.interactions), Player(self, match_on))
            self._finders[key] = built
        found: Interaction | None = built[1].find(request)
        return found

    def to_yaml(self) -> str:
        """The cassette as YAML text, the same text for the same interactions."""
        return dump_cassette(self)

    def save(self, path: str | Path | None = None) -> Path:
        """Write the cassette to ``path`` (default: where it was loaded), creating folders.

        Raises ``ValueError`` when there is no path to write to.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("Cassette.save needs a path: this cassette was not loaded from one")
        text = self.to_yaml()
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed over: an interrupted run (Ctrl-C, a killed
        # xdist worker) leaves the old cassette or the new one, never half of one.
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return target


def events_from_sse(raw: bytes) -> list[Any]:
    """Each server-sent event's data, in order: its JSON object, or its text as sent.

    Lines other than ``data:`` (comments, ``event:``, ``id:``) are not kept.
    """
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    events: list[Any] = []
    for block in text.split("\n\n"):
        data = [
            line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")
        ]
        if not data:
            continue
        joined = "\n".join(data)
        try:
            parsed = json.loads(joined)
        except ValueError:
            parsed = None
        events.append(parsed if isinstance(parsed, dict) else joined)
    return events


def recorded_response(status: int, headers: dict[str, str], content: bytes) -> RecordedResponse:
    """A response as received, in its stored form: events for a stream, parsed JSON
    for a JSON body, text otherwise. ``headers`` are stored as given."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if "text/event-stream" in content_type:
        return RecordedResponse(status, headers, events=events_from_sse(content))
    try:
        return RecordedResponse(status, headers, body=json.loads(content))
    except ValueError:
        return RecordedResponse(status, headers, text=content.decode("utf-8", "replace"))


def _ordered_body(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    first = {key: body[key] for key in _FIRST_FIELDS if key in body}
    return {**first, **{key: body[key] for key in sorted(body) if key not in first}}


def _event_data(event: Any) -> str:
    if isinstance(event, str):
        return event
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def _headers(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CassetteFormatError(f"{where}.headers: expected a mapping")
    return {str(name): str(text) for name, text in value.items()}


# ---------------------------------------------------------------- YAML


_DUMPERS: dict[bool, Any] = {}
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")
#: A lone surrogate: JSON text may hold one ("\\ud800"), YAML (Unicode text) cannot.
_SURROGATE = re.compile("[\ud800-\udfff]")


def unwritable(data: Any) -> list[str]:
    """Where ``data`` holds text no YAML file can hold (a lone surrogate), as paths."""
    from pytest_fim.cassette._secrets import strings_in
    from pytest_fim.paths import format_path

    found = []
    for path, text in strings_in(data):
        surrogate = _SURROGATE.search(text)
        if surrogate is not None:
            found.append(f"{format_path(path)} holds a lone surrogate ({surrogate.group()!a})")
    return found


def _dumper(tabs: bool = False) -> Any:
    """A safe dumper that writes multi-line text as ``|`` blocks; no anchors.

    PyYAML's emitter will not put a tab in a literal block (YAML allows it),
    so Go code or a Makefile would come out as one escaped line. With
    ``tabs`` the pure Python emitter, taught otherwise, writes the file;
    without, the C one (several times faster) when PyYAML has it.
    """
    if tabs not in _DUMPERS:
        yaml = _yaml()
        base = yaml.SafeDumper if tabs else getattr(yaml, "CSafeDumper", yaml.SafeDumper)

        class Dumper(base):  # type: ignore[misc,valid-type]
            """Safe dumping; code as literal blocks; no anchors."""

            def ignore_aliases(self, data: Any) -> bool:
                return True

            def analyze_scalar(self, scalar: str) -> Any:  # the Python emitter's only
                analysis = super().analyze_scalar(scalar)
                # A tab may not open a block: its indentation is read from that line.
                tabbed = "\t" in scalar and not scalar.startswith("\t")
                if tabbed and "\n" in scalar and not analysis.allow_block:
                    untabbed = super().analyze_scalar(scalar.replace("\t", " "))
                    analysis.allow_block = untabbed.allow_block
                return analysis

        def represent_str(dumper: Any, data: str) -> Any:
            style = None
            if "\n" in data:
                # Code as a literal block; text YAML cannot hold as one (only
                # line breaks, a space before a break) as one escaped line.
                # NEL, LINE and PARAGRAPH SEPARATOR and CR are line breaks to YAML:
                # in a block they would come back as "\n" (or break the indentation).
                block = data.strip() and " \n" not in data and data[-1] != " "
                style = "|" if block and not _OTHER_BREAKS.search(data) else '"'
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

        Dumper.add_representer(str, represent_str)
        _DUMPERS[tabs] = Dumper
    return _DUMPERS[tabs]


def _has_tabbed_block(value: Any) -> bool:
    """True when some multi-line text in ``value`` holds a tab (see :func:`_dumper`)."""
    if isinstance(value, str):
        return "\t" in value and "\n" in value
    if isinstance(value, dict):
        return any(_has_tabbed_block(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_tabbed_block(item) for item in value)
    return False


def dump_cassette(cassette: Cassette) -> str:
    """``cassette`` as YAML text (format key first, interactions in order)."""
    data = {
        "format": FORMAT,
        "interactions": [interaction.to_data() for interaction in cassette.interactions],
    }
    return dump_yaml(data)


def dump_yaml(data: Any) -> str:
    """``data`` as YAML the way a cassette is written (what :mod:`._reader` reads back)."""
    # No folding of long lines: a long prompt stays on one line, as in the code.
    dumper = _dumper(tabs=_has_tabbed_block(data))
    text: str = _yaml().dump(
        data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1 << 30, indent=2
    )
    return text


def loads_cassette(text: str | bytes, source: str = "<cassette>") -> Cassette:
    """Read cassette YAML text. Raises :class:`CassetteFormatError` naming ``source``."""
    data = _parsed(text, source)
    if not isinstance(data, dict) or "interactions" not in data:
        raise CassetteFormatError(
            f"{source}: not a pytest-fim cassette (expected 'format: {FORMAT}' "
            f"and an 'interactions' list)"
        )
    if data.get("format") != FORMAT:
        raise CassetteFormatError(
            f"{source}: unsupported cassette format {data.get('format')!r}, expected {FORMAT!r}"
            + _newer(data.get("format"))
        )
    items = data["interactions"] or []
    if not isinstance(items, list):
        raise CassetteFormatError(f"{source}: 'interactions' must be a list")
    interactions = []
    for number, item in enumerate(items):
        where = f"{source}: interactions[{number}]"
        if not isinstance(item, dict):
            raise CassetteFormatError(f"{where}: expected a mapping with request and response")
        interactions.append(
            Interaction(
                RecordedRequest.from_data(item.get("request"), f"{where}.request"),
                RecordedResponse.from_data(item.get("response"), f"{where}.response"),
            )
        )
    return Cassette(interactions)


def _newer(found: object) -> str:
    """A hint for a cassette from a later pytest-fim: ``pytest-fim-cassette/2`` and on."""
    prefix, _, version = FORMAT.rpartition("/")
    if isinstance(found, str) and found.startswith(prefix + "/"):
        later = found.removeprefix(prefix + "/")
        if later.isdigit() and int(later) > int(version):
            return ": written by a newer pytest-fim; upgrade it (pip install -U pytest-fim)"
    return ""


def _parsed(text: str | bytes, source: str) -> Any:
    """The YAML ``text`` as data: read fast when it is as the writer wrote it,
    by PyYAML's safe loader otherwise (a file edited by hand, say)."""
    from pytest_fim.cassette import _reader

    yaml = _yaml()
    try:
        decoded = text.decode("utf-8") if isinstance(text, bytes) else text
        return _reader.read(decoded)
    except (_reader.Unsupported, UnicodeDecodeError):
        pass
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # a safe loader: no object tags
    except yaml.YAMLError as exc:
        raise CassetteFormatError(f"{source}: not valid YAML: {exc}") from None


def load_cassette(path: str | Path) -> Cassette:
    """Read the cassette file at ``path``.

    Raises ``FileNotFoundError`` when it does not exist, :class:`CassetteFormatError`
    (a ``ValueError``) when it is not a cassette, and ``ImportError`` naming
    ``pytest-fim[record]`` when PyYAML is missing.
    """
    target = Path(path)
    cassette = loads_cassette(target.read_bytes(), str(target))
    cassette.path = target
    return cassette
