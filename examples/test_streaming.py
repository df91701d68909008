"""A streamed completion, as an editor plugin consumes it."""

from completion_client import text_to_insert

from pytest_fim import assemble_fim_stream, assert_valid_fim_stream


def test_streamed_completion_inserts_the_same_text(fim_stream_factory):
    sse = fim_stream_factory("    total = sum(xs)\n    return total\n", as_sse=True)
    response = assert_valid_fim_stream(sse, strict=True)
    assert text_to_insert(response) == "    total = sum(xs)\n    return total\n"


def test_a_stream_cut_short_by_the_token_limit(fim_stream_factory):
    chunks = fim_stream_factory("    for x in xs:\n        tot", finish_reason="length",
                                chunk_size=5)
    assert text_to_insert(assemble_fim_stream(chunks)) == "    for x in xs:\n"


def test_bytes_arrive_in_arbitrary_pieces(fim_stream_factory):
    raw = fim_stream_factory("    return 'héllo'\n", as_sse=True).encode()
    pieces = [raw[i:i + 7] for i in range(0, len(raw), 7)]  # splits characters too
    assert assemble_fim_stream(pieces).text() == "    return 'héllo'\n"
