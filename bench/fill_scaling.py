"""How ``assert_fills_hole`` grows with the size of the middle, up to 10 MB.

The fuzz tests feed it a 10 MB middle and only check the outcome (tests time
nothing); this script measures the time. For each shape of middle (one long
line, the fuzz tests' case; many lines of code, a model that runs on) it
prints the CPU time at 1 KB to 10 MB, and the figure: 10 MB against 1 MB,
which must stay near-linear (at most 12×; quadratic would be 100×).

CPU time of this process (``time.process_time``), best of a few runs: on a
shared machine wall time measures the neighbours too.

Run: ``python bench/fill_scaling.py``. Exit status 1 if a figure fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _table import Row, print_table

PREFIX = "def f(a, b):\n"
SUFFIX = "\n"
SIZES = (1_000, 10_000, 100_000, 1_000_000, 10_000_000)
LINE = "    total += x\n"

#: Middles of a given size, by shape.
SHAPES: dict[str, Callable[[int], str]] = {
    "one long line": lambda size: "x" * size,
    "lines of code": lambda size: (LINE * (size // len(LINE) + 1))[:size],
}


def cpu_seconds(middle: str, runs: int) -> float:
    """Best CPU time of ``runs`` calls of assert_fills_hole on ``middle``."""
    from pytest_fim import FIMAssertionError, assert_fills_hole

    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        try:
            assert_fills_hole(PREFIX, middle, SUFFIX)
        except FIMAssertionError:
            pass  # a bad fill is an answer too; its message is part of the cost
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per size below 10 MB (10 MB: 2)")
    args = parser.parse_args()
    cpu_seconds(SHAPES["lines of code"](1_000), 1)  # imports and caches
    times: dict[str, dict[int, float]] = {}
    for shape, make in SHAPES.items():
        times[shape] = {}
        for size in SIZES:
            runs = 2 if size >= 10_000_000 else args.runs
            times[shape][size] = cpu_seconds(make(size), runs)
    print("| middle | " + " | ".join(f"{size:,} chars" for size in SIZES) + " |")
    print("|---|" + "---|" * len(SIZES))
    for shape, by_size in times.items():
        print(f"| {shape} | " + " | ".join(f"{by_size[size]:.3g} s" for size in SIZES) + " |")
    print()
    rows = [
        Row(
            f"assert_fills_hole, 10 MB middle vs 1 MB ({shape})",
            by_size[10_000_000],
            by_size[1_000_000],
            12,
            unit="s",
            ref_name="1 MB middle",
        )
        for shape, by_size in times.items()
    ]
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
