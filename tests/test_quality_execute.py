"""assert_passes_tests: the joined program runs apart from the test run, and tells why it failed."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
from _support import humaneval

from pytest_fim import FIMAssertionError, assert_passes_tests, make_fim_response


# Rows are picked by position, not read at collection: without the data the
# tests must skip, and collection must not need it.
@pytest.mark.parametrize("number", range(0, 5815, 1200), ids=lambda number: f"row{number}")
def test_correct_multi_line_fills_pass_their_tests(number: int) -> None:
    row = humaneval("HumanEval-MultiLineInfilling.jsonl.gz")[number]
    assert_passes_tests(
        row["prompt"],
        row["canonical_solution"],
        row["suffix"],
        row["test"],
        entry_point=row["entry_point"],
        timeout=10,
    )


def test_a_wrong_fill_fails_with_the_tests_output() -> None:
    row = humaneval("HumanEval-SingleLineInfilling.jsonl.gz")[0]
    with pytest.raises(FIMAssertionError, match="fails its tests") as info:
        # HumanEval/0's loop over one number only: it parses, and it is wrong
        wrong = row["canonical_solution"].replace("(numbers)", "(numbers[:1])")
        assert wrong != row["canonical_solution"]
        assert_passes_tests(
            row["prompt"],
            wrong,
            row["suffix"],
            row["test"],
            entry_point=row["entry_point"],
            timeout=10,
        )
    assert "AssertionError" in str(info.value)


def test_the_middle_may_be_a_response() -> None:
    response = make_fim_response("    return 2 * x\n", seed=1)
    assert_passes_tests("def double(x):\n", response, "", "assert double(4) == 8")


def test_the_program_runs_in_a_temporary_directory_without_our_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CODESTRAL_API_KEY", "canary")
    monkeypatch.chdir(tmp_path)
    assert_passes_tests(
        "import os, sys\n",
        "",
        "",
        "\n".join(
            [
                "assert 'CODESTRAL_API_KEY' not in os.environ",
                f"assert os.getcwd() != {str(tmp_path)!r}",
                "assert sys.flags.isolated",
            ]
        ),
    )


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_a_timeout_ends_what_the_program_started(tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    child = f"import time, pathlib\ntime.sleep(3)\npathlib.Path({str(marker)!r}).write_text('x')\n"
    with pytest.raises(FIMAssertionError, match="did not finish within 1 s"):
        assert_passes_tests(
            "import subprocess, sys, time\n",
            f"subprocess.Popen([sys.executable, '-c', {child!r}])\n",
            "",
            "time.sleep(60)",
            timeout=1,
        )
    time.sleep(3.5)
    assert not marker.exists(), "the program's own child outlived the timeout"


def test_endless_output_is_cut_to_its_end() -> None:
    with pytest.raises(FIMAssertionError, match="fails its tests") as info:
        assert_passes_tests(
            "",
            "for n in range(300_000):\n    print('line', n)\n",
            "",
            "raise SystemExit('the last word')",
        )
    text = str(info.value)
    assert "the last word" in text and len(text) < 5_000


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"timeout": 0}, ValueError, "timeout must be a positive number"),
        ({"timeout": True}, ValueError, "timeout must be a positive number"),
        ({"entry_point": "not a name"}, ValueError, "entry_point must be a function name"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says):
        assert_passes_tests("", "", "", "pass", **kwargs)
    with pytest.raises(TypeError, match="test_code must be a str"):
        assert_passes_tests("", "", "", None)  # type: ignore[arg-type]
