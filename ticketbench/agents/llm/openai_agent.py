"""`openai:MODEL`: Chat Completions with tools, for OpenAI and every compatible server.

The loop: ask the model; run every tool call of the response in order and answer each
with a `tool` message; a reply with text and no tool call goes to the user, whose answer
comes back as the next user message. Text sent alongside tool calls stays in the history
but is not shown to the user (it is narration, not a turn). Faults of the model (bad JSON
arguments, empty or refused completions) are counted and never end the episode by force;
infrastructure failures are raised as `InfraError` for the runner.
"""

from __future__ import annotations

import json
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from ticketbench.agents.llm.base import LLMAgentBase, raw_json, system_prompt
from ticketbench.agents.llm.faults import AgentFaults, is_context_overflow_text, report_fault
from ticketbench.protocol import InfraError, Session

__all__ = ["OpenAIAgent"]


def _is_valid_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class OpenAIAgent(LLMAgentBase):
    """An agent over `openai.AsyncOpenAI` Chat Completions."""

    api_name = "openai-chat"

    def _client(self) -> openai.AsyncOpenAI:
        client: openai.AsyncOpenAI = self._client_for_loop(
            lambda: openai.AsyncOpenAI(**self._client_options())
        )
        return client

    async def _ping(self) -> None:
        await self._client().with_options(max_retries=0, timeout=10.0).models.list()

    def _body(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> dict[str, Any]:
        cfg = self.config
        body: dict[str, Any] = {"model": cfg.model, "messages": messages}
        self._add_options(body, tools)
        if cfg.seed is not None:
            body["seed"] = cfg.seed
        body[cfg.max_tokens_param] = cfg.max_tokens
        body.update(cfg.extra)
        return body

    async def _complete(self, body: dict[str, Any], attempt: int) -> tuple[ChatCompletion, bool]:
        async def send() -> dict[str, Any]:
            rest = {k: v for k, v in body.items() if k not in ("model", "messages")}
            raw = await self._client().chat.completions.with_raw_response.create(
                model=body["model"], messages=body["messages"], extra_body=rest
            )
            try:
                payload = raw.http_response.json()
            except ValueError as err:
                raise InfraError("server_error", f"response is not JSON: {err}") from err
            return raw_json(payload, "chat completion")

        data, from_cache = await self._fetch(body, attempt, send)
        if "error" in data and "choices" not in data:  # some servers send errors with 200
            detail = json.dumps(data["error"], ensure_ascii=False)[:500]
            kind = "context_overflow" if is_context_overflow_text(detail) else "server_error"
            raise InfraError(kind, f"error in a 200 response: {detail}")
        return ChatCompletion.construct(**data), from_cache

    def _record_usage(self, session: Session, resp: ChatCompletion, from_cache: bool) -> None:
        u = resp.usage
        inp = u.prompt_tokens if u else 0
        out = u.completion_tokens if u else 0
        details = u.prompt_tokens_details if u else None
        cached = (details.cached_tokens or 0) if details else 0
        session.record_usage(self._usage(inp or 0, out or 0, cached, from_cache))

    async def _run(self, session: Session, faults: AgentFaults) -> None:
        tools = [spec.openai() for spec in session.tools]
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system_prompt(session.policy, self.config.guidance)},
            {"role": "user", "content": session.opening},
        ]
        calls = 0
        empty_streak = 0
        while not session.done:
            if self._out_of_calls(session, faults, calls):
                return
            resp, from_cache = await self._complete(self._body(messages, tools), empty_streak)
            calls += 1
            self._record_usage(session, resp, from_cache)
            choice = resp.choices[0] if resp.choices else None
            msg = choice.message if choice else None
            text = (msg.content or "") if msg else ""
            if msg is not None and getattr(msg, "refusal", None):
                report_fault(session, faults, "refusals", str(msg.refusal)[:200])
                text = text or str(msg.refusal)
            if choice is not None and choice.finish_reason == "length":
                report_fault(session, faults, "truncated", "stopped at the output-token limit")
            tool_calls = list(msg.tool_calls or []) if msg else []
            if not tool_calls and not text.strip():
                if self._gives_up_on_empty(
                    session, faults, empty_streak, "no text and no tool call"
                ):
                    return
                empty_streak += 1
                continue
            empty_streak = 0
            if tool_calls:
                assistant: dict[str, Any] = {"role": "assistant", "content": text}
                if self.config.echo_reasoning:
                    reasoning = getattr(msg, "reasoning_content", None)
                    assistant["reasoning_content"] = str(reasoning or "")
                await self._run_tools(session, faults, messages, assistant, tool_calls)
                continue
            # Always send `content`: some servers reject an assistant message without it.
            messages.append({"role": "assistant", "content": text})
            reply = await session.say(text)
            if reply is None:
                return
            messages.append({"role": "user", "content": reply})

    async def _run_tools(
        self,
        session: Session,
        faults: AgentFaults,
        messages: list[dict[str, Any]],
        assistant: dict[str, Any],
        tool_calls: list[Any],
    ) -> None:
        """Execute every tool call in order and append the assistant message and answers."""
        echoed: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        for index, tc in enumerate(tool_calls):
            # Some local servers omit ids; the answer must still pair with its call.
            call_id = getattr(tc, "id", None) or f"call_{len(messages)}_{index}"
            fn = getattr(tc, "function", None)
            if getattr(tc, "type", "function") != "function" or fn is None:
                kind = getattr(tc, "type", "?")
                report_fault(session, faults, "unsupported_blocks", f"tool call type {kind!r}")
                name = str(getattr(getattr(tc, "custom", None), "name", kind))
                raw_input = str(getattr(getattr(tc, "custom", None), "input", ""))
                echoed.append(_echo(call_id, name, raw_input))
                answers.append(_tool_msg(call_id, _unsupported(kind)))
                continue
            name = str(fn.name or "")
            arguments = fn.arguments if isinstance(fn.arguments, str) else ""
            echoed.append(_echo(call_id, name, arguments))
            if session.done:
                # The episode ended mid-batch; the remaining calls cannot run.
                answers.append(_tool_msg(call_id, _skipped()))
                continue
            if arguments.strip() and not _is_valid_json(arguments):
                report_fault(session, faults, "invalid_json_args", f"{name}: {arguments[:120]}")
            result = await session.call(name, arguments or "{}")
            if not result.ok:
                faults.tool_errors += 1
            answers.append(_tool_msg(call_id, result.content))
        messages.append({**assistant, "tool_calls": echoed})
        messages.extend(answers)


def _echo(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def _tool_msg(call_id: str, content: str) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def _unsupported(kind: str) -> str:
    message = f"tool call type {kind!r} is not supported; use function tools"
    return json.dumps({"error": {"code": "unsupported_tool_call", "message": message}})


def _skipped() -> str:
    return json.dumps({"error": {"code": "episode_over", "message": "not run: episode ended"}})
