"""Helpers for pytest-fim's own tests (imported by test modules)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

#: The reference data beside the checkout (../shared/data).
DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"


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
