"""The fast cassette reader reads what the writer writes exactly as PyYAML does."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

yaml = pytest.importorskip("yaml")

from pytest_fim.cassette import (  # noqa: E402
    Cassette,
    Interaction,
    RecordedRequest,
    RecordedResponse,
)
from pytest_fim.cassette._format import dump_yaml  # noqa: E402
from pytest_fim.cassette._reader import Unsupported, read  # noqa: E402

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Text as code and model output hold it: indentation, blank lines, trailing
# newlines, quotes, YAML indicators, unicode, control characters.
_pieces = st.sampled_from(
    [
        "    ",
        "\n",
        "\n\n",
        " ",
        "\t",
        "'",
        '"',
        ": ",
        " #",
        "- ",
        "|",
        ">",
        "{",
        "}",
        "[",
        "]",
        "yes",
        "no",
        "null",
        "~",
        "0",
        "0x1F",
        "1e3",
        "1.5",
        "-",
        "é",
        "€",
        "\x85",
        "\u2028",
        "\x00",
        "\x1b",
        "\r",
        "\ufeff",
        "def f():",
        "return a + b",
        "%",
        "@",
        "&a",
        "*a",
        "!x",
        "2001-12-14",
        "1:30",
        ".inf",
        "true",
        "Off",
        "\\",
        "```",
    ]
)
_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(_pieces, st.text(max_size=6)), max_size=12).map("".join),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    _text,
)
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_text, inner, max_size=4)),
    max_leaves=20,
)


def _same(left: Any, right: Any) -> bool:
    # Equality that tells 1 from 1.0 and True from 1, as a round trip must.
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return bool(left == right)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_text, _data, min_size=1, max_size=5))
def test_read_agrees_with_pyyaml_or_declines(data: dict[str, Any]) -> None:
    text = dump_yaml(data)
    expected = yaml.load(text, Loader=_LOADER)
    try:
        got = read(text)
    except Unsupported:
        return  # the caller falls back to PyYAML
    assert _same(got, expected), text


def _recorded_cassette_text() -> str:
    prompt = 'def add(a, b):\n    """Add."""\n\n'
    request = RecordedRequest(
        "POST",
        "/v1/fim/completions",
        {
            "model": "codestral-latest",
            "prompt": prompt,
            "suffix": "\n\nprint(add(1, 2))\n",
            "stream": True,
            "temperature": 0.2,
            "max_tokens": 64,
            "stop": ["\n\n"],
        },
        {"content-type": "application/json", "accept": "text/event-stream"},
    )
    chunk = {
        "id": "1b3d2f4e5a6c",
        "object": "chat.completion.chunk",
        "created": 1759496862,
        "model": "codestral-latest",
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": "    return a + b\n"},
                "finish_reason": None,
            }
        ],
    }
    body = {
        **chunk,
        "object": "chat.completion",
        "usage": {"prompt_tokens": 8, "completion_tokens": 9, "total_tokens": 17},
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "  x = 1\n  return x",
                    "tool_calls": None,
                    "prefix": False,
                },
                "finish_reason": "stop",
            }
        ],
    }
    error = {
        "object": "error",
        "message": "Rate limit exceeded",
        "type": "rate_limited",
        "param": None,
        "code": "1300",
    }
    return Cassette(
        [
            Interaction(
                request,
                RecordedResponse(
                    200, {"content-type": "text/event-stream"}, events=[chunk, chunk, "[DONE]"]
                ),
            ),
            Interaction(
                request, RecordedResponse(200, {"content-type": "application/json"}, body=body)
            ),
            Interaction(request, RecordedResponse(429, {"retry-after": "1"}, body=error)),
            Interaction(request, RecordedResponse(502, {}, text="<html>Bad gateway</html>\n")),
        ]
    ).to_yaml()


def test_a_recorded_cassette_is_read_without_pyyaml() -> None:
    # The fast path must take what the writer writes; falling back is for hand edits.
    text = _recorded_cassette_text()
    assert _same(read(text), yaml.load(text, Loader=_LOADER))


@pytest.mark.parametrize(
    "edited",
    [
        "format: pytest-fim-cassette/1\ninteractions: &a []\n",
        "format: pytest-fim-cassette/1  # a comment\ninteractions: []\n",
        "format: pytest-fim-cassette/1\ninteractions: [{request: {}}]\n",
        "---\nformat: pytest-fim-cassette/1\n",
        "format: >\n  folded\n",
        "a: 2001-12-14\n",
        "a: 017\n",  # octal in YAML 1.1
    ],
)
def test_hand_edited_yaml_is_left_to_pyyaml(edited: str) -> None:
    with pytest.raises(Unsupported):
        read(edited)


def test_loading_a_hand_edited_cassette_still_works() -> None:
    from pytest_fim.cassette import loads_cassette

    text = _recorded_cassette_text().replace("interactions:\n", "interactions:  # edited\n", 1)
    cassette = loads_cassette(text)
    assert len(cassette) == 4
    assert json.dumps(cassette.interactions[1].response.body, sort_keys=True) == json.dumps(
        yaml.load(text, Loader=_LOADER)["interactions"][1]["response"]["body"], sort_keys=True
    )
