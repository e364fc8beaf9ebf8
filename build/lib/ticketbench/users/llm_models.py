"""The model clients of the LLM-driven user: plain chat over the agents' SDK backends.

They subclass the agents (`OpenAIAgent`, `AnthropicAgent`) to reuse the HTTP client per
event loop, the request body (temperature, max tokens, extra arguments), the response cache,
the price table and the classification of SDK errors into `InfraError`s (a failing user
model is an infrastructure error: the runner retries the episode and keeps it out of the
scores). No tools are sent. Imported only by `ticketbench.users.llm.load_user`.
"""

from __future__ import annotations

from ticketbench.agents.llm.anthropic_agent import AnthropicAgent
from ticketbench.agents.llm.openai_agent import OpenAIAgent
from ticketbench.protocol import Usage

__all__ = ["AnthropicUserModel", "OpenAIUserModel"]


class _UsageSink:
    """Catches the `Usage` the agents' `_record_usage` reports to a session."""

    def __init__(self) -> None:
        self.usage = Usage()

    def record_usage(self, usage: Usage) -> None:
        self.usage = usage


class OpenAIUserModel(OpenAIAgent):
    """Chat Completions without tools, for the simulated user."""

    api_name = "openai-chat-user"  # never shares cache entries with an agent

    async def complete(self, system: str, turns: list[tuple[str, str]]) -> tuple[str, Usage]:
        """The user's next message and the call's usage."""
        messages = [{"role": "system", "content": system}]
        messages += [{"role": role, "content": text} for role, text in turns]
        resp, from_cache = await self._complete(self._body(messages, []), 0)
        sink = _UsageSink()
        self._record_usage(sink, resp, from_cache)  # type: ignore[arg-type]
        msg = resp.choices[0].message if resp.choices else None
        return (msg.content or "") if msg else "", sink.usage


class AnthropicUserModel(AnthropicAgent):
    """Messages without tools, for the simulated user."""

    api_name = "anthropic-messages-user"

    async def complete(self, system: str, turns: list[tuple[str, str]]) -> tuple[str, Usage]:
        """The user's next message and the call's usage."""
        messages = [{"role": role, "content": text} for role, text in turns]
        resp, from_cache = await self._complete(self._body(system, messages, []), 0)
        sink = _UsageSink()
        self._record_usage(sink, resp, from_cache)  # type: ignore[arg-type]
        texts = [str(getattr(b, "text", "") or "") for b in resp.content or []]
        return "".join(t for t in texts if t), sink.usage
