"""The pytest face of evaluation suites: case files collected, items run, scores reported.

Loaded and registered by :mod:`pytest_fim.eval._front` the first time a run
needs it (an evaluation option, a case file, a report carrying a record). Per-item
records travel to the controller of a pytest-xdist run as an attribute of
the call's report (``report.fim_eval``); scores are computed there, from the
records alone.
"""

from __future__ import annotations

import inspect
import json
import os
import types
from collections.abc import Generator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_fim.eval._cases import FileSettings
    from pytest_fim.eval._front import Recorder
    from pytest_fim.eval._pool import ExecutionPool
    from pytest_fim.eval._scores import Gate

from pytest_fim.eval._front import RECORD

__all__ = ["EvalSession", "FIMCaseFile", "FIMCaseItem", "ensure"]

_PASSES_TESTS_WARNING = (
    "pytest-fim eval: passes_tests runs model-written code (each program in an isolated "
    "child process: no environment variables, a temporary directory, a timeout; not a sandbox)"
)


@dataclass
class EvalSession:
    """The run's evaluation settings and, on the controller, the records received."""

    config: pytest.Config
    k_values: tuple[int, ...]
    score: tuple[str, ...] | None
    ini_score: tuple[str, ...]
    skip: tuple[str, ...]
    reference: tuple[str, float | None]
    timeout: float
    workers: int
    gates: list[Gate]
    baseline: dict[str, Any] | None
    max_drop: float | None
    samples_path: Path | None
    recorder: Recorder
    samples: dict[str, list[str]] | None = None
    report: dict[str, Any] | None = None
    written: list[str] = field(default_factory=list)
    #: Why a report asked for could not be written (the run then fails).
    unwritten: list[str] = field(default_factory=list)
    #: The task ids of the cases this process collected (none on an xdist controller).
    collected_tasks: set[str] = field(default_factory=set)
    pool: ExecutionPool | None = None

    @classmethod
    def from_config(cls, config: pytest.Config) -> EvalSession:
        """Read and check the options; ``pytest.UsageError`` naming a bad one."""
        from pytest_fim.eval._cases import parse_reference, parse_scores
        from pytest_fim.eval._scores import parse_k

        try:
            k_values = parse_k(str(config.getoption("fim_eval_k")))
            cli_score = config.getoption("fim_eval_score")
            score = parse_scores(cli_score, "--fim-eval-score") if cli_score else None
            ini = str(config.getini("fim_eval_score") or "").strip()
            ini_score = parse_scores(ini, "ini fim_eval_score") if ini else ("fills_hole",)
            skip = tuple(config.getini("fim_eval_skip"))
            if skip:
                from pytest_fim.eval._cases import _known_checks

                _known_checks(list(skip), "ini fim_eval_skip")
            reference = parse_reference(
                str(config.getini("fim_eval_reference") or "exact"), "ini fim_eval_reference"
            )
            timeout = float(config.getoption("fim_eval_timeout"))
            if not timeout > 0:
                raise ValueError(f"--fim-eval-timeout must be positive seconds, got {timeout}")
            workers = config.getoption("fim_eval_workers")
            if workers is None:
                from pytest_fim.eval._pool import default_workers

                workers = default_workers()
            if workers < 1:
                raise ValueError(f"--fim-eval-workers must be at least 1, got {workers}")
            gates, baseline, max_drop = _gates(config, k_values)
            for name, flag in (
                ("fim_eval_report", "--fim-eval-report"),
                ("fim_eval_html", "--fim-eval-html"),
            ):
                if config.getoption(name):
                    _check_output(Path(config.getoption(name)), flag)
            _check_outputs_apart(
                config.getoption("fim_eval_report"), config.getoption("fim_eval_html")
            )
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
        samples_path = config.getoption("fim_samples")
        samples = None
        if samples_path:
            from pytest_fim.eval._cases import CaseFileError, read_samples

            try:
                samples = read_samples(Path(samples_path))
            except CaseFileError as exc:
                raise pytest.UsageError(f"--fim-samples: {exc}") from None
        from pytest_fim.eval._front import RECORDER

        return cls(
            recorder=config.stash[RECORDER],
            config=config,
            k_values=k_values,
            score=score,
            ini_score=ini_score,
            skip=skip,
            reference=reference,
            timeout=timeout,
            workers=workers,
            gates=gates,
            baseline=baseline,
            max_drop=max_drop,
            samples_path=Path(samples_path) if samples_path else None,
            samples=samples,
        )

    @property
    def records(self) -> list[dict[str, Any]]:
        """The records received so far (on the controller)."""
        return self.recorder.records

    @property
    def is_controller(self) -> bool:
        """Whether this process gathers the records (not a pytest-xdist worker)."""
        return not hasattr(self.config, "workerinput")

    def samples_for(self, task_id: str) -> list[str] | None:
        """The samples of ``task_id``; None when there is no samples file."""
        if self.samples is None:
            return None
        return self.samples.get(task_id, [])

    def execute(self, program: str, timeout: float) -> Future[tuple[int | None, list[str], float]]:
        """Run a test program in the pool (started on first use)."""
        if self.pool is None:
            from pytest_fim.eval._pool import ExecutionPool

            self.pool = ExecutionPool(self.workers, self.timeout)
        return self.pool.submit(program, timeout)


def _gates(
    config: pytest.Config, k_values: tuple[int, ...]
) -> tuple[list[Gate], dict[str, Any] | None, float | None]:
    from pytest_fim.eval._scores import parse_gate, read_baseline

    expressions = list(config.getoption("fim_eval_min") or [])
    gates = []
    if expressions:
        from pytest_fim.quality._checks import CHECKS

        gates = [parse_gate(text, k_values, CHECKS) for text in expressions]
    baseline_path = config.getoption("fim_eval_baseline")
    max_drop = config.getoption("fim_eval_max_drop")
    if max_drop is not None and not 0 <= max_drop <= 1:
        raise ValueError(f"--fim-eval-max-drop must be a fraction from 0 to 1, got {max_drop}")
    if max_drop is not None and not baseline_path:
        raise ValueError("--fim-eval-max-drop needs --fim-eval-baseline=FILE.json to compare with")
    baseline = read_baseline(Path(baseline_path)) if baseline_path else None
    return gates, baseline, max_drop


def items_path(report: str | Path) -> Path:
    """Where the per-item JSONL goes: beside the JSON report, ``.jsonl`` for its suffix."""
    return Path(report).with_suffix(".jsonl")


def _check_output(path: Path, flag: str) -> None:
    """``ValueError`` before the run when ``path`` can never be written as a file."""
    if path.is_dir():
        raise ValueError(
            f"{flag}: {str(path)!r} is a directory; expected a file path ({flag}=out/name)"
        )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"{flag}: cannot write {path}: {parent} is not a directory")
            break


def _check_outputs_apart(report: str | None, html: str | None) -> None:
    """``ValueError`` when two of the files a run writes would be one: the JSON report
    and its items, or the HTML page and either."""
    if not report:
        return
    if Path(report).suffix == ".jsonl":
        raise ValueError(
            f"--fim-eval-report: expected a .json path, got {report!r}; the items are written "
            f"beside it as {items_path(report).name}, which would be the same file"
        )
    if not html:
        return
    page = Path(html).resolve()
    for written in (Path(report), items_path(report)):
        if written.resolve() == page:
            raise ValueError(
                f"--fim-eval-html={html} is the file --fim-eval-report={report} writes "
                f"({written}); give the page a path of its own (e.g. report.html)"
            )


SESSION = pytest.StashKey[EvalSession]()


def _session(config: pytest.Config) -> EvalSession:
    return config.stash[SESSION]


# ------------------------------------------------------------------ collection


class FIMCaseFile(pytest.Module):
    """A ``*.fim.jsonl`` (or ``.gz``) file: one item per case, per sample when several.

    A module to pytest, without Python in it: the items take fixtures, and a
    module-scoped fixture (pytest-recording's, a conftest's) needs a module
    above the item, or pytest fails the item at setup.
    """

    def _getobj(self) -> types.ModuleType:
        module = types.ModuleType(self.path.name.split(".")[0])
        module.__file__ = str(self.path)
        return module

    def collect(self) -> list[pytest.Item]:
        """Read the file; a collection error names the line and what is wrong."""
        from pytest_fim._visible import escape_hidden
        from pytest_fim.eval._cases import CaseFileError, read_case_file

        try:
            settings, cases = read_case_file(self.path)
        except CaseFileError as exc:
            # The file as pytest names it (relative to the rootdir), not its absolute path.
            raise self.CollectError(str(exc).replace(str(self.path), self.nodeid)) from None
        eval_session = ensure(self.config)
        uses_samples = eval_session.samples_path is not None
        function = _evaluate_sample if uses_samples else _evaluate_completion
        scored = eval_session.score or settings.score or eval_session.ini_score
        items: list[pytest.Item] = []
        fixtureinfo = None
        names: dict[str, tuple[int, int]] = {}  # item name -> (line, sample)
        for number, case in cases:
            task_id = str(case["task_id"])
            eval_session.collected_tasks.add(task_id)
            samples = eval_session.samples_for(task_id)
            count = len(samples) if samples else settings.n if samples is None else 1
            for index in range(count):
                # pytest splits node ids at '::': written as in a URL, the item stays
                # selectable; a control character would act on the terminal: its escape.
                name = escape_hidden(task_id.replace("::", "%3A%3A"))
                name = name if count == 1 else f"{name}[{index}]"
                if name in names:  # 'c' sample 1 and a case 'c[1]': one node id, two items
                    line, sample = names[name]
                    raise self.CollectError(
                        f"{self.nodeid}:{number}: task_id {task_id!r} gives the item name "
                        f"{name!r} of line {line}'s sample {sample}; rename one of them"
                    )
                names[name] = (number, index)
                item = FIMCaseItem.from_parent(
                    self, name=name, callobj=function, fixtureinfo=fixtureinfo
                )
                fixtureinfo = item._fixtureinfo  # the same for every case of the file
                if "[" in name:
                    _id_as_parsed(item)
                item.setup_case(case, number, index, settings, scored, samples)
                items.append(item)
        return items


def _id_as_parsed(item: pytest.Item) -> None:
    """Give an item named ``task[1]`` the node id its text parses to.

    pytest 9.2 compares structured node ids, and reads ``file::task[1]`` back
    (from --lf's cache) as name ``task`` with params ``1``; built from the
    name alone, the item's would be name ``task[1]``, and --lf would miss it.
    Older pytest compares the text, which is the same either way.
    """
    node_id = getattr(item, "_id", None)
    parse = getattr(type(node_id), "parse", None)
    if callable(parse):
        setattr(item, "_id", parse(str(node_id)))  # noqa: B010 - typed only in pytest 9.2+


def _await(awaitable: Any, fail: Any) -> object:
    """The result of an awaitable fim_complete gave, in an event loop of its own."""
    import asyncio

    async def result() -> object:
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(result())
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()  # never awaited: no warning on top of the failure
    fail(
        "fim_complete returned an awaitable inside a running event loop; "
        "expected a completion, or an awaitable this item can run in a loop of its own"
    )
    return None


def _evaluate_completion(fim_complete: Any) -> None:
    """Score the completion the user's fim_complete gives (run by FIMCaseItem.runtest)."""


def _evaluate_sample() -> None:
    """Score this item's sample from the --fim-samples file (run by FIMCaseItem.runtest)."""


class FIMCaseItem(pytest.Function):
    """One sample of one case: passes when every scored criterion holds."""

    case: dict[str, Any]
    line: int
    sample: int
    settings: FileSettings
    scored: tuple[str, ...]
    sample_text: str | None
    execution: Future[tuple[int | None, list[str], float]] | None
    record: dict[str, Any] | None
    failure: BaseException | None
    program_seconds: float | None

    def setup_case(
        self,
        case: dict[str, Any],
        line: int,
        sample: int,
        settings: FileSettings,
        scored: tuple[str, ...],
        samples: list[str] | None,
    ) -> None:
        """Attach the case (kept as parsed: nothing more is done until the item runs)."""
        self.case = case
        self.line = line
        self.sample = sample
        self.settings = settings
        self.scored = scored
        self.sample_text = samples[sample] if samples else None
        self.execution = None
        self.record = None
        self.failure = None
        self.program_seconds = None

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the case is: its file and line."""
        return self.path, self.line - 1, self.name

    @property
    def timeout(self) -> float:
        """This case's test program timeout: the file's header, else --fim-eval-timeout."""
        return self.settings.timeout or _session(self.config).timeout

    def program(self) -> str | None:
        """The test program when it is known before the item runs (samples) and scored."""
        if self.sample_text is None or "passes_tests" not in self.scored:
            return None
        from pytest_fim.eval._judge import program_of

        return program_of(self.case, self.sample_text)

    def runtest(self) -> None:
        """Judge the completion: the fixture's (its arguments name it) or the sample."""
        __tracebackhide__ = True
        complete = self.funcargs.get("fim_complete") if self.sample_text is None else None
        self.record = self._record(None)
        if complete is not None and not callable(complete):
            self._fail(
                f"fim_complete must return a callable(case) -> completion, "
                f"got {type(complete).__name__}"
            )
        self.evaluate(complete)

    def evaluate(self, complete: Any) -> None:
        """Get the completion, judge it, keep the record; fail with the readable text."""
        __tracebackhide__ = True
        from pytest_fim.eval._judge import judge
        from pytest_fim.problems import FIMAssertionError

        eval_session = _session(self.config)
        self.record = self._record(None)
        if complete is None:
            if self.sample_text is None:
                self._fail(
                    f"no sample for task {self.case['task_id']!r} in "
                    f"{eval_session.samples_path} (--fim-samples)"
                )
            completion: object = self.sample_text
        else:
            case = dict(self.case, sample=self.sample)
            completion = complete(case)
            if inspect.isawaitable(completion):  # an async completion source
                completion = _await(completion, self._fail)
        judgement = judge(
            self.case,
            completion,
            scored=self.scored,
            skip=(*eval_session.skip, *self.settings.skip),
            language=self.settings.language or "python",
            reference_mode=self.settings.reference or eval_session.reference,
            timeout=self.timeout,
            execution=self.execution,
            execute=lambda program: eval_session.execute(program, self.timeout),
        )
        self.execution = None  # its output is in the judgement now
        self.record.update(
            completion=judgement.completion,
            exact_match=judgement.exact_match,
            edit_similarity=judgement.edit_similarity,
            passed_tests=judgement.passed_tests,
            checks_failed=judgement.checks_failed,
            failure=judgement.failure,
        )
        # A program started early may be done before its item runs: its own time counts.
        self.program_seconds = judgement.program_seconds
        for key in ("exact_match", "edit_similarity", "passed_tests"):
            if self.record[key] is not None:
                self.user_properties.append((f"fim_eval.{key}", self.record[key]))
        self.user_properties.append(("fim_eval.checks_failed", ",".join(judgement.checks_failed)))
        if judgement.failure is not None:
            self.failure = FIMAssertionError(
                judgement.failure.split("\n")[0], message=judgement.failure
            )
            raise self.failure

    def _fail(self, message: str) -> None:
        __tracebackhide__ = True
        from pytest_fim.problems import FIMAssertionError

        assert self.record is not None
        self.record["failure"] = message
        self.failure = FIMAssertionError(message)
        raise self.failure

    def _record(self, failure: str | None) -> dict[str, Any]:
        """The item's record before it is judged (the JSONL layout)."""
        return {
            "nodeid": self.nodeid,
            "file": self.nodeid.split("::")[0],
            "task_id": self.case["task_id"],
            "sample": self.sample,
            "outcome": "failed",
            "seconds": 0.0,
            "exact_match": None,
            "edit_similarity": None,
            "passed_tests": None,
            "checks_failed": [],
            "failure": failure,
            "prompt": self.case["prompt"],
            "suffix": self.case["suffix"],
            "completion": self.sample_text,
            "canonical_solution": self.case.get("canonical_solution"),
            "scored": list(self.scored),
        }

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """The judgement's text alone for a scored failure; pytest's report otherwise."""
        if self.failure is not None and excinfo.value is self.failure:
            return str(excinfo.value)
        return super().repr_failure(excinfo)


# ------------------------------------------------------------------ hooks


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say up front that passes_tests will run model-written code."""
    eval_session = config.stash.get(SESSION, None)
    scored = (eval_session.score or eval_session.ini_score) if eval_session else ()
    return _PASSES_TESTS_WARNING if "passes_tests" in scored else None


def pytest_collection_finish(session: pytest.Session) -> None:
    """With samples the programs are known now: start them all, in the order items run.

    Skipped in a pytest-xdist worker, which runs only the items sent to it
    (each starts its own program when it runs).
    """
    eval_session = session.config.stash.get(SESSION, None)
    if eval_session is None or eval_session.samples_path is None:
        return
    if not eval_session.is_controller or session.config.option.collectonly:
        return
    for item in session.items:
        if isinstance(item, FIMCaseItem):
            program = item.program()
            if program is not None:
                item.execution = eval_session.execute(program, item.timeout)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """Put the item's record on the report that ends it (call, or a setup that did not pass)."""
    outcome = yield
    if not isinstance(item, FIMCaseItem):
        return
    report: pytest.TestReport = outcome.get_result()
    if call.when == "call" or (call.when == "setup" and report.outcome != "passed"):
        record = item.record or item._record(None)
        item.record = None
        record["outcome"] = report.outcome
        if call.when == "setup" and report.outcome == "failed":
            record["outcome"] = "error"
        record["seconds"] = round(max(report.duration, item.program_seconds or 0.0), 6)
        if report.outcome != "passed" and record["failure"] is None:
            record["failure"] = _failure_text(report)
        setattr(report, RECORD, record)


def _failure_text(report: pytest.TestReport) -> str:
    if report.outcome == "skipped" and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    text = str(report.longreprtext or "")
    return text[-4000:]


def ensure(config: pytest.Config) -> EvalSession:
    """The run's evaluation session: read the options (``UsageError`` for bad ones) and
    register these hooks, the first time something needs them."""
    import sys

    eval_session = config.stash.get(SESSION, None)
    if eval_session is None:
        eval_session = EvalSession.from_config(config)
        config.stash[SESSION] = eval_session
        config.pluginmanager.register(sys.modules[__name__], "fim-eval")
    return eval_session


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Score the run, write the reports, apply the gate to the exit status."""
    eval_session = session.config.stash.get(SESSION, None)
    if eval_session is None:
        return
    if eval_session.pool is not None:
        eval_session.pool.shutdown()
    # --collect-only scores nothing: a gate would fail on the cases that did not run.
    if not eval_session.is_controller or session.config.option.collectonly:
        return
    config = session.config
    wanted = (
        eval_session.records
        or eval_session.gates
        or eval_session.baseline
        or config.getoption("fim_eval_report")
        or config.getoption("fim_eval_html")
    )
    if not wanted:
        return
    report = _build(eval_session)
    eval_session.report = report
    _write(eval_session, report)
    failing_items = any(record["outcome"] == "failed" for record in eval_session.records)
    # An item that errors at setup (no completion source, a broken fixture) is a
    # broken suite, not a score: --fim-eval-no-fail does not forgive it.
    erring_items = any(record["outcome"] == "error" for record in eval_session.records)
    if (
        config.getoption("fim_eval_no_fail")
        and session.exitstatus == pytest.ExitCode.TESTS_FAILED
        and not eval_session.recorder.other_failures
        and failing_items
        and not erring_items
    ):
        session.exitstatus = pytest.ExitCode.OK
    if (
        not report["gate"]["passed"] or eval_session.unwritten
    ) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _build(eval_session: EvalSession) -> dict[str, Any]:
    from pytest_fim.eval._scores import build_report

    records = eval_session.records
    scored = list(dict.fromkeys(name for record in records for name in record.get("scored", ())))
    checks: list[str] = []
    if "fills_hole" in scored:
        from pytest_fim.quality._checks import CHECKS

        checks = list(CHECKS)
    report_path = eval_session.config.getoption("fim_eval_report")
    report = build_report(
        records,
        k_values=eval_session.k_values,
        scored=scored,
        checks=checks,
        gates=eval_session.gates,
        baseline=eval_session.baseline,
        max_drop=eval_session.max_drop,
        items_name=items_path(report_path).name if report_path else None,
    )
    if (eval_session.gates or eval_session.max_drop is not None) and not records:
        report["gate"] = {
            "passed": False,
            "bounds": [*report["gate"]["bounds"], "cases >= 1"],
            "failures": [{"metric": "cases", "value": 0, "bound": ">= 1 scored case", "worst": []}],
        }
    return report


def _write(eval_session: EvalSession, report: dict[str, Any]) -> None:
    """Write the reports asked for; one that cannot be written is noted, the others still are."""
    for write, option in ((_write_report, "fim_eval_report"), (_write_html, "fim_eval_html")):
        try:
            write(eval_session, report)
        except OSError as exc:
            target = str(eval_session.config.getoption(option))
            where = f"{exc.filename}: " if exc.filename and str(exc.filename) != target else ""
            eval_session.unwritten.append(f"cannot write {target}: {where}{exc.strerror or exc}")


def _write_report(eval_session: EvalSession, report: dict[str, Any]) -> None:
    report_path = eval_session.config.getoption("fim_eval_report")
    if report_path:
        path = Path(report_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        items = items_path(path)
        # A lone surrogate (valid in JSON text, not in UTF-8) is written as its JSON escape.
        with items.open("w", encoding="utf-8", errors="backslashreplace") as sink:
            for record in eval_session.records:
                sink.write(json.dumps(_public(record), ensure_ascii=False) + "\n")
        path.write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
            errors="backslashreplace",
        )
        eval_session.written += [str(path), str(items)]


def _write_html(eval_session: EvalSession, report: dict[str, Any]) -> None:
    html_path = eval_session.config.getoption("fim_eval_html")
    if html_path:
        from pytest_fim.eval import render_html

        path = Path(html_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        items = [_public(record) for record in eval_session.records]
        path.write_text(render_html(report, items), encoding="utf-8", errors="backslashreplace")
        eval_session.written.append(str(path))


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """A record in the JSONL layout (the internal ``scored`` key left out)."""
    return {key: value for key, value in record.items() if key != "scored"}


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The table per case file, the slowest cases, the gate's verdict, files written."""
    eval_session = config.stash.get(SESSION, None)
    if eval_session is None or eval_session.report is None:
        return
    from pytest_fim.eval._summary import summary_lines

    terminalreporter.write_sep("=", "pytest-fim eval")
    if any("passes_tests" in record.get("scored", ()) for record in eval_session.records):
        terminalreporter.write_line(_PASSES_TESTS_WARNING.replace("runs", "ran"), yellow=True)
    for line, markup in summary_lines(eval_session.report, eval_session.records):
        terminalreporter.write_line(line, **markup)
    if (
        eval_session.samples
        and not config.getoption("deselect")
        and not config.getoption("keyword")
    ):
        # The cases collected, not those run: -x or --maxfail may stop before some.
        scored = eval_session.collected_tasks or {
            str(record["task_id"]) for record in eval_session.records
        }
        unused = [task for task in eval_session.samples if task not in scored]
        if unused:
            from pytest_fim._visible import escape_hidden

            shown = ", ".join(map(escape_hidden, unused[:5])) + (", …" if len(unused) > 5 else "")
            terminalreporter.write_line(
                f"--fim-samples: {len(unused)} task(s) with samples matched no case: {shown}",
                yellow=True,
            )
    for path in eval_session.written:
        terminalreporter.write_line(f"wrote {os.path.relpath(path)}")
    for problem in eval_session.unwritten:
        terminalreporter.write_line(f"pytest-fim eval: {problem}", red=True, bold=True)
