"""Helpers for pytest-fim's own tests (imported by test modules)."""

from __future__ import annotations

import gzip
import importlib
import json
import os
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

#: The environment variable naming the folder of reference data (the HumanEval
#: infilling sets, the API's example responses, an example stream). The suite
#: never looks for it anywhere else: a fresh clone has nothing beside it.
DATA_ENV = "PYTEST_FIM_DATA"
#: The one reason every data test skips with when the variable is unset.
NO_DATA = f"needs the reference data: set {DATA_ENV}=/path/to/folder (see README, 'Reference data')"


def data_file(name: str) -> Path:
    """The reference file ``name`` in the folder ``$PYTEST_FIM_DATA`` names, or skip the test."""
    folder = os.environ.get(DATA_ENV, "")
    if not folder:
        pytest.skip(NO_DATA)
    path = Path(folder) / name
    if not path.is_file():
        pytest.skip(f"{DATA_ENV}={folder} has no {name}")
    return path


def load_example(name: str) -> dict[str, Any]:
    """One of the reference responses (JSON), or skip."""
    data: dict[str, Any] = json.loads(data_file(name).read_text(encoding="utf-8"))
    return data


def humaneval(name: str) -> list[dict[str, Any]]:
    """The rows of one HumanEval infilling set (``HumanEval-*Infilling.jsonl.gz``), or skip."""
    return _rows(data_file(name))


@lru_cache(maxsize=4)
def _rows(path: Path) -> list[dict[str, Any]]:
    # Read once per worker: several tests sample the same set.
    with gzip.open(path, "rt", encoding="utf-8") as source:
        return [json.loads(line) for line in source]


def sdk_models() -> ModuleType:
    """The installed Mistral SDK's models module (3.x/2.x or 1.x), or skip."""
    for name in ("mistralai.client.models", "mistralai.models"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "FIMCompletionResponse"):
            return module
    pytest.skip("the Mistral SDK (mistralai) is not installed")


def jsonl(*rows: object) -> str:
    """``rows`` as JSON Lines text: a cases or samples file's content."""
    return "".join(json.dumps(row) + "\n" for row in rows)
