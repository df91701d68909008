"""Build valid FIM completion responses for tests.

Everything :func:`make_fim_response` returns passes both validation profiles
and the Mistral SDK's own ``FIMCompletionResponse.model_validate``.
"""

from __future__ import annotations

import math
import random
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_fim.models import FINISH_REASONS, ChatCompletionChoice, FIMCompletionResponse
from pytest_fim.problems import render, shorten

__all__ = ["FIMResponseFactory", "estimate_tokens", "make_fim_response", "seeded_ids"]

Content = str | Sequence[Mapping[str, Any]]
_PIECES = re.compile(r"\w+|[^\w\s]|\s+")
#: Base of seeded ``created`` values: 2023-11-14, inside the API's lifetime.
_SEEDED_EPOCH = 1_700_000_000


def estimate_tokens(text: str) -> int:
    """Estimate a token count for ``text``: about one token per word,
    symbol or whitespace run, long words split every four characters."""
    return sum(max(1, math.ceil(len(piece) / 4)) if piece[0].isalnum() or piece[0] == "_"
               else 1 for piece in _PIECES.findall(text))


def seeded_ids(seed: object) -> tuple[str, int]:
    """Return the ``(id, created)`` pair a seed stands for: 32 hex digits
    like the live API, and Unix seconds. The same seed gives the same pair."""
    rng = random.Random(str(seed))
    return f"{rng.getrandbits(128):032x}", _SEEDED_EPOCH + rng.randrange(100_000_000)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(str(chunk.get("text") or "") for chunk in content
                       if isinstance(chunk, Mapping))
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
            {"index": index, "message": {"role": "assistant", "content": _copy(content),
                                         "tool_calls": None, "prefix": False},
             "finish_reason": finish_reason}
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
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
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
        raise ValueError(render("make_fim_response() arguments do not make a valid response:",
                                problems))
    return response


def _copy(content: Content) -> Any:
    return content if isinstance(content, str) else [dict(chunk) for chunk in content]


def _choice_dict(choice: Mapping[str, Any] | ChatCompletionChoice) -> dict[str, Any]:
    if isinstance(choice, ChatCompletionChoice):
        return choice.model_dump(by_alias=True, exclude_unset=True)
    if isinstance(choice, Mapping):
        return dict(choice)
    raise TypeError(f"choices must hold mappings or ChatCompletionChoice models, "
                    f"got {type(choice).__name__}: {shorten(choice)}")


def _check_arguments(content: object, n: object, model: object, finish_reason: object,
                     prompt_tokens: object, completion_tokens: object,
                     choices: object) -> None:
    if not isinstance(content, str) and not (
        isinstance(content, Sequence) and all(isinstance(c, Mapping) for c in content)
    ):
        raise TypeError(f"content must be a str or a list of content chunks "
                        f"(dicts such as {{'type': 'text', 'text': '...'}}), "
                        f"got {type(content).__name__}: {shorten(content)}")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int (the number of choices), got {n!r}")
    if not isinstance(model, str):
        raise TypeError(f"model must be a str, got {type(model).__name__}: {shorten(model)}")
    if finish_reason not in FINISH_REASONS:
        raise ValueError(f"finish_reason must be one of {', '.join(map(repr, FINISH_REASONS))}, "
                         f"got {shorten(finish_reason)}")
    if finish_reason == "tool_calls" and choices is None:
        raise ValueError("finish_reason='tool_calls' needs tool calls: build the choices "
                         "yourself with choices=[{..., 'message': {'tool_calls': [...]}}]")
    for name, value in (("prompt_tokens", prompt_tokens), ("completion_tokens", completion_tokens)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < 0):
            raise ValueError(f"{name} must be a non-negative int or None, got {shorten(value)}")
    if choices is not None and (isinstance(choices, (str, bytes, Mapping))
                                or not isinstance(choices, Sequence)):
        raise TypeError(f"choices must be a list of choices, got {type(choices).__name__}")


class FIMResponseFactory:
    """:func:`make_fim_response` with deterministic ids drawn from a base seed.

    Call it with the same arguments as :func:`make_fim_response`. Without an
    explicit ``seed``, ``id`` or ``created``, the n-th call uses the seed
    ``(base_seed, n)``: the same test gets the same ids run after run (and
    under pytest-xdist), different tests get different ids.
    """

    def __init__(self, base_seed: str) -> None:
        self.base_seed = base_seed
        self.calls = 0

    def __call__(self, content: Content = "    return a + b\n", **kwargs: Any
                 ) -> FIMCompletionResponse:
        """Build a response; see :func:`make_fim_response` for the arguments."""
        self.calls += 1
        kwargs.setdefault("seed", f"{self.base_seed}#{self.calls}")
        return make_fim_response(content, **kwargs)

    def __repr__(self) -> str:
        return f"FIMResponseFactory(base_seed={self.base_seed!r}, calls={self.calls})"
