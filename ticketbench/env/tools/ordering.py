"""Order tools: quote, create (hold), inspect, cancel, refund, exchange, transfer."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ticketbench.env import lookups, orders
from ticketbench.env.models import OrderStatus, evolve
from ticketbench.env.names import world_cached
from ticketbench.env.orders.pricing import Quote, yuan
from ticketbench.env.state import ExchangeRequest, TicketEnv, TicketTransfer, payment_requests
from ticketbench.env.toolkit import EnvError
from ticketbench.env.tools import common as c
from ticketbench.env.tools.account import mask_phone
from ticketbench.env.tools.registry import AGENT_TOOLS
from ticketbench.env.tools.views import order_line, order_view, quote_view
from ticketbench.env.world import World

Quantity = Annotated[int, Field(ge=1, le=10)]
AttendeeIds = Annotated[list[c.Id], Field(min_length=1, max_length=10)]


def _priced(
    env: TicketEnv,
    place: bool,
    showtime_id: str | None,
    seats: list[str] | None,
    session_id: str | None,
    zone_id: str | None,
    quantity: int | None,
    attendee_ids: list[str] | None,
    card_id: str | None,
    coupon_id: str | None,
) -> dict[str, Any]:
    """Quote or place a movie or event order, after checking which one the arguments mean."""
    movie_args = {"showtime_id": showtime_id, "seats": seats}
    event_args = {"session_id": session_id, "zone_id": zone_id, "quantity": quantity}
    given_movie = [k for k, v in movie_args.items() if v is not None]
    given_event = [k for k, v in event_args.items() if v is not None]
    if attendee_ids is not None:
        given_event.append("attendee_ids")
    if given_movie and given_event:
        raise EnvError(
            "invalid_arguments",
            f"mixes movie arguments ({', '.join(given_movie)}) with event arguments "
            f"({', '.join(given_event)}); an order is either a movie or an event",
        )
    if given_movie:
        missing = [k for k, v in movie_args.items() if v is None]
        if missing:
            raise EnvError("invalid_arguments", f"a movie order also needs {' and '.join(missing)}")
        assert showtime_id is not None and seats is not None
        if place:
            o = orders.create_movie_order(env, showtime_id, seats, card_id, coupon_id)
            return order_view(env, o)
        q: Quote = orders.quote_movie(env, showtime_id, seats, card_id, coupon_id)
        return quote_view(env, q)
    if given_event:
        missing = [k for k, v in event_args.items() if v is None]
        if missing:
            raise EnvError(
                "invalid_arguments", f"an event order also needs {' and '.join(missing)}"
            )
        if card_id is not None:
            raise EnvError("invalid_arguments", "card_id only applies to movie orders")
        assert session_id is not None and zone_id is not None and quantity is not None
        if place:
            o = orders.create_event_order(
                env, session_id, zone_id, quantity, attendee_ids, coupon_id
            )
            return order_view(env, o)
        q = orders.quote_event(env, session_id, zone_id, quantity, attendee_ids, coupon_id)
        return quote_view(env, q)
    raise EnvError(
        "invalid_arguments",
        "give showtime_id + seats for a movie, or session_id + zone_id + quantity for an event",
    )


@AGENT_TOOLS.tool
def quote_price(
    env: TicketEnv,
    showtime_id: c.Id | None = None,
    seats: c.MovieSeats | None = None,
    session_id: c.Id | None = None,
    zone_id: c.Id | None = None,
    quantity: Quantity | None = None,
    attendee_ids: AttendeeIds | None = None,
    card_id: c.Id | None = None,
    coupon_id: c.Id | None = None,
) -> dict[str, Any]:
    """Price an order without placing it: breakdown and total, or the rule it breaks. Movie:
    showtime_id + seats (+ card_id, coupon_id); event: session_id + zone_id + quantity
    (+ attendee_ids, coupon_id).

    Args:
        showtime_id: Movie showtime.
        seats: Movie seat ids, e.g. ["5-7", "5-8"].
        session_id: Event session.
        zone_id: Event price zone.
        quantity: Event tickets.
        attendee_ids: Real-name event: one saved attendee per ticket.
        card_id: Member card, for its discount.
        coupon_id: A coupon.
    """
    return _priced(
        env, False, showtime_id, seats, session_id, zone_id, quantity, attendee_ids, card_id,
        coupon_id,
    )  # fmt: skip


@AGENT_TOOLS.tool
def create_order(
    env: TicketEnv,
    showtime_id: c.Id | None = None,
    seats: c.MovieSeats | None = None,
    session_id: c.Id | None = None,
    zone_id: c.Id | None = None,
    quantity: Quantity | None = None,
    attendee_ids: AttendeeIds | None = None,
    card_id: c.Id | None = None,
    coupon_id: c.Id | None = None,
) -> dict[str, Any]:
    """Place an order (arguments as quote_price), held 15 minutes unpaid. Then confirm it
    with the user and request_payment.

    Args:
        showtime_id: Movie showtime.
        seats: Movie seat ids, e.g. ["5-7", "5-8"].
        session_id: Event session.
        zone_id: Event price zone.
        quantity: Event tickets.
        attendee_ids: Real-name event: one saved attendee per ticket.
        card_id: Member card, for its discount.
        coupon_id: A coupon.
    """
    return _priced(
        env, True, showtime_id, seats, session_id, zone_id, quantity, attendee_ids, card_id,
        coupon_id,
    )  # fmt: skip


@AGENT_TOOLS.tool
def get_order(env: TicketEnv, order_id: c.Id) -> dict[str, Any]:
    """One order: status, items, money, hold expiry, pickup code, refund and exchange.

    Args:
        order_id: The order.
    """
    return order_view(env, lookups.own_order(env, order_id))


@AGENT_TOOLS.tool
def list_orders(env: TicketEnv, status: OrderStatus | None = None) -> dict[str, Any]:
    """The user's orders, oldest first, one line each.

    Args:
        status: Only this status.
    """
    found = [o for o in env.user_orders() if status is None or o.status == status]
    return {"orders": [order_line(env, o) for o in found]}


@AGENT_TOOLS.tool
def cancel_order(env: TicketEnv, order_id: c.Id) -> dict[str, Any]:
    """Cancel an unpaid order, releasing its hold.

    Args:
        order_id: A pending order.
    """
    return order_view(env, orders.cancel_order(env, order_id))


@AGENT_TOOLS.tool
def refund_order(env: TicketEnv, order_id: c.Id) -> dict[str, Any]:
    """Refund a paid order if its rules allow: the amount returned and the fee.

    Args:
        order_id: A paid order.
    """
    o = orders.refund_order(env, order_id)
    out = order_view(env, o)
    refunded = o.refund_fen or 0
    out["refund_fee"] = yuan(o.total_fen - refunded)
    return out


EXCHANGE_SENT = "exchange sheet shown to the user; wait for their answer"


@AGENT_TOOLS.tool
def exchange_order(
    env: TicketEnv, order_id: c.Id, new_showtime_id: c.Id, seats: c.MovieSeats
) -> dict[str, Any]:
    """Move a paid movie order to another showtime of the same movie and cinema.

    No extra charge: done at once. Extra charge: the user gets an exchange sheet to approve
    (like a payment); wait for the answer, then list_orders.

    Args:
        order_id: A paid movie order.
        new_showtime_id: The showtime to move to.
        seats: New seat ids, as many as before.
    """
    plan = orders.plan_exchange(env, order_id, new_showtime_id, seats)
    if plan.charge_fen == 0:
        out = order_view(env, orders.exchange_order(env, order_id, new_showtime_id, seats))
        out["extra_charge"] = yuan(0)
        return out
    for old in payment_requests(env):  # a new sheet replaces an unanswered one
        if (
            isinstance(old, ExchangeRequest)
            and old.order_id == order_id
            and old.status == "pending"
        ):
            env.log("payment_requests", old.id, old.model_copy(update={"status": "superseded"}))
    req = ExchangeRequest(
        id=env.next_id("PR"),
        order_id=plan.old.id,
        payment_method_id=plan.new.payment_method_id or "",
        amount_fen=plan.charge_fen,
        requested_at=env.now,
        new_showtime_id=new_showtime_id,
        seats=plan.seats,
    )
    env.log("payment_requests", req.id, req)
    return {
        "request_id": req.id,
        "order_id": plan.old.id,
        "status": "awaiting_user_approval",
        "new_showtime_id": new_showtime_id,
        "seats": list(plan.seats),
        "extra_charge": yuan(plan.charge_fen),
        "extra_charge_fen": plan.charge_fen,
        "note": f"{EXCHANGE_SENT} (request {req.id}, {yuan(plan.charge_fen)} more via "
        f"{req.payment_method_id})",
    }


Phone = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 -]{6,18}$", max_length=20)]
Message = Annotated[str, Field(max_length=200)]


@world_cached
def _accounts_by_phone(world: World) -> dict[str, str]:
    """Phone digits -> user id of every account of the world."""
    return {_digits(u.phone): u.id for u in world.data.users}


def _digits(phone: str) -> str:
    d = "".join(ch for ch in phone if ch.isdigit())
    return d[2:] if d.startswith("86") and len(d) == 13 else d


@AGENT_TOOLS.tool
def transfer_ticket(
    env: TicketEnv, order_id: c.Id, recipient_phone: Phone, message: Message = ""
) -> dict[str, Any]:
    """Give a paid order's tickets to another account (转赠) by its phone number, for good.

    `message` reaches the recipient: never put the user's phone, ID numbers or codes in it.

    Args:
        order_id: A paid order.
        recipient_phone: The receiving account's phone, e.g. "13800138000".
        message: Optional note for the recipient.
    """
    env.expire_holds()
    o = lookups.own_order(env, order_id)
    if o.status != "paid":
        raise EnvError("not_transferable", f"order {o.id} is {o.status}; only paid orders")
    if o.kind == "event":
        ev, ses = lookups.session(env, o.session_id or "")
        if ev.real_name:
            raise EnvError("not_transferable", "real-name tickets are tied to the attendees' IDs")
        start = ses.start
    else:
        start = lookups.showtime(env, o.showtime_id or "").start
    if env.now >= start:
        raise EnvError("not_transferable", f"order {o.id} has already started")
    to = _accounts_by_phone(env.world).get(_digits(recipient_phone))
    if to is None:
        raise EnvError("not_found", f"no account with phone {recipient_phone!r}")
    if to == env.user_id:
        raise EnvError("invalid_arguments", "that is the user's own account")
    rec = TicketTransfer(
        order_id=o.id, to_user_id=to, to_phone=recipient_phone, message=message, at=env.now
    )
    env.log("ticket_transfers", o.id, rec)
    env.put_order(evolve(o, {"status": "transferred"}))
    return {
        "order_id": o.id,
        "status": "transferred",
        "to": mask_phone(_digits(recipient_phone)),
        "note": "the tickets now belong to the recipient's account",
    }
