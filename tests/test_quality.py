"""Quality checks: each check on good and bad fills, the real data, the text users read."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from _support import humaneval
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_fim import (
    FIMAssertionError,
    assert_fills_hole,
    assert_matches_reference,
    assert_no_special_tokens,
    assert_passes_tests,
    edit_similarity,
    fill_problems,
    make_fim_response,
)

PREFIX = "def mean(xs):\n    total = 0\n    for x in xs:\n"
MIDDLE = "        total += x\n"
SUFFIX = "    return total / len(xs)\n"


def checks(middle: Any, prefix: str = PREFIX, suffix: str = SUFFIX, **kw: Any) -> list[str]:
    return [problem.check for problem in fill_problems(prefix, middle, suffix, **kw)]


def test_a_good_fill_passes() -> None:
    assert checks(MIDDLE) == []
    assert_fills_hole(PREFIX, MIDDLE, SUFFIX)


@pytest.mark.parametrize(
    ("middle", "check"),
    [
        ("   \n", "empty"),
        ("        total += x<|endoftext|>\n", "special_tokens"),
        ("[SUFFIX]        total += x\n", "special_tokens"),
        ("```python\n        total += x\n```\n", "markdown"),
        ("Here is the code:\n        total += x\n", "markdown"),
        ("        total += x\n    return total / len(xs)\n", "suffix_echo"),
        ("        total += x +\n", "syntax"),
        ("        total += (x\n", "brackets"),
        ("        total += x)\n", "brackets"),
        ("\ttotal += x\n", "indentation"),
        ("         total += x\n", "indentation"),
        ("        total += x\n        total += x\n        total += x\n", "repetition"),
        ("        total += x\n" + "        print('abababababababababababababab')\n", None),
        ("        total += x\nresult = None\n", "scope"),
    ],
)
def test_each_check_catches_its_fault(middle: str, check: str | None) -> None:
    found = checks(middle)
    if check is None:
        assert "repetition" not in found
    else:
        assert check in found, found


def test_prefix_echo_and_line_holes() -> None:
    assert "prefix_echo" in checks("    for x in xs:\n        total += x\n")
    assert "prefix_echo" in checks("result = compute(a, b)", prefix="result = comp", suffix="\n")
    assert "scope" in checks("a,\n    b", prefix="value = f(", suffix=")\n")
    assert checks("a, b", prefix="value = f(", suffix=")\n") == []


def test_repetition_kinds() -> None:
    assert "repetition" in checks("        total += x\n        x = 1" + "ab" * 12 + "\n")
    block = "        total += x\n        total -= 1\n        total *= 2\n"
    assert "repetition" in checks(block * 3)


def test_special_tokens_in_strings_and_comments_are_fine() -> None:
    middle = "        total += x  # the model emits [SUFFIX] here\n        name = '<|endoftext|>'\n"
    assert checks(middle) == []
    assert_no_special_tokens(PREFIX, middle, SUFFIX)
    with pytest.raises(FIMAssertionError, match="special_tokens: leaked control token"):
        assert_no_special_tokens(PREFIX, "        <fim_middle>total += x\n", SUFFIX)


def test_fences_in_docstrings_are_fine() -> None:
    prefix = 'def f():\n    """Usage:\n\n'
    middle = "    ```python\n    f()\n    ```\n"
    assert checks(middle, prefix=prefix, suffix='    """\n    return 1\n') == []


def test_middle_from_a_response() -> None:
    response = make_fim_response(MIDDLE, seed=1)
    assert checks(response) == []
    chunks = make_fim_response(
        [{"type": "text", "text": "        total "}, {"type": "text", "text": "+= x\n"}], seed=1
    )
    assert checks(chunks) == []
    two = make_fim_response(
        choices=[
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": MIDDLE},
            },
            {
                "index": 1,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "x)"},
            },
        ]
    )
    assert "brackets" in checks(two, choice=1)
    cut = make_fim_response(MIDDLE, finish_reason="length", seed=1)
    assert checks(cut) == ["truncated"]
    assert checks(cut, allow_truncated=True) == []
    assert checks(cut, skip={"truncated"}) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"skip": {"scope", "nope"}}, ValueError, "unknown check 'nope'"),
        ({"language": "cobol"}, ValueError, "language must be one of"),
        ({"choice": 3}, ValueError, "no choice with index 3"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says):
        fill_problems(PREFIX, make_fim_response(MIDDLE, seed=1), SUFFIX, **kwargs)


def test_bad_types() -> None:
    with pytest.raises(TypeError, match="prefix must be a str"):
        fill_problems(b"x", MIDDLE, SUFFIX)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a mapping"):
        fill_problems(PREFIX, 5, SUFFIX)


def test_reference_decides_whether_an_error_is_new() -> None:
    broken_prefix = "def f(:\n"
    assert "syntax" not in checks(
        "    return 1\n", prefix=broken_prefix, suffix="", reference="    return 2\n"
    )


@pytest.mark.parametrize(
    ("language", "prefix", "good", "bad", "suffix"),
    [
        (
            "javascript",
            "function add(a, b) {\n",
            "  return a + b;\n",
            "  return a + b;\n}\n",
            "}\n",
        ),
        ("c", "int add(int a, int b) {\n", "  return a + b;\n", "  return a + b\n", "}\n"),
        ("go", "func add(a, b int) int {\n", "\treturn a + b\n", "\treturn a + b)\n", "}\n"),
        ("rust", "fn add(a: i32, b: i32) -> i32 {\n", "    a + b\n", "    a + b)\n", "}\n"),
    ],
)
def test_other_languages(language: str, prefix: str, good: str, bad: str, suffix: str) -> None:
    pytest.importorskip("tree_sitter")
    assert checks(good, prefix=prefix, suffix=suffix, language=language) == []
    found = checks(bad, prefix=prefix, suffix=suffix, language=language)
    assert {"syntax", "brackets"} & set(found), found


def test_missing_parser_is_a_note_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_fim.quality import FIMQualityNote, _syntax

    _syntax._parser.cache_clear()
    monkeypatch.setitem(sys.modules, "tree_sitter", None)
    try:
        with pytest.warns(FIMQualityNote, match=r"pip install 'pytest-fim\[languages\]'"):
            found = checks(
                "  return a + b\n", prefix="function f() {\n", suffix="}\n", language="javascript"
            )
        assert "syntax" not in found
    finally:
        _syntax._parser.cache_clear()


def test_a_check_that_cannot_run_warns_at_the_users_line(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import sys

        import pytest

        from pytest_fim.quality import _syntax


        @pytest.fixture(autouse=True)
        def no_languages_extra(monkeypatch):
            # As if pytest-fim[languages] were not installed.
            _syntax._parser.cache_clear()
            monkeypatch.setitem(sys.modules, "tree_sitter", None)
            yield
            _syntax._parser.cache_clear()
        """
    )
    pytester.makepyfile(
        test_js="""
        from pytest_fim import assert_brackets, assert_fills_hole, assert_syntax, fill_problems

        HOLE = ("function f() {\\n", "  return 1;\\n", "}\\n")

        def test_single_checks():
            assert_syntax(*HOLE, language="javascript")
            assert_brackets(*HOLE, language="js")

        def test_all_checks():
            assert fill_problems(*HOLE, language="javascript") == []
            assert_fills_hole(*HOLE, language="javascript")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "default")
    result.assert_outcomes(passed=2)
    note = (
        "FIMQualityNote: syntax: skipped: no javascript parser installed; "
        "pip install 'pytest-fim[languages]' to check javascript syntax"
    )
    warned = [
        line.strip().rpartition("/")[2] for line in result.outlines if "FIMQualityNote" in line
    ]
    assert warned == [f"test_js.py:{line}: {note}" for line in (6, 7, 10, 11)], result.stdout.str()


def test_every_correct_humaneval_fill_passes() -> None:
    for name in ("HumanEval-SingleLineInfilling.jsonl.gz", "HumanEval-MultiLineInfilling.jsonl.gz"):
        false = [
            (row["task_id"], [str(p) for p in found])
            for row in humaneval(name)
            if (found := fill_problems(row["prompt"], row["canonical_solution"], row["suffix"]))
        ]
        assert false == []


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_every_line_end_numbers_the_same_lines(end: str) -> None:
    # Python ends a line at \r too: the line numbers and the join shown are the same
    # whatever the file's line ends (and no \r reaches the terminal raw).
    prefix, middle, suffix = (
        f"def f(a, b):{end}",
        f"    return a +{end}",
        f"{end}print(f(1, 2)){end}",
    )
    found = fill_problems(prefix, middle, suffix)
    assert [(p.check, p.line, p.context) for p in found] == [
        ("syntax", 2, ("1 | def f(a, b):", "2 | ⟦    return a +", "3 | ⟧", "4 | print(f(1, 2))"))
    ]
    if _has_module("tree_sitter_javascript"):  # the [languages] extra
        found = fill_problems(
            f"function f() {{{end}", f"  return 1 +;{end}", f"}}{end}", language="javascript"
        )
        assert [(p.check, p.line) for p in found] == [("syntax", 2)]


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_a_hole_inside_a_crlf_line_end_is_shown_on_its_line() -> None:
    assert fill_problems("é\r\n", "", "\n\ré") == []
    found = fill_problems("(é\r", "", "\n\ré(")
    assert [(p.check, p.line, p.context) for p in found] == [
        ("empty", 1, ("1 | (é⟦⟧", "2 | ", "3 | é("))
    ]


def test_failure_text_shows_the_join(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_fim import assert_fills_hole

        def test_fill():
            assert_fills_hole(
                "def mean(xs):\\n    total = 0\\n    for x in xs:\\n",
                "        total += x\\n    return total / len(xs)\\n<|endoftext|>",
                "    return total / len(xs)\\n",
            )
        """
    )
    result = pytester.runpytest("--color=no")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *pytest_fim.FIMAssertionError: the completion does not fit the hole (*problems):",
            "E *special_tokens: leaked control token '<|endoftext|>' (line 6)",
            "E *4 | ⟦        total += x",
            "E *5 |     return total / len(xs)",
            "E *6 | <|endoftext|>⟧    return total / len(xs)",
            "E *suffix_echo: *",
        ]
    )


# ---------------------------------------------------------------- reference and tests


@pytest.mark.parametrize(
    ("mode", "middle", "reference", "passes"),
    [
        ("exact", "x = 1\n", "x = 1\n", True),
        ("exact", "x = 1\n", "x = 1", False),
        ("first_line", "\n  x = 1\ny = 2\n", "x = 1\n", True),
        ("no_whitespace", "x=1 +2", "x = 1 + 2", True),
        ("lines", "  a\n\n  b\n", "a\nb", True),
        ("lines", "a\nc\n", "a\nb\n", False),
        ("ast", "    return (a+b)\n", "    return a + b\n", True),
        ("ast", "    return a - b\n", "    return a + b\n", False),
    ],
)
def test_reference_modes(mode: str, middle: str, reference: str, passes: bool) -> None:
    kwargs: dict[str, Any] = {"prefix": "def f(a, b):\n", "suffix": ""} if mode == "ast" else {}
    if passes:
        assert_matches_reference(middle, reference, mode=mode, **kwargs)
    else:
        with pytest.raises(FIMAssertionError, match=f"mode='{mode}'"):
            assert_matches_reference(middle, reference, mode=mode, **kwargs)


def test_edit_similarity_mode_needs_a_threshold() -> None:
    assert_matches_reference("return a + b", "return a - b", mode="edit_similarity", threshold=90)
    with pytest.raises(FIMAssertionError, match=r"similarity 91\.7 is below the threshold 95"):
        assert_matches_reference(
            "return a + b", "return a - b", mode="edit_similarity", threshold=95
        )
    with pytest.raises(ValueError, match="needs threshold="):
        assert_matches_reference("a", "b", mode="edit_similarity")
    with pytest.raises(ValueError, match="unknown mode"):
        assert_matches_reference("a", "b", mode="fuzzy")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_pure_python_similarity_equals_rapidfuzz(first: str, second: str) -> None:
    fuzz = pytest.importorskip("rapidfuzz.fuzz")
    from pytest_fim.quality._reference import _lcs

    pure = (
        100.0
        if not first and not second
        else 200.0 * _lcs(first, second) / (len(first) + len(second))
    )
    assert pure == pytest.approx(fuzz.ratio(first, second))
    assert edit_similarity(first, second) == pytest.approx(pure)


def test_passes_tests_on_humaneval_samples() -> None:
    sample = (
        humaneval("HumanEval-SingleLineInfilling.jsonl.gz")[::200]
        + humaneval("HumanEval-MultiLineInfilling.jsonl.gz")[::1000]
    )
    for row in sample:
        assert_passes_tests(
            row["prompt"],
            row["canonical_solution"],
            row["suffix"],
            row["test"],
            entry_point=row["entry_point"],
            timeout=10,
        )


def test_failing_and_endless_programs(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(FIMAssertionError, match="fails its tests") as info:
        assert_passes_tests(
            "def double(x):\n",
            "    return x + 1\n",
            "",
            "assert double(3) == 6, 'double(3) is wrong'",
        )
    assert "double(3) is wrong" in str(info.value)
    with pytest.raises(FIMAssertionError, match="did not finish within 1 s"):
        assert_passes_tests("def f():\n", "    while True:\n        pass\n", "", "f()", timeout=1)
    monkeypatch.setenv("MISTRAL_API_KEY", "sk-canary-secret")
    assert_passes_tests("import os\n", "", "", "assert 'MISTRAL_API_KEY' not in os.environ")


def test_random_mid_line_spans_are_accepted() -> None:
    # Benchmarks cut holes at random characters; a correct span must pass
    # every check but the scope heuristic.
    import random

    data = humaneval("HumanEval-MultiLineInfilling.jsonl.gz")
    rng = random.Random(7)
    false = []
    for _ in range(600):
        row = rng.choice(data)
        full = row["prompt"] + row["canonical_solution"] + row["suffix"]
        start = rng.randrange(len(row["prompt"]), len(full) - 1)
        end = rng.randrange(start + 1, min(len(full), start + 300))
        found = fill_problems(full[:start], full[start:end], full[end:], skip={"scope"})
        if found:
            false.append((row["task_id"], start, end, [str(p) for p in found]))
    assert false == []


def test_empty_only_where_code_is_missing() -> None:
    assert checks("", prefix="def f():\n", suffix="") == ["empty"]
    assert checks("\n", prefix="x = 1\n", suffix="y = 2\n") == []
    assert checks("", prefix="def f():\n", suffix="", expect_empty=True) != ["empty"]
