"""Evaluation suites: *.fim.jsonl cases collected, scored, summarised, reported and gated."""

from __future__ import annotations

import gzip
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from _support import jsonl

from pytest_fim import assert_fills_hole
from pytest_fim.eval import build_report, pass_at_k

ADD = {
    "task_id": "add",
    "prompt": "def add(a, b):\n",
    "suffix": "\n\nprint(add(1, 2))\n",
    "canonical_solution": "    return a + b\n",
    "test": "def check(f):\n    assert f(1, 2) == 3\n",
    "entry_point": "add",
}
MUL = {
    "task_id": "mul",
    "prompt": "def mul(a, b):\n",
    "suffix": "\n",
    "canonical_solution": "    return a * b\n",
    "test": "def check(f):\n    assert f(2, 3) == 6\n",
    "entry_point": "mul",
}


def complete_with(pytester: pytest.Pytester, answers: dict[str, Any]) -> None:
    """A conftest whose fim_complete answers from a table (a str, or a list per sample)."""
    pytester.makeconftest(
        f"""
        import pytest

        ANSWERS = {answers!r}

        @pytest.fixture
        def fim_complete():
            def complete(case):
                answer = ANSWERS[case["task_id"]]
                return answer[case["sample"]] if isinstance(answer, list) else answer
            return complete
        """
    )


# ------------------------------------------------------------------ pass@k


@pytest.mark.parametrize(
    ("n", "c", "k"), [(1, 0, 1), (1, 1, 1), (5, 2, 1), (10, 3, 5), (20, 0, 10)]
)
def test_pass_at_k_is_the_unbiased_estimator(n: int, c: int, k: int) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(1 - math.comb(n - c, k) / math.comb(n, k))


def test_pass_at_k_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="n=2 c=3 k=1"):
        pass_at_k(2, 3, 1)


def test_build_report_scores_records() -> None:
    def record(task: str, outcome: str, es: float, checks: list[str]) -> dict[str, Any]:
        return {
            "file": "a.fim.jsonl",
            "task_id": task,
            "outcome": outcome,
            "seconds": 0.1,
            "exact_match": es == 100.0,
            "edit_similarity": es,
            "checks_failed": checks,
        }

    records = [
        record("t1", "passed", 100.0, []),
        record("t1", "failed", 50.0, ["syntax"]),
        record("t2", "failed", 0.0, ["syntax", "scope"]),
        record("t2", "failed", 50.0, []),
    ]
    report = build_report(
        records, k_values=(1, 2), scored=["fills_hole"], checks=["syntax", "scope"]
    )
    metrics = report["totals"]["metrics"]
    assert metrics["pass@1"] == pytest.approx(0.25)  # (1/2 + 0/2) / 2
    assert metrics["pass@2"] == pytest.approx(0.5)
    assert metrics["em"] == pytest.approx(0.25)
    assert metrics["es"] == pytest.approx(50.0)
    assert metrics["check:syntax"] == pytest.approx(0.5)
    assert metrics["check:scope"] == pytest.approx(0.25)
    assert report["totals"]["cases"] == 2 and report["totals"]["samples"] == 4


# ------------------------------------------------------------------ collection


def test_one_item_per_case_and_per_sample(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD, MUL))
    samples = pytester.makefile(
        ".jsonl",
        samples=jsonl(
            {"task_id": "add", "completion": "    return a + b\n"},
            {"task_id": "add", "completion": "    return a - b\n"},
            {"task_id": "mul", "completion": "    return a * b\n"},
        ),
    )
    result = pytester.runpytest("--collect-only", "-q", f"--fim-samples={samples}")
    result.stdout.fnmatch_lines(["cases.fim.jsonl::add[[]0]", "cases.fim.jsonl::add[[]1]"])
    result.stdout.fnmatch_lines(["cases.fim.jsonl::mul", "3 tests collected*"])


def test_gzipped_case_files_are_collected(pytester: pytest.Pytester) -> None:
    path = pytester.path / "cases.fim.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as sink:
        sink.write(jsonl(ADD, MUL))
    complete_with(pytester, {"add": "    return a + b\n", "mul": "    return a * b\n"})
    pytester.runpytest().assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([ADD, "not json"], "cases.fim.jsonl:2: not JSON (Expecting value at column 1)"),
        ([ADD, {"task_id": "x", "prompt": "p"}], "cases.fim.jsonl:2: missing suffix*"),
        ([{**ADD, "prompt": 3}], "cases.fim.jsonl:1: prompt must be a string, got int"),
        ([ADD, MUL, ADD], "cases.fim.jsonl:3: task_id 'add' repeats line 1"),
        (
            [MUL, {**ADD, "checks": ["syntax", "sintax"]}],
            "cases.fim.jsonl:2:*unknown check 'sintax'*",
        ),
        ([{**ADD, "language": "cobol"}], "cases.fim.jsonl:1:*unknown language 'cobol'*"),
        ([{"fim_eval": {"scores": ["x"]}}, ADD], "cases.fim.jsonl:1: unknown header setting*"),
        ([{"fim_eval": {"score": "passes"}}, ADD], "cases.fim.jsonl:1: score: unknown score*"),
        (["[1, 2]"], "cases.fim.jsonl:1: a case must be a JSON object, got list"),
    ],
)
def test_a_malformed_line_is_a_collection_error_naming_it(
    pytester: pytest.Pytester, lines: list[Any], expected: str
) -> None:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    pytester.makefile(".fim.jsonl", cases=text)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*ERROR collecting cases.fim.jsonl*", expected])
    result.stdout.no_fnmatch_line("*Traceback*")


# ------------------------------------------------------------------ completion sources


def test_without_a_completion_source_items_say_how_to_provide_one(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD))
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*no completions to score: define a fixture fim_complete in conftest.py*--fim-samples*"]
    )


def test_fim_complete_may_return_a_response(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD, MUL))
    pytester.makeconftest(
        """
        import pytest
        from pytest_fim import make_fim_response

        @pytest.fixture
        def fim_complete():
            def complete(case):
                if case["task_id"] == "add":
                    return make_fim_response("    return a + b\\n", seed=1)
                return make_fim_response("    return a *", finish_reason="length", seed=2)
            return complete
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*truncated*"])


def test_a_completion_that_is_no_completion_fails_the_item_saying_what_it_got(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD, MUL))
    complete_with(pytester, {"add": 42, "mul": {"id": "x"}})
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*the completion source gave no completion: a completion must be its text*got int 42",
            "*invalid FIM completion response*",
        ]
    )


def test_a_task_missing_from_the_samples_file_fails(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD, MUL))
    samples = pytester.makefile(".jsonl", samples=jsonl({"task_id": "add", "completion": "x"}))
    result = pytester.runpytest(f"--fim-samples={samples}", "--fim-eval-score=matches_reference")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*no sample for task 'mul' in *samples.jsonl*"])


def test_a_bad_samples_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD))
    samples = pytester.makefile(".jsonl", samples='{"task_id": "add"}\n')
    result = pytester.runpytest(f"--fim-samples={samples}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*samples.jsonl:1: a sample must be an object with task_id*"])


# ------------------------------------------------------------------ what is scored


def test_fills_hole_fails_with_the_text_assert_fills_hole_gives(
    pytester: pytest.Pytester,
) -> None:
    echo = "    return a + b\n\n\nprint(add(1, 2))\n"
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD))
    complete_with(pytester, {"add": echo})
    with pytest.raises(AssertionError) as raised:
        assert_fills_hole(ADD["prompt"], echo, ADD["suffix"], reference=ADD["canonical_solution"])
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    expected = str(raised.value).split("\n")
    assert expected[0].startswith("the completion does not fit the hole")
    result.stdout.fnmatch_lines([re.sub(r"([\[\]*?])", r"[\1]", line) for line in expected])


def test_the_header_skips_checks_and_the_case_narrows_them(pytester: pytest.Pytester) -> None:
    echo = "    return a + b\n\n\nprint(add(1, 2))\n"
    pytester.makefile(
        ".fim.jsonl",
        skip=jsonl({"fim_eval": {"skip": ["suffix_echo", "scope"]}}, ADD),
        narrow=jsonl({**ADD, "checks": ["syntax"]}),
    )
    complete_with(pytester, {"add": echo})
    pytester.runpytest().assert_outcomes(passed=2)


def test_passes_tests_runs_the_program_and_fails_with_its_output(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD, MUL))
    complete_with(pytester, {"add": "    return a + b\n", "mul": "    return a + b\n"})
    result = pytester.runpytest("--fim-eval-score=passes_tests", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*passes_tests runs model-written code*",
            "*the joined program fails its tests (exit status 1):",
            "*assert f(2, 3) == 6",
            "*AssertionError",
        ]
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_hung_or_crashing_program_fails_its_item_and_the_run_goes_on(
    pytester: pytest.Pytester, workers: str
) -> None:
    header = {"fim_eval": {"score": ["passes_tests"], "timeout": 1}}
    hang = {**ADD, "task_id": "hang", "test": "while True:\n    pass\n"}
    crash = {**ADD, "task_id": "crash", "test": "import os\nos.abort()\n"}
    pytester.makefile(".fim.jsonl", cases=jsonl(header, hang, crash, ADD))
    complete_with(
        pytester, {"hang": "    pass\n", "crash": "    pass\n", "add": ADD["canonical_solution"]}
    )
    result = pytester.runpytest(f"--fim-eval-workers={workers}")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*the joined program did not finish within 1.0 s*",
            "*the joined program fails its tests (exit status -6)*",
        ]
    )


def test_matches_reference_takes_the_mode_from_the_header(pytester: pytest.Pytester) -> None:
    header = {"fim_eval": {"score": "matches_reference", "reference": "edit_similarity:90"}}
    pytester.makefile(".fim.jsonl", cases=jsonl(header, ADD, MUL))
    complete_with(pytester, {"add": "    return a + b \n", "mul": "    return b\n"})
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the middle does not match the reference (mode='edit_similarity'): similarity *"
            "is below the threshold 90.0"
        ]
    )


def test_several_failing_criteria_are_all_reported(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(MUL))
    complete_with(pytester, {"mul": "    return a + b\n"})
    result = pytester.runpytest("--fim-eval-score=fills_hole,passes_tests,matches_reference")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*2 of 3 scored criteria fail: passes_tests, matches_reference",
            "*[[]passes_tests] the joined program fails its tests*",
            "*[[]matches_reference] the middle does not match the reference (mode='exact')*",
        ]
    )


# ------------------------------------------------------------------ summary and reports


def _suite(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD, MUL, {**ADD, "task_id": "add2"}))
    complete_with(
        pytester,
        {
            "add": ["    return a + b\n", "    return a + b\n"],
            "mul": ["    return a * b\n", "    return a + b)\n"],
            "add2": ["    return b + a\n", "    return a - b\n"],
        },
    )
    pytester.makeini("[pytest]\nfim_eval_score = fills_hole,passes_tests\n")
    with open(pytester.path / "cases.fim.jsonl", "r+", encoding="utf-8") as file:
        text = file.read()
        file.seek(0)
        file.write(json.dumps({"fim_eval": {"n": 2}}) + "\n" + text)


def test_summary_table_per_file(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    result = pytester.runpytest("--fim-eval-k=1,2")
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*= pytest-fim eval =*",
            "file * cases * samples * pass@1 * pass@2 * em * es * failed",
            "cases.fim.jsonl * 3 * 6 * 0.667 * 1.000 * 0.500 * 2",
            "cases.fim.jsonl: samples failing a check: brackets 1, syntax 1",
            "cases.fim.jsonl: slowest: *s, *s, *s",
        ]
    )


def test_report_json_jsonl_and_junit_properties(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    result = pytester.runpytest(
        "--fim-eval-report=out/scores.json", "--junitxml=out/junit.xml", "--fim-eval-k=1,2"
    )
    result.stdout.fnmatch_lines(["wrote out/scores.json", "wrote out/scores.jsonl"])
    report = json.loads((pytester.path / "out/scores.json").read_text())
    assert report["format"] == "pytest-fim-eval/1"
    assert report["k"] == [1, 2]
    assert report["scored"] == ["fills_hole", "passes_tests"]
    assert report["items"] == "scores.jsonl"
    assert report["totals"]["cases"] == 3 and report["totals"]["samples"] == 6
    metrics = report["totals"]["metrics"]
    assert metrics["pass@1"] == pytest.approx(2 / 3) and metrics["pass@2"] == pytest.approx(1)
    assert metrics["check:syntax"] == pytest.approx(1 / 6)
    assert report["files"][0]["path"] == "cases.fim.jsonl"
    assert {entry["task_id"] for entry in report["files"][0]["slowest"]} <= {"add", "mul", "add2"}
    assert report["baseline"] is None and report["gate"] == {
        "passed": True,
        "bounds": [],
        "failures": [],
    }
    items = [
        json.loads(line)
        for line in (pytester.path / "out/scores.jsonl").read_text().split("\n")
        if line
    ]
    assert len(items) == 6
    broken = next(item for item in items if item["completion"] == "    return a + b)\n")
    assert set(broken) == {
        "nodeid", "file", "task_id", "sample", "outcome", "seconds", "exact_match",
        "edit_similarity", "passed_tests", "checks_failed", "failure", "prompt", "suffix",
        "completion", "canonical_solution",
    }  # fmt: skip
    assert broken["nodeid"] == "cases.fim.jsonl::mul[1]" and broken["sample"] == 1
    assert broken["outcome"] == "failed" and broken["passed_tests"] is False
    assert broken["checks_failed"] == ["syntax", "brackets"]
    assert broken["failure"].startswith("2 of 2 scored criteria fail: fills_hole, passes_tests")
    junit = (pytester.path / "out/junit.xml").read_text()
    assert '<property name="fim_eval.exact_match" value="True"' in junit
    assert '<property name="fim_eval.checks_failed" value="syntax,brackets"' in junit


def test_html_report_is_written_by_render_html(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    pytester.runpytest("--fim-eval-html=out/report.html").stdout.fnmatch_lines(
        ["wrote out/report.html"]
    )
    assert "<html" in (pytester.path / "out/report.html").read_text()


def test_scores_are_the_same_under_xdist(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    options = ("--fim-eval-k=1,2", "-p", "no:randomly", "-p", "xdist")
    pytester.runpytest_subprocess("--fim-eval-report=alone.json", *options, "-n", "0")
    result = pytester.runpytest_subprocess("--fim-eval-report=xdist.json", *options, "-n", "2")
    result.stdout.fnmatch_lines(["*2 workers*", "cases.fim.jsonl * 3 * 6 * 0.667 * 1.000*"])

    def scores(name: str) -> tuple[Any, ...]:
        report = json.loads((pytester.path / name).read_text())
        items = sorted(
            (item["nodeid"], item["outcome"], item["checks_failed"], item["edit_similarity"])
            for item in map(
                json.loads, (pytester.path / report["items"]).read_text().split("\n")[:-1]
            )
        )
        return report["totals"], items

    assert scores("alone.json") == scores("xdist.json")


# ------------------------------------------------------------------ gates


def test_a_failing_gate_fails_the_run_naming_metric_value_bound_and_worst_cases(
    pytester: pytest.Pytester,
) -> None:
    _suite(pytester)
    result = pytester.runpytest("--fim-eval-min", "pass@1>=0.9", "--fim-eval-min", "es>=10")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=4, failed=2)  # items' own outcomes are what they were
    result.stdout.fnmatch_lines(
        ["GATE FAILED: pass@1 = 0.667, bound >= 0.9; worst cases: add2, mul"]
    )
    result.stdout.no_fnmatch_line("GATE FAILED: es*")


def test_no_fail_leaves_the_exit_status_to_the_gate(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    assert pytester.runpytest("--fim-eval-no-fail").ret == pytest.ExitCode.OK
    failing = pytester.runpytest("--fim-eval-no-fail", "--fim-eval-min=check:syntax<=0.1")
    assert failing.ret == pytest.ExitCode.TESTS_FAILED
    failing.stdout.fnmatch_lines(
        ["GATE FAILED: check:syntax = 0.167, bound <= 0.1; worst cases: mul"]
    )


def test_a_gate_fails_an_otherwise_passing_run(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD))
    complete_with(pytester, {"add": "    return a + b\n"})
    result = pytester.runpytest("--fim-eval-min=em>1")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["GATE FAILED: em = 1.000, bound > 1; worst cases: none"])


def test_baseline_and_max_drop(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    baseline = {
        "format": "pytest-fim-eval/1",
        "totals": {"metrics": {"pass@1": 0.8, "es": 60.0, "check:syntax": 0.0}},
    }
    pytester.makefile(".json", previous=json.dumps(baseline))
    result = pytester.runpytest(
        "--fim-eval-baseline=previous.json", "--fim-eval-max-drop=0.05", "--fim-eval-report=r.json"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "against previous.json: pass@1 -0.133, es +*, check:syntax +0.167",
            "GATE FAILED: pass@1 = 0.667, bound >= 0.75; worst cases: add2, mul",
            "GATE FAILED: check:syntax = 0.167, bound <= 0.05; worst cases: mul",
        ]
    )
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["baseline"]["deltas"]["pass@1"] == pytest.approx(2 / 3 - 0.8)
    assert [failure["metric"] for failure in report["gate"]["failures"]] == [
        "pass@1",
        "check:syntax",
    ]
    assert {"pass@1 >= 0.75", "check:syntax <= 0.05"} <= set(report["gate"]["bounds"])


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--fim-eval-min=pass@1=>0.5"], "*cannot read 'pass@1=>0.5'; expected METRIC>=NUMBER*"),
        (["--fim-eval-min=pass@10>=0.5"], "*unknown metric 'pass@10'*add K to --fim-eval-k*"),
        (["--fim-eval-min=check:sintax<0.1"], "*unknown metric 'check:sintax'*suffix_echo*"),
        (["--fim-eval-k=0"], "*--fim-eval-k: expected a comma list of positive integers*'0'"),
        (
            ["--fim-eval-score=fills"],
            "*unknown score 'fills'; expected a comma list of fills_hole*",
        ),
        (["--fim-eval-max-drop=0.1"], "*--fim-eval-max-drop needs --fim-eval-baseline*"),
        (["--fim-eval-baseline=nowhere.json"], "*--fim-eval-baseline: cannot read nowhere.json*"),
    ],
)
def test_bad_options_are_usage_errors(
    pytester: pytest.Pytester, options: list[str], expected: str
) -> None:
    result = pytester.runpytest(*options)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([expected])


# ------------------------------------------------------------------ the worked example

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "evals"


def test_the_example_gate_catches_a_deliberate_regression(pytester: pytest.Pytester) -> None:
    for name in ("conftest.py", "completer.py", "snippets.fim.jsonl", "model_outputs.json"):
        (pytester.path / name).write_text((EXAMPLE / name).read_text())
    good = pytester.runpytest("--fim-eval-report=baseline.json", "-p", "no:randomly")
    good.assert_outcomes(passed=6)
    good.stdout.fnmatch_lines(["snippets.fim.jsonl * 6 * 6 * 1.000 * 0.667 * 90.9 * 0"])

    # A new post-processing step that keeps the suffix's first line: two fills regress.
    outputs = json.loads((pytester.path / "model_outputs.json").read_text())
    outputs["snippets/word_count"] += "    return counts\n"
    outputs["snippets/mean"] = "    return sum(xs) / len(xs)\n\n\nprint(mean([1, 2, 3]))\n"
    (pytester.path / "model_outputs.json").write_text(json.dumps(outputs))
    gated = (
        "--fim-eval-baseline=baseline.json",
        "--fim-eval-max-drop=0.05",
        "--fim-eval-no-fail",
        "-p",
        "no:randomly",
    )
    bad = pytester.runpytest(*gated)
    bad.assert_outcomes(passed=4, failed=2)
    assert bad.ret == pytest.ExitCode.TESTS_FAILED
    bad.stdout.fnmatch_lines(
        [
            "against baseline.json: pass@1 -0.333, *check:suffix_echo +0.333*",
            "GATE FAILED: pass@1 = 0.667, bound >= 0.95; worst cases: snippets/mean, "
            "snippets/word_count",
        ]
    )
    # The same regression without a gate: --fim-eval-no-fail leaves the build green.
    assert pytester.runpytest("--fim-eval-no-fail").ret == pytest.ExitCode.OK


def test_samples_for_tasks_without_a_case_are_named(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD))
    samples = pytester.makefile(
        ".jsonl",
        samples=jsonl(
            {"task_id": "add", "completion": "    return a + b\n"},
            {"task_id": "ad", "completion": "    return a + b\n"},
        ),
    )
    result = pytester.runpytest(f"--fim-samples={samples}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["--fim-samples: 1 task(s) with samples matched no case: ad"])


def test_samples_start_their_programs_early_and_a_hung_one_still_fails(
    pytester: pytest.Pytester,
) -> None:
    header = {"fim_eval": {"score": ["passes_tests"], "timeout": 1}}
    hang = {**ADD, "task_id": "hang", "test": "while True:\n    pass\n"}
    pytester.makefile(".fim.jsonl", cases=jsonl(header, hang, ADD, MUL))
    samples = pytester.makefile(
        ".jsonl",
        samples=jsonl(
            {"task_id": "hang", "completion": "    pass\n"},
            {"task_id": "add", "completion": ADD["canonical_solution"]},
            {"task_id": "mul", "completion": "    return a + b\n"},
        ),
    )
    result = pytester.runpytest(f"--fim-samples={samples}", "--fim-eval-workers=2")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        ["*did not finish within 1.0 s*", "*the joined program fails its tests (exit status 1)*"]
    )


def test_an_item_without_completions_is_an_error_in_the_report(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD))
    pytester.runpytest("--fim-eval-report=r.json").assert_outcomes(errors=1)
    (item,) = map(json.loads, (pytester.path / "r.jsonl").read_text().splitlines())
    assert item["outcome"] == "error" and "no completions to score" in item["failure"]


def test_a_file_that_is_not_gzip_is_a_collection_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "cases.fim.jsonl.gz").write_text(jsonl(ADD))
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["cases.fim.jsonl.gz: cannot be read: *gzip*"])


def test_a_suite_without_cases_never_loads_the_evaluation_machinery(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_light():
            assert "pytest_fim.eval._plugin" not in sys.modules
            assert "pytest_fim.eval._front" in sys.modules
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_the_xdist_controller_summarises_without_any_option(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD, MUL))
    complete_with(pytester, {"add": "    return a + b\n", "mul": "    return a * b\n"})
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["cases.fim.jsonl * 2 * 2 * 1.000 * 1.000 * 100.0 * 0"])


def test_a_fim_complete_that_is_not_callable_fails_saying_so(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(ADD))
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def fim_complete():
            return "    return a + b\\n"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*fim_complete must return a callable(case) -> completion, got str"]
    )
