"""The README's Python examples run as a user would run them, so they cannot rot.

A ```python block that defines tests is written to a test file and run with
pytest: it must pass. A block preceded by ``<!-- readme: fails -->`` is an
example of failure output and must fail. Other blocks are executed.
"""

from __future__ import annotations

import os
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- readme: fails -->\s*)?```python\n(.*?)```", re.S)


#: Libraries a block uses that are imported out here first: pytester drops the
#: modules a run imported, and LiteLLM brings importlib_metadata, which takes
#: over finding package metadata as it loads (pytest itself then fails).
IMPORT_FIRST = ("litellm",)


def blocks() -> list[tuple[str, bool]]:
    return [(m.group(2), bool(m.group(1))) for m in BLOCK.finditer(README.read_text())]


def test_readme_has_examples() -> None:
    assert len(blocks()) >= 1


@pytest.mark.parametrize(("code", "fails"), blocks(),
                         ids=lambda value: str(value).strip().split("\n")[0][:40]
                         if isinstance(value, str) else str(value))
def test_readme_block(request: pytest.FixtureRequest, code: str, fails: bool) -> None:
    if "def test_" not in code:
        exec(compile(code, "README.md", "exec"), {})
        return
    for name in IMPORT_FIRST:
        if name in code:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no download
            pytest.importorskip(name)
    # Only now: pytester drops at teardown every module imported after it was
    # set up, and importlib_metadata dropped while its finder stays in
    # sys.meta_path leaves later runs finding no package metadata (no plugins).
    pytester: pytest.Pytester = request.getfixturevalue("pytester")
    pytester.makepyfile(test_readme_example=code)
    if "fim_snapshot" in code:  # a snapshot test's first run writes its file
        pytester.runpytest("-p", "no:cacheprovider", "--snapshot-update")
    result = pytester.runpytest("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    if fails:
        assert outcomes.get("failed", 0) >= 1, result.stdout.str()
    else:
        assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, \
            result.stdout.str()
        assert outcomes.get("passed", 0) >= 1


#: "SDK 2.x and 3.x raise `X`", "SDK 1.8 raises pydantic's `Y`": versions -> error name.
SDK_CLAIM = re.compile(r"SDK ((?:\d+\.(?:x|\d+)(?:,? and )?)+) raises? (?:pydantic's )?`(\w+)`")


def test_readme_names_the_error_the_sdk_raises_without_created(fim_mock: Any) -> None:
    # The fim_mock section says what each SDK does with a response that lacks
    # "created"; check the claim for the SDK installed here (CI has 3.x and 1.8).
    pytest.importorskip("mistralai")
    try:
        from mistralai.client import Mistral  # SDK 2.x/3.x
    except ImportError:
        from mistralai import Mistral  # type: ignore[attr-defined,no-redef]
    major, minor = (int(part) for part in metadata.version("mistralai").split(".")[:2])
    fim_mock.add_response({"id": "x", "object": "chat.completion", "model": "m",
                           "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                     "total_tokens": 2},
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": "y"}}]})
    client = Mistral(api_key="test-key")  # held: SDK 1.x closes a client nothing holds
    with pytest.raises(Exception) as info:
        client.fim.complete(model="m", prompt="p")
    text = " ".join(README.read_text(encoding="utf-8").split())
    claims = {version: error for versions, error in SDK_CLAIM.findall(text)
              for version in re.split(r",? and ", versions)}
    label = f"{major}.{minor}" if major == 1 else f"{major}.x"
    assert claims.get(label) == type(info.value).__name__, claims
