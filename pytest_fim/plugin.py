"""The pytest face of pytest-fim: options, markers and fixtures.

Kept light on purpose: nothing here imports pydantic or deepdiff at module
level, so a suite that has pytest-fim installed but never uses it starts as
fast as without it. Each fixture imports the core module it needs when it
first runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_fim.cassette import FIMCassette
    from pytest_fim.factory import FIMResponseFactory, FIMStreamFactory
    from pytest_fim.mock import FIMMock
    from pytest_fim.models import FIMCompletionResponse
    from pytest_fim.snapshot import FIMSnapshot

_MARKERS = (
    "fim_response(content=..., **make_fim_response_keywords): build the fim_response "
    "fixture with these make_fim_response() arguments",
    "fim_mock(assert_all_requested=True): options of the fim_mock fixture; "
    "assert_all_requested=False lets queued answers go unused",
    "fim_cassette(match_on=[...], ignore=[...]): answer this test's FIM requests from its "
    "cassette (record with --fim-record); match_on/ignore choose the compared request fields",
)
#: --fim-record's modes, as pytest-recording names them, and the drift check.
_RECORD_MODES = ("none", "once", "new_episodes", "all", "rewrite", "verify")


def _replay_chunking(value: str) -> str:
    """Check ``--fim-replay-chunking``: ``event`` or ``bytes:N`` with N a positive int."""
    import argparse

    size = value.removeprefix("bytes:")
    if value == "event" or (value.startswith("bytes:") and size.isdigit() and int(size) > 0):
        return value
    raise argparse.ArgumentTypeError(
        f"got {value!r}: expected 'event' (one event at a time) or 'bytes:N' (N-byte "
        f"pieces, N a positive whole number, e.g. bytes:7)"
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``fim`` option group and the ``fim_strict`` ini option."""
    group = parser.getgroup("fim", "pytest-fim (Mistral FIM completion responses)")
    group.addoption(
        "--fim-strict",
        action="store_true",
        default=False,
        help="validate FIM responses with the strict profile (what the live API sends "
        "today) unless a call passes strict=False. Default: the fim_strict ini option.",
    )
    group.addoption(
        "--fim-record",
        choices=_RECORD_MODES,
        default="none",
        help="FIM cassettes: none (replay only, the default), once (record a missing "
        "cassette), new_episodes (record what does not match), all (record every request "
        "again), rewrite (delete and record), verify (send recorded requests live and fail "
        "on API drift, writing nothing)",
    )
    group.addoption(
        "--fim-cassette-dir",
        default=None,
        help="folder of FIM cassettes (default: the fim_cassette_dir ini option, else "
        "cassettes/ beside each test file); a cassette is <folder>/<test file path from "
        "the rootdir>/<test>.fim.yaml",
    )
    group.addoption(
        "--fim-replay-chunking",
        type=_replay_chunking,
        default="event",
        help="how a replayed stream arrives: event (one server-sent event at a time, the "
        "default) or bytes:N (N-byte pieces, which split events)",
    )
    parser.addini(
        "fim_cassette_dir",
        default="",
        help="pytest-fim: folder of FIM cassettes, relative to the ini file (default: "
        "cassettes/ beside each test file)",
    )
    parser.addini(
        "fim_record_timeout",
        default="120",
        help="pytest-fim: seconds a FIM request sent live while recording or verifying a "
        "cassette may wait for the server before the test fails (default: 120)",
    )
    parser.addini(
        "fim_strict",
        type="bool",
        default=False,
        help="pytest-fim: use the strict validation profile by default (default: false)",
    )
    from pytest_fim.eval._options import add_options

    add_options(parser)


#: The core's defaults as they were before this session set its own, put back
#: at its end: an in-process run (pytester's) must leave the outer suite's as found.
_OUTER_SETTINGS = pytest.StashKey[tuple[bool, int]]()


def _assertion_verbosity(config: pytest.Config) -> int:
    """How much failure text to show: pytest's verbosity for assertions.

    pytest >= 8 reads it with ``config.get_verbosity("assertions")``, which
    honours the ``verbosity_assertions`` ini option and falls back to ``-v``;
    pytest 7.4 has only ``-v``.
    """
    get_verbosity = getattr(config, "get_verbosity", None)
    if get_verbosity is not None:
        return int(get_verbosity(getattr(pytest.Config, "VERBOSITY_ASSERTIONS", "assertions")))
    return int(config.getoption("verbose", 0) or 0)


def pytest_configure(config: pytest.Config) -> None:
    """Register markers and hand the suite's defaults to the core."""
    for line in _MARKERS:
        config.addinivalue_line("markers", line)
    from pytest_fim import _settings

    config.stash[_OUTER_SETTINGS] = (_settings.default_strict, _settings.verbosity)
    _settings.default_strict = bool(config.getoption("fim_strict")) or bool(
        config.getini("fim_strict")
    )
    _settings.verbosity = _assertion_verbosity(config)
    from pytest_fim.eval._front import configure

    configure(config)  # evaluation suites: *.fim.jsonl collection, scores, gates


def pytest_unconfigure(config: pytest.Config) -> None:
    """Put back the core's defaults as this session found them (for pytester's runs)."""
    from pytest_fim import _settings

    outer = config.stash.get(_OUTER_SETTINGS, None)
    if outer is not None:
        _settings.default_strict, _settings.verbosity = outer


def _test_seed(request: pytest.FixtureRequest) -> str:
    # The node id is stable across runs and pytest-xdist workers, and unique per test.
    return str(request.node.nodeid)


@pytest.fixture
def fim_response(request: pytest.FixtureRequest) -> FIMCompletionResponse:
    """A valid FIMCompletionResponse; set its fields with @pytest.mark.fim_response(...)."""
    from pytest_fim.factory import make_fim_response

    kwargs: dict[str, Any] = {}
    marker = request.node.get_closest_marker("fim_response")
    if marker is not None:
        if len(marker.args) > 1:
            raise TypeError(
                f"@pytest.mark.fim_response takes at most one positional argument "
                f"(content), got {len(marker.args)}"
            )
        if marker.args:
            kwargs["content"] = marker.args[0]
        kwargs.update(marker.kwargs)
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, dict):
            raise TypeError(
                f"indirect parametrisation of fim_response takes dicts of "
                f"make_fim_response() arguments, got {type(param).__name__}: "
                f"{param!r:.80}"
            )
        kwargs.update(param)
    kwargs.setdefault("seed", _test_seed(request))
    return make_fim_response(**kwargs)


@pytest.fixture
def fim_response_factory(request: pytest.FixtureRequest) -> FIMResponseFactory:
    """make_fim_response() with per-test deterministic ids: call it to build responses."""
    from pytest_fim.factory import FIMResponseFactory

    return FIMResponseFactory(_test_seed(request))


@pytest.fixture
def fim_stream_factory(request: pytest.FixtureRequest) -> FIMStreamFactory:
    """make_fim_stream() with per-test deterministic ids: call it to build streams."""
    from pytest_fim.factory import FIMStreamFactory

    return FIMStreamFactory(_test_seed(request))


@pytest.fixture
def fim_complete() -> Any:
    """Where evaluation items (``*.fim.jsonl`` cases) get completions: override it.

    Define ``fim_complete`` in your conftest.py, returning ``callable(case)``
    that gives the completion for ``case`` (a dict of the case's fields and
    ``sample``, its sample number): the text, or a FIM response of any input
    kind. Or pass ``--fim-samples=FILE``. This default fails the item saying so.
    """
    from pytest_fim.eval._front import HOW_TO_COMPLETE

    pytest.fail(HOW_TO_COMPLETE, pytrace=False)


#: What failed the setup or call of the current run of a test that uses
#: fim_mock, for its teardown.
_FAILURE = pytest.StashKey[BaseException]()


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Remember what failed a test using fim_mock, so its teardown does not say it again.

    Each run of the test starts clean: pytest-rerunfailures runs the same
    item again, and a rerun that passes gets fim_mock's whole teardown check.
    """
    if call.when == "teardown":
        return
    names = getattr(item, "fixturenames", ())
    if (
        "fim_mock" not in names
        and "fim_cassette" not in names
        and item.get_closest_marker("fim_cassette") is None
    ):
        return
    if call.excinfo is not None:
        item.stash[_FAILURE] = call.excinfo.value
    elif call.when == "setup" and _FAILURE in item.stash:
        del item.stash[_FAILURE]


#: Other plugins' fixtures that stand in for httpx, as a message names them.
_OTHER_HTTP_MOCKS = {"httpx_mock": "pytest-httpx's httpx_mock", "respx_mock": "respx's respx_mock"}


def _set_up_other_http_mocks(request: pytest.FixtureRequest) -> None:
    # Who answers must not depend on the order of the test's arguments.
    # pytest-httpx patches the transport method fim_mock patches: set up
    # first, its patch is the one fim_mock wraps, so FIM requests reach
    # fim_mock and the rest pass on to it. respx's default mocker patches
    # httpcore, below that method, so fim_mock is in front of it either way;
    # its "httpx" mocker swaps the client's transport and is in front of
    # fim_mock, which then sees only what a respx route passes through: say
    # so rather than let respx answer (or refuse) the FIM requests queued here.
    for name, named in _OTHER_HTTP_MOCKS.items():
        if name not in request.fixturenames:
            continue
        other = request.getfixturevalue(name)
        if getattr(other, "using", None) == "httpx":
            pytest.fail(
                f"fim_mock cannot answer under {named} with using='httpx': that mocker "
                f"hands every request to respx before it reaches the transport "
                f"fim_mock stands in for. Use respx's default mocker "
                f"(using='httpcore'), which leaves the FIM endpoint to fim_mock, or "
                f"answer the FIM endpoint with respx alone",
                pytrace=False,
            )


@pytest.fixture
def fim_mock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[FIMMock]:
    """Stand in for the FIM endpoint under any HTTP client: queue answers with add_*.

    Fails the test at teardown if a request found nothing queued (even one the
    code under test swallowed) or, unless ``@pytest.mark.fim_mock(
    assert_all_requested=False)``, if queued answers were never requested.
    With pytest-httpx's ``httpx_mock`` or respx's ``respx_mock`` in the same
    test, fim_mock answers the FIM endpoint and the other mock the rest,
    whatever the order of the fixtures; fails at setup under respx's
    ``using="httpx"`` mocker, which would answer every request itself.
    """
    from pytest_fim.mock import FIMMock

    marker = request.node.get_closest_marker("fim_mock")
    options = dict(marker.kwargs) if marker is not None else {}
    if (
        (marker is not None and marker.args)
        or set(options) - {"assert_all_requested"}
        or not all(isinstance(value, bool) for value in options.values())
    ):
        given = (
            [*map(repr, marker.args), *(f"{k}={v!r}" for k, v in options.items())]
            if marker is not None
            else []
        )
        pytest.fail(
            f"@pytest.mark.fim_mock takes only assert_all_requested=True or False, "
            f"got {', '.join(given)}",
            pytrace=False,
        )
    _refuse_mock_and_cassette(request)
    _set_up_other_http_mocks(request)
    mock = FIMMock(**options)
    mock.install(monkeypatch.setattr)
    yield mock
    # Outside any except block: a failure raised while handling another
    # would print the message twice ("During handling of ...").
    problems = mock.teardown_problems(request.node.stash.get(_FAILURE, None))
    if problems:
        from pytest_fim.problems import render

        pytest.fail(render("fim_mock was not used as queued:", problems), pytrace=False)


def _refuse_mock_and_cassette(request: pytest.FixtureRequest) -> None:
    names = request.fixturenames
    if "fim_mock" in names and (
        "fim_cassette" in names or request.node.get_closest_marker("fim_cassette") is not None
    ):
        pytest.fail(
            "fim_mock and fim_cassette cannot both answer this test's FIM requests: use "
            "fim_mock to queue made-up answers, or fim_cassette to replay recorded ones",
            pytrace=False,
        )


def _cassette_folder(request: pytest.FixtureRequest) -> tuple[Path, str]:
    """The cassette folder and the test module's place in it."""
    config = request.config
    path = Path(request.node.path)
    given = config.getoption("fim_cassette_dir")
    ini = str(config.getini("fim_cassette_dir") or "")
    if not given and not ini:
        return path.parent / "cassettes", path.stem
    # One folder for every test file: tests/a/test_x.py and tests/b/test_x.py need
    # their own places in it, so the module is named by its path from the rootdir.
    try:
        module = path.with_suffix("").relative_to(config.rootpath).as_posix()
    except ValueError:
        module = path.stem
    if given:
        return Path(config.invocation_params.dir, given), module
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return Path(base, ini), module


def _cassette_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("fim_cassette")
    if marker is None:
        return {}
    unknown = sorted(set(marker.kwargs) - {"match_on", "ignore"})
    if marker.args or unknown:
        given = [*map(repr, marker.args), *(f"{k}=" for k in unknown)]
        pytest.fail(
            f"@pytest.mark.fim_cassette takes only match_on=[...] and ignore=[...] "
            f"(field names), got {', '.join(given)}",
            pytrace=False,
        )
    return dict(marker.kwargs)


def _record_timeout(config: pytest.Config) -> float:
    """The ``fim_record_timeout`` ini value in seconds.

    Raises ``ValueError`` naming the value when it is not a positive number.
    """
    text = str(config.getini("fim_record_timeout")).strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(
            f"ini fim_record_timeout: got {text!r}, expected a positive number of seconds (e.g. 30)"
        )
    return seconds


@pytest.fixture
def fim_cassette(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FIMCassette]:
    """Answer this test's FIM requests from its cassette, or record them (``--fim-record``).

    The cassette is ``<test dir>/cassettes/<module>/<test>.fim.yaml`` (folder:
    ``--fim-cassette-dir`` or ini ``fim_cassette_dir``). Fails the test for a
    request the mode may not send live, when a secret would be written
    (nothing is), and in ``--fim-record=verify`` when the live API's answers
    have drifted from the recorded shape. Needs PyYAML (``pytest-fim[record]``).
    """
    _refuse_mock_and_cassette(request)
    options = _cassette_options(request)
    config = request.config
    chunking = str(config.getoption("fim_replay_chunking"))
    message = None
    try:
        from pytest_fim.cassette import FIMCassette, cassette_path

        folder, module = _cassette_folder(request)
        # Every class the test is in: TestA.TestB.test_it and TestC.TestB.test_it differ.
        classes = [node.name for node in request.node.listchain() if isinstance(node, pytest.Class)]
        test = ".".join([*classes, request.node.name])
        cassette = FIMCassette(
            cassette_path(folder, module, test),
            str(config.getoption("fim_record")),
            chunk_size=None if chunking == "event" else int(chunking.removeprefix("bytes:")),
            strict=None,
            timeout=_record_timeout(config),
            **options,
        )
    except (ImportError, ValueError, TypeError) as exc:
        message = str(exc)
    if message is not None:  # failed outside the except block: one message, no "during handling"
        pytest.fail(message, pytrace=False)
    cassette.install(monkeypatch.setattr)
    yield cassette
    problems, notes = cassette.finish(request.node.stash.get(_FAILURE, None))
    if notes:
        import warnings

        for note in notes:
            warnings.warn(FIMCassetteWarning(f"fim_cassette: {note}"), stacklevel=1)
    if problems:
        from pytest_fim.problems import render

        pytest.fail(render("fim_cassette:", problems), pytrace=False)


class FIMCassetteWarning(UserWarning):
    """A recorded FIM response that is not valid (it is written anyway)."""


@pytest.fixture(autouse=True)
def _fim_cassette_marker(request: pytest.FixtureRequest) -> None:
    """Give a test marked ``@pytest.mark.fim_cassette`` its cassette without asking for it."""
    if "fim_cassette" in request.fixturenames:
        return
    if request.node.get_closest_marker("fim_cassette") is not None:
        request.getfixturevalue("fim_cassette")


@pytest.fixture
def fim_snapshot(request: pytest.FixtureRequest) -> FIMSnapshot:
    """``assert value == fim_snapshot``: FIM output against a reviewable file, kept by syrupy.

    ``pytest --snapshot-update`` writes and updates the files. Needs syrupy
    (``pip install 'pytest-fim[snapshot]'``); without it, a test that uses
    this fixture fails with one line saying so and nothing else changes.
    """
    from pytest_fim.snapshot import MISSING_SYRUPY, FIMSnapshot, extension_class

    try:
        import syrupy  # noqa: F401 - asked each time: the extension may be built already

        extension = extension_class()
    except ImportError:
        extension = None
    if extension is None:  # failed outside the except block: one line, no "during handling"
        pytest.fail(MISSING_SYRUPY, pytrace=False)
    if not request.config.pluginmanager.hasplugin("syrupy"):
        pytest.fail(
            "fim_snapshot needs syrupy's pytest plugin, which is not loaded "
            "(-p no:syrupy, or plugin autoloading is off: add -p syrupy)",
            pytrace=False,
        )
    # On top of syrupy's own fixture, never in its place: its options, report
    # and other extensions work as they do without us.
    return FIMSnapshot(request.getfixturevalue("snapshot").use_extension(extension))


#: The Mistral SDK's models of a FIM request, response or stream, and of their
#: parts (``assert response.usage == {...}`` deserves the same diff). Checked by
#: name so that other comparisons import nothing.
_SDK_FIM_MODELS = frozenset(
    {
        "FIMCompletionResponse",
        "FIMCompletionRequest",
        "FIMCompletionStreamRequest",
        "CompletionChunk",
        "CompletionEvent",
        "CompletionResponseStreamChoice",
        "DeltaMessage",
        "ChatCompletionChoice",
        "AssistantMessage",
        "UsageInfo",
    }
)


def _is_fim_model(value: object) -> bool:
    cls = type(value)
    module = cls.__module__ or ""
    if module == "pytest_fim.models":  # every model of ours is part of a FIM exchange
        return not cls.__name__.startswith("_")
    return module.partition(".")[0] == "mistralai" and cls.__name__ in _SDK_FIM_MODELS


@pytest.hookimpl(tryfirst=True)
def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: object, right: object
) -> list[str] | None:
    """Explain ``assert a == b`` between FIM responses as a structural diff.

    Answers when one side is a FIM model (pytest-fim's or the Mistral SDK's)
    and the other is such a model or a mapping; returns None for anything
    else, so pytest prints its own explanation. When the explanation itself
    fails, pytest's own follows a line saying so (never a traceback).
    """
    from collections.abc import Mapping

    if op != "==":
        return None
    left_fim, right_fim = _is_fim_model(left), _is_fim_model(right)
    if (
        not (left_fim or right_fim)
        or not (left_fim or isinstance(left, Mapping))
        or not (right_fim or isinstance(right, Mapping))
    ):
        return None
    try:
        from pytest_fim.explain import explain_equality

        return explain_equality(left, right, verbosity=_assertion_verbosity(config))
    except Exception as exc:  # never break pytest's report: fall back to its default
        return _unexplained(config, op, left, right, exc)


def _unexplained(
    config: pytest.Config, op: str, left: object, right: object, exc: Exception
) -> list[str]:
    """What the other plugins (pytest's own last) make of the comparison, with a line
    saying why ours failed, as pytest says "representation of details failed" of its
    own: a silent fallback would hide a bug of ours behind a poorer report."""
    note = f"(pytest-fim could not explain this comparison: {type(exc).__name__}: {exc})"
    try:
        manager = config.pluginmanager
        ours = [
            plugin
            for plugin in manager.get_plugins()
            if getattr(plugin, "pytest_assertrepr_compare", None) is pytest_assertrepr_compare
        ]
        others = manager.subset_hook_caller("pytest_assertrepr_compare", remove_plugins=ours)
        # Not a firstresult hook: pytest takes the first answer that says something.
        answers: list[list[str] | None] = others(config=config, op=op, left=left, right=right)
    except Exception:  # another plugin's failure: the note alone still says what happened
        answers = []
    theirs = next((answer for answer in answers if answer), None)
    if theirs is None:
        from pytest_fim.problems import shorten

        return [f"{shorten(left)} {op} {shorten(right)}", note]
    # Second, under the summary: pytest cuts long explanations from the end.
    return [theirs[0], note, *theirs[1:]]
