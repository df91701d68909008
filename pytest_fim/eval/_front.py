"""What every pytest run with pytest-fim loads of the evaluation suites: kept tiny.

The full machinery (:mod:`pytest_fim.eval._plugin`) is loaded the first time
something needs it: an evaluation option or ini key at configure time, a
``*.fim.jsonl`` file at collection, or (on the controller of a pytest-xdist
run, which collects nothing) the first report that carries an item's record.
A suite without evaluation cases pays for this module alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["CASE_SUFFIXES", "HOW_TO_COMPLETE", "RECORD", "RECORDER", "Recorder", "configure"]

#: The names of case files.
CASE_SUFFIXES = (".fim.jsonl", ".fim.jsonl.gz")
#: The name of an item's record on its test report.
RECORD = "fim_eval"
HOW_TO_COMPLETE = (
    "no completions to score: define a fixture fim_complete in conftest.py that returns "
    "callable(case) -> completion text or a FIM response (your completion code), or pass "
    "--fim-samples=FILE (HumanEval's {task_id, completion} JSONL)"
)
#: Options that ask for the evaluation machinery (their defaults ask for nothing).
_OPTIONS = (
    "fim_samples",
    "fim_eval_score",
    "fim_eval_report",
    "fim_eval_html",
    "fim_eval_min",
    "fim_eval_baseline",
    "fim_eval_max_drop",
    "fim_eval_no_fail",
    "fim_eval_workers",
)
_INI = ("fim_eval_score", "fim_eval_skip")


class Recorder:
    """Gathers the items' records (on the controller: workers' reports arrive there too)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.records: list[dict[str, Any]] = []
        self.other_failures = 0

    def pytest_collect_file(
        self, file_path: Path, parent: pytest.Collector
    ) -> pytest.Collector | None:
        """Collect ``*.fim.jsonl`` and ``*.fim.jsonl.gz`` case files."""
        if not file_path.name.endswith(CASE_SUFFIXES):
            return None
        from pytest_fim.eval._plugin import FIMCaseFile, ensure

        ensure(self.config)
        return FIMCaseFile.from_parent(parent, path=file_path)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep an item's record; count the failures of other tests (for --fim-eval-no-fail)."""
        if hasattr(self.config, "workerinput"):
            return
        record = getattr(report, RECORD, None)
        if record is not None:
            from pytest_fim.eval._plugin import ensure

            ensure(self.config)  # the controller of an xdist run meets cases here first
            self.records.append(record)
        elif report.failed:
            self.other_failures += 1


RECORDER = pytest.StashKey[Recorder]()


def configure(config: pytest.Config) -> None:
    """Register the recorder; load the machinery now when an option asks for it."""
    recorder = Recorder(config)
    config.stash[RECORDER] = recorder
    config.pluginmanager.register(recorder, "fim-eval-front")
    wanted = any(config.getoption(name, None) for name in _OPTIONS) or any(
        config.getini(name) for name in _INI
    )
    if wanted or str(config.getoption("fim_eval_k", "1")) != "1":
        from pytest_fim.eval._plugin import ensure

        ensure(config)  # bad options are usage errors before anything runs
