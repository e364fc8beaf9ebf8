"""After-sale requests by the env's own rules: refunds (amount or the reason there is
none), exchanges (every seat run of the named showing the exchange rules allow), pickup
codes, and paying a hold that ran out (the same seats again).

The order meant is the user's order of the named movie or event (at the named time, for
an exchange); two such orders would make the request ambiguous, which the audit reports.
"""

from __future__ import annotations

from dataclasses import replace

from ticketbench.env import orders
from ticketbench.env.models import Order
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.suite.audit import movies
from ticketbench.suite.audit.findings import Findings
from ticketbench.suite.audit.reading import Part, Request, SeatWish
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import InfeasibleReason

REFUND_REASONS: dict[str, InfeasibleReason] = {
    "not_refundable": "no_refund",
    "refund_closed": "refund_closed",
}


def _matches(env: TicketEnv, part: Part, o: Order) -> bool:
    world = env.world
    if o.kind == "movie" and o.showtime_id is not None:
        st = world.showtimes[o.showtime_id]
        if st.movie_id not in part.movies:
            return False
        return part.old_clock is None or (st.start.hour, st.start.minute) == part.old_clock
    if o.kind == "event" and o.session_id is not None:
        return world.sessions[o.session_id][0].id in part.events
    return False


def _the_order(f: Findings, env: TicketEnv, part: Part, statuses: set[str]) -> Order | None:
    found = [o for o in env.user_orders() if o.status in statuses and _matches(env, part, o)]
    if not found:
        f.add("unread", f"the user has no {'/'.join(sorted(statuses))} order of what is named")
        return None
    if len(found) > 1:
        f.add("clarify", f"{len(found)} orders fit the request ({', '.join(o.id for o in found)})")
        return None
    return found[0]


def audit(f: Findings, env: TicketEnv, req: Request) -> None:
    """Audit an after-sale request (refund, exchange, pickup code, paying a hold)."""
    part = req.parts[0]
    if req.intent == "refund":
        _refund(f, env, part)
    elif req.intent == "exchange":
        _exchange(f, env, part)
    elif req.intent == "pickup":
        o = _the_order(f, env, part, {"paid"})
        if o is not None and not any(
            o.pickup_code in m.any_of for m in f.task.expect.must_tell if m.what == "pickup_code"
        ):
            f.add("aftersale", f"the spec does not want pickup code {o.pickup_code} told")
    else:
        _pay_hold(f, env, part)


def _refund(f: Findings, env: TicketEnv, part: Part) -> None:
    o = _the_order(f, env, part, {"paid"})
    if o is None:
        return
    exp = f.task.expect
    scratch = make_env(f.task, env.world)
    try:
        amount = orders.refund_order(scratch, o.id).refund_fen or 0
    except EnvError as err:
        reason = REFUND_REASONS.get(err.code)
        if exp.feasible:
            f.add("feasible", f"the spec refunds {o.id}; the env refuses ({err.code})")
        elif exp.reason != reason:
            f.add("reason", f"the spec says {exp.reason}; the env says {err.code}")
        elif o.id not in exp.reason_about:
            f.add("reason", f"the reason is about {list(exp.reason_about)}, not the order {o.id}")
        return
    want = [(r.order_id, r.refund_fen) for r in exp.refunds]
    if want != [(o.id, amount)]:
        f.add("aftersale", f"the world refunds {o.id} with {amount} fen; the spec wants {want}")
    told = [m for m in exp.must_tell if m.what == "refund_amount"]
    number = f"{amount // 100}.{amount % 100:02d}"
    if not any(any(number in s for s in m.any_of) for m in told):
        f.add("aftersale", f"the spec does not want the refund amount {number} told")


def _exchange(f: Findings, env: TicketEnv, part: Part) -> None:
    old = _the_order(f, env, part, {"paid"})
    if old is None or old.showtime_id is None:
        return
    world = env.world
    old_st = world.showtimes[old.showtime_id]
    target = replace(
        part,
        cinemas=frozenset({old_st.cinema_id}),
        movies=frozenset({old_st.movie_id}),
        count=len(old.items),
    )
    truth = movies.solve_movie(env, target, None)
    for sid in list(truth.allowed):  # the exchange rules (cut-off, once, same movie/cinema)
        kept = []
        for opt in truth.allowed[sid]:
            try:
                orders.plan_exchange(env, old.id, sid, opt.seats)
            except EnvError:
                continue
            kept.append(opt)
        if kept:
            truth.allowed[sid] = kept
        else:
            del truth.allowed[sid]
    exp = f.task.expect
    if not truth.allowed:
        if exp.exchanges:
            f.add("feasible", "the spec exchanges the order; the world allows no exchange")
        return
    if [ex.order_id for ex in exp.exchanges] != [old.id]:
        f.add("aftersale", f"the order to exchange is {old.id}; the spec names "
              f"{[ex.order_id for ex in exp.exchanges]}")  # fmt: skip
        return
    for kind, detail in movies.compare_movie(env, target, truth, exp.exchanges[0].to):
        f.add(kind, detail)


def _pay_hold(f: Findings, env: TicketEnv, part: Part) -> None:
    hold = _the_order(f, env, part, {"pending_payment", "expired"})
    if hold is None or hold.showtime_id is None:
        return
    seats = tuple(it.seat_id for it in hold.items if it.seat_id)
    target = replace(
        part,
        seats=SeatWish(exact=seats),
        count=len(seats),
        day=None,
        clock=None,
    )
    truth = movies.solve_movie(env, target, None, fixed=[hold.showtime_id])
    exp = f.task.expect
    if not truth.allowed:
        if exp.feasible:
            f.add("feasible", f"the spec rebooks the hold; the world cannot ({truth.reason})")
        return
    if len(exp.orders) != 1:
        f.add("rejects_right", "the spec does not rebook the held seats")
        return
    for kind, detail in movies.compare_movie(env, target, truth, exp.orders[0]):
        f.add(kind, detail)
