"""The repository stands alone: a fresh clone with nothing beside it passes its own tests.

Reference data (the HumanEval infilling sets, the API's example responses, an
example stream) is found only through ``$PYTEST_FIM_DATA``; without it the
tests that need it skip with one reason, and no file in the repository names
a place outside it. Tests time nothing: speed is measured in ``bench/``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _support import DATA_ENV, NO_DATA

ROOT = Path(__file__).resolve().parents[1]

#: Ways a file could reach past the checkout (split so this file does not match itself).
OUTSIDE = re.compile(
    "|".join(
        [
            r"\.\./" + "shared",
            "shared" + r"/data",
            r'"shared"\s*/',
            r"parents\[[2-9]\]",
            r"parent\.parent\.parent",
        ]
    )
)
#: Files allowed to name the folder beside the checkout, and why.
MAY_LOOK_BESIDE = {
    # CI passes the data folder to the tests when it is there, and runs without it.
    ".ci/run",
}


def tracked_files() -> list[Path]:
    """The files git tracks in this checkout, or skip outside a git checkout."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    return [ROOT / name for name in listing.decode().split("\0") if name]


def test_no_file_points_outside_the_repository() -> None:
    found = []
    for path in tracked_files():
        name = path.relative_to(ROOT).as_posix()
        if name in MAY_LOOK_BESIDE or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary
        found += [
            f"{name}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), 1)
            if OUTSIDE.search(line)
        ]
    assert found == []


#: Tests that need each kind of reference data, and test_quality_execute.py,
#: whose collection once needed it.
DATA_TESTS = (
    "test_reference_examples_are_valid or test_the_reference_stream "
    "or test_every_correct_humaneval_fill_passes "
    "or test_correct_multi_line_fills_pass_their_tests "
    "or test_a_wrong_fill_fails_with_the_tests_output"
)


def run_suite(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """pytest on this repository's tests in a fresh process, as a user would run it."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key != DATA_ENV and not key.startswith(("PYTEST_", "COV_"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-q",
            "-rs",
            *args,
        ],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={**clean, **env},
    )


def test_without_reference_data_the_suite_collects_and_skips() -> None:
    # All of tests/ is collected (a module that reads the data at collection
    # fails here); only the data tests run, and each skips with the one reason.
    result = run_suite({}, "tests", "-k", DATA_TESTS)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    skips = [line for line in output.splitlines() if line.startswith("SKIPPED")]
    assert skips, output
    assert all(line.endswith(NO_DATA) for line in skips), output
    assert re.search(r"^\d+ skipped, \d+ deselected in ", output, re.M), output


def test_a_data_folder_without_the_file_names_it(tmp_path: Path) -> None:
    result = run_suite(
        {DATA_ENV: str(tmp_path)}, "tests/test_stream.py", "-k", "test_the_reference_stream"
    )
    assert result.returncode == 0, result.stdout
    assert f"{DATA_ENV}={tmp_path} has no stream_example.sse" in result.stdout


#: Calls that read a clock; a test that uses one has a wall-clock limit.
CLOCK = re.compile(
    r"\b(perf_counter|monotonic|process_time|time\.time)(_ns)?\(|"
    r"\bdeadline\s*=\s*(?!None)"
)


def test_tests_time_nothing() -> None:
    # CI runs on two busy cores under xdist: a limit that holds on an idle
    # machine fails there. Growth and speed are bench/'s business.
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("tests", "examples")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CLOCK.search(line) and path != Path(__file__).resolve()
    ]
    assert found == []
