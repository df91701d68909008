"""Figures of the every-client issue, side by side in one run.

Per request, each client answered by fim_mock against the same client
answered by its ecosystem's own mock, both returning the same canned FIM
response: httpx → ``httpx.MockTransport``, requests → ``responses``, aiohttp
→ ``aioresponses``. Target: at most 1.3× each. fim_mock's side queues its
answer in every call (``add_response``), as a test does; the references
register theirs once.

The two sides are timed in short alternating batches and each keeps its
median batch, so a neighbour's load on shared cores does not land on one side only.

Run: ``python bench/clients_speed.py``. Exit status 1 if a figure fails.
Needs httpx, requests + responses, aiohttp + aioresponses (the test extra).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _patch import Patch
from _table import Row, print_table

#: Alternating batches per side, and the length of one batch.
BATCHES = 40
BATCH_SECONDS = 0.05
URL = "https://codestral.mistral.ai/v1/fim/completions"
BODY = {"model": "codestral-latest", "prompt": "def add(a, b):\n", "suffix": "\nprint(add(1, 2))"}


@contextmanager
def nothing() -> Iterator[None]:
    yield


@contextmanager
def fim_mock_on() -> Iterator[Any]:
    """fim_mock installed as the fixture installs it, and undone after."""
    from pytest_fim.mock import FIMMock

    mock = FIMMock(assert_all_requested=False)
    patch = Patch()
    mock.install(patch)
    try:
        yield mock
    finally:
        patch.restore()


def figure(
    name: str,
    ours: Callable[[], object],
    reference: Callable[[], object],
    reference_on: Callable[[], AbstractContextManager[Any]],
    reference_name: str,
    canned: dict[str, Any],
) -> Row:
    """Median µs per request of each side over short alternated batches.

    Alternating puts both sides under the same conditions; the median, unlike
    the fastest batch, is not decided by one lucky batch of either side (on
    these shared cores the fastest moved the httpx figure from 1.27x to 1.50x
    between two runs a minute apart).
    """

    def queued_and_sent(mock: Any) -> Callable[[], object]:
        def call() -> object:
            mock.add_response(canned)
            return ours()

        return call

    with fim_mock_on() as mock:
        number = _calibrate(queued_and_sent(mock))
    ours_times: list[float] = []
    reference_times: list[float] = []
    for round_ in range(BATCHES):
        # Which side goes first alternates, so neither always meets a warm cache.
        for side in ("ours", "reference") if round_ % 2 else ("reference", "ours"):
            if side == "reference":
                with reference_on():
                    reference_times.append(_batch(reference, number))
            else:
                with fim_mock_on() as mock:
                    ours_times.append(_batch(queued_and_sent(mock), number))
    return Row(
        name,
        statistics.median(ours_times) * 1e6,
        statistics.median(reference_times) * 1e6,
        1.3,
        ref_name=reference_name,
    )


def _calibrate(call: Callable[[], object]) -> int:
    number = 1
    while _batch(call, number) * number < BATCH_SECONDS:
        number *= 2
    return number


def _batch(call: Callable[[], object], number: int) -> float:
    """Seconds per call over ``number`` calls."""
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number


def httpx_figure(canned: dict[str, Any]) -> Row:
    import httpx

    body = json.dumps(canned).encode()
    mocked = httpx.Client(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(
                200, headers={"content-type": "application/json"}, content=body
            )
        )
    )
    client = httpx.Client()
    return figure(
        "httpx: client.post(...).json()",
        lambda: client.post(URL, json=BODY).json(),
        lambda: mocked.post(URL, json=BODY).json(),
        nothing,
        "httpx.MockTransport",
        canned,
    )


def requests_figure(canned: dict[str, Any]) -> Row:
    import requests
    import responses

    session = requests.Session()

    @contextmanager
    def responses_on() -> Iterator[None]:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
            mocked.add(responses.POST, URL, json=canned)
            yield

    def post() -> object:
        return session.post(URL, json=BODY).json()

    return figure(
        "requests: session.post(...).json()", post, post, responses_on, "responses", canned
    )


def aiohttp_figure(canned: dict[str, Any]) -> Row:
    import aiohttp
    from aioresponses import aioresponses

    loop = asyncio.new_event_loop()

    async def make_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    session = loop.run_until_complete(make_session())

    async def post() -> object:
        async with session.post(URL, json=BODY) as response:
            return await response.json()

    @contextmanager
    def aioresponses_on() -> Iterator[None]:
        with aioresponses() as mocked:
            mocked.post(URL, payload=canned, repeat=True)
            yield

    def send() -> object:
        return loop.run_until_complete(post())

    try:
        return figure(
            "aiohttp: session.post(...) + await json()",
            send,
            send,
            aioresponses_on,
            "aioresponses",
            canned,
        )
    finally:
        loop.run_until_complete(session.close())
        loop.close()


def main() -> int:
    from pytest_fim import make_fim_response

    canned = make_fim_response("    return a + b\n", seed=1).model_dump(mode="json")
    rows = [httpx_figure(canned), requests_figure(canned), aiohttp_figure(canned)]
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
