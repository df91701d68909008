"""Rendering of differences, and the assert hook as a user meets it."""

from __future__ import annotations

import pytest

from pytest_fim.diff import MISSING, Difference, deep_differences, render_differences, unified

USER_TEST = """
from pytest_fim import make_fim_response

CODE = "".join(f"    line_{i} = {i}\\n" for i in range(40))

def test_models():
    actual = make_fim_response(CODE.replace("line_20 = 20", "line_20 = 21"), seed=1)
    expected = make_fim_response(CODE, seed=1)
    assert actual == expected

def test_model_and_dict_equal_data():
    response = make_fim_response(seed=1)
    assert response == response.model_dump()

def test_many():
    actual = make_fim_response(seed=1)
    expected = actual.model_dump()
    expected.update({f"extra_{i}": i for i in range(30)})
    assert actual == expected

def test_not_fim():
    assert {"a": 1} == {"a": 2}
"""


@pytest.fixture
def no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    # pytest shows whole explanations on CI; these tests read the default view.
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)


def test_deep_differences_use_our_paths() -> None:
    found = deep_differences({"a": [1, {"b": "x"}]}, {"a": [1, {"b": 5}], "c": 1}, ("root",))
    assert Difference(("root", "a", 1, "b"), "type changed", "x", 5) in found
    assert Difference(("root", "c"), "unexpected", MISSING, 1) in found


def test_unified_marks_whitespace_and_final_newline() -> None:
    assert unified("a\nb\n", "a\nb \n") == [
        "--- expected",
        "+++ actual",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "+b·",
    ]
    assert unified("x\n", "x")[-2:] == ["+x", "\\ no newline at end of actual"]
    assert "+→y" in unified("    y\n", "\ty\n")


def test_unified_shows_what_a_terminal_would_hide() -> None:
    # A carriage return would move the cursor; no-break and zero-width spaces
    # look like a space or like nothing.
    assert unified("a\n", "a\r\n")[-1] == "+a␍"
    assert unified("x = 1\n", "x\u00a0= 1\u200b\n")[-1] == "+x\\xa0= 1\\u200b"
    assert (
        render_differences([Difference(("c",), "changed", "a\nb\n", "a\r\nb\r\n")])[0]
        == "c: changed (-expected +actual; whitespace differs only):"
    )


def test_a_long_line_is_cut_before_it_is_escaped() -> None:
    assert unified("a\n", "x\x1b" * 200 + "\n", 80)[-1] == "+" + "x\\x1b" * 80 + "…(+240 chars)"
    assert unified("a\n", "b  " * 100 + "\n", 80)[-1] == "+" + "b  " * 53 + "b…(+140 chars)"
    assert unified("a\n", "b" + " " * 300 + "\n", 80)[-1] == "+b" + "·" * 159 + "…(+141 chars)"


def test_render_respects_verbosity() -> None:
    many = [Difference(("k", i), "changed", "a" * 200, i) for i in range(12)]
    short = render_differences(many)
    assert len(short) == 11 and short[-1] == "… and 2 more differences (-vv shows all)"
    assert "…(+" in short[0]
    full = render_differences(many, verbosity=2)
    assert len(full) == 12 and "a" * 200 in full[0]


def test_assert_hook_explains_fim_comparisons(pytester: pytest.Pytester, no_ci: None) -> None:
    pytester.makepyfile(USER_TEST)
    result = pytester.runpytest("--color=no", "-vv")
    result.assert_outcomes(failed=4)
    out = result.stdout.str()
    assert "\x1b[" not in out
    result.stdout.fnmatch_lines(
        [
            "E       assert FIMCompletionResponse == FIMCompletionResponse: 1 difference "
            "(left is shown as actual, right as expected)",
            "E         choices[[]0].message.content: changed (-expected +actual):",
            "E             --- expected",
            "E             +++ actual",
            "E             -    line_20 = 20",
            "E             +    line_20 = 21",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E       assert FIMCompletionResponse == dict",
            "E         equal data, different types: FIMCompletionResponse vs dict",
        ]
    )
    result.stdout.fnmatch_lines(["E         extra_29: missing: expected 29"])
    result.stdout.fnmatch_lines(["E         Differing items:", "E         {'a': 1} != {'a': 2}"])


def test_assert_hook_says_when_it_cannot_explain(pytester: pytest.Pytester, no_ci: None) -> None:
    # Deeper than the explanation goes: it fails, and says so (as pytest says
    # "representation of details failed" of its own), instead of falling silent.
    pytester.makepyfile("""
        from pytest_fim import make_fim_response

        def test_deep():
            deep = {}
            for _ in range(300):
                deep = {"a": deep}
            assert make_fim_response("x", seed=1) == {"id": deep}
        """)
    result = pytester.runpytest("--color=no")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert FIMCompletion* == {*}",
            "E         (pytest-fim could not explain this comparison: ValueError: nested too "
            "deeply to explain)",
            "E         Use -v to get more diff",  # pytest's own explanation follows
        ]
    )
    assert "INTERNALERROR" not in result.stdout.str()


def test_default_verbosity_leads_with_the_summary(pytester: pytest.Pytester, no_ci: None) -> None:
    pytester.makepyfile(USER_TEST)
    result = pytester.runpytest("--color=no", "-k", "many")
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: assert FIMCompletionResponse == dict: 30 differences (left "
            "is shown as actual, right as expected)",
            "E         extra_0: missing: expected 0",
        ]
    )


def test_without_the_plugin_pytest_explains_as_usual(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(USER_TEST)
    result = pytester.runpytest("-p", "no:fim", "-k", "models")
    result.assert_outcomes(failed=1)
    assert "left is shown as actual" not in result.stdout.str()


def test_the_hook_never_breaks_the_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_fim import make_fim_response

        class Hostile(dict):
            def items(self):
                raise RuntimeError("boom")

        def test_it():
            assert make_fim_response(seed=1) == Hostile(a=1)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert "INTERNALERROR" not in result.stdout.str()


def test_match_failure_in_a_user_test(pytester: pytest.Pytester, no_ci: None) -> None:
    pytester.makepyfile(
        """
        import re
        from dirty_equals import IsInt
        from pytest_fim import assert_fim_response_matches, make_fim_response

        def test_shape():
            response = make_fim_response("    return a - b\\n", finish_reason="length", seed=1)
            assert_fim_response_matches(response, {
                "model": "codestral-latest",
                "usage": {"total_tokens": IsInt(lt=5)},
                "choices": [{"finish_reason": re.compile("stop"),
                             "message": {"content": "    return a + b\\n"}}],
            })
        """
    )
    result = pytester.runpytest("--color=no")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            ">       assert_fim_response_matches(response, {",
            "E *pytest_fim.FIMAssertionError: FIM response does not match expected "
            "(3 differences):",
            "E *usage.total_tokens: matcher failed: IsInt(lt=5) did not accept *",
            "E *choices[[]0].message.content: changed (-expected +actual):",
            "E *--- expected",
            "E *+++ actual",
            "E *@@ -1 +1 @@",
            "E *-    return a + b",
            "E *+    return a - b",
            "E *choices[[]0].finish_reason: matcher failed: re.compile('stop') did not accept "
            "'length'",
        ]
    )


def test_parts_and_sdk_models_get_the_diff_too() -> None:
    from _support import sdk_models

    SDKResponse = sdk_models().FIMCompletionResponse  # SDK 3.x or 1.x, as installed

    from pytest_fim import make_fim_response
    from pytest_fim.explain import explain_equality
    from pytest_fim.plugin import _is_fim_model

    ours = make_fim_response(seed=1)
    sdk = SDKResponse.model_validate(ours.model_dump(mode="json"))
    assert ours.choices
    assert all(map(_is_fim_model, (ours, ours.usage, ours.choices[0], sdk, sdk.usage)))
    assert not any(map(_is_fim_model, ({}, 1, "x", Difference((), "changed"))))
    assert (
        explain_equality(sdk, ours.model_dump(mode="json"))[1]
        == "equal data, different types: FIMCompletionResponse vs dict"
    )
    assert explain_equality(
        ours.usage, {"prompt_tokens": 16, "completion_tokens": 10, "total_tokens": 25}
    )[1:] == ["total_tokens: changed: expected 25, got 26"]


def test_same_type_and_data_is_not_called_a_type_difference() -> None:
    from pytest_fim import FIMCompletionResponse, make_fim_response
    from pytest_fim.explain import explain_equality

    plain = make_fim_response(seed=1)
    with_null = FIMCompletionResponse.model_validate({**plain.model_dump(), "logprobs": None})
    assert plain != with_null
    assert explain_equality(plain, with_null)[1].startswith(
        "equal data, but FIMCompletionResponse.__eq__ says they differ"
    )


MANY_DIFFERENCES = """
from pytest_fim import assert_fim_response_matches

def test_shape():
    actual = {f"key_{i}": "a" * 200 for i in range(12)}
    expected = {f"key_{i}": "b" * 200 for i in range(12)}
    assert_fim_response_matches(actual, expected)
"""


def test_match_failure_honours_verbosity(pytester: pytest.Pytester, no_ci: None) -> None:
    pytester.makepyfile(MANY_DIFFERENCES)
    short = pytester.runpytest("--color=no")
    short.assert_outcomes(failed=1)
    short.stdout.fnmatch_lines(
        [
            "E *FIM response does not match expected (12 differences):",
            "E *key_0: changed: expected 'bbbb*'…(+120 chars), got 'aaaa*'…(+120 chars)",
            "E *… and 2 more differences (-vv shows all)",
        ]
    )
    assert "key_11" not in short.stdout.str()
    full = pytester.runpytest("--color=no", "-vv")
    full.stdout.fnmatch_lines([f"E *key_11: changed: expected '{'b' * 200}', got '{'a' * 200}'"])
    assert "more differences" not in full.stdout.str()


HUGE_COMPLETIONS = """
from pytest_fim import assert_fim_response_matches, make_fim_response

def response(prefix, lines):
    content = "".join(f"{{prefix}}_{{i}} = {{i}}\\n" for i in range(lines))
    return make_fim_response(content, completion_tokens=lines * 4, seed=1)

def test_matches():
    assert_fim_response_matches(response("actual", {lines}), response("expected", {lines}))

def test_equals():
    # pytest's own explanation of == (computed too, then set aside for ours)
    # diffs the models' reprs in quadratic time on CI: keep this one small.
    assert response("actual", 2_000) == response("expected", 2_000)
"""


def test_a_huge_diff_is_cut_below_vv(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two 200,000-line completions that differ on every line: 400,000 diff
    # lines, 12 MB of failure text (21 MB on CI, where pytest repeats it).
    monkeypatch.setenv("CI", "true")  # pytest shows whole explanations on CI
    pytester.makepyfile(HUGE_COMPLETIONS.format(lines=200_000))
    result = pytester.runpytest("--color=no")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert "… 399,951 more diff lines not shown; -vv shows all" in out
    assert "… 3,951 more diff lines not shown; -vv shows all" in out
    assert "-expected_48 = 48" in out and "expected_49 = 49" not in out
    assert len(out.encode()) < 64_000, len(out.encode())


def test_vv_shows_the_whole_diff(pytester: pytest.Pytester, no_ci: None) -> None:
    pytester.makepyfile(HUGE_COMPLETIONS.format(lines=100))
    result = pytester.runpytest("--color=no", "-vv", "-k", "matches")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E *-expected_99 = 99", "E *+actual_0 = 0", "E *+actual_99 = 99"])
    assert "more diff lines" not in result.stdout.str()


def test_unified_counts_what_it_cuts() -> None:
    expected = "".join(f"line {i}\n" for i in range(30))
    actual = expected.replace("line 3\n", "line three\n").replace("line 29\n", "line 29")
    whole = unified(expected, actual)
    assert whole[2:] == [
        "@@ -2,5 +2,5 @@",
        " line 1",
        " line 2",
        "-line 3",
        "+line three",
        " line 4",
        " line 5",
        "@@ -28,3 +28,3 @@",
        " line 27",
        " line 28",
        "-line 29",
        "+line 29",
        "\\ no newline at end of actual",
    ]
    assert unified(expected, actual, max_lines=7) == [
        *whole[:9],
        "… 6 more diff lines not shown; -vv shows all",
    ]
    assert unified(expected, actual, max_lines=len(whole) - 2) == whole


def test_a_diff_of_lines_that_alternate_stays_a_true_diff() -> None:
    # difflib alone needs minutes for this pair (its worst case is quadratic);
    # every other line is shared, and the diff says so.
    expected = "".join(f"a_{i}\n" for i in range(50_000))
    actual = "".join(f"a_{i}\n" if i % 2 else f"b_{i}\n" for i in range(50_000))
    cut = unified(expected, actual, max_lines=8)
    assert cut[2:] == [
        "@@ -1,50000 +1,50000 @@",
        "-a_0",
        "+b_0",
        " a_1",
        "-a_2",
        "+b_2",
        " a_3",
        "-a_4",
        "… 74,993 more diff lines not shown; -vv shows all",
    ]


HOSTILE = (
    "x = 1\x1b[2K\x1b[1A  \n"  # erase the line, move the cursor up
    "s = 'abc\u202edef\u202c'\n"  # a bidi override reorders what follows
    "a = 1\x0bb = 2\x0cc = 3\x1cd = 4\x1d\x1e\x85e = 5\u2028f = 6\u2029\n"
)


def test_context_lines_are_escaped_and_end_only_at_line_ends() -> None:
    # str.splitlines() also ends lines at \v \f \x1c-\x1e \x85 U+2028 U+2029:
    # fake lines and wrong hunk numbers.
    lines = unified(HOSTILE + "result = 1\n", HOSTILE + "result = 2\n")
    assert lines == [
        "--- expected",
        "+++ actual",
        "@@ -2,3 +2,3 @@",
        " s = 'abc\\u202edef\\u202c'",
        " a = 1\\x0bb = 2\\x0cc = 3\\x1cd = 4\\x1d\\x1e\\x85e = 5\\u2028f = 6\\u2029",
        "-result = 1",
        "+result = 2",
    ]
    assert unified(HOSTILE, "x = 0\n" + HOSTILE.split("\n", 1)[1])[2:4] == [
        "@@ -1,3 +1,3 @@",
        "-x = 1\\x1b[2K\\x1b[1A··",
    ]
    assert unified("a\rb\rc\r", "a\rB\rc\r")[2:] == ["@@ -1,3 +1,3 @@", " a␍", "-b␍", "+B␍", " c␍"]


def test_a_user_never_sees_raw_control_characters(pytester: pytest.Pytester, no_ci: None) -> None:
    pytester.makepyfile(
        f"""
        from pytest_fim import assert_fim_response_matches, make_fim_response

        HOSTILE = {HOSTILE!r}

        def test_it():
            assert_fim_response_matches(make_fim_response(HOSTILE + "result = 2\\n", seed=1),
                                        make_fim_response(HOSTILE + "result = 1\\n", seed=1))
        """
    )
    result = pytester.runpytest("--color=no", "-vv")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    for char in "\x1b\u202e\u202c\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
        assert char not in out, repr(char)
    result.stdout.fnmatch_lines(
        ["E *@@ -2,3 +2,3 @@", "E *s = 'abc\\u202edef\\u202c'", "E *-result = 1", "E *+result = 2"]
    )


NON_FINITE = """
from pytest_fim import FIMCompletionResponse, assert_fim_response_matches, make_fim_response

PLAIN = make_fim_response(seed=1).model_dump(mode="json")

def response(**extra):
    return FIMCompletionResponse.model_validate({**PLAIN, **extra})

def test_inf_is_data():
    assert response(score=float("inf")) == PLAIN

def test_nan_is_not_missing():
    assert_fim_response_matches(response(score=float("nan")), {"score": 1.0})

def test_two_nans_match():
    assert_fim_response_matches(response(score=float("nan")), {"score": float("nan")})

def test_nan_on_both_sides_of_eq():
    assert response(score=float("nan")) == response(score=float("nan"))
"""


def test_nan_and_inf_are_diagnosed_as_what_they_are(pytester: pytest.Pytester, no_ci: None) -> None:
    pytester.makepyfile(NON_FINITE)
    result = pytester.runpytest("--color=no")
    result.assert_outcomes(failed=3, passed=1)
    result.stdout.fnmatch_lines(
        [
            "E       assert FIMCompletionResponse == dict: 1 difference (left is shown as "
            "actual, right as expected)",
            "E         score: unexpected: inf",
        ]
    )
    result.stdout.fnmatch_lines(["E *score: changed: expected 1.0, got nan"])
    result.stdout.fnmatch_lines(
        [
            "E         equal data, but FIMCompletionResponse.__eq__ says they differ (NaN is "
            "never == NaN for it, and the data hold NaN)"
        ]
    )
    out = result.stdout.str()
    assert "equal data, different types" not in out and "got null" not in out


def test_same_named_types_are_told_apart_by_module(pytester: pytest.Pytester) -> None:
    from _support import sdk_models

    sdk_module = sdk_models().__name__
    pytester.makepyfile(
        f"""
        from {sdk_module} import FIMCompletionResponse as SDKResponse
        from pytest_fim import make_fim_response

        def test_it():
            ours = make_fim_response(seed=1)
            assert SDKResponse.model_validate(ours.model_dump(mode="json")) == ours
        """
    )
    result = pytester.runpytest("--color=no")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"E         equal data, different types: {sdk_module}.*FIMCompletionResponse "
            f"vs pytest_fim.models.FIMCompletionResponse"
        ]
    )


def test_two_classes_of_one_qualified_name_are_said_to_be_two() -> None:
    from pytest_fim import FIMCompletionResponse, make_fim_response
    from pytest_fim.explain import explain_equality

    # What a module imported twice makes (pytester dropping its modules, say).
    Twin = type(
        "FIMCompletionResponse", (FIMCompletionResponse,), {"__module__": "pytest_fim.models"}
    )
    ours = make_fim_response(seed=1)
    assert explain_equality(Twin.model_validate(ours.model_dump()), ours)[1] == (
        "equal data, different types: two classes both named "
        "pytest_fim.models.FIMCompletionResponse (its module was imported twice, or the "
        "class defined twice)"
    )


def test_line_diffs_are_true_whatever_path_computes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pytest_fim import _textdiff

    lines = st.lists(st.sampled_from(["a\n", "b\n", "c\r\n", "d\r", "e", "\n"]), max_size=25)

    @settings(max_examples=400, deadline=None)
    @given(lines, lines, st.sampled_from([0, 4, 100_000]), st.integers(0, 12))
    def check(before: list[str], after: list[str], area: int, shown: int) -> None:
        monkeypatch.setattr(_textdiff, "DIFFLIB_AREA", area)  # 0: anchors and gaps only
        rebuilt: list[str] = []
        i = j = 0
        for tag, i1, i2, j1, j2 in _textdiff.opcodes(before, after):
            assert (i1, j1) == (i, j)
            i, j = i2, j2
            if tag == "equal":
                assert before[i1:i2] == after[j1:j2]
            rebuilt.extend(after[j1:j2])
        assert (i, j) == (len(before), len(after)) and rebuilt == after
        expected, actual = "".join(before), "".join(after)
        whole = unified(expected, actual)
        cut = unified(expected, actual, max_lines=shown)
        if len(whole) - 2 <= shown:
            assert cut == whole
        else:
            assert cut[:-1] == whole[: shown + 2]
            assert (
                cut[-1] == f"… {len(whole) - 2 - shown:,} more diff line"
                f"{'s' if len(whole) - 2 - shown != 1 else ''} not shown; -vv shows all"
            )

    check()
