"""The payment gate's trust: sheets that went wrong, declined or failed, count alike.

A sheet the user wanted whose payment fails because the agent let the hold run out is no
decline (no `payment_declined`), but it spends the user's patience like one: after `TRUST`
sheets gone wrong, failed or declined, the user leaves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from appkit import RecordingApp

from ticketbench.env import AGENT_TOOLS
from ticketbench.env.state import TicketEnv, payment_requests
from ticketbench.env.world import World
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.users import PaymentGate
from ticketbench.users.base import Verdict
from ticketbench.users.gate import TRUST


def task_in(locale: str) -> Task:
    return next(
        t
        for t in load_suite("dev")
        if t.locale == locale and t.category == "specified" and len(t.goal.orders) == 1
    )


def right_order(task: Task) -> dict[str, Any]:
    return dict(next(s.args for s in task.reference if s.tool == "create_order"))


def other_showing(env: TicketEnv, task: Task, world: World) -> dict[str, Any]:
    """An order for a showing of the same movie the user did not ask for."""
    right = world.showtimes[right_order(task)["showtime_id"]]
    count = task.goal.orders[0].count
    for st in world.showtimes_by_movie[right.movie_id]:
        if st.id in task.goal.orders[0].showtime_ids or st.start < env.now + timedelta(hours=1):
            continue
        rec = AGENT_TOOLS.call(env, "recommend_seats", {"showtime_id": st.id, "count": count})
        options = rec.data.get("options") if isinstance(rec.data, dict) else None
        if options:
            return {"showtime_id": st.id, "seats": options[0]["seats"]}
    raise AssertionError("no other showing")


def method(task: Task) -> str:
    return str(next(s.args["payment_method_id"] for s in task.reference if s.kind == "pay"))


def sheet(env: TicketEnv, task: Task, args: dict[str, Any]) -> str:
    """A payment request for an order made with `args`; its id."""
    order = AGENT_TOOLS.call(env, "create_order", args)
    assert order.ok and isinstance(order.data, dict), order.content
    req = AGENT_TOOLS.call(
        env,
        "request_payment",
        {"order_id": order.data["order_id"], "payment_method_id": method(task)},
    )
    assert req.ok, req.content
    return next(r.id for r in payment_requests(env) if r.status == "pending")


def expired_sheet(env: TicketEnv, task: Task, gate: PaymentGate) -> Verdict:
    """The right order's sheet, decided after its hold ran out."""
    rid = sheet(env, task, right_order(task))
    env.advance(16 * 60)  # holds last 15 minutes
    return gate(RecordingApp(env), rid)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_failed_payments_spend_trust_like_declines(locale: str, world: World) -> None:
    task = task_in(locale)
    env = make_env(task, world)
    gate = PaymentGate(task)
    first = expired_sheet(env, task, gate)
    assert not first.approved and not first.leave
    assert "hold" in first.detail and ("没成功" in first.said or "did not go through" in first.said)
    assert TRUST == 2
    second = expired_sheet(env, task, gate)
    assert not second.approved and second.leave
    assert ("自己来" if locale == "zh" else "myself") in second.said


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_failed_payment_then_a_declined_sheet_ends_it(locale: str, world: World) -> None:
    task = task_in(locale)
    env = make_env(task, world)
    gate = PaymentGate(task)
    assert not expired_sheet(env, task, gate).leave
    declined = gate(RecordingApp(env), sheet(env, task, other_showing(env, task, world)))
    assert not declined.approved and declined.leave


def test_a_failed_payment_can_be_put_right_once(world: World) -> None:
    task = task_in("en")
    env = make_env(task, world)
    gate = PaymentGate(task)
    assert not expired_sheet(env, task, gate).approved
    again = gate(RecordingApp(env), sheet(env, task, right_order(task)))
    assert again.approved and not again.leave
