"""Figure of the fim_mock issue, side by side in one run.

``client.fim.complete`` answered by fim_mock vs the same call answered by a
bare ``httpx2.MockTransport`` returning the same canned JSON (passed to the
SDK as ``client=httpx2.Client(transport=...)``): at most 1.3×, the SDK's own
overhead should dominate. Two more rows show what users usually write:
answers built from keywords at request time, and a stream.

The two sides are timed in alternating rounds and each keeps its best
median, so a neighbour's load on shared cores does not land on one side only.

Run: ``python bench/mock_speed.py``. Exit status 1 if a figure fails.
Needs mistralai 3.x (on httpx2).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _patch import Patch
from _table import Row, per_call, print_table

ROUNDS = 3


def side_by_side(
    ours: Callable[[], object], reference: Callable[[], object], mock: Any
) -> tuple[float, float]:
    """Best median seconds per call of each, timed in alternating rounds.

    fim_mock is installed for our rounds only: it answers every client's FIM
    requests, the reference's MockTransport client among them.
    """
    best_ours = best_reference = float("inf")
    for _ in range(ROUNDS):
        best_reference = min(best_reference, per_call(reference))
        patch = Patch()
        mock.install(patch)
        try:
            best_ours = min(best_ours, per_call(ours))
        finally:
            patch.restore()
            mock.requests.clear()  # a long run should not hold every request
    return best_ours, best_reference


def main() -> int:
    import httpx2
    from mistralai.client import Mistral

    from pytest_fim import make_fim_response, make_fim_stream
    from pytest_fim.mock import FIMMock

    content = "    return a + b\n"
    canned = make_fim_response(content, seed=1).model_dump(mode="json")
    body = json.dumps(canned).encode()
    sse = make_fim_stream(content, seed=1, as_sse=True).encode()

    def handler(request: httpx2.Request) -> httpx2.Response:
        if json.loads(request.content).get("stream"):
            return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=sse)
        return httpx2.Response(200, headers={"content-type": "application/json"}, content=body)

    bare = Mistral(api_key="k", client=httpx2.Client(transport=httpx2.MockTransport(handler)))

    def bare_complete() -> None:
        bare.fim.complete(model="codestral-latest", prompt="def add(a, b):\n")

    def bare_stream() -> None:
        list(bare.fim.stream(model="codestral-latest", prompt="def add(a, b):\n"))

    mock = FIMMock(assert_all_requested=False)
    client = Mistral(api_key="k")

    def canned_answer() -> None:
        mock.add_response(canned)
        client.fim.complete(model="codestral-latest", prompt="def add(a, b):\n")

    def built_answer() -> None:
        mock.add_response(content=content)
        client.fim.complete(model="codestral-latest", prompt="def add(a, b):\n")

    def streamed_answer() -> None:
        mock.add_stream(content=content)
        list(client.fim.stream(model="codestral-latest", prompt="def add(a, b):\n"))

    figures = [
        (
            "client.fim.complete answered by fim_mock (same canned JSON)",
            canned_answer,
            bare_complete,
            "bare httpx2.MockTransport",
        ),
        (
            "… answer built per request: add_response(content=...)",
            built_answer,
            bare_complete,
            "bare httpx2.MockTransport, canned",
        ),
        (
            "client.fim.stream answered by fim_mock: add_stream(content=...)",
            streamed_answer,
            bare_stream,
            "bare httpx2.MockTransport, canned SSE",
        ),
    ]
    rows = []
    for figure, ours, reference, name in figures:
        mine, theirs = side_by_side(ours, reference, mock)
        rows.append(Row(figure, mine * 1e6, theirs * 1e6, 1.3, ref_name=name))
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
