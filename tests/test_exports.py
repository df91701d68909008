"""The public names: one list in pytest_fim/__init__.py, and everything else agrees with it."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import pytest_fim


def _type_checking_imports() -> dict[str, str]:
    """Name -> module of the imports under ``if TYPE_CHECKING:`` in pytest_fim/__init__.py."""
    tree = ast.parse(Path(pytest_fim.__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.module
                for alias in statement.names:
                    # ``X as X``: what marks a re-export for mypy and pyright
                    assert alias.asname == alias.name, ast.unparse(statement)
                    found[alias.name] = statement.module
    return found


def test_type_checkers_see_the_names_of_the_list() -> None:
    assert _type_checking_imports() == pytest_fim._EXPORTS


def test_all_is_the_list() -> None:
    assert pytest_fim.__all__ == ["__version__", *pytest_fim._EXPORTS]
    assert len(set(pytest_fim.__all__)) == len(pytest_fim.__all__)
    assert set(pytest_fim.__all__) <= set(dir(pytest_fim))


@pytest.mark.parametrize("name", sorted(pytest_fim._EXPORTS))
def test_every_name_resolves_to_its_module(name: str) -> None:
    module = importlib.import_module(pytest_fim._EXPORTS[name])
    assert getattr(pytest_fim, name) is getattr(module, name)
    assert name in getattr(module, "__all__", ()), f"{module.__name__} does not export {name}"


def test_the_quality_names_are_the_quality_api() -> None:
    # pytest_fim.quality's own __all__ adds its constants (CHECKS, LANGUAGES, ...).
    quality = importlib.import_module("pytest_fim.quality")
    functions_and_classes = {name for name in quality.__all__ if not name.isupper()}
    assert functions_and_classes == set(pytest_fim._EXPORTS_BY_MODULE["pytest_fim.quality"])


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'make_fim_respons'"):
        pytest_fim.make_fim_respons  # noqa: B018 - the lookup is the test
