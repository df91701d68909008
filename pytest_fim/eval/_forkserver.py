"""A worker that runs test programs, one forked child each: run as a script, standard library only.

Started by :mod:`pytest_fim.eval._pool` as ``python -I -X utf8 -B
_forkserver.py`` with an environment holding only ``PATH``, so it starts as
assert_passes_tests starts each program, once; every program then runs in a
child forked from it (milliseconds, where a fresh interpreter costs tens of
them): a session of its own, a new temporary working directory, stdin from
/dev/null, output to a file, killed with everything it started after its
timeout. WARNING: model-written code runs here; this is isolation, not a
sandbox.

Protocol: one JSON object a line on stdin, ``{"program": str, "timeout":
float}``; one answer a line on stdout, ``{"returncode": int | null,
"output": [last lines], "seconds": float}`` (null after a timeout).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
from typing import Any, NoReturn

#: Most output kept from a program (its end says why it failed).
OUTPUT_LIMIT = 64 * 1024


def _child(script: str, workdir: str, log: str) -> NoReturn:
    """In the forked child: run the script as ``python script`` would, then exit."""
    status = 1
    try:
        os.setsid()
        os.chdir(workdir)
        sink = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(sink, 1)
        os.dup2(sink, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        sys.argv = [script]
        with open(script, encoding="utf-8") as source:
            code = compile(source.read(), script, "exec")
        namespace: dict[str, Any] = {"__name__": "__main__", "__file__": script}
        exec(code, namespace)
        status = 0
    except SystemExit as exc:
        if exc.code is None:
            status = 0
        elif isinstance(exc.code, int):
            status = exc.code
        else:
            print(exc.code, file=sys.stderr)
            status = 1
    except BaseException:
        kind, value, trace = sys.exc_info()
        # Leave this function's frame out: the traceback reads as the program's own.
        traceback.print_exception(kind, value, trace.tb_next if trace else None)
        status = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status & 0xFF)


def _wait(pid: int, timeout: float) -> int | None:
    """The child's exit status (negative: the signal that ended it); None after the timeout."""
    deadline = time.monotonic() + timeout
    pidfd = None
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            pidfd = None
    try:
        delay = 0.0005
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if pidfd is not None:
                # Capped: select() overflows on a huge wait (a timeout of 1e300, inf).
                select.select([pidfd], [], [], min(left, 3600.0))
            else:
                time.sleep(min(delay, left))
                delay = min(delay * 2, 0.01)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def run(program: str, timeout: float) -> tuple[int | None, list[str]]:
    """Run one program in a forked child; its exit status and last output lines."""
    workdir = tempfile.mkdtemp(prefix="pytest-fim-")
    try:
        script = os.path.join(workdir, "fill_under_test.py")
        log = os.path.join(workdir, "output.txt")
        with open(script, "w", encoding="utf-8") as target:
            target.write(program)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _child(script, workdir, log)
        returncode: int | None = None
        try:
            returncode = _wait(pid, timeout)
        finally:
            # Its session ends with it, finished or not: what it started must not
            # outlive it (and a timeout, or this worker being stopped, ends it too).
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if returncode is None:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
        try:
            with open(log, "rb") as source:
                source.seek(max(os.path.getsize(log) - OUTPUT_LIMIT, 0))
                tail = source.read().decode("utf-8", "replace").strip()
        except OSError:
            tail = ""
        return returncode, tail.split("\n") if tail else []
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    """Answer requests until stdin closes."""
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:  # Python 3.10 puts it there
        del sys.path[0]
    answers = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        start = time.perf_counter()
        returncode, output = run(request["program"], float(request["timeout"]))
        seconds = time.perf_counter() - start
        answers.write(
            json.dumps({"returncode": returncode, "output": output, "seconds": seconds}) + "\n"
        )
        answers.flush()


if __name__ == "__main__":
    main()
