"""Scores of a run from its per-item records: pass@k, em, es, check failure rates; gates.

Pure functions of the records (the JSONL layout of the report), so the
controller of a pytest-xdist run computes them from what the workers sent,
and a saved report can be scored again.

Metric names, one spelling everywhere: ``pass@K`` (0..1, the unbiased
estimator), ``em`` (0..1), ``es`` (mean edit similarity, 0..100) and
``check:<name>`` (fraction of samples failing quality check ``<name>``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "Gate",
    "build_report",
    "file_metrics",
    "parse_gate",
    "parse_k",
    "pass_at_k",
    "read_baseline",
]

FORMAT = "pytest-fim-eval/1"
#: Gate expressions: METRIC OP NUMBER.
_GATE = re.compile(
    r"^\s*(?P<metric>[A-Za-z_:@0-9]+)\s*(?P<op>>=|<=|>|<)\s*(?P<bound>[-+0-9.eE]+)\s*$"
)
_METRICS_HELP = "pass@K (K one of --fim-eval-k), em, es, check:<name>"
#: Slowest cases listed per file.
SLOWEST = 5
#: Worst cases named per failing gate.
WORST = 5


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased pass@k estimator of one task: n samples, c of them correct.

    ``1 - C(n-c, k) / C(n, k)``, computed as a product so large n stays exact
    enough; ``ValueError`` unless ``0 <= c <= n`` and ``1 <= k <= n``.

    >>> round(pass_at_k(10, 3, 1), 6), round(pass_at_k(10, 3, 5), 6)
    (0.3, 0.916667)
    """
    if not (0 <= c <= n and 1 <= k <= n):
        raise ValueError(f"pass_at_k needs 0 <= c <= n and 1 <= k <= n, got n={n} c={c} k={k}")
    if n - c < k:
        return 1.0
    remaining = 1.0
    for i in range(n - c + 1, n + 1):
        remaining *= 1.0 - k / i
    return 1.0 - remaining


def parse_k(text: str) -> tuple[int, ...]:
    """``"1,10"`` as (1, 10); ``ValueError`` naming what was received.

    >>> parse_k("10,1")
    (1, 10)
    """
    try:
        values = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        values = ()
    if not values or values[0] < 1:
        raise ValueError(
            f"--fim-eval-k: expected a comma list of positive integers ('1,10'), got {text!r}"
        )
    return values


@dataclass(frozen=True)
class Gate:
    """One bound on a metric: ``metric op bound``."""

    metric: str
    op: str
    bound: float

    def holds(self, value: float) -> bool:
        """Whether ``value`` keeps within the bound."""
        return {
            ">=": value >= self.bound,
            ">": value > self.bound,
            "<=": value <= self.bound,
            "<": value < self.bound,
        }[self.op]

    def __str__(self) -> str:
        return f"{self.op} {self.bound:g}"


def known_metric(metric: str, k_values: Sequence[int], checks: Iterable[str]) -> bool:
    """Whether ``metric`` is one this run computes."""
    if metric in ("em", "es"):
        return True
    if metric.startswith("pass@"):
        return metric[5:].isdigit() and int(metric[5:]) in k_values
    if metric.startswith("check:"):
        return metric[6:] in set(checks)
    return False


def parse_gate(text: str, k_values: Sequence[int], checks: Iterable[str]) -> Gate:
    """A gate expression (``"pass@1>=0.55"``); ``ValueError`` saying what is accepted."""
    match = _GATE.match(text)
    if match is None:
        raise ValueError(
            f"--fim-eval-min: cannot read {text!r}; expected METRIC>=NUMBER (or >, <=, <) "
            f"with METRIC one of {_METRICS_HELP}"
        )
    metric = match["metric"]
    try:
        bound = float(match["bound"])
    except ValueError:
        raise ValueError(
            f"--fim-eval-min: {match['bound']!r} in {text!r} is not a number"
        ) from None
    if not known_metric(metric, k_values, checks):
        names = list(checks)
        raise ValueError(
            f"--fim-eval-min: unknown metric {metric!r} in {text!r}; the metrics are "
            f"{', '.join(f'pass@{k}' for k in k_values)}, em, es and "
            f"check:<name> with <name> one of {', '.join(names)}"
            + (" (add K to --fim-eval-k for another pass@K)" if metric.startswith("pass@") else "")
        )
    return Gate(metric, match["op"], bound)


def read_baseline(path: Path) -> dict[str, Any]:
    """The metrics of a previous ``--fim-eval-report``; ``ValueError`` saying what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"--fim-eval-baseline: cannot read {path}: {exc}") from None
    metrics = (data.get("totals") or {}).get("metrics") if isinstance(data, dict) else None
    if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(metrics, dict)):
        raise ValueError(
            f"--fim-eval-baseline: {path} is not a report of --fim-eval-report "
            f"(format {FORMAT!r} with totals.metrics)"
        )
    return {"path": str(path), "metrics": metrics}


def _counted(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in records if record.get("outcome") != "skipped"]


def file_metrics(
    records: Sequence[dict[str, Any]], k_values: Sequence[int], checks: Sequence[str]
) -> dict[str, float | None]:
    """Every metric over ``records`` (skipped items left out); None where it has no data.

    A sample is correct when its item passed: every scored criterion held.
    pass@K averages over the tasks with at least K samples.
    """
    counted = _counted(records)
    metrics: dict[str, float | None] = {}
    tasks: dict[tuple[str, str], list[int]] = {}
    for record in counted:
        tally = tasks.setdefault((record["file"], str(record["task_id"])), [0, 0])
        tally[0] += 1
        tally[1] += record["outcome"] == "passed"
    for k in k_values:
        values = [pass_at_k(n, c, k) for n, c in tasks.values() if n >= k]
        metrics[f"pass@{k}"] = sum(values) / len(values) if values else None
    compared = [pair for pair in map(_against_reference, counted) if pair is not None]
    matches = [exact for exact, _ in compared]
    metrics["em"] = sum(matches) / len(matches) if matches else None
    similarities = [similarity for _, similarity in compared]
    metrics["es"] = sum(similarities) / len(similarities) if similarities else None
    failing: dict[str, int] = dict.fromkeys(checks, 0)
    for record in counted:
        for name in record.get("checks_failed") or ():
            failing[name] = failing.get(name, 0) + 1
    for name, count in failing.items():
        metrics[f"check:{name}"] = count / len(counted) if counted else None
    return metrics


def _against_reference(record: dict[str, Any]) -> tuple[bool, float] | None:
    """(exact match, edit similarity) of a record; None when its case has no reference.

    A sample that gave no completion (its source failed, no sample) still had a
    reference to meet: no match, similarity 0.
    """
    if record["exact_match"] is not None:
        return bool(record["exact_match"]), float(record["edit_similarity"])
    if record.get("canonical_solution") is not None:
        return False, 0.0
    return None


def _worst(metric: str, records: Sequence[dict[str, Any]]) -> list[str]:
    """The task ids that pull ``metric`` down most (up to :data:`WORST`)."""
    counted = _counted(records)
    if metric.startswith("pass@"):
        rates: dict[str, list[int]] = {}
        for record in counted:
            tally = rates.setdefault(str(record["task_id"]), [0, 0])
            tally[0] += 1
            tally[1] += record["outcome"] == "passed"
        ranked = sorted((c / n, task) for task, (n, c) in rates.items() if c < n)
        return [task for _, task in ranked[:WORST]]
    if metric in ("em", "es"):
        compared = [
            (pair, record) for record in counted if (pair := _against_reference(record)) is not None
        ]
        if metric == "em":
            chosen = [record for (exact, _), record in compared if not exact]
        else:
            chosen = [record for _, record in sorted(compared, key=lambda entry: entry[0][1])]
    else:
        name = metric[6:]
        chosen = [record for record in counted if name in (record.get("checks_failed") or ())]
    return list(dict.fromkeys(str(record["task_id"]) for record in chosen))[:WORST]


def _check_gates(
    gates: Sequence[Gate], metrics: dict[str, float | None], records: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    failures = []
    for gate in gates:
        value = metrics.get(gate.metric)
        if value is None or not gate.holds(value):
            failures.append(
                {
                    "metric": gate.metric,
                    "value": value,
                    "bound": str(gate),
                    "worst": _worst(gate.metric, records),
                }
            )
    return failures


def _baseline_gates(
    baseline: dict[str, Any] | None, metrics: dict[str, float | None], max_drop: float | None
) -> tuple[dict[str, Any] | None, list[Gate]]:
    """The baseline section of the report and the gates a maximum drop sets.

    A drop is measured on the metric's own scale for fractions; ``es`` runs
    0..100, so its allowed drop is ``100 * max_drop`` points. A check's rate
    is lower-is-better: it may rise by ``max_drop``.
    """
    if baseline is None:
        return None, []
    before: dict[str, Any] = baseline["metrics"]
    deltas: dict[str, float] = {}
    gates: list[Gate] = []
    not_compared: list[str] = []
    for metric, old in before.items():
        new = metrics.get(metric)
        if not isinstance(old, (int, float)):
            continue
        if new is None:  # another --fim-eval-k, no references, fills_hole not scored
            not_compared.append(metric)
            continue
        deltas[metric] = new - old
        if max_drop is None:
            continue
        allowed = max_drop * 100 if metric == "es" else max_drop
        if metric.startswith("check:"):
            gates.append(Gate(metric, "<=", round(old + allowed, 12)))
        else:
            gates.append(Gate(metric, ">=", round(old - allowed, 12)))
    section = {
        "path": baseline["path"],
        "metrics": before,
        "deltas": deltas,
        "not_compared": not_compared,
    }
    return section, gates


def build_report(
    records: Sequence[dict[str, Any]],
    *,
    k_values: Sequence[int],
    scored: Sequence[str],
    checks: Sequence[str],
    gates: Sequence[Gate] = (),
    baseline: dict[str, Any] | None = None,
    max_drop: float | None = None,
    items_name: str | None = None,
) -> dict[str, Any]:
    """The JSON report (layout ``pytest-fim-eval/1``) of a run's records.

    ``checks`` are the quality checks whose failure rates are reported (none
    unless fills_hole is scored); ``gates`` the ``--fim-eval-min`` bounds;
    ``baseline`` what :func:`read_baseline` returned, with ``max_drop``.
    """
    by_file: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_file.setdefault(record["file"], []).append(record)
    files = []
    for path, file_records in by_file.items():
        counted = _counted(file_records)
        slowest = sorted(counted, key=lambda record: -float(record.get("seconds") or 0))
        files.append(
            {
                "path": path,
                "cases": len({str(record["task_id"]) for record in counted}),
                "samples": len(counted),
                "metrics": file_metrics(file_records, k_values, checks),
                "slowest": [
                    {
                        "task_id": record["task_id"],
                        "sample": record.get("sample", 0),
                        "seconds": round(float(record["seconds"]), 4),
                    }
                    for record in slowest[:SLOWEST]
                ],
            }
        )
    counted = _counted(records)
    metrics = file_metrics(records, k_values, checks)
    baseline_section, drop_gates = _baseline_gates(baseline, metrics, max_drop)
    every_gate = [*gates, *drop_gates]
    failures = _check_gates(every_gate, metrics, records)
    return {
        "format": FORMAT,
        "k": list(k_values),
        "scored": list(scored),
        "totals": {
            "cases": len({(record["file"], str(record["task_id"])) for record in counted}),
            "samples": len(counted),
            "metrics": metrics,
        },
        "files": files,
        "baseline": baseline_section,
        "gate": {
            "passed": not failures,
            "bounds": [f"{gate.metric} {gate}" for gate in every_gate],
            "failures": failures,
        },
        "items": items_name,
    }


def format_value(metric: str, value: float | None) -> str:
    """A metric's value as the summary and messages print it."""
    if value is None:
        return "n/a"
    if metric == "es":
        return f"{value:.1f}"
    return f"{value:.3f}" if not math.isnan(value) else "nan"
