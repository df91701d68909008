"""Evaluation suites (issue 14): the machinery's own cost, without executing programs.

Two figures, each against its target:

- collecting a 10,000-case ``*.fim.jsonl`` file (pytest's collection phase,
  from ``pytest_collection`` to ``pytest_collection_finish``): under 2 s;
- per-item overhead of collection, scoring and the report without
  execution: the wall time of ``pytest --fim-samples ... --fim-eval-report``
  over 2,000 cases less the same run over 1 case, per case: at most 2 ms.
  Scored by ``matches_reference`` (exact match and edit similarity are
  computed for every item), so the figure is the machinery's, not the
  quality checks' (``quality_speed.py`` measures those).

The cases are made up here (no reference data needed). Run:
``python bench/eval_overhead.py``; exit status 1 if a figure fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _table import Row, print_table

TIMING_PLUGIN = """
import time

_START = []


def pytest_collection(session):
    _START.append(time.perf_counter())


def pytest_collection_finish(session):
    seconds = time.perf_counter() - _START[0]
    print(f"\\nCOLLECTION {seconds:.6f} {len(session.items)}")
"""


def write_cases(folder: Path, count: int) -> tuple[Path, Path]:
    """``count`` HumanEval-shaped cases and one sample each."""
    cases, samples = folder / "cases.fim.jsonl", folder / "samples.jsonl"
    with cases.open("w") as case_file, samples.open("w") as sample_file:
        for number in range(count):
            middle = f"    return values[{number % 7}] * {number}\n"
            case = {
                "task_id": f"Bench/{number}",
                "prompt": f"def pick_{number}(values):\n    '''Pick and scale.'''\n",
                "suffix": f"\n\ndef check(f):\n    assert f([1] * 8) == {number}\n",
                "canonical_solution": middle,
                "test": "",
                "entry_point": f"pick_{number}",
            }
            case_file.write(json.dumps(case) + "\n")
            sample_file.write(json.dumps({"task_id": case["task_id"], "completion": middle}) + "\n")
    return cases, samples


def pytest_run(folder: Path, *options: str) -> tuple[float, str]:
    """Wall time and output of pytest in ``folder`` (plugins as a user has them)."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options]
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, env=_env(folder), check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 5):
        raise RuntimeError(f"pytest failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def _env(folder: Path) -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(folder)}


def collection_seconds(count: int) -> float:
    """Best of three collections of a ``count``-case file."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_cases(folder, count)
        (folder / "bench_timing.py").write_text(TIMING_PLUGIN)
        best = float("inf")
        for _ in range(3):
            _, output = pytest_run(folder, "-p", "bench_timing", "--collect-only")
            line = next(line for line in output.splitlines() if line.startswith("COLLECTION"))
            seconds, items = line.split()[1:]
            assert int(items) == count, line
            best = min(best, float(seconds))
        return best


def per_item_ms(count: int) -> float:
    """(run over ``count`` cases - run over 1 case) / (count - 1), best of three each."""
    timings = {}
    for size in (1, count):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            _, samples = write_cases(folder, size)
            options = (
                f"--fim-samples={samples}",
                "--fim-eval-score=matches_reference",
                "--fim-eval-report=out/scores.json",
            )
            timings[size] = min(pytest_run(folder, *options)[0] for _ in range(3))
    return (timings[count] - timings[1]) / (count - 1) * 1000


def plain_per_item_ms(count: int) -> float:
    """The same difference for trivial parametrized tests: pytest's own cost per test here."""
    timings = {}
    for size in (1, count):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            (folder / "test_plain.py").write_text(
                "import pytest\n\n\n"
                f"@pytest.mark.parametrize('n', range({size}))\n"
                "def test_plain(n):\n    assert n >= 0\n"
            )
            timings[size] = min(pytest_run(folder)[0] for _ in range(3))
    return (timings[count] - timings[1]) / (count - 1) * 1000


def main() -> int:
    rows = [
        Row(
            "collect a 10,000-case .fim.jsonl file",
            collection_seconds(10_000),
            2.0,
            1.0,
            unit="s",
            ref_name="target",
        ),
        Row(
            "per-item overhead: collection + scoring + JSON/JSONL report, no execution "
            "(2,000 cases)",
            per_item_ms(2_000),
            2.0,
            1.0,
            unit="ms",
            ref_name="target",
        ),
    ]
    passed = print_table(rows)
    print(
        f"\nFor scale: pytest's own cost per test on this machine now, 2,000 trivial "
        f"parametrized tests: {plain_per_item_ms(2_000):.2f} ms."
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
