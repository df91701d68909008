"""Testing code that calls Mistral(...).fim.complete, with no network and no key."""

import pytest
from mistral_client import complete_at_cursor

SOURCE = "def mean(xs):\n    \n\nprint(mean([1, 2, 3]))\n"
CURSOR = SOURCE.index("    \n") + 4


@pytest.fixture(autouse=True)
def _needs_the_sdk():
    pytest.importorskip("mistralai")


def test_inserts_one_block(fim_mock):
    fim_mock.add_response(content="return sum(xs) / len(xs)\n\n\ndef unrelated():\n    pass\n")
    text = complete_at_cursor(SOURCE, CURSOR, api_key="test-key")
    assert text == "return sum(xs) / len(xs)"
    request = fim_mock.last_request
    assert request.prompt == SOURCE[:CURSOR] and request.suffix == SOURCE[CURSOR:]
    assert request.temperature == 0.0


def test_rate_limit_reaches_the_caller(fim_mock):
    fim_mock.add_error(429)
    with pytest.raises(Exception, match="429"):
        complete_at_cursor(SOURCE, CURSOR, api_key="test-key")
