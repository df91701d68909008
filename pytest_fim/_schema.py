"""What the response schema says beyond the models (private: not part of the API).

The usage counts, the order of the fields (problems and differences are listed
in the order of the response itself) and pydantic's errors in our words, shared
by validation, streams, comparison and the mock.
"""

from __future__ import annotations

from pydantic_core import ErrorDetails

from pytest_fim.models import (
    FINISH_REASONS,
    UNION_TAGS,
    AssistantMessage,
    ChatCompletionChoice,
    ContentChunk,
    FIMCompletionResponse,
    FunctionCall,
    ToolCall,
    UsageInfo,
)
from pytest_fim.paths import PathParts
from pytest_fim.problems import describe, shorten

__all__ = ["KNOWN_FIELDS", "USAGE_COUNT_KEYS", "from_pydantic", "order_key"]

#: The token counts of ``usage``.
USAGE_COUNT_KEYS = frozenset({"prompt_tokens", "completion_tokens", "total_tokens"})

_MODELS = (
    FIMCompletionResponse,
    UsageInfo,
    ChatCompletionChoice,
    AssistantMessage,
    ToolCall,
    FunctionCall,
    ContentChunk,
)  # in the order they nest
#: The fields each model knows, by the model's name (as they are written in JSON).
KNOWN_FIELDS: dict[str, frozenset[str]] = {
    model.__name__: frozenset(field.alias or name for name, field in model.model_fields.items())
    for model in _MODELS
}
#: Each field's place in the schema.
_FIELD_ORDER: dict[str, int] = {}
for _model in _MODELS:
    for _name in _model.model_fields:
        _FIELD_ORDER.setdefault(_name, len(_FIELD_ORDER))


def order_key(path: PathParts) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts paths in the order of the response itself: schema
    field order, items by index, unknown fields last."""
    # Unknown fields keep their own order (the sort is stable).
    return tuple(
        (0, part, "")
        if isinstance(part, int)
        else (1, _FIELD_ORDER.get(part, len(_FIELD_ORDER)), "")
        for part in path
    )


def from_pydantic(error: ErrorDetails) -> tuple[PathParts, str]:
    """Turn one pydantic error into a path and a message in our words."""
    path = tuple(part for part in error["loc"] if part not in UNION_TAGS)
    kind = error["type"]
    value = error.get("input")
    field = path[-1] if path else ""
    if kind == "missing":
        return path, "required field is missing"
    if kind in _EXPECTED:
        return path, f"expected {_EXPECTED[kind]}, got {_value(value)}"
    if kind == "greater_than_equal":
        return path, f"must not be negative, got {shorten(value)}"
    if kind == "literal_error":
        allowed = FINISH_REASONS if field == "finish_reason" else ("assistant",)
        return path, f"{shorten(value)} is not one of {', '.join(map(repr, allowed))}"
    if kind in {"union_tag_not_found", "union_tag_invalid"}:
        expected = _UNION_EXPECTED.get(str(field), "a value of another type")
        return path, f"expected {expected}, got {_value(value)}"
    if kind == "recursion_loop":
        return path, "nested too deeply to validate"
    return path, f"{error['msg']}, got {_value(value)}"


def _value(value: object) -> str:
    if value is None:
        return "null"
    return f"{describe(value)} {shorten(value)}"


_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "bool_type": "a boolean",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}

_UNION_EXPECTED = {
    "content": "a string, a list of content chunks or null",
    "arguments": "a JSON string or an object",
}
