"""pydantic models of the FIM completion response (the documented schema).

The models follow the lenient profile: ``created`` and ``choices`` are
optional and unknown extra fields are kept, because the API grows. Types are
checked strictly (no ``"3"`` for ``3``, no ``True`` for ``1``): a test tool
must not paper over what the wire carried. The stricter rules of the live
API are checked by :mod:`pytest_fim.validate`, not encoded here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

__all__ = [
    "CHUNK_FINISH_REASONS",
    "FINISH_REASONS",
    "AssistantMessage",
    "ChatCompletionChoice",
    "CompletionChunk",
    "CompletionEvent",
    "CompletionResponseStreamChoice",
    "ContentChunk",
    "DeltaMessage",
    "FIMCompletionRequest",
    "FIMCompletionResponse",
    "FunctionCall",
    "ToolCall",
    "UsageInfo",
]

#: The ``finish_reason`` values of a complete (non-streamed) response.
FINISH_REASONS: tuple[str, ...] = ("stop", "length", "model_length", "error", "tool_calls")

FinishReason = Literal["stop", "length", "model_length", "error", "tool_calls"]
TokenCount = Annotated[int, Field(ge=0)]


class _Model(BaseModel):
    # strict: JSON types are checked as sent; extra="allow": newer fields are kept.
    model_config = ConfigDict(extra="allow", strict=True)


def _kind_of(value: Any) -> str | None:
    """Tag a union member by the JSON kind of the value (see UNION_TAGS)."""
    if isinstance(value, str):
        return "<text>"
    if isinstance(value, list):
        return "<list>"
    if isinstance(value, dict):
        return "<object>"
    return None


#: Tags of the unions above. They appear in pydantic's error locations and
#: are dropped when a location is turned into a path.
UNION_TAGS = frozenset({"<text>", "<list>", "<object>"})


class ContentChunk(_Model):
    """One part of a message's content, e.g. ``{"type": "text", "text": "..."}``."""

    type: str
    text: str | None = None


class UsageInfo(_Model):
    """Token counts of a response; ``total_tokens`` = prompt + completion."""

    prompt_tokens: TokenCount | None = None
    completion_tokens: TokenCount | None = None
    total_tokens: TokenCount | None = None
    prompt_audio_seconds: int | float | None = None
    service_tier: str | None = None


class FunctionCall(_Model):
    """The function a tool call invokes; ``arguments`` is JSON text or an object."""

    name: str
    arguments: Annotated[
        Annotated[str, Tag("<text>")] | Annotated[dict[str, Any], Tag("<object>")],
        Discriminator(_kind_of),
    ]


class ToolCall(_Model):
    """A tool call in an assistant message."""

    id: str | None = None
    type: str | None = None
    function: FunctionCall
    index: int | None = None


MessageContent = Annotated[
    Annotated[str, Tag("<text>")] | Annotated[list[ContentChunk], Tag("<list>")],
    Discriminator(_kind_of),
]


class AssistantMessage(_Model):
    """The completion: ``content`` is text, a list of content chunks, or null."""

    role: Literal["assistant"] = "assistant"
    content: MessageContent | None = None
    tool_calls: list[ToolCall] | None = None
    prefix: bool = False

    def text(self) -> str:
        """Return the content as one string: text chunks joined, '' for null."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(chunk.text or "" for chunk in self.content if chunk.type == "text")


class ChatCompletionChoice(_Model):
    """One completion of a response, with why generation stopped."""

    index: TokenCount
    message: AssistantMessage | None = None
    finish_reason: FinishReason
    logprobs: Any = None
    prompt_logprobs: Any = None
    messages: list[Any] | None = None


class FIMCompletionResponse(_Model):
    """A response of ``POST /v1/fim/completions`` (the documented schema).

    >>> r = FIMCompletionResponse.model_validate({
    ...     "id": "447e3e0d457e42e98248b5d2ef52a2a3", "object": "chat.completion",
    ...     "model": "codestral-latest",
    ...     "usage": {"prompt_tokens": 8, "completion_tokens": 4, "total_tokens": 12},
    ...     "choices": [{"index": 0, "finish_reason": "stop",
    ...                  "message": {"role": "assistant", "content": "a + b"}}]})
    >>> r.text()
    'a + b'
    """

    id: str
    object: str
    model: str
    usage: UsageInfo
    created: int | None = None
    choices: list[ChatCompletionChoice] | None = None

    def text(self, choice: int = 0) -> str:
        """Return the content of choice number ``choice`` as one string.

        Raises ``IndexError`` when the response has no such choice.
        """
        for candidate in self.choices or ():
            if candidate.index == choice:
                return candidate.message.text() if candidate.message else ""
        raise IndexError(
            f"the response has no choice with index {choice} "
            f"(it has {len(self.choices or ())} choices)"
        )


# ---------------------------------------------------------------- streaming

#: The ``finish_reason`` values the API documents for stream chunks.
CHUNK_FINISH_REASONS: tuple[str, ...] = ("stop", "length", "error", "tool_calls")


class DeltaMessage(_Model):
    """What one stream chunk adds to a choice: a piece of content, tool calls, the role.

    >>> DeltaMessage.model_validate({"content": " a + b"}).content
    ' a + b'
    """

    role: str | None = None
    content: MessageContent | None = None
    #: Pieces of tool calls: a call's arguments may come over several chunks,
    #: so a piece need not be a whole ToolCall.
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None
    index: int | None = None
    metadata: dict[str, Any] | None = None


class CompletionResponseStreamChoice(_Model):
    """One choice in a stream chunk; ``finish_reason`` is null until its last chunk.

    >>> CompletionResponseStreamChoice.model_validate(
    ...     {"index": 0, "delta": {"content": "x"}, "finish_reason": None}).finish_reason is None
    True
    """

    index: TokenCount
    delta: DeltaMessage
    finish_reason: FinishReason | None = None
    logprobs: Any = None
    prompt_logprobs: Any = None


class CompletionChunk(_Model):
    """One server-sent event of a streamed FIM completion.

    The first chunk may lack ``object`` and ``created``; ``usage`` comes on
    the last one. :func:`~pytest_fim.parse_fim_sse` returns these.

    >>> chunk = CompletionChunk.model_validate({
    ...     "id": "447e3e0d457e42e98248b5d2ef52a2a3", "model": "codestral-latest",
    ...     "choices": [{"index": 0, "delta": {"role": "assistant", "content": "a"},
    ...                  "finish_reason": None}]})
    >>> chunk.choices[0].delta.content, chunk.created
    ('a', None)
    """

    id: str
    model: str
    choices: list[CompletionResponseStreamChoice]
    object: str | None = None
    created: int | None = None
    usage: UsageInfo | None = None


class CompletionEvent(_Model):
    """The Mistral SDK's wrapper of a chunk, as ``client.fim.stream()`` yields it.

    >>> CompletionEvent.model_validate({"data": {"id": "a", "model": "m", "choices": []}}
    ...                                ).data.model
    'm'
    """

    data: CompletionChunk


# ---------------------------------------------------------------- requests

Probability = Annotated[float, Field(ge=0, le=1)]


_SENT_METHOD = "_sent_method"
_SENT_URL = "_sent_url"


class FIMCompletionRequest(BaseModel):
    """The body of ``POST /v1/fim/completions``, with the documented constraints.

    ``model`` and ``prompt`` are required; ``0 <= temperature <= 1.5``,
    ``0 <= top_p <= 1``; ``max_tokens``, ``min_tokens`` and ``random_seed``
    are non-negative and ``min_tokens <= max_tokens``; unknown fields are
    rejected, as the API rejects them.
    """

    model_config = ConfigDict(extra="forbid")

    model: str
    prompt: str
    suffix: str | None = None
    temperature: Annotated[float, Field(ge=0, le=1.5)] | None = None
    top_p: Probability | None = None
    max_tokens: Annotated[int, Field(ge=0)] | None = None
    min_tokens: Annotated[int, Field(ge=0)] | None = None
    stream: bool = False
    stop: str | list[str] | None = None
    random_seed: Annotated[int, Field(ge=0)] | None = None
    metadata: dict[str, Any] | None = None
    prompt_cache_key: str | None = None

    # Where the request was sent is kept beside the fields, in __dict__ (set by
    # fim_mock through sent_to()): not a field, so not in model_dump(), repr or
    # equality, and cheaper than pydantic's private attributes on every request.

    @property
    def method(self) -> str:
        """The HTTP method it was sent with; '' for a request not received by fim_mock."""
        return str(self.__dict__.get(_SENT_METHOD, ""))

    @property
    def url(self) -> str:
        """The full URL it was sent to (no query, no ``#fragment``); '' when not received."""
        return str(self.__dict__.get(_SENT_URL, ""))

    @property
    def path(self) -> str:
        """The URL's path, ``/v1/fim/completions`` on the Mistral API; '' when not received."""
        from urllib.parse import urlsplit

        return urlsplit(self.url).path

    def sent_to(self, method: str, url: str) -> FIMCompletionRequest:
        """Record where this request was sent (what fim_mock does); returns it."""
        self.__dict__[_SENT_METHOD] = method
        self.__dict__[_SENT_URL] = url
        return self

    @model_validator(mode="after")
    def _min_not_above_max(self) -> FIMCompletionRequest:
        if (
            self.min_tokens is not None
            and self.max_tokens is not None
            and self.min_tokens > self.max_tokens
        ):
            raise ValueError(
                f"min_tokens ({self.min_tokens}) must not exceed max_tokens ({self.max_tokens})"
            )
        return self
