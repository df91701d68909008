"""Figures of the core issue, side by side with their references, in one run.

1. Start-up: a one-test suite with pytest-fim installed vs the same with
   ``-p no:fim`` (median wall time of N runs each, interleaved); target ≤1.03×.
2. ``assert_valid_fim_response`` on a typical response dict vs the Mistral
   SDK's own ``FIMCompletionResponse.model_validate`` on the same dict; ≤0.5×.

Run: ``python bench/core_speed.py [--runs N]``. Exit status 1 if a figure fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _table import Row, per_call, print_table

#: A typical response: the shape of the API reference's example for
#: ``POST /v1/fim/completions`` (no null ``logprobs`` and the like; the SDK
#: validates those nulls faster, which would change the figure).
TYPICAL = {
    "id": "447e3e0d457e42e98248b5d2ef52a2a3",
    "object": "chat.completion",
    "model": "codestral-2508",
    "usage": {"prompt_tokens": 8, "completion_tokens": 91, "total_tokens": 99},
    "created": 1759496862,
    "choices": [
        {
            "index": 0,
            "message": {
                "content": "add_numbers(a: int, b: int) -> int:\n    return a + b\n",
                "tool_calls": None,
                "prefix": False,
                "role": "assistant",
            },
            "finish_reason": "stop",
        }
    ],
}


def startup(runs: int) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_one.py").write_text("def test_one():\n    assert True\n")
        # Both sides without hypothesis's plugin: it imports hypothesis in its
        # terminal summary (a second or more, varying run to run), noise that
        # has nothing to do with pytest-fim and hid the figure.
        quiet = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
        base = [sys.executable, "-m", "pytest", "-q", *quiet, tmp]
        timings: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(runs + 1):  # the first round warms the file system cache
            for label, extra in (("with", []), ("without", ["-p", "no:fim"])):
                start = time.perf_counter()
                subprocess.run(base + extra, check=True, capture_output=True, cwd=tmp)
                timings[label].append(time.perf_counter() - start)
    with_fim = statistics.median(timings["with"][1:])
    without = statistics.median(timings["without"][1:])
    return Row(
        "start-up of a one-test suite that never uses pytest-fim",
        with_fim * 1000,
        without * 1000,
        1.03,
        unit="ms",
        ref_name="-p no:fim",
    )


def validation() -> Row:
    from mistralai.client.models import FIMCompletionResponse as SDKResponse

    from pytest_fim import assert_valid_fim_response

    response = json.loads(json.dumps(TYPICAL))  # fresh, as parsed from the wire
    assert_valid_fim_response(response, strict=True)
    ours = per_call(lambda: assert_valid_fim_response(response))
    sdk = per_call(lambda: SDKResponse.model_validate(response))
    return Row(
        "assert_valid_fim_response, typical response",
        ours * 1e6,
        sdk * 1e6,
        0.5,
        ref_name="SDK model_validate",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="start-up runs of each kind")
    args = parser.parse_args()
    rows = [validation(), startup(args.runs)]
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
