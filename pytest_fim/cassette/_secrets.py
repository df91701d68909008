"""Keeping secrets out of cassettes: which headers are kept, and the last check before writing.

Only a few headers are ever stored (:data:`KEPT_REQUEST_HEADERS`,
:data:`KEPT_RESPONSE_HEADERS`): ``Authorization``, API-key headers, cookies
and everything volatile (dates, request ids) are dropped, and a URL is
stored as its path alone (a query may hold a token). Then, before a file is
written, :func:`find_secrets` looks through every string that would be
written for the key values the requests actually carried and for anything
shaped like a Mistral, OpenAI or Bearer key; one found means nothing is
written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pytest_fim.paths import ANY_INDEX, PathPart, PatternPart, format_path

__all__ = [
    "KEPT_REQUEST_HEADERS",
    "KEPT_RESPONSE_HEADERS",
    "find_secrets",
    "kept_headers",
    "mask",
    "masked",
    "secret_values",
    "strings_in",
]

KEPT_REQUEST_HEADERS = frozenset({"content-type", "accept"})
KEPT_RESPONSE_HEADERS = frozenset({"content-type", "retry-after"})
#: Headers whose values are credentials.
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "x-goog-api-key"}
)
#: Query parameters that carry credentials (``?key=...``, ``?access_token=...``).
_SECRET_QUERY = re.compile(r"key|token|secret|sig|password|auth", re.IGNORECASE)
#: A value shorter than this is not searched for: "test" would be found everywhere.
_MIN_SECRET = 8
_SHAPES = (
    ("an OpenAI-style key", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}")),
    ("a Bearer token", re.compile(r"\bBearer\s+(?!\*+\b)[A-Za-z0-9._~+/=-]{12,}")),
)
#: Mistral keys are 32 letters and digits, mixed case (response ids are lower-case hex).
_MISTRAL = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{32}(?![A-Za-z0-9])")


_ANY_SHAPE = re.compile("|".join(pattern.pattern for _, pattern in (*_SHAPES, ("", _MISTRAL))))


def kept_headers(headers: dict[str, str], kept: frozenset[str]) -> dict[str, str]:
    """The headers worth storing, names in lower case."""
    return {name.lower(): value for name, value in headers.items() if name.lower() in kept}


def secret_values(headers: dict[str, str], url: str) -> set[str]:
    """The credentials a request carries: key headers (without ``Bearer``), cookies,
    token-like query parameters."""
    found: set[str] = set()
    for name, value in headers.items():
        if name.lower() in _SECRET_HEADERS:
            found.add(value)
            scheme, _, rest = value.partition(" ")
            if rest and scheme.isalpha():
                found.add(rest.strip())
            found.update(part.partition("=")[2] for part in value.split(";") if "=" in part)
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if _SECRET_QUERY.search(name):
            found.add(value)
    return {value.strip() for value in found if len(value.strip()) >= _MIN_SECRET}


def mask(value: str) -> str:
    """``value`` with all but its first three characters hidden."""
    return f"{value[:3]}***"


def masked(value: Any, secrets: Iterable[str]) -> Any:
    """``value`` (JSON-like) with every one of ``secrets`` in its strings :func:`mask`-ed:
    what a failure message may show of a request that carried them."""
    known = sorted({secret for secret in secrets if len(secret) >= _MIN_SECRET}, key=len)
    if not known:
        return value
    pattern = re.compile("|".join(map(re.escape, reversed(known))))

    def hide(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(lambda hit: mask(hit.group()), item)
        if isinstance(item, dict):
            return {hide(key): hide(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [hide(inner) for inner in item]
        return item

    return hide(value)


#: A CamelCase name (``Base64EncodedCertificateProvider``): words of two or more
#: small letters after capitals, and numbers. A random key almost never splits so
#: (its small letters come alone, or after a digit), code very often does.
_CAMEL_CASE = re.compile(r"(?:[a-z]{2,})?(?:[A-Z]+[a-z]{2,}|[A-Z]+|[0-9]+)+")


def _looks_like_mistral_key(text: str) -> bool:
    return (
        any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() for c in text)
        and _CAMEL_CASE.fullmatch(text) is None
    )


def find_secrets(data: Any, known: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Every place in ``data`` (JSON-like) holding a secret: ``(path, what was found)``.

    ``known`` are the credentials the requests carried; besides those, any
    string shaped like a Mistral, OpenAI or Bearer key is reported. Values
    are never shown whole.
    """
    secrets = sorted({value for value in known if len(value) >= _MIN_SECRET}, key=len)
    # One expression for them all: a test may have sent hundreds (a cookie a request).
    any_secret = re.compile("|".join(map(re.escape, secrets))) if secrets else None
    found: list[tuple[str, str]] = []
    for path, text in strings_in(data):
        found.extend((format_path(path), what) for what in _secrets_in(text, secrets, any_secret))
    # A stream's text arrives in pieces: a key cut between two events is in no one string.
    for pattern, pieces in _stream_texts(data):
        joined = "".join(pieces)
        cuts = list(accumulate(map(len, pieces)))[:-1]
        across = _secrets_in(joined, secrets, any_secret, cuts)
        found.extend((f"{format_path(pattern)}, joined", what) for what in across)
    return found


def _secrets_in(
    text: str,
    secrets: list[str],
    any_secret: re.Pattern[str] | None,
    cuts: Sequence[int] = (),
) -> list[str]:
    """What secrets ``text`` holds, each said with its value masked; with ``cuts``
    (offsets where one piece of text ends and the next begins), only those across one."""

    def keep(start: int, end: int) -> bool:
        return not cuts or any(start < cut < end for cut in cuts)

    # Most strings hold nothing: a search or two rules them out.
    holds_secret = any_secret is not None and any_secret.search(text) is not None
    if not holds_secret and not _ANY_SHAPE.search(text):
        return []
    found = []
    for value in secrets if holds_secret else ():
        start = text.find(value)
        while start >= 0:
            if keep(start, start + len(value)):
                found.append(f"the request's API key ({mask(value)})")
                break
            start = text.find(value, start + 1)
    for name, pattern in _SHAPES:
        for hit in pattern.finditer(text):
            if keep(*hit.span()):
                found.append(f"{name} ({mask(hit.group())})")
    for hit in _MISTRAL.finditer(text):
        if _looks_like_mistral_key(hit.group()) and keep(*hit.span()):
            found.append(f"a Mistral-style key ({mask(hit.group())})")
    return found


def _stream_texts(
    value: Any, path: tuple[PathPart, ...] = ()
) -> Iterator[tuple[tuple[PatternPart, ...], list[str]]]:
    """Each streamed choice's text pieces in event order, with the pattern of their path
    (``...events[*].choices[0].delta.content``): every ``events`` list of chunks in ``value``."""
    if isinstance(value, dict):
        events = value.get("events")
        if isinstance(events, list):
            pieces: dict[int, list[str]] = {}
            for event in events:
                choices = event.get("choices") if isinstance(event, dict) else None
                for number, choice in enumerate(choices if isinstance(choices, list) else ()):
                    delta = choice.get("delta") if isinstance(choice, dict) else None
                    content = delta.get("content") if isinstance(delta, dict) else None
                    if isinstance(content, str):
                        pieces.setdefault(number, []).append(content)
            for number, texts in pieces.items():
                if len(texts) > 1:
                    yield (*path, "events", ANY_INDEX, "choices", number, "delta", "content"), texts
        for key, item in value.items():
            if key != "events":
                yield from _stream_texts(item, (*path, str(key)))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _stream_texts(item, (*path, number))


def strings_in(
    value: Any, path: tuple[PathPart, ...] = ()
) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """Every string in ``value`` (JSON-like), mapping keys too, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, str(key)), str(key)
            yield from strings_in(item, (*path, str(key)))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from strings_in(item, (*path, number))
