"""What the user sees of its orders and of the agent's payment requests: an order's sheet,
the sheet of an exchange, the payment sheet the gate judges, and the orders paid in this
episode. Read-only views over the episode's state; the actions that change it are the
app's (`app.py`)."""

from __future__ import annotations

from typing import Any

from ticketbench.env import lookups, orders
from ticketbench.env.models import Order
from ticketbench.env.state import ExchangeRequest, PaymentRequest, TicketEnv
from ticketbench.env.toolkit import EnvError


def payment_request(env: TicketEnv, request_id: str) -> PaymentRequest:
    """The payment request `request_id` of this episode (`not_found` if none)."""
    req = env.store.table("payment_requests").get(request_id)
    if not isinstance(req, PaymentRequest):
        raise EnvError("not_found", f"no payment request with id {request_id!r}")
    return req


def order_sheet(env: TicketEnv, order_id: str) -> dict[str, Any]:
    """A structured summary of one of the user's orders, for checking against a goal."""
    o = lookups.own_order(env, order_id)
    st = env.world.showtimes.get(o.showtime_id) if o.showtime_id else None
    ses = env.world.sessions.get(o.session_id) if o.session_id else None
    zones = sorted({it.zone_id for it in o.items if it.zone_id})
    start = st.start if st else ses[1].start if ses else None
    return {
        "order_id": o.id,
        "order_status": o.status,
        "kind": o.kind,
        "showtime_id": o.showtime_id,
        "movie_id": st.movie_id if st else None,
        "cinema_id": st.cinema_id if st else None,
        "session_id": o.session_id,
        "event_id": o.event_id or (ses[0].id if ses else None),
        "start": start.isoformat() if start else None,
        "seats": [it.seat_id for it in o.items if it.seat_id and o.kind == "movie"],
        "zone_id": zones[0] if len(zones) == 1 else (zones or None),
        "count": len(o.items),
        "items": [
            {
                "seat_id": it.seat_id,
                "seat_type": it.seat_type,
                "zone_id": it.zone_id,
                "attendee_id": it.attendee_id,
                "price_fen": it.price_fen,
            }
            for it in o.items
        ],
        "coupon_id": o.coupon_id,
        "card_id": o.card_id,
        "discounts": [d.model_dump() for d in o.discounts],
        "subtotal_fen": o.subtotal_fen,
        "service_fee_fen": o.service_fee_fen,
        "total_fen": o.total_fen,
        "hold_expires_at": o.hold_expires_at.isoformat() if o.hold_expires_at else None,
        "payment_method_id": o.payment_method_id,
    }


def episode_purchases(env: TicketEnv) -> list[dict[str, Any]]:
    """Sheets of the user's orders paid since the episode started (by an approved payment
    sheet or at the app's checkout), oldest first: what "my orders" shows as new."""
    t = env.store.table("orders")
    out: list[dict[str, Any]] = []
    for o in env.user_orders():
        before = t.start_value(o.id)
        if o.status == "paid" and not (isinstance(before, Order) and before.status == "paid"):
            out.append(order_sheet(env, o.id))
    return out


def exchange_sheet(env: TicketEnv, req: ExchangeRequest) -> dict[str, Any]:
    """What an exchange sheet shows: the new order the exchange would create (an order
    sheet with `exchange_of` naming the order it replaces; `amount_fen` is the extra charge)."""
    st = env.world.showtimes.get(req.new_showtime_id)
    try:
        plan = orders.plan_exchange(env, req.order_id, req.new_showtime_id, req.seats)
        items = plan.new.items
        money = {
            "subtotal_fen": plan.new.subtotal_fen,
            "service_fee_fen": plan.new.service_fee_fen,
            "total_fen": plan.new.total_fen,
            "discounts": [d.model_dump() for d in plan.new.discounts],
            "card_id": plan.new.card_id,
            "coupon_id": plan.new.coupon_id,
        }
    except EnvError:  # no longer possible: the sheet still shows what was asked
        items, money = (), {}
    return {
        "order_id": req.order_id,
        "order_status": "exchange_requested",
        "exchange_of": req.order_id,
        "kind": "movie",
        "showtime_id": req.new_showtime_id,
        "movie_id": st.movie_id if st else None,
        "cinema_id": st.cinema_id if st else None,
        "session_id": None,
        "event_id": None,
        "start": st.start.isoformat() if st else None,
        "seats": list(req.seats),
        "zone_id": None,
        "count": len(req.seats),
        "items": [
            {
                "seat_id": it.seat_id,
                "seat_type": it.seat_type,
                "zone_id": None,
                "attendee_id": None,
                "price_fen": it.price_fen,
            }
            for it in items
        ],
        **money,
    }


def payment_sheet(env: TicketEnv, request_id: str) -> dict[str, Any]:
    """The payment sheet a user sees for a request: the order summary (for an exchange, the
    new order it would create, see `exchange_sheet`) plus the request.

    `payment_method_id` is the requested method and `amount_fen` the amount to approve;
    the simulated user compares these with its goal before approving.
    """
    req = payment_request(env, request_id)
    if isinstance(req, ExchangeRequest):
        sheet = exchange_sheet(env, req)
    else:
        sheet = order_sheet(env, req.order_id)
    sheet.update(
        {
            "request_id": req.id,
            "request_status": req.status,
            "payment_method_id": req.payment_method_id,
            "amount_fen": req.amount_fen,
        }
    )
    return sheet
