"""Quality checks against real data: false positives and detection per failure mode.

Reads the HumanEval infilling sets (correct fills: prefix = prompt, middle =
canonical_solution, suffix) from DATA_DIR, checks that assert_fills_hole
accepts every correct fill, then corrupts each fill in each failure mode and
reports how often the checks catch it (the bar: 0 false positives, at least
98% detection in every mode), with the time all checks took.

Run: ``python bench/quality_detection.py ../shared/data``.
Exit status 1 if a false positive is found or a mode is below 98%.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SETS = ("HumanEval-SingleLineInfilling.jsonl.gz", "HumanEval-MultiLineInfilling.jsonl.gz")
TOKENS = ("<|endoftext|>", "[SUFFIX]", "<|fim_middle|>", "<｜fim▁hole｜>", "</s>", "<PRE>",
          "[MIDDLE]", "<|file_sep|>")
Row = dict[str, Any]
Corruption = Callable[[Row, int], "tuple[str, dict[str, Any]] | None"]


def code_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def echo_suffix(row: Row, _: int) -> tuple[str, dict[str, Any]] | None:
    lines = row["suffix"].split("\n")
    taken, seen = [], 0
    for line in lines:
        taken.append(line)
        seen += bool(line.strip())
        if seen == 2:
            break
    if not seen:
        return None
    return row["canonical_solution"] + "\n".join(taken) + "\n", {}


def inject_token(row: Row, number: int) -> tuple[str, dict[str, Any]]:
    token = TOKENS[number % len(TOKENS)]
    middle = row["canonical_solution"]
    return (token + middle if number % 2 else middle + token), {}


def fence(row: Row, _: int) -> tuple[str, dict[str, Any]]:
    return "```python\n" + row["canonical_solution"] + "```\n", {}


def code_offsets(row: Row) -> list[int]:
    """Offsets in the middle of the characters that are code (not space, not in a string
    or comment): a ``)`` dropped from ``'(' if c == ')'`` breaks nothing."""
    from pytest_fim.quality._source import code_mask

    prefix, middle = row["prompt"], row["canonical_solution"]
    mask = code_mask(prefix + middle + row["suffix"], "python")
    return [index for index, char in enumerate(middle)
            if not char.isspace() and mask[len(prefix) + index]]


def code_closers(row: Row) -> list[int]:
    """Offsets in the middle of the closers that are code."""
    middle = row["canonical_solution"]
    return [index for index in code_offsets(row) if middle[index] in ")]}"]


def closer(row: Row, number: int) -> tuple[str, dict[str, Any]]:
    middle = row["canonical_solution"]
    closers = code_closers(row)
    if number % 2 and closers:  # drop the middle's last closer
        last = closers[-1]
        return middle[:last] + middle[last + 1:], {}
    # A closer nothing opened, after the last code of the middle (not inside
    # its trailing comment, where it would break nothing).
    code = code_offsets(row)
    at = code[-1] + 1 if code else len(middle) - len(middle.lstrip())
    return middle[:at] + ")" + middle[at:], {}


def dedent(row: Row, _: int) -> tuple[str, dict[str, Any]] | None:
    following = code_lines(row["suffix"])
    if not following or indent(following[0]) < 4:
        return None
    width = indent(following[0]) - 4
    return row["canonical_solution"] + " " * width + "result = None\n", {}


def repeat(row: Row, _: int) -> tuple[str, dict[str, Any]]:
    middle = row["canonical_solution"]
    last = code_lines(middle)[-1]
    return middle + (last + "\n") * 3, {}


def extra_space(row: Row, _: int) -> tuple[str, dict[str, Any]]:
    return " " + row["canonical_solution"], {}


def truncate(row: Row, _: int) -> tuple[Any, dict[str, Any]]:
    from pytest_fim import make_fim_response

    return make_fim_response(row["canonical_solution"], finish_reason="length", seed=1), {}


MODES: dict[str, tuple[Corruption, str]] = {
    "echo the next suffix lines": (echo_suffix, "suffix_echo"),
    "inject a special token": (inject_token, "special_tokens"),
    "wrap in a fence": (fence, "markdown"),
    "add or drop a closer": (closer, "brackets"),
    "dedent past the block": (dedent, "scope"),
    "repeat a line": (repeat, "repetition"),
    "prepend a space": (extra_space, "indentation"),
    "truncate (finish_reason=length)": (truncate, "truncated"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder with the HumanEval infilling sets")
    args = parser.parse_args()
    from pytest_fim.quality import fill_problems

    ok = True
    rows_by_set = {}
    for name in SETS:
        with gzip.open(args.data / name, "rt") as source:
            rows_by_set[name] = [json.loads(line) for line in source]
    print("| set | fills | false positives | seconds for all checks | target | result |")
    print("|---|---|---|---|---|---|")
    for name, rows in rows_by_set.items():
        start = time.perf_counter()
        false = [row["task_id"] for row in rows
                 if fill_problems(row["prompt"], row["canonical_solution"], row["suffix"])]
        elapsed = time.perf_counter() - start
        target = 1.5 if "Single" in name else 10.0
        passed = not false and elapsed <= target
        ok &= passed
        print(f"| {name.split('-')[1].split('.')[0]} | {len(rows)} | {len(false)} "
              f"| {elapsed:.2f} | ≤ {target} s, 0 false positives "
              f"| {'pass' if passed else 'FAIL'} |")
        for task in false[:5]:
            print(f"    false positive: {task}", file=sys.stderr)
    import random

    rng = random.Random(2026)
    spans = 3000
    multi = rows_by_set[SETS[1]]
    flagged = 0
    for _ in range(spans):
        row = rng.choice(multi)
        full = row["prompt"] + row["canonical_solution"] + row["suffix"]
        start = rng.randrange(len(row["prompt"]), len(full) - 1)
        end = rng.randrange(start + 1, min(len(full), start + 300))
        flagged += bool(fill_problems(full[:start], full[start:end], full[end:],
                                      skip={"scope"}))
    ok &= flagged == 0
    print(f"| random mid-line spans (all checks but scope) | {spans} | {flagged} | | "
          f"0 false positives | {'pass' if flagged == 0 else 'FAIL'} |")
    print()
    print("| mode | corrupted fills | detected | rate | by its own check | target | result |")
    print("|---|---|---|---|---|---|---|")
    rows = [row for rows in rows_by_set.values() for row in rows]
    for mode, (corrupt, check) in MODES.items():
        total = detected = own = 0
        missed: list[str] = []
        for number, row in enumerate(rows):
            made = corrupt(row, number)
            if made is None:
                continue
            middle, extra = made
            total += 1
            found = fill_problems(row["prompt"], middle, row["suffix"], **extra)
            if found:
                detected += 1
                own += any(problem.check == check for problem in found)
            elif len(missed) < 3:
                missed.append(row["task_id"])
        rate = detected / total if total else 0.0
        passed = rate >= 0.98
        ok &= passed
        print(f"| {mode} | {total} | {detected} | {rate:.2%} | {check}: {own / total:.1%} "
              f"| ≥ 98% | {'pass' if passed else 'FAIL'} |")
        for task in missed:
            print(f"    missed ({mode}): {task}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
