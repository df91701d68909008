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
    from pytest_fim.factory import FIMResponseFactory, estimate_tokens, make_fim_response
    from pytest_fim.match import assert_fim_response_matches, fim_diff
    from pytest_fim.mock import FIMMock, RejectedRequest, Reply
    from pytest_fim.models import (
        AssistantMessage,
        ChatCompletionChoice,
        CompletionChunk,
        CompletionEvent,
        CompletionResponseStreamChoice,
        ContentChunk,
        DeltaMessage,
        FIMCompletionRequest,
        FIMCompletionResponse,
        FunctionCall,
        ToolCall,
        UsageInfo,
    )
    from pytest_fim.problems import FIMAssertionError, Problem
    from pytest_fim.quality import (
        FillProblem,
        FIMQualityNote,
        assert_brackets,
        assert_fills_hole,
        assert_indentation,
        assert_matches_reference,
        assert_no_markdown,
        assert_no_prefix_echo,
        assert_no_repetition,
        assert_no_special_tokens,
        assert_no_suffix_echo,
        assert_passes_tests,
        assert_scope,
        assert_syntax,
        edit_similarity,
        fill_problems,
    )
    from pytest_fim.snapshot import FIMSnapshot
    from pytest_fim.stream import (
        FIMStreamFactory,
        assemble_fim_stream,
        assert_valid_fim_stream,
        make_fim_stream,
        parse_fim_sse,
        validate_fim_stream,
    )
    from pytest_fim.validate import assert_valid_fim_response, validate_fim_response

#: Where each public name lives; read on first access.
_EXPORTS: dict[str, str] = {
    "AssistantMessage": "pytest_fim.models",
    "ChatCompletionChoice": "pytest_fim.models",
    "ContentChunk": "pytest_fim.models",
    "FIMCompletionResponse": "pytest_fim.models",
    "FunctionCall": "pytest_fim.models",
    "ToolCall": "pytest_fim.models",
    "UsageInfo": "pytest_fim.models",
    "FIMAssertionError": "pytest_fim.problems",
    "Problem": "pytest_fim.problems",
    "assert_valid_fim_response": "pytest_fim.validate",
    "validate_fim_response": "pytest_fim.validate",
    "make_fim_response": "pytest_fim.factory",
    "estimate_tokens": "pytest_fim.factory",
    "FIMResponseFactory": "pytest_fim.factory",
    "CompletionChunk": "pytest_fim.models",
    "CompletionEvent": "pytest_fim.models",
    "CompletionResponseStreamChoice": "pytest_fim.models",
    "DeltaMessage": "pytest_fim.models",
    "parse_fim_sse": "pytest_fim.stream",
    "assemble_fim_stream": "pytest_fim.stream",
    "assert_valid_fim_stream": "pytest_fim.stream",
    "validate_fim_stream": "pytest_fim.stream",
    "make_fim_stream": "pytest_fim.stream",
    "FIMStreamFactory": "pytest_fim.stream",
    "assert_fim_response_matches": "pytest_fim.match",
    "fim_diff": "pytest_fim.match",
    "FIMCompletionRequest": "pytest_fim.models",
    "FIMMock": "pytest_fim.mock",
    "Reply": "pytest_fim.mock",
    "RejectedRequest": "pytest_fim.mock",
    "FIMQualityNote": "pytest_fim.quality",
    "FillProblem": "pytest_fim.quality",
    "assert_brackets": "pytest_fim.quality",
    "assert_fills_hole": "pytest_fim.quality",
    "assert_indentation": "pytest_fim.quality",
    "assert_matches_reference": "pytest_fim.quality",
    "assert_no_markdown": "pytest_fim.quality",
    "assert_no_prefix_echo": "pytest_fim.quality",
    "assert_no_repetition": "pytest_fim.quality",
    "assert_no_special_tokens": "pytest_fim.quality",
    "assert_no_suffix_echo": "pytest_fim.quality",
    "assert_passes_tests": "pytest_fim.quality",
    "assert_scope": "pytest_fim.quality",
    "assert_syntax": "pytest_fim.quality",
    "edit_similarity": "pytest_fim.quality",
    "fill_problems": "pytest_fim.quality",
    "FIMSnapshot": "pytest_fim.snapshot",
}

__all__ = [  # noqa: RUF022 - kept in the order of _EXPORTS
    "__version__",
    "AssistantMessage",
    "ChatCompletionChoice",
    "ContentChunk",
    "FIMCompletionResponse",
    "FunctionCall",
    "ToolCall",
    "UsageInfo",
    "FIMAssertionError",
    "Problem",
    "assert_valid_fim_response",
    "validate_fim_response",
    "make_fim_response",
    "estimate_tokens",
    "FIMResponseFactory",
    "CompletionChunk",
    "CompletionEvent",
    "CompletionResponseStreamChoice",
    "DeltaMessage",
    "parse_fim_sse",
    "assemble_fim_stream",
    "assert_valid_fim_stream",
    "validate_fim_stream",
    "make_fim_stream",
    "FIMStreamFactory",
    "assert_fim_response_matches",
    "fim_diff",
    "FIMCompletionRequest",
    "FIMMock",
    "Reply",
    "RejectedRequest",
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
    "FIMSnapshot",
]


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
