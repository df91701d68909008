from __future__ import annotations

from pytest_fim.problems import FIMAssertionError, Problem, describe, shorten


def test_problem_str_leads_with_path() -> None:
    assert str(Problem("usage.total_tokens", "bad")) == "usage.total_tokens: bad"
    assert str(Problem("", "not JSON")) == "not JSON"


def test_error_message_lists_every_problem_and_keeps_them() -> None:
    problems = [Problem("a", "one"), Problem("b[0]", "two")]
    error = FIMAssertionError("summary:", problems)
    assert isinstance(error, AssertionError)
    assert str(error) == "summary:\n  a: one\n  b[0]: two"
    assert error.problems == problems


def test_shorten_cuts_long_strings_and_says_how_much() -> None:
    text = shorten("x" * 1_000_000)
    assert len(text) < 120
    assert text.endswith("…(+999920 chars)")


def test_shorten_survives_deep_nesting_huge_ints_and_broken_reprs() -> None:
    deep: list[object] = []
    cursor = deep
    for _ in range(20_000):
        nxt: list[object] = []
        cursor.append(nxt)
        cursor = nxt
    assert len(shorten(deep)) < 100
    assert shorten(10**5000) == "<int of 16610 bits>"

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("boom")

    assert "repr failed" in shorten(Broken())


def test_describe_names_json_kinds() -> None:
    assert describe(None) == "null"
    assert describe([1]) == "a list"
    assert describe(True) == "a boolean"
