"""`InspectAgent`: a ticketbench agent whose every move comes from an Inspect model.

The runner plays it like any agent (`runner.episode.play_episode`), so an Inspect sample is
a ticketbench episode with the same env, simulated user, limits, timeout and scoring; this
module only turns the session into model turns and back:

- the model sees the session's policy (with conversation guidance) as the system message,
  the user's opening as the first user message, and the session's tools with their
  generated schemas (`ToolSpec.parameters`, carried over as Inspect `ToolParams`);
- with `user_tools` (the default) it also gets `talk_to_user` (send a message, get the
  reply) and `end_episode`, as over MCP; a reply without a tool call goes to the user in either
  mode, as with every ticketbench LLM agent (`user_tools=False` is exactly their setup);
- every tool call goes to `session.call` with the model's arguments, unvalidated: the
  session validates, answers with an error result where needed and counts the step, as in
  any run; calls after the episode ended are answered "not run";
- each model call runs inside `protocol.api_wait` (waiting on the API is not the agent's
  time); its tokens are reported with `record_usage`, priced by Inspect when it knows the
  cost, else by ticketbench's price table; a model error that is not an Inspect limit is an
  `InfraError` (Inspect has already retried it);
- the conversation is kept in the sample's `TaskState.messages`, so the Inspect log holds
  every message and tool call.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    Model,
    ModelOutput,
    get_model,
)
from inspect_ai.solver import TaskState
from inspect_ai.tool import ToolCall, ToolInfo, ToolParams
from inspect_ai.util import LimitExceededError

from ticketbench.agents.llm.base import EMPTY_RETRIES, system_prompt
from ticketbench.agents.llm.faults import AgentFaults, classify, report_fault
from ticketbench.agents.llm.prices import PriceTable, load_prices
from ticketbench.env.toolkit import ToolSpec, compact_json
from ticketbench.protocol import InfraError, Session, Usage, api_wait
from ticketbench.wire.conversation import CONVERSATION_TOOLS

__all__ = ["USER_TOOLS", "InspectAgent", "tool_info"]

GUIDANCE = """\
## How this conversation works
You are the assistant in a ticketing app, chatting with one user; the tools look things up
and act. Talk to the user with `talk_to_user` (a reply without a tool call is sent to the
user too): their reply comes back. Call `end_episode` once there is nothing left to do.
"""

MAX_MODEL_CALLS = 200  # safety cap per episode on top of the session's own limits


# Named and worded as over MCP (`ticketbench serve`): one definition for both channels.
USER_TOOLS: tuple[ToolSpec, ...] = CONVERSATION_TOOLS


def tool_info(spec: ToolSpec) -> ToolInfo:
    """The Inspect form of a tool spec: its generated schema as `ToolParams`.

    Inspect's `JSONSchema` type has no `maxItems`, and its OpenAI provider also leaves out
    `minimum`/`maximum`: those bounds stay enforced by the session (an error result naming
    the argument), and the seat limit is stated in the policy."""
    params = ToolParams.model_validate({**spec.parameters, "additionalProperties": None})
    return ToolInfo(name=spec.name, description=spec.description, parameters=params)


class InspectAgent:
    """Plays one episode with the sample's Inspect model; build one per sample."""

    def __init__(
        self,
        state: TaskState,
        *,
        model: Model | None = None,
        user_tools: bool = True,
        prices: PriceTable | None = None,
        max_model_calls: int = MAX_MODEL_CALLS,
    ) -> None:
        self.state = state
        self.model = model if model is not None else get_model()
        self.user_tools = user_tools
        self.prices = prices if prices is not None else load_prices(None)
        self.max_model_calls = max_model_calls
        self.faults = AgentFaults()

    def describe(self) -> dict[str, Any]:
        """What a run header records: the Inspect model and the conversation mode."""
        return {"backend": "inspect", "model": str(self.model), "user_tools": self.user_tools}

    async def run(self, session: Session) -> None:
        """Ask the model, run its tool calls through the session, until the episode ends."""
        specs = list(session.tools)
        names = {s.name for s in specs}
        if self.user_tools:
            clash = names & {s.name for s in USER_TOOLS}
            if clash:
                raise ValueError(f"env tools shadow the conversation tools: {sorted(clash)}")
            specs += USER_TOOLS
        tools = [tool_info(s) for s in specs]
        guidance = GUIDANCE if self.user_tools else None
        self.state.messages = [
            ChatMessageSystem(content=system_prompt(session.policy, guidance)),
            ChatMessageUser(content=session.opening),
        ]
        messages = self.state.messages  # the state's own list: the log keeps the conversation
        calls = empty_streak = 0
        while not session.done:
            if calls >= self.max_model_calls:
                report_fault(session, self.faults, "gave_up", f"{calls} model calls")
                return
            output = await self._generate(messages, tools)
            calls += 1
            session.record_usage(self._usage(output))
            self.state.output = output
            message = output.message
            messages.append(message)
            if output.stop_reason == "max_tokens":
                report_fault(session, self.faults, "truncated", "stopped at the token limit")
            if output.stop_reason == "content_filter":
                report_fault(session, self.faults, "refusals", message.text[:200])
            if not message.tool_calls:
                text = message.text
                if not text.strip():
                    report_fault(session, self.faults, "empty_completions", "no text, no call")
                    if empty_streak >= EMPTY_RETRIES:
                        report_fault(session, self.faults, "gave_up", "repeated empty output")
                        return
                    empty_streak += 1
                    continue
                empty_streak = 0
                reply = await session.say(text)
                if reply is None:
                    return
                messages.append(ChatMessageUser(content=reply))
                continue
            empty_streak = 0
            if await self._run_calls(session, message, messages):
                return

    async def _generate(self, messages: list[ChatMessage], tools: list[ToolInfo]) -> ModelOutput:
        try:
            with api_wait():
                return await self.model.generate(messages, tools=tools, tool_choice="auto")
        except LimitExceededError:
            raise  # an Inspect limit (tokens, messages, cost) is the agent's end, not infra
        except Exception as err:
            infra = classify(err)
            if infra is None:
                infra = InfraError("other", f"{type(err).__name__}: {err}"[:500])
            raise infra from err

    def _usage(self, output: ModelOutput) -> Usage:
        u = output.usage
        model = output.model or str(self.model)
        if u is None:
            return Usage(model=model)
        cached = u.input_tokens_cache_read or 0
        # Inspect's input_tokens exclude cache reads; ticketbench's include them.
        inp = u.input_tokens + cached + (u.input_tokens_cache_write or 0)
        cost = u.total_cost
        if cost is None:
            cost = self.prices.cost(model, inp, u.output_tokens, cached)
        return Usage(
            model=model,
            input_tokens=inp,
            output_tokens=u.output_tokens,
            cached_tokens=cached,
            cost_usd=cost,
        )

    async def _run_calls(
        self, session: Session, message: ChatMessageAssistant, messages: list[ChatMessage]
    ) -> bool:
        """Run the message's tool calls in order; True if the model ended the conversation."""
        ended = False
        for call in message.tool_calls or ():
            if ended or session.done:
                content = _error("episode_over", "not run: the conversation has ended")
            elif self.user_tools and call.function == "end_episode":
                ended, content = True, "The episode is over."
            elif self.user_tools and call.function == "talk_to_user":
                content = await self._talk_to_user(session, call)
            else:
                content = await self._call_tool(session, call)
            messages.append(
                ChatMessageTool(content=content, tool_call_id=call.id, function=call.function)
            )
        return ended

    async def _talk_to_user(self, session: Session, call: ToolCall) -> str:
        text = call.arguments.get("message")
        if call.parse_error is not None or not isinstance(text, str) or not text.strip():
            detail = "talk_to_user needs a non-empty message"
            report_fault(session, self.faults, "tool_errors", detail)  # kept in the record
            return _error("invalid_arguments", f'{detail}: {{"message": "..."}}')
        reply = await session.say(text)
        if reply is None:
            return "The user has left the conversation."
        return reply

    async def _call_tool(self, session: Session, call: ToolCall) -> str:
        if call.parse_error is not None:
            # Inspect parsed the arguments already and keeps only its error, which quotes
            # the raw text: the model sees it; the session counts the fault.
            report_fault(session, self.faults, "invalid_json_args", call.parse_error[:200])
            self.faults.tool_errors += 1
            return call.parse_error
        result = await session.call(call.function, call.arguments)
        if not result.ok:
            self.faults.tool_errors += 1
        return result.content


def _error(code: str, message: str) -> str:
    return compact_json({"error": {"code": code, "message": message}})
