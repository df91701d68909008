"""Run every benchmark and print one table: figure, ours, reference, ratio, target, result.

Each script in bench/ measures the figures of one issue side by side with
their reference, in one run, and prints its rows as a Markdown table; this
entry point runs them all and gathers the rows. The fuzz soak is long and
runs only when asked (``--soak N`` examples per entry point).

Run: ``python bench/run.py [--data ../shared/data] [--soak 100000]``.
Exit status 1 if any figure fails or any script breaks.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"

#: Scripts in the order of the issues; a script that needs the reference data
#: is given its folder.
SCRIPTS: list[tuple[str, bool]] = [
    ("core_speed.py", False),
    ("diff_speed.py", False),
    ("stream_speed.py", False),
    ("mock_speed.py", False),
    ("quality_detection.py", True),
    ("cli_speed.py", False),
]


def table_rows(output: str) -> list[str]:
    rows = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        if cells and cells[0].lower() in {"figure", "entry point", "mode", "check"}:
            continue
        rows.append(line.strip())
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the shared/data folder (HumanEval infilling sets)")
    parser.add_argument("--soak", type=int, default=0,
                        help="also run the fuzz soak with this many examples per entry point")
    args = parser.parse_args()
    failed: list[str] = []
    rows: list[str] = []
    for script, needs_data in SCRIPTS:
        path = HERE / script
        if not path.exists():
            print(f"(skipping {script}: not present)", file=sys.stderr)
            continue
        command = [sys.executable, str(path)] + ([str(args.data)] if needs_data else [])
        print(f"running {script} …", file=sys.stderr, flush=True)
        result = subprocess.run(command, capture_output=True, text=True)
        found = table_rows(result.stdout)
        rows.extend(f"{line} ({script})" if not line.endswith("|") else line for line in found)
        if result.returncode != 0:
            failed.append(script)
            sys.stderr.write(result.stdout[-2000:] + result.stderr[-2000:])
    print("| figure | ours | reference | ratio | target | result |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    if args.soak:
        print(f"\nfuzz soak, {args.soak:,} examples per entry point:", flush=True)
        soak = subprocess.run([sys.executable, str(HERE / "fuzz_soak.py"),
                               "--examples", str(args.soak)])
        if soak.returncode != 0:
            failed.append("fuzz_soak.py")
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
