"""pytest-fim: test code built on Mistral's fill-in-the-middle completion API.

The public names are resolved lazily: pytest imports this package before
its plugin module, and a suite that never uses pytest-fim must not pay for
importing pydantic and deepdiff at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    # For type checkers only (``X as X`` marks an explicit re-export); tests/test_exports.py
    # checks that these are exactly the names of _EXPORTS_BY_MODULE.
    from pytest_fim.factory import FIMResponseFactory as FIMResponseFactory
    from pytest_fim.factory import FIMStreamFactory as FIMStreamFactory
    from pytest_fim.factory import estimate_tokens as estimate_tokens
    from pytest_fim.factory import make_fim_response as make_fim_response
    from pytest_fim.factory import make_fim_stream as make_fim_stream
    from pytest_fim.match import assert_fim_response_matches as assert_fim_response_matches
    from pytest_fim.match import fim_diff as fim_diff
    from pytest_fim.mock import FIMMock as FIMMock
    from pytest_fim.mock import RejectedRequest as RejectedRequest
    from pytest_fim.mock import Reply as Reply
    from pytest_fim.models import AssistantMessage as AssistantMessage
    from pytest_fim.models import ChatCompletionChoice as ChatCompletionChoice
    from pytest_fim.models import CompletionChunk as CompletionChunk
    from pytest_fim.models import CompletionEvent as CompletionEvent
    from pytest_fim.models import CompletionResponseStreamChoice as CompletionResponseStreamChoice
    from pytest_fim.models import ContentChunk as ContentChunk
    from pytest_fim.models import DeltaMessage as DeltaMessage
    from pytest_fim.models import FIMCompletionRequest as FIMCompletionRequest
    from pytest_fim.models import FIMCompletionResponse as FIMCompletionResponse
    from pytest_fim.models import FunctionCall as FunctionCall
    from pytest_fim.models import ToolCall as ToolCall
    from pytest_fim.models import UsageInfo as UsageInfo
    from pytest_fim.problems import FIMAssertionError as FIMAssertionError
    from pytest_fim.problems import Problem as Problem
    from pytest_fim.quality import FillProblem as FillProblem
    from pytest_fim.quality import FIMQualityNote as FIMQualityNote
    from pytest_fim.quality import assert_brackets as assert_brackets
    from pytest_fim.quality import assert_fills_hole as assert_fills_hole
    from pytest_fim.quality import assert_indentation as assert_indentation
    from pytest_fim.quality import assert_matches_reference as assert_matches_reference
    from pytest_fim.quality import assert_no_markdown as assert_no_markdown
    from pytest_fim.quality import assert_no_prefix_echo as assert_no_prefix_echo
    from pytest_fim.quality import assert_no_repetition as assert_no_repetition
    from pytest_fim.quality import assert_no_special_tokens as assert_no_special_tokens
    from pytest_fim.quality import assert_no_suffix_echo as assert_no_suffix_echo
    from pytest_fim.quality import assert_passes_tests as assert_passes_tests
    from pytest_fim.quality import assert_scope as assert_scope
    from pytest_fim.quality import assert_syntax as assert_syntax
    from pytest_fim.quality import edit_similarity as edit_similarity
    from pytest_fim.quality import fill_problems as fill_problems
    from pytest_fim.snapshot import FIMSnapshot as FIMSnapshot
    from pytest_fim.stream import assemble_fim_stream as assemble_fim_stream
    from pytest_fim.stream import assert_valid_fim_stream as assert_valid_fim_stream
    from pytest_fim.stream import parse_fim_sse as parse_fim_sse
    from pytest_fim.stream import validate_fim_stream as validate_fim_stream
    from pytest_fim.validate import assert_valid_fim_response as assert_valid_fim_response
    from pytest_fim.validate import validate_fim_response as validate_fim_response

#: The public names, by the module that defines each: the one list. ``__all__`` and
#: the lazy lookup below are made from it.
_EXPORTS_BY_MODULE: dict[str, tuple[str, ...]] = {
    "pytest_fim.models": (
        "AssistantMessage",
        "ChatCompletionChoice",
        "ContentChunk",
        "FIMCompletionResponse",
        "FunctionCall",
        "ToolCall",
        "UsageInfo",
        "CompletionChunk",
        "CompletionEvent",
        "CompletionResponseStreamChoice",
        "DeltaMessage",
        "FIMCompletionRequest",
    ),
    "pytest_fim.problems": (
        "FIMAssertionError",
        "Problem",
    ),
    "pytest_fim.validate": (
        "assert_valid_fim_response",
        "validate_fim_response",
    ),
    "pytest_fim.factory": (
        "make_fim_response",
        "estimate_tokens",
        "FIMResponseFactory",
        "make_fim_stream",
        "FIMStreamFactory",
    ),
    "pytest_fim.stream": (
        "parse_fim_sse",
        "assemble_fim_stream",
        "assert_valid_fim_stream",
        "validate_fim_stream",
    ),
    "pytest_fim.match": (
        "assert_fim_response_matches",
        "fim_diff",
    ),
    "pytest_fim.mock": (
        "FIMMock",
        "Reply",
        "RejectedRequest",
    ),
    "pytest_fim.quality": (
        "FIMQualityNote",
        "FillProblem",
        "assert_brackets",
        "assert_fills_hole",
        "assert_indentation",
        "assert_matches_reference",
        "assert_no_markdown",
        "assert_no_prefix_echo",
        "assert_no_repetition",
        "assert_no_special_tokens",
        "assert_no_suffix_echo",
        "assert_passes_tests",
        "assert_scope",
        "assert_syntax",
        "edit_similarity",
        "fill_problems",
    ),
    "pytest_fim.snapshot": ("FIMSnapshot",),
}
#: Where each public name lives; read on first access.
_EXPORTS: dict[str, str] = {
    name: module for module, names in _EXPORTS_BY_MODULE.items() for name in names
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    """Resolve a public name from the module that defines it, as loaded now.

    Nothing is cached here: pytester's in-process runs drop the modules first
    imported inside them from ``sys.modules``, and a name kept from such a run
    would be a second copy of a class (a ``FIMAssertionError`` that
    ``pytest.raises`` does not catch, models of "different types"). Looking
    the module up in ``sys.modules`` each time costs a few microseconds
    (``import_module`` also waits for a module another thread is importing).
    """
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_fim' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
