"""Refunds and exchanges of paid orders (re-exported by `orders.py`).

The rules themselves (cut-offs, tiers, price differences) are the pure functions of
`refunds.py`; this module applies them to a `TicketEnv`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ticketbench.env import lookups
from ticketbench.env.models import Discount, Order, evolve
from ticketbench.env.orders import ledger as lg
from ticketbench.env.orders.pricing import build_quote, check_card, seat_items
from ticketbench.env.orders.refunds import (
    check_exchange,
    event_refund_fen,
    exchange_charge_fen,
    movie_refund_fen,
)
from ticketbench.env.rules import check_movie_sales_open, check_movie_selection
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError


def refund_order(env: TicketEnv, order_id: str) -> Order:
    """Refund a paid order: money back to the original payment method or card, seats freed.

    Movie orders are refunded in full before the cinema's refund cut-off; event orders by
    the event's refund tiers (see `refunds.py`). A coupon used on the order becomes usable
    again unless it has expired.
    """
    env.expire_holds()
    order = lookups.own_order(env, order_id)
    if order.kind == "movie":
        st = lookups.showtime(env, order.showtime_id or "")
        amount = movie_refund_fen(order, lookups.cinema(env, st.cinema_id), st, env.now)
    else:
        event, session = lookups.session(env, order.session_id or "")
        amount = event_refund_fen(order, event, session, env.now)
    user = env.user()
    if order.payment_method_id is None:
        raise EnvError("not_refundable", f"order {order.id} has no payment to refund")
    lookups.payment_source(user, order.payment_method_id)  # must still exist
    if order.coupon_id is not None:
        coupon = next((c for c in user.coupons if c.id == order.coupon_id), None)
        if coupon is not None and env.now < coupon.expires:
            user = lg.with_coupon_used(user, coupon.id, False)
    env.put_user(lg.with_balance(user, order.payment_method_id, amount))
    env.release(order)
    done = evolve(order, {"status": "refunded", "refund_fen": amount, "refunded_at": env.now})
    env.put_order(done)
    return done


@dataclass(frozen=True, slots=True)
class ExchangePlan:
    """A validated exchange, not yet applied: the new paid order it would create (its id
    still unassigned) and the extra money it would charge to `new.payment_method_id`."""

    old: Order
    new: Order
    seats: tuple[str, ...]
    charge_fen: int


def plan_exchange(
    env: TicketEnv, order_id: str, new_showtime_id: str, seats: Sequence[str]
) -> ExchangePlan:
    """Check every exchange rule and price the new seats; writes nothing.

    The new order keeps the old member card (if still valid) and carries the old coupon's
    discount; the charge is the increase of the total (a decrease is not refunded), and
    the original payment method must cover it (see `refunds.py` for every rule).
    """
    env.expire_holds()
    old = lookups.own_order(env, order_id)
    if old.kind != "movie" or old.showtime_id is None:
        raise EnvError("not_exchangeable", "only movie orders can be exchanged")
    old_st = lookups.showtime(env, old.showtime_id)
    new_st = lookups.showtime(env, new_showtime_id)
    cinema = lookups.cinema(env, old_st.cinema_id)
    check_exchange(old, cinema, old_st, new_st, len(seats), env.now)
    check_movie_sales_open(new_st, env.now)
    sm = lg.get_seat_map(env, new_st)
    sel = check_movie_selection(
        sm, lg.unavailable_seats(sm, new_st, env.taken_seats(new_st.id)), seats
    )

    user = env.user()
    card = None
    if old.card_id is not None:
        card = next((c for c in user.member_cards if c.id == old.card_id), None)
        if card is not None:
            try:
                check_card(card, "movie", cinema.brand_en, env.now)
            except EnvError:
                card = None  # an expired card no longer discounts the new seats
    items = seat_items(sm, new_st, sel)
    q = build_quote(
        "movie", items, cinema.service_fee_fen, env.now, brand_en=cinema.brand_en, card=card
    )
    discounts = list(q.discounts)
    total = q.total_fen
    carried = sum(d.amount_fen for d in old.discounts if d.kind == "coupon")
    if old.coupon_id is not None and carried:
        carried = min(carried, total)
        discounts.append(Discount(kind="coupon", ref_id=old.coupon_id, amount_fen=carried))
        total -= carried

    charge = exchange_charge_fen(old.total_fen, total)
    source_id = old.payment_method_id or ""
    source = lookups.payment_source(user, source_id)
    if charge and source.balance_fen < charge:
        raise EnvError(
            "insufficient_balance",
            f"the exchange costs {charge} fen more; {source_id} has {source.balance_fen} fen",
        )
    new = Order(
        id="",
        user_id=env.user_id,
        kind="movie",
        status="paid",
        created_at=env.now,
        paid_at=env.now,
        showtime_id=new_st.id,
        items=q.items,
        subtotal_fen=q.subtotal_fen,
        service_fee_fen=q.service_fee_fen,
        discounts=tuple(discounts),
        total_fen=total,
        card_id=card.id if card is not None else None,
        coupon_id=old.coupon_id,
        payment_method_id=source.id,
        exchanged_from=old.id,
        exchange_count=1,
    )
    return ExchangePlan(old=old, new=new, seats=tuple(sel), charge_fen=charge)


def exchange_order(
    env: TicketEnv, order_id: str, new_showtime_id: str, seats: Sequence[str]
) -> Order:
    """Move a paid movie order to another showtime of the same movie at the same cinema.

    Returns the new paid order (`exchanged_from` set); the old one becomes `exchanged`.
    A higher new total is charged to the original payment method: callers acting for an
    agent run this only once the user approved that charge (see the `exchange_order`
    tool); a lower one is not refunded.
    """
    plan = plan_exchange(env, order_id, new_showtime_id, seats)
    old = plan.old
    new_id = lg.new_order_id(env)
    new = evolve(plan.new, {"id": new_id, "pickup_code": lg.pickup_code(new_id, env.user_id)})
    if plan.charge_fen:
        env.put_user(lg.with_balance(env.user(), new.payment_method_id or "", -plan.charge_fen))
    env.release(old)
    taken = dict(env.taken_seats(new.showtime_id or ""))
    taken.update({s: new_id for s in plan.seats})
    env.set_taken_seats(new.showtime_id or "", taken)
    env.put_order(evolve(old, {"status": "exchanged", "exchanged_to": new_id}))
    env.put_order(new)
    return new
