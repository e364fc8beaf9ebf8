"""`RemoteSession`: `protocol.Session` over an MCP client connected to an `EpisodeServer`.

Any in-process agent (`async def run(self, session)`) can play an episode served on the
wire through it, unchanged: tool calls and messages go over MCP, raw JSON argument strings
travel as they are (the server's session parses them, with its own error results), and
usage reported with `record_usage` rides on the next request's `_meta` (`finish` ends
the episode and sends what is left; usage reported after the episode ended is not
counted). Only what the wire serves is here: tools, policy, opening, results.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mcp import Client
from mcp_types import CallToolResult, TextContent, TextResourceContents

from ticketbench.env.toolkit import ToolError, ToolResult, ToolSpec, error_result
from ticketbench.protocol import SessionFacts, Usage
from ticketbench.wire.server import CONTROL_TOOLS, POLICY_URI, RAW_ARGUMENTS, USAGE
from ticketbench.wire.slot import NoEpisode

__all__ = ["RemoteSession"]


def _text(res: CallToolResult) -> str:
    return "".join(c.text for c in res.content if isinstance(c, TextContent))


class RemoteSession(SessionFacts):
    """One episode of an `EpisodeServer`, as an agent's session (join with `join`)."""

    def __init__(
        self, client: Client, tools: list[ToolSpec], policy: str, opening: str, episode: int
    ) -> None:
        super().__init__(tools, policy, opening)
        self._client = client
        self.episode = episode
        self._done = False
        self._usage: list[dict[str, Any]] = []

    @classmethod
    async def join(cls, client: Client) -> RemoteSession:
        """Join the episode the server is playing (waiting for one); `NoEpisode` if none
        will come."""
        listed = await client.list_tools()
        tools = [
            ToolSpec(name=t.name, description=t.description or "", parameters=t.input_schema)
            for t in listed.tools
            if t.name not in CONTROL_TOOLS
        ]
        read = await client.read_resource(POLICY_URI)
        policy = "".join(c.text for c in read.contents if isinstance(c, TextResourceContents))
        start = await client.call_tool("start_episode", {})
        info = start.structured_content or {}
        if start.is_error or not isinstance(info.get("opening"), str):
            raise NoEpisode(_text(start))
        return cls(client, tools, policy, info["opening"], int(info.get("episode") or 0))

    @property
    def done(self) -> bool:
        """True once the server said the episode is over."""
        return self._done

    async def call(self, name: str, args: Mapping[str, Any] | str | None) -> ToolResult:
        """Run a tool on the server; a raw JSON string is parsed there, as in-process."""
        if isinstance(args, Mapping):
            res = await self._call(str(name), dict(args), None)
        elif args is None:
            res = await self._call(str(name), {}, None)
        else:  # a string (or anything else) goes raw: the session judges it
            raw = args if isinstance(args, str) else json.dumps(args, default=str)
            res = await self._call(str(name), {}, raw)
        info = res.structured_content or {}
        self._done = self._done or bool(info.get("episode_over"))
        if "ok" not in info:  # refused before reaching a session (no episode, bad _meta)
            return error_result("episode_over" if self._done else "wire_error", _text(res))
        err = info.get("error")
        return ToolResult(
            ok=bool(info["ok"]),
            content=_text(res),
            data=info.get("data"),
            error=ToolError(**err) if isinstance(err, dict) else None,
        )

    async def say(self, text: str) -> str | None:
        """Send a message to the user; the reply, or None once the user has left."""
        res = await self._call("talk_to_user", {"message": str(text)}, None)
        info = res.structured_content or {}
        self._done = self._done or bool(info.get("episode_over"))
        reply = info.get("reply")
        return reply if isinstance(reply, str) and not res.is_error else None

    def record_usage(self, usage: Usage) -> None:
        """Report a model call's tokens and cost: sent with the next request."""
        self._usage.append(usage.model_dump(mode="json"))

    async def finish(self) -> None:
        """End the episode if it is still on (handing over usage not yet sent)."""
        if not self._done:
            await self._call("end_episode", {}, None)
            self._done = True

    async def _call(self, name: str, args: dict[str, Any], raw: str | None) -> CallToolResult:
        meta: dict[str, Any] = {}
        if raw is not None:
            meta[RAW_ARGUMENTS] = raw
        if self._usage:
            meta[USAGE], self._usage = self._usage, []
        return await self._client.call_tool(name, args, meta=meta or None)  # type: ignore[arg-type]
