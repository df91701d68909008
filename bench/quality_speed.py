"""How long every quality check takes over the HumanEval infilling sets.

Runs all checks of ``fill_problems`` (everything ``assert_fills_hole`` does,
not ``assert_passes_tests``) on every correct fill of the single-line (1033)
and multi-line (5815) sets read from DATA_DIR, three times each, and prints
the median total against the issue's targets (1.5 s and 10 s), then where
the time goes, check by check (a check that parses first pays for the parse
the others share).

Run: ``python bench/quality_speed.py DATA_DIR`` (or set ``PYTEST_FIM_DATA``).
Exit status 1 if a figure misses its target.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _data import add_data_argument, data_folder

#: (file, rows expected, target seconds for all checks on all rows)
SETS = (
    ("HumanEval-SingleLineInfilling.jsonl.gz", 1033, 1.5),
    ("HumanEval-MultiLineInfilling.jsonl.gz", 5815, 10.0),
)
ROUNDS = 3


def load(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as source:
        return [json.loads(line) for line in source]


def all_checks(rows: list[dict[str, Any]]) -> float:
    """Seconds for fill_problems on every row (fresh fills: nothing cached between rows)."""
    from pytest_fim.quality import fill_problems
    from pytest_fim.quality._syntax import python_error

    python_error.cache_clear()
    start = time.perf_counter()
    for row in rows:
        fill_problems(row["prompt"], row["canonical_solution"], row["suffix"])
    return time.perf_counter() - start


def per_check(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds each check takes over ``rows``, run in fill_problems' order."""
    from pytest_fim.quality._checks import CHECKS, Fill
    from pytest_fim.quality._source import Join
    from pytest_fim.quality._syntax import python_error

    python_error.cache_clear()
    spent = dict.fromkeys(CHECKS, 0.0)
    for row in rows:
        fill = Fill(Join(row["prompt"], row["canonical_solution"], row["suffix"]))
        for name, check in CHECKS.items():
            start = time.perf_counter()
            check(fill)
            spent[name] += time.perf_counter() - start
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add_data_argument(parser)
    args = parser.parse_args()
    args.data = data_folder(parser, args.data)
    ok = True
    breakdown: dict[str, dict[str, float]] = {}
    print("| figure | measured | target | result |")
    print("|---|---|---|---|")
    for name, expected, target in SETS:
        rows = load(args.data / name)
        label = name.split("-")[1].split(".")[0]
        if len(rows) != expected:
            print(f"{name}: {len(rows)} rows, expected {expected}", file=sys.stderr)
            ok = False
        seconds = statistics.median(all_checks(rows) for _ in range(ROUNDS))
        passed = seconds <= target
        ok &= passed
        print(
            f"| all checks, {len(rows)} {label} fills (median of {ROUNDS}) | {seconds:.2f} s "
            f"| ≤ {target} s | {'pass' if passed else 'FAIL'} |"
        )
        breakdown[label] = per_check(rows)
    print()
    labels = list(breakdown)
    print("| check | " + " | ".join(f"{label} (s)" for label in labels) + " |")
    print("|---|" + "---|" * len(labels))
    for check in next(iter(breakdown.values())):
        print(
            f"| {check} | "
            + " | ".join(f"{breakdown[label][check]:.3f}" for label in labels)
            + " |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
