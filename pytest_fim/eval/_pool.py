"""Running cases' test programs in parallel, each isolated as assert_passes_tests runs one.

WARNING: this executes model-written code, as assert_passes_tests does: in
isolated mode (``python -I``), with no inherited environment variables, in a
temporary working directory, with a timeout that ends the program's whole
process group. Not a sandbox.

``workers`` programs run at a time. Where the system can fork, each slot is
a worker process started once (:mod:`pytest_fim.eval._forkserver`) that forks
a child per program, so a program costs milliseconds, not an interpreter's
start; elsewhere each program starts its own interpreter. A hung or crashing
program costs its own slot and timeout, never the run.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

__all__ = ["ExecutionPool", "default_workers", "run_now"]

#: A program's exit status (None after its timeout), last output lines and own run time.
Result = tuple[int | None, list[str], float]
_SERVER = str(Path(__file__).with_name("_forkserver.py"))


def default_workers() -> int:
    """The CPU count, as ``--fim-eval-workers`` defaults to."""
    return os.cpu_count() or 1


def _run_alone(program: str, timeout: float) -> Result:
    import time

    from pytest_fim.quality._execute import run_program

    start = time.perf_counter()
    returncode, output = run_program(program, timeout)
    return returncode, output, time.perf_counter() - start


class _Worker:
    """One fork server process and the pipe to it."""

    def __init__(self) -> None:
        # As assert_passes_tests starts a program: nothing of the caller's environment.
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-X", "utf8", "-B", _SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"PATH": os.defpath},
            cwd=tempfile.gettempdir(),
        )

    def run(self, program: str, timeout: float) -> Result:
        """Send a program, wait for its answer; ``RuntimeError`` if the worker died."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = json.dumps({"program": program, "timeout": timeout}) + "\n"
        try:
            self.process.stdin.write(request.encode("utf-8"))
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        except OSError:
            answer = b""
        if not answer:
            self.close()
            raise RuntimeError("the worker process running this program died")
        data = json.loads(answer)
        return data["returncode"], list(data["output"]), float(data["seconds"])

    def close(self) -> None:
        """Stop the worker (it ends when its input closes; killed if it does not)."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


class ExecutionPool:
    """Up to ``workers`` test programs running at once, each with ``timeout`` seconds."""

    def __init__(self, workers: int, timeout: float, *, fork: bool | None = None) -> None:
        self.workers = workers
        self.timeout = timeout
        self.fork = hasattr(os, "fork") and sys.platform != "win32" if fork is None else fork
        self._executor: ThreadPoolExecutor | None = None
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []

    def _run(self, program: str, timeout: float) -> Result:
        if not self.fork:
            return _run_alone(program, timeout)
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            worker = _Worker()
            self._all.append(worker)
        result = worker.run(program, timeout)  # a dead worker raises and is not put back
        self._idle.put(worker)
        return result

    def submit(self, program: str, timeout: float | None = None) -> Future[Result]:
        """Start ``program`` when a slot is free; its future gives a :data:`Result`."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.workers, thread_name_prefix="pytest-fim-eval"
            )
        return self._executor.submit(
            self._run, program, self.timeout if timeout is None else timeout
        )

    def shutdown(self) -> None:
        """Drop programs not started, let running ones finish, stop the workers."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        for worker in self._all:
            worker.close()
        self._all.clear()


def run_now(program: str, timeout: float = 10.0) -> Future[Result]:
    """Run ``program`` in this thread, in an interpreter of its own; a finished future."""
    future: Future[Result] = Future()
    try:
        future.set_result(_run_alone(program, timeout))
    except Exception as exc:
        future.set_exception(exc)
    return future
