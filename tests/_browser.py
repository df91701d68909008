"""A real headless Chromium for the HTML report's tests, driven over the DevTools pipe.

Chromium's ``--remote-debugging-pipe`` speaks the DevTools protocol as
NUL-terminated JSON messages on file descriptors 3 (to the browser) and 4
(from it): the standard library is enough, no websocket client and no browser
download. :func:`open_page` loads a file, collects every console message,
uncaught exception and log entry (CSP violations, failed loads) and lets the
test run JavaScript in the page.

The browser is the system's (``apt-get install chromium``, which ``.ci/run``
does where apt is available), or the one ``$PYTEST_FIM_CHROMIUM`` names;
without one the tests skip and say so.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

BROWSER_ENV = "PYTEST_FIM_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = (
    "needs a headless Chromium: install the system's package (apt-get install chromium; "
    f".ci/run does it where apt is available) or set {BROWSER_ENV}=/path/to/chromium"
)


def find_browser() -> str | None:
    """The Chromium to use: ``$PYTEST_FIM_CHROMIUM``, else the first on PATH, else None."""
    named = os.environ.get(BROWSER_ENV, "")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_or_skip() -> str:
    """The browser's path, or skip the test with the reason and what to install."""
    found = find_browser()
    if found is None:
        pytest.skip(NO_BROWSER)
    return found


class BrowserGone(RuntimeError):
    """Chromium closed the pipe (it crashed or could not start); its stderr says why."""


class Page:
    """One page in a headless Chromium: what it logged, and JavaScript run in it."""

    def __init__(
        self, process: subprocess.Popen[bytes], to_browser: int, from_browser: int, log: Path
    ):
        self._process = process
        self._log = log
        self._out = os.fdopen(to_browser, "wb", buffering=0)
        self._in = os.fdopen(from_browser, "rb", buffering=0)
        self._buffer = b""
        self._next_id = 0
        self._session = ""
        #: Every console call, uncaught exception and log entry, in order:
        #: ``{"kind": "console" | "exception" | "log", "level": ..., "text": ...}``.
        self.messages: list[dict[str, str]] = []
        #: The URL of every network request the page made.
        self.requests: list[str] = []
        self._load_fired = False

    def errors(self) -> list[dict[str, str]]:
        """The messages that are errors or warnings (what a person would see flagged)."""
        return [m for m in self.messages if m["level"] in ("error", "warning", "assert")]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable results)."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} raised in the page: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        """Write a PNG of the whole page (for a person looking at it, not for asserting)."""
        import base64

        height = self.evaluate("document.documentElement.scrollHeight")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": 1280,
                "height": min(int(height), 8000),
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        shot = self.send("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))

    def open(self, url: str) -> None:
        """Navigate to ``url`` and return once its load event has fired (messages start anew)."""
        self._load_fired = False
        self.messages.clear()
        self.requests.clear()
        navigated = self.send("Page.navigate", {"url": url})
        if navigated.get("errorText"):
            raise AssertionError(f"Chromium could not open {url}: {navigated['errorText']}")
        while not self._load_fired:
            self._handle(self._read())
        # A round trip after the load: every event sent before it has arrived.
        self.evaluate("0")

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, browser: bool = False
    ) -> Any:
        """Send one command (to the page's session unless ``browser``) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self._session and not browser:
            message["sessionId"] = self._session
        self._out.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"DevTools {method} failed: {reply['error']}")
                return reply.get("result", {})
            self._handle(reply)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = self._in.read(65536)
            if not chunk:
                said = self._log.read_text(errors="replace")[-2000:]
                raise BrowserGone(
                    f"Chromium closed the DevTools pipe (exit {self._process.poll()}): {said}"
                )
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def _handle(self, event: dict[str, Any]) -> None:
        if event.get("sessionId") != self._session:
            return  # another target's (the browser's own first tab, say)
        method, params = event.get("method"), event.get("params", {})
        if method == "Page.loadEventFired":
            self._load_fired = True
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(
                str(arg.get("value", arg.get("description", ""))) for arg in params["args"]
            )
            level = {"warning": "warning", "error": "error", "assert": "assert"}.get(
                params["type"], "info"
            )
            self.messages.append({"kind": "console", "level": level, "text": text})
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            self.messages.append({"kind": "exception", "level": "error", "text": text})
        elif method == "Log.entryAdded":
            entry = params["entry"]
            self.messages.append(
                {
                    "kind": "log",
                    "level": entry["level"],
                    "text": f"{entry['source']}: {entry['text']}",
                }
            )
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])

    def _attach(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, browser=True
        )
        self._session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")

    def _close(self) -> None:
        try:
            self.send("Browser.close", browser=True)
        except (BrowserGone, OSError, RuntimeError):
            pass
        self._out.close()
        self._in.close()
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    # Move a pipe's ends to fd 10 and up, so putting them on 3 and 4 in the child
    # never overwrites one end with the other.
    moved = (
        fcntl.fcntl(fds[0], fcntl.F_DUPFD_CLOEXEC, 10),
        fcntl.fcntl(fds[1], fcntl.F_DUPFD_CLOEXEC, 10),
    )
    os.close(fds[0])
    os.close(fds[1])
    return moved


@contextmanager
def launch(browser: str) -> Iterator[Page]:
    """A headless Chromium with one blank page attached; closed afterwards.

    Raises :class:`BrowserGone` (with the end of Chromium's own error output)
    when the browser cannot start.
    """
    workdir = Path(tempfile.mkdtemp(prefix="pytest-fim-chromium-"))
    # Our ends of the two pipes, and the browser's ends placed on fds 3 and 4.
    to_read, to_write = _high(os.pipe())  # commands: we write, Chromium reads on fd 3
    from_read, from_write = _high(os.pipe())  # replies: Chromium writes on fd 4, we read
    command = [
        browser,
        "--headless",
        "--remote-debugging-pipe",
        # Root (as in CI) cannot use Chromium's sandbox; the pages are our own files.
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={workdir / 'profile'}",
        "about:blank",
    ]
    # A small Python launcher puts the browser's ends on fds 3 and 4, where Chromium
    # looks for them (no preexec_fn: the test process may have threads; and sh's
    # redirections stop at fd 9).
    launcher = [
        sys.executable,
        "-c",
        "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
        "os.execv(sys.argv[3], sys.argv[3:])",
        str(to_read),
        str(from_write),
    ]
    log = workdir / "stderr.txt"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            launcher + command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            pass_fds=(to_read, from_write),
        )
    os.close(to_read)
    os.close(from_write)
    page = Page(process, to_write, from_read, log)
    try:
        page._attach()
        yield page
    finally:
        page._close()
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def open_page(url: str, browser: str) -> Iterator[Page]:
    """A headless Chromium showing ``url``, its messages collected; closed afterwards."""
    with launch(browser) as page:
        page.open(url)
        yield page
