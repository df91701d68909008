"""Pairing two lists regardless of order: the heart of ``ignore_order``.

A pure function of the two lists and a "does this expected item fit that
actual item" test, so it can be reasoned about (and tested) apart from the
walk that supplies the test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["pair_unordered"]

_Want = TypeVar("_Want")
_Got = TypeVar("_Got")


def pair_unordered(
    expected: Sequence[_Want], actual: Sequence[_Got], fits: Callable[[_Want, _Got], bool]
) -> tuple[list[int], list[int]]:
    """Pair as many items as any pairing can: (expected indexes unpaired, actual indexes unpaired).

    ``fits(want, got)`` says whether an expected item may stand for an actual
    one; each item pairs at most once. A first greedy pass settles the usual
    case (the same or nearly the same order) in one sweep. A fit that is not
    an equality can make it pair badly (``[ANY, 1]`` against ``[1, 2]``: ANY
    takes the 1), so each expected item left over then looks for an augmenting
    path, as in bipartite matching: an item is left unpaired only when no
    pairing at all would place it. ``fits`` is called at most once per pair of
    items after the greedy pass. Raises whatever ``fits`` raises.
    """
    owner = [-1] * len(actual)  # actual index -> the expected index paired with it
    partner = [-1] * len(expected)  # expected index -> the actual index paired with it
    free = list(range(len(actual)))
    for index, want in enumerate(expected):
        for position, candidate in enumerate(free):
            if fits(want, actual[candidate]):
                del free[position]
                owner[candidate], partner[index] = index, candidate
                break
    if free and -1 in partner:
        fitting: dict[int, list[int]] = {}
        for start in [index for index, paired in enumerate(partner) if paired < 0]:
            _augment(start, expected, actual, fits, owner, partner, fitting)
    return (
        [index for index, paired in enumerate(partner) if paired < 0],
        [index for index, paired in enumerate(owner) if paired < 0],
    )


def _augment(
    start: int,
    expected: Sequence[_Want],
    actual: Sequence[_Got],
    fits: Callable[[_Want, _Got], bool],
    owner: list[int],
    partner: list[int],
    fitting: dict[int, list[int]],
) -> None:
    """Find a free actual item for ``start`` by moving earlier pairs (breadth first)."""
    reached_from: dict[int, int] = {}  # actual index -> expected index that reached it
    queue, seen, found = [start], {start}, -1
    while queue and found < 0:
        following = []
        for index in queue:
            if index not in fitting:
                fitting[index] = [
                    candidate
                    for candidate in range(len(actual))
                    if fits(expected[index], actual[candidate])
                ]
            for candidate in fitting[index]:
                if candidate in reached_from:
                    continue
                reached_from[candidate] = index
                if owner[candidate] < 0:
                    found = candidate
                    break
                if owner[candidate] not in seen:
                    seen.add(owner[candidate])
                    following.append(owner[candidate])
            if found >= 0:
                break
        queue = following
    while found >= 0:  # flip the pairs along the path back to start
        index = reached_from[found]
        previous = partner[index]
        owner[found], partner[index] = index, found
        found = previous
