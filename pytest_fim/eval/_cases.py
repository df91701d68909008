"""Reading case files (``*.fim.jsonl``, ``*.fim.jsonl.gz``) and samples files.

A case is HumanEval-infilling's form: ``task_id``, ``prompt`` (the code
before the hole), ``suffix`` (the code after it), and optionally
``canonical_solution`` (a known correct middle), ``test`` and
``entry_point``; plus ``language`` and ``checks`` (the quality checks to
run for this case, by name; default all). A first line of the form
``{"fim_eval": {...}}`` is the file's header: its settings (see
:class:`FileSettings`).

Kept lean for collection: one ``json.loads`` and a few type checks a line,
no pydantic (a 10,000-case file collects in well under a second).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "SCORES",
    "CaseFileError",
    "FileSettings",
    "parse_reference",
    "parse_scores",
    "read_case_file",
    "read_samples",
]

#: What a run can score, in the order the failure text reports them.
SCORES = ("fills_hole", "passes_tests", "matches_reference")
#: Case fields and the types they take (``checks`` is checked on its own).
_REQUIRED = ("task_id", "prompt", "suffix")
_OPTIONAL_TEXT = ("canonical_solution", "test", "entry_point", "language")
_HEADER_KEYS = ("score", "skip", "reference", "timeout", "n", "language")


class CaseFileError(ValueError):
    """A case or samples file that cannot be read: names the file, the line and what is wrong."""


@dataclass(frozen=True)
class FileSettings:
    """How a case file is scored, from its header (keys as the fields here).

    ``score``: names from :data:`SCORES` (None: the run's choice); ``skip``:
    quality checks left out; ``reference``: ``"MODE"`` or
    ``"edit_similarity:THRESHOLD"`` for matches_reference; ``timeout``:
    seconds a case's test program may run; ``n``: samples per case asked of
    ``fim_complete``; ``language``: the default language of the cases.
    """

    score: tuple[str, ...] | None = None
    skip: tuple[str, ...] = ()
    reference: tuple[str, float | None] | None = None
    timeout: float | None = None
    n: int = 1
    language: str | None = None


def parse_scores(text: str, where: str) -> tuple[str, ...]:
    """``"fills_hole,passes_tests"`` as a tuple; ``ValueError`` naming an unknown score."""
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in SCORES]
    if unknown or not names:
        raise ValueError(
            f"{where}: unknown score {', '.join(map(repr, unknown)) or repr(text)}; "
            f"expected a comma list of {', '.join(SCORES)}"
        )
    return names


def parse_reference(text: str, where: str) -> tuple[str, float | None]:
    """``"exact"`` or ``"edit_similarity:80"`` as (mode, threshold); ``ValueError`` otherwise."""
    from pytest_fim.quality._reference import MODES

    known = (*MODES, "ast", "edit_similarity")
    mode, _, threshold_text = text.strip().partition(":")
    if mode not in known:
        raise ValueError(
            f"{where}: unknown reference mode {mode!r}; expected one of {', '.join(known)} "
            f"(edit_similarity as 'edit_similarity:THRESHOLD', 0-100)"
        )
    if mode != "edit_similarity":
        if threshold_text:
            raise ValueError(f"{where}: only edit_similarity takes a threshold, got {text!r}")
        return mode, None
    try:
        threshold = float(threshold_text)
    except ValueError:
        threshold = -1.0
    if not 0 <= threshold <= 100:
        raise ValueError(
            f"{where}: edit_similarity needs a threshold from 0 to 100 "
            f"('edit_similarity:80'), got {text!r}"
        )
    return mode, threshold


def _open_lines(path: Path) -> Iterator[str]:
    # utf-8-sig: a byte order mark (Windows tools write one) is not part of the first line.
    if path.name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8-sig") as source:
            yield from source
    else:
        with path.open(encoding="utf-8-sig") as source:
            yield from source


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) for each non-blank line; ``CaseFileError`` on bad JSON."""
    try:
        for number, line in enumerate(_open_lines(path), 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise CaseFileError(
                    f"{path}:{number}: not JSON ({exc.msg} at column {exc.colno})"
                ) from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{path}: cannot be read: {exc}") from None


def _header(data: dict[str, Any], where: str) -> FileSettings:
    settings = data["fim_eval"]
    if not isinstance(settings, dict):
        raise CaseFileError(f"{where}: the header's fim_eval must be an object of settings")
    unknown = sorted(set(settings) - set(_HEADER_KEYS))
    if unknown:
        raise CaseFileError(
            f"{where}: unknown header setting {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(_HEADER_KEYS)}"
        )
    try:
        score = settings.get("score")
        if isinstance(score, list):
            score = ",".join(map(str, score))
        skip = settings.get("skip", [])
        if not (isinstance(skip, list) and all(isinstance(name, str) for name in skip)):
            raise ValueError(f"{where}: skip must be a list of check names, got {skip!r}")
        _known_checks(skip, f"{where}: skip")
        reference = settings.get("reference")
        timeout = settings.get("timeout")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise ValueError(f"{where}: timeout must be a positive number of seconds")
        n = settings.get("n", 1)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{where}: n must be a positive integer, got {n!r}")
        language = settings.get("language")
        if language is not None:
            language = _known_language(language, f"{where}: language")
        return FileSettings(
            score=parse_scores(str(score), f"{where}: score") if score is not None else None,
            skip=tuple(skip),
            reference=parse_reference(str(reference), f"{where}: reference")
            if reference is not None
            else None,
            timeout=float(timeout) if timeout is not None else None,
            n=n,
            language=language,
        )
    except ValueError as exc:
        raise CaseFileError(str(exc)) from None


def _known_checks(names: list[str], where: str) -> None:
    from pytest_fim.quality._checks import CHECKS

    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise ValueError(
            f"{where}: unknown check {', '.join(map(repr, unknown))}; "
            f"the checks are {', '.join(CHECKS)}"
        )


def _known_language(language: object, where: str) -> str:
    from pytest_fim.quality._arguments import _ALIASES, LANGUAGES

    named = language.strip().lower() if isinstance(language, str) else ""
    if _ALIASES.get(named, named) not in LANGUAGES:
        raise ValueError(
            f"{where}: unknown language {language!r}; "
            f"expected one of {', '.join(sorted(LANGUAGES))}"
        )
    return named


def _case_problem(data: Any) -> str | None:
    """What is wrong with one case's fields; None when nothing is."""
    if not isinstance(data, dict):
        return f"a case must be a JSON object, got {type(data).__name__}"
    missing = [name for name in _REQUIRED if name not in data]
    if missing:
        return f"missing {', '.join(missing)} (a case needs task_id, prompt and suffix)"
    task_id = data["task_id"]
    if not isinstance(task_id, (str, int)) or isinstance(task_id, bool) or task_id == "":
        return f"task_id must be a non-empty string, got {task_id!r}"
    for name in ("prompt", "suffix"):
        if not isinstance(data[name], str):
            return f"{name} must be a string, got {type(data[name]).__name__}"
    for name in _OPTIONAL_TEXT:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name} must be a string or null, got {type(value).__name__}"
    entry_point = data.get("entry_point")
    if entry_point and not entry_point.isidentifier():  # it is called: check(entry_point)
        return f"entry_point must be a function name, got {entry_point!r}"
    checks = data.get("checks")
    if checks is not None and not (
        isinstance(checks, list) and all(isinstance(name, str) for name in checks)
    ):
        return f"checks must be a list of check names, got {checks!r}"
    return None


def read_case_file(path: Path) -> tuple[FileSettings, list[tuple[int, dict[str, Any]]]]:
    """The header's settings and every (line number, case) of a case file.

    Raises :class:`CaseFileError` naming the file, the line and what is
    wrong: bad JSON, a missing or mistyped field, a repeated task_id, an
    unknown check or language.
    """
    settings = FileSettings()
    cases: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    languages: set[str] = set()
    check_names: set[str] = set()
    for number, data in _lines(path):
        where = f"{path}:{number}"
        if not cases and not seen and isinstance(data, dict) and "fim_eval" in data:
            settings = _header(data, where)
            continue
        if isinstance(data, dict) and "fim_eval" in data:
            raise CaseFileError(
                f'{where}: a header {{"fim_eval": ...}} must be the file\'s first line '
                f"(the cases start at line {cases[0][0]})"
            )
        problem = _case_problem(data)
        if problem is not None:
            raise CaseFileError(f"{where}: {problem}")
        task_id = str(data["task_id"])
        if task_id in seen:
            raise CaseFileError(f"{where}: task_id {task_id!r} repeats line {seen[task_id]}")
        seen[task_id] = number
        if data.get("language") is not None:
            languages.add(data["language"])
        if data.get("checks"):
            check_names.update(data["checks"])
        cases.append((number, data))
    # Checked once per distinct value, not per case: a big file stays cheap to collect.
    try:
        for language in languages:
            _known_language(language, f"{path}: a case's language")
        if check_names:
            _known_checks(sorted(check_names), f"{path}: a case's checks")
    except ValueError as exc:
        raise CaseFileError(_locate(str(exc), path, cases, languages, check_names)) from None
    return settings, cases


def _locate(
    message: str,
    path: Path,
    cases: list[tuple[int, dict[str, Any]]],
    languages: set[str],
    check_names: set[str],
) -> str:
    """Put the line of the first case holding the bad value into the message."""
    for number, data in cases:
        if (data.get("language") is not None and repr(data["language"]) in message) or any(
            repr(name) in message for name in data.get("checks") or ()
        ):
            return message.replace(f"{path}:", f"{path}:{number}:", 1)
    return message


def read_samples(path: Path) -> dict[str, list[str]]:
    """HumanEval's samples form, ``{task_id, completion}`` a line, grouped by task in order.

    Raises :class:`CaseFileError` naming the file, the line and what is wrong.
    """
    samples: dict[str, list[str]] = {}
    for number, data in _lines(path):
        where = f"{path}:{number}"
        if not isinstance(data, dict) or "task_id" not in data or "completion" not in data:
            raise CaseFileError(
                f"{where}: a sample must be an object with task_id and completion, "
                f"got {str(data)[:80]}"
            )
        if not isinstance(data["completion"], str):
            raise CaseFileError(
                f"{where}: completion must be a string, got {type(data['completion']).__name__}"
            )
        samples.setdefault(str(data["task_id"]), []).append(data["completion"])
    return samples
