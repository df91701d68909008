from __future__ import annotations

import pytest

from pytest_fim.paths import format_path, parse_pattern


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        ((), ""),
        (("usage", "total_tokens"), "usage.total_tokens"),
        (("choices", 0, "message", "content"), "choices[0].message.content"),
        (("usage", "weird-key"), 'usage["weird-key"]'),
        ((0,), "[0]"),
    ],
)
def test_format_path(parts: tuple[str | int, ...], text: str) -> None:
    assert format_path(parts) == text


def test_star_matches_any_index_only() -> None:
    pattern = parse_pattern("choices[*].message.tool_calls")
    assert pattern.matches(("choices", 3, "message", "tool_calls"))
    assert not pattern.matches(("choices", "x", "message", "tool_calls"))
    assert pattern.covers(("choices", 0, "message", "tool_calls", 0, "id"))
    assert not pattern.covers(("choices", 0, "message"))
    assert pattern.may_cover_inside(("choices", 0))


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
