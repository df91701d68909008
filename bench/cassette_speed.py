"""Figures of the cassettes issue, side by side in one run.

1. Replay per request: the Mistral SDK's ``fim.complete`` (and ``fim.stream``)
   answered from a cassette vs the same call answered by fim_mock with the
   same JSON; at most 1.3×.
2. Loading and matching a 1,000-interaction cassette (every request looked
   up once) vs vcrpy loading the same interactions from its own cassette
   file; at most 1.0×. vcrpy loading *and* matching (its matcher compares
   each request with every recording, bodies included) is shown for scale.
3. Recording: the SDK calling the loopback stand-in for the API through a
   cassette in ``all`` mode (each answer captured, validated, the file
   written at the end) vs the same calls made directly; at most 1.2×.

Both sides of a row are timed in alternating rounds, each keeping its best
median, so a neighbour's load on shared cores does not land on one side only.

Run: ``python bench/cassette_speed.py``. Exit status 1 if a figure fails.
Needs mistralai 3.x, PyYAML (``pytest-fim[record]``) and vcrpy (the ``test``
extra has them).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from _fim_server import FIMServer
from _patch import Patch
from _table import Row, print_table

ROUNDS = 5
BATCHES = 7
BATCH = 100
PROMPT = "def add(a, b):\n"
MODEL = "codestral-latest"


@contextmanager
def installed(handler: Any) -> Iterator[None]:
    patch = Patch()
    handler.install(patch)
    try:
        yield
    finally:
        patch.restore()


def per_request(call: Callable[[], object]) -> float:
    """Median seconds per call over BATCHES batches of BATCH calls."""
    samples = []
    for _ in range(BATCHES):
        start = time.perf_counter()
        for _ in range(BATCH):
            call()
        samples.append((time.perf_counter() - start) / BATCH)
    return statistics.median(samples)


def recorded_pair(folder: Path, server: FIMServer) -> Path:
    """A cassette holding one complete and one stream, recorded from the stand-in."""
    from mistralai.client import Mistral

    from pytest_fim.cassette import FIMCassette

    path = folder / "pair.yaml"
    recorder = FIMCassette(path, "all")
    with installed(recorder):
        client = Mistral(api_key="bench-key-not-secret", server_url=server.url)
        client.fim.complete(model=MODEL, prompt=PROMPT)
        list(client.fim.stream(model=MODEL, prompt=PROMPT))
    failures, _ = recorder.finish()
    if failures:
        raise SystemExit("recording the bench cassette failed:\n" + "\n".join(failures))
    return path


def replay_rows(folder: Path, server: FIMServer) -> list[Row]:
    from mistralai.client import Mistral

    from pytest_fim.cassette import Cassette, FIMCassette, load_cassette
    from pytest_fim.mock import FIMMock

    complete, stream = load_cassette(recorded_pair(folder, server))
    # Identical requests replay in recorded order: one recording for every call timed.
    calls = BATCHES * BATCH
    many = folder / "many.yaml"
    Cassette([complete, stream] * calls).save(many)
    canned = complete.response.body
    sse = stream.response.content().decode()

    def cassette_side(call: Callable[[Any], object]) -> float:
        player = FIMCassette(many, "none")
        with installed(player):
            client = Mistral(api_key="k")
            return per_request(lambda: call(client))

    def mock_side(call: Callable[[Any], object], queue: Callable[[FIMMock], None]) -> float:
        mock = FIMMock(assert_all_requested=False)
        with installed(mock):
            client = Mistral(api_key="k")

            def answered() -> None:
                queue(mock)
                call(client)

            return per_request(answered)

    def do_complete(client: Any) -> None:
        client.fim.complete(model=MODEL, prompt=PROMPT)

    def do_stream(client: Any) -> None:
        list(client.fim.stream(model=MODEL, prompt=PROMPT))

    rows = []
    for figure, call, queue, name in (
        (
            "replay: client.fim.complete from a cassette",
            do_complete,
            lambda mock: mock.add_response(canned),
            "fim_mock, same JSON",
        ),
        (
            "replay: client.fim.stream from a cassette (event by event)",
            do_stream,
            lambda mock: mock.add_stream(sse=sse),
            "fim_mock, same events",
        ),
    ):
        ours = reference = float("inf")
        for _ in range(ROUNDS):
            reference = min(reference, mock_side(call, queue))
            ours = min(ours, cassette_side(call))
        rows.append(Row(figure, ours * 1e6, reference * 1e6, 1.3, unit="µs", ref_name=name))
    return rows


def load_and_match_rows(folder: Path) -> list[Row]:
    import vcr.matchers
    import vcr.request
    import vcr.serialize
    from vcr.cassette import Cassette as VCRCassette
    from vcr.serializers import yamlserializer

    from pytest_fim._clients import WireRequest
    from pytest_fim.cassette import (
        Cassette,
        Interaction,
        Player,
        RecordedRequest,
        load_cassette,
    )
    from pytest_fim.cassette._format import recorded_response

    url = "https://api.mistral.ai/v1/fim/completions"
    headers = {"content-type": "application/json", "accept": "application/json"}
    bodies = []
    answers = []
    for number in range(1000):
        body = {"model": MODEL, "prompt": f"def f{number}(a, b):\n", "suffix": "\nprint(1)\n"}
        bodies.append(json.dumps(body).encode())
        answer = {
            "id": f"{number:032x}",
            "object": "chat.completion",
            "model": MODEL,
            "created": 1759496862,
            "usage": {"prompt_tokens": 8, "completion_tokens": 9, "total_tokens": 17},
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": f"    return a + b + {number}\n"},
                    "finish_reason": "stop",
                }
            ],
        }
        answers.append(json.dumps(answer).encode())

    ours_path = folder / "thousand.yaml"
    Cassette(
        [
            Interaction(
                RecordedRequest("POST", "/v1/fim/completions", json.loads(body), headers),
                recorded_response(200, {"content-type": "application/json"}, answer),
            )
            for body, answer in zip(bodies, answers, strict=True)
        ]
    ).save(ours_path)
    vcr_path = folder / "thousand_vcr.yaml"
    vcr_requests = [vcr.request.Request("POST", url, body, headers) for body in bodies]
    vcr_responses = [
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"content-type": ["application/json"]},
            "body": {"string": answer.decode()},
        }
        for answer in answers
    ]
    vcr_path.write_text(
        vcr.serialize.serialize(
            {"requests": vcr_requests, "responses": vcr_responses}, yamlserializer
        )
    )
    wire = [WireRequest("POST", url, headers, body, "httpx") for body in bodies]
    match_on = (vcr.matchers.method, vcr.matchers.uri, vcr.matchers.body)

    def ours() -> None:
        player = Player(load_cassette(ours_path))
        for request in wire:
            if player.take(request) is None:
                raise AssertionError("a recorded request did not match")

    def vcr_load() -> None:
        VCRCassette.load(path=str(vcr_path), match_on=match_on)

    def vcr_load_and_match() -> None:
        # A tenth of the requests, spread over the file: all of them take minutes.
        cassette = VCRCassette.load(path=str(vcr_path), match_on=match_on)
        for request in vcr_requests[::10]:
            cassette.play_response(request)

    best_ours = best_load = float("inf")
    for _ in range(ROUNDS):
        best_load = min(best_load, _median_seconds(vcr_load, 5))
        best_ours = min(best_ours, _median_seconds(ours, 5))
    both = _median_seconds(vcr_load_and_match, 1)
    print(
        f"for scale: vcrpy loading the same cassette and matching 100 of its requests "
        f"(its matcher compares a request with every recording, bodies included): "
        f"{both * 1000:.0f} ms"
    )
    return [
        Row(
            "load + match a 1,000-interaction cassette",
            best_ours * 1000,
            best_load * 1000,
            1.0,
            unit="ms",
            ref_name="vcrpy loading it",
        )
    ]


def record_row(folder: Path, server: FIMServer) -> Row:
    from mistralai.client import Mistral

    from pytest_fim.cassette import FIMCassette

    direct_client = Mistral(api_key="bench-key-not-secret", server_url=server.url)

    def direct() -> float:
        return per_request(lambda: direct_client.fim.complete(model=MODEL, prompt=PROMPT))

    def recording(round_number: int) -> float:
        recorder = FIMCassette(folder / f"recorded-{round_number}.yaml", "all")
        with installed(recorder):
            client = Mistral(api_key="bench-key-not-secret", server_url=server.url)
            seconds = per_request(lambda: client.fim.complete(model=MODEL, prompt=PROMPT))
        start = time.perf_counter()
        failures, _ = recorder.finish()  # writes the file: part of recording's cost
        written = time.perf_counter() - start
        if failures:
            raise SystemExit("recording failed:\n" + "\n".join(failures))
        return seconds + written / (BATCHES * BATCH)

    ours = reference = float("inf")
    for number in range(ROUNDS):
        reference = min(reference, direct())
        ours = min(ours, recording(number))
    return Row(
        "record: client.fim.complete to the loopback stand-in, through a cassette",
        ours * 1e6,
        reference * 1e6,
        1.2,
        unit="µs",
        ref_name="direct call",
    )


def _median_seconds(function: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    server = FIMServer()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            rows = [
                *replay_rows(folder, server),
                *load_and_match_rows(folder),
                record_row(folder, server),
            ]
    finally:
        server.close()
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
