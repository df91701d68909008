"""monkeypatch.setattr's job outside pytest, for the scripts that install fim_mock or a cassette."""

from __future__ import annotations

from typing import Any


class Patch:
    """Set attributes and remember them; :meth:`restore` undoes every one, last first."""

    def __init__(self) -> None:
        self.undo: list[tuple[Any, str, Any]] = []

    def __call__(self, target: Any, name: str, value: Any) -> None:
        self.undo.append((target, name, getattr(target, name)))
        setattr(target, name, value)

    def restore(self) -> None:
        for target, name, value in reversed(self.undo):
            setattr(target, name, value)
        self.undo.clear()  # a second restore changes nothing
