"""Evaluation suites: ``*.fim.jsonl`` cases scored in a pytest run.

Collect HumanEval-infilling-style cases, score completions (from a
``fim_complete`` fixture or a ``--fim-samples`` file) by quality checks,
test execution and reference matching; report pass@k, exact match, edit
similarity and check failure rates; gate the run on them. The public names
here work outside pytest too: :func:`pass_at_k`, :func:`build_report` and
:func:`render_html` read and write the report's plain data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_fim.eval._cases import read_case_file as read_case_file
    from pytest_fim.eval._cases import read_samples as read_samples
    from pytest_fim.eval._html import render_html as render_html
    from pytest_fim.eval._scores import FORMAT as FORMAT
    from pytest_fim.eval._scores import build_report as build_report
    from pytest_fim.eval._scores import pass_at_k as pass_at_k

#: Where each public name lives; imported on first use (the plugin imports this
#: package at start-up and must stay light).
_EXPORTS = {
    "FORMAT": "pytest_fim.eval._scores",
    "build_report": "pytest_fim.eval._scores",
    "pass_at_k": "pytest_fim.eval._scores",
    "read_case_file": "pytest_fim.eval._cases",
    "read_samples": "pytest_fim.eval._cases",
    "render_html": "pytest_fim.eval._html",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Resolve a public name from its module (looked up each time, as pytest_fim does)."""
    from importlib import import_module

    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_fim.eval' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
