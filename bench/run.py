"""Run every benchmark and print their tables: figure, ours, reference, ratio, target, result.

Each script in bench/ measures the figures of one issue side by side with
their reference, in one run, and prints a Markdown table; this entry point
runs them all, prints the tables in issue order and fails if any figure
does. The scripts that need the HumanEval infilling sets are given the folder
of ``--data`` or ``$PYTEST_FIM_DATA``; without one they are not run, and the
last line says so. ``eval_speed.py`` also clones the human-eval-infilling
harness (from ``$PYTEST_FIM_HARNESS`` if set). The fuzz soak is long and runs
only when asked (``--soak N`` examples per entry point).

Run: ``python bench/run.py [--data DATA_DIR] [--soak 100000]``.
Exit status 1 if any figure fails or any script breaks.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import DATA_ENV, HELP, default_folder

HERE = Path(__file__).resolve().parent

#: Scripts in the order of the issues; a script that needs the reference data
#: is given its folder.
SCRIPTS: list[tuple[str, bool]] = [
    ("core_speed.py", False),
    ("diff_speed.py", False),
    ("stream_speed.py", False),
    ("mock_speed.py", False),
    ("clients_speed.py", False),
    ("quality_detection.py", True),
    ("quality_speed.py", True),
    ("cli_speed.py", False),
    ("fill_scaling.py", False),
    ("snapshot_speed.py", False),
    ("cassette_speed.py", False),
    ("eval_overhead.py", False),
    ("eval_speed.py", True),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_folder(), help=HELP)
    parser.add_argument(
        "--soak",
        type=int,
        default=0,
        help="also run the fuzz soak with this many examples per entry point",
    )
    args = parser.parse_args()
    failed: list[str] = []
    not_run: list[str] = []
    for script, needs_data in SCRIPTS:
        path = HERE / script
        if not path.exists():
            print(f"(skipping {script}: not present)", file=sys.stderr)
            continue
        if needs_data and args.data is None:
            not_run.append(script)
            continue
        command = [sys.executable, str(path)] + ([str(args.data)] if needs_data else [])
        print(f"running {script} …", file=sys.stderr, flush=True)
        result = subprocess.run(command, capture_output=True, text=True)
        # Each script prints its own table (figure, ours, reference, ratio,
        # target, result); they are shown one after another, in issue order.
        print(f"### {script}\n")
        print(result.stdout.strip() + "\n", flush=True)
        if result.returncode != 0:
            failed.append(script)
            sys.stderr.write(result.stderr[-2000:])
    if args.soak:
        print(f"\nfuzz soak, {args.soak:,} examples per entry point:", flush=True)
        soak = subprocess.run(
            [sys.executable, str(HERE / "fuzz_soak.py"), "--examples", str(args.soak)]
        )
        if soak.returncode != 0:
            failed.append("fuzz_soak.py")
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    if not_run:
        print(
            f"every figure run passes; not run, for want of the HumanEval sets "
            f"(--data DIR or {DATA_ENV}): {', '.join(not_run)}"
        )
        return 0
    print("every figure passes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
