"""One test's cassette: where its file is, loading it, installing the handler, writing it.

:class:`FIMCassette` is what the ``fim_cassette`` fixture gives a test. It
never imports pytest: the plugin hands it the options and a ``setattr``
that is undone at teardown, and reports what :meth:`FIMCassette.finish`
returns.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pytest_fim.cassette._format import Cassette, _yaml, load_cassette, unwritable
from pytest_fim.cassette._handler import MODES, RECORD_TIMEOUT, CassetteHandler
from pytest_fim.cassette._match import match_fields
from pytest_fim.cassette._secrets import find_secrets
from pytest_fim.problems import FIMAssertionError

__all__ = ["EXTENSION", "FIMCassette", "cassette_path"]

#: Not ".yaml" alone: pytest-recording writes <test>.yaml in the same folder.
EXTENSION = ".fim.yaml"
#: What every common file system takes in a name; the rest is %XX-encoded, ``%`` too,
#: so two tests never share a file (``test_x[a/b]``, ``test_x[a_b]``, ``test_x[a b]``).
_SAFE = re.compile(r"[\w.\-\[\]=,+@]")
#: Longer names (UTF-8 bytes) are cut and told apart by a hash: file systems take 255.
_LONGEST = 150
_CLIENTS = "httpx, httpx2, requests (urllib3), urllib.request and aiohttp"


def _file_name(text: str) -> str:
    """``text`` as one file name: the same text, the same name; different texts, different names."""
    name = "".join(
        char
        if _SAFE.fullmatch(char)
        else "".join(map("%{:02X}".format, char.encode("utf-8", "surrogatepass")))
        for char in text
    )
    if len(name.encode("utf-8")) <= _LONGEST:
        return name or "test"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    cut = name.encode("utf-8")[: _LONGEST - 17].decode("utf-8", "ignore")
    return f"{cut}-{digest}"


def cassette_path(folder: Path, module: str, test: str) -> Path:
    """``folder/<module>/<test>.fim.yaml``.

    ``module`` may be a relative path with ``/`` (``tests/api/test_x``), each
    part a folder. Characters a file name cannot hold are ``%XX``-encoded, so
    distinct tests get distinct files, and a name too long for a file system
    is shortened with a hash of the whole.
    """
    parts = [_file_name(part) for part in module.split("/") if part not in ("", ".", "..")]
    return folder.joinpath(*parts, f"{_file_name(test)}{EXTENSION}")


class FIMCassette:
    """The cassette of one test: FIM requests answered from, or recorded to, ``path``.

    ``mode`` is a record mode (``none``, ``once``, ``new_episodes``, ``all``,
    ``rewrite``, ``verify``); ``match_on``/``ignore`` choose the compared
    fields; ``chunk_size`` None replays streams event by event; ``timeout``
    is how many seconds a live request may wait for the server. After the
    test, ``cassette`` holds the interactions, ``recorded`` the new ones and
    ``replayed`` how many answers came from the file.

    Raises ``ValueError`` for an unknown mode or field name or a timeout
    that is not a positive number, and
    :class:`~pytest_fim.cassette.CassetteFormatError` for a file that is not
    a cassette.
    """

    def __init__(
        self,
        path: str | Path,
        mode: str = "none",
        *,
        match_on: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        chunk_size: int | None = None,
        strict: bool | None = None,
        timeout: float = RECORD_TIMEOUT,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown record mode {mode!r}: expected one of {', '.join(MODES)}")
        if not timeout > 0:  # NaN too
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        _yaml()  # a missing PyYAML is said before the test runs, not when it writes
        self.path = Path(path)
        self.mode = mode
        fields = match_fields(match_on, ignore)
        exists = self.path.is_file()
        if mode == "rewrite":
            cassette = Cassette(path=self.path)
        elif exists:
            cassette = load_cassette(self.path)
        else:
            cassette = Cassette(path=self.path)
        self.handler = CassetteHandler(
            cassette,
            mode,
            fields,
            chunk_size,
            strict,
            timeout=timeout,
            new_cassette=not exists and mode != "rewrite",
            where=str(self.path),
        )

    def __repr__(self) -> str:
        where = str(self.path)
        return f"FIMCassette({where!r}, mode={self.mode!r}, {len(self.cassette)} interactions)"

    @property
    def cassette(self) -> Cassette:
        """The interactions: those loaded, and those recorded in this test."""
        return self.handler.cassette

    @property
    def recorded(self) -> int:
        """How many interactions this test recorded."""
        return len(self.handler.recorded)

    @property
    def replayed(self) -> int:
        """How many requests this test had answered from the file."""
        return self.handler.replayed

    def install(self, setattr_: Callable[[Any, str, Any], None]) -> None:
        """Put the cassette in front of every client fim_mock answers; guard Mistral hosts."""
        from pytest_fim._clients import install

        install(self.handler, setattr_, _blocked)

    def finish(self, failure: BaseException | None = None) -> tuple[list[str], list[str]]:
        """Write what was recorded, and say what went wrong: ``(failures, warnings)``.

        Writes nothing when a secret would land in the file (that is a
        failure), in ``verify`` mode, or when nothing was recorded.
        ``failure`` is what already failed the test: a request it reports is
        not reported again.
        """
        from pytest_fim.mock import _chain

        self.handler.close()
        shown = set(map(id, _chain(failure)))
        problems = [str(error) for error in self.handler.failures if id(error) not in shown]
        warnings = list(self.handler.notes)
        if self.handler.drift:
            problems.append(
                "fim_cassette: the live API has drifted from the cassette "
                f"{self.path} (nothing rewritten):\n" + "\n".join(self.handler.drift)
            )
        if self.handler.recorded and self.mode != "verify":
            data = [interaction.to_data() for interaction in self.cassette]
            found = find_secrets(data, self.handler.secrets)
            unfit = unwritable(data)
            if unfit and not found:
                listed = "\n".join(f"  interactions{where}" for where in unfit)
                problems.append(
                    f"fim_cassette: cannot write {self.path}: YAML cannot hold this text\n"
                    f"{listed}\nnothing was written"
                )
            elif found:
                listed = "\n".join(f"  interactions{where}: {what}" for where, what in found)
                problems.append(
                    f"fim_cassette: refused to write {self.path}: it would hold a secret\n"
                    f"{listed}\nnothing was written; keep keys out of prompts and bodies, "
                    f"or leave the request out of the cassette"
                )
            else:
                self.cassette.save(self.path)
        elif self.mode == "rewrite" and failure is None and not self.handler.failures:
            # Deleted here rather than before the test: a write refused for a
            # secret, or a test that failed before it recorded, leaves the old file.
            self.path.unlink(missing_ok=True)
        return problems, warnings


def _blocked(host: str, port: int | None, library: str) -> BaseException:
    where = host if port is None else f"{host}:{port}"
    return FIMAssertionError(
        f"fim_cassette: stopped a connection to {where} by {library}\n"
        f"a cassette answers or records POST .../v1/fim/completions (and Codestral's "
        f"Vertex AI :rawPredict) sent with {_CLIENTS}; "
        f"nothing else reaches a Mistral host"
    )
