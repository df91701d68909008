"""The evaluation's HTML report: render_html on reports built by hand per the contract.

The page is parsed back (the standard library's HTML parser) and checked for
what a reader sees: the numbers, the hole in context, the failures, and that
no text from a run turns into markup. tests/test_eval_html_browser.py opens
the same pages in a real browser.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from _eval_report import HOSTILE, HOSTILE_FILE, PROMPT, SUFFIX, item, known_items, known_report

from pytest_fim.eval import render_html

VOID = {"meta", "link", "input", "br", "img", "hr"}


class Element:
    """One parsed element: its tag, attributes and all the text inside it."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.text = ""

    def within(self, ancestor: Element) -> bool:
        parent = self.parent
        while parent is not None and parent is not ancestor:
            parent = parent.parent
        return parent is ancestor

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()


class Page(HTMLParser):
    """Every element of a page with the text inside it (nested text counts for each)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self._open[-1] if self._open else None)
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs), self._open[-1] if self._open else None))

    def handle_endtag(self, tag: str) -> None:
        assert self._open and self._open[-1].tag == tag, f"</{tag}> closes {self._open[-1:]}"
        self._open.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def find(
        self, tag: str | None = None, within: Element | None = None, **attrs: str
    ) -> list[Element]:
        """The elements with this tag (any when None) whose attributes hold these values
        (``class_`` matches one of the classes), inside ``within`` when given."""
        found = []
        for element in self.elements:
            if tag is not None and element.tag != tag:
                continue
            if within is not None and not element.within(within):
                continue
            wanted = dict(attrs)
            css = wanted.pop("class_", None)
            if css is not None and css not in element.classes():
                continue
            if all(
                element.attrs.get(key.replace("_", "-")) == value for key, value in wanted.items()
            ):
                found.append(element)
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"{len(found)} elements match {tag} {attrs}"
        return found[0]

    def by_id(self, ident: str) -> Element:
        return self.one(id=ident)

    def words(self, element: Element) -> str:
        """The texts of ``element``'s innermost elements (table cells, badges), space-separated."""
        inner = [e for e in self.elements if e.within(element)]
        leaves = [e for e in inner if not any(other.parent is e for other in inner)]
        return " ".join(" ".join(e.text.split()) for e in leaves if e.text.strip())

    def rows(self, within: Element | None = None) -> list[str]:
        """Each table row inside ``within`` (the whole page when None) as its cells' words."""
        return [self.words(row) for row in self.find("tr", within=within)]


@pytest.fixture
def page() -> Page:
    return Page(render_html(known_report(), known_items()))


def section_text(page: Page, ident: str) -> str:
    return " ".join(page.by_id(ident).text.split())


# --- the numbers -----------------------------------------------------------------------------


def test_the_totals_show_each_score_as_the_report_holds_it(page: Page) -> None:
    shown = {
        element.attrs["data-metric"]: element.text
        for element in page.find(within=page.by_id("totals"))
        if "data-metric" in element.attrs
    }
    assert shown == {"pass@1": "0.625", "pass@10": "0.875", "em": "0.250", "es": "81.4"}


def test_the_header_counts_cases_samples_and_outcomes(page: Page) -> None:
    assert section_text(page, "run") == (
        "12 cases · 24 samples · 2 passed, 3 failed, 1 error, 1 skipped"
    )
    assert page.by_id("scored").text == "fills_hole, passes_tests"


def test_the_title_names_the_first_pass_at_k(page: Page) -> None:
    assert page.find("title")[0].text == "pytest-fim evaluation: pass@1 0.625"


def test_each_file_has_its_row_with_its_scores_and_failing_checks(page: Page) -> None:
    assert page.rows(page.by_id("files"))[1:] == [
        "evals/py.fim.jsonl 8 16 0.688 1.000 0.312 84.0 suffix_echo 12.5%",
        f"{HOSTILE_FILE} 4 8 0.500 0.500 0.125 76.2 suffix_echo 12.5%, syntax 12.5%",
    ]


def test_the_gate_says_it_failed_with_metric_value_bound_and_worst_cases(page: Page) -> None:
    assert "gate failed" in page.by_id("gate").text
    assert page.rows(page.by_id("gate")) == [
        "metric value bound worst cases",
        "pass@1 0.625 >= 0.65 py/echo, py/syntax",
    ]


def test_a_passing_gate_says_so_and_no_gate_shows_no_section() -> None:
    report = known_report()
    report["gate"] = {"passed": True, "failures": []}
    assert "gate passed" in Page(render_html(report, [])).by_id("gate").text
    report["gate"] = None
    assert not Page(render_html(report, [])).find(id="gate")
    report["gate"] = {"passed": True, "bounds": [], "failures": []}
    assert not Page(render_html(report, [])).find(id="gate")
    report["gate"] = {"passed": True, "bounds": ["pass@1 >= 0.5", "es > 70"], "failures": []}
    text = Page(render_html(report, [])).by_id("gate").text
    assert "gate passed" in text and "every bound held: pass@1 >= 0.5, es > 70" in text


def test_the_baseline_table_marks_drops_and_gains_by_what_is_better() -> None:
    page = Page(render_html(known_report(), known_items()))
    rows = {row.attrs["data-metric"]: row for row in page.find("tr") if "data-metric" in row.attrs}
    assert page.words(rows["pass@1"]) == "pass@1 0.700 0.625 -0.075"
    assert page.words(rows["es"]) == "es 80.0 81.4 +1.4"
    changes = {name: row.attrs["data-change"] for name, row in rows.items()}
    # pass@1 fell: worse; es rose: better; a check's failure rate rose: worse.
    assert changes["pass@1"] == "worse"
    assert changes["es"] == "better"
    assert changes["check:suffix_echo"] == "worse"
    assert changes["em"] == ""
    # A metric the baseline did not have shows a dash, not a made-up number.
    assert page.words(rows["pass@10"]) == "pass@10 – 0.875 –"
    assert "previous.json" in page.by_id("baseline").text


def test_a_baseline_metric_this_run_does_not_compute_says_so() -> None:
    report = known_report()
    report["baseline"]["metrics"]["pass@100"] = 0.9
    report["baseline"]["not_compared"] = ["pass@100"]
    page = Page(render_html(report, []))
    rows = {row.attrs["data-metric"]: row for row in page.find("tr") if "data-metric" in row.attrs}
    assert page.words(rows["pass@100"]) == "pass@100 0.900 – not in this run"


def test_without_deltas_the_change_is_computed_from_the_two_sets_of_metrics() -> None:
    report = known_report()
    del report["baseline"]["deltas"]
    page = Page(render_html(report, []))
    assert "pass@1 0.700 0.625 -0.075" in page.rows(page.by_id("baseline"))


def test_no_baseline_no_section() -> None:
    report = known_report()
    report["baseline"] = None
    assert not Page(render_html(report, [])).find(id="baseline")


def test_the_chart_has_a_bar_per_check_and_per_file(page: Page) -> None:
    checks = page.by_id("chart-checks")
    labels = [g.attrs["data-label"] for g in page.find("g") if g.attrs.get("data-label")]
    assert labels == ["markdown", "suffix_echo", "syntax", "evals/py.fim.jsonl", HOSTILE_FILE]
    assert "87.5%" in checks.text  # suffix_echo: 12.5% of samples fail it
    files = page.by_id("chart-files")
    # py.fim.jsonl: 2 of 5 items passed (the skipped one left out); the other file's one errored.
    assert "40.0% (2/5)" in files.text
    assert "0.0% (0/1)" in files.text


def test_the_bar_lengths_are_the_rates() -> None:
    page = Page(render_html(known_report(), known_items()))
    widths = [
        float(rect.attrs["width"] or 0)
        for rect in page.find("rect")
        if "track" not in rect.classes()
    ]
    track = float(page.find("rect", class_="track")[0].attrs["width"] or 0)
    assert [round(width / track, 3) for width in widths] == [1.0, 0.875, 0.958, 0.4, 0.0]


def test_the_slowest_cases_are_listed(page: Page) -> None:
    assert page.rows(page.by_id("slowest")) == [
        "file task time",
        "evals/py.fim.jsonl py/slow 2.50 s",
        "evals/py.fim.jsonl py/3 0.75 s",
    ]


# --- the failing cases -----------------------------------------------------------------------


def test_every_failing_case_is_shown_and_no_passing_one(page: Page) -> None:
    summaries = [page.words(s) for s in page.find("summary")]
    assert summaries == [
        "py/echo failed suffix_echo",
        "py/syntax failed syntax",
        "py/bidi failed",
        "py/hang error",
    ]
    assert "Failing cases (4)" in page.by_id("failures").text


def test_the_hole_is_marked_between_prompt_and_suffix(page: Page) -> None:
    case = page.find("details")[0]
    context = page.find("pre", class_="context")[0]
    assert context.text == PROMPT + "a + b\n    return total" + SUFFIX
    marks = page.find("mark", class_="hole")
    assert marks[0].text == "a + b\n    return total"
    assert "the middle ends with the suffix's first line" in case.text
    assert "Reference middle" in case.text


def test_the_failure_text_is_shown_as_written(page: Page) -> None:
    failures = [pre.text for pre in page.find("pre", class_="failure")]
    assert failures[0] == (
        "the completion repeats the code after the hole\n"
        "  suffix_echo: the middle ends with the suffix's first line `return total`"
    )
    assert failures[1] == "the completion does not parse: invalid syntax <here>"


def test_an_empty_completion_is_marked_as_empty() -> None:
    page = Page(render_html(known_report(), known_items()))
    empty = page.one("mark", class_="empty")
    assert empty.text == ""
    assert empty.attrs["title"] == "empty completion"


def test_a_case_with_several_samples_names_the_sample() -> None:
    items = [
        item("t/1", "failed", sample=0),
        item("t/1", "failed", sample=1),
        item("t/2", "failed"),
    ]
    page = Page(render_html(known_report(), items))
    summaries = [page.words(s) for s in page.find("summary")]
    assert summaries == ["t/1 · sample 0 failed", "t/1 · sample 1 failed", "t/2 failed"]


def test_a_long_prompt_and_suffix_are_cut_to_the_lines_around_the_hole() -> None:
    prompt = "".join(f"line {n}\n" for n in range(100)) + "    x = "
    suffix = "".join(f"\nafter {n}" for n in range(50))
    page = Page(render_html(known_report(), [item("t", "failed", prompt=prompt, suffix=suffix)]))
    context = page.find("pre", class_="context")[0].text
    assert context.startswith("… 89 lines above\nline 89\n")
    assert "line 88" not in context
    assert context.endswith("after 6\n… 43 lines below")


def test_a_huge_completion_is_cut_with_a_note() -> None:
    page = Page(render_html(known_report(), [item("t", "failed", completion="x" * 100_000)]))
    mark = page.one("mark", class_="hole")
    assert mark.text.startswith("x" * 4000 + "… 96,000 more characters")


# --- nothing from a run becomes markup ------------------------------------------------------


def test_a_completion_cannot_inject_markup_or_script() -> None:
    source = render_html(known_report(), known_items())
    page = Page(source)
    assert [e.tag for e in page.elements].count("script") == 1
    assert not page.find("img")
    assert not page.find("b")
    hostile = page.find("mark", class_="hole")[1]
    assert hostile.text == HOSTILE
    assert HOSTILE_FILE in page.by_id("files").text


def test_hidden_characters_in_code_are_shown_as_escapes(page: Page) -> None:
    bidi = page.find("mark", class_="hole")[2]
    assert bidi.text == "a \\u202e+ b"
    assert "\u202e" not in render_html(known_report(), known_items())


@pytest.mark.parametrize("tag", ["script", "style"])
def test_the_one_script_and_style_sheet_are_the_ones_the_policy_allows(tag: str) -> None:
    source = render_html(known_report(), known_items())
    policy = Page(source).one("meta", http_equiv="Content-Security-Policy").attrs["content"] or ""
    assert "default-src 'none'" in policy
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", source, re.S)
    assert len(found) == 1
    digest = base64.b64encode(hashlib.sha256(found[0].encode()).digest()).decode()
    assert f"{tag}-src 'sha256-{digest}'" in policy


def test_the_page_loads_nothing_from_anywhere() -> None:
    page = Page(render_html(known_report(), known_items()))
    for element in page.elements:
        for name in ("src", "href"):
            value = element.attrs.get(name)
            assert value is None or value.startswith("data:"), (element.tag, name, value)


def test_a_lone_surrogate_does_not_stop_the_page_from_being_written() -> None:
    source = render_html(known_report(), [item("t", "failed", completion="a\ud800b")])
    source.encode("utf-8")
    assert "a\\ud800b" in Page(source).one("mark", class_="hole").text


# --- large runs ------------------------------------------------------------------------------


def test_thousands_of_failures_show_the_first_few_hundred_and_say_so() -> None:
    prompt = "".join(f"    line {n} = {n} * 2\n" for n in range(200))
    items = [
        item(f"t/{n}", "failed", prompt=prompt, failure="wrong\n" * 50, checks_failed=["syntax"])
        for n in range(5000)
    ]
    source = render_html(known_report(), items)
    page = Page(source)
    assert len(page.find("details", class_="case")) == 200
    assert section_text(page, "cases-cut") == (
        "showing the first 200 of 5,000 failing cases; every item is in report.jsonl"
    )
    assert "Failing cases (5,000)" in page.by_id("failures").text
    assert len(source) < 1_000_000


def test_max_cases_sets_how_many_are_shown() -> None:
    items = [item(f"t/{n}", "failed") for n in range(30)]
    assert len(Page(render_html(known_report(), items, max_cases=7)).find("details")) == 7
    assert len(Page(render_html(known_report(), items, max_cases=0)).find("details")) == 0


def test_no_failing_cases_says_so() -> None:
    page = Page(render_html(known_report(), [item("a"), item("b")]))
    assert "no failing cases" in page.by_id("failures").text
    assert "no per-item records" in Page(render_html(known_report(), [])).by_id("failures").text


def test_a_minimal_report_renders() -> None:
    page = Page(render_html({"format": "pytest-fim-eval/1"}, []))
    assert "no scores" in page.by_id("totals").text


# --- bad arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "items", "message"),
    [
        ([], [], "report must be the JSON report as a dict, got list"),
        ({}, "items.jsonl", "items must be a list of per-item records \\(dicts\\), got str"),
        ({}, {"task_id": "x"}, "items must be a list .*got dict"),
        ({}, 3, "items must be a list .*got int"),
    ],
)
def test_the_wrong_kind_of_argument_is_a_type_error(report: Any, items: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        render_html(report, items)


@pytest.mark.parametrize("max_cases", [2.5, True, "10"])
def test_max_cases_must_be_an_int(max_cases: Any) -> None:
    with pytest.raises(TypeError, match="max_cases must be an int >= 0, got"):
        render_html({}, [], max_cases=max_cases)


def test_max_cases_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="max_cases must be an int >= 0, got -1"):
        render_html({}, [], max_cases=-1)


def broken(change: dict[str, Any]) -> dict[str, Any]:
    report = copy.deepcopy(known_report())
    report.update(change)
    return report


@pytest.mark.parametrize(
    ("report", "items", "message"),
    [
        (broken({"format": "other/2"}), [], "format 'other/2' is not supported; expected"),
        (broken({"totals": [1]}), [], "report totals must be an object, got list"),
        (broken({"totals": {"metrics": [0.5]}}), [], "report totals.metrics must be an object"),
        (broken({"files": {"a": 1}}), [], "report files must be a list, got dict"),
        (broken({"files": ["a.jsonl"]}), [], r"files\[0\] must be an object, got str"),
        (broken({"gate": {"failures": 3}}), [], "report gate.failures must be a list, got int"),
        (known_report(), [item("a"), "b"], r"items\[1\] must be an object, got str: 'b'"),
    ],
)
def test_a_report_of_the_wrong_shape_is_a_value_error(
    report: dict[str, Any], items: list[Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        render_html(report, items)
