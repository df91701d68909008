"""The cassette file format: YAML that reads as code, the same file for the same traffic."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("yaml")

from pytest_fim.cassette import (
    DONE,
    FORMAT,
    Cassette,
    CassetteFormatError,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    load_cassette,
    loads_cassette,
)

PROMPT = "def add(a, b):\n"
COMPLETION = "    return a + b\n"


def _cassette() -> Cassette:
    request = RecordedRequest(
        "POST",
        "/v1/fim/completions",
        {"stream": True, "suffix": "\nprint(add(1, 2))\n", "prompt": PROMPT, "model": "m"},
        {"content-type": "application/json"},
    )
    chunk = {"id": "a", "model": "m", "choices": [{"index": 0, "delta": {"content": COMPLETION}}]}
    response = RecordedResponse(200, {"content-type": "text/event-stream"}, events=[chunk, DONE])
    return Cassette([Interaction(request, response)])


def test_a_write_cut_short_leaves_the_old_cassette_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "cassettes" / "test_it.fim.yaml"
    old = _cassette()
    old.save(target)
    before = target.read_text()
    real_write = Path.write_text

    def write_half(path: Path, text: str, *args: object, **kwargs: object) -> int:
        real_write(path, text[: len(text) // 2], *args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt  # the run stopped mid-write

    monkeypatch.setattr(Path, "write_text", write_half)
    grown = Cassette([*old.interactions, *old.interactions])
    with pytest.raises(KeyboardInterrupt):
        grown.save(target)
    monkeypatch.undo()
    assert target.read_text() == before
    assert [path.name for path in target.parent.iterdir()] == ["test_it.fim.yaml"]
    assert load_cassette(target).interactions == old.interactions


def test_round_trip_writes_the_same_text(tmp_path: Path) -> None:
    text = _cassette().to_yaml()
    assert text.startswith(f"format: {FORMAT}\ninteractions:\n")
    saved = _cassette().save(tmp_path / "a" / "b.yaml")
    again = load_cassette(saved)
    assert again.path == saved
    assert again.to_yaml() == text
    assert [i.response.events for i in again] == [i.response.events for i in _cassette()]


def test_code_is_written_as_literal_blocks_and_request_fields_in_a_fixed_order() -> None:
    text = _cassette().to_yaml()
    assert "prompt: |\n        def add(a, b):\n" in text
    assert "content: |2\n                return a + b\n" in text
    body = text.index("body:")
    assert text.index("model:", body) < text.index("prompt:", body) < text.index("suffix:", body)
    assert text.index("suffix:", body) < text.index("stream:", body)


def test_stream_events_go_back_on_the_wire_one_event_each() -> None:
    events = next(iter(_cassette())).response.event_bytes()
    assert len(events) == 2
    assert events[0].startswith(b'data: {"id":"a"') and events[0].endswith(b"\n\n")
    assert events[1] == b"data: [DONE]\n\n"


def test_find_matches_on_the_body_fields() -> None:
    cassette = _cassette()
    body = dict(cassette.interactions[0].request.body)
    assert cassette.find(body) is cassette.interactions[0]
    assert cassette.find({**body, "temperature": None}) is cassette.interactions[0]
    assert cassette.find({**body, "prompt": "other"}) is None
    assert cassette.find({**body, "prompt": "other"}, match_on=["model"]) is not None
    with pytest.raises(ValueError, match="match_on= got 'modle': expected field names"):
        cassette.find(body, match_on=["modle"])
    with pytest.raises(TypeError, match="a list of field names, got str"):
        cassette.find(body, match_on="model")
    with pytest.raises(TypeError, match="got int"):
        cassette.find(3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interactions: [", "not valid YAML"),
        ("a: 1", "not a pytest-fim cassette"),
        ("format: other/9\ninteractions: []", "unsupported cassette format 'other/9'"),
        (f"format: {FORMAT}\ninteractions: [3]", r"interactions\[0\]: expected a mapping"),
        (
            f"format: {FORMAT}\ninteractions:\n- request: {{method: POST, path: /}}\n"
            f"  response: {{status: ok}}",
            r"interactions\[0\].response.status: expected an int",
        ),
        ("!!python/object:os.system {}", "not valid YAML"),
    ],
)
def test_a_broken_file_says_where(text: str, message: str) -> None:
    with pytest.raises(CassetteFormatError, match=message) as caught:
        loads_cassette(text, "c.yaml")
    assert str(caught.value).startswith("c.yaml: ")


def test_secret_search_finds_keys_and_key_shapes_but_not_response_ids() -> None:
    from pytest_fim.cassette._secrets import find_secrets, secret_values

    known = secret_values(
        {"Authorization": "Bearer my-actual-key-123", "Cookie": "a=sessionvalue99; b=1"},
        "https://h/v1/fim/completions?api_key=querytoken77",
    )
    assert {"my-actual-key-123", "sessionvalue99", "querytoken77"} <= known
    data = {
        "id": "e5cc70bb28c444948073e77776eb30ef",  # a 32-hex response id: not a key
        "prompt": "x = 'my-actual-key-123'",
        "text": ["Bearer abcdefghijklmnopqrst", "sk-abcdefghijklmnopqrstuvwx", "Bearer ***"],
        "more": "Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0Kk",
    }
    found = find_secrets(data, known)
    assert found == [
        ("prompt", "the request's API key (my-***)"),
        ("text[0]", "a Bearer token (Bea***)"),
        ("text[1]", "an OpenAI-style key (sk-***)"),
        ("more", "a Mistral-style key (Aa1***)"),
    ]
    assert find_secrets({"id": "e5cc70bb28c444948073e77776eb30ef", "k": "short"}, ["short"]) == []


def test_secret_search_joins_a_streams_pieces_and_reports_only_keys_cut_between_events() -> None:
    from pytest_fim.cassette._secrets import find_secrets

    def event(*contents: str) -> dict[str, object]:
        return {"choices": [{"index": n, "delta": {"content": c}} for n, c in enumerate(contents)]}

    key = "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm"
    events = [event("k = '" + key[:10], "ok"), event(key[10:] + "'", "fine"), "[DONE]"]
    data = [{"request": {}, "response": {"status": 200, "events": events}}]
    assert find_secrets(data) == [
        ("[0].response.events[*].choices[0].delta.content, joined", "a Mistral-style key (Zx9***)")
    ]
    # A key whole inside one event is reported there, once, not again as joined.
    whole = [event("k = '" + key + "'"), event("\n")]
    assert find_secrets({"events": whole}) == [
        ("events[0].choices[0].delta.content", "a Mistral-style key (Zx9***)")
    ]
    # The request's own key, cut anywhere, is found by value.
    secret = "my-actual-key-123"
    assert find_secrets({"events": [event(secret[:3]), event(secret[3:])]}, [secret]) == [
        ("events[*].choices[0].delta.content, joined", "the request's API key (my-***)")
    ]
    assert find_secrets({"events": [event("def f("), event("x):\n"), event("    return x")]}) == []


def test_shape_drift_names_fields_added_removed_and_retyped_not_text() -> None:
    from pytest_fim.cassette._shape import shape_drift

    recorded = {"id": "a", "created": 1, "choices": [{"finish_reason": None, "text": "x"}]}
    assert shape_drift(recorded, {**recorded, "id": "other text"}) == []
    assert shape_drift(recorded, {**recorded, "choices": [{"finish_reason": "stop"}]}) == [
        "choices[*].text: removed (was string)"
    ]
    live = {"id": "a", "created": "2023", "choices": [], "tier": "x"}
    assert shape_drift(recorded, live) == [
        "choices[*]: removed (was object)",
        "choices[*].finish_reason: removed (was null)",
        "choices[*].text: removed (was string)",
        "created: type changed from number to string",
        "tier: added (string)",
    ]
