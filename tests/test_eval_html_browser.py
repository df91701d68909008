"""The HTML report in a real headless Chromium: it renders, shows the run's numbers, and logs
no errors.

The browser is the system's (tests/_browser.py drives it over the DevTools
pipe); without one every test here skips and says what to install.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _browser import Page, browser_or_skip, launch
from _eval_report import HOSTILE, item, known_items, known_report

from pytest_fim.eval import render_html


@pytest.fixture(scope="module")
def browser() -> Iterator[Page]:
    """One headless Chromium for the module (each test opens its own page in it)."""
    with launch(browser_or_skip()) as page:
        yield page


def show(page: Page, folder: Path, source: str, name: str = "report.html") -> None:
    path = folder / name
    path.write_text(source, encoding="utf-8")
    page.open(path.as_uri())


def visible_text(page: Page, selector: str) -> str:
    text = page.evaluate(f"document.querySelector({json.dumps(selector)}).innerText")
    return " ".join(str(text).split())


def test_the_known_run_renders_its_numbers_without_errors(browser: Page, tmp_path: Path) -> None:
    show(browser, tmp_path, render_html(known_report(), known_items()))
    assert browser.errors() == []
    assert browser.requests == [(tmp_path / "report.html").as_uri()]
    assert browser.evaluate("document.title") == "pytest-fim evaluation: pass@1 0.625"
    assert visible_text(browser, "#totals .cards") == "pass@1 0.625 pass@10 0.875 em 0.250 es 81.4"
    assert visible_text(browser, "#run") == (
        "12 cases · 24 samples · 2 passed, 3 failed, 1 error, 1 skipped"
    )
    assert "pass@1 0.625 >= 0.65 py/echo, py/syntax" in visible_text(browser, "#gate")
    assert "pass@1 0.700 0.625 -0.075" in visible_text(browser, "#baseline")
    labels = "Array.from(document.querySelectorAll('#chart-checks text')).map(t => t.textContent)"
    assert browser.evaluate(labels) == [
        *("markdown", "100.0%", "suffix_echo", "87.5%", "syntax", "95.8%"),
    ]


def test_the_chart_is_drawn(browser: Page, tmp_path: Path) -> None:
    show(browser, tmp_path, render_html(known_report(), known_items()))
    # The bars have their size on screen: the full track and the 87.5% bar in proportion.
    widths = browser.evaluate(
        "Array.from(document.querySelectorAll('#chart-checks rect'))"
        ".map(r => r.getBoundingClientRect().width)"
    )
    track, markdown, _, echo = widths[:4]
    assert track > 100
    assert markdown == pytest.approx(track, rel=0.01)
    assert echo == pytest.approx(0.875 * track, rel=0.01)


def test_a_hostile_completion_is_shown_not_run(browser: Page, tmp_path: Path) -> None:
    show(browser, tmp_path, render_html(known_report(), known_items()))
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.evaluate("document.querySelectorAll('img').length") == 0
    assert browser.evaluate("document.scripts.length") == 1
    holes = browser.evaluate(
        "Array.from(document.querySelectorAll('mark.hole')).map(m => m.textContent)"
    )
    assert HOSTILE in holes
    assert browser.errors() == []


def test_the_failing_cases_filter_and_open(browser: Page, tmp_path: Path) -> None:
    show(browser, tmp_path, render_html(known_report(), known_items()))
    assert visible_text(browser, "#case-count") == "4 of 4 shown"
    browser.evaluate(
        "(() => { const box = document.getElementById('case-filter'); box.value = 'syntax';"
        " box.dispatchEvent(new Event('input')); })()"
    )
    assert visible_text(browser, "#case-count") == "1 of 4 shown"
    shown = "Array.from(document.querySelectorAll('details.case')).filter(d => !d.hidden)"
    assert browser.evaluate(f"{shown}.map(d => d.querySelector('summary .mono').innerText)") == [
        "py/syntax"
    ]
    browser.evaluate("document.getElementById('expand-all').click()")
    assert browser.evaluate(f"{shown}.every(d => d.open)") is True
    # Only the shown case was opened; the filtered-out ones stay closed.
    assert browser.evaluate("document.querySelectorAll('details.case[open]').length") == 1
    browser.evaluate("document.getElementById('collapse-all').click()")
    assert browser.evaluate("document.querySelectorAll('details.case[open]').length") == 0
    assert browser.errors() == []


def test_a_run_of_thousands_renders_its_first_cases(browser: Page, tmp_path: Path) -> None:
    items = [item(f"t/{n}", "failed", failure=f"wrong {n}") for n in range(3000)]
    show(browser, tmp_path, render_html(known_report(), items))
    assert browser.evaluate("document.querySelectorAll('details.case').length") == 200
    assert visible_text(browser, "#cases-cut") == (
        "showing the first 200 of 3,000 failing cases; every item is in report.jsonl"
    )
    assert browser.errors() == []


def test_an_error_in_a_page_is_caught(browser: Page, tmp_path: Path) -> None:
    # The checks above can fail: an uncaught exception and a console error are reported.
    show(browser, tmp_path, "<p>x</p><script>console.error('said'); missing()</script>", "bad.html")
    assert [(m["kind"], m["level"]) for m in browser.errors()] == [
        ("console", "error"),
        ("exception", "error"),
    ]
    assert "missing is not defined" in browser.errors()[1]["text"]


def test_a_script_or_style_slipped_into_the_report_is_blocked_and_reported(
    browser: Page, tmp_path: Path
) -> None:
    # Defence in depth behind the escaping: the page's policy allows only its own.
    source = render_html(known_report(), [])
    slipped = "<script>window.__pwned = 1</script><style>body { display: none }</style>"
    show(browser, tmp_path, source.replace("</body>", slipped + "</body>"), "broken.html")
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.evaluate("getComputedStyle(document.body).display") == "block"
    blocked = [m["text"] for m in browser.errors() if "Content Security Policy" in m["text"]]
    assert len(blocked) == 2, browser.errors()


#: A run as a user makes it: three cases with references, one sample each, one of them
#: a completion wrapped in a markdown fence.
CASES = [
    {"task_id": "demo/add", "prompt": "def add(a, b):\n    return ", "suffix": "\n",
     "canonical_solution": "a + b"},
    {"task_id": "demo/mul", "prompt": "def mul(a, b):\n    return ", "suffix": "\n",
     "canonical_solution": "a * b"},
    {"task_id": "demo/neg", "prompt": "def neg(a):\n    return ", "suffix": "\n",
     "canonical_solution": "0 - a"},
]  # fmt: skip
SAMPLES = [
    {"task_id": "demo/add", "completion": "a + b"},
    {"task_id": "demo/mul", "completion": "```python\na * b\n```"},
    {"task_id": "demo/neg", "completion": "-a"},
]


def test_a_run_with_fim_eval_html_writes_the_page_the_browser_shows(
    browser: Page, pytester: pytest.Pytester
) -> None:
    pytester.makefile(".fim.jsonl", cases="\n".join(json.dumps(case) for case in CASES))
    pytester.makefile(".jsonl", samples="\n".join(json.dumps(sample) for sample in SAMPLES))
    result = pytester.runpytest_subprocess(
        "cases.fim.jsonl",
        "--fim-samples=samples.jsonl",
        "--fim-eval-report=report.json",
        "--fim-eval-html=report.html",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=2, failed=1)
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    browser.open((pytester.path / "report.html").as_uri())
    assert browser.errors() == []
    metrics = report["totals"]["metrics"]
    shown = browser.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('#totals [data-metric]'))"
        ".map(e => [e.dataset.metric, e.textContent]))"
    )
    assert shown == {
        name: f"{value:.1f}" if name == "es" else f"{value:.3f}"
        for name, value in metrics.items()
        if not name.startswith("check:")
    }
    # The run's own numbers: 2 of 3 fills pass, 1 of 3 is the reference exactly.
    assert (shown["pass@1"], shown["em"]) == ("0.667", "0.333")
    assert visible_text(browser, "#run") == "3 cases · 3 samples · 2 passed, 1 failed"
    bars = browser.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('#chart-checks g'))"
        ".map(g => [g.dataset.label, g.querySelectorAll('text')[1].textContent]))"
    )
    assert bars["markdown"] == f"{100 * (1 - metrics['check:markdown']):.1f}%" == "66.7%"
    assert browser.evaluate("document.querySelectorAll('details.case').length") == 1
    assert visible_text(browser, "details.case summary").startswith("demo/mul failed markdown")
    hole = browser.evaluate("document.querySelector('mark.hole').textContent")
    assert hole == "```python\na * b\n```"
