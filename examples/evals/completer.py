"""The completion code under evaluation: ask Codestral to fill a hole, over plain HTTP."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

FIM_URL = "https://api.mistral.ai/v1/fim/completions"


def fill(prompt: str, suffix: str, *, api_key: str, model: str = "codestral-latest") -> Any:
    """POST a FIM request for the hole between ``prompt`` and ``suffix``; the parsed response."""
    body = {"model": model, "prompt": prompt, "suffix": suffix, "temperature": 0.0}
    request = urllib.request.Request(
        FIM_URL,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())
