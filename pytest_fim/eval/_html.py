"""The evaluation's HTML report: one self-contained page from the JSON report and its items.

:func:`render_html` reads the two structures ``--fim-eval-report`` writes (the
scores and the per-item records) and returns a page that needs nothing else:
style, script and chart are inline, and its Content-Security-Policy forbids any
load. Every piece of text from a run is escaped, and characters that would hide
or reorder code (bidi controls, zero-width spaces) are shown as escapes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pytest_fim.eval._html_assets import CSP, SCRIPT, STYLE
from pytest_fim.eval._html_cases import failing_section
from pytest_fim.eval._html_text import (
    change_text,
    check_metrics,
    count_text,
    esc,
    headline_metrics,
    higher_is_better,
    is_number,
    metric_key,
    metric_text,
    ordered,
    percent,
)

__all__ = ["MAX_CASES", "render_html"]

#: Failing cases shown by default; the rest are counted, and all are in the JSONL.
MAX_CASES = 200
#: The outcomes that make a case a failing case.
FAILING = ("failed", "error")


def render_html(
    report: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]],
    *,
    max_cases: int = MAX_CASES,
) -> str:
    """The HTML page for one evaluation run, as a string.

    ``report`` is the ``--fim-eval-report`` JSON (``format`` ``pytest-fim-eval/1``:
    ``totals``, ``files``, ``baseline``, ``gate``, ...) and ``items`` its per-item
    records (the JSONL lines). The page shows the totals, a table and a chart of
    the scores per file and per quality check, the baseline comparison and the
    gate when the run had them, the slowest cases, and each failing case (up to
    ``max_cases``; a note counts the rest) with its hole marked between prompt and
    suffix and the failure text.

    Raises ``TypeError`` when ``report`` is not a mapping, ``items`` not an
    iterable or ``max_cases`` not an int, and ``ValueError`` when ``max_cases`` is
    negative, the report is of another format, or a part of either has the wrong
    shape (the message names the part, what it holds and what was expected).

    >>> page = render_html({"format": "pytest-fim-eval/1", "totals": {}, "files": []}, [])
    >>> page.startswith("<!DOCTYPE html>")
    True
    """
    data = _Report.read(report, items, max_cases)
    body = "".join(
        (
            _header(data),
            _totals(data),
            _gate(data),
            _baseline(data),
            _per_file(data),
            _charts(data),
            _slowest(data),
            failing_section(
                data.failing(),
                any_items=bool(data.items),
                max_cases=data.max_cases,
                items_name=data.items_name,
                several_samples=data.several_samples,
            ),
            _footer(data),
        )
    )
    title = esc(f"pytest-fim evaluation: {data.headline()}")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<link rel="icon" href="data:,">'
        f"<title>{title}</title><style>{STYLE}</style></head>\n"
        f"<body>\n{body}<script>{SCRIPT}</script>\n</body></html>\n"
    )


# --- reading the two structures ------------------------------------------------------------


class _Report:
    """The parts of a report the page shows, checked once (the renderers trust them)."""

    def __init__(self) -> None:
        self.k: list[Any] = []
        self.scored: list[Any] = []
        self.totals: dict[str, Any] = {}
        self.metrics: dict[str, Any] = {}
        self.files: list[Mapping[str, Any]] = []
        self.baseline: Mapping[str, Any] | None = None
        self.gate: Mapping[str, Any] | None = None
        self.items_name = ""
        self.items: list[Mapping[str, Any]] = []
        self.max_cases = MAX_CASES
        self.several_samples: set[str] = set()

    @classmethod
    def read(
        cls, report: Mapping[str, Any], items: Iterable[Mapping[str, Any]], max_cases: int
    ) -> _Report:
        if not isinstance(report, Mapping):
            raise TypeError(
                f"render_html: report must be the JSON report as a dict, "
                f"got {type(report).__name__}"
            )
        if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
            raise TypeError(
                f"render_html: items must be a list of per-item records (dicts), "
                f"got {type(items).__name__}"
            )
        if isinstance(max_cases, bool) or not isinstance(max_cases, int):
            raise TypeError(f"render_html: max_cases must be an int >= 0, got {max_cases!r}")
        if max_cases < 0:
            raise ValueError(f"render_html: max_cases must be an int >= 0, got {max_cases!r}")
        fmt = report.get("format", "pytest-fim-eval/1")
        if fmt != "pytest-fim-eval/1":
            raise ValueError(
                f"render_html: report format {fmt!r} is not supported; expected 'pytest-fim-eval/1'"
            )
        data = cls()
        data.max_cases = max_cases
        data.k = _part(report, "k", list, [])
        data.scored = _part(report, "scored", list, [])
        data.totals = _part(report, "totals", dict, {})
        data.metrics = _part(data.totals, "metrics", dict, {}, "totals.metrics")
        data.files = [
            _record(entry, f"files[{index}]")
            for index, entry in enumerate(_part(report, "files", list, []))
        ]
        data.baseline = _part(report, "baseline", dict, None)
        data.gate = _part(report, "gate", dict, None)
        data.items_name = str(report.get("items") or "")
        data.items = [_record(item, f"items[{index}]") for index, item in enumerate(items)]
        per_task = Counter(str(item.get("task_id")) for item in data.items)
        data.several_samples = {task for task, count in per_task.items() if count > 1}
        return data

    def outcomes(self) -> Counter[str]:
        """How many items ended in each outcome."""
        return Counter(str(item.get("outcome", "")) for item in self.items)

    def failing(self) -> list[Mapping[str, Any]]:
        """The items that failed or errored, in the report's order."""
        return [item for item in self.items if item.get("outcome") in FAILING]

    def headline(self) -> str:
        """The run in a few words, for the page title: the first pass@k, or the outcomes."""
        for name in ordered(self.metrics):
            if name.startswith("pass@"):
                return f"{name} {metric_text(name, self.metrics[name])}"
        counts = self.outcomes()
        return f"{counts['passed']:,} passed, {counts['failed'] + counts['error']:,} failing"


def _part(
    source: Mapping[str, Any], key: str, kind: type, default: Any, where: str | None = None
) -> Any:
    value = source.get(key)
    if value is None:
        return default
    if not isinstance(value, kind):
        expected = "a list" if kind is list else "an object"
        raise ValueError(
            f"render_html: report {where or key} must be {expected}, "
            f"got {type(value).__name__}: {_short(value)}"
        )
    return value


def _record(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(
            f"render_html: {where} must be an object, got {type(value).__name__}: {_short(value)}"
        )
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- the sections ----------------------------------------------------------------------------


def _header(data: _Report) -> str:
    counts = data.outcomes()
    parts = [
        f"{count_text(data.totals.get('cases'))} cases",
        f"{count_text(data.totals.get('samples'))} samples",
    ]
    if data.items:
        parts.append(
            ", ".join(
                f"{counts[outcome]:,} {outcome}"
                for outcome in ("passed", "failed", "error", "skipped")
                if counts[outcome] or outcome in ("passed", "failed")
            )
        )
    scored = ", ".join(str(name) for name in data.scored) or "–"
    ks = ", ".join(str(k) for k in data.k) or "–"
    return (
        "<header><h1>pytest-fim evaluation</h1>\n"
        f'<p class="meta" id="run">{esc(" · ".join(parts))}</p>\n'
        f'<p class="meta">scored: <span id="scored">{esc(scored)}</span> · '
        f"pass@k for k = {esc(ks)}</p></header>\n"
    )


def _totals(data: _Report) -> str:
    names = headline_metrics(data.metrics)
    if not names:
        return '<section id="totals"><h2>Scores</h2><p class="note">no scores</p></section>\n'
    cards = "".join(
        f'<div class="card"><div class="name">{esc(name)}</div>'
        f'<div class="value" data-metric="{esc(name)}">{metric_text(name, data.metrics[name])}'
        "</div></div>"
        for name in names
    )
    return (
        f'<section id="totals"><h2>Scores</h2><div class="cards">{cards}</div>'
        '<p class="legend">pass@k and em are fractions of samples (0 to 1); es is the mean '
        "edit similarity (0 to 100); a check's rate is the fraction of samples failing it."
        "</p></section>\n"
    )


def _gate(data: _Report) -> str:
    # A report from a run with no bound set has nothing to say about a gate
    # ("bounds" is empty); reports written before "bounds" existed lack the key.
    if data.gate is None or data.gate.get("bounds", None) == []:
        return ""
    passed = bool(data.gate.get("passed"))
    bounds = data.gate.get("bounds")
    held = (
        "every bound held: " + ", ".join(esc(str(bound)) for bound in bounds)
        if isinstance(bounds, list)
        else "no bound missed"
    )
    status = (
        f'<span class="status pass">gate passed</span> <span class="meta">{held}</span>'
        if passed
        else '<span class="status fail">gate failed</span>'
    )
    failures = [
        _record(entry, f"gate.failures[{index}]")
        for index, entry in enumerate(_part(data.gate, "failures", list, [], "gate.failures"))
    ]
    rows = "".join(
        f'<tr><td class="mono">{esc(failure.get("metric", ""))}</td>'
        f'<td class="num">{metric_text(str(failure.get("metric", "")), failure.get("value"))}</td>'
        f'<td class="mono">{esc(failure.get("bound", ""))}</td>'
        f'<td class="mono">{esc(", ".join(str(t) for t in failure.get("worst") or []))}</td>'
        "</tr>"
        for failure in failures
    )
    table = (
        "<table><thead><tr><th>metric</th><th class=num>value</th><th>bound</th>"
        f"<th>worst cases</th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    return f'<section id="gate"><h2>Gate</h2><p>{status}</p>{table}</section>\n'


def _baseline(data: _Report) -> str:
    if data.baseline is None:
        return ""
    before = _part(data.baseline, "metrics", dict, {}, "baseline.metrics")
    deltas = _part(data.baseline, "deltas", dict, {}, "baseline.deltas")
    absent = set(_part(data.baseline, "not_compared", list, [], "baseline.not_compared"))
    rows = []
    for name in ordered({**before, **data.metrics}):
        delta = deltas.get(name)
        if not is_number(delta) and is_number(before.get(name)):
            now = data.metrics.get(name)
            delta = now - before[name] if is_number(now) else None
        css = ""
        if is_number(delta) and delta:
            css = "better" if (delta > 0) == higher_is_better(name) else "worse"
        rows.append(
            f'<tr data-metric="{esc(name)}" data-change="{css}"><td class="mono">{esc(name)}</td>'
            f'<td class="num">{metric_text(name, before.get(name))}</td>'
            f'<td class="num">{metric_text(name, data.metrics.get(name))}</td>'
            f'<td class="num {css}">'
            f"{'not in this run' if name in absent else change_text(name, delta)}</td></tr>"
        )
    path = data.baseline.get("path")
    source = f" (<code>{esc(path)}</code>)" if path else ""
    return (
        f'<section id="baseline"><h2>Against the baseline{source}</h2>'
        "<table><thead><tr><th>metric</th><th class=num>baseline</th>"
        "<th class=num>this run</th><th class=num>change</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>\n"
    )


def _per_file(data: _Report) -> str:
    if not data.files:
        return ""
    names = headline_metrics(data.metrics) or sorted(
        {n for f in data.files for n in headline_metrics(f.get("metrics") or {})}, key=metric_key
    )
    checks = check_metrics(data.metrics)
    head = "".join(f"<th class=num>{esc(name)}</th>" for name in names)
    rows = []
    for entry in data.files:
        metrics = _part(entry, "metrics", dict, {}, "files[].metrics")
        cells = "".join(
            f'<td class="num" data-metric="{esc(n)}">{metric_text(n, metrics.get(n))}</td>'
            for n in names
        )
        failing = ", ".join(
            f"{name[6:]} {percent(metrics[name])}"
            for name in checks
            if is_number(metrics.get(name)) and metrics[name] > 0
        )
        rows.append(
            f'<tr><td class="mono">{esc(entry.get("path", ""))}</td>'
            f'<td class="num">{count_text(entry.get("cases"))}</td>'
            f'<td class="num">{count_text(entry.get("samples"))}</td>{cells}'
            f"<td>{esc(failing) or '–'}</td></tr>"
        )
    return (
        '<section id="files"><h2>Per file</h2><table><thead><tr><th>file</th>'
        f"<th class=num>cases</th><th class=num>samples</th>{head}<th>failing checks</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>\n"
    )


def _charts(data: _Report) -> str:
    per_check = [
        (name[6:], 1.0 - float(data.metrics[name]), "")
        for name in check_metrics(data.metrics)
        if is_number(data.metrics[name])
    ]
    per_file = _file_pass_rates(data)
    if not per_check and not per_file:
        return ""
    parts = ['<section id="charts"><h2>Pass rates</h2>']
    if per_check:
        parts.append("<h3>Per quality check (samples not failing it)</h3>")
        parts.append(_bar_chart("chart-checks", per_check))
    if per_file:
        parts.append("<h3>Per file (items passed)</h3>")
        parts.append(_bar_chart("chart-files", per_file))
    parts.append("</section>\n")
    return "".join(parts)


def _file_pass_rates(data: _Report) -> list[tuple[str, float, str]]:
    """Per file: the share of its items that passed (skipped ones left out)."""
    passed: Counter[str] = Counter()
    ran: Counter[str] = Counter()
    for item in data.items:
        outcome = item.get("outcome")
        if outcome == "skipped":
            continue
        name = str(item.get("file", ""))
        ran[name] += 1
        passed[name] += outcome == "passed"
    order = [str(entry.get("path", "")) for entry in data.files]
    order += sorted(name for name in ran if name not in order)
    return [
        (name, passed[name] / ran[name], f" ({passed[name]:,}/{ran[name]:,})")
        for name in order
        if ran[name]
    ]


def _bar_chart(ident: str, bars: Sequence[tuple[str, float, str]]) -> str:
    """A horizontal bar per (label, fraction, detail), in inline SVG."""
    label_width, bar_width, height = 260, 380, 22
    total = label_width + bar_width + 130
    rows = []
    for index, (label, fraction, detail) in enumerate(bars):
        fraction = min(max(fraction, 0.0), 1.0)
        y = index * height
        shown = label if len(label) <= 40 else "…" + label[-39:]
        tone = "bar" if fraction >= 0.9 else "bar low" if fraction >= 0.5 else "bar bad"
        rows.append(
            f'<g data-label="{esc(label)}"><title>{esc(label)}: {percent(fraction)}'
            f"{esc(detail)}</title>"
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{esc(shown)}</text>'
            f'<rect class="track" x="{label_width}" y="{y + 3}" width="{bar_width}" height="16"/>'
            f'<rect class="{tone}" x="{label_width}" y="{y + 3}" '
            f'width="{bar_width * fraction:.1f}" height="16"/>'
            f'<text x="{label_width + bar_width + 8}" y="{y + 15}">{percent(fraction)}'
            f"{esc(detail)}</text></g>"
        )
    return (
        f'<svg class="chart" id="{ident}" role="img" viewBox="0 0 {total} {len(bars) * height}" '
        f'width="100%">{"".join(rows)}</svg>'
    )


def _slowest(data: _Report) -> str:
    rows = []
    for entry in data.files:
        for slow in _part(entry, "slowest", list, [], "files[].slowest")[:5]:
            slow = _record(slow, "files[].slowest[]")
            seconds = slow.get("seconds")
            rows.append(
                f'<tr><td class="mono">{esc(entry.get("path", ""))}</td>'
                f'<td class="mono">{esc(slow.get("task_id", ""))}</td>'
                f'<td class="num">{f"{seconds:.2f} s" if is_number(seconds) else "–"}</td></tr>'
            )
    if not rows:
        return ""
    return (
        '<section id="slowest"><h2>Slowest cases</h2><table><thead><tr><th>file</th>'
        f"<th>task</th><th class=num>time</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></section>\n"
    )


def _footer(data: _Report) -> str:
    from pytest_fim import __version__

    records = f" Per-item records: <code>{esc(data.items_name)}</code>." if data.items_name else ""
    return f'<footer class="meta"><p>Written by pytest-fim {__version__}.{records}</p></footer>\n'
