"""Compare a response with an expected shape: assert_fim_response_matches, fim_diff.

The comparison is partial by default: keys absent from ``expected`` are not
compared, at every depth; a key that is null on one side and absent on the
other counts as equal (the schema's optional fields). Expected values that
are not JSON data are matchers (anything whose ``__eq__`` accepts the actual value, such as
``unittest.mock.ANY`` or dirty-equals); a compiled regular expression
matches a string it finds a match in.

A passing comparison is a quick walk that never reaches DeepDiff. A failing
one hands DeepDiff only the parts that differ, list item by list item, so a
500-choice response with one changed choice costs one choice's diff.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pytest_fim import _settings
from pytest_fim._pairing import pair_unordered
from pytest_fim._text import plural
from pytest_fim.diff import MISSING, Difference, deep_differences, render_differences
from pytest_fim.inputs import ACCEPTED_KINDS, to_data
from pytest_fim.paths import IGNORED, IgnoreTree, ignore_below, ignore_tree, path_patterns
from pytest_fim.problems import FIMAssertionError, Problem, describe

__all__ = ["assert_fim_response_matches", "compare", "fim_diff"]

DEFAULT_IGNORE: tuple[str, ...] = ("id", "created")
#: Deeper than this, a structure is taken for a cycle or junk.
MAX_DEPTH = 200
_PLAIN = (dict, list, str, int, float, bool, type(None))


@dataclass(frozen=True)
class _Options:
    ignored: IgnoreTree
    exact: bool
    ignore_order: bool


def _options(ignore: str | Iterable[str], exact: bool, ignore_order: bool) -> _Options:
    if type(ignore) is tuple:
        try:
            return _cached_options(ignore, bool(exact), bool(ignore_order))
        except TypeError:  # an unhashable pattern: let the slow path say what is wrong
            pass
    return _build_options(ignore, exact, ignore_order)


@functools.lru_cache(maxsize=256)
def _cached_options(ignore: tuple[str, ...], exact: bool, ignore_order: bool) -> _Options:
    return _build_options(ignore, exact, ignore_order)


def _build_options(ignore: str | Iterable[str], exact: bool, ignore_order: bool) -> _Options:
    patterns = path_patterns(ignore, argument="ignore=", example="('id', 'choices[*].message')")
    return _Options(ignore_tree(patterns), bool(exact), bool(ignore_order))


def compare(
    actual: object,
    expected: object,
    *,
    ignore: str | Iterable[str] = DEFAULT_IGNORE,
    exact: bool = False,
    ignore_order: bool = False,
) -> list[Difference]:
    """Every difference between ``actual`` and ``expected``; [] when they match.

    Raises what :func:`assert_fim_response_matches` raises for bad arguments.
    """
    options = _options(ignore, exact, ignore_order)
    actual_data = to_data(actual)  # a dict too: it may hold models
    expected_data = (
        expected if type(expected) is dict else to_data(expected, what="expected response")
    )
    if type(expected_data) is not dict:
        # JSON text holding a list or a number is a response input in form only.
        raise TypeError(
            f"expected must be a mapping (a partial shape) or a whole response "
            f"holding a JSON object, got {type(expected).__name__} holding "
            f"{describe(expected_data)}; accepted: {ACCEPTED_KINDS}"
        )
    walker = _Walker(options)
    try:
        if walker.equal(expected_data, actual_data, options.ignored, 0):
            return []
        walker.collect(expected_data, actual_data, (), options.ignored, 0)
    except RecursionError:
        raise ValueError(
            "cannot compare: the responses are nested too deeply (or one of them refers to itself)"
        ) from None
    from pytest_fim._schema import order_key

    return sorted(walker.found, key=lambda difference: order_key(difference.path))


def fim_diff(
    actual: object,
    expected: object,
    *,
    ignore: str | Iterable[str] = DEFAULT_IGNORE,
    exact: bool = False,
    ignore_order: bool = False,
) -> str:
    """The difference text :func:`assert_fim_response_matches` would fail with; '' on a match.

    >>> print(fim_diff({"model": "codestral-2508"}, {"model": "codestral-latest"}))
    FIM response does not match expected (1 difference):
      model: changed: expected 'codestral-latest', got 'codestral-2508'
    """
    differences = compare(actual, expected, ignore=ignore, exact=exact, ignore_order=ignore_order)
    if not differences:
        return ""
    return "\n".join(
        [
            summary(len(differences)),
            *(
                f"  {line}"
                for line in render_differences(differences, verbosity=_settings.verbosity)
            ),
        ]
    )


def summary(count: int) -> str:
    """The first line of a mismatch."""
    return f"FIM response does not match expected ({plural(count, 'difference')}):"


def assert_fim_response_matches(
    actual: object,
    expected: object,
    *,
    ignore: str | Iterable[str] = DEFAULT_IGNORE,
    exact: bool = False,
    ignore_order: bool = False,
) -> None:
    """Assert that ``actual`` has the shape ``expected`` describes.

    ``actual`` is any response input (a mapping, JSON text, a model, an
    HTTP response, a path). ``expected`` is a full response of any input
    kind or a partial mapping: keys it leaves out are not compared (at every
    depth) unless ``exact=True``. ``ignore`` lists path patterns left out on
    both sides (``[*]`` is any index; the default skips the volatile ``id``
    and ``created``; ``ignore=()`` compares everything). ``ignore_order``
    compares lists as multisets. Expected values may be matchers (any object
    whose ``__eq__`` accepts the actual value) or compiled regular
    expressions (``pattern.search(value)``).

    Raises :class:`FIMAssertionError` starting ``FIM response does not match
    expected (N differences):`` with one entry per difference (its ``.problems``
    hold them as path and text), ``TypeError`` when ``expected`` is neither a
    mapping nor a response input (JSON text holding a list is not a response),
    and ``ValueError`` for a malformed
    ``ignore`` pattern or a structure nested too deeply (a cycle).

    >>> from unittest.mock import ANY
    >>> assert_fim_response_matches({"model": "m", "usage": {"total_tokens": 3}},
    ...                             {"model": ANY, "usage": {"total_tokens": 3}})
    """
    __tracebackhide__ = True
    differences = compare(actual, expected, ignore=ignore, exact=exact, ignore_order=ignore_order)
    if differences:
        lines = render_differences(differences, verbosity=_settings.verbosity)
        raise FIMAssertionError(
            summary(len(differences)),
            [Problem(d.where, d.kind) for d in differences],
            message="\n".join([summary(len(differences)), *(f"  {line}" for line in lines)]),
        )


_PLAIN_TYPES = frozenset(_PLAIN)


def _is_matcher(value: Any) -> bool:
    return type(value) not in _PLAIN_TYPES and not isinstance(value, _PLAIN)


def _is_model(value: Any) -> bool:
    # A pydantic model's __eq__ refuses a dict, so as a matcher it would never
    # match; compared as data, {"usage": UsageInfo(...)} means what it says.
    cls = type(value)
    return hasattr(cls, "model_fields") and callable(getattr(cls, "model_dump", None))


def _matcher_accepts(matcher: Any, actual: Any) -> bool:
    if isinstance(matcher, re.Pattern):
        return isinstance(actual, str) and matcher.search(actual) is not None
    try:
        return bool(matcher == actual)
    except Exception:  # a matcher that raises has not accepted the value
        return False


def _same_kind(expected: Any, actual: Any) -> bool:
    # JSON numbers: 1 and 1.0 are the same value; a bool is not a number.
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual)
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return True
    return type(expected) is type(actual)


class _Walker:
    """Walks ``expected`` and ``actual`` together under the options."""

    def __init__(self, options: _Options) -> None:
        self.options = options
        self.found: list[Difference] = []

    # -- the quick check: no allocation beyond the walk, no DeepDiff

    # Complexity past the cap on purpose: the hot path of every match, inlined (see below).
    def equal(  # noqa: C901
        self, expected: Any, actual: Any, trie: IgnoreTree | None, depth: int
    ) -> bool:
        if depth > MAX_DEPTH:
            raise RecursionError
        kind = type(expected)
        if kind is str:  # the common leaf first
            return type(actual) is str and expected == actual
        if kind is dict:
            if type(actual) is not dict:
                return False
            for key, value in expected.items():
                below = ignore_below(trie, key) if trie else None
                if below is IGNORED:
                    continue
                if key not in actual:
                    if value is None:  # null and absent say the same in this schema
                        continue
                    return False
                got = actual[key]
                leaf = type(value)
                if leaf is str or leaf is int or leaf is bool or value is None:
                    # Most leaves are settled here without a call: only an int
                    # against a float (the same JSON number) needs a closer look.
                    if type(got) is not leaf or value != got:
                        if leaf is not int or not self.equal(value, got, below, depth + 1):
                            return False
                elif not self.equal(value, got, below, depth + 1):
                    return False
            if self.options.exact:
                for key, got in actual.items():
                    if (
                        key not in expected
                        and got is not None
                        and ignore_below(trie, key) is not IGNORED
                    ):
                        return False
            return True
        if kind is list:
            if type(actual) is not list or len(actual) != len(expected):
                return False
            if self.options.ignore_order:
                missing, unexpected = self._unordered(expected, actual, trie, depth)
                return not missing and not unexpected
            for index, want in enumerate(expected):
                below = ignore_below(trie, index) if trie else None
                if below is not IGNORED and not self.equal(want, actual[index], below, depth + 1):
                    return False
            return True
        if _is_matcher(expected):
            # A model is tried as a matcher first: it costs a matcher nothing extra.
            return _matcher_accepts(expected, actual) or (
                _is_model(expected)
                and self.equal(to_data(expected, what="expected response"), actual, trie, depth)
            )
        # NaN is never == NaN in Python; in a test, two NaNs at one place say
        # the same thing (a logprob or score that is not a number on both sides).
        return _same_kind(expected, actual) and (
            expected == actual or (kind is float and expected != expected and actual != actual)
        )

    # -- the full comparison: our own structure, DeepDiff for what is left

    def collect(
        self, expected: Any, actual: Any, path: tuple[Any, ...], trie: IgnoreTree | None, depth: int
    ) -> None:
        if depth > MAX_DEPTH:
            raise RecursionError
        if self.equal(expected, actual, trie, depth):
            return
        if _is_model(expected):  # a model inside a partial shape is the data it holds
            expected = to_data(expected, what="expected response")
        if _is_matcher(expected):
            self.found.append(Difference(path, "matcher failed", expected, actual))
            return
        if type(expected) is dict and type(actual) is dict:
            self._collect_dict(expected, actual, path, trie, depth)
            return
        if type(expected) is list and type(actual) is list:
            self._collect_list(expected, actual, path, trie, depth)
            return
        self.found.extend(deep_differences(expected, actual, path))

    def _collect_dict(
        self,
        expected: dict[str, Any],
        actual: dict[str, Any],
        path: tuple[Any, ...],
        trie: IgnoreTree | None,
        depth: int,
    ) -> None:
        leaves_expected: dict[str, Any] = {}
        leaves_actual: dict[str, Any] = {}
        for key, value in expected.items():
            below = ignore_below(trie, key)
            if below is IGNORED:
                continue
            if key not in actual:
                if value is not None:
                    self.found.append(Difference((*path, key), "missing", value, MISSING))
            elif isinstance(value, (dict, list)) or _is_matcher(value):
                self.collect(value, actual[key], (*path, key), below, depth + 1)
            elif not self.equal(value, actual[key], below, depth + 1):
                leaves_expected[key], leaves_actual[key] = value, actual[key]
        if self.options.exact:
            for key, value in actual.items():
                if (
                    key not in expected
                    and value is not None
                    and ignore_below(trie, key) is not IGNORED
                ):
                    self.found.append(Difference((*path, key), "unexpected", MISSING, value))
        if leaves_expected:
            # The JSON values that differ, in one DeepDiff call.
            self.found.extend(deep_differences(leaves_expected, leaves_actual, path))

    def _collect_list(
        self,
        expected: list[Any],
        actual: list[Any],
        path: tuple[Any, ...],
        trie: IgnoreTree | None,
        depth: int,
    ) -> None:
        if self.options.ignore_order:
            missing, unexpected = self._unordered(expected, actual, trie, depth)
            # A missing item has no place in the actual list: it is named by its value.
            self.found.extend(
                Difference(path, "missing item", expected[i], MISSING) for i in missing
            )
            self.found.extend(
                Difference((*path, i), "unexpected item", MISSING, actual[i]) for i in unexpected
            )
            return
        if len(expected) != len(actual):
            self.found.append(Difference(path, "length differs", len(expected), len(actual)))
        for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
            below = ignore_below(trie, index)
            if below is not IGNORED:
                self.collect(want, got, (*path, index), below, depth + 1)
        for index in range(len(actual), len(expected)):
            self.found.append(Difference((*path, index), "missing item", expected[index], MISSING))
        for index in range(len(expected), len(actual)):
            self.found.append(Difference((*path, index), "unexpected item", MISSING, actual[index]))

    def _unordered(
        self, expected: list[Any], actual: list[Any], trie: IgnoreTree | None, depth: int
    ) -> tuple[list[int], list[int]]:
        """(expected items unmatched, actual items unmatched) when order does not count."""
        below = ignore_below(trie, 0)  # patterns name items by [*] here
        if below is IGNORED:  # the items are left out: any one stands for any other
            return pair_unordered(expected, actual, lambda want, got: True)
        deeper, equal = depth + 1, self.equal
        return pair_unordered(expected, actual, lambda want, got: equal(want, got, below, deeper))
