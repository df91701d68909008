"""The problem a quality check reports: which check, why, and where in the join."""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_fim.problems import Problem


@dataclass(frozen=True)
class FillProblem(Problem):
    """A way the middle does not fit its hole.

    ``check`` names the check (``suffix_echo``, ``syntax``, ...), ``message``
    says why in a line, ``line`` is the line of the joined file it concerns
    (None when it has no place), ``context`` the join around it.
    """

    check: str = ""
    line: int | None = None
    context: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        head = f"{self.check}: {self.message}{where}"
        return "\n".join([head, *self.context])
