"""Hypothesis strategies for hostile input, shared by tests/test_fuzz.py and
bench/fuzz_soak.py: arbitrary JSON, near-valid responses, bytes, text with
lone surrogates, NaN and infinities, huge and deep values."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from pytest_fim import make_fim_response

SURROGATES = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1,
                     max_size=3)
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=10**30)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20) | SURROGATES)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=5),
    max_leaves=25,
)


def _base(seed: int, n: int, content: str) -> dict[str, Any]:
    return make_fim_response(content, n=n, seed=seed).model_dump(mode="json")


BASE_RESPONSES = st.builds(_base, st.integers(0, 3), st.integers(1, 3),
                           st.text(max_size=40) | st.just("    return a + b\n"))


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_places(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_places(value, (*path, index)))
    return found


@st.composite
def near_valid(draw: Callable[..., Any]) -> Any:
    """A valid response with one place dropped, replaced or retyped."""
    data = copy.deepcopy(draw(BASE_RESPONSES))
    places = [p for p in _places(data) if p]
    path = draw(st.sampled_from(places))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["drop", "replace", "retype"]))
    if action == "drop" and isinstance(parent, dict):
        del parent[path[-1]]
    elif action == "retype":
        value = parent[path[-1]]
        parent[path[-1]] = [value] if not isinstance(value, list) else {"v": value}
    else:
        parent[path[-1]] = draw(JSON_VALUES)
    return data


def deep(depth: int = 10_000) -> Any:
    """A list nested ``depth`` levels deep."""
    root: list[Any] = []
    cursor = root
    for _ in range(depth):
        cursor.append([])
        cursor = cursor[0]
    return root


def extreme_values() -> list[Any]:
    """Fixed hostile cases: huge, deep, wide, NaN, surrogates, invalid UTF-8."""
    base = make_fim_response(seed=1).model_dump(mode="json")
    huge_content = copy.deepcopy(base)
    huge_content["choices"][0]["message"]["content"] = "x" * 10_000_000
    wide = copy.deepcopy(base)
    wide.update({f"field{i}": i for i in range(100_000)})
    nan_usage = copy.deepcopy(base)
    nan_usage["usage"] = {"prompt_tokens": math.nan, "completion_tokens": math.inf,
                          "total_tokens": -math.inf}
    huge_ints = copy.deepcopy(base)
    huge_ints["usage"] = {"prompt_tokens": 10**5000, "completion_tokens": 1,
                          "total_tokens": 10**5000 + 1}
    deep_usage = copy.deepcopy(base)
    deep_usage["usage"] = deep()
    return [
        huge_content, wide, nan_usage, huge_ints, deep_usage, deep(), "[" * 10_000,
        "x" * 10_000_000, b"\xff\xfe\x00", b"\xc3", "\ud800", {"id": "\udfff"},
        "1" * 5000, "NaN", [None] * 100_000, {str(i): i for i in range(100_000)},
        "data: {}\n\ndata: [DONE]\n\n", 10**5000, math.nan, b"", "",
    ]


#: Everything the fuzz tests feed to each entry point.
ANY_INPUT = (JSON_VALUES | near_valid() | BASE_RESPONSES | st.binary(max_size=200)
             | st.text(max_size=200) | SURROGATES)
