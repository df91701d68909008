"""A small stand-in for the FIM API on 127.0.0.1: a real socket, JSON and SSE answers, errors.

The cassette tests record from it through the SDK's ``server_url=``. Its
answers follow from the request (the same request gets the same answer),
and carry the volatile headers the live API sends (a date, a request id, a
cookie) so the tests can show a cassette keeps none of them. Prompts ask for
special answers:

- ``STATUS 429`` / ``STATUS 500``: that error status with the API's error body;
- ``INVALID``: a response without ``usage`` (not valid);
- ``ECHO KEY``: the completion holds the request's ``Authorization`` value.

It answers ``POST /v1/fim/completions`` and, as Vertex AI serves Codestral,
``.../publishers/mistralai/models/MODEL:rawPredict`` (``:streamRawPredict``),
taking the model from the path.

``drift`` changes every answer the way an API change would: ``"added"`` (a new
top-level field), ``"removed"`` (no ``created``), ``"retyped"`` (``created``
as a string).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FIMServer"]


class FIMServer:
    """The stand-in, serving on a free loopback port until :meth:`close`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.gets: list[str] = []
        self.drift: str | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``: what a client takes as ``server_url``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def answer(self, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """The response the API would give ``body`` (made up, but the same every time)."""
        prompt = str(body.get("prompt", ""))
        asked = [body.get(name) for name in ("model", "prompt", "suffix", "stream")]
        digest = hashlib.md5(json.dumps(asked).encode()).hexdigest()
        content = f"    # {len(prompt)} characters before\n    return a + b\n"
        if "ECHO KEY" in prompt:
            content = f"    key = {headers.get('authorization', '')!r}\n"
        response: dict[str, Any] = {
            "id": digest,
            "object": "chat.completion",
            "model": body.get("model", "codestral-latest"),
            "usage": {"prompt_tokens": 7, "completion_tokens": 9, "total_tokens": 16},
            "created": 1_700_000_000,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "tool_calls": None},
                    "finish_reason": "stop",
                }
            ],
        }
        if "INVALID" in prompt:
            del response["usage"]
        if self.drift == "added":
            response["service_tier"] = "standard"
        elif self.drift == "removed":
            del response["created"]
        elif self.drift == "retyped":
            response["created"] = "2023-11-14T22:13:20Z"
        return response


def _chunks(response: dict[str, Any]) -> list[dict[str, Any]]:
    """The response as stream chunks: the text in three pieces, usage on the last."""
    content = response["choices"][0]["message"]["content"]
    third = max(1, len(content) // 3)
    pieces = [content[:third], content[third : 2 * third], content[2 * third :]]
    chunks = []
    for number, piece in enumerate(pieces):
        delta: dict[str, Any] = {"content": piece}
        if number == 0:
            delta = {"role": "assistant", **delta}
        last = number == len(pieces) - 1
        chunk: dict[str, Any] = {
            "id": response["id"],
            "object": "chat.completion.chunk",
            "created": response.get("created", 0),
            "model": response["model"],
            "choices": [{"index": 0, "delta": delta, "finish_reason": "stop" if last else None}],
        }
        if last and "usage" in response:
            chunk["usage"] = response["usage"]
        for extra in ("service_tier",):
            if extra in response:
                chunk[extra] = response[extra]
        chunks.append(chunk)
    return chunks


def _asked_status(prompt: str) -> int | None:
    return next((status for status in (429, 500) if f"STATUS {status}" in prompt), None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on,
    # a kept-alive client waits out the delayed ACK (40 ms) on every request.
    disable_nagle_algorithm = True

    @property
    def fim(self) -> FIMServer:
        """The stand-in this request came to."""
        owner: FIMServer = self.server.owner  # type: ignore[attr-defined]
        return owner

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the test output is the user's

    def _head(self, status: int, content_type: str, extra: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("x-request-id", uuid.uuid4().hex)
        self.send_header("Set-Cookie", f"session={uuid.uuid4().hex}; Path=/")
        for name, value in extra.items():
            self.send_header(name, value)

    def _json(self, status: int, data: Any, extra: dict[str, str] | None = None) -> None:
        raw = json.dumps(data).encode()
        self._head(status, "application/json", {"Content-Length": str(len(raw)), **(extra or {})})
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        self.fim.gets.append(self.path)
        self._json(200, {"ok": True})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.fim.headers.append(headers)
        path = self.path.split("?")[0]
        # Vertex AI serves Codestral at .../publishers/mistralai/models/MODEL:rawPredict.
        vertex = re.search(
            r"/publishers/mistralai/models/([^/:]+):(rawPredict|streamRawPredict)$", path
        )
        if not path.endswith("/v1/fim/completions") and vertex is None:
            self._json(404, {"detail": "Not Found"})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._json(422, {"object": "error", "message": "JSON decode error"})
            return
        if vertex is not None:
            body = {**body, "model": vertex.group(1)}
        self.fim.requests.append(body)
        status = _asked_status(str(body.get("prompt", "")))
        if status is not None:
            error = {"object": "error", "message": f"status {status}", "type": "x"}
            self._json(status, error, {"Retry-After": "0"} if status == 429 else None)
            return
        response = self.fim.answer(body, headers)
        if body.get("stream"):
            self._stream(response)
        else:
            self._json(200, response)

    def _stream(self, response: dict[str, Any]) -> None:
        # Chunked transfer, one event a chunk, flushed: as the live API streams.
        self._head(200, "text/event-stream", {"Transfer-Encoding": "chunked"})
        self.end_headers()
        events = [json.dumps(chunk) for chunk in _chunks(response)] + ["[DONE]"]
        for event in events:
            data = f"data: {event}\n\n".encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
