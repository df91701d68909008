"""Figures of the matching issue, side by side with DeepDiff, in one run.

1. A passing match of a typical response (matchers and ignores included):
   at most 0.02× DeepDiff on the same pair.
2. A failing diff of a typical response, rendered: at most 1.2× DeepDiff
   alone on the same pair.
3. A 500-choice response with one changed choice: at most 0.2× DeepDiff on
   the whole pair.

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
    rows = [Row("passing match, typical response (matchers, ignores)",
                per_call(lambda: assert_fim_response_matches(actual, expected)) * 1e6,
                per_call(lambda: DeepDiff(expected, actual)) * 1e6, 0.02,
                ref_name="DeepDiff")]

    changed = copy.deepcopy(actual)
    changed["choices"][0]["message"]["content"] = CODE.replace("value_7", "value_8")
    changed["usage"]["completion_tokens"] += 1
    changed["usage"]["total_tokens"] += 1
    plain_expected = make_fim_response(CODE, seed=1).model_dump(mode="json")
    assert fim_diff(changed, plain_expected)
    rows.append(Row("failing diff of a typical response, rendered",
                    per_call(lambda: fim_diff(changed, plain_expected)) * 1e6,
                    per_call(lambda: DeepDiff(plain_expected, changed)) * 1e6, 1.2,
                    ref_name="DeepDiff alone"))

    many = make_fim_response(CODE, n=500, seed=1).model_dump(mode="json")
    many_changed = copy.deepcopy(many)
    many_changed["choices"][250]["message"]["content"] = CODE.replace("value_3", "value_4")
    assert fim_diff(many_changed, many)
    rows.append(Row("500 choices, one changed",
                    per_call(lambda: fim_diff(many_changed, many), repeat=5) * 1e6,
                    per_call(lambda: DeepDiff(many, many_changed), repeat=3) * 1e6, 0.2,
                    ref_name="DeepDiff, whole pair"))
    return 0 if print_table(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
