"""What went wrong in a model call: infrastructure (retried, kept out of scores) or the agent.

SDK exceptions become `InfraError`s with a stable `kind`; the runner retries those and never
counts them against the agent, except the model's own share of 400s: a request rejected
because of the model's malformed tool-call arguments (`invalid_model_output`), and a context
overflow after the episode's first answer (the conversation the agent grew) are the agent's
failures (see `ticketbench.protocol.AGENT_FAULT_KINDS` and the runner). Every other 400 is
`bad_request` (the harness's request: an option the server rejects), not retried.
Agent-side oddities (refusals, empty completions, malformed
tool calls) are not errors at all: they are counted in `AgentFaults` and the episode goes on.
"""

from __future__ import annotations

import email.utils
import math
import sys
import time
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from ticketbench.protocol import NON_RETRYABLE_KINDS, InfraError

__all__ = [
    "NON_RETRYABLE_KINDS",
    "AgentFaults",
    "FaultSink",
    "classify",
    "parse_retry_after",
    "report_fault",
]

# NON_RETRYABLE_KINDS (re-exported): retrying these cannot help. It lives in ticketbench.protocol
# next to InfraError so that the runner can honour it without importing agents.

_OVERFLOW_MARKERS = (
    "context_length_exceeded",
    "context length",
    "maximum context",
    "context window",
    "prompt is too long",
    "too many tokens",
    "reduce the length",
    "input is too long",
)


class AgentFaults(BaseModel):
    """Per-episode counts of agent-side faults; they never end an episode by themselves."""

    invalid_json_args: int = 0  # tool-call arguments that were not valid JSON
    tool_errors: int = 0  # tool calls that came back as error results (incl. the above)
    empty_completions: int = 0  # no text and no tool call
    refusals: int = 0  # the model refused (OpenAI `refusal`, Anthropic stop_reason=refusal)
    truncated: int = 0  # stopped on the output-token limit
    unsupported_blocks: int = 0  # content blocks / tool-call types the agent cannot handle
    gave_up: int = 0  # turns ended because of repeated empty output or the model-call cap

    def add(self, other: AgentFaults) -> None:
        """Accumulate `other` into self (used for agent-level totals across episodes)."""
        for name in type(self).model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@runtime_checkable
class FaultSink(Protocol):
    """Optional session hook: sessions that implement it get each fault as an event."""

    def record_fault(self, kind: str, detail: str) -> None: ...


def report_fault(session: object, faults: AgentFaults, kind: str, detail: str) -> None:
    """Count fault `kind` (an `AgentFaults` field) and forward it to the session if it listens."""
    setattr(faults, kind, getattr(faults, kind) + 1)
    if isinstance(session, FaultSink):
        session.record_fault(kind, detail)


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from `retry-after-ms` / `retry-after` (seconds or an HTTP date)."""
    if headers is None:
        return None
    lower = {k.lower(): v for k, v in headers.items()}
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = lower.get(name)
        if value is None:
            continue
        try:
            delay = float(value) / divisor
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is None:
                continue
            delay = float(email.utils.mktime_tz(parsed) - time.time())
        if math.isfinite(delay):
            return max(delay, 0.0)
    return None


def _body_text(body: object) -> str:
    if isinstance(body, Mapping):
        err = body.get("error", body)
        if isinstance(err, Mapping):
            parts = [str(err.get(k, "")) for k in ("code", "type", "message")]
            return " ".join(p for p in parts if p)
    return str(body) if body is not None else ""


def _is_overflow(message: str) -> bool:
    low = message.lower()
    return any(marker in low for marker in _OVERFLOW_MARKERS)


# A 400 naming these is about what the model produced (its tool-call arguments echoed back in
# the conversation), not about the harness's request: the model's failure.
_MODEL_OUTPUT_MARKERS = (
    "tool_call",
    "tool call",
    "tool_use",
    "function call",
    "function.arguments",
    "arguments",
    "invalid json",
    "json_invalid",
    "failed to parse",
)


def _is_model_output(message: str) -> bool:
    low = message.lower()
    return any(marker in low for marker in _MODEL_OUTPUT_MARKERS)


def _status_kind(status: int, detail: str) -> str:
    if status == 429:
        return "rate_limit"
    if status in (401, 403):
        return "auth"
    if status == 408:
        return "timeout"
    if status == 413 or _is_overflow(detail):
        return "context_overflow"
    if status >= 500:
        return "server_error"
    if status in (400, 422) and _is_model_output(detail):
        return "invalid_model_output"
    if 400 <= status < 500:
        return "bad_request"
    return "other"


def _sdk_errors(attr: str) -> tuple[type[BaseException], ...]:
    # Only SDKs already imported can have raised: never import one just to check (the
    # anthropic package alone takes seconds to import).
    found: list[type[BaseException]] = []
    for name in ("openai", "anthropic"):
        module = sys.modules.get(name)
        cls = getattr(module, attr, None) if module is not None else None
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.append(cls)
    return tuple(found)


def classify(exc: BaseException) -> InfraError | None:
    """Map an SDK exception to an `InfraError`, or None if it is not an SDK API error.

    Called after the SDK's own retries are spent, so a rate limit carries the last
    Retry-After for the runner's backoff.
    """
    if isinstance(exc, _sdk_errors("APITimeoutError")):
        return InfraError("timeout", str(exc))
    if isinstance(exc, _sdk_errors("APIConnectionError")):
        return InfraError("connection", str(exc))
    if isinstance(exc, _sdk_errors("APIStatusError")):
        status = int(getattr(exc, "status_code", 0))
        detail = _body_text(getattr(exc, "body", None)) or str(exc)
        response = getattr(exc, "response", None)
        headers: Mapping[str, Any] = getattr(response, "headers", None) or {}
        retry_after = parse_retry_after({str(k): str(v) for k, v in headers.items()})
        kind = _status_kind(status, detail)
        if status == 529:  # Anthropic "overloaded"
            kind = "server_error"
        return InfraError(kind, f"HTTP {status}: {detail}"[:500], retry_after=retry_after)
    if isinstance(exc, _sdk_errors("APIError")):
        return InfraError("other", str(exc)[:500])
    return None


def is_context_overflow_text(message: str) -> bool:
    """True when a provider error message says the prompt no longer fits the context."""
    return _is_overflow(message)
