"""The order lifecycle of the mock ticketing service, as operations on a `TicketEnv`.

Every operation first expires holds that ran out (the clock may have moved), then
validates everything, and only then writes new frozen objects. A rejected call raises
`EnvError` and leaves the store untouched.

Lifecycle: create (a 15-minute hold, status pending_payment) -> pay (paid) ->
refund (refunded) or exchange (exchanged, plus a new paid order). A hold can be
cancelled (cancelled) or run out (expired). Refunds and exchanges live in `aftersale.py`
and are re-exported here, so `orders` is the one module tools import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ticketbench.env import lookups
from ticketbench.env.models import MemberCard, Order, OrderItem, evolve
from ticketbench.env.orders import ledger as lg
from ticketbench.env.orders.pricing import Quote, build_quote, check_card, seat_items
from ticketbench.env.rules import (
    check_attendees,
    check_event_quantity,
    check_event_sales_open,
    check_movie_sales_open,
    check_movie_selection,
    check_zone_capacity,
)
from ticketbench.env.seats.seatmap import SeatMap
from ticketbench.env.state import HOLD_MINUTES, TicketEnv
from ticketbench.env.toolkit import EnvError

__all__ = [
    "cancel_order",
    "check_payment_source",
    "create_event_order",
    "create_movie_order",
    "event_availability",
    "pay_order",
    "quote_event",
    "quote_movie",
    "seat_availability",
    "seed_paid_event_order",
    "seed_paid_movie_order",
]


# --- reads -----------------------------------------------------------------------------


def seat_availability(env: TicketEnv, showtime_id: str) -> tuple[SeatMap, frozenset[str]]:
    """The hall's seat map and the seats that cannot be sold now (sold, held or broken)."""
    env.expire_holds()
    st = lookups.showtime(env, showtime_id)
    sm = lg.get_seat_map(env, st)
    return sm, lg.unavailable_seats(sm, st, env.taken_seats(st.id))


def event_availability(env: TicketEnv, session_id: str) -> dict[str, int]:
    """Tickets left per zone id for one event session."""
    env.expire_holds()
    event, session = lookups.session(env, session_id)
    return {z.id: max(z.capacity - lg.zone_used(env, session, z.id), 0) for z in event.zones}


def _coupon_free(env: TicketEnv, coupon_id: str | None, except_order: str | None = None) -> None:
    """A coupon attached to another pending order cannot be attached again."""
    if coupon_id is None:
        return
    for o in env.user_orders():
        if o.status == "pending_payment" and o.coupon_id == coupon_id and o.id != except_order:
            raise EnvError(
                "coupon_in_use",
                f"coupon {coupon_id} is attached to pending order {o.id}; cancel it or pay it",
            )


def quote_movie(
    env: TicketEnv,
    showtime_id: str,
    seats: Sequence[str],
    card_id: str | None = None,
    coupon_id: str | None = None,
) -> Quote:
    """Price a movie seat selection after checking every rule an order would check."""
    env.expire_holds()
    st = lookups.showtime(env, showtime_id)
    cinema = lookups.cinema(env, st.cinema_id)
    check_movie_sales_open(st, env.now)
    sm = lg.get_seat_map(env, st)
    sel = check_movie_selection(sm, lg.unavailable_seats(sm, st, env.taken_seats(st.id)), seats)
    user = env.user()
    card = lookups.card(user, card_id) if card_id else None
    coupon = lookups.coupon(user, coupon_id) if coupon_id else None
    return build_quote(
        "movie",
        seat_items(sm, st, sel),
        cinema.service_fee_fen,
        env.now,
        brand_en=cinema.brand_en,
        card=card,
        coupon=coupon,
        showtime_id=st.id,
    )


def quote_event(
    env: TicketEnv,
    session_id: str,
    zone_id: str,
    quantity: int,
    attendee_ids: Sequence[str] | None = None,
    coupon_id: str | None = None,
) -> Quote:
    """Price event tickets after checking sales window, limits, capacity and real-name rules."""
    env.expire_holds()
    event, session = lookups.session(env, session_id)
    zone = lookups.zone(event, zone_id)
    check_event_sales_open(event, session, env.now)
    check_event_quantity(event, quantity)
    check_zone_capacity(zone.capacity, lg.zone_used(env, session, zone.id), quantity, zone.name_en)
    user = env.user()
    saved = {a.id: a for a in user.attendees}
    wanted = [saved[a].id_number for a in attendee_ids or () if a in saved]
    attendees = check_attendees(
        event, quantity, attendee_ids, saved, lg.tickets_per_id(env, session.id, wanted)
    )
    coupon = lookups.coupon(user, coupon_id) if coupon_id else None
    items = [
        OrderItem(
            zone_id=zone.id,
            attendee_id=attendees[i].id if attendees else None,
            price_fen=zone.price_fen,
        )
        for i in range(quantity)
    ]
    labels = [
        f"{zone.name_en}" + (f" / {a.name}" if a else "") for a in attendees or [None] * quantity
    ]
    return build_quote(
        "event",
        items,
        event.service_fee_fen,
        env.now,
        coupon=coupon,
        event_id=event.id,
        session_id=session.id,
        item_labels=labels,
    )


# --- holds -----------------------------------------------------------------------------


def _order_from_quote(env: TicketEnv, oid: str, q: Quote, items: tuple[OrderItem, ...]) -> Order:
    return Order(
        id=oid,
        user_id=env.user_id,
        kind=q.kind,
        status="pending_payment",
        created_at=env.now,
        hold_expires_at=env.now + timedelta(minutes=HOLD_MINUTES),
        showtime_id=q.showtime_id,
        event_id=q.event_id,
        session_id=q.session_id,
        items=items,
        subtotal_fen=q.subtotal_fen,
        service_fee_fen=q.service_fee_fen,
        discounts=q.discounts,
        total_fen=q.total_fen,
        card_id=q.card_id,
        coupon_id=q.coupon_id,
    )


def create_movie_order(
    env: TicketEnv,
    showtime_id: str,
    seats: Sequence[str],
    card_id: str | None = None,
    coupon_id: str | None = None,
    id_prefix: str = "N",
) -> Order:
    """Hold seats for 15 simulated minutes: a pending_payment order (see `quote_movie`).

    `id_prefix`: task setups that must not move the ids an episode's new orders get
    (N0001, ...) seed their orders under another prefix."""
    q = quote_movie(env, showtime_id, seats, card_id, coupon_id)
    _coupon_free(env, coupon_id)
    oid = lg.new_order_id(env, id_prefix)
    order = _order_from_quote(env, oid, q, q.items)
    taken = dict(env.taken_seats(showtime_id))
    for it in q.items:
        taken[it.seat_id or ""] = oid
    env.set_taken_seats(showtime_id, taken)
    env.put_order(order)
    return order


def create_event_order(
    env: TicketEnv,
    session_id: str,
    zone_id: str,
    quantity: int,
    attendee_ids: Sequence[str] | None = None,
    coupon_id: str | None = None,
) -> Order:
    """Hold event tickets for 15 simulated minutes; seats are assigned now, in zone order.

    Each item gets a seat label such as 'A区-3排-12号' (the first free seats of the zone).
    """
    q = quote_event(env, session_id, zone_id, quantity, attendee_ids, coupon_id)
    _coupon_free(env, coupon_id)
    event, session = lookups.session(env, session_id)
    zone = lookups.zone(event, zone_id)
    labels = lg.assign_event_seats(env, session, zone, quantity)
    oid = lg.new_order_id(env)
    items = tuple(evolve(it, {"seat_id": label}) for it, label in zip(q.items, labels, strict=True))
    order = _order_from_quote(env, oid, q, items)
    seats = dict(env.event_seats_taken(session_id, zone_id))
    seats.update({label: oid for label in labels})
    env.set_event_seats_taken(session_id, zone_id, seats)
    env.set_zone_taken(session_id, zone_id, env.zone_taken(session_id, zone_id) + quantity)
    saved = {a.id: a for a in env.user().attendees}
    for it in items:
        if it.attendee_id is not None:
            num = saved[it.attendee_id].id_number
            env.set_id_orders(session_id, num, (*env.id_orders(session_id, num), oid))
    env.put_order(order)
    return order


def check_payment_source(env: TicketEnv, order: Order, source: object) -> None:
    """A member card pays only for movies at its brand's cinemas, before it expires.

    Other payment methods pay for anything; the balance is checked by `pay_order`.
    """
    if not isinstance(source, MemberCard):
        return
    brand = None
    if order.showtime_id is not None:
        brand = lookups.cinema(env, env.world.showtimes[order.showtime_id].cinema_id).brand_en
    check_card(source, order.kind, brand, env.now)


def pay_order(env: TicketEnv, order_id: str, payment_method_id: str) -> Order:
    """Pay a pending, unexpired order from a payment method or member card balance.

    The balance must cover the total (`insufficient_balance` otherwise). The coupon is
    re-checked (unused, unexpired) and marked used; the order gets an 8-digit pickup code.
    """
    env.expire_holds()
    order = lookups.own_order(env, order_id)
    if order.status == "expired":
        raise EnvError("hold_expired", f"the hold on order {order.id} expired; create a new order")
    if order.status == "paid":
        raise EnvError("already_paid", f"order {order.id} is already paid")
    if order.status != "pending_payment":
        raise EnvError("not_payable", f"order {order.id} is {order.status} and cannot be paid")
    user = env.user()
    source = lookups.payment_source(user, payment_method_id)
    check_payment_source(env, order, source)
    if source.balance_fen < order.total_fen:
        raise EnvError(
            "insufficient_balance",
            f"{payment_method_id} has {source.balance_fen} fen, the order needs {order.total_fen}",
        )
    if order.coupon_id is not None:
        coupon = lookups.coupon(user, order.coupon_id)
        if coupon.used:
            raise EnvError("coupon_used", f"coupon {coupon.id} has already been used")
        if env.now >= coupon.expires:
            raise EnvError("coupon_expired", f"coupon {coupon.id} expired before payment")
        user = lg.with_coupon_used(user, coupon.id, True)
    env.put_user(lg.with_balance(user, source.id, -order.total_fen))
    paid = evolve(
        order,
        {
            "status": "paid",
            "paid_at": env.now,
            "payment_method_id": source.id,
            "pickup_code": lg.pickup_code(order.id, order.user_id),
        },
    )
    env.put_order(paid)
    return paid


def cancel_order(env: TicketEnv, order_id: str) -> Order:
    """Cancel a pending (unpaid) order and free what it held; paid orders need a refund."""
    env.expire_holds()
    order = lookups.own_order(env, order_id)
    if order.status != "pending_payment":
        hint = "; request a refund instead" if order.status == "paid" else ""
        raise EnvError(
            "not_cancellable", f"order {order.id} is {order.status} and cannot be cancelled{hint}"
        )
    done = evolve(order, {"status": "cancelled"})
    env.release(order)
    env.put_order(done)
    return done


# --- seeding (task setup) -------------------------------------------------------------


def seed_paid_movie_order(
    env: TicketEnv,
    showtime_id: str,
    seats: Sequence[str],
    payment_method_id: str,
    at: datetime,
    card_id: str | None = None,
    coupon_id: str | None = None,
    id_prefix: str = "N",
) -> Order:
    """Create and pay a movie order as if done at time `at` (charges the user's balance).

    For a task's setup: call `env.freeze_seed()` afterwards. The clock is restored.
    """
    saved = env.clock.now
    env.clock.now = at
    try:
        order = create_movie_order(env, showtime_id, seats, card_id, coupon_id, id_prefix)
        return pay_order(env, order.id, payment_method_id)
    finally:
        env.clock.now = saved


def seed_paid_event_order(
    env: TicketEnv,
    session_id: str,
    zone_id: str,
    quantity: int,
    payment_method_id: str,
    at: datetime,
    attendee_ids: Sequence[str] | None = None,
    coupon_id: str | None = None,
) -> Order:
    """Create and pay an event order as if done at time `at` (see `seed_paid_movie_order`)."""
    saved = env.clock.now
    env.clock.now = at
    try:
        order = create_event_order(env, session_id, zone_id, quantity, attendee_ids, coupon_id)
        return pay_order(env, order.id, payment_method_id)
    finally:
        env.clock.now = saved
