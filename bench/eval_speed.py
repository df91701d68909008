"""Scoring HumanEval-infilling with execution: pytest-fim against the benchmark's own harness.

The figure (issue 14): scoring the 1,033 single-line canonical fills with
execution takes at most 1.0x the wall time of the human-eval-infilling
harness's ``evaluate_functional_correctness`` on the same samples, in the same
run, on the same machine.

The harness (https://github.com/openai/human-eval-infilling, MIT) is used for
this comparison only and is never part of pytest-fim: the script clones it into
a work folder (``--workdir``, default a temporary one), enables the execution
call it ships commented out (in that copy only), installs its requirements into
a virtual environment there, and runs it on a samples file of the canonical
solutions. ``--harness`` names where to clone from (a checkout or a git
directory; default the GitHub repository). Both sides read the same
``HumanEval-SingleLineInfilling.jsonl.gz`` from DATA_DIR (or
``$PYTEST_FIM_DATA``): the harness's copy of the set is replaced by it.

Our side is the command a user runs:
``pytest single-line.fim.jsonl.gz --fim-samples=samples.jsonl
--fim-eval-score=passes_tests -p no:cacheprovider -q``. Each side runs as a
process of its own, timed from outside (start-up included for both), and
alternately, ``--rounds`` times (default 3); the best of each counts. Both must
find every canonical fill correct, or the figure does not count.

WARNING: both sides execute the benchmark's programs on this machine.

Run: ``python bench/eval_speed.py [DATA_DIR] [--harness PATH] [--workdir DIR]``.
Exit status 1 if the figure misses its target or the two sides disagree.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _data import add_data_argument, data_folder
from _table import Row, print_table

SET = "HumanEval-SingleLineInfilling.jsonl.gz"
ROWS = 1033
TARGET = 1.0
HARNESS_REPO = "https://github.com/openai/human-eval-infilling"
HARNESS_ENV = "PYTEST_FIM_HARNESS"
#: The line the harness ships commented out (with its warning above it).
DISABLED_EXEC = re.compile(r"^#(\s*exec\(check_program, exec_globals\))$", re.M)
ENABLED_EXEC = re.compile(r"^\s+exec\(check_program, exec_globals\)$", re.M)

#: Runs the harness's own function on the samples and prints its pass@1 (JSON).
HARNESS_RUN = """
import json, sys
sys.path.insert(0, sys.argv[1])
from human_eval_infilling.evaluation import evaluate_functional_correctness
scores = evaluate_functional_correctness("single-line", sys.argv[2], k=[1])
print(json.dumps({name: float(value) for name, value in scores.items()}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument(
        "--harness",
        default=os.environ.get(HARNESS_ENV, HARNESS_REPO),
        help=f"where to clone human-eval-infilling from: a checkout, a git directory or a URL "
        f"(default: ${HARNESS_ENV}, else {HARNESS_REPO})",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="folder for the harness's copy, its environment and the samples (kept, reused); "
        "default: a temporary folder, removed afterwards",
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side (best counts)")
    args = parser.parse_args()
    data = data_folder(parser, args.data)
    if not (data / SET).is_file():
        parser.error(f"{data} has no {SET}")
    if args.workdir is None:
        with tempfile.TemporaryDirectory(prefix="pytest-fim-eval-speed-") as folder:
            return run(data / SET, args.harness, Path(folder), args.rounds)
    args.workdir.mkdir(parents=True, exist_ok=True)
    return run(data / SET, args.harness, args.workdir.resolve(), args.rounds)


def run(cases: Path, harness_source: str, workdir: Path, rounds: int) -> int:
    rows = read_rows(cases)
    if len(rows) != ROWS:
        print(f"expected {ROWS} rows in {cases}, found {len(rows)}", file=sys.stderr)
        return 1
    harness = prepare_harness(harness_source, workdir, cases)
    python = harness_python(workdir / "harness-venv", harness)
    ours = workdir / "ours"
    ours.mkdir(exist_ok=True)
    shutil.copyfile(cases, ours / "single-line.fim.jsonl.gz")
    (ours / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # nothing from around it
    samples = workdir / "samples.jsonl"
    with samples.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(
                json.dumps({"task_id": row["task_id"], "completion": row["canonical_solution"]})
            )
            out.write("\n")

    print(
        f"{len(rows):,} canonical single-line fills, with execution; {os.cpu_count()} cores; "
        f"harness: evaluate_functional_correctness (its defaults: 4 threads, 3 s timeout); "
        f"pytest-fim: --fim-eval-workers default ({os.cpu_count()}), timeout default"
    )
    theirs_times: list[float] = []
    ours_times: list[float] = []
    agree = True
    for _ in range(rounds):
        seconds, pass_at_1 = time_harness(python, harness, samples)
        theirs_times.append(seconds)
        agree &= pass_at_1 == 1.0
        seconds, passed = time_ours(ours, samples)
        ours_times.append(seconds)
        agree &= passed == len(rows)
        print(
            f"  round: harness {theirs_times[-1]:.1f} s (pass@1 {pass_at_1}), "
            f"pytest-fim {ours_times[-1]:.1f} s ({passed} passed)",
            flush=True,
        )
    row = Row(
        f"score {len(rows):,} single-line canonical fills with execution (best of {rounds})",
        min(ours_times),
        min(theirs_times),
        TARGET,
        unit="s",
        ref_name="human-eval-infilling's evaluate_functional_correctness",
    )
    passed_all = print_table([row])
    if not agree:
        print("the two sides did not both find every canonical fill correct: figure void")
    return 0 if passed_all and agree else 1


def read_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as source:
        return [json.loads(line) for line in source if line.strip()]


def prepare_harness(source: str, workdir: Path, cases: Path) -> Path:
    """A copy of the harness in ``workdir`` with its execution call enabled and our data."""
    copy = workdir / "human-eval-infilling"
    if not (copy / "human_eval_infilling").is_dir():
        shutil.rmtree(copy, ignore_errors=True)
        cloned = subprocess.run(["git", "clone", "--quiet", source, str(copy)])
        if cloned.returncode != 0:
            raise SystemExit(
                f"could not clone the harness from {source}: name a checkout or git directory "
                f"of openai/human-eval-infilling with --harness or ${HARNESS_ENV}"
            )
    execution = copy / "human_eval_infilling" / "execution.py"
    text = execution.read_text(encoding="utf-8")
    # Uncomment the one line, as its warning asks of whoever runs it (a space keeps
    # it inside its ``with`` block).
    enabled, count = DISABLED_EXEC.subn(r" \1", text)
    if count:
        execution.write_text(enabled, encoding="utf-8")
    elif not ENABLED_EXEC.search(text):
        raise SystemExit(f"{execution}: the execution call to enable was not found")
    # The harness reads the set from its own data folder: give it the same file as ours.
    shutil.copyfile(cases, copy / "data" / SET)
    return copy


def harness_python(folder: Path, harness: Path) -> Path:
    """A Python with the harness's requirements, in a virtual environment of its own."""
    python = folder / "bin" / "python"
    if not python.exists():
        venv.create(folder, with_pip=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "-r",
                str(harness / "requirements.txt"),
            ],
            check=True,
        )
    return python


def time_harness(python: Path, harness: Path, samples: Path) -> tuple[float, float]:
    """Wall seconds of one harness run, and the pass@1 it reports."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(python), "-c", HARNESS_RUN, str(harness), str(samples)],
        capture_output=True,
        text=True,
        cwd=samples.parent,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"the harness failed:\n{result.stderr[-3000:]}")
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    return seconds, float(scores.get("pass@1", float("nan")))


def time_ours(folder: Path, samples: Path) -> tuple[float, int]:
    """Wall seconds of one pytest run, and how many items passed."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "single-line.fim.jsonl.gz",
        f"--fim-samples={samples}",
        "--fim-eval-score=passes_tests",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=folder)
    seconds = time.perf_counter() - start
    found = re.search(r"(\d+) passed", result.stdout)
    if result.returncode not in (0, 1) or found is None:
        raise SystemExit(
            f"pytest failed (exit {result.returncode}):\n"
            f"{result.stdout[-3000:]}{result.stderr[-2000:]}"
        )
    return seconds, int(found.group(1))


if __name__ == "__main__":
    sys.exit(main())
