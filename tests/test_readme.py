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
#: The cassette the README shows: the one its fim_cassette example records.
PASTED_CASSETTE = re.compile(r"<!-- readme: cassette -->\s*```yaml\n(.*?)```", re.S)


#: Libraries whose blocks run in a process of their own. LiteLLM brings
#: importlib_metadata, which takes over how package metadata is found for the
#: whole process as it loads (pytest's own runs in this process then fail);
#: requests half dropped by pytester between runs sees two http.cookiejar
#: classes ("You can only merge into CookieJar").
OWN_PROCESS = ("litellm", "requests")


#: A subprocess has no root conftest: this one refuses the network there too.
REFUSE_NETWORK = """
import socket

def refuse(self, address):
    raise OSError(f"this test refuses network access: {address!r}")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
"""


def blocks() -> list[tuple[str, bool]]:
    return [(m.group(2), bool(m.group(1))) for m in BLOCK.finditer(README.read_text())]


def test_readme_has_examples() -> None:
    assert len(blocks()) >= 1


@pytest.mark.parametrize(
    ("code", "fails"),
    blocks(),
    ids=lambda value: (
        str(value).strip().split("\n")[0][:40] if isinstance(value, str) else str(value)
    ),
)
def test_readme_block(
    pytester: pytest.Pytester, request: pytest.FixtureRequest, code: str, fails: bool
) -> None:
    if "def test_" not in code:
        exec(compile(code, "README.md", "exec"), {})
        return
    pytester.makepyfile(test_readme_example=code)
    if "fim_cassette" in code:  # recorded from the loopback stand-in, then replayed below
        _record_cassette(pytester, request.getfixturevalue("fim_server"))
    if "fim_snapshot" in code:  # a snapshot test's first run writes its file
        pytester.runpytest("-p", "no:cacheprovider", "--snapshot-update")
    if any(name in code for name in OWN_PROCESS):
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no download
        pytester.makeconftest(REFUSE_NETWORK)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")
    else:
        result = pytester.runpytest("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    if fails:
        assert outcomes.get("failed", 0) >= 1, result.stdout.str()
    else:
        assert outcomes.get("failed", 0) == 0 and outcomes.get("errors", 0) == 0, (
            result.stdout.str()
        )
        assert outcomes.get("passed", 0) >= 1


def _record_cassette(pytester: pytest.Pytester, server: Any) -> None:
    """Record the block's cassette from ``server``, and check the README shows it as it is."""
    pytest.importorskip("yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODESTRAL_URL", server.url)
        patch.setenv("MISTRAL_API_KEY", "CanaryKey0123456789abcdefGHIJKLM")
        result = pytester.runpytest("-p", "no:cacheprovider", "--fim-record=once")
    result.assert_outcomes(passed=1)
    (recorded,) = pytester.path.glob("cassettes/test_readme_example/*.fim.yaml")
    pasted = PASTED_CASSETTE.search(README.read_text(encoding="utf-8"))
    assert pasted is not None, "the README shows no recorded cassette"
    text = recorded.read_text(encoding="utf-8")
    if metadata.version("mistralai").startswith("1."):  # it sends its default top_p too
        text = text.replace("      top_p: 1.0\n", "", 1)
    assert text == pasted.group(1)


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
    fim_mock.add_response(
        {
            "id": "x",
            "object": "chat.completion",
            "model": "m",
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": "y"},
                }
            ],
        }
    )
    client = Mistral(api_key="test-key")  # held: SDK 1.x closes a client nothing holds
    with pytest.raises(Exception) as info:
        client.fim.complete(model="m", prompt="p")
    text = " ".join(README.read_text(encoding="utf-8").split())
    claims = {
        version: error
        for versions, error in SDK_CLAIM.findall(text)
        for version in re.split(r",? and ", versions)
    }
    label = f"{major}.{minor}" if major == 1 else f"{major}.x"
    assert claims.get(label) == type(info.value).__name__, claims
