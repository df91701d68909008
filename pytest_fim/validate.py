"""Validate a FIM completion response: every problem at once, path first.

Two profiles: *lenient*, the documented schema, and *strict*, what the live
API sends today (``strict=None`` takes the suite's ``fim_strict`` default).
The rules themselves live in :mod:`pytest_fim._response_checks`.
"""

from __future__ import annotations

from pytest_fim._response_checks import check_response, resolve_strict, summary_line
from pytest_fim.models import FIMCompletionResponse
from pytest_fim.problems import FIMAssertionError, Problem

__all__ = ["assert_valid_fim_response", "validate_fim_response"]


def validate_fim_response(response: object, *, strict: bool | None = None) -> list[Problem]:
    """List every problem of a FIM completion response; [] when it is valid.

    ``response`` is any input kind of :mod:`pytest_fim.inputs`. ``strict``
    picks the profile (None: the suite's ``fim_strict`` default). Raises
    ``TypeError`` for an unsupported input type; text that is not JSON, an
    HTTP error response, the API's error body and an OpenAI-style text
    completion are reported as problems saying what they are, not raised.

    >>> validate_fim_response({"id": "x", "object": "chat.completion",
    ...                        "model": "codestral-latest", "usage": {}})
    []
    """
    try:
        _, problems = check_response(response, strict=strict)
    except FIMAssertionError as exc:
        return exc.problems
    return problems


def assert_valid_fim_response(
    response: object, *, strict: bool | None = None
) -> FIMCompletionResponse:
    """Assert that ``response`` is a valid FIM completion response; return it parsed.

    ``response`` is any input kind of :mod:`pytest_fim.inputs`; ``strict``
    picks the profile (None: the suite default). Raises
    :class:`~pytest_fim.FIMAssertionError` listing every problem, one per
    line as ``path: what is wrong``, and ``TypeError`` for an unsupported
    input type.

    >>> r = assert_valid_fim_response({"id": "x", "object": "chat.completion",
    ...     "model": "codestral-latest", "usage": {"prompt_tokens": 1,
    ...     "completion_tokens": 2, "total_tokens": 3}})
    >>> r.model
    'codestral-latest'
    """
    __tracebackhide__ = True  # pytest shows the user's line, not ours
    use_strict = resolve_strict(strict)
    model, problems = check_response(response, strict=use_strict)
    if problems or model is None:
        raise FIMAssertionError(summary_line(len(problems), use_strict), problems)
    return model
