"""Evaluation suites met by hostile case files, samples, completion sources and programs.

Each test is a defect found by an adversarial review of issue 14's suites; it
fails on the code before its fix.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

HOLE = {
    "task_id": "one",
    "prompt": "def one():\n    return ",
    "suffix": "\n",
    "canonical_solution": "1",
    "test": "def check(f):\n    assert f() == 1\n",
    "entry_point": "one",
}


def jsonl(*rows: object) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


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
