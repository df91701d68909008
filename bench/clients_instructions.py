"""The httpx figure of clients_speed.py counted in CPU instructions, not timed.

On two shared cores the timed httpx figure moves by several percent from run
to run, too much to tell 1.25x from 1.35x. Instructions executed do not
depend on the neighbours: this script runs the same two loops as
clients_speed.py (fim_mock answering an ``httpx.Client``, one ``add_response``
queued per request, against a client built on ``httpx.MockTransport``
returning the same canned JSON) under valgrind's callgrind, once with N
requests and once with none, and divides the difference by N. Python's own
start-up and the imports cancel out.

Run: ``python bench/clients_instructions.py [--requests N]``. Needs valgrind
(``apt-get install valgrind``); without it the script says so and exits 2.
Exit status 1 if the ratio is over the 1.3x target. Takes a few minutes:
callgrind runs Python about fifty times slower.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _table import Row, print_table

#: One side's loop, run by the interpreter under callgrind: argv[1] is the side, argv[2] N.
CHILD = """
import json, sys
sys.path.insert(0, {bench!r})
import httpx
from clients_speed import BODY, URL, fim_mock_on
from pytest_fim import make_fim_response

canned = make_fim_response("    return a + b\\n", seed=1).model_dump(mode="json")
body = json.dumps(canned).encode()
side, requests = sys.argv[1], int(sys.argv[2])
if side == "reference":
    client = httpx.Client(transport=httpx.MockTransport(
        lambda request: httpx.Response(
            200, headers={{"content-type": "application/json"}}, content=body
        )
    ))
    for _ in range(requests):
        client.post(URL, json=BODY).json()
else:
    client = httpx.Client()
    with fim_mock_on() as mock:
        for _ in range(requests):
            mock.add_response(canned)
            client.post(URL, json=BODY).json()
            mock.requests.clear()  # as clients_speed.py's short batches hold few
"""
_COLLECTED = re.compile(r"Collected\s*:\s*([\d,]+)")


def instructions(side: str, requests: int) -> int:
    """Instructions callgrind counts for one run of the child with ``requests`` requests."""
    child = CHILD.format(bench=str(Path(__file__).parent))
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            child,
            side,
            str(requests),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = _COLLECTED.search(run.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no instruction count:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_request(side: str, requests: int) -> float:
    """Instructions one request costs on ``side``: N requests less none, over N."""
    return (instructions(side, requests) - instructions(side, 0)) / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500, help="requests per run")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind): nothing counted")
        return 2
    ours = per_request("ours", args.requests)
    reference = per_request("reference", args.requests)
    row = Row(
        "httpx: client.post(...).json(), instructions per request",
        ours / 1000,
        reference / 1000,
        1.3,
        unit="k instr.",
        ref_name="httpx.MockTransport",
    )
    return 0 if print_table([row]) else 1


if __name__ == "__main__":
    sys.exit(main())
