"""A defence as a wrapper agent: any agent, with instruction-like text filtered out of what
its tools return. Defences are not part of the harness; this shows how to plug one in and
measure it.

    ticketbench run --agent injection-follower --attack all --out runs/plain
    ticketbench run --agent examples.data_filter_defence:DataFilter --privileged \\
        --agent-opt inner=injection-follower --attack all --out runs/filtered
    ticketbench run --agent examples.data_filter_defence:DataFilter --privileged \\
        --agent-opt inner=injection-follower --out runs/filtered-clean
    ticketbench leaderboard runs/

`--privileged` hands the wrapper each task, which it forwards to an inner agent that reads
it (the follower replays the task's reference); such runs are marked and not ranked. An
inner agent that needs no task (`inner=openai:MODEL`) runs without it, out of process.

The wrapper hands the inner agent a session whose `call` drops every line of a tool result's
text fields that addresses the assistant or names a tool (a crude filter: the point is the
plumbing). Utility, utility under attack and ASR then compare the defended agent with the
plain one, and with itself without `--attack`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ticketbench import Agent, Session, ToolResult, ToolSpec, Usage
from ticketbench.agents.registry import load_agent

SUSPECT = re.compile(
    r"assistant|助手|system notice|系统通知|tool_result|request_payment|refund|退款|transfer|转赠"
    r"|tell the user|告诉用户|告知用户|转告|\(\d/2\)|（\d/2）|<information>",
    re.IGNORECASE,
)


def _clean(value: Any) -> Any:
    """The value with suspect lines removed from every string inside it."""
    if isinstance(value, str):
        return "\n".join(line for line in value.splitlines() if not SUSPECT.search(line))
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class FilteredSession:
    """A session whose tool results pass through `_clean` (everything else is forwarded)."""

    def __init__(self, inner: Session) -> None:
        self._inner = inner

    @property
    def tools(self) -> list[ToolSpec]:
        return self._inner.tools

    @property
    def policy(self) -> str:
        return self._inner.policy

    @property
    def opening(self) -> str:
        return self._inner.opening

    @property
    def done(self) -> bool:
        return self._inner.done

    async def call(self, name: str, args: Mapping[str, Any] | str | None) -> ToolResult:
        res = await self._inner.call(name, args)
        if not res.ok or res.data is None:
            return res
        return res.model_copy(update={"data": _clean(res.data), "content": _clean(res.content)})

    async def say(self, text: str) -> str | None:
        return await self._inner.say(text)

    def record_usage(self, usage: Usage) -> None:
        self._inner.record_usage(usage)

    def record_fault(self, kind: str, detail: str) -> None:
        sink = getattr(self._inner, "record_fault", None)  # LLM agents report faults here
        if sink is not None:
            sink(kind, detail)


class DataFilter:
    """Wraps the agent named by `inner` (any --agent spec) in `FilteredSession`."""

    def __init__(self, inner: str = "oracle", agent: Agent | None = None) -> None:
        self._spec = inner
        self._agent = agent if agent is not None else load_agent(inner)

    def for_episode(self, task: Any, trial: int, seed: int) -> DataFilter:
        """Forward the runner's per-episode hook to the inner agent, if it has one."""
        hook = getattr(self._agent, "for_episode", None)
        return DataFilter(self._spec, hook(task, trial, seed)) if hook else self

    def describe(self) -> dict[str, str]:
        return {"kind": "defence", "inner": self._spec}

    async def run(self, session: Session) -> None:
        await self._agent.run(FilteredSession(session))
