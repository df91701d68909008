"""A streamed completion, as an editor plugin consumes it."""

from pathlib import Path

import pytest
from completion_client import text_to_insert

from pytest_fim import assemble_fim_stream, assert_valid_fim_stream

RECORDED = Path(__file__).parent / "recorded"


def test_streamed_completion_inserts_the_same_text(fim_stream_factory):
    sse = fim_stream_factory("    total = sum(xs)\n    return total\n", as_sse=True)
    response = assert_valid_fim_stream(sse, strict=True)
    assert text_to_insert(response) == "    total = sum(xs)\n    return total\n"


def test_a_stream_cut_short_by_the_token_limit(fim_stream_factory):
    chunks = fim_stream_factory(
        "    for x in xs:\n        tot", finish_reason="length", chunk_size=5
    )
    assert text_to_insert(assemble_fim_stream(chunks)) == "    for x in xs:\n"


def test_bytes_arrive_in_arbitrary_pieces(fim_stream_factory):
    raw = fim_stream_factory("    return 'héllo'\n", as_sse=True).encode()
    pieces = [raw[i : i + 7] for i in range(0, len(raw), 7)]  # splits characters too
    assert assemble_fim_stream(pieces).text() == "    return 'héllo'\n"


def test_a_recorded_stream_is_still_valid():
    response = assert_valid_fim_stream(RECORDED / "stream.sse", strict=True)
    assert text_to_insert(response).startswith("    return")


def test_what_the_sdk_streams_assembles_into_what_was_sent(fim_mock, fim_response_factory):
    pytest.importorskip("mistralai")
    try:  # Mistral SDK 2.x/3.x
        from mistralai.client import Mistral
    except ImportError:  # SDK 1.x
        from mistralai import Mistral

    sent = fim_response_factory("    return a + b\n")
    fim_mock.add_stream(sent, chunk_size=4)
    client = Mistral(api_key="test-key")
    events = list(client.fim.stream(model="codestral-latest", prompt="def add(a, b):\n"))
    assert len(events) > 3  # CompletionEvent objects, one per server-sent event
    assert assert_valid_fim_stream(events, strict=True) == sent
