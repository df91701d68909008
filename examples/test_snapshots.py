"""Pinning what the client inserts in reviewed snapshot files (pip install 'pytest-fim[snapshot]').

The files live in __snapshots__/test_snapshots/; after a deliberate change,
``pytest examples --snapshot-update`` rewrites them and the diff is reviewed
like code.
"""

from pathlib import Path

from completion_client import text_to_insert

from pytest_fim import assemble_fim_stream

RECORDED = Path(__file__).parent / "recorded"


def test_the_recorded_response(fim_snapshot):
    assert RECORDED / "completion.json" == fim_snapshot


def test_the_recorded_stream_and_what_it_inserts(fim_snapshot):
    stream = RECORDED / "stream.sse"
    assert stream == fim_snapshot(name="stream")
    assert text_to_insert(assemble_fim_stream(stream)) == fim_snapshot(name="inserted")
