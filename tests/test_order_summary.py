"""The order summary before a payment sheet, and facts told beside other orders' facts.

A summary must state the order's own facts (what, when, how many or which seats, total), in
either language; a lone "…", the request read back, a summary of another showing, or every
candidate's facts at once are no summary (`scoring.summary`). A must-tell fact stated beside
the same kind of fact about the user's other orders is not told (`suite.rivals`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ticketbench.env import AGENT_TOOLS
from ticketbench.env.models import Order
from ticketbench.env.state import TicketEnv
from ticketbench.env.tools.common import hm
from ticketbench.env.world import World
from ticketbench.scoring.episode import unconfirmed_payments
from ticketbench.scoring.summary import summary_problems
from ticketbench.suite.checker import Transcript, check
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.rivals import RIVALS, rival_phrases
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import FactKind, Task
from ticketbench.trajectory import AgentMessage, Event, ToolCall, UserMessage

DEV = {t.id: t for t in load_suite("dev")}


def _task(locale: str) -> Task:
    return next(
        t
        for t in DEV.values()
        if t.locale == locale and t.template == "spec_exact_seats" and len(t.goal.orders) == 1
    )


def _hold(world: World, task: Task) -> tuple[TicketEnv, Order, str]:
    """The task's env with the reference's order held; the order and create_order's text."""
    env = make_env(task, world)
    args = dict(next(s.args for s in task.reference if s.tool == "create_order"))
    res = AGENT_TOOLS.call(env, "create_order", args)
    assert res.ok and isinstance(res.data, dict), res.content
    order = env.order(str(res.data["order_id"]))
    assert order is not None
    return env, order, res.content


def _natural(world: World, order: Order, zh: bool) -> str:
    st = world.showtimes[str(order.showtime_id)]
    mv = world.movies[st.movie_id]
    start = hm(st.start)
    seats = "、".join(it.seat_id or "" for it in order.items)
    total = f"¥{order.total_fen // 100}.{order.total_fen % 100:02d}"
    if zh:
        n = len(order.items)
        return f"给您锁好了《{mv.title_zh}》{start}，座位{seats}，共{n}张，合计{total}。付款吗？"
    return (
        f"I've held {mv.title_en} at {start[-5:]} on {start[:10]}: {len(order.items)} tickets "
        f"({', '.join(it.seat_id or '' for it in order.items)}), total {total}. Shall I pay?"
    )


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_summary_of_the_order_in_either_language_passes(world: World, locale: str) -> None:
    task = _task(locale)
    env, order, created = _hold(world, task)
    user = world.users[task.user_id]
    for zh in (True, False):  # an agent may answer in the other language, too
        assert summary_problems(env, user, order, _natural(world, order, zh), [task.opening]) == []
    # the service's own order record, pasted (the oracle's way)
    assert summary_problems(env, user, order, f"Order summary: {created}. OK?", []) == []


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_cheap_stand_ins_for_a_summary_fail(world: World, locale: str) -> None:
    task = _task(locale)
    env, order, created = _hold(world, task)
    user = world.users[task.user_id]
    heard = [task.opening]

    def problems(text: str) -> list[str]:
        return summary_problems(env, user, order, text, heard)

    assert problems("…")
    # the request read back: every fact of it fits the order, but it says no total
    assert any("the total" in p for p in problems(f"Your order: {task.opening} OK?"))
    # a summary of the next showing of the same movie (an hour later)
    st = world.showtimes[str(order.showtime_id)]
    moved = created.replace(hm(st.start), hm(st.start + timedelta(hours=1)))
    assert any("when it starts" in p for p in problems(moved))
    # the right order's facts among every other showing's start and price
    others = [
        s
        for s in world.showtimes_by_movie[st.movie_id]
        if s.id != st.id and s.cinema_id == st.cinema_id
    ][:4]
    listing = "\n".join(f"{hm(s.start)} total ¥{s.prices['standard'] / 100:.2f}" for s in others)
    assert len(others) >= 2
    assert any("other" in p for p in problems(f"{created}\n{listing}"))


def _events(env: TicketEnv, task: Task, order: Order, summary: str | None) -> list[Event]:
    at = datetime(2026, 12, 8, 19, 0, tzinfo=UTC)
    out: list[Event] = [UserMessage(seq=0, at=at, text=task.opening, intent="opening")]
    out.append(
        ToolCall(seq=1, at=at, name="create_order", args={}, ok=True, content="", ref=order.id)
    )
    if summary is not None:
        out.append(AgentMessage(seq=2, at=at, text=summary))
    args: dict[str, Any] = {"order_id": order.id, "payment_method_id": "x"}
    out.append(ToolCall(seq=3, at=at, name="request_payment", args=args, ok=True, content=""))
    return out


def test_a_summary_before_a_question_about_paying_counts(world: World) -> None:
    task = _task("en")
    env, order, created = _hold(world, task)
    ev = _events(env, task, order, f"{created}. OK?")
    at = ev[-1].at
    ask = AgentMessage(seq=3, at=at, text="How would you like to pay?")
    ev = [*ev[:-1], ask, ev[-1].model_copy(update={"seq": 4})]
    assert unconfirmed_payments(task, env, ev) == []
    ev[2] = AgentMessage(seq=2, at=at, text="…")  # no summary before the question either
    assert len(unconfirmed_payments(task, env, ev)) == 1


def test_payment_without_a_real_summary_is_unconfirmed(world: World) -> None:
    task = _task("en")
    env, order, created = _hold(world, task)
    assert unconfirmed_payments(task, env, _events(env, task, order, f"{created}. OK?")) == []
    dot = unconfirmed_payments(task, env, _events(env, task, order, "…"))
    assert len(dot) == 1 and "no order summary" in dot[0]
    none = unconfirmed_payments(task, env, _events(env, task, order, None))
    assert none == [f"no order summary before the payment request for {order.id}"]


# --- must-tell facts beside other orders' facts -------------------------------------------


def _talk(task: Task, said: list[str]) -> Transcript:
    at = datetime(2026, 12, 8, 19, 0, tzinfo=UTC)
    call = ToolCall(seq=1, at=at, name="list_orders", args={}, ok=True, content="")
    return Transcript(said=said, heard=[task.opening], calls=[call])


def _codes(env: TicketEnv) -> dict[str, str]:
    return {o.id: o.pickup_code for o in env.user_orders() if o.pickup_code}


def test_a_pickup_code_read_out_with_every_other_code_is_not_told(world: World) -> None:
    task = next(t for t in DEV.values() if t.template == "after_pickup_code")
    env = make_env(task, world)
    code = task.expect.must_tell[0].any_of[0]
    others = [c for c in _codes(env).values() if c != code]
    assert others, "the lookup task holds decoy orders"
    assert check(task, env, _talk(task, [f"Your pickup code is {code}."])).passed
    dump = [f"Order {oid}: pickup code {c}" for oid, c in _codes(env).items()]
    res = check(task, env, _talk(task, dump))
    assert not res.passed
    assert any("other order(s) too" in r for r in res.reasons), res.reasons
    # one message per order is the same dump
    assert not check(task, env, _talk(task, dump[::-1])).passed


def test_the_exchanged_order_is_no_rival(world: World) -> None:
    task = next(t for t in DEV.values() if t.template == "after_exchange")
    env = make_env(task, world)
    old = task.expect.exchanges[0].order_id
    fact = task.expect.must_tell[0]
    rivals = rival_phrases(env, task, fact)
    old_order = env.order(old)
    assert old_order is not None and old_order.pickup_code
    assert all(old_order.pickup_code not in r for r in rivals)
    assert len(rivals) == len(_codes(env)) - 1  # every order but the one exchanged


def test_refund_amounts_of_other_orders_are_rivals(world: World) -> None:
    task = next(t for t in DEV.values() if t.template == "after_refund_movie")
    env = make_env(task, world)
    rivals = rival_phrases(env, task, task.expect.must_tell[0])
    assert rivals and all(r and r[0].startswith("¥") for r in rivals)


def test_every_fact_kind_has_rivals() -> None:
    assert set(RIVALS) == set(FactKind.__args__)
    kinds = {
        m.what for split in ("dev", "test") for t in load_suite(split) for m in t.expect.must_tell
    }
    assert kinds <= set(RIVALS)
