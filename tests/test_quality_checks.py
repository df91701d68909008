"""Each quality check alone: good fills it accepts, bad fills it names, odd input it survives."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_fim import (
    FillProblem,
    FIMAssertionError,
    Problem,
    assert_brackets,
    assert_fills_hole,
    assert_indentation,
    assert_no_markdown,
    assert_no_prefix_echo,
    assert_no_repetition,
    assert_no_suffix_echo,
    assert_scope,
    assert_syntax,
    fill_problems,
)

PREFIX = "def mean(xs):\n    total = 0\n    for x in xs:\n"
SUFFIX = "    return total / len(xs)\n"
JS_PREFIX = "function sum(xs) {\n  let total = 0;\n  for (const x of xs) {\n"
JS_SUFFIX = "  }\n  return total;\n}\n"


def checks(middle: Any, prefix: str = PREFIX, suffix: str = SUFFIX, **kw: Any) -> list[str]:
    return [problem.check for problem in fill_problems(prefix, middle, suffix, **kw)]


# ---------------------------------------------------------------- good fills pass


@pytest.mark.parametrize(
    ("prefix", "middle", "suffix", "language"),
    [
        # a whole-line hole
        (PREFIX, "        total += x\n", SUFFIX, "python"),
        # a hole inside a line, filled inside the line
        ("def f(a, b):\n    return a ", "+ b", "\n", "python"),
        # the last line of a list, with its closer
        ("xs = [1, 2,\n", "      3, 4]\n", "print(xs)\n", "python"),
        ("num = [1, 4, 5,\n", "       9, 10]\n", "print(num)\n", "python"),
        ("call(first,\n", "     second)\n", "\n", "python"),
        # a block the hole opens
        ("def f(xs):\n", "    for x in xs:\n", "        print(x)\n", "python"),
        # a fill that closes one function and opens the next, whose body follows
        ("def a():\n    return 1\n", "\n\ndef b():\n", "    return 2\n", "python"),
        (
            "function a() {\n  return 1;\n",
            "}\n\nfunction b() {\n",
            "  return 2;\n}\n",
            "javascript",
        ),
        # a fill that ends a block and returns
        (PREFIX, "        total += x\n    total = total or 1\n", SUFFIX, "python"),
        # tokens and fences inside strings and comments are not leaks
        (PREFIX, "        total += x  # never emit [SUFFIX] or ```\n", SUFFIX, "python"),
        ('def f():\n    return """\n', "```python\nx = 1\n```\n", '"""\n', "python"),
        # a table row and a comment banner repeat by design
        ("TABLE = [\n", "    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n", "]\n", "python"),
        (
            "def f():\n",
            "    # =-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=-=\n    return 1\n",
            "",
            "python",
        ),
        # the same short line twice is no loop
        (PREFIX, "        total += x\n        total += x\n", SUFFIX, "python"),
        # tab-indented files take tab-indented fills
        ("def f(xs):\n\tfor x in xs:\n", "\t\tprint(x)\n", "\treturn 0\n", "python"),
        (JS_PREFIX, "    total += x;\n", JS_SUFFIX, "javascript"),
        ("const f = (a) => ", "a.map((x) => x * 2)", ";\n", "javascript"),
        ("int add(int a, int b) {\n", "  return a + b;\n", "}\n", "c"),
        ("func add(a, b int) int {\n", "\treturn a + b\n", "}\n", "go"),
        ("fn add(a: i32, b: i32) -> i32 {\n", "    a + b\n", "}\n", "rust"),
        ("class A {\n  int f() {\n", "    return 1;\n", "  }\n}\n", "java"),
    ],
)
def test_good_fills_pass(prefix: str, middle: str, suffix: str, language: str) -> None:
    if language != "python":
        pytest.importorskip("tree_sitter")
    assert checks(middle, prefix, suffix, language=language) == []
    assert_fills_hole(prefix, middle, suffix, language=language)


@pytest.mark.parametrize(
    ("language", "prefix", "middle", "suffix"),
    [
        # Editors send a window of the file: the prefix may start inside a block,
        # the suffix may stop inside one. The file then fails to parse whatever
        # the hole holds, and that is not the middle's fault.
        (
            "python",
            "        total = 0\n        for x in xs:\n",
            "            total += x\n",
            "        return total\n",
        ),
        ("python", "def f(x):\n    return g(\n", "        x,\n", "        1,\n"),
        ("python", "def f(xs):\n", "    return 1\n", '\n\ndef g():\n    """Start of a doc'),
        ("javascript", "function f() {\n  if (x) {\n", "    y();\n", "    z();\n"),
        ("javascript", "    const a = 1;\n", "    const b = 2;\n", "    return a + b;\n  }\n}\n"),
        ("typescript", "    .then((r) => {\n", "      log(r);\n", "    })\n    .catch(e);\n}\n"),
        ("go", "func f() {\n\tif x {\n", "\t\ty()\n", "\t\tz()\n"),
        ("c", "int f() {\n  if (x) {\n", "    y();\n", "    z();\n"),
        ("java", "class A {\n  void f() {\n", "    y();\n", "    z();\n"),
        ("rust", "fn f() {\n    if x {\n", "        y();\n", "        z();\n"),
        # a regular expression's brackets are no brackets, even in a cut-off window
        (
            "javascript",
            "function f(s) {\n  if (s) {\n",
            "    s = s.replace(/[(]/g, '');\n",
            "    g(s);\n",
        ),
    ],
)
def test_cut_off_context_is_not_the_middles_fault(
    language: str, prefix: str, middle: str, suffix: str
) -> None:
    if language != "python":
        pytest.importorskip("tree_sitter")
    assert checks(middle, prefix, suffix, language=language) == []


def test_random_spans_pass_all_but_the_scope_heuristic() -> None:
    # Benchmarks cut holes mid-line; several lines in a hole inside a line is
    # what scope flags, so only scope may speak.
    prefix, middle, suffix = "def f(a, b):\n    if a > ", "b:\n        return a\n    ret", "urn b\n"
    assert checks(middle, prefix, suffix) == ["scope"]
    assert_fills_hole(prefix, middle, suffix, skip={"scope"})


# ---------------------------------------------------------------- bad fills are named


@pytest.mark.parametrize(
    ("prefix", "middle", "suffix", "check"),
    [
        (PREFIX, "        total += x[MIDDLE]\n", SUFFIX, "special_tokens"),
        (PREFIX, "        total += x<｜fim▁hole｜>\n", SUFFIX, "special_tokens"),
        (PREFIX, "<|file_sep|>        total += x\n", SUFFIX, "special_tokens"),
        (PREFIX, "~~~\n        total += x\n~~~\n", SUFFIX, "markdown"),
        (PREFIX, "        total += x\nExplanation: this adds x.\n", SUFFIX, "markdown"),
        # runs on into the suffix, mid-line
        ("x = compute(", "a, b)\nprint(x", ")\nprint(x)\n", "suffix_echo"),
        # regenerates the suffix's lines, dropping their semicolons
        (
            "function f() {\n",
            "  const a = 1\n  return a\n",
            "  const a = 1;\n  return a;\n}\n",
            "suffix_echo",
        ),
        (PREFIX, "    for x in xs:\n        total += x\n", SUFFIX, "prefix_echo"),
        # closes with the wrong kind of bracket
        ("def f():\n", "    d = {'a': [1, 2)}\n", "    return d\n", "brackets"),
        # closes what the suffix closes again
        ("print(len(", "xs))", ")\n", "brackets"),
        # leaves the prefix's list open although the code after it goes on
        ("xs = [1, 2,\n", "      3, 4\n", "ys = [5]\n", "syntax"),
        ("def f(xs):\n    for x in xs:\n", "     print(x)\n", "    return 0\n", "indentation"),
        ("def f():\n    x = ", " 1\n", "    return x\n", "indentation"),
        ("def f():\n", "  x = 1\n    y = 2\n", "  return x\n", "indentation"),
        # one column past the bracket the line continues, and at the end of the file
        ("num = [1, 4, 5,\n", "        9, 10]\n", "print(num)\n", "indentation"),
        ("d = {\n", "     'a': 1,\n    'b': 2,\n}\n", "", "indentation"),
        (PREFIX, "        t=0\n        t=0\n        t=0\n", SUFFIX, "repetition"),
        (PREFIX, "        total += x\n        print('" + "ha" * 70 + "\n", SUFFIX, "repetition"),
        (PREFIX, "        total += x\n        x = [" + "0, " * 50 + "\n", SUFFIX, "repetition"),
        (PREFIX, "        total += x\ndef helper():\n    pass\n", SUFFIX, "scope"),
        ("value = f(", "a,\n    b", ")\n", "scope"),
    ],
)
def test_bad_fills_are_named(prefix: str, middle: str, suffix: str, check: str) -> None:
    found = checks(middle, prefix, suffix)
    assert check in found, found


@pytest.mark.parametrize(
    ("language", "middle"),
    [
        ("javascript", "    total += x;\n  }\n"),  # closes the loop the suffix closes
        ("javascript", "    total += (x;\n"),
        ("typescript", "    total += x);\n"),
    ],
)
def test_bad_fills_in_other_languages(language: str, middle: str) -> None:
    pytest.importorskip("tree_sitter")
    found = checks(middle, JS_PREFIX, JS_SUFFIX, language=language)
    assert {"syntax", "brackets"} & set(found), found


@pytest.mark.parametrize(
    "function",
    [
        assert_brackets,
        assert_no_markdown,
        assert_no_repetition,
        assert_no_suffix_echo,
        assert_no_prefix_echo,
        assert_scope,
        assert_syntax,
        assert_indentation,
    ],
)
def test_single_check_functions_pass_a_good_fill(function: Any) -> None:
    function(PREFIX, "        total += x\n", SUFFIX)
    assert function.__doc__ and "FIMAssertionError" in function.__doc__


def test_single_check_functions_fail_on_their_own_fault_only() -> None:
    with pytest.raises(FIMAssertionError, match=r"\(prefix_echo\)") as info:
        assert_no_prefix_echo(PREFIX, "    for x in xs:\n        total += x\n", SUFFIX)
    assert [problem.check for problem in info.value.problems] == ["prefix_echo"]
    # a leaked token is not the scope check's business
    assert_scope(PREFIX, "        total += x<|endoftext|>\n", SUFFIX)


@pytest.mark.parametrize(
    ("language", "prefix", "middle", "suffix"),
    [
        ("cpp", "std::vector", "<s> items;", "\n"),  # a generic named s
        ("python", "ok = lo", "<s>hi", "\n"),  # a chained comparison
        ("javascript", "const el = ", "<p><s>old</s> new</p>", ";\n"),  # JSX strikethrough
        # a FIM client's own code: a subscript by a constant it defines
        (
            "python",
            "PREFIX = '<fim_prefix>'\n\ndef build(tokens):\n",
            "    return tokens[PREFIX]\n",
            "\n",
        ),
    ],
)
def test_s_tags_that_are_code_are_no_leak(
    language: str, prefix: str, middle: str, suffix: str
) -> None:
    assert "special_tokens" not in checks(middle, prefix, suffix, language=language)


def test_a_subscript_by_an_unknown_name_is_still_a_leak() -> None:
    # "[SUFFIX]" written after code parses as a subscript; without a SUFFIX
    # anywhere in the code around the hole, it is the model's control token.
    assert "special_tokens" in checks(
        "    return x[SUFFIX]\n", "def f(x):\n    s = '[SUFFIX]'\n", "\n"
    )


def test_a_token_leaked_many_times_is_one_problem() -> None:
    found = fill_problems("def f():\n", "    return 1" + "</s>" * 50_000 + "\n", "")
    tokens = [problem for problem in found if problem.check == "special_tokens"]
    assert [problem.message for problem in tokens] == ["leaked control token '</s>' (50000 times)"]
    assert "special_tokens" in checks(
        "    return 1;</s>\n", "function f() {\n", "}\n", language="javascript"
    )


# ---------------------------------------------------------------- what a problem looks like


def test_a_problem_reads_check_message_and_context() -> None:
    [problem] = fill_problems(PREFIX, "        total += x<|endoftext|>\n", SUFFIX, skip={"syntax"})
    assert isinstance(problem, FillProblem) and isinstance(problem, Problem)
    assert (problem.check, problem.line) == ("special_tokens", 4)
    assert problem.message == "leaked control token '<|endoftext|>'"
    text = str(problem)
    head, *context = text.split("\n")
    assert head == "special_tokens: leaked control token '<|endoftext|>' (line 4)"
    assert context[0] == "2 |     total = 0"
    assert "4 | ⟦        total += x<|endoftext|>" in context
    assert "5 | ⟧    return total / len(xs)" in context


def test_all_problems_are_raised_at_once() -> None:
    with pytest.raises(FIMAssertionError) as info:
        assert_fills_hole(PREFIX, "```\n        total += x<|endoftext|>\n```\n", SUFFIX)
    checks_named = [problem.check for problem in info.value.problems]  # type: ignore[attr-defined]
    assert {"special_tokens", "markdown"} <= set(checks_named)
    assert str(info.value).startswith("the completion does not fit the hole (")


def test_skip_names_are_checked() -> None:
    with pytest.raises(ValueError, match=r"unknown check 'scop'.*the checks are empty, "):
        fill_problems(PREFIX, "x", SUFFIX, skip=["scop"])
    with pytest.raises(TypeError, match="skip must be check names"):
        fill_problems(PREFIX, "x", SUFFIX, skip=None)  # type: ignore[arg-type]
    assert checks("        total += x<|endoftext|>\n", skip="special_tokens") == ["syntax"]


# ---------------------------------------------------------------- size and odd input


def test_huge_middles_give_a_short_message() -> None:
    # How the time grows with the middle's size is measured in bench/fill_scaling.py.
    for middle in (
        "        x = '" + "ab" * 500_000 + "'\n",
        "".join(f"        total += {number}\n" for number in range(20_000)),
        "        total += x\n" * 50_000,
    ):
        found = fill_problems(PREFIX, middle, SUFFIX)
        assert all(len(str(problem)) < 5_000 for problem in found)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "'",
                '"',
                "'''",
                "`",
                "#",
                "//",
                "/*",
                "*/",
                "\\",
                "\n",
                "\t",
                "    ",
                "x",
                "def ",
                "[SUFFIX]",
                "```",
                "\r\n",
                "\x00",
                "é",
                "\ud800",
                ":",
                ";",
            ]
        ),
        max_size=20,
    ).map("".join),
    st.lists(st.sampled_from(["(", ")", "x = 1", "\n", "    ", "'", "}", "<s>"]), max_size=8).map(
        "".join
    ),
    st.sampled_from(
        ["python", "javascript", "typescript", "tsx", "java", "go", "rust", "c", "cpp"]
    ),
)
def test_any_text_gives_problems_never_a_crash(prefix: str, middle: str, language: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no parser installed: a note, tested elsewhere
        for problem in fill_problems(prefix, middle, prefix[::-1], language=language):
            assert problem.check and problem.message
            str(problem)


def test_readme_failure_output_is_what_a_run_prints(pytester: pytest.Pytester) -> None:
    # The README pastes a real failure; rerun its example and compare, so the
    # text cannot drift from what users see.
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Does the completion fit the hole", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    pasted = re.search(r"```\n(>.*?)```", section, re.S)
    assert example and pasted, "the README section lost its example or its output"
    pytester.makepyfile(test_fill=example.group(1))
    result = pytester.runpytest("--color=no", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    expected = [line.rstrip() for line in pasted.group(1).strip().split("\n")]
    shown = [line.rstrip() for line in result.stdout.lines]
    start = shown.index(expected[0])
    assert shown[start : start + len(expected)] == expected


def test_language_names_are_forgiving_and_checked() -> None:
    pytest.importorskip("tree_sitter")
    for name in ("JavaScript", "js", " TS ", "c++", "golang"):
        fill_problems("f(", "1", ");\n", language=name)
    with pytest.raises(ValueError, match=r"language must be one of .*javascript.*got 'cobol'"):
        fill_problems("", "x", "", language="COBOL")
    with pytest.raises(TypeError, match="language must be a str"):
        fill_problems("", "x", "", language=None)  # type: ignore[arg-type]


def test_tables_repeat_by_design_loops_do_not() -> None:
    zeros = "    [0, 0, 0, 0],\n"
    assert checks(zeros * 4, "Z = [\n", "]\n") == []
    assert checks("    [1, 0, 1, 0],\n    [0, 1, 0, 1],\n" * 3, "Z = [\n", "]\n") == []
    [problem] = fill_problems("Z = [\n", zeros * 20, "]\n")
    assert problem.message == "the same line 20 times running: '[0, 0, 0, 0],'"


# ---------------------------------------------------------------- run-ons, shifts, nested calls

DEF = "def score(xs):\n    total = sum(xs)\n"


@pytest.mark.parametrize(
    "after",
    [
        "\n\ndef helper(values):\n    return sorted(values)\n",
        '\n\nif __name__ == "__main__":\n    print(score([1, 2]))\n',
        "\n\ndef test_score():\n    assert score([1]) == 1\n",
        "\n\nprint(score([3]))\n",
        "\n\n@functools.cache\ndef cached(n):\n    return n\n",
    ],
)
def test_a_run_on_past_the_end_of_the_file_is_scope(after: str) -> None:
    # The body is done, nothing follows the hole, and the model goes on
    # writing top-level code: the runaway editors stop at the block's end.
    found = fill_problems(DEF, "    return total\n" + after, "")
    assert [problem.check for problem in found] == ["scope"]
    first = after.strip().split("\n", 1)[0]
    assert found[0].message == (
        f"the middle runs on past its block into new top-level code: {first!r}"
    )
    assert found[0].line == DEF.count("\n") + 1 + after[: after.index(first)].count("\n") + 1
    # mid-file too, where the code after the hole is swallowed by the new block
    assert "scope" in checks("    return total\n" + after, DEF, "    return 0\n")


def test_a_run_on_in_a_braced_language_is_scope() -> None:
    pytest.importorskip("tree_sitter")
    middle = "  return total;\n}\n\nconsole.log(score([1, 2]));\n"
    assert checks(
        middle, "function score(xs) {\n  let total = 0;\n", "", language="javascript"
    ) == ["scope"]


@pytest.mark.parametrize(
    ("prefix", "middle", "suffix"),
    [
        # the hole itself at top level: a new function after the last one
        ("def f():\n    return 1\n", "\n\ndef g():\n    return 2\n\n\nprint(g())\n", ""),
        (DEF + "    return total\n", "\n\nif __name__ == '__main__':\n    print(score([1]))\n", ""),
        # the middle's last line is the header whose body the suffix holds
        (DEF, "    return total\n\n\n@cache\ndef g():\n", "    return 2\n"),
        # top-level code inside brackets is no statement
        ("VALUES = [\n", "    1,\n]\nprint(VALUES)\n", ""),
        # the next branch of the statement the hole is in
        ("if DEBUG:\n    level = 1\n", "else:\n    level = 0\n", ""),
    ],
)
def test_top_level_code_in_a_top_level_hole_is_no_run_on(
    prefix: str, middle: str, suffix: str
) -> None:
    assert checks(middle, prefix, suffix) == []


@pytest.mark.parametrize(
    ("prefix", "middle", "suffix"),
    [
        # Python blames the code after the hole (an elif, an else, a dedented
        # line) and a neutral middle fails there too; one column shallower, the
        # file parses.
        (
            "def f(s):\n    depth = 0\n    for c in s:\n",
            "         if c == '(':\n             depth += 1\n",
            "        elif c == ')':\n            depth -= 1\n    return depth\n",
        ),
        (
            "def f(xs):\n    best = None\n    for x in xs:\n",
            "         if best is None:\n             best = x\n",
            "        else:\n            best = max(best, x)\n    return best\n",
        ),
        (
            "def f(d):\n    if not d:\n        return False\n    else:\n",
            "         state = 'start'\n         for key in d:\n             if not key:\n",
            "                state = 'mixed'\n                break\n            state = 'done'\n"
            "        return state\n",
        ),
    ],
)
def test_a_middle_shifted_one_column_deeper_is_indentation(
    prefix: str, middle: str, suffix: str
) -> None:
    found = fill_problems(prefix, middle, suffix)
    shifted = [problem for problem in found if problem.check == "indentation"]
    assert shifted, found
    width = len(middle) - len(middle.lstrip(" "))
    assert shifted[0].message == (
        f"the middle is one column deeper than its block (its first "
        f"line at {width}): one column shallower, the file parses"
    )
    assert shifted[0].line == prefix.count("\n") + 1
    # the same lines where they belong pass
    assert checks("\n".join(line[1:] for line in middle.split("\n")), prefix, suffix) == []


def test_entries_shifted_one_column_past_their_siblings_are_indentation() -> None:
    prefix, suffix = "def f():\n    names = {\n", "        'c': 3,\n    }\n    return names\n"
    found = fill_problems(prefix, "         'a': 1,\n         'b': 2,\n", suffix)
    assert [(problem.check, problem.message) for problem in found] == [
        (
            "indentation",
            "the middle's lines are indented 9, one column more than the code after the hole",
        )
    ]
    assert checks("        'a': 1,\n        'b': 2,\n", prefix, suffix) == []
    # lines of a docstring are text: their columns are the writer's
    assert checks("     text\n     more\n", 'def f():\n    """\n', '    """\n    return 1\n') == []


@pytest.mark.parametrize(
    ("prefix", "middle", "suffix"),
    [
        # nested calls of the same function: the code needs both copies
        ("def decode(s):\n    return ", "encode_cyclic(", "encode_cyclic(s))\n"),
        ("def decode(s):\n    return [", "encode_cyclic(", "encode_cyclic(s))]\n"),
        ("def decode(s):\n    x=", "encode_cyclic(", "encode_cyclic(s))\n    return x\n"),
        ("def f(s):\n    return (f", "(encode_cyclic(", "encode_cyclic(s))))\n"),
        # nested subscripts
        ("def f(indices, i):\n    return {", "indices[", "indices[i]]}\n"),
        # repeated words in a string
        ("def f():\n    return ", "'Return the ", "Return the value'\n"),
        ("def f():\n    return 'na", "-na-na-na-na", "-na-na-na-na'\n"),
    ],
)
def test_repeated_text_the_code_needs_is_no_echo(prefix: str, middle: str, suffix: str) -> None:
    assert checks(middle, prefix, suffix) == []


@pytest.mark.parametrize(
    ("prefix", "middle", "suffix"),
    [
        # the same call twice in a row parses, and so does the file with one copy;
        # the repeat starts after a space, but not inside a run of whitespace
        ("def fib(n):\n    return fib(n - 1) + ", "fib(n - 2) + fib(n - 3)", "+ fib(n - 3)\n"),
        ("x = compute(", "a, b)\nprint(x", ")\nprint(x)\n"),
        # an echo that runs out of a string into code
        ("print('hello", " big world')\nprint(x", " world')\nprint(x)\n"),
    ],
)
def test_text_the_code_reads_once_is_an_echo(prefix: str, middle: str, suffix: str) -> None:
    assert "suffix_echo" in checks(middle, prefix, suffix)
