"""A small completion service on the Mistral SDK, the kind users test with fim_mock."""

from __future__ import annotations

try:  # Mistral SDK 2.x/3.x
    from mistralai.client import Mistral
except ImportError:  # SDK 1.x
    from mistralai import Mistral  # type: ignore[attr-defined,no-redef]


def complete_at_cursor(
    source: str, cursor: int, *, api_key: str, model: str = "codestral-latest"
) -> str:
    """Ask Codestral to fill the hole at ``cursor`` in ``source``; return the text to insert.

    The completion stops at the first blank line (an editor inserts one
    block at a time) and loses trailing whitespace.
    """
    client = Mistral(api_key=api_key)
    response = client.fim.complete(
        model=model, prompt=source[:cursor], suffix=source[cursor:], temperature=0.0, max_tokens=256
    )
    message = response.choices[0].message if response.choices else None
    text = message.content if message is not None and isinstance(message.content, str) else ""
    block = text.split("\n\n", 1)[0]
    return block.rstrip()
