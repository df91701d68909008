"""The examples in the docstrings run, so the documentation cannot drift."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "pytest_fim.models",
    "pytest_fim.validate",
    "pytest_fim.factory",
    "pytest_fim.match",
    "pytest_fim.stream",
    "pytest_fim.quality",
    "pytest_fim.mock",
    "pytest_fim.quality._reference",
    "pytest_fim.quality._execute",
    "pytest_fim.snapshot",
    "pytest_fim.eval._scores",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no examples"


def test_every_public_name_is_documented() -> None:
    import pytest_fim

    missing = [
        name
        for name in pytest_fim.__all__
        if name != "__version__" and not (getattr(pytest_fim, name).__doc__ or "").strip()
    ]
    assert missing == []
