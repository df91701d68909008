"""Running cases' test programs in parallel, each isolated as assert_passes_tests runs one.

WARNING: this executes model-written code. Each program runs in a Python
process of its own (isolated mode, a temporary working directory, no
inherited environment variables, a timeout that ends its whole process
group): not a sandbox. ``workers`` programs run at a time; threads here only
wait on them, so a hung or crashing program costs its own slot and its
timeout, never the run.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["ExecutionPool", "default_workers", "run_now"]

Result = tuple[int | None, list[str]]


def default_workers() -> int:
    """The CPU count, as ``--fim-eval-workers`` defaults to."""
    return os.cpu_count() or 1


def _run(program: str, timeout: float) -> Result:
    from pytest_fim.quality._execute import run_program

    return run_program(program, timeout)


class ExecutionPool:
    """Up to ``workers`` test programs running at once, each with ``timeout`` seconds."""

    def __init__(self, workers: int, timeout: float) -> None:
        self.workers = workers
        self.timeout = timeout
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, program: str, timeout: float | None = None) -> Future[Result]:
        """Start ``program`` when a slot is free; its future gives (exit status, output)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.workers, thread_name_prefix="pytest-fim-eval"
            )
        return self._executor.submit(_run, program, self.timeout if timeout is None else timeout)

    def shutdown(self) -> None:
        """Stop taking programs; those not started are dropped, running ones finish."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def run_now(program: str, timeout: float = 10.0) -> Future[Result]:
    """Run ``program`` in this thread; its result as a finished future."""
    future: Future[Result] = Future()
    try:
        future.set_result(_run(program, timeout))
    except Exception as exc:
        future.set_exception(exc)
    return future
