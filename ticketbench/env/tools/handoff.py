"""Hand-offs to the user or a human: payment requests, deep links, transfers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ticketbench.env import lookups, orders
from ticketbench.env.links import DeepLink, LinkRecord, Transfer
from ticketbench.env.models import MemberCard, Order, PaymentMethod
from ticketbench.env.orders.pricing import yuan
from ticketbench.env.state import PaymentRequest, TicketEnv, payment_requests
from ticketbench.env.toolkit import EnvError
from ticketbench.env.tools import common as c
from ticketbench.env.tools.registry import AGENT_TOOLS

PAYMENT_SENT = "payment sheet shown to the user; wait for their answer"


def payment_source(env: TicketEnv, source_id: str) -> PaymentMethod | MemberCard:
    """A payment method or member card (paying from its balance) of the user."""
    u = env.user()
    for p in u.payment_methods:
        if p.id == source_id:
            return p
    for k in u.member_cards:
        if k.id == source_id:
            return k
    raise EnvError("not_found", f"the user has no payment method {source_id!r}")


def check_payable(env: TicketEnv, order_id: str, source_id: str) -> tuple[Order, str]:
    """Raise unless the order can be paid now from `source_id`; returns (order, source id)."""
    env.expire_holds()  # the clock may have moved past the hold
    o = lookups.own_order(env, order_id)
    src = payment_source(env, source_id)  # unknown ids first, then the order's state
    if o.status == "expired" or (
        o.status == "pending_payment" and o.hold_expires_at is not None
        and o.hold_expires_at <= env.now
    ):  # fmt: skip
        raise EnvError("hold_expired", f"the hold on order {o.id} expired; create a new order")
    if o.status == "paid":
        raise EnvError("already_paid", f"order {o.id} is already paid")
    if o.status != "pending_payment":
        raise EnvError("not_payable", f"order {o.id} is {o.status} and cannot be paid")
    orders.check_payment_source(env, o, src)  # member cards: movies at their own brand only
    if src.balance_fen < o.total_fen:
        raise EnvError(
            "insufficient_balance",
            f"{src.id} has {yuan(src.balance_fen)}, the order needs {yuan(o.total_fen)}",
        )
    return o, src.id


@AGENT_TOOLS.tool
def request_payment(env: TicketEnv, order_id: c.Id, payment_method_id: c.Id) -> str:
    """Show the user the payment sheet of a pending order to approve or decline (this charges
    nothing); then wait for the answer and check get_order.

    Args:
        order_id: A pending order.
        payment_method_id: Payment method, or member card (pays from its balance).
    """
    o, source_id = check_payable(env, order_id, payment_method_id)
    for old in payment_requests(env):
        if old.order_id == o.id and old.status == "pending":
            if old.payment_method_id == source_id:
                return f"{PAYMENT_SENT} (request {old.id} is already open)"
            env.log("payment_requests", old.id, old.model_copy(update={"status": "superseded"}))
    req = PaymentRequest(
        id=env.next_id("PR"),
        order_id=o.id,
        payment_method_id=source_id,
        amount_fen=o.total_fen,
        requested_at=env.now,
    )
    env.log("payment_requests", req.id, req)
    return f"{PAYMENT_SENT} (request {req.id}, {yuan(o.total_fen)} via {source_id})"


@AGENT_TOOLS.tool
def booking_link(
    env: TicketEnv,
    showtime_id: c.Id | None = None,
    session_id: c.Id | None = None,
    seats: c.MovieSeats | None = None,
    zone_id: c.Id | None = None,
    quantity: Annotated[int, Field(ge=1, le=10)] | None = None,
) -> dict[str, Any]:
    """Fallback only: a link opening the app on a showtime or session, for the user to finish.

    Args:
        showtime_id: Movie showtime (or give session_id).
        session_id: Event session.
        seats: Seats to preselect.
        zone_id: Zone to preselect.
        quantity: Tickets to preselect.
    """
    if (showtime_id is None) == (session_id is None):
        raise EnvError("invalid_arguments", "give exactly one of showtime_id or session_id")
    if showtime_id is not None:
        if zone_id is not None or quantity is not None:
            raise EnvError("invalid_arguments", "zone_id and quantity are for event sessions")
        lookups.showtime(env, showtime_id)
        if seats:
            sm, unavailable = orders.seat_availability(env, showtime_id)
            for s in seats:
                if s not in sm.seats:
                    raise EnvError("unknown_seat", f"there is no seat {s!r} in this hall")
                if s in unavailable:
                    raise EnvError("seat_taken", f"seat {s} is not available")
            if len(set(seats)) != len(seats):
                raise EnvError("duplicate_seat", "a seat is listed more than once")
        link = DeepLink(kind="showtime", target_id=showtime_id, seats=tuple(seats or ()))
    else:
        assert session_id is not None
        if seats is not None:
            raise EnvError("invalid_arguments", "seats are for movie showtimes")
        ev, _ = lookups.session(env, session_id)
        if zone_id is not None:
            lookups.zone(ev, zone_id)
        if quantity is not None and quantity > ev.per_order_limit:
            raise EnvError("order_limit", f"at most {ev.per_order_limit} tickets per order")
        link = DeepLink(kind="session", target_id=session_id, zone_id=zone_id, quantity=quantity)
    rec = LinkRecord(id=env.next_id("L"), url=link.url, link=link, created_at=env.now)
    env.log("links", rec.id, rec)
    return {"url": rec.url, "note": "the user must pick, submit and pay in the app"}


@AGENT_TOOLS.tool
def transfer_to_human(env: TicketEnv, reason: Annotated[str, Field(min_length=1)]) -> str:
    """Hand over to a human, only for what no tool can do (complaints, disputes).

    Args:
        reason: What the user needs, and why no tool can do it.
    """
    t = Transfer(id=env.next_id("T"), reason=reason.strip(), at=env.now)
    env.log("transfers", t.id, t)
    return f"transferred to a human agent ({t.id}); tell the user a colleague will follow up"
