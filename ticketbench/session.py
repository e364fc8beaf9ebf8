"""`EpisodeSession`: what an agent is handed for one episode (implements `protocol.Session`).

The session wraps one `TicketEnv` and one simulated user. It is the agent's only way to
act, records every event with its simulated time, and enforces the episode's limits.

Simulated time (the env clock) advances by the duration of each action, *before* the
action takes effect (an action happens at the end of its duration; see `Pace`):
- an agent tool call: `Pace.tool_s` (default 5 s);
- an agent message and the user's reply: `Pace.user_turn_s` (default 30 s);
- a user app action (following a link, picking seats, approving a payment ...):
  `Pace.user_action_s` (default 8 s).
Holds last 15 simulated minutes, so a dawdling agent can lose its seats.

Limits (see `Limits`): tool calls (`max_steps`), agent messages (`max_turns`), and wall time
(`max_wall_s`). Past a limit, `call` returns an error result, `say` returns None and `done`
is True; the first refusal is recorded as a `limit` event.

Public members expose tool specs, policy, the opening and the episode's own trajectory; the
task lives inside the user and the payment gate, held in private attributes. Private is not
hidden from code in the same process (its frames, the GC): that is why plugin agents play
out of process, through `ticketbench.wire.proxy`, and only the harness's own baselines (or
a run marked privileged) play against this object directly.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ticketbench.env.jsonsafe import check_args, clean_text, has_surrogate, preview
from ticketbench.env.sheets import episode_purchases
from ticketbench.env.state import TicketEnv, payment_requests
from ticketbench.env.toolkit import ToolRegistry, ToolResult, error_result
from ticketbench.protocol import InfraError, SessionFacts, Usage
from ticketbench.trajectory import (
    AgentMessage,
    Event,
    LeaveReason,
    LimitHit,
    LimitKind,
    ToolCall,
    UserAction,
    UserLeft,
    UserMessage,
    construct,
)
from ticketbench.users.base import App, User, Verdict

PaymentGate = Callable[[App, str], Verdict]
"""Runs the deterministic payment decision for one request id (`users.gate.PaymentGate`)."""
SheetFn = Callable[[TicketEnv, str], dict[str, Any]]

PAYMENT_TOOL = "request_payment"
# Tools whose call may put a sheet in front of the user (a payment, or an exchange that
# costs more): the session runs the payment gate on every pending request right after.
SHEET_TOOLS = frozenset({PAYMENT_TOOL, "exchange_order"})
MAX_NAME = 100  # longest tool name kept (no tool name comes close)
MAX_RAW = 4000  # raw arguments kept in the record of a rejected call
MAX_FAULT_NOTES = 20  # details kept per episode; the counts are always complete


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-episode limits: tool calls, agent messages, wall-clock seconds."""

    max_steps: int = 60
    max_turns: int = 20
    max_wall_s: float = 600.0


@dataclass(frozen=True, slots=True)
class Pace:
    """Simulated seconds each kind of action takes."""

    tool_s: float = 5.0
    user_turn_s: float = 30.0
    user_action_s: float = 8.0


@dataclass(frozen=True, slots=True)
class Trajectory:
    """Everything the session observed, handed to scoring and records after the episode."""

    events: list[Event]
    started_at: datetime
    ended_at: datetime
    tool_calls: int
    turns: int
    user_actions: int
    refused: int  # calls and messages refused after a limit or after the user left
    limits: tuple[LimitKind, ...]
    left: LeaveReason | None
    usage: Usage
    model_calls: int
    faults: dict[str, int] = field(default_factory=dict)  # agent-side faults by kind
    fault_notes: tuple[str, ...] = ()  # "kind: detail" of the first MAX_FAULT_NOTES faults
    user_usage: Usage | None = None  # model use of an LLM-driven user (None: scripted)
    user_model_calls: int = 0
    user_failed: bool = False  # the simulated user's own reply raised an InfraError


def _ref_of(data: Any) -> str | None:
    """The id a tool or app action created, if its structured result names one."""
    if isinstance(data, Mapping):
        for key in ("order_id", "request_id", "link_id", "id"):
            v = data.get(key)
            if isinstance(v, str):
                return v
    return None


class _UserApp:
    """The session's `App` given to the user: records and paces every action."""

    __slots__ = ("_s",)

    def __init__(self, session: EpisodeSession) -> None:
        self._s = session

    def act(self, name: str, args: Mapping[str, Any], note: str = "") -> ToolResult:
        s = self._s
        env = s._env
        env.advance(s._pace.user_action_s)
        res = s._actions.call(env, name, args)
        s._user_actions += 1
        s._log(
            UserAction,
            kind="user_action",
            name=name,
            args=dict(args),
            ok=res.ok,
            error_code=res.error.code if res.error else None,
            content=res.content,
            note=note,
            ref=_ref_of(res.data),
        )
        return res

    def payment_sheet(self, request_id: str) -> dict[str, Any]:
        return self._s._sheet(self._s._env, request_id)

    def purchases(self) -> list[dict[str, Any]]:
        return episode_purchases(self._s._env)


class EpisodeSession(SessionFacts):
    """One episode as the agent sees it; see the module docstring."""

    def __init__(
        self,
        env: TicketEnv,
        user: User,
        *,
        tools: ToolRegistry[TicketEnv],
        actions: ToolRegistry[TicketEnv],
        payment_sheet: SheetFn,
        payment_gate: PaymentGate,
        policy: str,
        limits: Limits | None = None,
        pace: Pace | None = None,
    ) -> None:
        super().__init__(tools.specs(), policy, user.opening)
        self._env = env
        self._user = user
        self._registry = tools
        self._actions = actions
        self._sheet = payment_sheet
        self._gate = payment_gate
        self._limits = limits or Limits()
        self._pace = pace or Pace()
        self._app = _UserApp(self)
        self._events: list[Event] = []
        self._started = env.clock.now
        self._wall0 = time.perf_counter()
        self._steps = 0
        self._turns = 0
        self._user_actions = 0
        self._refused = 0
        self._limits_hit: list[LimitKind] = []
        self._left: LeaveReason | None = None
        self._in_tok = self._out_tok = self._cached_tok = self._model_calls = 0
        self._cost = 0.0
        self._model = ""
        self._faults: dict[str, int] = {}
        self._fault_notes: list[str] = []
        self._user_usage: Usage | None = None
        self._user_calls = 0
        self._user_failed = False
        self._log(
            UserMessage,
            kind="user_message",
            text=self._opening,
            intent="opening",
            slots=(),
            doubts=(),
        )

    # --- what the agent sees ----------------------------------------------------------

    @property
    def done(self) -> bool:
        """True once the user has left or a limit was reached."""
        return self._left is not None or bool(self._limits_hit)

    async def call(self, name: str, args: Mapping[str, Any] | str | None) -> ToolResult:
        """Run a tool. `args` may be a raw JSON string; invalid JSON is an error result.

        Never raises: a bad name, arguments that are not a JSON object (or a string of one),
        invalid Unicode, nesting past `jsonsafe.MAX_DEPTH` levels or oversized arguments
        come back as error results that say what is wrong, and are recorded safely."""
        refusal = self._refusal(tool=True)
        if refusal is not None:
            return refusal
        self._steps += 1
        env = self._env
        env.advance(self._pace.tool_s)
        if not isinstance(name, str):
            shown = preview(name, 80)
            res = error_result("unknown_tool", f"the tool name must be a string, got {shown}")
            self._record_call(shown, None, preview(args), res, ran=False)
            return res
        if has_surrogate(name) or len(name) > MAX_NAME:
            shown = clean_text(name)[:MAX_NAME]
            res = error_result("unknown_tool", f"no tool named {shown!r} (invalid name)")
            self._record_call(shown, None, preview(args), res, ran=False)
            return res
        parsed, problem = _arguments(name, args)
        if problem is not None:
            raw = clean_text(args) if isinstance(args, str) else preview(args)
            if len(raw) > MAX_RAW:
                raw = raw[:MAX_RAW] + f"... ({len(raw):,} chars)"
            self._record_call(name, None, raw, problem, ran=False)
            return problem
        assert parsed is not None
        try:
            res = self._registry.call(env, name, parsed)
        except Exception as err:  # a tool never raises; this catches a harness bug
            res = error_result("internal_error", f"{name}: {type(err).__name__}: {err}")
        pending = (
            [r.id for r in payment_requests(env) if r.status == "pending"]
            if name in SHEET_TOOLS and res.ok
            else []
        )
        if pending:
            # The sheet pops up on the user's phone at once; the gate decides it right away.
            ref = pending[-1] if name == PAYMENT_TOOL else None
            self._record_call(name, parsed, None, res, ran=True, ref=ref)
            for rid in pending:
                verdict = self._gate(self._app, rid)
                self._user.on_payment(rid, verdict.approved, verdict.said)
                if verdict.leave:  # it stopped trusting the agent: it says so and goes
                    self._leave(verdict.said, "declined")
                    break
        else:
            self._record_call(name, parsed, None, res, ran=True)
        return res

    async def say(self, text: str) -> str | None:
        """Send a message to the user; returns the reply, or None once the user has left."""
        if self._refusal(tool=False) is not None:
            return None
        text = clean_text(text) if isinstance(text, str) else preview(text)
        self._turns += 1
        env = self._env
        self._log(
            AgentMessage,
            kind="agent_message",
            text=text,
        )
        env.advance(self._pace.user_turn_s)
        try:
            reply = await self._user.reply(text, self._app)
        except InfraError:  # an LLM-driven user's API: the harness's outage, not the agent's
            self._user_failed = True
            raise
        if reply.usage is not None:
            self._add_user_usage(reply.usage)
        self._log(
            UserMessage,
            kind="user_message",
            text=reply.text,
            intent=reply.intent,
            slots=reply.slots,
            doubts=reply.doubts,
        )
        if reply.leave is not None:
            self._left = reply.leave
            self._log(
                UserLeft,
                kind="user_left",
                reason=reply.leave,
            )
        return reply.text

    def _leave(self, text: str, reason: LeaveReason) -> None:
        """The user leaves between messages (after a payment sheet), saying `text`."""
        self._log(
            UserMessage, kind="user_message", text=text, intent="decision", slots=(), doubts=()
        )
        self._left = reason
        self._log(UserLeft, kind="user_left", reason=reason)

    def record_usage(self, usage: Usage) -> None:
        """Report tokens and cost of a model call made for this episode."""
        self._model_calls += 1
        self._in_tok += usage.input_tokens
        self._out_tok += usage.output_tokens
        self._cached_tok += usage.cached_tokens
        self._cost += usage.cost_usd
        if usage.model:
            self._model = usage.model

    def record_fault(self, kind: str, detail: str) -> None:
        """Count an agent-side fault (malformed output, refusal, empty completion ...).

        Implements `ticketbench.agents.llm.faults.FaultSink`: the counts land in the episode record.
        """
        kind = clean_text(str(kind))[:60]
        self._faults[kind] = self._faults.get(kind, 0) + 1
        if len(self._fault_notes) < MAX_FAULT_NOTES:
            self._fault_notes.append(clean_text(f"{kind}: {detail}")[:300])

    def _add_user_usage(self, usage: Usage) -> None:
        """Model use of an LLM-driven user: kept apart from the agent's tokens and cost."""
        prev = self._user_usage
        self._user_calls += 1
        self._user_usage = construct(
            Usage,
            model=usage.model or (prev.model if prev else ""),
            input_tokens=(prev.input_tokens if prev else 0) + usage.input_tokens,
            output_tokens=(prev.output_tokens if prev else 0) + usage.output_tokens,
            cached_tokens=(prev.cached_tokens if prev else 0) + usage.cached_tokens,
            cost_usd=(prev.cost_usd if prev else 0.0) + usage.cost_usd,
            from_cache=False,
        )

    # --- for the runner ---------------------------------------------------------------
    def trajectory(self) -> Trajectory:
        """The episode as recorded so far (the runner calls this once the agent returns)."""
        return Trajectory(
            events=list(self._events),
            started_at=self._started,
            ended_at=self._env.clock.now,
            tool_calls=self._steps,
            turns=self._turns,
            user_actions=self._user_actions,
            refused=self._refused,
            limits=tuple(self._limits_hit),
            left=self._left,
            usage=construct(
                Usage,
                model=self._model,
                input_tokens=self._in_tok,
                output_tokens=self._out_tok,
                cached_tokens=self._cached_tok,
                cost_usd=self._cost,
                from_cache=False,
            ),
            model_calls=self._model_calls,
            faults=dict(self._faults),
            fault_notes=tuple(self._fault_notes),
            user_usage=self._user_usage,
            user_model_calls=self._user_calls,
            user_failed=self._user_failed,
        )

    # --- internals --------------------------------------------------------------------
    def _log(self, cls: type[Event], **fields: Any) -> None:
        """Record an event of type `cls`, numbered and timed now."""
        self._events.append(construct(cls, seq=len(self._events), at=self._env.clock.now, **fields))

    def _hit(self, kind: LimitKind, detail: str) -> None:
        if kind not in self._limits_hit:
            self._limits_hit.append(kind)
            self._log(
                LimitHit,
                kind="limit",
                limit=kind,
                detail=detail,
            )

    def _refusal(self, *, tool: bool) -> ToolResult | None:
        """An error result if the episode cannot take this action, else None."""
        lim = self._limits
        if not self.done:
            if time.perf_counter() - self._wall0 > lim.max_wall_s:
                self._hit("time", f"wall-time limit of {lim.max_wall_s:g} s reached")
            elif tool and self._steps >= lim.max_steps:
                self._hit("steps", f"step limit of {lim.max_steps} tool calls reached")
            elif not tool and self._turns >= lim.max_turns:
                self._hit("turns", f"turn limit of {lim.max_turns} messages reached")
        if not self.done:
            return None
        self._refused += 1
        if self._left is not None:
            return error_result("episode_over", "the user has left the conversation")
        last = self._limits_hit[-1]
        return error_result("limit_reached", f"the episode's {last} limit was reached")

    def _record_call(
        self,
        name: str,
        args: dict[str, Any] | None,
        raw: str | None,
        res: ToolResult,
        *,
        ran: bool,
        ref: str | None = None,
    ) -> None:
        self._log(
            ToolCall,
            kind="tool_call",
            name=name,
            args=args,
            raw_args=raw,
            ok=res.ok,
            error_code=res.error.code if res.error else None,
            content=res.content,
            ran=ran,
            ref=ref if ref is not None else _ref_of(res.data),
        )


def _json_error(name: str, raw: str, err: json.JSONDecodeError) -> ToolResult:
    """Where parsing failed, and whether the arguments look cut off."""
    cut = err.pos >= len(raw.rstrip()) - 1 or err.msg.startswith("Unterminated string")
    hint = (
        "; the arguments end there: they look truncated (close every string, { and [)"
        if cut
        else ""
    )
    around = clean_text(raw[max(0, err.pos - 20) : err.pos + 20])
    return error_result(
        "invalid_json",
        f"{name}: arguments are not valid JSON: {err.msg} (line {err.lineno}, column "
        f"{err.colno}, char {err.pos} of {len(raw)}, near {around!r}){hint}",
    )


def _arguments(name: str, args: object) -> tuple[dict[str, Any] | None, ToolResult | None]:
    """Parsed arguments, or the error result saying why they cannot be used."""
    value: object
    if args is None:
        return {}, None
    if isinstance(args, str):
        if not args.strip():
            return {}, None  # an empty argument string means "no arguments"
        try:
            value = json.loads(args)
        except json.JSONDecodeError as err:
            return None, _json_error(name, args, err)
        except RecursionError:
            return None, error_result("invalid_json", f"{name}: arguments nest too deeply to parse")
        if not isinstance(value, dict):
            kind = type(value).__name__ if value is not None else "null"
            return None, error_result(
                "invalid_json",
                f"{name}: the arguments parsed as JSON ({_json_kind(value)}), but they must be "
                f'a JSON object of named arguments, e.g. {{"query": "..."}} (got {kind})',
            )
    elif isinstance(args, Mapping):
        value = args
    else:
        return None, error_result(
            "invalid_arguments",
            f"{name}: arguments must be a JSON object (or a JSON string of one), "
            f"got {_json_kind(args)}",
        )
    problem = check_args(value)
    if problem is not None:
        return None, error_result("invalid_arguments", f"{name}: {problem}")
    return dict(value), None


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    return f"a {type(value).__name__}"
