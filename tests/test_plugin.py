"""The plugin as a user meets it: a test file of theirs, run by pytest."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

INVALID = """
BAD = {
    "id": "x", "object": "chat.completion", "model": "codestral-latest",
    "usage": {"prompt_tokens": 16, "completion_tokens": 102, "total_tokens": 100},
    "created": 1702256327,
    "choices": [{"index": 0, "finish_reason": "done",
                 "message": {"role": "assistant", "content": "    return a + b\\n"}}],
}
"""

NO_CREATED = """
from pytest_fim import assert_valid_fim_response

def test_no_created():
    assert_valid_fim_response({"id": "x", "object": "chat.completion", "model": "m",
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "choices": []})
"""


def test_fixtures_marker_and_indirect_parametrisation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_fim import FIMCompletionResponse, assert_valid_fim_response

        def test_default(fim_response):
            assert isinstance(fim_response, FIMCompletionResponse)
            assert assert_valid_fim_response(fim_response, strict=True) == fim_response
            assert fim_response.text() == "    return a + b\\n"

        @pytest.mark.fim_response("x = 1\\n", n=2, finish_reason="length", model="codestral-2508")
        def test_marker(fim_response):
            assert [c.finish_reason for c in fim_response.choices] == ["length", "length"]
            assert fim_response.model == "codestral-2508"
            assert fim_response.text(1) == "x = 1\\n"

        @pytest.mark.parametrize("fim_response", [{"content": "a"}, {"content": "b"}],
                                 indirect=True)
        def test_indirect(fim_response):
            assert fim_response.text() in {"a", "b"}
        """
    )
    result = pytester.runpytest("--strict-markers", "-W", "error::pytest.PytestUnknownMarkWarning")
    result.assert_outcomes(passed=4)


def test_indirect_parameter_must_be_a_dict(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("fim_response", ["oops"], indirect=True)
        def test_it(fim_response):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*TypeError: indirect parametrisation of fim_response takes "
            "dicts of make_fim_response() arguments, got str*"
        ]
    )


def test_marker_with_bad_arguments_says_why(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fim_response(finish_reason="done")
        def test_it(fim_response):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ValueError: finish_reason must be one of*got 'done'"])


def test_factory_ids_are_per_test_and_repeatable(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_one(fim_response_factory, fim_response):
            print("\\nIDS one", fim_response_factory().id, fim_response_factory().id,
                  fim_response.id)

        def test_two(fim_response_factory, fim_response):
            print("\\nIDS two", fim_response_factory().id, fim_response_factory().id,
                  fim_response.id)
        """
    )
    runs = []
    for _ in range(2):
        result = pytester.runpytest("-s")
        result.assert_outcomes(passed=2)
        runs.append(sorted(line for line in result.outlines if line.startswith("IDS")))
    assert runs[0] == runs[1]
    ids = [token for line in runs[0] for token in line.split()[2:]]
    assert len(set(ids)) == 6


def test_failure_text_lists_every_problem(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        INVALID
        + """
from pytest_fim import assert_valid_fim_response

def test_bad():
    assert_valid_fim_response(BAD)
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *pytest_fim.FIMAssertionError: invalid FIM completion response (2 problems):",
            "E *usage.total_tokens: 100 != prompt_tokens + completion_tokens (16 + 102 = 118)",
            "E *choices[[]0].finish_reason: 'done' is not one of 'stop', 'length', "
            "'model_length', 'error', 'tool_calls'",
        ]
    )
    assert "ValidationError" not in result.stdout.str()


def test_strict_by_flag_and_by_ini(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(NO_CREATED)
    pytester.runpytest().assert_outcomes(passed=1)
    flagged = pytester.runpytest("--fim-strict")
    flagged.assert_outcomes(failed=1)
    flagged.stdout.fnmatch_lines(["*created: required field is missing (strict profile*"])
    pytester.makeini("[pytest]\nfim_strict = true\n")
    pytester.runpytest().assert_outcomes(failed=1)
    pytester.makeini("[pytest]\nfim_strict = false\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_explicit_strict_argument_beats_the_suite_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(NO_CREATED.replace('"choices": []})', '"choices": []}, strict=False)'))
    pytester.runpytest("--fim-strict").assert_outcomes(passed=1)


def test_p_no_fim_disables_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_it(fim_response):\n    pass\n")
    result = pytester.runpytest("-p", "no:fim")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'fim_response' not found*"])


def test_fixtures_and_help_are_documented(pytester: pytest.Pytester) -> None:
    fixtures = pytester.runpytest("--fixtures")
    # One fixture at a time: pytest 7 sorts them by "file:line" as text, so
    # their order changes when a line number gains a digit.
    for lines in (
        [
            "fim_response -- *plugin.py:*",
            "    A valid FIMCompletionResponse; set its "
            "fields with @pytest.mark.fim_response(...).",
        ],
        [
            "fim_response_factory -- *plugin.py:*",
            "    make_fim_response() with per-test deterministic ids*",
        ],
        ["fim_snapshot -- *plugin.py:*", "    ``assert value == fim_snapshot``*"],
    ):
        fixtures.stdout.fnmatch_lines(lines, consecutive=True)
    help_text = pytester.runpytest("--help")
    help_text.stdout.fnmatch_lines(
        [
            "pytest-fim (Mistral FIM completion responses):",
            "  --fim-strict*",
            "*fim_strict (bool):*",
        ]
    )
    markers = pytester.runpytest("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.fim_response(*"])


def test_a_suite_that_does_not_use_the_plugin_does_not_import_pydantic(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import sys

        def pytest_sessionfinish(session):
            heavy = sorted(m for m in ("pydantic", "deepdiff", "pytest_fim.models")
                           if m in sys.modules)
            print("HEAVY:", heavy)
        """
    )
    pytester.makepyfile("def test_plain():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*HEAVY: []"])


def test_every_public_name_resolves_and_is_listed() -> None:
    import pytest_fim

    for name in pytest_fim.__all__:
        assert getattr(pytest_fim, name) is not None
    assert set(pytest_fim._EXPORTS) <= set(pytest_fim.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        pytest_fim.nope  # noqa: B018


def test_loads_by_name_when_autoloading_is_off(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile("def test_it(fim_response):\n    assert fim_response.id\n")
    pytester.runpytest_subprocess("-p", "fim").assert_outcomes(passed=1)
    pytester.runpytest_subprocess().assert_outcomes(errors=1)


@pytest.mark.parametrize("autoload", ["on", "off"])
@pytest.mark.parametrize(
    "named_by", ["addopts -p fim", "addopts -p pytest_fim.plugin", "conftest pytest_plugins"]
)
def test_naming_the_plugin_works_with_autoloading_on_and_off(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    autoload: str,
    named_by: str,
) -> None:
    # What a suite writes once so that it runs under PYTEST_DISABLE_PLUGIN_AUTOLOAD=1
    # must not break it where autoloading is on (a developer's machine).
    if autoload == "off":
        monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    else:
        monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    if named_by.startswith("addopts"):
        pytester.makeini(f"[pytest]\naddopts = {named_by.removeprefix('addopts ')}\n")
    else:
        pytester.makeconftest('pytest_plugins = ["pytest_fim.plugin"]\n')
    pytester.makepyfile(
        """
        from pytest_fim import assert_valid_fim_response

        def test_it(fim_response, fim_mock):
            assert_valid_fim_response(fim_response)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "already registered" not in result.stdout.str() + result.stderr.str()


def test_ids_are_the_same_under_xdist(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(
        """
        import pytest

        def record(request, *ids):
            with open(request.config.rootpath / "ids.txt", "a") as out:
                out.write(request.node.nodeid + " " + " ".join(ids) + "\\n")

        @pytest.mark.parametrize("n", range(6))
        def test_ids(request, n, fim_response, fim_response_factory, fim_stream_factory):
            stream = fim_stream_factory("x")
            record(request, fim_response.id, fim_response_factory().id, stream[0].id)
        """
    )
    ids_file = pytester.path / "ids.txt"
    runs = []
    for args in ((), ("-p", "xdist", "-n", "2")):
        if ids_file.exists():
            ids_file.unlink()
        pytester.runpytest_subprocess(*args).assert_outcomes(passed=6)
        runs.append(sorted(ids_file.read_text().splitlines()))
    assert runs[0] == runs[1]
    assert len({line.split()[1] for line in runs[0]}) == 6


def test_pytester_runs_keep_exception_and_model_identity(pytester: pytest.Pytester) -> None:
    # Plugin authors test with pytester, whose in-process runs drop the modules
    # first imported inside them. What the suite takes from pytest_fim after
    # such a run must still be what the helpers raise and the fixtures return.
    # A fresh process, so that the inner run is where pytest_fim's modules load.
    pytester.makepyfile(
        """
        import pytest

        def test_inner_run(pytester):
            pytester.makepyfile('''
                import pytest
                from pytest_fim import (FIMAssertionError, FIMCompletionResponse,
                                        assert_valid_fim_response)

                def test_helpers(fim_response):
                    assert isinstance(fim_response, FIMCompletionResponse)
                    with pytest.raises(FIMAssertionError):
                        assert_valid_fim_response({})
            ''')
            pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)

        def test_after_the_inner_run(fim_response):
            from pytest_fim import (FIMAssertionError, FIMCompletionResponse,
                                    assert_valid_fim_response)

            assert isinstance(fim_response, FIMCompletionResponse)
            parsed = FIMCompletionResponse.model_validate(fim_response.model_dump())
            assert parsed == fim_response
            with pytest.raises(FIMAssertionError):
                assert_valid_fim_response({})
        """
    )
    result = pytester.runpytest_subprocess("-p", "pytester", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


#: A value longer than failure text shows below -vv.
LONG_MODEL = "codestral-" + "x" * 300

SHOWS_LONG_VALUES = f"""
from pytest_fim import assert_fim_response_matches, make_fim_response

def test_helper():
    assert_fim_response_matches(make_fim_response(model={LONG_MODEL!r}), {{"model": "m"}})

def test_assert_hook():
    assert make_fim_response(model={LONG_MODEL!r}, seed=1) == make_fim_response(model="m", seed=1)
"""


def _shows_long_values(result: pytest.RunResult) -> bool:
    # A "model: changed" line from the helper and one from the assert hook (and
    # under -vv their copies in the short summary).
    lines = [line for line in result.outlines if "model: changed" in line]
    assert len(lines) >= 2, result.stdout.str()
    return all(repr(LONG_MODEL) in line for line in lines)


def test_an_inner_run_leaves_the_outer_settings_as_found(pytester: pytest.Pytester) -> None:
    # The outer suite runs --fim-strict -vv; a run of its own inside (test_a_*
    # runs first) must not turn that back to the defaults for the tests after it.
    pytester.makepyfile(
        test_a_inner="""
        def test_inner_run(pytester):
            pytester.makepyfile("def test_ok():\\n    pass\\n")
            pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
        """,
        test_b_outer=NO_CREATED.replace("def test_no_created", "def test_still_strict")
        + SHOWS_LONG_VALUES.replace("def test_helper", "def test_still_verbose"),
    )
    result = pytester.runpytest("-p", "pytester", "-p", "no:cacheprovider", "--fim-strict", "-vv")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(["*created: required field is missing (strict profile*"])
    assert _shows_long_values(result)


def test_verbosity_assertions_ini_option_is_read(pytester: pytest.Pytester) -> None:
    if not hasattr(pytest.Config, "get_verbosity"):
        pytest.skip("verbosity_assertions came with pytest 8")
    pytester.makepyfile(SHOWS_LONG_VALUES)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    assert not _shows_long_values(result)
    pytester.makeini("[pytest]\nverbosity_assertions = 2\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    assert _shows_long_values(result)
