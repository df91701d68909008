"""The interception of HTTP clients, shared by fim_mock and the cassette recorder.

One module per client library, each with ``patch(module, handler, setattr_)``
that puts a :class:`~pytest_fim._clients._wire.Handler` in front of every
request the library sends:

| library | patched | module |
|---|---|---|
| httpx, httpx2 | ``Client._transport_for_url`` / ``AsyncClient._transport_for_url`` | ``_httpx`` |
| urllib3 (``requests``) | ``HTTPConnectionPool.urlopen`` and ``_make_request`` | ``_urllib3`` |
| urllib.request | ``AbstractHTTPHandler.do_open`` | ``_urllib`` |
| aiohttp | ``ClientSession._request`` | ``_aiohttp`` |

A library is never imported here: one the code under test has imported is
patched at once, and one it imports later is patched as its import finishes
(a finder on ``sys.meta_path`` while the patches are on), so a suite pays
nothing for a library it does not use. Every patch goes through
``setattr_`` (pytest's ``monkeypatch.setattr``), which undoes it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from pytest_fim._clients._guard import Blocked, is_mistral_host
from pytest_fim._clients._wire import Handler, WireRequest, WireResponse

__all__ = ["CLIENTS", "Handler", "WireRequest", "WireResponse", "install", "is_mistral_host"]

#: Module whose import brings a client, the adapter that patches it, and its name.
CLIENTS: tuple[tuple[str, str, str], ...] = (
    ("httpx2", "pytest_fim._clients._httpx", "httpx2"),
    ("httpx", "pytest_fim._clients._httpx", "httpx"),
    ("urllib3", "pytest_fim._clients._urllib3", "urllib3"),
    ("urllib.request", "pytest_fim._clients._urllib", "urllib.request"),
    ("aiohttp", "pytest_fim._clients._aiohttp", "aiohttp"),
)

SetAttr = Callable[[Any, str, Any], None]


def install(
    handler: Handler, setattr_: SetAttr, blocked: Blocked, patched: list[str] | None = None
) -> None:
    """Put ``handler`` in front of every client, and guard Mistral hosts with ``blocked``.

    The clients already imported are patched now, the others if and when the
    code under test imports them, until ``setattr_`` is undone; each one's
    name is added to ``patched`` as it is patched.
    """
    from pytest_fim._clients import _guard

    _guard.patch_socket(setattr_, blocked)
    done = patched if patched is not None else []

    def adapter_patch(adapter: str, label: str) -> Callable[[ModuleType], None]:
        def patch(module: ModuleType) -> None:
            importlib.import_module(adapter).patch(module, handler, setattr_)
            done.append(label)

        return patch

    patches = {name: adapter_patch(adapter, label) for name, adapter, label in CLIENTS}
    patches["asyncio"] = lambda module: _guard.patch_asyncio(module, blocked, setattr_)
    waiting: dict[str, Callable[[ModuleType], None]] = {}
    for name, patch in patches.items():
        module = sys.modules.get(name)
        if module is not None and _loaded(module):
            patch(module)
        else:
            waiting[name] = patch
    if waiting:
        setattr_(_ImportWatch(waiting), "active", True)


def _loaded(module: ModuleType) -> bool:
    # A module still running its own import (a circular import) is patched when it is done.
    spec = getattr(module, "__spec__", None)
    return not getattr(spec, "_initializing", False)


class _ImportWatch(importlib.abc.MetaPathFinder):
    """Patches a client library when the code under test imports it.

    ``active`` puts the finder first on ``sys.meta_path`` (True) or takes it
    off (False), so undoing ``setattr_(watch, "active", True)`` removes it.
    """

    def __init__(self, waiting: dict[str, Callable[[ModuleType], None]]) -> None:
        self.waiting = waiting

    @property
    def active(self) -> bool:
        """Whether the finder is on ``sys.meta_path``."""
        return self in sys.meta_path

    @active.setter
    def active(self, on: bool) -> None:
        if on and self not in sys.meta_path:
            sys.meta_path.insert(0, self)
        elif not on:
            while self in sys.meta_path:
                sys.meta_path.remove(self)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        """Let the other finders find ``fullname``; wrap its loader if it is a client."""
        patch = self.waiting.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            del self.waiting[fullname]
            spec.loader = _PatchAfterLoad(spec.loader, patch, fullname)
        return spec


class _PatchAfterLoad(importlib.abc.Loader):
    """Runs the real loader, gives the module its real loader back, then patches it."""

    def __init__(self, loader: Any, patch: Callable[[ModuleType], None], name: str) -> None:
        self.loader = loader
        self.patch = patch
        self.name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """What the real loader creates."""
        result: ModuleType | None = self.loader.create_module(spec)
        return result

    def exec_module(self, module: ModuleType) -> None:
        """Run the module with its own loader, then patch it."""
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        try:
            self.patch(module)
        except Exception as exc:  # never break the user's import; the socket guard still holds
            warnings.warn(f"pytest-fim could not intercept {self.name}: {exc!r}", stacklevel=2)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)
