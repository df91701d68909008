"""A known evaluation run, built by hand in the report contract's form, for the HTML tests.

Two case files, a baseline, a failing gate, and items whose texts try to break
out of the page (``</script>``, ``<img onerror>``, a bidi override).
"""

from __future__ import annotations

from typing import Any

#: A completion that would run script and load an image if it were not escaped.
HOSTILE = '1</script><script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">'
#: A file name with markup in it.
HOSTILE_FILE = "evals/<b>bold</b>.fim.jsonl"
PROMPT = 'def add(a, b):\n    """Add two numbers."""\n    total = '
SUFFIX = "\n    return total\n"


def known_report() -> dict[str, Any]:
    """The JSON report of the known run (format pytest-fim-eval/1)."""
    return {
        "format": "pytest-fim-eval/1",
        "k": [1, 10],
        "scored": ["fills_hole", "passes_tests"],
        "totals": {
            "cases": 12,
            "samples": 24,
            "metrics": {
                "pass@1": 0.625,
                "pass@10": 0.875,
                "em": 0.25,
                "es": 81.4,
                "check:suffix_echo": 0.125,
                "check:syntax": 0.0417,
                "check:markdown": 0.0,
            },
        },
        "files": [
            {
                "path": "evals/py.fim.jsonl",
                "cases": 8,
                "samples": 16,
                "metrics": {
                    "pass@1": 0.6875,
                    "pass@10": 1.0,
                    "em": 0.3125,
                    "es": 84.0,
                    "check:suffix_echo": 0.125,
                    "check:syntax": 0.0,
                    "check:markdown": 0.0,
                },
                "slowest": [
                    {"task_id": "py/slow", "seconds": 2.5},
                    {"task_id": "py/3", "seconds": 0.75},
                ],
            },
            {
                "path": HOSTILE_FILE,
                "cases": 4,
                "samples": 8,
                "metrics": {
                    "pass@1": 0.5,
                    "pass@10": 0.5,
                    "em": 0.125,
                    "es": 76.2,
                    "check:suffix_echo": 0.125,
                    "check:syntax": 0.125,
                    "check:markdown": 0.0,
                },
                "slowest": [],
            },
        ],
        "baseline": {
            "path": "previous.json",
            "metrics": {"pass@1": 0.7, "em": 0.25, "es": 80.0, "check:suffix_echo": 0.05},
            "deltas": {"pass@1": -0.075, "em": 0.0, "es": 1.4, "check:suffix_echo": 0.075},
        },
        "gate": {
            "passed": False,
            "failures": [
                {
                    "metric": "pass@1",
                    "value": 0.625,
                    "bound": ">= 0.65",
                    "worst": ["py/echo", "py/syntax"],
                }
            ],
        },
        "items": "report.jsonl",
    }


def item(task_id: str, outcome: str = "passed", **fields: Any) -> dict[str, Any]:
    """One per-item record of the known run; ``fields`` override the defaults."""
    record: dict[str, Any] = {
        "nodeid": f"evals/py.fim.jsonl::{task_id}",
        "file": "evals/py.fim.jsonl",
        "task_id": task_id,
        "sample": 0,
        "outcome": outcome,
        "seconds": 0.02,
        "exact_match": outcome == "passed",
        "edit_similarity": 100.0 if outcome == "passed" else 62.5,
        "passed_tests": outcome == "passed",
        "checks_failed": [],
        "failure": None,
        "prompt": PROMPT,
        "suffix": SUFFIX,
        "completion": "a + b",
        "canonical_solution": "a + b",
    }
    record.update(fields)
    return record


def known_items() -> list[dict[str, Any]]:
    """The per-item records of the known run: passes, three failures, an error, a skip."""
    return [
        item("py/1"),
        item("py/2"),
        item(
            "py/echo",
            "failed",
            completion="a + b\n    return total",
            checks_failed=["suffix_echo"],
            failure="the completion repeats the code after the hole\n"
            "  suffix_echo: the middle ends with the suffix's first line `return total`",
        ),
        item(
            "py/syntax",
            "failed",
            completion=HOSTILE,
            checks_failed=["syntax"],
            failure="the completion does not parse: invalid syntax <here>",
        ),
        item(
            "py/bidi",
            "failed",
            completion="a \u202e+ b",
            failure="the completion fails the tests: AssertionError",
        ),
        item(
            "py/hang",
            "error",
            file=HOSTILE_FILE,
            completion="",
            failure="the test program timed out after 10 s",
        ),
        item("py/skipped", "skipped"),
    ]
