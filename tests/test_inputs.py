from __future__ import annotations

import json
import socket
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pydantic
import pytest
from _support import sdk_models

from pytest_fim import FIMAssertionError, make_fim_response
from pytest_fim.inputs import to_data


def test_mapping_passes_through(official: dict[str, Any]) -> None:
    assert to_data(official) is official
    assert to_data(OrderedDict(official)) == official


@pytest.mark.parametrize(
    "encode",
    [
        json.dumps,
        lambda d: json.dumps(d).encode(),
        lambda d: bytearray(json.dumps(d).encode()),
        lambda d: "\ufeff" + json.dumps(d),
    ],
)
def test_json_text_and_bytes(official: dict[str, Any], encode: Any) -> None:
    assert to_data(encode(official)) == official


def test_our_model_round_trips() -> None:
    response = make_fim_response("x = 1", seed=3)
    assert to_data(response) == response.model_dump(by_alias=True, exclude_unset=True)


def test_sdk_model(official: dict[str, Any]) -> None:
    models = sdk_models()
    sdk = models.FIMCompletionResponse.model_validate(official)
    data = to_data(sdk)
    assert data["choices"][0]["message"]["content"] == official["choices"][0]["message"]["content"]
    assert data["usage"] == official["usage"]


def test_any_pydantic_model() -> None:
    class Mine(pydantic.BaseModel):
        id: str
        n: int = 0

    assert to_data(Mine(id="a")) == {"id": "a"}


def test_httpx2_response(official: dict[str, Any]) -> None:
    httpx2 = pytest.importorskip("httpx2")
    assert to_data(httpx2.Response(200, json=official)) == official


def test_httpx_response(official: dict[str, Any]) -> None:
    httpx = pytest.importorskip("httpx")
    assert to_data(httpx.Response(200, json=official)) == official


def test_path_to_json_file(tmp_path: Path, official: dict[str, Any]) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(official))
    assert to_data(path) == official


def test_missing_file_is_a_clear_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot read the FIM completion response file .*nope"):
        to_data(tmp_path / "nope.json")


@pytest.mark.parametrize("junk", [{1, 2}, None, 3.5, [1, 2], object()])
def test_unsupported_types_name_the_accepted_kinds(junk: object) -> None:
    with pytest.raises(TypeError, match="expected a mapping, JSON text"):
        to_data(junk)


def test_a_socket_is_refused_without_touching_it() -> None:
    with socket.socket() as sock, pytest.raises(TypeError, match="socket"):
        to_data(sock)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{", "not valid JSON"),
        (b"\xff\xfe{", "not valid UTF-8"),
        ("[" * 100_000, "not valid JSON|nested too deeply"),
        ("data: {}\n\n", "server-sent event stream"),
    ],
)
def test_bad_json_is_an_assertion_that_shows_what_was_received(text: Any, says: str) -> None:
    with pytest.raises(FIMAssertionError, match=says) as info:
        to_data(text)
    assert "received" in str(info.value)
    assert len(str(info.value)) < 500


def _sdk_raw() -> tuple[dict[str, Any], dict[str, Any]]:
    """What llama-index keeps as ``.raw``: ``dict(sdk_response)``, and its plain data."""
    wire = make_fim_response("    return a + b\n", seed=4).model_dump(mode="json")
    sdk = sdk_models().FIMCompletionResponse.model_validate(wire)
    return dict(sdk), to_data(sdk)


def test_a_mapping_holding_sdk_models_is_their_data() -> None:
    raw, plain = _sdk_raw()
    assert not isinstance(raw["usage"], dict)  # the SDK's UsageInfo, as llama-index holds it
    data = to_data(raw)
    assert data == plain
    assert type(data["usage"]) is dict and type(data["choices"][0]) is dict
    assert raw["usage"] is not data["usage"]  # the caller's mapping is left alone


def test_models_at_any_depth_of_any_kind_become_their_data() -> None:
    from pytest_fim import AssistantMessage, UsageInfo

    class Extra(pydantic.BaseModel):
        note: str

    given = {
        "usage": UsageInfo(prompt_tokens=1, completion_tokens=2, total_tokens=3),
        "choices": [
            {
                "index": 0,
                "message": AssistantMessage(content="x"),
                "meta": OrderedDict(deep=[(Extra(note="n"),)]),
            }
        ],
    }
    assert to_data(given) == {
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        "choices": [
            {"index": 0, "message": {"content": "x"}, "meta": {"deep": [({"note": "n"},)]}}
        ],
    }


def test_data_without_models_is_not_copied() -> None:
    data = make_fim_response("x", n=2, seed=1).model_dump(mode="json")
    assert to_data(data) is data
    assert to_data(data)["choices"] is data["choices"]
