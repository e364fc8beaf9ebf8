"""`anthropic:MODEL`: the Messages API with tool_use / tool_result blocks.

All tool_use blocks of a response are run in order and answered together in one user
message of tool_result blocks (`is_error` for error results), as parallel tool use requires.
A response with text and no tool_use goes to the user. Blocks the agent cannot act on
(server tools, unknown types) are counted as faults and kept out of the echo, never ignored
silently; thinking blocks are echoed back unchanged as the API asks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar, cast

import anthropic
from anthropic.types import Message

from ticketbench.agents.llm.base import LLMAgentBase, raw_json, system_prompt
from ticketbench.agents.llm.faults import AgentFaults, report_fault
from ticketbench.protocol import InfraError, Session

__all__ = ["AnthropicAgent"]

_ECHOED = ("text", "tool_use", "thinking", "redacted_thinking")


class AnthropicAgent(LLMAgentBase):
    """An agent over `anthropic.AsyncAnthropic` Messages."""

    api_name = "anthropic-messages"
    tool_choice_auto: ClassVar[dict[str, str]] = {"type": "auto"}

    async def _ping(self) -> None:
        await self._client().with_options(max_retries=0, timeout=10.0).models.list(limit=1)

    def _client(self) -> anthropic.AsyncAnthropic:
        # base_url has no /v1: the SDK adds it.
        client: anthropic.AsyncAnthropic = self._client_for_loop(
            lambda: anthropic.AsyncAnthropic(**self._client_options())
        )
        return client

    def _body(
        self, system: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> dict[str, Any]:
        cfg = self.config
        body: dict[str, Any] = {
            "model": cfg.model,
            "max_tokens": cfg.max_tokens,
            "system": system,
            "messages": messages,
        }
        self._add_options(body, tools)
        body.update(cfg.extra)
        return body

    async def _complete(self, body: dict[str, Any], attempt: int) -> tuple[Message, bool]:
        async def send() -> dict[str, Any]:
            typed = ("model", "max_tokens", "system", "messages")
            rest = {k: v for k, v in body.items() if k not in typed}
            raw = await self._client().messages.with_raw_response.create(
                model=body["model"],
                max_tokens=body["max_tokens"],
                system=body["system"],
                messages=cast(Any, body["messages"]),
                extra_body=rest,
            )
            try:
                payload = await raw.json()
            except ValueError as err:
                raise InfraError("server_error", f"response is not JSON: {err}") from err
            return raw_json(payload, "message")

        data, from_cache = await self._fetch(body, attempt, send)
        return Message.construct(**data), from_cache

    def _record_usage(self, session: Session, resp: Message, from_cache: bool) -> None:
        u = resp.usage
        if u is None:
            session.record_usage(self._usage(0, 0, 0, from_cache))
            return
        read = u.cache_read_input_tokens or 0
        # input_tokens excludes cache reads and writes; Usage.input_tokens counts all input.
        inp = (u.input_tokens or 0) + read + (u.cache_creation_input_tokens or 0)
        session.record_usage(self._usage(inp, u.output_tokens or 0, read, from_cache))

    async def _run(self, session: Session, faults: AgentFaults) -> None:
        system = system_prompt(session.policy, self.config.guidance)
        tools = [spec.anthropic() for spec in session.tools]
        messages: list[dict[str, Any]] = [{"role": "user", "content": session.opening}]
        calls = 0
        empty_streak = 0
        while not session.done:
            if self._out_of_calls(session, faults, calls):
                return
            body = self._body(system, messages, tools)
            resp, from_cache = await self._complete(body, empty_streak)
            calls += 1
            self._record_usage(session, resp, from_cache)
            if resp.stop_reason == "model_context_window_exceeded":
                raise InfraError("context_overflow", "the conversation exceeds the context window")
            if resp.stop_reason == "refusal":
                report_fault(session, faults, "refusals", "stop_reason=refusal")
            if resp.stop_reason == "max_tokens":
                report_fault(session, faults, "truncated", "stopped at max_tokens")
            echo, texts, tool_uses = self._split(session, faults, resp)
            text = "\n".join(t for t in texts if t.strip())
            if not tool_uses and not text:
                if self._gives_up_on_empty(
                    session, faults, empty_streak, "no text and no tool_use"
                ):
                    return
                empty_streak += 1
                continue
            empty_streak = 0
            messages.append({"role": "assistant", "content": echo})
            if tool_uses:
                messages.append(
                    {"role": "user", "content": await self._run_tools(session, faults, tool_uses)}
                )
                continue
            reply = await session.say(text)
            if reply is None:
                return
            # The API rejects empty user content; an empty reply is still a turn.
            messages.append({"role": "user", "content": reply or "(no text)"})

    def _split(
        self, session: Session, faults: AgentFaults, resp: Message
    ) -> tuple[list[dict[str, Any]], list[str], list[Any]]:
        """(blocks to echo, texts, tool_use blocks); unhandled blocks are counted."""
        echo: list[dict[str, Any]] = []
        texts: list[str] = []
        tool_uses: list[Any] = []
        for block in resp.content or []:
            kind = str(getattr(block, "type", "?"))
            if kind not in _ECHOED:
                report_fault(session, faults, "unsupported_blocks", f"content block {kind!r}")
                continue
            if kind == "text":
                value = str(getattr(block, "text", "") or "")
                if not value:
                    continue  # the API rejects empty text blocks in the echo
                texts.append(value)
            elif kind == "tool_use":
                tool_uses.append(block)
            echo.append(block.to_dict())
        return echo, texts, tool_uses

    async def _run_tools(
        self, session: Session, faults: AgentFaults, tool_uses: list[Any]
    ) -> list[dict[str, Any]]:
        """Run every tool_use in order; one tool_result per tool_use, in the same order."""
        results: list[dict[str, Any]] = []
        for tu in tool_uses:
            if session.done:
                content = json.dumps({"error": {"code": "episode_over", "message": "not run"}})
                results.append(_result(str(tu.id), content, True))
                continue
            args: Mapping[str, Any] | str
            raw = tu.input
            args = raw if isinstance(raw, Mapping) else json.dumps(raw)
            if not isinstance(raw, Mapping):
                report_fault(session, faults, "invalid_json_args", f"{tu.name}: non-object input")
            result = await session.call(str(tu.name), args)
            if not result.ok:
                faults.tool_errors += 1
            results.append(_result(str(tu.id), result.content, not result.ok))
        return results


def _result(tool_use_id: str, content: str, is_error: bool) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": tool_use_id, "content": content}
    if is_error:
        block["is_error"] = True
    return block
