"""Figure of the snapshot issue, side by side with syrupy's own JSON extension, in one run.

Comparing a typical response with its stored snapshot (``assert response ==
fim_snapshot``: read the file, write the value as text, compare) against
syrupy's ``JSONSnapshotExtension`` doing the same job on the same dict (``id``
and ``created`` left out by its ``props`` filter, as fim_snapshot leaves them
out): at most 1.2×.

Both run inside one pytest session, as a user's suite runs them, interleaved
in batches; the figure is the median time per assertion. A second row times
the part that is ours alone, writing the value as text, against the JSON
extension's ``serialize`` (same target).

Run: ``python bench/snapshot_speed.py``. Exit status 1 if the figure fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _table import Row, per_call, print_table

TEST = """
import json
import os
import statistics
import time

from syrupy.extensions.json import JSONSnapshotExtension
from syrupy.filters import props

from pytest_fim import make_fim_response

CODE = "".join(f"    value_{i} = compute(a, b, {i})\\n" for i in range(12)) \\
    + "    return value_11\\n"
DATA = make_fim_response(CODE, seed=1, model="codestral-2508").model_dump(mode="json")
ROUNDS, BATCH = 9, int(os.environ.get("SNAPSHOT_BENCH_BATCH", "300"))


def batch(check):
    start = time.perf_counter()
    for _ in range(BATCH):
        assert check()
    return (time.perf_counter() - start) / BATCH


def test_typical_response(snapshot, fim_snapshot):
    json_snapshot = snapshot.use_extension(JSONSnapshotExtension)
    skip = props("id", "created")
    ours = lambda: DATA == fim_snapshot(name="typical")
    theirs = lambda: json_snapshot(name="typical", exclude=skip) == DATA
    timings = {"ours": [], "theirs": []}
    for _ in range(ROUNDS):
        timings["ours"].append(batch(ours))
        timings["theirs"].append(batch(theirs))
    out = os.environ.get("SNAPSHOT_BENCH_OUT")
    if out:
        with open(out, "w") as handle:
            json.dump({name: statistics.median(values) for name, values in timings.items()},
                      handle)
"""


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_snapshot_speed.py").write_text(TEST)
        out = Path(tmp, "timings.json")
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", tmp]
        # The first session writes both snapshots; the second compares with them.
        subprocess.run(
            [*base, "--snapshot-update"],
            check=True,
            capture_output=True,
            cwd=tmp,
            env={**os.environ, "SNAPSHOT_BENCH_BATCH": "1"},
        )
        result = subprocess.run(
            base,
            capture_output=True,
            text=True,
            cwd=tmp,
            env={**os.environ, "SNAPSHOT_BENCH_OUT": str(out)},
        )
        if result.returncode != 0:
            print(result.stdout[-3000:], file=sys.stderr)
            return 1
        timings = json.loads(out.read_text())
    rows = [
        Row(
            "assert response == fim_snapshot, typical response",
            timings["ours"] * 1e6,
            timings["theirs"] * 1e6,
            1.2,
            ref_name="syrupy JSONSnapshotExtension",
        ),
        serializing(),
    ]
    return 0 if print_table(rows) else 1


def serializing() -> Row:
    from syrupy.extensions.json import JSONSnapshotExtension
    from syrupy.filters import props

    from pytest_fim import make_fim_response
    from pytest_fim.snapshot import render_snapshot

    code = (
        "".join(f"    value_{i} = compute(a, b, {i})\n" for i in range(12))
        + "    return value_11\n"
    )
    data = make_fim_response(code, seed=1, model="codestral-2508").model_dump(mode="json")
    extension, skip = JSONSnapshotExtension(), props("id", "created")

    def unchanged(*, data: object, path: object) -> object:  # syrupy's matcher when none is set
        return data

    return Row(
        "… writing the value as text alone",
        per_call(lambda: render_snapshot(data)) * 1e6,
        per_call(lambda: extension.serialize(data, exclude=skip, matcher=unchanged)) * 1e6,
        1.2,
        ref_name="JSONSnapshotExtension.serialize",
    )


if __name__ == "__main__":
    sys.exit(main())
