"""Figures of the matching issue, side by side with DeepDiff, in one run.

1. A passing match of a typical response (matchers and ignores included):
   at most 0.02× DeepDiff on the same pair.
2. A failing diff of a typical response, rendered: at most 1.2× DeepDiff
   alone on the same pair.
3. A 500-choice response with one changed choice: at most 0.2× DeepDiff on
   the whole pair.
4. A failing match of two 200,000-line completions that differ on every
   line, rendered at default verbosity (50 diff lines and a count of the
   rest): at most 0.5× difflib.unified_diff alone on the two texts (what
   rendering the whole diff cost before, DeepDiff's own diff of them aside).
5. The unified diff of two 2,000-line texts whose lines alternate between
   equal and changed (difflib's quadratic case): at most 0.1× difflib.
6. The same at 200,000 lines against 20,000 (growth): at most 25× (the work
   is linear, but 200,000-entry hash tables no longer sit in the CPU's
   caches; a quadratic diff would be 100×, difflib's is).

Run: ``python bench/diff_speed.py``. Exit status 1 if a figure fails.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _table import Row, per_call, print_table

CODE = "".join(f"    value_{i} = compute(a, b, {i})\n" for i in range(12)) + "    return value_11\n"


def main() -> int:
    from deepdiff import DeepDiff
    from dirty_equals import IsInt, IsStr

    from pytest_fim import assert_fim_response_matches, fim_diff, make_fim_response

    actual: dict[str, Any] = make_fim_response(CODE, seed=1).model_dump(mode="json")
    expected: dict[str, Any] = make_fim_response(CODE, seed=2).model_dump(mode="json")
    expected["model"] = IsStr(regex=r"codestral-.+")
    expected["usage"]["total_tokens"] = IsInt(gt=0)
    expected["choices"][0]["finish_reason"] = re.compile("^stop$")
    assert_fim_response_matches(actual, expected)
    rows = [
        Row(
            "passing match, typical response (matchers, ignores)",
            per_call(lambda: assert_fim_response_matches(actual, expected)) * 1e6,
            per_call(lambda: DeepDiff(expected, actual)) * 1e6,
            0.02,
            ref_name="DeepDiff",
        )
    ]

    changed = copy.deepcopy(actual)
    changed["choices"][0]["message"]["content"] = CODE.replace("value_7", "value_8")
    changed["usage"]["completion_tokens"] += 1
    changed["usage"]["total_tokens"] += 1
    plain_expected = make_fim_response(CODE, seed=1).model_dump(mode="json")
    assert fim_diff(changed, plain_expected)
    rows.append(
        Row(
            "failing diff of a typical response, rendered",
            per_call(lambda: fim_diff(changed, plain_expected)) * 1e6,
            per_call(lambda: DeepDiff(plain_expected, changed)) * 1e6,
            1.2,
            ref_name="DeepDiff alone",
        )
    )

    many = make_fim_response(CODE, n=500, seed=1).model_dump(mode="json")
    many_changed = copy.deepcopy(many)
    many_changed["choices"][250]["message"]["content"] = CODE.replace("value_3", "value_4")
    assert fim_diff(many_changed, many)
    rows.append(
        Row(
            "500 choices, one changed",
            per_call(lambda: fim_diff(many_changed, many), repeat=5) * 1e6,
            per_call(lambda: DeepDiff(many, many_changed), repeat=3) * 1e6,
            0.2,
            ref_name="DeepDiff, whole pair",
        )
    )
    rows.extend(_long_texts())
    return 0 if print_table(rows) else 1


def _alternating(lines: int) -> tuple[str, str]:
    expected = "".join(f"value_{i} = compute({i})\n" for i in range(lines))
    actual = "".join(
        f"value_{i} = compute({i})\n" if i % 2 else f"changed_{i} = {i}\n" for i in range(lines)
    )
    return expected, actual


def _long_texts() -> list[Row]:
    import difflib

    from pytest_fim import fim_diff
    from pytest_fim.diff import unified

    lines = 200_000
    expected = "".join(f"expected_{i} = {i}\n" for i in range(lines))
    actual = "".join(f"actual_{i} = {i}\n" for i in range(lines))
    assert "399,951 more diff lines not shown" in fim_diff(
        {"content": actual}, {"content": expected}
    )
    rows = [
        Row(
            "failing match, two 200,000-line completions differing on every line",
            per_call(lambda: fim_diff({"content": actual}, {"content": expected}), repeat=3) * 1e3,
            per_call(
                lambda: list(
                    difflib.unified_diff(expected.splitlines(True), actual.splitlines(True))
                ),
                repeat=1,
            )
            * 1e3,
            0.5,
            unit="ms",
            ref_name="difflib.unified_diff of the texts",
        )
    ]
    small = _alternating(2_000)
    rows.append(
        Row(
            "unified diff, 2,000 lines alternating equal and changed",
            per_call(lambda: unified(*small, 80, 50), repeat=3) * 1e3,
            per_call(
                lambda: list(
                    difflib.unified_diff(small[0].splitlines(True), small[1].splitlines(True))
                ),
                repeat=1,
            )
            * 1e3,
            0.1,
            unit="ms",
            ref_name="difflib.unified_diff",
        )
    )
    tenth, whole = _alternating(20_000), _alternating(200_000)
    rows.append(
        Row(
            "… 200,000 lines vs 20,000 lines (growth)",
            per_call(lambda: unified(*whole, 80, 50), repeat=3) * 1e3,
            per_call(lambda: unified(*tenth, 80, 50), repeat=3) * 1e3,
            25,
            unit="ms",
            ref_name="20,000 lines",
        )
    )
    return rows


if __name__ == "__main__":
    sys.exit(main())
