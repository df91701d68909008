"""Evaluation suites whose completions come from a cassette, and from module-scoped fixtures.

A team records its model's answers to the cases once and scores them in every
run with no network: fim_complete takes the fim_cassette fixture. Case items
are modules to pytest, so module-scoped fixtures (their own, or a plugin's such
as pytest-recording's) work on them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _support import jsonl

pytest.importorskip("yaml")

CASES = [
    {
        "task_id": "t/add",
        "prompt": "def add(a, b):\n",
        "suffix": "\nprint(add(1, 2))\n",
        "canonical_solution": "    return a + b\n",
    },
    {
        "task_id": "t/sub",
        "prompt": "def sub(a, b):\n",
        "suffix": "\nprint(sub(1, 2))\n",
        "canonical_solution": "    return a - b\n",
    },
]

CONFTEST = """
import socket

import pytest

try:  # SDK 2.x/3.x
    from mistralai.client import Mistral
except ImportError:  # SDK 1.x
    from mistralai import Mistral

URL = "{url}"
HELD = []


@pytest.fixture(scope="module")
def client():
    HELD.append(Mistral(api_key="CanaryKey0123456789abcdefGHIJKLM", server_url=URL))
    return HELD[-1]


@pytest.fixture
def fim_complete(fim_cassette, client, request, monkeypatch):
    if request.config.getoption("--fim-record") == "none":
        def refuse(self, address):
            raise OSError(f"the replay opened a socket to {{address}}")

        monkeypatch.setattr(socket.socket, "connect", refuse)

    def complete(case):
        return client.fim.complete(
            model="codestral-latest", prompt=case["prompt"], suffix=case["suffix"]
        )

    return complete
"""


def _suite(pytester: pytest.Pytester, url: str) -> None:
    pytester.makeconftest(CONFTEST.format(url=url))
    pytester.path.joinpath("cases.fim.jsonl").write_text(jsonl(*CASES))


def test_cases_recorded_once_are_scored_from_the_cassette(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    _suite(pytester, fim_server.url)
    recorded = pytester.runpytest("-p", "no:cacheprovider", "--fim-record=once")
    recorded.assert_outcomes(passed=2)
    files = sorted(p.name for p in pytester.path.joinpath("cassettes").rglob("*.fim.yaml"))
    assert files == ["t%2Fadd.fim.yaml", "t%2Fsub.fim.yaml"]  # "/" cannot be in a name
    asked = len(fim_server.requests)
    assert asked == 2

    replayed = pytester.runpytest("-p", "no:cacheprovider", "--fim-eval-report=scores.json")
    replayed.assert_outcomes(passed=2)
    assert len(fim_server.requests) == asked  # nothing went to the server
    scores = json.loads(pytester.path.joinpath("scores.json").read_text())
    assert scores["totals"]["cases"] == 2
    records = [
        json.loads(line) for line in pytester.path.joinpath("scores.jsonl").read_text().splitlines()
    ]
    assert {record["completion"] for record in records} == {
        "    # 15 characters before\n    return a + b\n"
    }


def test_a_case_with_no_recording_fails_naming_the_flag(
    pytester: pytest.Pytester, fim_server: Any
) -> None:
    _suite(pytester, fim_server.url)
    result = pytester.runpytest("-p", "no:cacheprovider")  # mode none, nothing recorded
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*fim_cassette: no cassette to answer FIM request POST /v1/fim/completions*",
            "*record it: pytest --fim-record=once (writes *cassettes/cases.fim/t%2Fadd.fim.yaml)",
        ]
    )
    assert fim_server.requests == []


def test_module_scoped_fixtures_work_on_case_items(pytester: pytest.Pytester) -> None:
    # Before: "Could not obtain a node for scope Module" at every item's setup.
    pytester.makeconftest(
        """
        import pytest

        OPENED = []

        @pytest.fixture(scope="module")
        def model():
            OPENED.append(1)
            return {"t/add": "    return a + b\\n", "t/sub": "    return a - b\\n"}

        @pytest.fixture
        def fim_complete(model):
            assert len(OPENED) == 1  # once for the file, not once an item
            return lambda case: model[case["task_id"]]
        """
    )
    pytester.path.joinpath("cases.fim.jsonl").write_text(jsonl(*CASES))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_case_items_run_beside_pytest_recording(pytester: pytest.Pytester) -> None:
    # pytest-recording's autouse fixture asks for a module-scoped one on every item.
    pytest.importorskip("pytest_recording")
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def fim_complete():
            return lambda case: case["canonical_solution"]
        """
    )
    pytester.path.joinpath("cases.fim.jsonl").write_text(jsonl(*CASES))
    pytester.runpytest("-p", "no:cacheprovider", "-p", "recording").assert_outcomes(passed=2)
