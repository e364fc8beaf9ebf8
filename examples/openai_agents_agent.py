"""A ticketbench agent built on the OpenAI Agents SDK (`pip install openai-agents`).

The SDK's import name is `agents`; ticketbench lives under `ticketbench`, so both install
side by side. Every session tool becomes an SDK `FunctionTool` with the schema ticketbench
generated for it; the agent's text answers go to the user, and the user's reply continues
the same SDK conversation.

    ticketbench run --agent examples.openai_agents_agent:AgentsSDKAgent \\
        --agent-opt model='"gpt-4.1-mini"' --tasks specified

Options: `model`, `base_url` (any OpenAI-compatible server), `api_key_env` (default
OPENAI_API_KEY), `max_turns` (model calls per user turn).
"""

from __future__ import annotations

import json
import os
from typing import Any

from agents import Agent, FunctionTool, OpenAIChatCompletionsModel, RunConfig, Runner
from agents.items import TResponseInputItem
from agents.tool_context import ToolContext
from openai import AsyncOpenAI

from ticketbench import Session, ToolSpec, Usage


class AgentsSDKAgent:
    """Plays an episode with the OpenAI Agents SDK's runner driving the session's tools."""

    def __init__(
        self,
        model: str = "gpt-4.1-mini",
        base_url: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        max_turns: int = 20,
    ) -> None:
        key = os.environ.get(api_key_env) or ("EMPTY" if base_url else None)
        if key is None:
            raise ValueError(f"set {api_key_env} (or give base_url for a local server)")
        self.model = model
        self.max_turns = max_turns
        self._client = AsyncOpenAI(api_key=key, base_url=base_url)

    def describe(self) -> dict[str, Any]:
        """What the run header records about this agent."""
        return {"model": self.model, "framework": "openai-agents"}

    async def run(self, session: Session) -> None:
        """Answer the user until they leave: tools through the session, text to the user."""
        agent = Agent(
            name="ticketbench",
            instructions=session.policy,
            tools=[_tool(session, spec) for spec in session.tools],
            model=OpenAIChatCompletionsModel(self.model, openai_client=self._client),
        )
        config = RunConfig(tracing_disabled=True)  # traces would be exported over the network
        history: list[TResponseInputItem] = [{"role": "user", "content": session.opening}]
        while not session.done:
            result = await Runner.run(agent, history, max_turns=self.max_turns, run_config=config)
            usage = result.context_wrapper.usage
            session.record_usage(
                Usage(
                    model=self.model,
                    input_tokens=usage.input_tokens,
                    output_tokens=usage.output_tokens,
                )
            )
            reply = await session.say(str(result.final_output or ""))
            if reply is None:
                return
            history = [*result.to_input_list(), {"role": "user", "content": reply}]

    async def aclose(self) -> None:
        """Close the HTTP client after the last episode."""
        await self._client.close()


def _tool(session: Session, spec: ToolSpec) -> FunctionTool:
    async def invoke(ctx: ToolContext[Any], raw_args: str) -> str:
        result = await session.call(spec.name, raw_args)
        return result.content

    return FunctionTool(
        name=spec.name,
        description=spec.description,
        params_json_schema=json.loads(json.dumps(spec.parameters)),
        on_invoke_tool=invoke,
        strict_json_schema=False,  # ticketbench's schemas have optional arguments
    )
