"""`EpisodeServer`: an MCP server (the `mcp` SDK's `MCPServer`) for the episode in a slot.

What a client gets, and nothing else:
- tools: the episode's env tools, listed with their generated schemas (`ToolSpec.mcp()`),
  and three of the wire's own (`start_episode`, and `talk_to_user` and `end_episode`
  as `wire.conversation` defines them for every channel);
- resources: `ticketbench://policy` (the agent-facing policy) and
  `ticketbench://episode/opening` (the user's first message of the live episode);
- the prompt `policy`, and the policy as the server's instructions.

Every call goes to the session's public API (`protocol.Session`): the server never holds the
task, its reference or the user's hidden goal, so no listing, result or error can show
them. An episode ends when the agent calls `end_episode` or the session is done (the user
left, a limit was reached); the slot then hands it back to the runner to be scored.
With `reveal_results`, a tool result that ends an episode waits briefly for the scored
result (`EpisodeSlot.post_result`) and shows it: for a person at an MCP client, never in
a benchmark run (a score between trials would tell the agent what worked).

Any tool name that is not one of the wire's own goes to the session, so an unknown name
is recorded and answered exactly as for an in-process agent. A client may send an env
tool's arguments as a raw JSON string in the request's `_meta["ticketbench/raw_arguments"]`
(as a model wrote them): the session parses them as it does in-process, with the same
error results. A client that calls models may report their tokens and cost in any
request's `_meta["ticketbench/usage"]`: a list of `protocol.Usage` objects, one per model
call, recorded in the episode like an in-process agent's `session.record_usage`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

import orjson
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError
from mcp_types import CallToolResult, InputRequiredResult, TextContent, Tool
from pydantic import Field, ValidationError

from ticketbench.env.toolkit import ToolResult, ToolSpec, compact_json
from ticketbench.protocol import InfraError, Session, Usage
from ticketbench.wire.conversation import END_EPISODE, TALK_TO_USER
from ticketbench.wire.slot import EpisodeSlot, NoEpisode

__all__ = ["CONTROL_TOOLS", "POLICY_URI", "RAW_ARGUMENTS", "USAGE", "EpisodeServer"]

log = logging.getLogger("ticketbench.wire")

RAW_ARGUMENTS = "ticketbench/raw_arguments"
USAGE = "ticketbench/usage"
CONTROL_TOOLS = ("start_episode", TALK_TO_USER.name, END_EPISODE.name)
_MESSAGE: dict[str, Any] = TALK_TO_USER.parameters["properties"]["message"]
_PLAIN: dict[str, Any] = {"structured_output": False}
POLICY_URI = "ticketbench://policy"
OPENING_URI = "ticketbench://episode/opening"
USER_LEFT = "[The user has left the conversation: the episode is over.]"
RESULT_WAIT_S = 10.0  # how long an ending call waits for the scored result (reveal_results)
START_WAIT_S = 60.0  # how long start_episode waits for an episode before saying so

GUIDE = (
    "You are a ticketing assistant serving one user per episode through these tools. "
    "Call start_episode to get the user's first message; reply and ask with talk_to_user "
    "(it returns the user's answer, or says the user left); use the ticketing tools to act; "
    "call end_episode when you are done. Follow the policy below.\n\n"
)


def _text_result(text: str, *, error: bool = False, **structured: Any) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=structured or None,
        is_error=error,
    )


def _tool_result(res: ToolResult, done: bool) -> CallToolResult:
    """An env tool's result as the client sees it: the same text an in-process agent gets,
    and the structured data (JSON-safe: the text's own encoding when it is JSON)."""
    data: Any = res.data
    if data is not None and not isinstance(data, str):
        try:  # the data as the text encodes it; what orjson cannot encode is shown as text only
            data = orjson.loads(compact_json(data))
        except orjson.JSONDecodeError:
            data = None
    structured = {
        "ok": res.ok,
        "data": data,
        "error": res.error.model_dump() if res.error is not None else None,
        "episode_over": done,
    }
    return CallToolResult(
        content=[TextContent(type="text", text=res.content)],
        structured_content=structured,
        is_error=not res.ok,
    )


class EpisodeServer(MCPServer[Any]):
    """Serves whatever episode `slot` holds (see the module docstring).

    `tools` are the env tool specs every episode offers (all sessions of a run share
    them); `policy` the agent-facing policy. Reusable by anything that can put a
    `protocol.Session` in an `EpisodeSlot`."""

    def __init__(
        self,
        slot: EpisodeSlot,
        *,
        tools: Sequence[ToolSpec],
        policy: str,
        reveal_results: bool = False,
        on_line: Callable[[str], None] | None = None,
        name: str = "ticketbench",
    ) -> None:
        super().__init__(
            name,
            instructions=GUIDE + policy,
            log_level="WARNING",
            warn_on_duplicate_tools=False,
        )
        clash = [t.name for t in tools if t.name in CONTROL_TOOLS]
        if clash:
            raise ValueError(f"env tools clash with the wire's own: {', '.join(clash)}")
        self.slot = slot
        self._listed = [
            Tool(name=t.name, description=t.description, input_schema=t.mcp()["inputSchema"])
            for t in tools
        ]
        self._policy = policy
        self._reveal = reveal_results
        self._on_line = on_line
        self._register()

    # --- the SDK's hooks: env tools next to the wire's own ----------------------------
    async def list_tools(self) -> list[Tool]:
        """The wire's own tools, then every env tool with its generated schema."""
        return [*await super().list_tools(), *self._listed]

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """The wire's own tools go to the SDK, every other name to the live session."""
        meta = _meta(context)
        try:
            session = self.slot.live()
        except NoEpisode as err:
            session = None
            idle = str(err)
        if session is not None:
            problem = _record_usage(session, meta.get(USAGE))
            if problem is not None:
                return _text_result(f"{name}: {problem}", error=True, episode_over=False)
        if name in CONTROL_TOOLS:
            unknown, takes = await self._unknown_arguments(name, arguments)
            if unknown:
                return _text_result(
                    f"{name}: unexpected argument {', '.join(map(repr, unknown))} "
                    f"(it takes {', '.join(takes) if takes else 'no arguments'})",
                    error=True,
                )
            return await super().call_tool(name, arguments, context)
        if session is None:
            return _text_result(f"{name}: {idle}", error=True, episode_over=True)
        raw = meta.get(RAW_ARGUMENTS)
        if raw is not None and not isinstance(raw, str):
            return _text_result(
                f"{name}: _meta {RAW_ARGUMENTS} must be a string of JSON",
                error=True,
                episode_over=False,
            )
        number = self.slot.number
        res = await session.call(name, raw if raw is not None else arguments)
        done = session.done
        out = _tool_result(res, done)
        if done:
            return await self._ending(out, number, "a limit was reached")
        return out

    async def _unknown_arguments(
        self, name: str, arguments: dict[str, Any]
    ) -> tuple[list[str], list[str]]:
        """Arguments a wire tool does not take, and those it takes (the SDK would drop extra
        ones silently: a call like `end_episode(reveal=true)` must not pass for valid)."""
        for tool in await super().list_tools():
            if tool.name == name:
                known = [str(k) for k in tool.input_schema.get("properties", {})]
                return sorted(str(k) for k in arguments if k not in known), known
        return [], []

    # --- the wire's own tools, resources and prompt -----------------------------------
    def _register(self) -> None:
        slot = self.slot

        @self.tool(structured_output=False)
        async def start_episode() -> CallToolResult:
            """Join the episode being played: returns the user's first message. Waits a while
            when none is being played yet; says when no more episodes will come (run_over)."""
            try:
                session = await slot.next(START_WAIT_S)
            except NoEpisode as err:
                return _text_result(
                    str(err), error=True, episode=None, opening=None, run_over=err.final
                )
            self._line(f"episode {slot.number}: started")
            return _text_result(
                session.opening, episode=slot.number, opening=session.opening, run_over=False
            )

        @self.tool(name=TALK_TO_USER.name, description=TALK_TO_USER.description, **_PLAIN)
        async def talk_to_user(
            message: Annotated[str, Field(description=_MESSAGE["description"])],
        ) -> CallToolResult:
            try:
                session = slot.live()
            except NoEpisode as err:
                return _text_result(str(err), error=True, reply=None, episode_over=True)
            number = slot.number
            try:
                reply = await session.say(message)
            except InfraError as err:  # an LLM-driven user's API failed: the runner retries
                slot.end(err)
                return _text_result(
                    "the episode was interrupted by an infrastructure error and will be replayed",
                    error=True,
                    reply=None,
                    episode_over=True,
                )
            if reply is None or session.done:
                text = USER_LEFT if reply is None else f"{reply}\n{USER_LEFT}"
                out = _text_result(text, reply=reply, episode_over=True)
                return await self._ending(out, number, "the user left")
            return _text_result(reply, reply=reply, episode_over=False)

        @self.tool(name=END_EPISODE.name, description=END_EPISODE.description, **_PLAIN)
        async def end_episode() -> CallToolResult:
            number = slot.number
            try:
                slot.live()
            except NoEpisode as err:
                return _text_result(str(err), error=True, episode_over=True)
            out = _text_result("The episode is over.", episode_over=True)
            return await self._ending(out, number, "ended by the agent")

        @self.resource(POLICY_URI, name="policy", mime_type="text/markdown")
        def policy() -> str:
            """The policy the assistant follows."""
            return self._policy

        @self.resource(OPENING_URI, name="opening", mime_type="text/plain")
        def opening() -> str:
            """The user's first message in the episode being played."""
            try:
                return slot.live().opening
            except NoEpisode as err:
                raise ResourceError(str(err)) from None

        @self.prompt(name="policy")
        def policy_prompt() -> str:
            """The assistant's instructions: how to serve the user, and the policy."""
            return GUIDE + self._policy

    async def _ending(self, out: CallToolResult, number: int, why: str) -> CallToolResult:
        """End episode `number` (if still live) and, with reveal_results, add its result."""
        if self.slot.end():
            self._line(f"episode {number}: {why}")
        if not self._reveal:
            return out
        try:
            result = await asyncio.wait_for(
                asyncio.shield(self.slot.result_of(number)), RESULT_WAIT_S
            )
        except TimeoutError:
            return out
        first = out.content[0]
        text = first.text if isinstance(first, TextContent) else ""
        return out.model_copy(
            update={"content": [TextContent(type="text", text=f"{text}\n{result}".strip())]}
        )

    def _line(self, text: str) -> None:
        if self._on_line is not None:
            self._on_line(text)


def _meta(context: Context[Any, Any] | None) -> Mapping[str, Any]:
    """The request's `_meta` (empty for a direct call, not over the wire)."""
    if context is None:
        return {}
    try:
        meta = context.request_context.meta
    except ValueError:  # no request context
        return {}
    return meta if isinstance(meta, Mapping) else {}


def _record_usage(session: Session, reported: object) -> str | None:
    """Record the usage a client reported; a one-line problem if it is malformed."""
    if reported is None:
        return None
    items = reported if isinstance(reported, list) else [reported]
    usages: list[Usage] = []
    for n, item in enumerate(items):
        try:  # Usage refuses negative figures: they would buy a better place on the board
            usages.append(Usage.model_validate(item))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in (n, *first["loc"]))
            return f"_meta {USAGE}: {where}: {first['msg']} (nothing recorded)"
    for usage in usages:
        session.record_usage(usage)
    return None
