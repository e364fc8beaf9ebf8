"""A scripted model server on 127.0.0.1 for tests of the real OpenAI / Anthropic SDKs.

It speaks `POST /v1/chat/completions` and `POST /v1/messages` and answers each request with
the next scripted `Reply` for that path (status, JSON, headers, delay), recording every
request so tests can check what the SDK sent and count HTTP requests. The SDKs use httpx2,
which respx cannot intercept, so tests talk real HTTP to this server.

    with FakeServer.running() as server:
        server.script(CHAT, Reply(json=oai_completion("hi")))
        ... OpenAIAgent(config with base_url=server.openai_url) ...
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CHAT = "/v1/chat/completions"
MESSAGES = "/v1/messages"
MODELS = "/v1/models"


@dataclass
class Reply:
    """One scripted answer. `text` (raw body) wins over `json` when set."""

    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    text: str | None = None


@dataclass
class Recorded:
    path: str
    body: Any
    headers: dict[str, str]


class FakeServer:
    """Scripted replies per path; every request is recorded in `requests`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self.requests: list[Recorded] = []
        self.unscripted = 0  # requests that found the script empty (a test bug)
        self.port = 0
        # GET /v1/models (the endpoint check before a run): alive and accepting by default
        self.models_reply = Reply(json={"object": "list", "data": []})
        self.app = Starlette(
            routes=[
                Route(CHAT, self._handle, methods=["POST"]),
                Route(MESSAGES, self._handle, methods=["POST"]),
                Route(MODELS, self._models, methods=["GET"]),
            ]
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        return f"{self.base_url}/v1"

    @property
    def anthropic_url(self) -> str:
        return self.base_url  # the Anthropic SDK appends /v1 itself

    def script(self, path: str, *replies: Reply) -> None:
        """Queue replies for `path`, answered in order."""
        with self._lock:
            self._scripts[path].extend(replies)

    def clear(self) -> None:
        """Drop every queued reply and reset the unscripted count (between tests)."""
        with self._lock:
            self._scripts.clear()
            self.unscripted = 0

    def count(self, path: str | None = None) -> int:
        """How many requests arrived (for `path`, or in total)."""
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path == path)

    def bodies(self, path: str) -> list[Any]:
        with self._lock:
            return [r.body for r in self.requests if r.path == path]

    def pending(self, path: str) -> int:
        with self._lock:
            return len(self._scripts[path])

    async def _models(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(Recorded(MODELS, None, dict(request.headers)))
        reply = self.models_reply
        return JSONResponse(reply.json, status_code=reply.status, headers=reply.headers)

    async def _handle(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path = request.url.path
        with self._lock:
            self.requests.append(Recorded(path, body, dict(request.headers)))
            queue = self._scripts[path]
            reply = queue.popleft() if queue else None
            if reply is None:
                self.unscripted += 1
        if reply is None:
            error = {"error": {"type": "test_error", "message": f"no scripted reply for {path}"}}
            return JSONResponse(error, status_code=418, headers={"x-should-retry": "false"})
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.text is not None:
            return Response(reply.text, status_code=reply.status, headers=reply.headers)
        return JSONResponse(reply.json, status_code=reply.status, headers=reply.headers)

    @classmethod
    @contextlib.contextmanager
    def running(cls) -> Iterator[FakeServer]:
        """Start on a free port in a background thread; stop on exit."""
        server = cls()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        server.port = sock.getsockname()[1]
        config = uvicorn.Config(
            server.app,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        uv = uvicorn.Server(config)
        thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not uv.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("fake model server did not start")
            time.sleep(0.01)
        try:
            yield server
        finally:
            uv.should_exit = True
            thread.join(timeout=5)
            sock.close()


# ---- response builders -------------------------------------------------------------------


def oai_call(
    name: str, arguments: str | dict[str, Any], call_id: str | None = None
) -> dict[str, Any]:
    """One Chat Completions tool call (`arguments` as sent: a JSON string, maybe invalid)."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    call: dict[str, Any] = {"type": "function", "function": {"name": name, "arguments": args}}
    if call_id is not None:
        call["id"] = call_id
    return call


def oai_completion(
    content: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    *,
    finish_reason: str | None = None,
    usage: tuple[int, int, int] = (100, 20, 0),
    refusal: str | None = None,
    model: str = "gpt-4.1-mini",
) -> dict[str, Any]:
    """A Chat Completions response; usage is (prompt, completion, cached prompt) tokens."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    if refusal is not None:
        message["refusal"] = refusal
    reason = finish_reason or ("tool_calls" if tool_calls else "stop")
    prompt, completion, cached = usage
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1700000000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reason}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached},
        },
    }


def anth_text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def anth_tool_use(name: str, tool_input: Any, tool_id: str) -> dict[str, Any]:
    return {"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}


def anth_message(
    *blocks: dict[str, Any],
    stop_reason: str | None = None,
    usage: tuple[int, int, int, int] = (100, 20, 0, 0),
    model: str = "claude-sonnet-4-5",
) -> dict[str, Any]:
    """A Messages response; usage is (input, output, cache read, cache creation) tokens."""
    has_tool = any(b.get("type") == "tool_use" for b in blocks)
    inp, out, read, created = usage
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": list(blocks),
        "stop_reason": stop_reason or ("tool_use" if has_tool else "end_turn"),
        "stop_sequence": None,
        "usage": {
            "input_tokens": inp,
            "output_tokens": out,
            "cache_read_input_tokens": read,
            "cache_creation_input_tokens": created,
        },
    }
