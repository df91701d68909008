"""What a user of pytest-fim writes: tests of their completion client."""

import pytest
from completion_client import text_to_insert

from pytest_fim import assert_valid_fim_response, make_fim_response


def test_inserts_the_completion(fim_response):
    assert text_to_insert(fim_response) == "    return a + b\n"


@pytest.mark.fim_response("    total = 0\n    for x in xs:\n        tot", finish_reason="length")
def test_drops_the_unfinished_line_of_a_truncated_completion(fim_response):
    assert text_to_insert(fim_response) == "    total = 0\n    for x in xs:\n"


@pytest.mark.parametrize(
    "fim_response",
    [{"content": "x = 1\n\n\n"}, {"content": [{"type": "text", "text": "x = 1\n"}]}],
    indirect=True,
)
def test_normalises_content_forms(fim_response):
    assert text_to_insert(fim_response) == "x = 1\n"


def test_picks_choice_zero_of_several(fim_response_factory):
    response = fim_response_factory(
        choices=[
            {
                "index": 1,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "second"},
            },
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "first"},
            },
        ]
    )
    assert text_to_insert(response) == "first"


def test_works_on_the_json_the_api_sends(fim_response_factory):
    wire = fim_response_factory("return n * 2\n").model_dump(mode="json")
    assert_valid_fim_response(wire, strict=True)
    assert text_to_insert(wire) == "return n * 2\n"


def test_the_recorded_response_is_still_valid():
    recorded = make_fim_response("    return a + b\n", seed="recorded-2025-10-03")
    parsed = assert_valid_fim_response(recorded.model_dump_json())
    assert text_to_insert(parsed) == "    return a + b\n"
