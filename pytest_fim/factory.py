"""Build valid FIM completion responses and streams for tests.

Everything :func:`make_fim_response` returns passes both validation profiles
and the Mistral SDK's own ``FIMCompletionResponse.model_validate``; a stream
from :func:`make_fim_stream` assembles into such a response.
"""

from __future__ import annotations

import json
import math
import random
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Generic, Literal, TypeVar, overload

from pytest_fim.models import (
    FINISH_REASONS,
    ChatCompletionChoice,
    CompletionChunk,
    FIMCompletionResponse,
)
from pytest_fim.problems import render, shorten

__all__ = [
    "FIMResponseFactory",
    "FIMStreamFactory",
    "estimate_tokens",
    "make_fim_response",
    "make_fim_stream",
    "seeded_ids",
]

Content = str | Sequence[Mapping[str, Any]]
_PIECES = re.compile(r"\w+|[^\w\s]|\s+")
#: Base of seeded ``created`` values: 2023-11-14, inside the API's lifetime.
_SEEDED_EPOCH = 1_700_000_000


def estimate_tokens(text: str) -> int:
    """Estimate a token count for ``text``: about one token per word,
    symbol or whitespace run, long words split every four characters."""
    return sum(
        max(1, math.ceil(len(piece) / 4)) if piece[0].isalnum() or piece[0] == "_" else 1
        for piece in _PIECES.findall(text)
    )


def seeded_ids(seed: object) -> tuple[str, int]:
    """Return the ``(id, created)`` pair a seed stands for: 32 hex digits
    like the live API, and Unix seconds. The same seed gives the same pair."""
    rng = random.Random(str(seed))
    return f"{rng.getrandbits(128):032x}", _SEEDED_EPOCH + rng.randrange(100_000_000)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(
            str(chunk.get("text") or "") for chunk in content if isinstance(chunk, Mapping)
        )
    return ""


def make_fim_response(
    content: Content = "    return a + b\n",
    *,
    n: int = 1,
    model: str = "codestral-latest",
    finish_reason: str = "stop",
    prompt_tokens: int | None = None,
    completion_tokens: int | None = None,
    id: str | None = None,
    created: int | None = None,
    seed: object = None,
    choices: Sequence[Mapping[str, Any] | ChatCompletionChoice] | None = None,
    **extra: Any,
) -> FIMCompletionResponse:
    """Build a valid :class:`FIMCompletionResponse`.

    ``content`` (a string or a list of content chunks such as
    ``{"type": "text", "text": "..."}``) is the completion of each of the
    ``n`` choices. ``usage`` is computed: ``completion_tokens`` is estimated
    from the content unless given (summed over choices), ``prompt_tokens``
    defaults to 16, and ``total_tokens`` is their sum. ``id`` is 32 hex
    digits and ``created`` the current time unless given; ``seed`` makes
    both deterministic. ``choices`` replaces the generated choices (full
    control: dicts or models); ``**extra`` adds top-level fields.

    Raises ``ValueError`` when the arguments cannot make a valid response
    (``n < 1``, an unknown ``finish_reason``, negative counts,
    ``finish_reason="tool_calls"`` without tool calls), and ``TypeError`` for
    arguments of the wrong type.

    >>> r = make_fim_response("a + b", seed=1)
    >>> r.text(), r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens
    ('a + b', True)
    """
    _check_arguments(content, n, model, finish_reason, prompt_tokens, completion_tokens, choices)
    if choices is None:
        choice_data: list[Any] = [
            {
                "index": index,
                "message": {
                    "role": "assistant",
                    "content": _copy(content),
                    "tool_calls": None,
                    "prefix": False,
                },
                "finish_reason": finish_reason,
            }
            for index in range(n)
        ]
    else:
        choice_data = [_choice_dict(choice) for choice in choices]
    if completion_tokens is None:
        completion_tokens = sum(
            estimate_tokens(_content_text((choice.get("message") or {}).get("content")))
            for choice in choice_data
        )
    if prompt_tokens is None:
        prompt_tokens = 16
    seeded_id, seeded_created = seeded_ids(seed) if seed is not None else (None, None)
    data: dict[str, Any] = {
        "id": id if id is not None else seeded_id or uuid.uuid4().hex,
        "object": "chat.completion",
        "model": model,
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "created": created if created is not None else seeded_created or int(time.time()),
        "choices": choice_data,
        **extra,
    }
    # Imported here: validate imports this module's neighbours, not the reverse.
    from pytest_fim._response_checks import check_response

    # choices= and **extra are the caller's full control: hold them to the documented
    # schema only; what we generate ourselves must also pass the strict profile.
    response, problems = check_response(data, strict=choices is None and not extra)
    if problems or response is None:
        raise ValueError(
            render("make_fim_response() arguments do not make a valid response:", problems)
        )
    return response


def _copy(content: Content) -> Any:
    return content if isinstance(content, str) else [dict(chunk) for chunk in content]


def _choice_dict(choice: Mapping[str, Any] | ChatCompletionChoice) -> dict[str, Any]:
    if isinstance(choice, ChatCompletionChoice):
        return choice.model_dump(by_alias=True, exclude_unset=True)
    if isinstance(choice, Mapping):
        return dict(choice)
    raise TypeError(
        f"choices must hold mappings or ChatCompletionChoice models, "
        f"got {type(choice).__name__}: {shorten(choice)}"
    )


def _check_arguments(
    content: object,
    n: object,
    model: object,
    finish_reason: object,
    prompt_tokens: object,
    completion_tokens: object,
    choices: object,
) -> None:
    if not isinstance(content, str) and not (
        isinstance(content, Sequence) and all(isinstance(c, Mapping) for c in content)
    ):
        raise TypeError(
            f"content must be a str or a list of content chunks "
            f"(dicts such as {{'type': 'text', 'text': '...'}}), "
            f"got {type(content).__name__}: {shorten(content)}"
        )
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int (the number of choices), got {n!r}")
    if not isinstance(model, str):
        raise TypeError(f"model must be a str, got {type(model).__name__}: {shorten(model)}")
    if finish_reason not in FINISH_REASONS:
        raise ValueError(
            f"finish_reason must be one of {', '.join(map(repr, FINISH_REASONS))}, "
            f"got {shorten(finish_reason)}"
        )
    if finish_reason == "tool_calls" and choices is None:
        raise ValueError(
            "finish_reason='tool_calls' needs tool calls: build the choices "
            "yourself with choices=[{..., 'message': {'tool_calls': [...]}}]"
        )
    for name, value in (("prompt_tokens", prompt_tokens), ("completion_tokens", completion_tokens)):
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise ValueError(f"{name} must be a non-negative int or None, got {shorten(value)}")
    if choices is not None and (
        isinstance(choices, (str, bytes, Mapping)) or not isinstance(choices, Sequence)
    ):
        raise TypeError(f"choices must be a list of choices, got {type(choices).__name__}")


_Built = TypeVar("_Built")


class _SeededFactory(Generic[_Built]):
    """A builder with deterministic ids: the n-th call without a seed of its own
    uses one made of ``base_seed``, the factory's tag and ``n``."""

    #: Keeps a response factory's seeds apart from a stream factory's on the same base.
    _tag = ""

    def __init__(self, base_seed: str) -> None:
        self.base_seed = base_seed
        self.calls = 0

    def __call__(self, content: Content = "    return a + b\n", **kwargs: Any) -> _Built:
        """Build one; the arguments are the builder's (see the class)."""
        self.calls += 1
        if self._seeds(kwargs):
            kwargs.setdefault("seed", f"{self.base_seed}#{self._tag}{self.calls}")
        return self._build(content, kwargs)

    def _seeds(self, kwargs: dict[str, Any]) -> bool:
        """Whether a call with these keywords takes a seed from the factory."""
        return True

    def _build(self, content: Content, kwargs: dict[str, Any]) -> _Built:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_seed={self.base_seed!r}, calls={self.calls})"


class FIMResponseFactory(_SeededFactory[FIMCompletionResponse]):
    """:func:`make_fim_response` with deterministic ids drawn from a base seed.

    Call it with the same arguments as :func:`make_fim_response`. Without an
    explicit ``seed``, ``id`` or ``created``, the n-th call uses the seed
    ``(base_seed, n)``: the same test gets the same ids run after run (and
    under pytest-xdist), different tests get different ids.
    """

    def _build(self, content: Content, kwargs: dict[str, Any]) -> FIMCompletionResponse:
        return make_fim_response(content, **kwargs)


#: Word by word, each word with the space before it: how the live API streams.
_WORDS = re.compile(r"\s*\S+|\s+")


def _split_text(text: str, chunks: int | None, chunk_size: int | None) -> list[str]:
    if not text:
        return []
    if chunk_size is not None:
        return [text[i : i + chunk_size] for i in range(0, len(text), chunk_size)]
    if chunks is not None:
        size = -(-len(text) // chunks)  # ceiling: at most `chunks` pieces
        return [text[i : i + size] for i in range(0, len(text), size)]
    return _WORDS.findall(text)


@overload
def make_fim_stream(
    content: Content = ...,
    *,
    chunks: int | None = ...,
    chunk_size: int | None = ...,
    as_sse: Literal[False] = ...,
    response: object = ...,
    **kwargs: Any,
) -> list[CompletionChunk]: ...


@overload
def make_fim_stream(
    content: Content = ...,
    *,
    chunks: int | None = ...,
    chunk_size: int | None = ...,
    as_sse: Literal[True],
    response: object = ...,
    **kwargs: Any,
) -> str: ...


def make_fim_stream(
    content: Content = "    return a + b\n",
    *,
    chunks: int | None = None,
    chunk_size: int | None = None,
    as_sse: bool = False,
    response: object = None,
    **kwargs: Any,
) -> list[CompletionChunk] | str:
    """Build a valid stream whose assembly equals ``make_fim_response(content, **kwargs)``.

    Each choice's text is cut into ``chunks`` pieces, or pieces of
    ``chunk_size`` characters, or (by default) word by word, as the live
    API streams tokens; content given as a list of content chunks is sent one
    content chunk per event. The first chunk carries the role and lacks
    ``object``/``created`` (as on the wire); the last carries ``usage``.
    ``response=`` splits an existing response (any response input) instead.
    Returns chunk models, or SSE text ending in ``data: [DONE]`` with
    ``as_sse=True``.

    Raises ``ValueError`` for ``chunks``/``chunk_size`` below 1 or both
    given, or a ``response`` with ``**kwargs``, and what
    :func:`make_fim_response` raises for its arguments.

    >>> len(make_fim_stream("a b c", chunks=3))
    4
    """
    # Imported here, as in make_fim_response: validation imports this module's neighbours.
    from pytest_fim._stream_checks import CHUNKS
    from pytest_fim.validate import assert_valid_fim_response

    for name, value in (("chunks", chunks), ("chunk_size", chunk_size)):
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 1
        ):
            raise ValueError(f"{name} must be a positive int or None, got {shorten(value)}")
    if chunks is not None and chunk_size is not None:
        raise ValueError(
            "give chunks (how many pieces) or chunk_size (characters a piece), not both"
        )
    if response is not None:
        if kwargs:
            raise ValueError(
                f"response= splits an existing response; it takes no "
                f"make_fim_response keywords (got {', '.join(sorted(kwargs))})"
            )
        built = assert_valid_fim_response(response, strict=False)
    else:
        built = make_fim_response(content, **kwargs)
    data = built.model_dump(mode="json", by_alias=True, exclude_unset=True)
    stream = _split_response(data, chunks, chunk_size)
    if as_sse:
        return (
            "".join(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n" for chunk in stream)
            + "data: [DONE]\n\n"
        )
    return CHUNKS.validate_python(stream)


def _split_response(
    data: dict[str, Any], chunks: int | None, chunk_size: int | None
) -> list[dict[str, Any]]:
    head = {"id": data["id"], "model": data["model"]}
    later = {**head, "object": "chat.completion.chunk"}
    if data.get("created") is not None:
        later["created"] = data["created"]
    extras = {
        key: value for key, value in data.items() if key not in FIMCompletionResponse.model_fields
    }
    out: list[dict[str, Any]] = []
    for choice in data.get("choices") or []:
        message = choice.get("message") or {}
        content = message.get("content")
        opening: dict[str, Any] = {"role": "assistant"}
        if isinstance(content, (str, list)):
            opening["content"] = content[:0]  # "" or []: the kind of content to come
        out.append(
            {
                **(head if not out else later),
                "choices": [{"index": choice["index"], "delta": opening, "finish_reason": None}],
            }
        )
        if isinstance(content, list):
            deltas: list[dict[str, Any]] = [{"content": [chunk]} for chunk in content]
        else:
            deltas = [
                {"content": piece} for piece in _split_text(content or "", chunks, chunk_size)
            ]
        if message.get("tool_calls"):
            deltas.append({"tool_calls": message["tool_calls"]})
        if not deltas:
            deltas.append({})
        for number, delta in enumerate(deltas):
            final = number == len(deltas) - 1
            out.append(
                {
                    **later,
                    "choices": [
                        {
                            "index": choice["index"],
                            "delta": delta,
                            "finish_reason": choice.get("finish_reason") if final else None,
                        }
                    ],
                }
            )
    if not out:  # a response without choices is still a stream of one chunk
        out.append({**head, "choices": []})
    out[0].update(extras)
    if data.get("usage") is not None:
        out[-1]["usage"] = data["usage"]
    if "created" in later and "created" not in out[-1]:
        out[-1].update(later)
    return out


class FIMStreamFactory(_SeededFactory[Any]):
    """:func:`make_fim_stream` with deterministic ids drawn from a base seed.

    The n-th call without an explicit ``seed`` or ``response`` uses a seed
    made of ``base_seed`` and ``n``, like :class:`~pytest_fim.FIMResponseFactory`;
    the ``fim_stream_factory`` fixture is one, seeded by the test's id.
    Calling it takes and returns what :func:`make_fim_stream` does.

    >>> make = FIMStreamFactory("test_example")
    >>> make("a b")[0].id == FIMStreamFactory("test_example")("a b")[0].id
    True
    """

    _tag = "stream"

    def _seeds(self, kwargs: dict[str, Any]) -> bool:
        return kwargs.get("response") is None  # a response brings its own ids

    def _build(self, content: Content, kwargs: dict[str, Any]) -> Any:
        return make_fim_stream(content, **kwargs)
