"""assert_fim_response_matches and fim_diff: semantics and the text users read."""

from __future__ import annotations

import copy
import re
from typing import Any
from unittest.mock import ANY

import pytest
from dirty_equals import IsInt, IsStr

from pytest_fim import FIMAssertionError, assert_fim_response_matches, fim_diff, make_fim_response

CODE = "def add(a, b):\n    total = a + b\n    return total\n"


def response(**kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("seed", 1)
    data: dict[str, Any] = make_fim_response(kwargs.pop("content", CODE), **kwargs).model_dump(
        mode="json"
    )
    return data


def test_equal_responses_match_and_ids_are_ignored_by_default() -> None:
    assert fim_diff(response(seed=1), response(seed=2)) == ""
    assert_fim_response_matches(response(seed=1), response(seed=2))
    assert "id: changed" in fim_diff(response(seed=1), response(seed=2), ignore=())


def test_partial_expected_compares_only_its_keys() -> None:
    assert_fim_response_matches(
        response(), {"model": "codestral-latest", "choices": [{"finish_reason": "stop"}]}
    )
    with pytest.raises(FIMAssertionError) as info:
        assert_fim_response_matches(response(), {"choices": [{"finish_reason": "length"}]})
    assert str(info.value) == (
        "FIM response does not match expected (1 difference):\n"
        "  choices[0].finish_reason: changed: expected 'length', got 'stop'"
    )
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("choices[0].finish_reason", "changed")
    ]


def test_exact_reports_missing_and_unexpected_keys() -> None:
    expected = response()
    expected["usage"].pop("total_tokens")
    expected["service"] = "x"
    text = fim_diff(response(), expected, exact=True)
    assert "usage.total_tokens: unexpected: " in text
    assert "service: missing: expected 'x'" in text


def test_every_kind_of_difference_is_named() -> None:
    expected = response(n=2)
    actual = copy.deepcopy(expected)
    actual["model"] = "codestral-2508"  # changed
    actual["created"] = "yesterday"  # type changed
    del actual["usage"]["total_tokens"]  # missing
    actual["choices"].append(copy.deepcopy(actual["choices"][0]))  # length, unexpected item
    text = fim_diff(actual, expected, ignore=("id",))
    assert text.startswith("FIM response does not match expected (5 differences):")
    for line in [
        "  model: changed: expected 'codestral-latest', got 'codestral-2508'",
        "  created: type changed: expected an integer ",
        "  usage.total_tokens: missing: expected ",
        "  choices: length differs: expected 2 items, got 3",
        "  choices[2]: unexpected item: {",
    ]:
        assert line in text, text


def test_missing_item() -> None:
    text = fim_diff(response(n=1), response(n=2))
    assert "choices: length differs: expected 2 items, got 1" in text
    assert "choices[1]: missing item: expected {" in text


def test_matchers_and_patterns() -> None:
    expected: dict[str, Any] = {
        "id": ANY,
        "model": IsStr(regex=r"codestral-.+"),
        "usage": {"total_tokens": IsInt(gt=0)},
        "choices": [{"finish_reason": re.compile("^st"), "message": {"content": ANY}}],
    }
    assert_fim_response_matches(response(), expected, ignore=())
    expected["usage"]["total_tokens"] = IsInt(gt=10**6)
    expected["choices"][0]["finish_reason"] = re.compile("^len")
    text = fim_diff(response(), expected)
    assert "usage.total_tokens: matcher failed: IsInt(gt=1000000) did not accept " in text
    assert (
        "choices[0].finish_reason: matcher failed: re.compile('^len') did not accept 'stop'" in text
    )


def test_a_raising_matcher_counts_as_a_failure() -> None:
    class Broken:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("boom")

        def __repr__(self) -> str:
            return "Broken()"

    assert "model: matcher failed: Broken() did not accept" in fim_diff(
        response(), {"model": Broken()}
    )


def test_ignore_patterns_with_star() -> None:
    actual, expected = response(n=3), response(n=3)
    for choice in actual["choices"]:
        choice["message"]["tool_calls"] = [{"function": {"name": "f", "arguments": "{}"}}]
    assert fim_diff(actual, expected, exact=True) != ""
    assert (
        fim_diff(
            actual, expected, exact=True, ignore=("id", "created", "choices[*].message.tool_calls")
        )
        == ""
    )
    assert fim_diff(actual, expected, ignore=("choices[*].message",)) == ""
    assert "choices[0]" in fim_diff(actual, expected, ignore=("choices[1]",))
    changed_usage = copy.deepcopy(expected)
    changed_usage["usage"]["total_tokens"] = 1
    assert fim_diff(changed_usage, expected, ignore="usage") == ""  # a single pattern


def test_ignore_star_and_a_numbered_index_together() -> None:
    actual, expected = response(n=2), response(n=2)
    for choice in actual["choices"]:
        choice["message"]["content"] = "changed"
    actual["choices"][0]["finish_reason"] = "length"
    patterns = ("choices[*].message", "choices[0].finish_reason")
    assert fim_diff(actual, expected, ignore=patterns) == ""
    assert fim_diff(actual, expected, ignore=tuple(reversed(patterns))) == ""


def test_ignore_order() -> None:
    expected = response(n=3)
    actual = copy.deepcopy(expected)
    actual["choices"].reverse()
    assert fim_diff(actual, expected) != ""
    assert fim_diff(actual, expected, ignore_order=True) == ""
    actual["choices"][0]["finish_reason"] = "length"
    text = fim_diff(actual, expected, ignore_order=True)
    assert "choices: missing item: expected {" in text
    assert "choices[0]: unexpected item: {" in text


def test_ignore_order_finds_a_pairing_where_greedy_would_not() -> None:
    # ANY would take the 1 first; only moving it to the 2 places every item.
    assert fim_diff({"a": [1, 2]}, {"a": [ANY, 1]}, ignore_order=True) == ""
    assert fim_diff({"a": [3, 1, 2]}, {"a": [IsInt(gt=0), IsInt(lt=3), 1]}, ignore_order=True) == ""
    text = fim_diff({"a": [1, 2, 3]}, {"a": [ANY, 1, 5, 7]}, ignore_order=True)
    assert text.splitlines()[1:] == [
        "  a: missing item: expected 5",
        "  a: missing item: expected 7",
        "  a[2]: unexpected item: 3",
    ]


def test_multiline_code_is_a_unified_diff() -> None:
    code = "".join(f"    line_{i} = {i}\n" for i in range(40))
    changed = code.replace("line_20 = 20", "line_20 = 21")
    text = fim_diff(response(content=changed), response(content=code))
    lines = text.splitlines()
    assert lines[1] == "  choices[0].message.content: changed (-expected +actual):"
    assert "      --- expected" in lines and "      +++ actual" in lines
    assert [line for line in lines if line.startswith("      -    ")] == ["      -    line_20 = 20"]
    assert [line for line in lines if line.startswith("      +    ")] == ["      +    line_20 = 21"]
    assert len(lines) < 15


def test_whitespace_is_made_visible() -> None:
    text = fim_diff(
        response(content="x = 1  \n\treturn x"), response(content="x = 1\n\treturn x\n")
    )
    assert "      +x = 1··" in text
    assert "      -→return x" in text
    assert "\\ no newline at end of actual" in text
    single = fim_diff({"model": "a b"}, {"model": "a  b"})
    assert "(whitespace differs only)" in single


def test_values_are_shortened() -> None:
    text = fim_diff({"model": "m" * 100_000}, {"model": "x"})
    assert len(text) < 400 and "…(+" in text


def test_many_differences_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_fim import _settings

    actual = {f"k{i}": i for i in range(30)}
    expected = {f"k{i}": -i - 1 for i in range(30)}
    text = fim_diff(actual, expected)
    assert text.startswith("FIM response does not match expected (30 differences):")
    assert text.endswith("… and 20 more differences (-vv shows all)")
    monkeypatch.setattr(_settings, "verbosity", 2)
    assert "k29" in fim_diff(actual, expected) and "more differences" not in fim_diff(
        actual, expected
    )


def test_null_and_absent_are_the_same() -> None:
    assert fim_diff({"a": 1}, {"a": 1, "logprobs": None}, exact=True) == ""
    assert fim_diff({"a": 1, "logprobs": None}, {"a": 1}, exact=True) == ""
    assert "logprobs: missing: expected 0" in fim_diff({"a": 1}, {"logprobs": 0})


def test_inputs_of_every_kind() -> None:
    model = make_fim_response(CODE, seed=1)
    assert fim_diff(model, model.model_dump_json()) == ""
    assert fim_diff(model.model_dump_json().encode(), model) == ""


@pytest.mark.parametrize(
    ("expected", "error", "says"),
    [
        (5, TypeError, "expected a mapping, JSON text"),
        (None, TypeError, "expected a mapping"),
        ("[1, 2]", TypeError, "got str holding a list; accepted: a mapping"),
        (b"3", TypeError, "got bytes holding an integer"),
    ],
)
def test_bad_expected(expected: object, error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says):
        fim_diff(response(), expected)


@pytest.mark.parametrize("pattern", ["choices[0", "choices[*", "a..b"])
def test_bad_ignore_pattern_names_it(pattern: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(pattern))):
        fim_diff(response(), response(), ignore=(pattern,))


def test_cycles_and_deep_structures_are_clear_errors() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    with pytest.raises(ValueError, match="nested too deeply"):
        fim_diff(cyclic, cyclic)
    deep: list[Any] = []
    cursor = deep
    for _ in range(5000):
        cursor.append([])
        cursor = cursor[0]
    with pytest.raises(ValueError, match="nested too deeply"):
        fim_diff({"a": deep}, {"a": deep})
    assert "a[0][0]: unexpected item: [[[[...]]]]" in fim_diff({"a": deep}, {"a": [[]]})


def test_equal_inputs_never_reach_deepdiff(monkeypatch: pytest.MonkeyPatch) -> None:
    import deepdiff

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("DeepDiff was called")

    monkeypatch.setattr(deepdiff, "DeepDiff", refuse)
    assert fim_diff(response(seed=1), response(seed=2)) == ""
    assert_fim_response_matches(response(), {"model": ANY, "choices": [{"index": 0}]})


def test_only_unequal_choices_reach_deepdiff(monkeypatch: pytest.MonkeyPatch) -> None:
    import deepdiff

    seen: list[Any] = []
    real = deepdiff.DeepDiff

    def spy(expected: Any, actual: Any, **kwargs: Any) -> Any:
        seen.append(expected)
        return real(expected, actual, **kwargs)

    monkeypatch.setattr(deepdiff, "DeepDiff", spy)
    expected = response(n=500)
    actual = copy.deepcopy(expected)
    actual["choices"][250]["finish_reason"] = "length"
    assert "choices[250].finish_reason: changed" in fim_diff(actual, expected)
    assert seen == [{"finish_reason": "stop"}]


def test_ignore_order_agrees_with_trying_every_order() -> None:
    import itertools

    from hypothesis import given, settings
    from hypothesis import strategies as st

    wanted = st.one_of(st.integers(0, 3), st.just(ANY), st.builds(IsInt, gt=st.integers(0, 2)))

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.integers(0, 3), max_size=5), st.lists(wanted, max_size=5))
    def check(actual: list[int], expected: list[Any]) -> None:
        fits = len(actual) == len(expected) and any(
            all(want == actual[i] for want, i in zip(expected, order, strict=True))
            for order in itertools.permutations(range(len(actual)))
        )
        assert (fim_diff({"a": actual}, {"a": expected}, ignore_order=True) == "") is fits

    check()


def test_a_model_inside_a_partial_shape_is_compared_as_its_data() -> None:
    from pytest_fim import UsageInfo

    actual = make_fim_response(CODE, seed=1)
    assert actual.choices
    assert fim_diff(actual, {"usage": actual.usage, "choices": [actual.choices[0]]}) == ""
    wrong = UsageInfo(prompt_tokens=16, completion_tokens=1, total_tokens=17)
    assert "usage.completion_tokens: changed: expected 1, got " in fim_diff(
        actual, {"usage": wrong}
    )


def test_models_on_the_actual_side_are_compared_as_their_data() -> None:
    from _support import sdk_models

    expected = response()
    sdk = sdk_models().FIMCompletionResponse.model_validate(expected)
    raw = dict(sdk)  # what llama-index keeps as .raw
    assert_fim_response_matches(raw, expected)
    assert_fim_response_matches(raw, raw)
    assert fim_diff(dict(make_fim_response(CODE, seed=1)), expected) == ""
    changed = copy.deepcopy(expected)
    changed["choices"][0]["message"]["content"] = CODE.replace("total", "sum_")
    with pytest.raises(FIMAssertionError) as info:
        assert_fim_response_matches(raw, changed)
    assert [p.path for p in info.value.problems] == ["choices[0].message.content"]
    assert "type changed" not in str(info.value)


def non_finite(**extra: Any) -> Any:
    """Our model, holding extra top-level fields (NaN or ±inf, say)."""
    from pytest_fim import FIMCompletionResponse

    return FIMCompletionResponse.model_validate({**response(), **extra})


def test_nan_and_inf_stay_what_they_are() -> None:
    # JSON mode turned them into null: "got null None", "missing".
    nan, inf = float("nan"), float("inf")
    assert fim_diff(non_finite(score=nan), {"score": 1.0}).splitlines()[1:] == [
        "  score: changed: expected 1.0, got nan"
    ]
    assert fim_diff(non_finite(score=-inf), {"score": inf}).splitlines()[1:] == [
        "  score: changed: expected inf, got -inf"
    ]
    assert fim_diff({"a": 1}, non_finite(score=inf), ignore=(), exact=True) != ""
    assert "score: missing: expected inf" in fim_diff({"a": 1}, {"score": inf})


def test_two_nans_at_one_place_are_equal() -> None:
    # NaN != NaN in Python; in a test two NaNs at one place say the same thing.
    assert fim_diff(non_finite(score=float("nan")), {"score": float("nan")}) == ""
    assert fim_diff({"a": [float("nan"), 1.0]}, {"a": [float("nan"), 1.0]}) == ""
    assert fim_diff(
        {"a": [float("nan")]}, {"a": [2.0, float("nan")]}, ignore_order=True
    ).splitlines()[1:] == ["  a: missing item: expected 2.0"]
    assert "a: changed: expected nan, got 1.0" in fim_diff({"a": 1.0}, {"a": float("nan")})


def test_a_logprob_of_minus_inf_is_shown() -> None:
    data = response()
    data["choices"][0]["logprobs"] = {"content": [{"token": "x", "logprob": float("-inf")}]}
    model = make_fim_response(CODE, seed=1, choices=data["choices"])
    expected = {"choices": [{"logprobs": {"content": [{"logprob": -0.5}]}}]}
    assert fim_diff(model, expected).splitlines()[1:] == [
        "  choices[0].logprobs.content[0].logprob: changed: expected -0.5, got -inf"
    ]
    expected["choices"][0]["logprobs"]["content"][0]["logprob"] = float("-inf")
    assert fim_diff(model, expected) == ""


def test_ignore_order_with_every_item_ignored_compares_only_the_count() -> None:
    # Ignoring a[*] leaves the items out in order or not; only how many there are counts.
    for ignore_order in (False, True):
        assert (
            fim_diff(
                {"a": [{"x": 1}, 2]},
                {"a": [{"x": 2}, 3]},
                ignore=("a[*]",),
                ignore_order=ignore_order,
            )
            == ""
        )
    text = fim_diff({"a": [{"x": 1}]}, {"a": [{"x": 2}, 3]}, ignore=("a[*]",), ignore_order=True)
    assert text.splitlines()[1:] == ["  a: missing item: expected 3"]


def test_a_key_holding_control_characters_is_quoted_with_escapes() -> None:
    text = fim_diff({"a\x1b[2Kb": 1, "r\u202el": 1}, {"a\x1b[2Kb": 2, "r\u202el": 2})
    assert '["a\\x1b[2Kb"]: changed: expected 2, got 1' in text
    assert '["r\\u202el"]: changed: expected 2, got 1' in text
    assert "\x1b" not in text and "\u202e" not in text
