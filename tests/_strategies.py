"""Hypothesis strategies for hostile input, shared by tests/test_fuzz.py and
bench/fuzz_soak.py: arbitrary JSON, near-valid responses, bytes, text with
lone surrogates, NaN and infinities, huge and deep values, code with every kind
of line end and non-ASCII text, and event streams carrying them."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from pytest_fim import make_fim_response

SURROGATES = st.text(
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | SURROGATES
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=25,
)


#: Line ends as files and streams have them: Python reads all three as one line end.
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])
#: Pieces of code that stress the line and column mapping: brackets, quotes,
#: indentation, non-ASCII letters (two and three UTF-8 bytes), lone surrogates.
CODE_TEXT = st.lists(
    LINE_ENDS
    | SURROGATES
    | st.text(max_size=3)
    | st.sampled_from(
        [
            "s = 1",
            "t = 2",
            "def f(a, b):",
            "    return a",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "'",
            '"',
            '"""',
            "#",
            "//",
            "\\",
            "\t",
            "    ",
            ":",
            ",",
            ";",
            "é",
            "中",
            "(é",
            "`",
        ]
    ),
    max_size=14,
).map("".join)
#: Statements of a small file that parses in any order ({end} is a line end), so
#: the checks that read Python's tree and tokens (line and column numbers) run too.
STATEMENTS = st.sampled_from(
    [
        "s = 1",
        "t = (é, 2)",
        "def f(a, b):{end}    return a",
        "if s:{end}    y = '中'",
        "pass",
        "# é",
        "z = [1,{end}  2]",
        "u = '\ud800'",
        "x = f(1,{end}      2)",
        "",
        'w = """{end}"""',
        "if s:{end}\tv = 3",
    ]
)


@st.composite
def _cut_file(draw: Callable[..., Any]) -> tuple[str, str, str]:
    """A file of statements (a piece of junk now and then) cut in three anywhere."""
    lines = draw(st.lists(STATEMENTS | STATEMENTS | CODE_TEXT, min_size=1, max_size=8))
    text = "".join(line.replace("{end}", draw(LINE_ENDS)) + draw(LINE_ENDS) for line in lines)
    start, end = sorted(draw(st.integers(0, len(text))) for _ in range(2))
    return text[:start], text[start:end], text[end:]


#: A hole to fill: prefix, middle and suffix.
HOLES = _cut_file() | _cut_file() | st.tuples(CODE_TEXT, CODE_TEXT, CODE_TEXT)


@st.composite
def sse_text(draw: Callable[..., Any]) -> Any:
    """Server-sent events whose content has lone surrogates, non-ASCII text and every
    line end, sent raw or escaped, as text or (when it can be) UTF-8 bytes."""
    events = []
    for _ in range(draw(st.integers(1, 4))):
        chunk: dict[str, Any] = {
            "id": "a",
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "delta": {"content": draw(CODE_TEXT) + draw(SURROGATES | st.just(""))},
                    "finish_reason": draw(st.sampled_from([None, "stop"])),
                }
            ],
        }
        if draw(st.booleans()):
            chunk["usage"] = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        events.append("data: " + json.dumps(chunk, ensure_ascii=draw(st.booleans())))
    end = draw(LINE_ENDS)
    text = "".join(event + end * 2 for event in events)
    if draw(st.booleans()):
        text += "data: [DONE]" + end * 2
    if draw(st.booleans()):
        return text.encode("utf-8", "surrogatepass")  # a lone surrogate: bytes that are not UTF-8
    return text


def _base(seed: int, n: int, content: str) -> dict[str, Any]:
    return make_fim_response(content, n=n, seed=seed).model_dump(mode="json")


BASE_RESPONSES = st.builds(
    _base,
    st.integers(0, 3),
    st.integers(1, 3),
    st.text(max_size=40) | st.just("    return a + b\n"),
)


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
    nan_usage["usage"] = {
        "prompt_tokens": math.nan,
        "completion_tokens": math.inf,
        "total_tokens": -math.inf,
    }
    huge_ints = copy.deepcopy(base)
    huge_ints["usage"] = {
        "prompt_tokens": 10**5000,
        "completion_tokens": 1,
        "total_tokens": 10**5000 + 1,
    }
    deep_usage = copy.deepcopy(base)
    deep_usage["usage"] = deep()
    return [
        huge_content,
        wide,
        nan_usage,
        huge_ints,
        deep_usage,
        deep(),
        "[" * 10_000,
        "x" * 10_000_000,
        b"\xff\xfe\x00",
        b"\xc3",
        "\ud800",
        {"id": "\udfff"},
        "1" * 5000,
        "NaN",
        [None] * 100_000,
        {str(i): i for i in range(100_000)},
        "data: {}\n\ndata: [DONE]\n\n",
        10**5000,
        math.nan,
        b"",
        "",
    ]


def hostile_holes() -> list[tuple[str, str, str]]:
    """Holes that once crashed the quality checks: lone ``\\r`` line ends, a ``\\r\\n``
    split by the hole, non-ASCII text beside them, lone surrogates."""
    return [
        ("s = 1\r", "t = 2\r", "u = 3\r"),
        ("é\r\n", "", "\n\ré"),
        ("(é\r\n", "", "\n\ré("),
        ("def f(a, b):\r", "    return a +\r", "\rprint(f(1, 2))\r"),
        ("x = '\ud800'\r", "y = (\udfff\r", ")\r"),
        ("function f() {\r", "  return 1;\r", "}\r"),
        ("if x:\r\n", "\ty = 1\r", "    z = 2\r\n"),
    ]


#: Everything the fuzz tests feed to each entry point.
ANY_INPUT = (
    JSON_VALUES
    | near_valid()
    | BASE_RESPONSES
    | st.binary(max_size=200)
    | st.text(max_size=200)
    | SURROGATES
    | CODE_TEXT
    | sse_text()
)
