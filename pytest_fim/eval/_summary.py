"""The terminal summary of an evaluation run, from the JSON report and the records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_fim._visible import escape_hidden
from pytest_fim.eval._scores import format_value

__all__ = ["summary_lines"]

Markup = dict[str, bool]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _failing_counts(records: Sequence[dict[str, Any]], path: str | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        if path is not None and record["file"] != path:
            continue
        if record.get("outcome") == "skipped":
            continue
        for name in record.get("checks_failed") or ():
            counts[name] = counts.get(name, 0) + 1
    return counts


def summary_lines(
    report: dict[str, Any], records: Sequence[dict[str, Any]]
) -> list[tuple[str, Markup]]:
    """The summary as (line, terminal markup) pairs: the table, then per file the
    checks failing and the slowest cases, then the baseline and the gate."""
    k_metrics = [f"pass@{k}" for k in report["k"]]
    head = ["file", "cases", "samples", *k_metrics, "em", "es", "failed"]
    rows = [head]
    entries = [*report["files"], {"path": "total", **report["totals"]}]
    for entry in entries:
        path = entry["path"] if entry["path"] != "total" else None
        failed = sum(
            1
            for record in records
            if record.get("outcome") in ("failed", "error") and path in (None, record["file"])
        )
        rows.append(
            [
                entry["path"],
                str(entry["cases"]),
                str(entry["samples"]),
                *(format_value(metric, entry["metrics"].get(metric)) for metric in k_metrics),
                format_value("em", entry["metrics"].get("em")),
                format_value("es", entry["metrics"].get("es")),
                str(failed),
            ]
        )
    if len(report["files"]) < 2:
        rows.pop()  # one file: its row is the total
    lines: list[tuple[str, Markup]] = [(line, {}) for line in _table(rows)]
    for entry in report["files"]:
        counts = _failing_counts(records, entry["path"])
        if counts:
            shown = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
            lines.append((f"{entry['path']}: samples failing a check: {shown}", {}))
        # With several samples a task, the task id alone does not say which item was slow.
        several = entry["samples"] > entry["cases"]
        slowest = ", ".join(
            f"{escape_hidden(str(case['task_id']))}{_sample_suffix(case, several)} "
            f"{case['seconds']:.2f}s"
            for case in entry["slowest"][:3]
        )
        if slowest:
            lines.append((f"{entry['path']}: slowest: {slowest}", {}))
    baseline = report.get("baseline")
    if baseline:
        deltas = ", ".join(
            f"{metric} {delta:+.3f}" for metric, delta in baseline["deltas"].items() if delta
        )
        # A bound the baseline had that this run cannot check must not pass unseen.
        missing = ", ".join(baseline.get("not_compared") or ())
        missing = f"; not in this run: {missing}" if missing else ""
        lines.append((f"against {baseline['path']}: {deltas or 'no change'}{missing}", {}))
    gate = report["gate"]
    for failure in gate["failures"]:
        if failure["metric"] == "cases":
            lines.append(
                (
                    "GATE FAILED: no evaluation item was scored (all deselected, skipped or "
                    "not run); a gate needs at least one",
                    {"red": True, "bold": True},
                )
            )
            continue
        worst = ", ".join(escape_hidden(str(task)) for task in failure["worst"]) or "none"
        value = format_value(failure["metric"], failure["value"])
        if failure["value"] is None:
            value += _why_no_value(failure["metric"], report)
        lines.append(
            (
                f"GATE FAILED: {failure['metric']} = {value}, bound "
                f"{failure['bound']}; worst cases: {worst}",
                {"red": True, "bold": True},
            )
        )
    return lines


def _sample_suffix(case: dict[str, Any], several: bool) -> str:
    """``[i]`` naming the sample of a slow case, when its task has several."""
    return f"[{case.get('sample', 0)}]" if several else ""


def _why_no_value(metric: str, report: dict[str, Any]) -> str:
    """Why a gated metric has no value (printed after its 'n/a')."""
    if metric.startswith("pass@") and report["totals"]["samples"]:
        return f" (no task has {metric[5:]} samples)"
    return " (no sample scored for it)"
