"""The session on a socket: what a plugin agent in another process plays through.

A `module:Class` agent runs in a child process (`ticketbench.agents.isolation`) that holds
nothing but a `SessionProxy`. The proxy implements the public `protocol.Session` over a
stream socket to the harness, where `serve_session` answers it from the real session. The
wire carries exactly the session API and nothing else:

    child -> harness                               harness -> child
    {"op": "call", "name": N, "args": A}           {"result": ToolResult, "done": bool}
    {"op": "say", "text": T}                       {"reply": str | null, "done": bool}
    {"op": "usage", ...Usage fields}               (no answer)
    {"op": "fault", "kind": K, "detail": D}        (no answer)
    {"op": "wait", "on": bool}                     (no answer: protocol.api_wait() entered / left)
    {"op": "end"} | {"op": "raise", ...}           (the episode is over)

First the child sends `{"op": "pid"}`, then the harness sends the episode's start frame
(tools, policy, opening). One JSON object per line (`ensure_ascii`, so lone surrogates
survive); a frame is at most `MAX_FRAME` bytes. Requests are answered in order, one at a
time, as the in-process session runs them.

Why not MCP: the `mcp` 2.3 SDK's client/server round trip over stdio measured ~1.5 ms per
tool call at p50 (10-16 ms p99) on the CI machine, three times the 0.5 ms budget for a
proxied call; this framing costs ~0.1 ms (see README, Benchmarks). MCP stays the wire for
agents that are not Python (`ticketbench serve`).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ticketbench.env.jsonsafe import preview
from ticketbench.env.toolkit import ToolError, ToolResult, ToolSpec
from ticketbench.protocol import AgentError, InfraError, Session, SessionFacts, Usage

__all__ = [
    "MAX_FRAME",
    "PluginFailure",
    "SessionProxy",
    "WireError",
    "encode",
    "read_frame",
    "remote_error",
    "serve_session",
]

MAX_FRAME = 32 * 1024 * 1024  # bytes in one frame (a 100,000-character argument fits easily)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,79}")


class WireError(Exception):
    """The other side broke the protocol or went away."""


class PluginFailure(Exception):
    """Base of the exceptions rebuilt from a plugin's: `remote_error` names a subclass after
    the type the agent raised, so the record says `ValueError: ...` as in process."""


def encode(frame: Mapping[str, Any]) -> bytes:
    """One frame as a line."""
    return json.dumps(frame, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"


async def read_frame(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next frame, or None at the end of the stream."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as err:
        if err.partial:
            raise WireError("the stream ended inside a frame") from None
        return None
    except asyncio.LimitOverrunError:
        raise WireError(f"a frame is longer than {MAX_FRAME:,} bytes") from None
    except (ConnectionError, OSError):
        return None
    try:
        frame = json.loads(line)
    except (ValueError, RecursionError) as err:
        raise WireError(f"a frame is not JSON: {err}") from None
    if not isinstance(frame, dict):
        raise WireError("a frame is not a JSON object")
    return frame


def _sendable(value: object) -> tuple[str, Any]:
    """("v", value) when it travels as JSON, else ("opaque", [type name, preview])."""
    try:
        json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError, RecursionError):
        return "opaque", [type(value).__name__, preview(value)]
    return "v", value


_OPAQUE: dict[str, type] = {}


def _opaque(type_name: str, shown: str) -> object:
    """A stand-in for a value the child could not encode: the session sees its type's name
    and its preview (what it reports about such a value in process)."""
    name = type_name if _IDENT.fullmatch(type_name) else "object"
    cls = _OPAQUE.get(name)
    if cls is None:
        cls = _OPAQUE[name] = type(name, (), {"__slots__": ("shown",), "__repr__": _shown})
    obj = cls()
    obj.shown = shown
    return obj


def _shown(self: Any) -> str:
    return str(self.shown)


# --- the harness's side -------------------------------------------------------------------


def _result_frame(res: ToolResult, done: bool) -> bytes:
    err = res.error
    result = {
        "ok": res.ok,
        "content": res.content,
        "data": res.data,
        "error": None if err is None else {"code": err.code, "message": err.message},
    }
    try:
        return encode({"result": result, "done": done})
    except (TypeError, ValueError):  # data a tool should not return: say so, in the result
        result["data"] = json.loads(preview(res.data, limit=10**9))
        return encode({"result": result, "done": done})


async def serve_session(
    session: Session,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    api_wait: Callable[[], AbstractContextManager[None]],
) -> None:
    """Answer one episode's requests from `session` until the child ends the episode.

    Returns when the agent returned; raises what the agent raised (`remote_error`), or
    `WireError` if the child broke the protocol or went away. `api_wait` is entered and
    left as the child enters and leaves `protocol.api_wait()`."""
    start = {
        "tools": [t.model_dump() for t in session.tools],
        "policy": session.policy,
        "opening": session.opening,
        "done": session.done,
    }
    writer.write(encode(start))
    waits: list[AbstractContextManager[None]] = []
    try:
        while True:
            frame = await read_frame(reader)
            if frame is None:
                raise WireError("the agent's process ended in the middle of the episode")
            op = frame.get("op")
            if op == "call":
                name = _arg(frame, "name")
                args = _arg(frame, "args")
                res = await session.call(name, args)
                writer.write(_result_frame(res, session.done))
            elif op == "say":
                text = frame.get("text")
                reply = await session.say(text if isinstance(text, str) else preview(text))
                writer.write(encode({"reply": reply, "done": session.done}))
            elif op == "usage":
                session.record_usage(_usage(frame))
            elif op == "fault":
                sink = getattr(session, "record_fault", None)
                if sink is not None:
                    sink(str(frame.get("kind", "")), str(frame.get("detail", "")))
            elif op == "wait":
                if frame.get("on"):
                    cm = api_wait()
                    cm.__enter__()
                    waits.append(cm)
                elif waits:
                    waits.pop().__exit__(None, None, None)
            elif op == "end":
                return
            elif op == "raise":
                raise remote_error(frame)
            else:
                raise WireError(f"unknown request {preview(op, 60)}")
    finally:
        while waits:
            waits.pop().__exit__(None, None, None)


def _arg(frame: Mapping[str, Any], key: str) -> Any:
    """A call's name or arguments as the child's agent passed them."""
    opaque = frame.get(f"{key}_opaque")
    if isinstance(opaque, list) and len(opaque) == 2:
        return _opaque(str(opaque[0]), str(opaque[1]))
    return frame.get(key)


def _usage(frame: Mapping[str, Any]) -> Usage:
    fields = {k: frame[k] for k in Usage.model_fields if k in frame}
    try:
        return Usage(**fields)
    except ValueError as err:
        raise WireError(f"a usage report is malformed: {err}") from None


_RAISED: dict[str, type[PluginFailure]] = {}


def remote_error(frame: Mapping[str, Any]) -> BaseException:
    """The exception the child's agent raised, rebuilt so that the runner treats it as in
    process: `InfraError` (retried), `AgentError`, `CancelledError`, else a `PluginFailure`
    subclass with the same type name and message."""
    kind = str(frame.get("type", "Exception"))
    message = str(frame.get("message", ""))
    if kind == "InfraError":
        retry = frame.get("retry_after")
        return InfraError(
            str(frame.get("kind", "other")),
            str(frame.get("detail", message)),
            float(retry) if isinstance(retry, int | float) else None,
        )
    if kind == "AgentError":
        return AgentError(message)
    if kind == "CancelledError":
        return asyncio.CancelledError(message)
    name = kind if _IDENT.fullmatch(kind) else "PluginFailure"
    cls = _RAISED.get(name)
    if cls is None:
        cls = _RAISED[name] = type(name, (PluginFailure,), {"__module__": "plugin"})
    return cls(message)


def raised_frame(err: BaseException) -> dict[str, Any]:
    """What the child sends when its agent raised `err`."""
    frame: dict[str, Any] = {"op": "raise", "type": type(err).__name__, "message": str(err)}
    if isinstance(err, InfraError):
        frame.update(
            type="InfraError", kind=err.kind, detail=err.message, retry_after=err.retry_after
        )
    elif isinstance(err, AgentError):
        frame["type"] = "AgentError"
    elif isinstance(err, asyncio.CancelledError):
        frame["type"] = "CancelledError"
    return frame


# --- the plugin's side --------------------------------------------------------------------


class SessionProxy(SessionFacts):
    """`protocol.Session` over the wire: all a plugin's process holds of its episode."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, start: Mapping[str, Any]
    ) -> None:
        super().__init__(
            [ToolSpec.model_validate(t) for t in start.get("tools", [])],
            str(start.get("policy", "")),
            str(start.get("opening", "")),
        )
        self._reader = reader
        self._writer = writer
        self._done = bool(start.get("done", False))
        self._lock = asyncio.Lock()

    @property
    def done(self) -> bool:
        """True once the episode is over (as of the last answer: only calls end it)."""
        return self._done

    async def _ask(self, frame: dict[str, Any]) -> dict[str, Any]:
        async with self._lock:  # one request at a time, as the session runs them
            self._writer.write(encode(frame))
            reply = await read_frame(self._reader)
        if reply is None:
            raise WireError("the harness closed the episode")
        self._done = bool(reply.get("done"))
        return reply

    async def call(self, name: str, args: Mapping[str, Any] | str | None) -> ToolResult:
        """Run a tool. `args` may be a raw JSON string; invalid JSON is an error result."""
        frame: dict[str, Any] = {"op": "call"}
        for key, value in (("name", name), ("args", args)):
            how, sent = _sendable(value)
            frame[key if how == "v" else f"{key}_opaque"] = sent
        res = (await self._ask(frame))["result"]
        err = res.get("error")
        return ToolResult.model_construct(
            ok=bool(res["ok"]),
            content=str(res["content"]),
            data=res.get("data"),
            error=None if err is None else ToolError.model_construct(**err),
        )

    async def say(self, text: str) -> str | None:
        """Send a message to the user; returns the reply, or None once the user has left."""
        sent = text if isinstance(text, str) else preview(text)
        reply = (await self._ask({"op": "say", "text": sent}))["reply"]
        return reply if isinstance(reply, str) else None

    def record_usage(self, usage: Usage) -> None:
        """Report tokens and cost of a model call made for this episode."""
        self._writer.write(encode({"op": "usage", **usage.model_dump()}))

    def record_fault(self, kind: str, detail: str) -> None:
        """Count an agent-side fault (see `EpisodeSession.record_fault`)."""
        self._writer.write(encode({"op": "fault", "kind": str(kind), "detail": str(detail)}))

    @contextmanager
    def api_wait(self) -> Iterator[None]:
        """The child's `protocol.api_wait()` hook: the harness's clock stops meanwhile."""
        self._writer.write(encode({"op": "wait", "on": True}))
        try:
            yield
        finally:
            self._writer.write(encode({"op": "wait", "on": False}))
