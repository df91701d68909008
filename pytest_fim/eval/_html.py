"""The HTML report of an evaluation run (a placeholder: the full page is built elsewhere)."""

from __future__ import annotations

import html
import json
from typing import Any

__all__ = ["render_html"]


def render_html(report: dict[str, Any], items: list[dict[str, Any]]) -> str:
    """A self-contained HTML page of ``report`` (the JSON report) and ``items`` (its records)."""
    body = html.escape(json.dumps(report["totals"], indent=2))
    failing = sum(1 for item in items if item.get("outcome") in ("failed", "error"))
    return (
        "<!doctype html>\n<html><head><meta charset='utf-8'><title>pytest-fim eval</title>"
        f"</head><body><h1>pytest-fim eval</h1><pre>{body}</pre>"
        f"<p>{failing} failing of {len(items)} items</p></body></html>\n"
    )
