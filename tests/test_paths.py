from __future__ import annotations

import pytest

from pytest_fim.paths import (
    ANY_INDEX,
    IGNORED,
    IgnoreTree,
    format_path,
    ignore_below,
    ignore_tree,
    parse_pattern,
)


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        ((), ""),
        (("usage", "total_tokens"), "usage.total_tokens"),
        (("choices", 0, "message", "content"), "choices[0].message.content"),
        (("usage", "weird-key"), 'usage["weird-key"]'),
        ((0,), "[0]"),
        # Nothing a terminal acts on reaches it raw: ANSI escapes, bidi overrides, tabs.
        (("a\x1b[2Kb",), '["a\\x1b[2Kb"]'),
        (("usage", "x\u202ey"), 'usage["x\\u202ey"]'),
        (("t\tab", "nb\xa0sp"), '["t\\tab"]["nb\\xa0sp"]'),
        # A backslash the key holds stays apart from the escapes.
        (("back\\x1b",), '["back\\\\x1b"]'),
    ],
)
def test_format_path(parts: tuple[str | int, ...], text: str) -> None:
    assert format_path(parts) == text


def test_star_matches_any_index_only() -> None:
    pattern = parse_pattern("choices[*].message.tool_calls")
    assert pattern.matches(("choices", 3, "message", "tool_calls"))
    assert not pattern.matches(("choices", "x", "message", "tool_calls"))
    assert not pattern.matches(("choices", 0, "message"))
    assert pattern.may_cover_inside(("choices", 0))
    assert not pattern.may_cover_inside(("usage",))


def _ignored(tree: IgnoreTree, path: tuple[str | int, ...]) -> bool:
    # Walk the tree the way a comparison does, part by part.
    node: IgnoreTree | None = tree
    for part in path:
        below = ignore_below(node, part)
        if below is IGNORED:
            return True
        node = below
    return False


def test_ignore_tree_leaves_out_a_place_and_everything_inside() -> None:
    tree = ignore_tree(("choices[*].message.tool_calls", "usage", "model.name"))
    assert _ignored(tree, ("choices", 3, "message", "tool_calls"))
    assert _ignored(tree, ("choices", 0, "message", "tool_calls", 0, "id"))
    assert _ignored(tree, ("usage", "total_tokens"))
    assert _ignored(tree, ("model", "name"))
    assert not _ignored(tree, ("model",))
    assert not _ignored(tree, ("choices", 0, "message"))
    assert not _ignored(tree, ("choices", "x", "message", "tool_calls"))
    assert ignore_below(tree, "id") is None
    assert ignore_below(None, "id") is None


def test_ignore_tree_a_shorter_pattern_wins_in_any_order() -> None:
    for patterns in [("usage.total_tokens", "usage"), ("usage", "usage.total_tokens")]:
        assert ignore_tree(patterns) == {"usage": IGNORED}
    assert ignore_tree(("a[*]",)) == {"a": {ANY_INDEX: IGNORED}}
    assert ignore_tree(()) == {}


def test_ignore_tree_an_index_keeps_what_any_index_leaves_out() -> None:
    # The numbered branch used to shadow the [*] one: c[0].m was compared.
    for patterns in [("c[*].m", "c[0].i"), ("c[0].i", "c[*].m")]:
        tree = ignore_tree(patterns)
        assert _ignored(tree, ("c", 0, "m"))
        assert _ignored(tree, ("c", 0, "i"))
        assert _ignored(tree, ("c", 5, "m"))
        assert not _ignored(tree, ("c", 5, "i"))
    deep = ignore_tree(("a[*].b[*].c", "a[0].b[1].d"))
    assert _ignored(deep, ("a", 0, "b", 1, "c"))
    assert _ignored(deep, ("a", 0, "b", 1, "d"))
    assert _ignored(deep, ("a", 0, "b", 7, "c"))
    assert not _ignored(deep, ("a", 0, "b", 7, "d"))
    assert ignore_tree(("c[*]", "c[0].i")) == {"c": {ANY_INDEX: IGNORED, 0: IGNORED}}


def test_ignore_tree_says_what_is_wrong_with_a_pattern() -> None:
    with pytest.raises(ValueError, match=r"malformed path pattern 'a\.\.b'"):
        ignore_tree(("id", "a..b"))


def test_round_trip_of_formatted_paths() -> None:
    for parts in [("id",), ("choices", 2, "finish_reason"), ("usage", "a b")]:
        assert parse_pattern(format_path(parts)).matches(parts)


@pytest.mark.parametrize("bad", ["choices[0", "choices]", "", ".id", "id.", "a..b", "a[x]"])
def test_malformed_patterns_name_the_pattern(bad: str) -> None:
    with pytest.raises(ValueError, match="malformed path pattern"):
        parse_pattern(bad)


def test_pattern_must_be_text() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        parse_pattern(3)  # type: ignore[arg-type]
