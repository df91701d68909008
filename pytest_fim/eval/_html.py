"""The evaluation's HTML report: one self-contained page from the JSON report and its items.

:func:`render_html` reads the two structures ``--fim-eval-report`` writes (the
scores and the per-item records) and returns a page that needs nothing else:
style, script and chart are inline, and its Content-Security-Policy forbids any
load. Every piece of text from a run is escaped, and characters that would hide
or reorder code (bidi controls, zero-width spaces) are shown as escapes.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pytest_fim._text import plural
from pytest_fim._visible import escape_hidden
from pytest_fim.eval._html_assets import CSP, SCRIPT, STYLE

__all__ = ["MAX_CASES", "render_html"]

#: Failing cases shown by default; the rest are counted, and all are in the JSONL.
MAX_CASES = 200
#: Lines of the prompt shown above a hole, and of the suffix below it.
LINES_ABOVE = 12
LINES_BELOW = 8
#: Longest any one piece of a case (prompt tail, completion, failure text) may run.
TEXT_LIMIT = 4000
#: The outcomes that make a case a failing case.
FAILING = ("failed", "error")
#: Layout characters kept as they are inside code (everything else hidden is escaped).
_LAYOUT = {"\n": "\n", "\t": "\t"}


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
    iterable of mappings or ``max_cases`` not an int, and ``ValueError`` when the
    report is of another format or a part of it has the wrong shape (the message
    names the part, what it holds and what was expected).

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
            _failing(data),
            _footer(data),
        )
    )
    title = _esc(f"pytest-fim evaluation: {data.headline()}")
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
        if isinstance(max_cases, bool) or not isinstance(max_cases, int) or max_cases < 0:
            raise TypeError(f"render_html: max_cases must be an int >= 0, got {max_cases!r}")
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
        for name in _ordered(self.metrics):
            if name.startswith("pass@"):
                return f"{name} {_value(name, self.metrics[name])}"
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


# --- wording and numbers ---------------------------------------------------------------------


def _esc(value: Any) -> str:
    """``value`` as HTML text: escaped, and never a string the page cannot be written with."""
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON's \\ud800: shown, not fatal
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return html.escape(text, quote=True)


def _code(text: str) -> str:
    """Code as HTML: hidden characters shown as escapes (layout kept), then escaped."""
    return _esc(escape_hidden(text, _LAYOUT))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _value(name: str, value: Any) -> str:
    """A metric as the JSON holds it: es on its 0..100 scale, the rest fractions 0..1."""
    if not _is_number(value):
        return "–"
    return f"{value:.1f}" if name == "es" else f"{value:.3f}"


def _delta(name: str, value: Any) -> str:
    if not _is_number(value):
        return "–"
    return f"{value:+.1f}" if name == "es" else f"{value:+.3f}"


def _higher_is_better(name: str) -> bool:
    # A check's metric is the share of samples failing it: less is better.
    return not name.startswith("check:")


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def _metric_key(name: str) -> tuple[int, float, str]:
    if name.startswith("pass@"):
        k = name[5:]
        return (0, float(k) if k.isdigit() else math.inf, name)
    order = {"em": 1, "es": 2}
    if name in order:
        return (order[name], 0.0, name)
    return (3 if name.startswith("check:") else 4, 0.0, name)


def _ordered(metrics: Mapping[str, Any]) -> list[str]:
    """Metric names in reading order: pass@k by k, em, es, the checks, anything else."""
    return sorted((str(name) for name in metrics), key=_metric_key)


def _headline_metrics(metrics: Mapping[str, Any]) -> list[str]:
    return [name for name in _ordered(metrics) if not name.startswith("check:")]


def _check_metrics(metrics: Mapping[str, Any]) -> list[str]:
    return [name for name in _ordered(metrics) if name.startswith("check:")]


def _count(value: Any) -> str:
    return f"{value:,}" if _is_number(value) else "–"


# --- the sections ----------------------------------------------------------------------------


def _header(data: _Report) -> str:
    counts = data.outcomes()
    parts = [
        f"{_count(data.totals.get('cases'))} cases",
        f"{_count(data.totals.get('samples'))} samples",
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
        f'<p class="meta" id="run">{_esc(" · ".join(parts))}</p>\n'
        f'<p class="meta">scored: <span id="scored">{_esc(scored)}</span> · '
        f"pass@k for k = {_esc(ks)}</p></header>\n"
    )


def _totals(data: _Report) -> str:
    names = _headline_metrics(data.metrics)
    if not names:
        return '<section id="totals"><h2>Scores</h2><p class="note">no scores</p></section>\n'
    cards = "".join(
        f'<div class="card"><div class="name">{_esc(name)}</div>'
        f'<div class="value" data-metric="{_esc(name)}">{_value(name, data.metrics[name])}'
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
    if data.gate is None:
        return ""
    passed = bool(data.gate.get("passed"))
    status = (
        '<span class="status pass">gate passed</span>'
        if passed
        else '<span class="status fail">gate failed</span>'
    )
    failures = [
        _record(entry, f"gate.failures[{index}]")
        for index, entry in enumerate(_part(data.gate, "failures", list, [], "gate.failures"))
    ]
    rows = "".join(
        f'<tr><td class="mono">{_esc(failure.get("metric", ""))}</td>'
        f'<td class="num">{_value(str(failure.get("metric", "")), failure.get("value"))}</td>'
        f'<td class="mono">{_esc(failure.get("bound", ""))}</td>'
        f'<td class="mono">{_esc(", ".join(str(t) for t in failure.get("worst") or []))}</td>'
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
    rows = []
    for name in _ordered({**before, **data.metrics}):
        delta = deltas.get(name)
        if not _is_number(delta) and _is_number(before.get(name)):
            now = data.metrics.get(name)
            delta = now - before[name] if _is_number(now) else None
        css = ""
        if _is_number(delta) and delta:
            css = "better" if (delta > 0) == _higher_is_better(name) else "worse"
        rows.append(
            f'<tr data-metric="{_esc(name)}" data-change="{css}"><td class="mono">{_esc(name)}</td>'
            f'<td class="num">{_value(name, before.get(name))}</td>'
            f'<td class="num">{_value(name, data.metrics.get(name))}</td>'
            f'<td class="num {css}">{_delta(name, delta)}</td></tr>'
        )
    path = data.baseline.get("path")
    source = f" (<code>{_esc(path)}</code>)" if path else ""
    return (
        f'<section id="baseline"><h2>Against the baseline{source}</h2>'
        "<table><thead><tr><th>metric</th><th class=num>baseline</th>"
        "<th class=num>this run</th><th class=num>change</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>\n"
    )


def _per_file(data: _Report) -> str:
    if not data.files:
        return ""
    names = _headline_metrics(data.metrics) or sorted(
        {n for f in data.files for n in _headline_metrics(f.get("metrics") or {})}, key=_metric_key
    )
    checks = _check_metrics(data.metrics)
    head = "".join(f"<th class=num>{_esc(name)}</th>" for name in names)
    rows = []
    for entry in data.files:
        metrics = _part(entry, "metrics", dict, {}, "files[].metrics")
        cells = "".join(
            f'<td class="num" data-metric="{_esc(n)}">{_value(n, metrics.get(n))}</td>'
            for n in names
        )
        failing = ", ".join(
            f"{name[6:]} {_percent(metrics[name])}"
            for name in checks
            if _is_number(metrics.get(name)) and metrics[name] > 0
        )
        rows.append(
            f'<tr><td class="mono">{_esc(entry.get("path", ""))}</td>'
            f'<td class="num">{_count(entry.get("cases"))}</td>'
            f'<td class="num">{_count(entry.get("samples"))}</td>{cells}'
            f"<td>{_esc(failing) or '–'}</td></tr>"
        )
    return (
        '<section id="files"><h2>Per file</h2><table><thead><tr><th>file</th>'
        f"<th class=num>cases</th><th class=num>samples</th>{head}<th>failing checks</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>\n"
    )


def _charts(data: _Report) -> str:
    per_check = [
        (name[6:], 1.0 - float(data.metrics[name]), "")
        for name in _check_metrics(data.metrics)
        if _is_number(data.metrics[name])
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
            f'<g data-label="{_esc(label)}"><title>{_esc(label)}: {_percent(fraction)}'
            f"{_esc(detail)}</title>"
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{_esc(shown)}</text>'
            f'<rect class="track" x="{label_width}" y="{y + 3}" width="{bar_width}" height="16"/>'
            f'<rect class="{tone}" x="{label_width}" y="{y + 3}" '
            f'width="{bar_width * fraction:.1f}" height="16"/>'
            f'<text x="{label_width + bar_width + 8}" y="{y + 15}">{_percent(fraction)}'
            f"{_esc(detail)}</text></g>"
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
                f'<tr><td class="mono">{_esc(entry.get("path", ""))}</td>'
                f'<td class="mono">{_esc(slow.get("task_id", ""))}</td>'
                f'<td class="num">{f"{seconds:.2f} s" if _is_number(seconds) else "–"}</td></tr>'
            )
    if not rows:
        return ""
    return (
        '<section id="slowest"><h2>Slowest cases</h2><table><thead><tr><th>file</th>'
        f"<th>task</th><th class=num>time</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></section>\n"
    )


def _failing(data: _Report) -> str:
    failing = data.failing()
    if not failing:
        note = "no failing cases" if data.items else "no per-item records were given"
        return (
            f'<section id="failures"><h2>Failing cases</h2><p class="note">{note}</p></section>\n'
        )
    shown = failing[: data.max_cases]
    note = ""
    if len(shown) < len(failing):
        where = f" in <code>{_esc(data.items_name)}</code>" if data.items_name else ""
        note = (
            f'<p class="note" id="cases-cut">showing the first {len(shown):,} of '
            f"{plural(len(failing), 'failing case')}; every item is{where}</p>"
        )
    cases = "".join(_case(item, data.several_samples) for item in shown)
    return (
        f'<section id="failures"><h2>Failing cases ({len(failing):,})</h2>{note}'
        '<div class="toolbar"><input id="case-filter" type="search" '
        'placeholder="filter: task id, file, check, words of the failure" '
        'aria-label="filter failing cases">'
        '<button type="button" id="expand-all">expand all</button>'
        '<button type="button" id="collapse-all">collapse all</button>'
        f'<span class="meta" id="case-count">{len(shown):,} of {len(shown):,} shown</span></div>'
        f'<div id="case-list">{cases}</div>'
        '<p class="legend">The completion is <span class="hole">marked</span> between the end '
        "of the prompt and the start of the suffix.</p></section>\n"
    )


def _case(item: Mapping[str, Any], several_samples: set[str]) -> str:
    outcome = str(item.get("outcome", ""))
    task = str(item.get("task_id") or item.get("nodeid") or "")
    sample = item.get("sample")
    checks = [str(name) for name in item.get("checks_failed") or []]
    failure = _clip(str(item.get("failure") or ""))
    search = " ".join([task, str(item.get("file", "")), outcome, *checks, failure]).lower()
    badges = f'<span class="badge {_esc(outcome)}">{_esc(outcome)}</span>' + "".join(
        f'<span class="badge check">{_esc(name)}</span>' for name in checks
    )
    if _is_number(sample) and str(item.get("task_id")) in several_samples:
        task += f" · sample {sample}"
    facts = _case_facts(item)
    reference = item.get("canonical_solution")
    expected = (
        f"<h3>Reference middle</h3><pre>{_clipped_code(reference)}</pre>"
        if isinstance(reference, str)
        else ""
    )
    return (
        f'<details class="case" data-search="{_esc(search)}">'
        f'<summary><span class="mono">{_esc(task)}</span>{badges}</summary>'
        f'<div class="body"><p class="meta">{_esc(item.get("nodeid", ""))}{facts}</p>'
        f'<h3>Why it failed</h3><pre class="failure">{_esc(failure) or "(no failure text)"}</pre>'
        f"<h3>The hole in context</h3>{_context(item)}{expected}</div></details>"
    )


def _case_facts(item: Mapping[str, Any]) -> str:
    facts = []
    if _is_number(item.get("edit_similarity")):
        facts.append(f"es {item['edit_similarity']:.1f}")
    if isinstance(item.get("exact_match"), bool):
        facts.append("exact match" if item["exact_match"] else "not an exact match")
    tests = item.get("passed_tests")
    if isinstance(tests, bool):
        facts.append("tests passed" if tests else "tests failed")
    if _is_number(item.get("seconds")):
        facts.append(f"{item['seconds']:.2f} s")
    return "".join(f" · {_esc(fact)}" for fact in facts)


def _context(item: Mapping[str, Any]) -> str:
    """Prompt tail, the completion marked, suffix head: the hole as the model saw it."""
    prompt = str(item.get("prompt") or "")
    suffix = str(item.get("suffix") or "")
    completion = item.get("completion")
    middle = completion if isinstance(completion, str) else ""
    above, cut_above = _tail_lines(prompt, LINES_ABOVE)
    below, cut_below = _head_lines(suffix, LINES_BELOW)
    hole = (
        f'<mark class="hole" title="completion">{_clipped_code(middle)}</mark>'
        if middle
        else '<mark class="hole empty" title="empty completion"></mark>'
    )
    return (
        "<pre class=context>"
        + (f'<span class="cut">… {plural(cut_above, "line")} above</span>\n' if cut_above else "")
        + _code(above)
        + hole
        + _code(below)
        + (f'\n<span class="cut">… {plural(cut_below, "line")} below</span>' if cut_below else "")
        + "</pre>"
    )


def _tail_lines(text: str, count: int) -> tuple[str, int]:
    """The last ``count`` lines of ``text`` (the one the hole sits in counts) and how many
    whole lines were left out."""
    lines = text.split("\n")
    kept = lines[-count:]
    tail = "\n".join(kept)
    if len(tail) > TEXT_LIMIT:
        tail = "…" + tail[-TEXT_LIMIT:]
    return tail, len(lines) - len(kept)


def _head_lines(text: str, count: int) -> tuple[str, int]:
    lines = text.split("\n")
    kept = lines[:count]
    head = "\n".join(kept)
    if len(head) > TEXT_LIMIT:
        head = head[:TEXT_LIMIT] + "…"
    return head, len(lines) - len(kept)


def _clip(text: str) -> str:
    if len(text) <= TEXT_LIMIT:
        return text
    return f"{text[:TEXT_LIMIT]}… [{len(text) - TEXT_LIMIT:,} more characters]"


def _clipped_code(text: str) -> str:
    """Code as HTML, cut at TEXT_LIMIT with the cut said outside the code."""
    if len(text) <= TEXT_LIMIT:
        return _code(text)
    return (
        f'{_code(text[:TEXT_LIMIT])}<span class="cut">… '
        f"{plural(len(text) - TEXT_LIMIT, 'more character')}</span>"
    )


def _footer(data: _Report) -> str:
    from pytest_fim import __version__

    records = f" Per-item records: <code>{_esc(data.items_name)}</code>." if data.items_name else ""
    return f'<footer class="meta"><p>Written by pytest-fim {__version__}.{records}</p></footer>\n'
