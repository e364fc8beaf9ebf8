"""False refusals: in a task that can be done, a reason the agent gives must be a fact.

"Sorry, it's over your budget" in a task that can be done tells the user something false
about their request, whatever else the message does: "...but if you still want to try,
here's the link" wins a purchase task on the link and an infeasible one on the words
(the red team's `Hedge`). Yet "the 19:30 is sold out, so I booked the 21:00" is a true
report beside a purchase. So each reason an agent message states in its own words (the
refusal lexicon, `reasons.asserted`) must be grounded: for some option X

1. **named**: the message names X, by its id or its start time in any zh/en clock form
   ("19:30", "7:30pm", "晚上7点半"); a reason about no option named is about the request;
2. **true**: the world holds it about X at the end of the episode, judged with the env's
   own rules against the task's count and budget (`holds`): the showing cannot seat the
   party together, its sales closed or have not opened, the cheapest way to buy it is over
   the budget, the order's refund cut-off passed or its venue never refunds, the service
   refused X for the ID limit;
3. **seen**: a tool result of this episode showed the agent the fact about X, as for a
   refusal (`reasons.observed`);
4. **not handed over**: X is not what the agent linked, put a payment sheet for, or what
   was bought: "the 21:00 is sold out, here is the 21:00's link" refuses nothing.

A message saying the request was carried out that names no other option than the one
bought ("row 5 had no 2 seats together, so I've booked 7-8 and 7-9") refuses nothing: its
reasons describe the purchase and are not judged here. That is no way around the rule: in
a task that cannot be done the claim alone fails the refusal (`reasons.claims_done`), so a
hedge signed "done" keeps its link half only.

A guessed reason is false somewhere; one that is true, seen and names the option it is
about is information, and stating it costs nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

from ticketbench.env import orders
from ticketbench.env.models import Order, SeatType
from ticketbench.env.orders import refunds
from ticketbench.env.rules import movie_sales_close, session_on_sale
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.suite.ground_truth import lowest_total, seat_options
from ticketbench.suite.reasons import LABEL, asserted, claims_done, observed
from ticketbench.suite.spec import InfeasibleReason, SeatRule, Task
from ticketbench.suite.textmatch import clock_mentions, normalise
from ticketbench.trajectory import ToolCall

_TZ = ZoneInfo("Asia/Shanghai")  # the suite's cities share one clock
_ID = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+\d+(?:-\d+)?(?![0-9])")
_SEAT_TYPES: tuple[SeatType, ...] = tuple(t for t in get_args(SeatType) if t != "wheelchair")
_ANY_SEAT = SeatRule()
# Service refusals that state a reason about X by themselves (the world's own word).
_SAID_BY_SERVICE: dict[InfeasibleReason, frozenset[str]] = {
    "not_enough_seats": frozenset({"sold_out", "not_enough_tickets"}),
    "id_limit": frozenset({"id_limit"}),
}


def false_refusal_problems(
    task: Task, said: Sequence[str], heard: Sequence[str], calls: Sequence[ToolCall] | None,
    env: TicketEnv,
) -> list[str]:  # fmt: skip
    """Why the reasons the agent gave in a task that can be done misinform the user (empty:
    every reason it gave is grounded, see the module docstring). `calls` None (a reference
    replayed without its results) skips the "seen" part."""
    if not task.expect.feasible:
        return []
    handed = _handed_over(env, calls or ())
    seen = _mentioned_ids(calls or ())
    why: list[str] = []
    for msg in said:
        others = _named(env, msg, seen | set(_ID.findall(msg))) - handed
        if claims_done([msg], heard) and not _names_another(env, msg, handed):
            continue  # a report of the purchase, not a refusal (see the module docstring)
        for reason in sorted(asserted([msg], heard)):
            if not any(
                (calls is None or observed(reason, [x], calls))
                and _holds(reason, x, task, env, calls or ())
                for x in others
            ):
                why.append(
                    f"the agent told the user {LABEL[reason]} in a task that can be done, "
                    "about no option it named and saw that to be so (a false refusal)"
                )
    return list(dict.fromkeys(why))


# --- which options -----------------------------------------------------------------------


def _mentioned_ids(calls: Sequence[ToolCall]) -> set[str]:
    """Every entity id a tool call of the episode named or returned."""
    out: set[str] = set()
    for c in calls:
        out.update(_ID.findall(json.dumps(c.args or {}, ensure_ascii=False)))
        out.update(_ID.findall(c.content))
    return out


def _start(env: TicketEnv, x: str) -> datetime | None:
    """When option `x` (a showtime, an event session or an order) starts."""
    if x in env.world.showtimes:
        return env.world.showtimes[x].start
    if x in env.world.sessions:
        return env.world.sessions[x][1].start
    o = env.order(x)
    if o is not None:
        return _start(env, o.showtime_id or o.session_id or "")
    return None


def _named(env: TicketEnv, msg: str, ids: set[str]) -> set[str]:
    """The options among `ids` that `msg` names: by id, or by start time."""
    text = normalise(msg)
    clocks = clock_mentions(text.replace(" ", ""))
    out: set[str] = set()
    for x in ids:
        start = _start(env, x)
        if start is None:
            continue
        if x.casefold() in text or _clock(start) in clocks:
            out.add(x)
    return out


def _names_another(env: TicketEnv, msg: str, handed: set[str]) -> bool:
    """Does `msg` name an option besides those handed over: a start time none of theirs
    is, or an id?"""
    theirs = {_clock(start) for x in handed if (start := _start(env, x)) is not None}
    ids = {x for x in _ID.findall(msg) if x not in handed and _start(env, x) is not None}
    return bool(ids) or bool(clock_mentions(normalise(msg).replace(" ", "")) - theirs)


def _clock(start: datetime) -> str:
    return start.astimezone(_TZ).strftime("%H:%M")


def _handed_over(env: TicketEnv, calls: Sequence[ToolCall]) -> set[str]:
    """The options the agent put in the user's hands (a link, a payment sheet) and every
    order bought in the episode, with the showtime or session each is for."""
    out: set[str] = set()
    for c in calls:
        if not (c.ok and c.ran and c.args):
            continue
        if c.name == "booking_link":
            out.update(str(c.args[k]) for k in ("showtime_id", "session_id") if c.args.get(k))
        elif c.name == "request_payment" and c.args.get("order_id"):
            out.add(str(c.args["order_id"]))
    table = env.store.table("orders")
    bought = [
        o.id
        for o in env.user_orders()
        if table.start_value(o.id) is None and o.status in ("paid", "refunded", "exchanged")
    ]
    for oid in [*out, *bought]:
        order = env.order(oid)
        if order is not None:
            out.update(i for i in (order.id, order.showtime_id, order.session_id) if i)
    return out


# --- is it so ----------------------------------------------------------------------------


def _need(task: Task) -> int:
    """Tickets the request needs at once (the largest expected order; 1 without one)."""
    counts = [s.count for s in task.expect.orders] + [e.to.count for e in task.expect.exchanges]
    return max(counts, default=1)


def _budget(task: Task) -> int | None:
    """The request's budget in fen (the loosest it states), or None if it states none."""
    caps = [s.max_total_fen for s in task.expect.orders if s.max_total_fen is not None]
    if task.expect.max_combined_fen is not None:
        caps.append(task.expect.max_combined_fen)
    return max(caps, default=None)


def _holds(
    reason: InfeasibleReason, x: str, task: Task, env: TicketEnv, calls: Sequence[ToolCall]
) -> bool:
    """Does the world hold `reason` about option `x` for this request (see the module
    docstring)? Judged with the env's own rules, at the episode's end."""
    codes = _SAID_BY_SERVICE.get(reason, frozenset())
    if any(c.ran and not c.ok and c.error_code in codes and x in _call_text(c) for c in calls):
        return True
    return any(_facts(reason, x, task, env))


def _call_text(call: ToolCall) -> str:
    return json.dumps(call.args or {}, ensure_ascii=False) + call.content


def _facts(reason: InfeasibleReason, x: str, task: Task, env: TicketEnv) -> Iterator[bool]:
    need, now = _need(task), env.now
    if x in env.world.showtimes:
        st = env.world.showtimes[x]
        if reason == "sales_closed":
            yield now >= movie_sales_close(st)
        elif reason == "not_enough_seats":
            yield not seat_options(env, x, need, _ANY_SEAT, _SEAT_TYPES, limit=1)
        elif reason == "over_budget" and (budget := _budget(task)) is not None:
            best = lowest_total(env, x, need, _ANY_SEAT, _SEAT_TYPES)
            yield best is not None and best[0] > budget
    elif x in env.world.sessions:
        base, session = env.world.sessions[x]
        event = env.event(base.id) or base
        if reason == "sales_closed":
            yield now >= session.start - timedelta(minutes=event.sales_cutoff_min)
        elif reason == "not_on_sale":
            yield now < session_on_sale(event, session)
        elif reason == "not_enough_seats":
            yield max(orders.event_availability(env, x).values(), default=0) < need
        elif reason == "over_budget" and (budget := _budget(task)) is not None:
            left = orders.event_availability(env, x)
            totals = [(z.price_fen + event.service_fee_fen) * need for z in event.zones
                      if left.get(z.id, 0) >= need]  # fmt: skip
            yield bool(totals) and min(totals) > budget  # before coupons
    else:
        order = env.store.table("orders").start_value(x) or env.order(x)
        if isinstance(order, Order) and reason in ("refund_closed", "no_refund"):
            yield _refund_refusal(env, order) == (
                "refund_closed" if reason == "refund_closed" else "not_refundable"
            )


def _refund_refusal(env: TicketEnv, order: Order) -> str | None:
    """The service's error code refusing a refund of `order` now (as seeded), or None."""
    paid = order.model_copy(update={"status": "paid"})
    try:
        if order.showtime_id is not None:
            st = env.world.showtimes[order.showtime_id]
            cinema = env.cinema(st.cinema_id)
            if cinema is None:
                return None
            refunds.movie_refund_fen(paid, cinema, st, env.now)
        elif order.session_id is not None:
            base, session = env.world.sessions[order.session_id]
            refunds.event_refund_fen(paid, env.event(base.id) or base, session, env.now)
    except EnvError as e:
        return e.code
    return None
