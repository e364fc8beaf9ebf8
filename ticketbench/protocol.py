"""The agent-facing contract: what an agent is handed for one episode.

An agent is anything with `async def run(self, session) -> None`. The session is its
only way to act. This module sits just above the env floor so that agents can be typed
against it without importing the runner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ticketbench.env.toolkit import ToolResult, ToolSpec

__all__ = [
    "AGENT_FAULT_KINDS",
    "NON_RETRYABLE_KINDS",
    "Agent",
    "AgentError",
    "InfraError",
    "Session",
    "SessionFacts",
    "ToolResult",
    "ToolSpec",
    "Usage",
    "api_wait",
]


class Usage(BaseModel):
    """Tokens and cost of one model response, reported by LLM agents and users."""

    model_config = ConfigDict(frozen=True)
    model: str = ""
    # Never negative: a negative report would offset the run's totals and its --cost-limit.
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cached_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    from_cache: bool = False  # replayed from the response cache: no request made, cost 0


# Infrastructure errors that a retry cannot fix (the same request fails the same way): the
# runner records them at once instead of backing off. `replay_missing`: a replay has no
# recording for the episode.
NON_RETRYABLE_KINDS = frozenset(
    {"context_overflow", "auth", "bad_request", "invalid_model_output", "replay_missing"}
)
# Kinds that are the model's failure, not the infrastructure's: the API rejected a request
# because of what the model itself produced (its own malformed tool-call arguments echoed
# back). The runner scores such an episode as an agent failure, keeping its events and cost.
# (`context_overflow` is the model's failure too once the episode has had a model answer: the
# conversation the agent grew no longer fits; on the first request it is a configuration
# problem and stays an infrastructure error.)
AGENT_FAULT_KINDS = frozenset({"invalid_model_output"})


class InfraError(Exception):
    """A failure of the infrastructure (API down, rate limited, timed out), not of the agent.

    Episodes ending in an InfraError are retried by the runner (unless `kind` is in
    `NON_RETRYABLE_KINDS`) and kept out of scores. `kind` is one of: rate_limit,
    server_error, timeout, connection, context_overflow, auth, bad_request,
    invalid_model_output, replay_missing, other.
    """

    def __init__(self, kind: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.retry_after = retry_after


class AgentError(Exception):
    """An agent failure recorded with exactly this message (replays re-raise recorded ones)."""


# Set by the runner for each episode: marks time spent waiting on a model API, which never
# counts against the episode's --timeout (a slow or rate-limited API is not the agent's fault).
API_WAIT_HOOK: ContextVar[Callable[[], AbstractContextManager[None]] | None] = ContextVar(
    "ticketbench_api_wait", default=None
)


@contextmanager
def api_wait() -> Iterator[None]:
    """Wrap a call to a model API: the time inside is not counted against the episode timeout.

    Built-in LLM agents and the LLM user wrap every request (with the SDK's own retries and
    Retry-After waits) in it; a plugin agent may do the same. Outside a runner episode it
    does nothing. The runner caps the time an episode may spend in it (see
    `ticketbench.runner.clock`).
    """
    hook = API_WAIT_HOOK.get()
    if hook is None:
        yield
        return
    with hook():
        yield


@runtime_checkable
class Session(Protocol):
    """One episode as the agent sees it."""

    @property
    def tools(self) -> list[ToolSpec]:
        """Specs of the tools the agent may call."""
        ...

    @property
    def policy(self) -> str:
        """The agent-facing policy text (markdown)."""
        ...

    @property
    def opening(self) -> str:
        """The user's first message."""
        ...

    async def call(self, name: str, args: Mapping[str, Any] | str | None) -> ToolResult:
        """Run a tool. `args` may be a raw JSON string; invalid JSON is an error result."""
        ...

    async def say(self, text: str) -> str | None:
        """Send a message to the user; returns the reply, or None once the user has left."""
        ...

    def record_usage(self, usage: Usage) -> None:
        """Report tokens and cost of a model call made for this episode."""
        ...

    @property
    def done(self) -> bool:
        """True once the episode is over (user left or a limit was reached)."""
        ...


class SessionFacts:
    """The read-only part of a `Session` that every implementation holds as plain values
    (the in-process session, the plugin proxy, the MCP client): tools, policy, opening."""

    def __init__(self, tools: list[ToolSpec], policy: str, opening: str) -> None:
        self._tools = tools
        self._policy = policy
        self._opening = opening

    @property
    def tools(self) -> list[ToolSpec]:
        """Specs of the tools the agent may call."""
        return list(self._tools)

    @property
    def policy(self) -> str:
        """The agent-facing policy text (markdown)."""
        return self._policy

    @property
    def opening(self) -> str:
        """The user's first message."""
        return self._opening


@runtime_checkable
class Agent(Protocol):
    """Anything that can play one episode."""

    async def run(self, session: Session) -> None: ...
