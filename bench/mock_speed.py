"""Figure of the fim_mock issue, side by side in one run.

``client.fim.complete`` answered by fim_mock vs the same call answered by a
bare ``httpx2.MockTransport`` returning the same canned JSON: at most 1.3×
(the SDK's own overhead should dominate).

Run: ``python bench/mock_speed.py``. Exit status 1 if the figure fails.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _table import Row, per_call, print_table


class _Patch:
    """monkeypatch.setattr's job, outside pytest: remember and undo."""

    def __init__(self) -> None:
        self.undo: list[tuple[Any, str, Any]] = []

    def __call__(self, target: Any, name: str, value: Any) -> None:
        self.undo.append((target, name, getattr(target, name)))
        setattr(target, name, value)

    def restore(self) -> None:
        for target, name, value in reversed(self.undo):
            setattr(target, name, value)


def main() -> int:
    import httpx2
    from mistralai.client import Mistral

    from pytest_fim import make_fim_response
    from pytest_fim.mock import FIMMock

    canned = make_fim_response("    return a + b\n", seed=1).model_dump(mode="json")
    body = json.dumps(canned).encode()

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "application/json"}, content=body)

    bare = Mistral(api_key="k", client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    reference = per_call(lambda: bare.fim.complete(model="codestral-latest", prompt="p"))

    mock = FIMMock(assert_all_requested=False)
    patch = _Patch()
    mock.install(patch)
    try:
        client = Mistral(api_key="k")

        def answered() -> None:
            mock.add_response(canned)
            client.fim.complete(model="codestral-latest", prompt="p")

        ours = per_call(answered)
    finally:
        patch.restore()
    rows = [Row("client.fim.complete answered by fim_mock", ours * 1e6, reference * 1e6, 1.3,
                ref_name="bare httpx2.MockTransport")]
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
