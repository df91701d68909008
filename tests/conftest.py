"""Shared helpers for pytest-fim's own tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_example(name: str) -> dict[str, Any]:
    """Load one of the reference responses in ../shared/data, or skip."""
    path = DATA_DIR / name
    if not path.exists():
        pytest.skip(f"reference data {path} is not beside the checkout")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@pytest.fixture
def official() -> dict[str, Any]:
    """The API reference's own example response."""
    return load_example("official_example.json")


@pytest.fixture
def documented() -> dict[str, Any]:
    """The response built from the SDK documentation's example values."""
    return load_example("documented_example.json")
