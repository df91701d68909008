"""The evaluation suites' options and ini keys (read at every start-up: kept tiny)."""

from __future__ import annotations

import pytest

__all__ = ["add_options"]


def add_options(parser: pytest.Parser) -> None:
    """Register the evaluation options (group ``fim``) and ini keys."""
    group = parser.getgroup("fim")
    group.addoption(
        "--fim-samples",
        metavar="FILE",
        help="score HumanEval-style samples ({task_id, completion} JSONL, .gz too) "
        "instead of asking the fim_complete fixture",
    )
    group.addoption(
        "--fim-eval-k", default="1", metavar="K,...", help="k values for pass@k (default 1)"
    )
    group.addoption(
        "--fim-eval-score",
        metavar="NAMES",
        help="what is scored: comma list of fills_hole, passes_tests, matches_reference "
        "(default: the fim_eval_score ini option, or fills_hole)",
    )
    group.addoption(
        "--fim-eval-report", metavar="PATH.json", help="write scores (JSON) and items (JSONL)"
    )
    group.addoption("--fim-eval-html", metavar="PATH.html", help="write an HTML report")
    group.addoption(
        "--fim-eval-min",
        action="append",
        default=[],
        metavar="METRIC>=X",
        help="a gate on a metric (repeatable): pass@K, em, es, check:<name>",
    )
    group.addoption("--fim-eval-baseline", metavar="FILE.json", help="a previous --fim-eval-report")
    group.addoption(
        "--fim-eval-max-drop",
        type=float,
        default=None,
        metavar="X",
        help="fail when a metric drops more than X below the baseline (es: 100*X points)",
    )
    group.addoption(
        "--fim-eval-no-fail",
        action="store_true",
        default=False,
        help="failing evaluation items do not fail the run: the gate alone decides",
    )
    group.addoption(
        "--fim-eval-workers",
        type=int,
        default=None,
        metavar="N",
        help="test programs run at once (default: the CPU count)",
    )
    group.addoption(
        "--fim-eval-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="per-case test program timeout (default 10)",
    )
    parser.addini(
        "fim_eval_score",
        default="",
        help="pytest-fim: what evaluation items score (default fills_hole)",
    )
    parser.addini(
        "fim_eval_skip", type="args", default=[], help="pytest-fim: quality checks left out"
    )
    parser.addini(
        "fim_eval_reference",
        default="exact",
        help="pytest-fim: matches_reference mode, or edit_similarity:THRESHOLD",
    )
