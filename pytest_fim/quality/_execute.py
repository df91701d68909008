"""Run the joined program and its tests in a separate, isolated Python process.

WARNING: this executes model-written code. It runs in a child process with
Python's isolated mode (``-I``), a temporary working directory, a timeout
and an environment holding no variables of yours (so no API keys), but it is
not a sandbox: the code can still read files and use the network as you can.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from pytest_fim.problems import FIMAssertionError, Problem, shorten
from pytest_fim.quality._arguments import middle_of

__all__ = ["assert_passes_tests", "joined_program", "run_program", "tests_failure"]


def assert_passes_tests(
    prefix: str,
    middle: object,
    suffix: str,
    test_code: str,
    *,
    entry_point: str | None = None,
    timeout: float = 3.0,
    choice: int = 0,
) -> None:
    """Assert that ``prefix + middle + suffix`` passes ``test_code`` when run.

    WARNING: this executes model-written code (in a child process with
    Python's isolated mode, a temporary working directory, a timeout and no
    inherited environment variables, so no secrets; but not a sandbox).

    The program is the joined file, then ``test_code``, then, with
    ``entry_point``, a call ``check(entry_point)`` (the HumanEval form).
    ``middle`` may be any response input. Raises
    :class:`~pytest_fim.FIMAssertionError` with the test's output when it
    fails or runs past ``timeout`` seconds, and ``TypeError``/``ValueError``
    for bad arguments.

    >>> assert_passes_tests("def double(x):\\n", "    return 2 * x\\n", "",
    ...                     "assert double(2) == 4")
    """
    __tracebackhide__ = True
    for name, value in (("prefix", prefix), ("suffix", suffix), ("test_code", test_code)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if entry_point is not None and not (
        isinstance(entry_point, str) and entry_point.isidentifier()
    ):
        raise ValueError(f"entry_point must be a function name, got {entry_point!r}")
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    text, _ = middle_of(middle, choice)
    returncode, output = run_program(
        joined_program(prefix, text, suffix, test_code, entry_point), timeout
    )
    failure = tests_failure(returncode, output, timeout)
    if failure is not None:
        raise failure


#: The last thing a joined program prints: exit status 0 without it means the
#: program left early (sys.exit, os._exit in the fill) and its tests never ran.
_TESTS_DONE = "pytest-fim: the tests ran to the end"


def joined_program(
    prefix: str, middle: str, suffix: str, test_code: str, entry_point: str | None
) -> str:
    """The program assert_passes_tests runs: the joined file, the tests, the HumanEval call,
    then a line saying the tests ran to the end (see :func:`tests_failure`)."""
    program = prefix + middle + suffix + "\n\n" + test_code + "\n"
    if entry_point:
        program += f"\ncheck({entry_point})\n"
    # Straight to the file descriptor: the program may have replaced sys.stdout or print.
    return program + f"\nimport os as _fim_os\n_fim_os.write(1, b'\\n{_TESTS_DONE}\\n')\n"


def run_program(program: str, timeout: float) -> tuple[int | None, list[str]]:
    """Run ``program`` isolated (see the module's warning) in a temporary directory.

    Returns its exit status (None when it ran past ``timeout`` seconds and was
    killed with everything it started) and the last lines of its output.
    """
    with tempfile.TemporaryDirectory(prefix="pytest-fim-") as workdir:
        script = Path(workdir, "fill_under_test.py")
        script.write_text(program, encoding="utf-8")
        return _run(script, workdir, timeout)


def tests_failure(
    returncode: int | None, output: list[str], timeout: float
) -> FIMAssertionError | None:
    """The failure assert_passes_tests raises for a run's result; None when it passed.

    Passing is exit status 0 with the line :func:`joined_program` prints after
    the tests: a program that exits 0 before reaching them fails.
    """
    if returncode is None:
        return FIMAssertionError(
            f"the joined program did not finish within {timeout} s (an endless loop?)",
            [Problem("", shorten(line, 200).strip("'\"")) for line in output[-6:]],
        )
    done = _TESTS_DONE in output
    output = [line for line in output if line != _TESTS_DONE]
    if returncode == 0 and not done:
        return FIMAssertionError(
            "the joined program exited (status 0) before its tests ran to the end "
            "(sys.exit or os._exit in it?)",
            [Problem("", shorten(line, 200).strip("'\"")) for line in output[-12:]],
        )
    if returncode != 0:
        shown = [Problem("", shorten(line, 200).strip("'\"")) for line in output[-12:]]
        return FIMAssertionError(
            f"the joined program fails its tests (exit status {returncode}):", shown
        )
    return None


#: Most output kept from the child: its last lines say why it failed; a program
#: that prints without end must not fill the memory of the test run.
OUTPUT_LIMIT = 64 * 1024


def _run(script: Path, workdir: str, timeout: float) -> tuple[int | None, list[str]]:
    """Run ``script``; its exit status (None after a timeout) and its last output lines."""
    # Nothing of the caller's environment: API keys must not reach model-written code.
    # (-I ignores PYTHON* variables anyway; -X utf8 fixes the encoding instead.)
    environment = {"PATH": os.defpath}
    if sys.platform == "win32":  # pragma: no cover - Python needs it there
        environment["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")
    log = Path(workdir, "output.txt")
    with log.open("wb") as sink:
        # A session of its own, so a timeout ends whatever the program started too.
        child = subprocess.Popen(
            [sys.executable, "-I", "-X", "utf8", "-B", str(script)],
            cwd=workdir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=sys.platform != "win32",
        )
        try:
            returncode: int | None = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(child)
            returncode = None
        else:
            _kill(child)  # what it started must not outlive it
    with log.open("rb") as source:
        source.seek(max(log.stat().st_size - OUTPUT_LIMIT, 0))
        tail = source.read().decode("utf-8", "replace")
    return returncode, tail.strip().split("\n") if tail.strip() else []


def _kill(child: subprocess.Popen[bytes]) -> None:
    """End the child and everything in its session."""
    if sys.platform != "win32":
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    child.kill()
    child.wait()
