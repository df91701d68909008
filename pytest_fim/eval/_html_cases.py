"""The HTML report's failing cases: each hole shown in context, and why it failed.

A case shows the end of its prompt, the completion marked, and the start of
its suffix, as the model saw the hole; long texts are cut with the cut said
outside the code, so a page of thousands of failures stays small.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_fim._text import plural
from pytest_fim.eval._html_text import code, esc, is_number

__all__ = ["failing_section"]

#: Lines of the prompt shown above a hole, and of the suffix below it.
LINES_ABOVE = 12
LINES_BELOW = 8
#: Longest any one piece of a case (prompt tail, completion, failure text) may run.
TEXT_LIMIT = 4000


def failing_section(
    failing: Sequence[Mapping[str, Any]],
    *,
    any_items: bool,
    max_cases: int,
    items_name: str,
    several_samples: set[str],
) -> str:
    """The "Failing cases" section: the first ``max_cases`` of ``failing``, a note on the rest.

    ``several_samples`` names the tasks with more than one sample (their cases
    say which sample); ``items_name`` is the JSONL file that holds every item.
    """
    if not failing:
        note = "no failing cases" if any_items else "no per-item records were given"
        return (
            f'<section id="failures"><h2>Failing cases</h2><p class="note">{note}</p></section>\n'
        )
    shown = failing[:max_cases]
    note = ""
    if len(shown) < len(failing):
        where = f" in <code>{esc(items_name)}</code>" if items_name else ""
        note = (
            f'<p class="note" id="cases-cut">showing the first {len(shown):,} of '
            f"{plural(len(failing), 'failing case')}; every item is{where}</p>"
        )
    cases = "".join(_case(item, several_samples) for item in shown)
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
    checks = [str(name) for name in item.get("checks_failed") or []]
    failure = str(item.get("failure") or "")
    if len(failure) > TEXT_LIMIT:
        failure = f"{failure[:TEXT_LIMIT]}… [{len(failure) - TEXT_LIMIT:,} more characters]"
    search = " ".join([task, str(item.get("file", "")), outcome, *checks, failure]).lower()
    # Spaces between the badges: copied or read aloud, the summary stays words.
    badges = f' <span class="badge {esc(outcome)}">{esc(outcome)}</span>' + "".join(
        f' <span class="badge check">{esc(name)}</span>' for name in checks
    )
    if is_number(item.get("sample")) and str(item.get("task_id")) in several_samples:
        task += f" · sample {item['sample']}"
    reference = item.get("canonical_solution")
    expected = (
        f"<h3>Reference middle</h3><pre>{_clipped_code(reference)}</pre>"
        if isinstance(reference, str)
        else ""
    )
    return (
        f'<details class="case" data-search="{esc(search)}">'
        f'<summary><span class="mono">{esc(task)}</span>{badges}</summary>'
        f'<div class="body"><p class="meta">{esc(item.get("nodeid", ""))}{_facts(item)}</p>'
        f'<h3>Why it failed</h3><pre class="failure">{esc(failure) or "(no failure text)"}</pre>'
        f"<h3>The hole in context</h3>{_context(item)}{expected}</div></details>"
    )


def _facts(item: Mapping[str, Any]) -> str:
    facts = []
    if is_number(item.get("edit_similarity")):
        facts.append(f"es {item['edit_similarity']:.1f}")
    if isinstance(item.get("exact_match"), bool):
        facts.append("exact match" if item["exact_match"] else "not an exact match")
    tests = item.get("passed_tests")
    if isinstance(tests, bool):
        facts.append("tests passed" if tests else "tests failed")
    if is_number(item.get("seconds")):
        facts.append(f"{item['seconds']:.2f} s")
    return "".join(f" · {esc(fact)}" for fact in facts)


def _context(item: Mapping[str, Any]) -> str:
    """Prompt tail, the completion marked, suffix head: the hole as the model saw it."""
    completion = item.get("completion")
    middle = completion if isinstance(completion, str) else ""
    hole = (
        f'<mark class="hole" title="completion">{_clipped_code(middle)}</mark>'
        if middle
        else '<mark class="hole empty" title="empty completion"></mark>'
    )
    return (
        f"<pre class=context>{_above(str(item.get('prompt') or ''))}{hole}"
        f"{_below(str(item.get('suffix') or ''))}</pre>"
    )


def _above(prompt: str) -> str:
    """The prompt's last LINES_ABOVE lines (the hole's own line counts), the cut said first."""
    lines = prompt.split("\n")
    kept = "\n".join(lines[-LINES_ABOVE:])
    cut = ""
    if len(lines) > LINES_ABOVE:
        cut = f'<span class="cut">… {plural(len(lines) - LINES_ABOVE, "line")} above</span>\n'
    if len(kept) > TEXT_LIMIT:
        kept = kept[-TEXT_LIMIT:]
        cut += '<span class="cut">…</span>'
    return cut + code(kept)


def _below(suffix: str) -> str:
    """The suffix's first LINES_BELOW lines, the cut said last."""
    lines = suffix.split("\n")
    kept = "\n".join(lines[:LINES_BELOW])
    cut = ""
    if len(kept) > TEXT_LIMIT:
        kept = kept[:TEXT_LIMIT]
        cut = '<span class="cut">…</span>'
    if len(lines) > LINES_BELOW:
        cut += f'\n<span class="cut">… {plural(len(lines) - LINES_BELOW, "line")} below</span>'
    return code(kept) + cut


def _clipped_code(text: str) -> str:
    """Code as HTML, cut at TEXT_LIMIT with the cut said outside the code."""
    if len(text) <= TEXT_LIMIT:
        return code(text)
    return (
        f'{code(text[:TEXT_LIMIT])}<span class="cut">… '
        f"{plural(len(text) - TEXT_LIMIT, 'more character')}</span>"
    )
