"""Evaluation suites met by hostile case files, samples, completion sources and programs.

Each test is a defect found by an adversarial review of issue 14's suites; it
fails on the code before its fix.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _support import jsonl

HOLE = {
    "task_id": "one",
    "prompt": "def one():\n    return ",
    "suffix": "\n",
    "canonical_solution": "1",
    "test": "def check(f):\n    assert f() == 1\n",
    "entry_point": "one",
}


def samples_file(pytester: pytest.Pytester, *rows: dict[str, Any]) -> str:
    return str(pytester.makefile(".jsonl", samples=jsonl(*rows)))


def test_reports_take_completions_holding_lone_surrogates(pytester: pytest.Pytester) -> None:
    # JSON allows "\ud800"; a samples file (or a model) may carry one. UTF-8 cannot.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(pytester, {"task_id": "one", "completion": "\ud800x"})
    result = pytester.runpytest(
        f"--fim-samples={samples}",
        "--fim-eval-score=matches_reference",
        "--fim-eval-report=out/r.json",
        "--fim-eval-html=out/r.html",
    )
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    result.stdout.fnmatch_lines(["wrote out/r.json", "wrote out/r.jsonl", "wrote out/r.html"])
    item = json.loads((pytester.path / "out/r.jsonl").read_text(encoding="utf-8"))
    assert item["completion"] == "\ud800x"
    (pytester.path / "out/r.html").read_text(encoding="utf-8")  # valid UTF-8


@pytest.mark.parametrize("leave", ["import sys; sys.exit(0)", "import os; os._exit(0)"])
def test_a_program_that_exits_before_its_tests_run_does_not_pass(
    pytester: pytest.Pytester, leave: str
) -> None:
    # Exit status 0 from a program that never reached check() is no evidence of anything.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(pytester, {"task_id": "one", "completion": f"2\n{leave}"})
    result = pytester.runpytest(f"--fim-samples={samples}", "--fim-eval-score=passes_tests")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*exited (status 0) before its tests ran to the end*"])


def test_assert_passes_tests_does_not_pass_a_program_that_leaves_early() -> None:
    from pytest_fim import FIMAssertionError, assert_passes_tests

    with pytest.raises(FIMAssertionError, match="before its tests ran to the end"):
        assert_passes_tests(
            "def one():\n    return ", "2\nimport sys; sys.exit(0)", "\n",
            HOLE["test"], entry_point="one",
        )  # fmt: skip
    assert_passes_tests("def one():\n    return ", "1", "\n", HOLE["test"], entry_point="one")


def test_a_sample_that_gave_no_completion_counts_against_em_and_es(
    pytester: pytest.Pytester,
) -> None:
    # A service failing on half the cases must not score em 1.0 over the other half.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE, {**HOLE, "task_id": "two"}))
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def fim_complete():
            def complete(case):
                if case["task_id"] == "two":
                    return None
                return "1"
            return complete
        """
    )
    result = pytester.runpytest("--fim-eval-score=matches_reference", "--fim-eval-report=r.json")
    result.assert_outcomes(passed=1, failed=1)
    metrics = json.loads((pytester.path / "r.json").read_text())["totals"]["metrics"]
    assert metrics["em"] == 0.5 and metrics["es"] == 50.0


def test_collect_only_runs_no_program_and_applies_no_gate(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    marker = pytester.path / "ran"
    samples = samples_file(
        pytester, {"task_id": "one", "completion": f"1\nopen({str(marker)!r}, 'w').close()"}
    )
    result = pytester.runpytest(
        "--co",
        f"--fim-samples={samples}",
        "--fim-eval-score=passes_tests",
        "--fim-eval-min=pass@1>=0.9",
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*1 test collected*"])
    result.stdout.no_fnmatch_line("*GATE FAILED*")
    result.stdout.no_fnmatch_line("*matched no case*")
    assert not marker.exists()


def test_samples_of_cases_not_reached_after_x_are_not_called_unmatched(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE, {**HOLE, "task_id": "two"}))
    samples = samples_file(
        pytester,
        {"task_id": "one", "completion": "2"},
        {"task_id": "two", "completion": "1"},
        {"task_id": "stray", "completion": "1"},
    )
    result = pytester.runpytest(f"--fim-samples={samples}", "--fim-eval-score=passes_tests", "-x")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["--fim-samples: 1 task(s) with samples matched no case: stray"])


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs on: a zombie, or one with a SIGKILL pending, counts as ended.

    (Read from /proc, not waited for: a kill lands a moment after it is sent.)
    """
    try:
        with open(f"/proc/{pid}/status") as source:
            fields = dict(line.split(":", 1) for line in source.read().splitlines())
    except OSError:
        return False
    pending = int(fields.get("SigPnd", "0"), 16) | int(fields.get("ShdPnd", "0"), 16)
    return fields["State"].split()[0] not in ("Z", "X") and not pending & (1 << 8)


def _spawner(pid_file: str) -> str:
    """A fill that starts a long-lived child, notes its pid, and passes its test."""
    return (
        "1\nimport subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({pid_file!r}, 'w').write(str(child.pid))\n"
    )


@pytest.mark.skipif(not hasattr(__import__("os"), "killpg"), reason="POSIX process groups")
def test_children_a_passing_program_leaves_behind_are_ended(pytester: pytest.Pytester) -> None:
    import os
    import signal

    pid_file = pytester.path / "child.pid"
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(pytester, {"task_id": "one", "completion": _spawner(str(pid_file))})
    result = pytester.runpytest(f"--fim-samples={samples}", "--fim-eval-score=passes_tests")
    result.assert_outcomes(passed=1)
    pid = int(pid_file.read_text())
    try:
        assert not _alive(pid), "the program's child outlived the run"
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not hasattr(__import__("os"), "killpg"), reason="POSIX process groups")
def test_assert_passes_tests_ends_the_children_of_a_passing_program(tmp_path: Any) -> None:
    import os
    import signal

    from pytest_fim import assert_passes_tests

    pid_file = tmp_path / "child.pid"
    assert_passes_tests(
        HOLE["prompt"], _spawner(str(pid_file)), "\n", HOLE["test"], entry_point="one"
    )
    pid = int(pid_file.read_text())
    try:
        assert not _alive(pid), "the program's child outlived assert_passes_tests"
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_case_and_samples_files_may_start_with_a_byte_order_mark(
    pytester: pytest.Pytester,
) -> None:
    # Editors and tools on Windows write UTF-8 with a BOM.
    (pytester.path / "cases.fim.jsonl").write_text("\ufeff" + jsonl(HOLE), encoding="utf-8")
    samples = pytester.path / "samples.jsonl"
    samples.write_text("\ufeff" + jsonl({"task_id": "one", "completion": "1"}), encoding="utf-8")
    result = pytester.runpytest(f"--fim-samples={samples}", "--fim-eval-score=matches_reference")
    result.assert_outcomes(passed=1)


def test_a_task_id_holding_double_colons_is_selectable_by_its_node_id(
    pytester: pytest.Pytester,
) -> None:
    # pytest splits node ids at '::': 'cases.fim.jsonl::a::b' names no item.
    pytester.makefile(".fim.jsonl", cases=jsonl({**HOLE, "task_id": "mod::fn"}, HOLE))
    samples = samples_file(
        pytester,
        {"task_id": "mod::fn", "completion": "1"},
        {"task_id": "one", "completion": "1"},
    )
    options = (f"--fim-samples={samples}", "--fim-eval-score=matches_reference")
    listed = pytester.runpytest("--co", "-q", *options)
    listed.stdout.fnmatch_lines(["cases.fim.jsonl::mod%3A%3Afn", "cases.fim.jsonl::one"])
    result = pytester.runpytest(
        "cases.fim.jsonl::mod%3A%3Afn", "--junitxml=junit.xml", "--fim-eval-report=r.json", *options
    )
    result.assert_outcomes(passed=1)
    assert (
        'classname="cases.fim.jsonl" name="mod%3A%3Afn"'
        in (pytester.path / "junit.xml").read_text()
    )
    item = json.loads((pytester.path / "r.jsonl").read_text())
    assert item["task_id"] == "mod::fn"


def test_a_header_after_the_first_case_is_named_as_such(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE, {"fim_eval": {"n": 2}}))
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        ['cases.fim.jsonl:2: a header {"fim_eval": ...} must be the file\'s first line*']
    )


def test_fim_complete_may_be_async(pytester: pytest.Pytester) -> None:
    # The SDKs' async clients (client.fim.complete_async) are what many teams call.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE, {**HOLE, "task_id": "two"}))
    pytester.makeconftest(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def fim_complete():
            async def complete(case):
                await asyncio.sleep(0)
                return "1" if case["task_id"] == "one" else "2"
            return complete
        """
    )
    result = pytester.runpytest("--fim-eval-score=matches_reference", "-W", "error::RuntimeWarning")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*the middle does not match the reference*"])
    result.stdout.no_fnmatch_line("*never awaited*")


def test_baseline_metrics_this_run_does_not_compute_are_named_not_compared(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(pytester, {"task_id": "one", "completion": "1"})
    options = (f"--fim-samples={samples}", "--fim-eval-score=matches_reference")
    pytester.runpytest(*options, "--fim-eval-report=base.json").assert_outcomes(passed=1)
    # k=2 only: the baseline's pass@1 has nothing to be compared with.
    result = pytester.runpytest(
        *options, "--fim-eval-k=2", "--fim-eval-baseline=base.json", "--fim-eval-max-drop=0"
    )
    result.stdout.fnmatch_lines(["against base.json: no change; not in this run: pass@1"])


def test_a_gate_over_a_run_that_scored_nothing_says_so(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(pytester, {"task_id": "one", "completion": "1"})
    result = pytester.runpytest(
        f"--fim-samples={samples}", "-k", "nothing", "--fim-eval-min=pass@1>=0.5"
    )
    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        ["GATE FAILED: no evaluation item was scored (all deselected, skipped or not run)*"]
    )
    result.stdout.no_fnmatch_line("*cases = 0.000*")


def test_a_gate_on_a_metric_nothing_was_scored_for_says_so(pytester: pytest.Pytester) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def fim_complete():
            pytest.skip("no API key here")
        """
    )
    result = pytester.runpytest("--fim-eval-min=pass@1>=0.5")
    result.assert_outcomes(skipped=1)
    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["GATE FAILED: pass@1 = n/a (no sample scored for it), bound*"])


@pytest.mark.parametrize("option", ["--fim-eval-report", "--fim-eval-html"])
def test_a_report_path_that_cannot_be_a_file_is_a_usage_error(
    pytester: pytest.Pytester, option: str
) -> None:
    # Said before the run, not as a traceback after an hour of evaluation.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    (pytester.path / "out").mkdir()
    result = pytester.runpytest(f"{option}=out")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{option}: 'out' is a directory; expected a file path*"])
    blocked = pytester.runpytest(f"{option}=cases.fim.jsonl/r.json")
    assert blocked.ret == pytest.ExitCode.USAGE_ERROR
    blocked.stderr.fnmatch_lines([f"*{option}: cannot write*cases.fim.jsonl is not a directory*"])


def test_a_report_that_cannot_be_written_at_the_end_fails_the_run_saying_why(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(pytester, {"task_id": "one", "completion": "1"})
    # A test of the suite takes the report's folder name for a file while the run goes on.
    pytester.makepyfile(
        test_zz="""
        from pathlib import Path

        def test_takes_the_folder():
            Path("out").write_text("in the way")
        """
    )
    result = pytester.runpytest(
        f"--fim-samples={samples}",
        "--fim-eval-score=matches_reference",
        "--fim-eval-report=out/r.json",
    )
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    result.stdout.fnmatch_lines(["*pytest-fim eval: cannot write out/r.json*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_last_failed_reruns_exactly_the_failed_samples(pytester: pytest.Pytester) -> None:
    # 'one[1]' is read back from the cache as name 'one', params '1'; the item must match it.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE, {**HOLE, "task_id": "odd[x]"}))
    samples = samples_file(
        pytester,
        {"task_id": "one", "completion": "1"},
        {"task_id": "one", "completion": "2"},
        {"task_id": "odd[x]", "completion": "2"},
    )
    options = (f"--fim-samples={samples}", "--fim-eval-score=matches_reference")
    pytester.runpytest("-p", "cacheprovider", *options).assert_outcomes(passed=1, failed=2)
    rerun = pytester.runpytest("-p", "cacheprovider", "--lf", "-v", *options)
    rerun.assert_outcomes(failed=2)
    rerun.stdout.fnmatch_lines(["*cases.fim.jsonl::one[[]1] FAILED*"])
    rerun.stdout.no_fnmatch_line("*cases.fim.jsonl::one[[]0]*")


def test_no_fail_does_not_hide_a_suite_with_no_completion_source(
    pytester: pytest.Pytester,
) -> None:
    # Every item errors at setup: a broken configuration, not a score.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    result = pytester.runpytest("--fim-eval-no-fail")
    result.assert_outcomes(errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize("timeout", ["1e300", "inf"])
def test_a_huge_timeout_means_wait_as_long_as_it_takes(
    pytester: pytest.Pytester, timeout: str
) -> None:
    # A wait longer than select() can take crashed the fork server: a correct fill failed.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(pytester, {"task_id": "one", "completion": "1"})
    result = pytester.runpytest(
        f"--fim-samples={samples}", "--fim-eval-score=passes_tests", f"--fim-eval-timeout={timeout}"
    )
    result.assert_outcomes(passed=1)


def test_an_entry_point_that_is_no_function_name_is_a_collection_error(
    pytester: pytest.Pytester,
) -> None:
    # Else the program is 'check(one two)', a SyntaxError blamed on the completion.
    pytester.makefile(".fim.jsonl", cases=jsonl({**HOLE, "entry_point": "one two"}))
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        ["cases.fim.jsonl:1: entry_point must be a function name, got 'one two'"]
    )


def test_the_slowest_cases_name_the_sample_when_a_task_has_several(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(
        pytester, {"task_id": "one", "completion": "1"}, {"task_id": "one", "completion": "2"}
    )
    result = pytester.runpytest(f"--fim-samples={samples}", "--fim-eval-report=r.json")
    result.stdout.re_match_lines([r"cases.fim.jsonl: slowest: one\[[01]\] \S+s, one\[[01]\] \S+s"])
    slowest = json.loads((pytester.path / "r.json").read_text())["files"][0]["slowest"]
    assert sorted(entry["sample"] for entry in slowest) == [0, 1]


def test_two_items_that_would_share_a_node_id_are_a_collection_error(
    pytester: pytest.Pytester,
) -> None:
    # Sample 1 of 'c' and the case 'c[1]' would both be 'cases.fim.jsonl::c[1]'.
    pytester.makefile(
        ".fim.jsonl", cases=jsonl({**HOLE, "task_id": "c"}, {**HOLE, "task_id": "c[1]"})
    )
    samples = samples_file(
        pytester,
        {"task_id": "c", "completion": "1"},
        {"task_id": "c", "completion": "2"},
        {"task_id": "c[1]", "completion": "1"},
    )
    result = pytester.runpytest(f"--fim-samples={samples}")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        ["cases.fim.jsonl:2: task_id 'c[[]1]' gives the item name 'c[[]1]' of line 1's sample 1*"]
    )


def test_a_gate_on_pass_at_k_without_k_samples_says_why_it_has_no_value(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    samples = samples_file(pytester, {"task_id": "one", "completion": "1"})
    result = pytester.runpytest(
        f"--fim-samples={samples}", "--fim-eval-k=1,10", "--fim-eval-min=pass@10>=0.5"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["GATE FAILED: pass@10 = n/a (no task has 10 samples), bound*"])


def test_control_characters_in_a_task_id_are_shown_as_escapes(pytester: pytest.Pytester) -> None:
    # A newline in a node id splits the progress line and the summary table.
    pytester.makefile(".fim.jsonl", cases=jsonl({**HOLE, "task_id": "a\nb\x1b[31m"}))
    samples = samples_file(pytester, {"task_id": "a\nb\x1b[31m", "completion": "1"})
    options = (f"--fim-samples={samples}", "--fim-eval-score=matches_reference")
    pytester.runpytest("--co", "-q", *options).stdout.fnmatch_lines(
        ["cases.fim.jsonl::a\\nb\\x1b[[]31m"]
    )
    result = pytester.runpytest("--fim-eval-report=r.json", *options)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["cases.fim.jsonl: slowest: a\\nb\\x1b[[]31m *s"])
    assert json.loads((pytester.path / "r.jsonl").read_text())["task_id"] == "a\nb\x1b[31m"


def test_a_report_path_ending_in_jsonl_is_a_usage_error(pytester: pytest.Pytester) -> None:
    # The items go beside the report as .jsonl: the two files would be one.
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    result = pytester.runpytest("--fim-eval-report=out/scores.jsonl")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--fim-eval-report: expected a .json path*the items are written beside it*"]
    )


@pytest.mark.parametrize("html", ["out/scores.json", "out/scores.jsonl", "out/../out/scores.json"])
def test_an_html_page_at_the_reports_path_is_a_usage_error(
    pytester: pytest.Pytester, html: str
) -> None:
    pytester.makefile(".fim.jsonl", cases=jsonl(HOLE))
    result = pytester.runpytest("--fim-eval-report=out/scores.json", f"--fim-eval-html={html}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"*--fim-eval-html={html} is the file --fim-eval-report=out/scores.json writes*"]
    )
