"""Figures of the command-line issue, in one run.

1. ``pytest-fim validate`` on a JSON Lines file of 100,000 typical responses:
   at least 20,000 responses a second (reference: the 5 s that rate allows).
2. Memory stays flat: peak RSS with 100,000 lines ≤ 1.2× peak RSS with 10,000.

Run: ``python bench/cli_speed.py``. Exit status 1 if a figure fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _table import Row, print_table


def write_log(path: Path, lines: int) -> None:
    from pytest_fim import make_fim_response

    # A handful of distinct typical responses, repeated: building 100,000 with
    # the factory would time the factory, not the command.
    samples = [
        json.dumps(make_fim_response(f"    return a + b * {n}\n", seed=n).model_dump(mode="json"))
        for n in range(50)
    ]
    with path.open("w") as out:
        for number in range(lines):
            out.write(samples[number % len(samples)] + "\n")


def run_cli(path: Path) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one ``validate`` run on ``path``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_fim", "validate", "-q", str(path)], stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"validate failed on {path}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp, "small.jsonl"), Path(tmp, "large.jsonl")
        write_log(small, 10_000)
        write_log(large, 100_000)
        run_cli(small)  # warm imports and the file cache
        small_time, small_rss = run_cli(small)
        large_time, large_rss = run_cli(large)
    print(
        f"10,000 lines: {small_time:.2f} s, peak RSS {small_rss / 1024:.1f} MiB; "
        f"100,000 lines: {large_time:.2f} s ({100_000 / large_time:,.0f} responses/s), "
        f"peak RSS {large_rss / 1024:.1f} MiB"
    )
    rows = [
        Row(
            "validate 100,000-line JSONL (time)",
            large_time,
            100_000 / 20_000,
            1.0,
            unit="s",
            ref_name="20,000 responses/s",
        ),
        Row(
            "peak RSS, 100,000 vs 10,000 lines",
            large_rss / 1024,
            small_rss / 1024,
            1.2,
            unit="MiB",
            ref_name="10,000 lines",
        ),
    ]
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
