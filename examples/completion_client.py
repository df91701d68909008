"""A tiny completion client, the kind of code pytest-fim's users test.

An editor plugin asks Codestral to fill the hole at the cursor and must
decide what text to insert from the response it gets back.
"""

from __future__ import annotations

from typing import Any


def text_to_insert(response: Any) -> str:
    """Return the text to insert at the cursor for a FIM completion response.

    ``response`` is the parsed JSON (a dict) or any object with the same
    shape (pytest-fim's or the Mistral SDK's model). A completion cut off by
    the token limit (``finish_reason == "length"``) loses its unfinished last
    line; trailing blank lines are dropped; no choices means nothing to insert.
    """
    data = response if isinstance(response, dict) else response.model_dump()
    choices = data.get("choices") or []
    if not choices:
        return ""
    first = min(choices, key=lambda choice: choice["index"])
    content = (first.get("message") or {}).get("content") or ""
    if isinstance(content, list):
        content = "".join(chunk.get("text") or "" for chunk in content)
    if first.get("finish_reason") == "length" and "\n" in content:
        content = content[: content.rindex("\n") + 1]
    while content.endswith("\n\n"):
        content = content[:-1]
    return str(content)
