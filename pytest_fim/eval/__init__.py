"""Evaluation suites: ``*.fim.jsonl`` cases scored in pytest, with reports and gates.

The HTML report is built by :func:`render_html` from the same two structures
``--fim-eval-report`` writes (the scores and the per-item records).
"""

from __future__ import annotations

from pytest_fim.eval._html import render_html

__all__ = ["render_html"]
