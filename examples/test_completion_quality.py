"""Judging completions before an editor inserts them."""

import pytest

from pytest_fim import assert_fills_hole, fill_problems, make_fim_response

PREFIX = "def mean(xs):\n    total = 0\n    for x in xs:\n"
SUFFIX = "    return total / len(xs)\n"


def test_a_good_completion_fits(fim_response_factory):
    assert_fills_hole(PREFIX, fim_response_factory("        total += x\n"), SUFFIX)


@pytest.mark.parametrize(
    ("middle", "check"),
    [
        ("        total += x\n    return total / len(xs)\n", "suffix_echo"),
        ("```python\n        total += x\n```\n", "markdown"),
        ("        total += x[SUFFIX]\n", "special_tokens"),
        ("         total += x\n", "indentation"),
    ],
)
def test_known_bad_completions_are_caught(middle, check):
    assert check in {problem.check for problem in fill_problems(PREFIX, middle, SUFFIX)}


def test_a_cut_off_completion_is_reported():
    response = make_fim_response("        total +", finish_reason="length", seed=1)
    checks = {problem.check for problem in fill_problems(PREFIX, response, SUFFIX)}
    assert "truncated" in checks
