"""Text and numbers for the HTML report: escaping, and metrics as the JSON report holds them."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

from pytest_fim._visible import escape_hidden

__all__ = [
    "change_text",
    "check_metrics",
    "code",
    "count_text",
    "esc",
    "headline_metrics",
    "higher_is_better",
    "is_number",
    "metric_key",
    "metric_text",
    "ordered",
    "percent",
]

#: Layout characters kept as they are inside code (everything else hidden is escaped).
LAYOUT = {"\n": "\n", "\t": "\t"}


def esc(value: Any) -> str:
    """``value`` as HTML text: escaped, and never a string the page cannot be written with."""
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON's \\ud800: shown, not fatal
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return html.escape(text, quote=True)


def code(text: str) -> str:
    """Code as HTML: hidden characters shown as escapes (layout kept), then escaped."""
    return esc(escape_hidden(text, LAYOUT))


def is_number(value: Any) -> bool:
    """Whether ``value`` is a finite int or float (a bool, None or NaN is not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def metric_text(name: str, value: Any) -> str:
    """A metric as the JSON holds it: es on its 0..100 scale, the rest fractions 0..1;
    a dash when there is none (missing, null or not finite)."""
    if not is_number(value):
        return "–"
    return f"{value:.1f}" if name == "es" else f"{value:.3f}"


def change_text(name: str, value: Any) -> str:
    """A change of a metric, signed, on the metric's own scale; a dash when there is none."""
    if not is_number(value):
        return "–"
    return f"{value:+.1f}" if name == "es" else f"{value:+.3f}"


def higher_is_better(name: str) -> bool:
    """Whether a rise of metric ``name`` is an improvement."""
    # A check's metric is the share of samples failing it: less is better.
    return not name.startswith("check:")


def percent(fraction: float) -> str:
    """A fraction 0..1 as a percentage with one decimal."""
    return f"{100 * fraction:.1f}%"


def metric_key(name: str) -> tuple[int, float, str]:
    """The sort key behind :func:`ordered`."""
    if name.startswith("pass@"):
        k = name[5:]
        return (0, float(k) if k.isdigit() else math.inf, name)
    order = {"em": 1, "es": 2}
    if name in order:
        return (order[name], 0.0, name)
    return (3 if name.startswith("check:") else 4, 0.0, name)


def ordered(metrics: Mapping[str, Any]) -> list[str]:
    """Metric names in reading order: pass@k by k, em, es, the checks, anything else."""
    return sorted((str(name) for name in metrics), key=metric_key)


def headline_metrics(metrics: Mapping[str, Any]) -> list[str]:
    """The names of ``metrics`` that are not quality checks' rates, in reading order."""
    return [name for name in ordered(metrics) if not name.startswith("check:")]


def check_metrics(metrics: Mapping[str, Any]) -> list[str]:
    """The names of ``metrics`` that are quality checks' rates (``check:<name>``), sorted."""
    return [name for name in ordered(metrics) if name.startswith("check:")]


def count_text(value: Any) -> str:
    """A count with thousands separators; a dash when it is not a number."""
    return f"{value:,}" if is_number(value) else "–"
