"""Judging one sample of a case: the record of its scores and its failure text.

Each criterion fails with the text its assertion gives
(:func:`~pytest_fim.assert_fills_hole`, :func:`~pytest_fim.assert_passes_tests`,
:func:`~pytest_fim.assert_matches_reference`), so an evaluation item reads as
a test that calls them would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from pytest_fim.problems import FIMAssertionError

__all__ = ["Judgement", "judge", "program_of"]

#: Runs a program (the joined file and its tests); gives its exit status
#: (None after a timeout) and its last output lines.
Execute = Callable[[str], "Future[tuple[int | None, list[str], float]]"]


@dataclass
class Judgement:
    """What one sample scored; ``failure`` the readable text when it fails (None: passed)."""

    completion: str
    exact_match: bool | None
    edit_similarity: float | None
    passed_tests: bool | None
    checks_failed: list[str]
    failure: str | None
    program_seconds: float | None = None


def program_of(case: dict[str, Any], completion: str) -> str | None:
    """The test program of ``case`` filled with ``completion``; None without a ``test``."""
    from pytest_fim.quality._execute import joined_program

    if not case.get("test"):
        return None
    return joined_program(
        case["prompt"], completion, case["suffix"], case["test"], case.get("entry_point") or None
    )


def judge(
    case: dict[str, Any],
    completion: object,
    *,
    scored: Sequence[str],
    skip: Sequence[str],
    language: str,
    reference_mode: tuple[str, float | None],
    timeout: float,
    execution: Future[tuple[int | None, list[str], float]] | None = None,
    execute: Execute | None = None,
) -> Judgement:
    """Score ``completion`` (text or a response) for ``case`` by the criteria in ``scored``.

    ``execution`` is the test program's run when it was started early;
    otherwise ``execute`` starts it. Never raises for a bad completion: that
    is a failure in the judgement.
    """
    from pytest_fim.inputs import completion_text
    from pytest_fim.quality._reference import edit_similarity

    try:
        text, _ = completion_text(completion)
    except (FIMAssertionError, TypeError) as exc:
        message = str(exc)
        if isinstance(exc, TypeError):
            message = f"the completion source gave no completion: {exc}"
        return Judgement("", None, None, None, [], message)
    reference = case.get("canonical_solution")
    judgement = Judgement(
        completion=text,
        exact_match=text == reference if reference is not None else None,
        edit_similarity=edit_similarity(text, reference) if reference is not None else None,
        passed_tests=None,
        checks_failed=[],
        failure=None,
    )
    found: dict[str, str | None] = {}
    if "fills_hole" in scored:
        found["fills_hole"] = _fills_hole(case, completion, skip, language, judgement)
    if "passes_tests" in scored:
        found["passes_tests"] = _passes_tests(case, text, timeout, execution, execute, judgement)
    if "matches_reference" in scored:
        found["matches_reference"] = _matches_reference(case, text, reference_mode)
    failures = [(name, message) for name, message in found.items() if message]
    if len(failures) == 1:
        judgement.failure = failures[0][1]
    elif failures:
        names = ", ".join(name for name, _ in failures)
        parts = [f"{len(failures)} of {len(scored)} scored criteria fail: {names}"]
        parts.extend(f"[{name}] {message}" for name, message in failures)
        judgement.failure = "\n".join(parts)
    return judgement


def _fills_hole(
    case: dict[str, Any],
    completion: object,
    skip: Sequence[str],
    language: str,
    judgement: Judgement,
) -> str | None:
    from pytest_fim._text import plural
    from pytest_fim.problems import render
    from pytest_fim.quality import fill_problems
    from pytest_fim.quality._checks import CHECKS

    skipped = set(skip)
    if case.get("checks"):
        skipped |= set(CHECKS) - set(case["checks"])
    problems = fill_problems(
        case["prompt"],
        completion,
        case["suffix"],
        language=case.get("language") or language,
        reference=case.get("canonical_solution"),
        skip=sorted(skipped),
    )
    judgement.checks_failed = list(dict.fromkeys(problem.check for problem in problems))
    if not problems:
        return None
    return render(
        f"the completion does not fit the hole ({plural(len(problems), 'problem')}):", problems
    )


def _passes_tests(
    case: dict[str, Any],
    text: str,
    timeout: float,
    execution: Future[tuple[int | None, list[str], float]] | None,
    execute: Execute | None,
    judgement: Judgement,
) -> str | None:
    from pytest_fim.quality._execute import tests_failure

    if execution is None:
        program = program_of(case, text)
        if program is None:
            judgement.passed_tests = False
            return "passes_tests is scored but the case has no test (add a 'test' field)"
        if execute is None:  # pragma: no cover - the plugin always hands one over
            from pytest_fim.eval._pool import run_now

            execute = run_now
        execution = execute(program)
    try:
        returncode, output, judgement.program_seconds = execution.result()
    except Exception as exc:  # the pool itself failed: the item fails, the run goes on
        judgement.passed_tests = False
        return f"the test program could not be run: {type(exc).__name__}: {exc}"
    failure = tests_failure(returncode, output, timeout)
    judgement.passed_tests = failure is None
    return None if failure is None else str(failure)


def _matches_reference(
    case: dict[str, Any], text: str, reference_mode: tuple[str, float | None]
) -> str | None:
    from pytest_fim.quality import assert_matches_reference

    reference = case.get("canonical_solution")
    if reference is None:
        return (
            "matches_reference is scored but the case has no canonical_solution "
            "(add the known correct middle)"
        )
    mode, threshold = reference_mode
    try:
        assert_matches_reference(
            text,
            reference,
            mode=mode,
            threshold=threshold,
            prefix=case["prompt"],
            suffix=case["suffix"],
        )
    except FIMAssertionError as exc:
        return str(exc)
    except ValueError as exc:  # mode='ast' on a reference that does not parse
        return f"matches_reference cannot compare: {exc}"
    return None
