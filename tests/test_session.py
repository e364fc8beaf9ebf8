"""EpisodeSession: tool calls, raw JSON args, limits, events, the payment gate, no ground truth."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ticketbench.env import AGENT_TOOLS, APP_ACTIONS, POLICY, payment_sheet
from ticketbench.env.world import load_world
from ticketbench.session import EpisodeSession, Limits
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.trajectory import (
    AgentMessage,
    LimitHit,
    ToolCall,
    UserAction,
    UserMessage,
    construct,
)
from ticketbench.users import PaymentGate, ScriptedUser


def _task(category: str = "specified") -> Task:
    return next(t for t in load_suite("dev") if t.category == category)


def _session(task: Task, limits: Limits | None = None) -> EpisodeSession:
    env = make_env(task, load_world())
    return EpisodeSession(
        env,
        ScriptedUser(task),
        tools=AGENT_TOOLS,
        actions=APP_ACTIONS,
        payment_sheet=payment_sheet,
        payment_gate=PaymentGate(task),
        policy=POLICY,
        limits=limits,
    )


def test_surface_and_opening() -> None:
    task = _task()
    s = _session(task)
    assert s.opening == task.opening
    assert s.policy == POLICY
    assert {t.name for t in s.tools} == {t.name for t in AGENT_TOOLS}
    assert not s.done
    ev = s.trajectory().events
    assert isinstance(ev[0], UserMessage) and ev[0].text == task.opening


def test_raw_json_args_and_invalid_json() -> None:
    s = _session(_task())
    ok = asyncio.run(s.call("current_time", "{}"))
    assert ok.ok
    empty = asyncio.run(s.call("current_time", ""))
    assert empty.ok
    bad = asyncio.run(s.call("search_movies", '{"query": '))
    assert not bad.ok and bad.error is not None and bad.error.code == "invalid_json"
    arr = asyncio.run(s.call("search_movies", "[1, 2]"))
    assert not arr.ok and arr.error is not None and arr.error.code == "invalid_json"
    unknown = asyncio.run(s.call("no_such_tool", {}))
    assert not unknown.ok
    traj = s.trajectory()
    calls = [e for e in traj.events if isinstance(e, ToolCall)]
    assert traj.tool_calls == 5 and len(calls) == 5
    assert [c.ran for c in calls] == [True, True, False, False, True]
    assert calls[2].raw_args == '{"query": ' and calls[2].args is None


def test_clock_advances_per_action() -> None:
    s = _session(_task())
    t0 = s.trajectory().events[0].at
    asyncio.run(s.call("current_time", {}))
    asyncio.run(s.say("Which day would you like?"))
    ev = s.trajectory().events
    assert (ev[1].at - t0).total_seconds() == 5.0  # a tool call
    assert isinstance(ev[2], AgentMessage) and ev[2].at == ev[1].at
    assert (ev[3].at - ev[2].at).total_seconds() == 30.0  # the user's turn
    assert [e.seq for e in ev] == list(range(len(ev)))


def test_step_limit() -> None:
    s = _session(_task(), Limits(max_steps=2, max_turns=5))
    assert asyncio.run(s.call("current_time", {})).ok
    assert asyncio.run(s.call("current_time", {})).ok
    r = asyncio.run(s.call("current_time", {}))
    assert not r.ok and r.error is not None and r.error.code == "limit_reached"
    assert s.done
    assert asyncio.run(s.say("hello?")) is None
    traj = s.trajectory()
    assert traj.limits == ("steps",) and traj.tool_calls == 2 and traj.refused == 2
    assert sum(isinstance(e, LimitHit) for e in traj.events) == 1


def test_turn_limit() -> None:
    s = _session(_task(), Limits(max_steps=5, max_turns=1))
    assert asyncio.run(s.say("Which cinema do you mean?")) is not None
    assert asyncio.run(s.say("And which day?")) is None
    assert s.done and s.trajectory().limits == ("turns",)


def test_wall_time_limit() -> None:
    s = _session(_task(), Limits(max_wall_s=1e-9))
    r = asyncio.run(s.call("current_time", {}))
    assert not r.ok and s.done and s.trajectory().limits == ("time",)


def test_user_leaves_then_say_returns_none() -> None:
    s = _session(_task("infeasible"))
    reply = asyncio.run(s.say("Sorry, that showing is sold out, so I cannot book it."))
    assert reply is not None and s.done
    assert asyncio.run(s.say("Anything else?")) is None
    assert s.trajectory().left == "told_infeasible"


def test_oracle_reference_through_session_pays_via_gate() -> None:
    task = _task()
    s = _session(task)
    for step in task.reference:
        if step.kind in ("call", "pay"):
            asyncio.run(s.call(step.tool or "request_payment", dict(step.args)))
    traj = s.trajectory()
    acts = [e for e in traj.events if isinstance(e, UserAction)]
    assert [a.name for a in acts] == ["approve_payment"] and acts[0].ok
    assert traj.user_actions == 1
    pay = next(e for e in traj.events if isinstance(e, ToolCall) and e.name == "request_payment")
    assert pay.ref is not None and pay.ref.startswith("PR")


def test_events_are_complete_models() -> None:
    """`construct` must set every field (it skips pydantic's defaults)."""
    task = _task()
    s = _session(task)
    asyncio.run(s.call("current_time", "{bad"))
    asyncio.run(s.call("current_time", {}))
    asyncio.run(s.say("Which day?"))
    for e in s.trajectory().events:
        assert e.model_fields_set == set(type(e).model_fields), type(e).__name__
        assert type(e).model_validate(e.model_dump()) == e
    a = construct(AgentMessage, seq=1, at=task.now, kind="agent_message", text="x")
    assert a == AgentMessage.model_construct(seq=1, at=task.now, text="x")


_PUBLIC = {
    "tools",
    "policy",
    "opening",
    "call",
    "say",
    "record_usage",
    "record_fault",
    "done",
    "trajectory",
}


def test_no_ground_truth_on_public_surface() -> None:
    task = _task("clarify")
    s = _session(task)
    assert {n for n in dir(s) if not n.startswith("_")} == _PUBLIC
    values = [s.tools, s.policy, s.opening, s.done, s.trajectory()]
    text = repr(values)
    assert "Task(" not in text and "Goal(" not in text and "Expect(" not in text
    assert task.goal.summary not in text
    for step in task.reference:  # the reference solution's texts never leak
        if step.text:
            assert step.text not in text


@pytest.mark.parametrize("bad", [None, "null", "3"])
def test_odd_args_never_raise(bad: Any) -> None:
    s = _session(_task())
    r = asyncio.run(s.call("get_order", bad))
    assert not r.ok
