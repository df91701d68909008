"""fim_snapshot: the .fim format, and the fixture as a user meets it under syrupy."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest
from _strategies import JSON_VALUES, near_valid
from _support import sdk_models
from dirty_equals import IsInt, IsStr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pytest_fim import FIMAssertionError, FIMCompletionRequest, make_fim_response, make_fim_stream
from pytest_fim.inputs import SnapshotInput
from pytest_fim.snapshot import _render, parse_snapshot, render_snapshot, snapshot_diff

#: The fixture's tests need syrupy (the snapshot extra, in the test extra too);
#: the format's do not.
needs_syrupy = pytest.mark.skipif(
    importlib.util.find_spec("syrupy") is None,
    reason="syrupy (pip install 'pytest-fim[snapshot]') is missing",
)

CODE = "def mean(xs):\n    total = sum(xs)\n    return total / len(xs)\n"

#: The live API's own example response, as it sends it (key order, nulls, no prefix).
LIVE = {
    "id": "447e3e0d457e42e98248b5d2ef52a2a3",
    "object": "chat.completion",
    "model": "codestral-2508",
    "usage": {"prompt_tokens": 8, "completion_tokens": 91, "total_tokens": 99},
    "created": 1759496862,
    "choices": [
        {
            "index": 0,
            "message": {"content": CODE, "tool_calls": None, "prefix": False, "role": "assistant"},
            "finish_reason": "stop",
        }
    ],
}

LIVE_FILE = """\
# pytest-fim snapshot: FIM completion response
model: "codestral-2508"
choices[0].finish_reason: "stop"
usage.prompt_tokens: 8
usage.completion_tokens: 91
usage.total_tokens: 99

──── choices[0].message.content: 3 lines ────
def mean(xs):
    total = sum(xs)
    return total / len(xs)
────
"""


# ---------------------------------------------------------------- the format


def test_a_response_is_a_header_and_its_code() -> None:
    assert render_snapshot(LIVE) == LIVE_FILE


def test_every_input_form_of_a_response_writes_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "response.json"
    path.write_text(json.dumps(LIVE))
    reordered = {key: LIVE[key] for key in reversed(list(LIVE))}
    ours = make_fim_response(
        CODE, model="codestral-2508", prompt_tokens=8, completion_tokens=91, seed=5
    )
    forms: list[Any] = [
        json.dumps(LIVE),
        json.dumps(LIVE).encode(),
        path,
        reordered,
        ours,
        ours.model_dump(mode="json"),
    ]
    httpx = pytest.importorskip("httpx")
    forms.append(httpx.Response(200, json=LIVE))
    for form in forms:
        assert render_snapshot(form) == LIVE_FILE, type(form)


def test_the_sdk_model_writes_the_same_file() -> None:
    sdk = sdk_models().FIMCompletionResponse.model_validate(LIVE)
    assert render_snapshot(sdk) == LIVE_FILE


def test_a_stream_is_stored_assembled_with_its_chunk_count(tmp_path: Path) -> None:
    chunks = make_fim_stream(CODE, chunks=4, seed=1)
    text = render_snapshot(chunks)
    assert text.startswith(
        f"# pytest-fim snapshot: FIM stream of {len(chunks)} chunks, "
        "assembled\n"
        'model: "codestral-latest"\nchoices[0].finish_reason: "stop"\n'
    )
    assert text.endswith(LIVE_FILE.split("\n\n", 1)[1])
    sse = make_fim_stream(CODE, chunks=4, seed=1, as_sse=True)
    path = tmp_path / "stream.sse"
    path.write_text(sse)
    dicts = [chunk.model_dump(mode="json") for chunk in chunks]
    for form in (sse, sse.encode(), sse.splitlines(keepends=True), path, dicts, iter(dicts)):
        assert render_snapshot(form) == text
    one = [
        {
            "id": "a",
            "model": "m",
            "choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    ]
    assert render_snapshot(one).startswith(
        "# pytest-fim snapshot: FIM stream of 1 chunk, assembled\n"
    )


def test_a_request_shows_its_parameters_and_code() -> None:
    request = FIMCompletionRequest(
        model="codestral-latest",
        prompt="def mean(xs):\n",
        suffix="\n\nprint(mean([1, 2]))",
        temperature=0.2,
        max_tokens=64,
        stop=["\n\n"],
        stream=False,
    )
    assert (
        render_snapshot(request)
        == """\
# pytest-fim snapshot: FIM completion request
model: "codestral-latest"
max_tokens: 64
stop[0]: "\\n\\n"
temperature: 0.2

──── prompt: 1 line ────
def mean(xs):
────
──── suffix: 3 lines ────


print(mean([1, 2]))
──── no newline at end ────
"""
    )
    body = {"model": "codestral-latest", "prompt": "def f(", "temperature": 0, "stream": False}
    assert (
        render_snapshot(body)
        == render_snapshot(FIMCompletionRequest(**body))
        == (
            '# pytest-fim snapshot: FIM completion request\nmodel: "codestral-latest"\n'
            "temperature: 0\n\n──── prompt: 1 line ────\ndef f(\n──── no newline at end ────\n"
        )
    )


@pytest.mark.parametrize(
    "text",
    [
        "    return a + b\n",
        ": int) -> int:\n",
        "data = load()\n",
        "{\n  foo();\n}\n",
        '{"a": 1}',
        "",
        "\n",
    ],
)
def test_a_str_that_is_not_a_response_or_a_stream_is_the_completion(text: str) -> None:
    assert render_snapshot(text).startswith("# pytest-fim snapshot: FIM completion text\n")
    assert parse_snapshot(render_snapshot(text)).data == {"completion": text}


def test_code_lines_keep_whitespace_visible_and_exact() -> None:
    text = "a = 1  \nb = 2\t\n\t\tc()\nd\r\ne\u00a0\n·\nf ·\n→\ng¶\n    \nlast"
    written = render_snapshot(text)
    assert written == (
        "# pytest-fim snapshot: FIM completion text\n"
        "──── completion: 11 lines ────\n"
        "a = 1··\n"
        "b = 2→\n"
        "\t\tc()\n"
        '"d\\r"¶\n'
        '"e\\u00a0"¶\n'
        '"·"¶\n'
        '"f ·"¶\n'
        '"→"¶\n'
        '"g¶"¶\n'
        "····\n"
        "last\n"
        "──── no newline at end ────\n"
    )
    assert parse_snapshot(written).data == {"completion": text}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "x",
                " ",
                "\t",
                "\n",
                "\r",
                "·",
                "→",
                "¶",
                '"',
                "\\",
                "\u00a0",
                "\u200b",
                "\ud800",
                "\x00",
                "é",
                "────",
                ": ",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_any_completion_text_round_trips(text: str) -> None:
    written = render_snapshot(text)
    written.encode("utf-8")  # a file can hold it: no lone surrogate left raw
    assert parse_snapshot(written).data == {"completion": text}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid() | st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4))
def test_any_data_reads_back_to_the_same_file(data: Any) -> None:
    # A surrogate pair kept as two code points is written as two escapes, which
    # JSON reads back as the one character they make: the text differs, not the file.
    assume(not re.search(r"\\ud[89ab][0-9a-f]{2}\\ud[c-f]", repr(data)))
    try:
        written = render_snapshot(data)
    except (FIMAssertionError, TypeError, ValueError):
        return
    written.encode("utf-8")
    parsed = parse_snapshot(written)
    assert (
        _render(SnapshotInput(parsed.kind, parsed.data, parsed.chunks), _default_options())
        == written
    )


def _default_options() -> Any:
    from pytest_fim.snapshot import _DEFAULT_OPTIONS

    return _DEFAULT_OPTIONS


def test_exclude_adds_patterns_to_the_volatile_fields() -> None:
    response = make_fim_response(CODE, n=2, seed=1).model_dump(mode="json")
    response["choices"][1]["message"]["tool_calls"] = [
        {"id": "c1", "function": {"name": "f", "arguments": "{}"}}
    ]
    text = render_snapshot(response, exclude=("usage", "choices[*].message.tool_calls"))
    assert "usage" not in text and "tool_calls" not in text and "id" not in text
    assert "choices[1].message.content" in text
    assert "choices[1].message.tool_calls[0].function.name" in render_snapshot(response)


def test_matchers_write_themselves_and_must_accept_a_value_that_is_there() -> None:
    response = make_fim_response(CODE, seed=1)
    text = render_snapshot(
        response,
        matchers={
            "usage.total_tokens": IsInt(gt=0),
            "id": IsStr(regex="^[0-9a-f]{32}$"),
            "choices[*].finish_reason": re.compile("^stop$"),
        },
    )
    assert "usage.total_tokens: matched by IsInt(gt=0)\n" in text
    assert "id: matched by IsStr(regex='^[0-9a-f]{32}$')\n" in text  # a matcher beats exclusion
    assert "choices[0].finish_reason: matched by re.compile('^stop$')\n" in text
    assert render_snapshot(
        make_fim_response(CODE, seed=2, prompt_tokens=99),
        matchers={"usage.total_tokens": IsInt(gt=0), "usage.prompt_tokens": IsInt(gt=0)},
    ) == render_snapshot(
        response, matchers={"usage.total_tokens": IsInt(gt=0), "usage.prompt_tokens": IsInt(gt=0)}
    )
    with pytest.raises(FIMAssertionError) as info:
        render_snapshot(
            response,
            matchers={
                "usage.total_tokens": IsInt(lt=5),
                "usage.cached_tokens": IsInt(),
                "choices[*].message.tool_calls[*].id": IsStr(),
            },
        )
    assert str(info.value) == (
        "fim_snapshot: 3 matchers failed:\n"
        f"  usage.total_tokens: matcher failed: IsInt(lt=5) did not accept "
        f"{response.usage.total_tokens}\n"
        "  usage.cached_tokens: missing: no value for IsInt() to accept\n"
        "  choices[*].message.tool_calls[*].id: missing: no value for IsStr() to accept"
    )


def test_a_matcher_repr_with_an_address_is_written_without_it() -> None:
    class Positive:
        def __eq__(self, other: object) -> bool:
            return isinstance(other, int) and other > 0

    text = render_snapshot(LIVE, matchers={"usage.total_tokens": Positive()})
    assert re.search(r"usage.total_tokens: matched by <.*Positive object>\n", text), text


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (5, TypeError, r"fim_snapshot cannot compare builtins.int 5; it takes a FIM completion"),
        (b"{not json", FIMAssertionError, r"(?s)invalid FIM completion response .*not valid JSON"),
        (b"[1, 2]", TypeError, r"takes a JSON object, got bytes holding a list"),
        ('data: {"id": 1}\n\n', FIMAssertionError, r"stream"),
    ],
)
def test_a_value_it_cannot_read_says_what_it_got(
    value: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        render_snapshot(value)


def test_bad_options_say_what_they_take() -> None:
    with pytest.raises(TypeError, match=r"exclude=\.\.\.\) takes path patterns .* got int"):
        render_snapshot(LIVE, exclude=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"malformed path pattern 'usage\.'"):
        render_snapshot(LIVE, exclude=("usage.",))
    with pytest.raises(TypeError, match=r"matchers=\.\.\.\) takes a mapping"):
        render_snapshot(LIVE, matchers=[IsInt()])  # type: ignore[arg-type]


def test_nested_mappings_and_tuples_are_data_like_dicts_and_lists() -> None:
    from collections import OrderedDict

    plain = {"model": "m", "usage": {"total_tokens": 3}, "choices": [{"finish_reason": "stop"}]}
    handed = OrderedDict(
        model="m", usage=OrderedDict(total_tokens=3), choices=(OrderedDict(finish_reason="stop"),)
    )
    assert render_snapshot(handed) == render_snapshot(plain)


@needs_syrupy
def test_the_extension_takes_no_syrupy_filters_and_fixture_names_must_be_str() -> None:
    from pytest_fim.snapshot import FIMSnapshot, FIMSnapshotExtension

    extension = FIMSnapshotExtension()
    assert extension.serialize("x\n") == render_snapshot("x\n")
    with pytest.raises(TypeError, match=r"no syrupy filters: use fim_snapshot\(exclude="):
        extension.serialize("x", exclude=lambda **_: False)
    with pytest.raises(TypeError, match=r"name=\.\.\.\) takes a str, got int"):
        FIMSnapshot(None, name=3)  # type: ignore[arg-type]


def test_snapshot_diff_names_paths_and_shows_code_as_a_unified_diff() -> None:
    changed = json.loads(json.dumps(LIVE))
    changed["choices"][0]["message"]["content"] = CODE.replace("sum(xs)", "sum(xs) ")
    changed["usage"].update(completion_tokens=92, total_tokens=100)
    assert snapshot_diff(LIVE_FILE, render_snapshot(changed)) == [
        "usage.completion_tokens: changed: expected 91, got 92",
        "usage.total_tokens: changed: expected 99, got 100",
        "choices[0].message.content: changed (-expected +actual; whitespace differs only):",
        "    --- expected",
        "    +++ actual",
        "    @@ -1,3 +1,3 @@",
        "     def mean(xs):",
        "    -    total = sum(xs)",
        "    +    total = sum(xs)·",
        "         return total / len(xs)",
    ]
    assert snapshot_diff(LIVE_FILE, LIVE_FILE) == []
    assert snapshot_diff(LIVE_FILE, render_snapshot(make_fim_stream(CODE, chunks=2, seed=1)))[
        0
    ] == (
        "(kind): changed: the snapshot holds a FIM completion response, the value is a FIM stream"
    )
    two, three = (make_fim_stream(CODE, chunks=n, seed=1) for n in (2, 3))
    assert snapshot_diff(render_snapshot(two), render_snapshot(three)) == [
        f"(stream): changed: {len(two)} chunks in the snapshot, {len(three)} now"
    ]


def test_a_file_edited_out_of_the_format_is_diffed_as_text() -> None:
    edited = LIVE_FILE.replace('model: "codestral-2508"', "model codestral-2508")
    with pytest.raises(ValueError, match=r"line 2: expected 'path: value'"):
        parse_snapshot(edited)
    lines = snapshot_diff(edited, LIVE_FILE)
    assert lines[0].startswith("(the stored snapshot cannot be read as data: line 2:")
    assert "-model codestral-2508" in lines and '+model: "codestral-2508"' in lines
    with pytest.raises(ValueError, match="not a pytest-fim snapshot"):
        parse_snapshot('{"model": "x"}\n')
    with pytest.raises(ValueError, match="cut short"):
        parse_snapshot(LIVE_FILE.replace(": 3 lines", ": 9 lines"))


# ---------------------------------------------------------------- the fixture, in a user's suite

SUITE = '''
from dirty_equals import IsInt
from pytest_fim import make_fim_response

CODE = "def mean(xs):\\n    total = sum(xs)\\n    return total / len(xs)\\n"
MODEL = "codestral-2508"


def complete(prefix, suffix):
    """The user's completion service; here it hands back a recorded response."""
    return make_fim_response(CODE, model=MODEL, prompt_tokens=24, seed=prefix)


def test_completion(fim_snapshot):
    assert complete("def mean(xs):\\n", "") == fim_snapshot


def test_text_and_usage_that_varies(fim_snapshot):
    response = complete("x", "")
    assert response.choices[0].message.content == fim_snapshot(name="text")
    assert response == fim_snapshot(matchers={"usage.total_tokens": IsInt(gt=0)})
'''


@pytest.fixture(autouse=True)
def _not_an_xdist_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    # This suite may run under pytest-xdist itself, and syrupy takes a run in a
    # worker's environment for a worker's (no report, no unused snapshots).
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "--color=no", *args)


def snapshot_files(pytester: pytest.Pytester) -> dict[str, str]:
    root = pytester.path / "__snapshots__"
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@needs_syrupy
def test_create_compare_and_update(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_service=SUITE)
    result = run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E       pytest_fim.FIMAssertionError: FIM snapshot "
            "__snapshots__/test_service/test_completion.fim does not exist yet: "
            "run pytest --snapshot-update to write it"
        ]
    )

    result = run(pytester, "--snapshot-update")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*3 snapshots generated.*"])
    files = snapshot_files(pytester)
    assert sorted(files) == [
        "test_service/test_completion.fim",
        "test_service/test_text_and_usage_that_varies.1.fim",
        "test_service/test_text_and_usage_that_varies[text].fim",
    ]
    assert files["test_service/test_text_and_usage_that_varies[text].fim"] == (
        "# pytest-fim snapshot: FIM completion text\n"
        "──── completion: 3 lines ────\n" + CODE + "────\n"
    )
    assert (
        "usage.total_tokens: matched by IsInt(gt=0)\n"
        in files["test_service/test_text_and_usage_that_varies.1.fim"]
    )
    run(pytester).assert_outcomes(passed=2)

    # The service changes: a new model answers, and one line gains a trailing space.
    pytester.makepyfile(
        test_service=SUITE.replace('"codestral-2508"', '"codestral-2501"').replace(
            "sum(xs)\\n", "sum(xs) \\n"
        )
    )
    result = run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E       pytest_fim.FIMAssertionError: FIM output does not match its snapshot "
            "__snapshots__/test_service/test_completion.fim (2 differences):",
            "E         model: changed: expected 'codestral-2508', got 'codestral-2501'",
            "E         choices[0].message.content: changed (-expected +actual; "
            "whitespace differs only):",
            "E             --- expected",
            "E             +++ actual",
            "E             @@ -1,3 +1,3 @@",
            "E              def mean(xs):",
            "E             -    total = sum(xs)",
            "E             +    total = sum(xs)·",
            "E                  return total / len(xs)",
            "E         (expected is the snapshot; pytest --snapshot-update accepts the new value)",
        ],
        consecutive=True,
    )
    assert "[- snapshot]" not in result.stdout.str()  # syrupy's generic diff is not shown
    before = snapshot_files(pytester)

    result = run(pytester, "--snapshot-update")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*snapshots updated.*"])
    after = snapshot_files(pytester)
    assert after["test_service/test_completion.fim"] != before["test_service/test_completion.fim"]
    assert "    total = sum(xs)·\n" in after["test_service/test_completion.fim"]
    run(pytester).assert_outcomes(passed=2)


@needs_syrupy
def test_unused_snapshots_are_reported_as_syrupy_reports_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_service=SUITE)
    run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    pytester.makepyfile(test_service=SUITE.split("def test_text_and_usage")[0])
    result = run(pytester)
    result.assert_outcomes(passed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*1 snapshot passed. 2 snapshots unused.*",
            "*Re-run pytest with --snapshot-update to delete unused*",
        ]
    )
    result = run(pytester, "--snapshot-warn-unused")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*2 snapshots unused.*"])
    result = run(pytester, "--snapshot-update")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*2 unused snapshots deleted.*"])
    assert sorted(snapshot_files(pytester)) == ["test_service/test_completion.fim"]


@needs_syrupy
def test_a_failed_matcher_fails_and_is_never_written(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_service=SUITE)
    run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    stored = snapshot_files(pytester)
    pytester.makepyfile(test_service=SUITE.replace("IsInt(gt=0)", "IsInt(lt=5)"))
    for args in ((), ("--snapshot-update",)):
        result = run(pytester, *args)
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(
            [
                "E       pytest_fim.FIMAssertionError: fim_snapshot: 1 matcher failed:",
                "E         usage.total_tokens: matcher failed: IsInt(lt=5) did not accept *",
            ]
        )
        assert snapshot_files(pytester) == stored  # kept, neither rewritten nor deleted


@needs_syrupy
def test_a_value_it_cannot_read_fails_and_keeps_the_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_value="""
        def test_value(fim_snapshot):
            assert b'{"model": "m", "choices": []}' == fim_snapshot
        """
    )
    run(pytester, "--snapshot-update").assert_outcomes(passed=1)
    pytester.makepyfile(
        test_value="""
        def test_value(fim_snapshot):
            assert b'{"model": "m", "choices": [' == fim_snapshot
        """
    )
    result = run(pytester, "--snapshot-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       pytest_fim.FIMAssertionError: invalid FIM completion response (1 problem):",
            "*1 snapshot failed.*",
        ]
    )
    assert list(snapshot_files(pytester)) == ["test_value/test_value.fim"]


@needs_syrupy
def test_streams_requests_and_syrupy_extensions_in_one_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_mixed="""
        from syrupy.extensions.json import JSONSnapshotExtension
        from pytest_fim.snapshot import FIMSnapshotExtension

        def test_stream(fim_stream_factory, fim_snapshot):
            assert fim_stream_factory("x = 1\\n", chunks=3) == fim_snapshot

        def test_request(fim_mock, fim_snapshot):
            import httpx
            fim_mock.add_response(content="x")
            httpx.post("https://api.mistral.ai/v1/fim/completions",
                       json={"model": "codestral-latest", "prompt": "def f(",
                             "suffix": ")", "temperature": 0})
            assert fim_mock.last_request == fim_snapshot

        def test_other_extensions(snapshot, fim_snapshot):
            assert {"plain": 1} == snapshot
            assert {"json": 2} == snapshot.use_extension(JSONSnapshotExtension)
            assert "y = 2\\n" == fim_snapshot

        def test_the_extension_alone(snapshot):
            assert "z = 3\\n" == snapshot.use_extension(FIMSnapshotExtension)
        """
    )
    result = run(pytester, "--snapshot-update")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*6 snapshots generated.*"])
    files = snapshot_files(pytester)
    assert sorted(files) == [
        "test_mixed.ambr",
        "test_mixed/test_other_extensions.fim",
        "test_mixed/test_other_extensions.json",
        "test_mixed/test_request.fim",
        "test_mixed/test_stream.fim",
        "test_mixed/test_the_extension_alone.fim",
    ]
    assert files["test_mixed/test_stream.fim"].startswith(
        "# pytest-fim snapshot: FIM stream of 4 chunks, assembled\n"
    )  # a role chunk first
    assert files["test_mixed/test_request.fim"] == (
        "# pytest-fim snapshot: FIM completion request\n"
        'model: "codestral-latest"\ntemperature: 0\n\n'
        "──── prompt: 1 line ────\ndef f(\n──── no newline at end ────\n"
        "──── suffix: 1 line ────\n)\n──── no newline at end ────\n"
    )
    result = run(pytester)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*6 snapshots passed.*"])
    assert "unused" not in result.stdout.str()


@needs_syrupy
def test_under_xdist(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_service=SUITE)
    xdist = ("-p", "xdist", "-n", "2")
    run(pytester, *xdist, "--snapshot-update").assert_outcomes(passed=2)
    assert len(snapshot_files(pytester)) == 3
    run(pytester, *xdist).assert_outcomes(passed=2)
    pytester.makepyfile(test_service=SUITE.replace("sum(xs)\\n", "sum(xs) \\n"))
    result = run(pytester, *xdist)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["E         choices[[]0].message.content: changed *", "E             +    total = sum(xs)·"]
    )
    from importlib.metadata import version

    if int(version("syrupy").split(".")[0]) >= 5:  # syrupy 4 reports nothing under xdist
        pytester.makepyfile(test_service=SUITE.split("def test_text_and_usage")[0])
        result = run(pytester, *xdist)
        assert result.ret == 1
        result.stdout.fnmatch_lines(["*1 snapshot passed. 2 snapshots unused.*"])
        run(pytester, *xdist, "--snapshot-update").stdout.fnmatch_lines(
            ["*2 unused snapshots deleted.*"]
        )
        assert sorted(snapshot_files(pytester)) == ["test_service/test_completion.fim"]


BLOCK_SYRUPY = """
import sys

# As if syrupy were not installed: every import of it fails.
for name in [name for name in sys.modules if name == "syrupy" or name.startswith("syrupy.")]:
    del sys.modules[name]
sys.modules["syrupy"] = None
"""


def test_without_syrupy_one_line_names_the_extra(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(BLOCK_SYRUPY)
    pytester.makepyfile("""
        import pytest_fim.snapshot

        def test_snapshot(fim_snapshot):
            assert "x" == fim_snapshot

        def test_the_rest_works(fim_response):
            assert fim_response.text()
        """)
    result = run(pytester, "-p", "no:syrupy")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_snapshot*",
            "fim_snapshot needs syrupy, which is not installed: pip install 'pytest-fim[snapshot]'",
        ],
        consecutive=True,
    )
    assert "During handling" not in result.stdout.str()


@needs_syrupy
def test_with_syrupy_turned_off_one_line_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_snapshot(fim_snapshot):
            assert "x" == fim_snapshot
        """)
    result = run(pytester, "-p", "no:syrupy")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "fim_snapshot needs syrupy's pytest plugin, which is not "
            "loaded (-p no:syrupy, or plugin autoloading is off: "
            "add -p syrupy)"
        ]
    )


@needs_syrupy
def test_the_syrupy_snapshot_fixture_is_left_as_it_is(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from syrupy.assertion import SnapshotAssertion
        from syrupy.extensions.amber import AmberSnapshotExtension
        from pytest_fim import FIMSnapshot

        def test_snapshot(snapshot, fim_snapshot):
            assert type(snapshot) is SnapshotAssertion
            assert snapshot.extension_class is AmberSnapshotExtension
            assert isinstance(fim_snapshot, FIMSnapshot)
        """)
    run(pytester).assert_outcomes(passed=1)


@needs_syrupy
def test_readme_snapshot_section_is_what_a_run_writes(pytester: pytest.Pytester) -> None:
    # The README pastes a real snapshot file and a real mismatch; rerun its
    # example and compare, so neither can drift from what users get.
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Snapshots: fim_snapshot", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    pasted_file = re.search(r"```\n(# pytest-fim snapshot:.*?)```", section, re.S)
    pasted_failure = re.search(r"```\n(>.*?)```", section, re.S)
    assert example and pasted_file and pasted_failure, "the README section lost a block"
    pytester.makepyfile(test_completion=example.group(1))
    run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    assert snapshot_files(pytester)["test_completion/test_completion.fim"] == pasted_file.group(1)
    pytester.makepyfile(
        test_completion=example.group(1)
        .replace("sum(xs)\\n", "sum(xs) \\n")
        .replace('"codestral-2508"', '"codestral-2501"')
    )
    result = run(pytester)
    expected = [line.rstrip() for line in pasted_failure.group(1).strip().split("\n")]
    # Python 3.11 and later underline the failing expression; 3.10 does not.
    shown = [line.rstrip() for line in result.stdout.lines if line.strip(" ^")]
    start = shown.index(expected[0])
    assert shown[start : start + len(expected)] == expected
