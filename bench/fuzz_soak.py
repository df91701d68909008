"""Soak every public entry point with hostile input and count the outcomes.

Uses the same strategies as tests/test_fuzz.py (tests/_strategies.py) for a
set number of examples per entry point, plus the fixed extreme cases, and
prints per entry point: returned, AssertionError, TypeError/ValueError, and
unexpected exceptions (the figure: zero). Exit status 1 if any is unexpected.

Run: ``python bench/fuzz_soak.py [--examples 100000] [--only NAME]``.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _entry_points import check_contract, entry_points
from _strategies import ANY_INPUT, extreme_values
from hypothesis import HealthCheck, Phase, given, settings


def soak(name: str, call: Any, examples: int) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()

    def one(value: Any) -> None:
        try:
            counts[check_contract(name, call, value)] += 1
        except Exception as exc:  # counted, not raised: the soak reports every breach
            counts["UNEXPECTED"] += 1
            if counts["UNEXPECTED"] <= 3:
                print(f"  {name}: {type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr)
                traceback.print_exc(limit=3, file=sys.stderr)

    runner = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(given(ANY_INPUT)(one))
    runner()
    for value in extreme_values():
        one(value)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples",
        type=int,
        default=100_000,
        help="generated examples per entry point (default 100,000)",
    )
    parser.add_argument("--only", help="soak only the entry points whose name contains this")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(
        "| entry point | examples | returned | AssertionError | TypeError/ValueError "
        "| unexpected | seconds |"
    )
    print("|---|---|---|---|---|---|---|")
    unexpected = 0
    for name, call in entry_points().items():
        if args.only and args.only not in name:
            continue
        start = time.perf_counter()
        counts = soak(name, call, args.examples)
        total = sum(counts.values())
        unexpected += counts["UNEXPECTED"]
        print(
            f"| {name} | {total:,} | {counts['ok']:,} | {counts['assertion']:,} "
            f"| {counts['argument']:,} | {counts['UNEXPECTED']:,} "
            f"| {time.perf_counter() - start:.0f} |",
            flush=True,
        )
    print(f"\nunexpected exceptions: {unexpected}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
