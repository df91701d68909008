"""Figures of the streaming issue, in one run.

1. Parsing and assembling a 10,000-chunk SSE stream: at most 50 ms.
2. A 100,000-chunk stream: at most 12× the 10,000-chunk time (linear).

Streams are built by make_fim_stream: word-sized pieces with the live API's
chunk shape (id, model, object, created on every chunk after the first).
Run: ``python bench/stream_speed.py``. Exit status 1 if a figure fails.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _table import Row, print_table


def best_of(runs: int, text: str) -> float:
    from pytest_fim import assemble_fim_stream

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assemble_fim_stream(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    from pytest_fim import make_fim_stream

    small = make_fim_stream("tok " * 9_998, seed=1, as_sse=True)
    large = make_fim_stream("tok " * 99_998, seed=1, as_sse=True)
    for text, count in ((small, 10_000), (large, 100_000)):
        events = text.count("data: ") - 1
        assert events == count, (events, count)
    best_of(2, small)  # warm up imports and caches
    small_time = best_of(9, small)
    large_time = best_of(5, large)
    rows = [
        Row(
            "parse + assemble a 10,000-chunk SSE stream",
            small_time * 1000,
            50,
            1.0,
            unit="ms",
            ref_name="target",
        ),
        Row(
            "100,000 chunks vs 10,000 chunks (linearity)",
            large_time * 1000,
            small_time * 1000,
            12,
            unit="ms",
            ref_name="10,000 chunks",
        ),
    ]
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
