"""The pairing behind ignore_order, as the pure function it is."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_fim._pairing import pair_unordered


def _most_pairs(rows: list[list[bool]], width: int) -> int:
    # Every way of choosing which actual item each expected item takes (or none).
    best = 0
    for choice in itertools.product([None, *range(width)], repeat=len(rows)):
        taken = [got for got in choice if got is not None]
        if len(set(taken)) == len(taken) and all(
            got is None or rows[want][got] for want, got in enumerate(choice)
        ):
            best = max(best, len(taken))
    return best


def test_the_same_order_pairs_everything() -> None:
    assert pair_unordered([1, 2, 3], [1, 2, 3], lambda want, got: want == got) == ([], [])
    assert pair_unordered([3, 1, 2], [1, 2, 3], lambda want, got: want == got) == ([], [])
    assert pair_unordered([], [], lambda want, got: True) == ([], [])


def test_a_greedy_first_choice_is_undone_when_it_strands_an_item() -> None:
    # Expected 0 fits both actual items and takes actual 0 first; expected 1
    # fits only actual 0, so the pairing must move expected 0 to actual 1.
    rows = [[True, True], [True, False]]
    assert pair_unordered([0, 1], [0, 1], lambda want, got: rows[want][got]) == ([], [])


def test_unpaired_items_are_named_on_both_sides() -> None:
    assert pair_unordered([1, 5, 7], [1, 2], lambda want, got: want == got) == ([1, 2], [1])
    assert pair_unordered([], [4], lambda want, got: True) == ([], [0])


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 5).flatmap(
        lambda width: st.lists(st.lists(st.booleans(), min_size=width, max_size=width), max_size=5)
    )
)
def test_no_pairing_places_more_items(rows: list[list[bool]]) -> None:
    width = len(rows[0]) if rows else 0
    missing, unexpected = pair_unordered(
        list(range(len(rows))), list(range(width)), lambda want, got: rows[want][got]
    )
    paired = len(rows) - len(missing)
    assert paired == width - len(unexpected) == _most_pairs(rows, width)
    # The items left paired can indeed all be paired with one another.
    wants = [want for want in range(len(rows)) if want not in missing]
    gots = [got for got in range(width) if got not in unexpected]
    assert any(
        all(rows[want][got] for want, got in zip(wants, order, strict=True))
        for order in itertools.permutations(gots)
    )
