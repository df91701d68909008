"""A results table shared by the benchmark scripts: one row per figure."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    """One figure: what we measured, against what, and the target ratio."""

    figure: str
    ours: float
    reference: float
    target: float
    unit: str = "µs"
    ref_name: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.reference if self.reference else float("inf")

    @property
    def passed(self) -> bool:
        return self.ratio <= self.target


def print_table(rows: list[Row]) -> bool:
    """Print the rows as a Markdown table; return True when every figure passes."""
    print("| figure | ours | reference | ratio | target | result |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        ref = f"{row.reference:.3g} {row.unit}" + (f" ({row.ref_name})" if row.ref_name else "")
        print(
            f"| {row.figure} | {row.ours:.3g} {row.unit} | {ref} | {row.ratio:.3f}× "
            f"| ≤ {row.target}× | {'pass' if row.passed else 'FAIL'} |"
        )
    return all(row.passed for row in rows)


def per_call(fn: Callable[[], object], *, repeat: int = 7, min_time: float = 0.2) -> float:
    """Median seconds per call of ``fn`` over ``repeat`` timed batches."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start >= min_time / repeat:
            break
        number *= 2
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)
