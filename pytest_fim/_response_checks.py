"""The rules of a FIM completion response (private: :mod:`pytest_fim.validate` is the API).

Two profiles: *lenient*, the documented schema, and *strict*, what the live
API sends today. Both check the semantic rules that a schema cannot express
(usage arithmetic, choice indexes, tool calls). Validation, streams, the
command line and the factory all check a response here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from pytest_fim import _settings
from pytest_fim._schema import KNOWN_FIELDS, USAGE_COUNT_KEYS, from_pydantic, order_key
from pytest_fim._text import plural
from pytest_fim.inputs import api_error, dump_models, to_data
from pytest_fim.models import FIMCompletionResponse
from pytest_fim.paths import PathParts, format_path
from pytest_fim.problems import Problem, describe, shorten

__all__ = [
    "MAX_UNIX_SECONDS",
    "PROBLEM_LIMIT",
    "check_response",
    "not_fim_shape",
    "resolve_strict",
    "summary_line",
    "text_completion_choice",
    "usage_arithmetic",
]

#: Largest ``created`` that still reads as Unix seconds (the year 2286).
MAX_UNIX_SECONDS = 10**10
#: Most schema errors turned into problems; past this a count stands for the rest.
PROBLEM_LIMIT = 1000


def resolve_strict(strict: bool | None) -> bool:
    """Return the profile to use: ``strict`` if given, else the suite default.

    Raises ``TypeError`` when ``strict`` is neither a bool nor None.
    """
    if strict is None:
        return _settings.default_strict
    if not isinstance(strict, bool):
        raise TypeError(
            f"strict must be True, False or None (the suite default), "
            f"got {type(strict).__name__}: {shorten(strict)}"
        )
    return strict


def summary_line(count: int, strict: bool, what: str = "FIM completion response") -> str:
    """The first line of a validation failure."""
    profile = ", strict profile" if strict else ""
    return f"invalid {what} ({plural(count, 'problem')}{profile}):"


def check_response(
    response: object, *, strict: bool | None = None
) -> tuple[FIMCompletionResponse | None, list[Problem]]:
    """Parse and check ``response``: the model (None if it cannot be built)
    and the problems found. Raises as :func:`to_data` does for bad input."""
    use_strict = resolve_strict(strict)
    if isinstance(response, FIMCompletionResponse) and not use_strict:
        data: Any = response.model_dump(by_alias=True, exclude_unset=True)
    elif type(response) is dict:
        # Models it may hold are replaced below, once pydantic has met them:
        # a walk of every value up front would cost a dict parsed from JSON ~15%.
        data = response
    else:
        data = to_data(response)
    if not isinstance(data, dict):
        return None, [
            Problem(
                "",
                f"expected a JSON object (a FIM completion response), got "
                f"{describe(data)}: {shorten(data)}",
            )
        ]
    if data.get("object") == "error":
        said = api_error(data)
        return None, [Problem("", f"the API's error body, not a FIM completion: {said}")]
    model, problems = _check_data(data, use_strict)
    if model is None or _holds_models(data):
        dumped = dump_models(data)
        if dumped is not data:
            return _check_data(dumped, use_strict)
    return model, problems


def _holds_models(data: dict[str, Any]) -> bool:
    """After pydantic accepted ``data``: whether one of our own models sits where an
    object belongs (pydantic takes such an instance as it is, unseen by the rules here,
    which read dicts). Any other model there is a validation error, never accepted."""
    usage = data.get("usage")
    if usage is not None and type(usage) is not dict:
        return True
    for choice in data.get("choices") or ():
        if type(choice) is not dict:
            return True
        message = choice.get("message")
        if message is None:
            continue
        if type(message) is not dict:
            return True
        content = message.get("content")
        if type(content) is list and any(type(chunk) is not dict for chunk in content):
            return True
        for call in message.get("tool_calls") or ():
            if type(call) is not dict or type(call.get("function")) is not dict:
                return True
    return False


def _check_data(
    data: dict[str, Any], use_strict: bool
) -> tuple[FIMCompletionResponse | None, list[Problem]]:
    found: list[tuple[PathParts, str]] = []
    overflow = ""
    model: FIMCompletionResponse | None
    try:
        model = FIMCompletionResponse.model_validate(data)
    except ValidationError as exc:
        model = None
        errors = exc.errors(include_url=False)
        found.extend(from_pydantic(error) for error in errors[:PROBLEM_LIMIT])
        if len(errors) > PROBLEM_LIMIT:
            overflow = f"… {len(errors) - PROBLEM_LIMIT} more type errors not listed"
    except RecursionError:
        model = None
        found.append(((), "nested too deeply to validate"))
    _semantic_problems(data, found)
    if use_strict:
        found.extend(_strict_problems(data))
    if len(found) > 1:
        found.sort(key=lambda item: order_key(item[0]))
    foreign = text_completion_choice(data, "message")
    if foreign is not None:  # it says why the rest is wrong (or why it is empty): first
        found.insert(0, (("choices", foreign, "text"), not_fim_shape(data, foreign, "message")))
    if overflow:
        found.append(((), overflow))
    return model, [Problem(format_path(path), message) for path, message in found]


def text_completion_choice(data: dict[str, Any], holder: str) -> int | None:
    """The position of the first choice in OpenAI's text completion form (``text``
    where Mistral's FIM puts ``holder``: ``message``, or ``delta`` in a stream
    chunk); None when there is none."""
    choices = data.get("choices")
    if type(choices) is list:
        for position, choice in enumerate(choices):
            if type(choice) is dict and holder not in choice and "text" in choice:
                return position
    return None


def not_fim_shape(data: dict[str, Any], position: int, holder: str) -> str:
    """Say that ``data`` is an OpenAI-style text completion, and where FIM content goes."""
    obj = data.get("object")
    named = f"object {shorten(obj)}, " if isinstance(obj, str) else ""
    return (
        f"an OpenAI-style text completion ({named}as LiteLLM returns it), not Mistral's "
        f"FIM shape: the FIM content belongs in choices[{position}].{holder}.content"
    )


# ---------------------------------------------------------------- semantic rules


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# JSON data holds exact dicts, lists and ints (never bools where ints belong),
# so the semantic rules test ``type(x) is ...``: faster, and bools stay out.
def usage_arithmetic(usage: object) -> str | None:
    """Say what is wrong when ``total_tokens != prompt_tokens + completion_tokens``;
    None when the counts add up or are not all integers."""
    if type(usage) is not dict:
        return None
    prompt = usage.get("prompt_tokens")
    completion = usage.get("completion_tokens")
    total = usage.get("total_tokens")
    if (
        type(prompt) is int
        and type(completion) is int
        and type(total) is int
        and total != prompt + completion
    ):
        return (
            f"{shorten(total)} != prompt_tokens + completion_tokens "
            f"({shorten(prompt)} + {shorten(completion)} = {shorten(prompt + completion)})"
        )
    return None


def _semantic_problems(data: dict[str, Any], found: list[tuple[PathParts, str]]) -> None:
    """Append the rules a schema cannot express; tolerant of wrong types,
    which pydantic reports on its own."""
    usage_mismatch = usage_arithmetic(data.get("usage"))
    if usage_mismatch:
        found.append((("usage", "total_tokens"), usage_mismatch))
    choices = data.get("choices")
    if type(choices) is not list:
        return
    count = len(choices)
    if count == 1:  # the common case: one choice, index 0
        choice = choices[0]
        if (
            type(choice) is dict
            and choice.get("index") == 0
            and choice.get("finish_reason") != "tool_calls"
        ):
            return
    seen: dict[int, int] = {}
    for position, choice in enumerate(choices):
        if type(choice) is not dict:
            continue
        index = choice.get("index")
        if type(index) is int and index >= 0:
            if index in seen:
                found.append(
                    (
                        ("choices", position, "index"),
                        f"{shorten(index)} is already the index of "
                        f"choices[{seen[index]}]: "
                        f"indexes must be unique",
                    )
                )
            elif index >= count:
                found.append(
                    (
                        ("choices", position, "index"),
                        f"{shorten(index)} is out of range: "
                        f"{plural(count, 'choice')} "
                        f"must have indexes 0..{count - 1}",
                    )
                )
            else:
                seen[index] = position
        if choice.get("finish_reason") == "tool_calls":
            message = choice.get("message")
            calls = message.get("tool_calls") if type(message) is dict else None
            if not calls:
                found.append(
                    (
                        ("choices", position, "message", "tool_calls"),
                        "finish_reason is 'tool_calls' but the message has no tool calls",
                    )
                )


# ---------------------------------------------------------------- strict profile

_STRICT_NOTE = "(strict profile: the live API always sends it)"


def _strict_problems(data: dict[str, Any]) -> Iterator[tuple[PathParts, str]]:
    yield from _unknown_fields(data, (), "FIMCompletionResponse")
    obj = data.get("object")
    if isinstance(obj, str) and obj != "chat.completion":
        yield ("object",), f"{shorten(obj)} != 'chat.completion' (strict profile)"
    created = data.get("created")
    if created is None:
        yield ("created",), f"required field is missing {_STRICT_NOTE}"
    elif _is_int(created) and not 0 <= created < MAX_UNIX_SECONDS:
        looks = "milliseconds" if created >= MAX_UNIX_SECONDS else "a negative time"
        yield (
            ("created",),
            f"{shorten(created)} looks like {looks}; expected Unix seconds (strict profile)",
        )
    usage = data.get("usage")
    if isinstance(usage, dict):
        yield from _unknown_fields(usage, ("usage",), "UsageInfo")
        for name in USAGE_COUNT_KEYS:  # the problems are sorted below
            if usage.get(name) is None:
                yield ("usage", name), f"required field is missing {_STRICT_NOTE}"
    choices = data.get("choices")
    if choices is None:
        yield ("choices",), f"required field is missing {_STRICT_NOTE}"
    elif isinstance(choices, list):
        for position, choice in enumerate(choices):
            if isinstance(choice, dict):
                yield from _strict_choice(choice, ("choices", position))


def _strict_choice(choice: dict[str, Any], path: PathParts) -> Iterator[tuple[PathParts, str]]:
    yield from _unknown_fields(choice, path, "ChatCompletionChoice")
    message = choice.get("message")
    if message is None:
        yield (*path, "message"), f"required field is missing {_STRICT_NOTE}"
        return
    if not isinstance(message, dict):
        return
    yield from _unknown_fields(message, (*path, "message"), "AssistantMessage")
    content = message.get("content")
    if isinstance(content, list):
        for number, chunk in enumerate(content):
            if isinstance(chunk, dict) and chunk.get("type") == "text":
                yield from _unknown_fields(
                    chunk, (*path, "message", "content", number), "ContentChunk"
                )
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        for number, call in enumerate(calls):
            if isinstance(call, dict):
                call_path = (*path, "message", "tool_calls", number)
                yield from _unknown_fields(call, call_path, "ToolCall")
                function = call.get("function")
                if isinstance(function, dict):
                    yield from _unknown_fields(function, (*call_path, "function"), "FunctionCall")


def _unknown_fields(
    data: Mapping[str, Any], path: PathParts, model: str
) -> Iterator[tuple[PathParts, str]]:
    known = KNOWN_FIELDS[model]
    for key in data:
        if key not in known:
            yield (
                (*path, str(key)),
                f"unknown field (strict profile rejects fields outside the schema), "
                f"value {shorten(data[key])}",
            )
