"""The user side of the ticketing app: what a person does after a deep link or a payment sheet.

These actions are NOT visible to agents. The simulated user performs them; each call
counts as one user action for scoring. The in-progress cart lives in the "app" log table
(key "cart"), which `TicketEnv.diff()` leaves out by default: only the orders and
payments it leads to are world state.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ticketbench.env import lookups, orders
from ticketbench.env.links import DeepLink, LinkRecord, parse_link
from ticketbench.env.models import Order, SeatType
from ticketbench.env.seats.recommend import Preference, rank_selections
from ticketbench.env.seats.seatmap import render_grid
from ticketbench.env.sheets import order_sheet, payment_request
from ticketbench.env.state import ExchangeRequest, TicketEnv
from ticketbench.env.toolkit import EnvError, ToolRegistry
from ticketbench.env.tools import common as c
from ticketbench.env.tools.handoff import check_payable
from ticketbench.env.tools.live_events import get_event
from ticketbench.env.tools.seats import showtime_header
from ticketbench.env.tools.views import order_view, quote_view

APP_ACTIONS: ToolRegistry[TicketEnv] = ToolRegistry()
Attendees = Annotated[list[c.Id], Field(min_length=1, max_length=10)]


class Cart(BaseModel):
    """What the user has picked in the app so far."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["movie", "event"]
    showtime_id: str | None = None
    seats: tuple[str, ...] = ()
    session_id: str | None = None
    zone_id: str | None = None
    quantity: int | None = None
    attendee_ids: tuple[str, ...] = ()
    coupon_id: str | None = None
    card_id: str | None = None
    order_id: str | None = None  # set once submitted


def cart(env: TicketEnv) -> Cart | None:
    """The app's current cart, or None."""
    value = env.store.table("app").get("cart")
    return value if isinstance(value, Cart) else None


def _need_cart(env: TicketEnv) -> Cart:
    current = cart(env)
    if current is None:
        raise EnvError("no_cart", "nothing selected yet: open a link or pick seats/tickets first")
    return current


def _price(env: TicketEnv, k: Cart) -> dict[str, Any]:
    """Quote the cart (raises the rule's error if the selection is not valid)."""
    if k.kind == "movie":
        assert k.showtime_id is not None
        q = orders.quote_movie(env, k.showtime_id, list(k.seats), k.card_id, k.coupon_id)
    else:
        assert k.session_id is not None and k.zone_id is not None and k.quantity is not None
        q = orders.quote_event(
            env, k.session_id, k.zone_id, k.quantity, list(k.attendee_ids) or None, k.coupon_id
        )
    return quote_view(env, q)


def _save(env: TicketEnv, k: Cart) -> dict[str, Any]:
    env.log("app", "cart", k)
    return {"cart": k.model_dump(mode="json", exclude_defaults=True)}


def issued(env: TicketEnv, link: DeepLink) -> bool:
    """Did `booking_link` issue this link in this episode? (Compared parsed, so a link
    re-quoted with its parameters in another order is still the same link.)"""
    return any(
        isinstance(rec, LinkRecord) and rec.link == link
        for _, rec in env.store.table("links").overlay_items()
    )


@APP_ACTIONS.tool
def open_link(env: TicketEnv, url: Annotated[str, Field(max_length=600)]) -> dict[str, Any]:
    """Open a deep link: shows the showtime's seat map (preselected seats marked '*') or the
    event's sessions and zones, and starts a new cart with what the link preselected.
    Only links the app issued in this conversation open (a made-up or stale link does not).

    Args:
        url: The ticketbench://app/... link the agent gave.
    """
    link = parse_link(url)
    if not issued(env, link):
        raise EnvError("link_not_issued", "this link was not issued by the app; it does not open")
    if link.kind == "showtime":
        st = lookups.showtime(env, link.target_id)
        sm, unavailable = orders.seat_availability(env, st.id)
        missing = [s for s in link.seats if s not in sm.seats or s in unavailable]
        picked = tuple(s for s in link.seats if s not in missing)
        screen = showtime_header(env, st.id) + "\n" + render_grid(sm, unavailable, picked, False)
        out = _save(env, Cart(kind="movie", showtime_id=st.id, seats=picked))
        out["screen"] = screen
        if missing:
            out["unavailable"] = missing
        return out
    ev, ses = lookups.session(env, link.target_id)
    zones = {z.id for z in ev.zones}
    zone = link.zone_id if link.zone_id in zones else None
    k = Cart(kind="event", session_id=ses.id, zone_id=zone, quantity=link.quantity)
    out = _save(env, k)
    out["screen"] = get_event(env, ev.id)
    return out


@APP_ACTIONS.tool
def smart_pick_seats(
    env: TicketEnv,
    showtime_id: c.Id,
    count: Annotated[int, Field(ge=1, le=c.MAX_MOVIE_SEATS)],
    preference: Preference = "centre",
    rows: Annotated[list[int], Field(max_length=30)] | None = None,
    seat_types: Annotated[list[SeatType], Field(max_length=5)] | None = None,
    centre_only: bool = False,
) -> dict[str, Any]:
    """The app's smart seat picker: selects the best free seats for `count` people.

    Args:
        showtime_id: The showtime on screen.
        count: Number of seats.
        preference: centre, aisle, front, back, together, couple or wheelchair.
        rows: Only seats in these rows (1 = front), if given.
        seat_types: Only seats of these types (standard, vip, couple, ...), if given.
        centre_only: Only seats in the middle third of their row.
    """
    sm, unavailable = orders.seat_availability(env, lookups.showtime(env, showtime_id).id)
    allowed = set(rows or ())
    types = set(seat_types or ())
    for option in rank_selections(sm, unavailable, count, preference, limit=40):
        if (
            (not allowed or all(sm.seats[s].row in allowed for s in option))
            and (not types or all(sm.seats[s].type in types for s in option))
            and (not centre_only or all(sm.in_centre(s) for s in option))
        ):
            return pick_seats(env, showtime_id, option)
    raise EnvError(
        "no_seats",
        f"no {count} free seats fit ({preference}, rows {sorted(allowed)}, types {sorted(types)})",
    )


@APP_ACTIONS.tool
def pick_seats(env: TicketEnv, showtime_id: c.Id, seats: c.MovieSeats) -> dict[str, Any]:
    """Select seats for a showtime (replaces any earlier selection); shows the price.

    Args:
        showtime_id: The showtime on screen.
        seats: Seat ids such as ["5-7", "5-8"].
    """
    lookups.showtime(env, showtime_id)
    prev = cart(env)
    keep = prev if prev is not None and prev.showtime_id == showtime_id else None
    k = Cart(
        kind="movie",
        showtime_id=showtime_id,
        seats=tuple(seats),
        card_id=keep.card_id if keep else None,
        coupon_id=keep.coupon_id if keep else None,
    )
    return _save_priced(env, k)


@APP_ACTIONS.tool
def pick_tickets(
    env: TicketEnv,
    session_id: c.Id,
    zone_id: c.Id,
    quantity: Annotated[int, Field(ge=1, le=10)],
    attendee_ids: Attendees | None = None,
) -> dict[str, Any]:
    """Select event tickets: zone, quantity and (real-name events) attendees; shows the price.

    Args:
        session_id: The event session on screen.
        zone_id: Price zone id.
        quantity: Number of tickets.
        attendee_ids: Saved attendee ids, one per ticket (real-name events only).
    """
    lookups.zone(lookups.session(env, session_id)[0], zone_id)
    lookups.check_user_refs(env, attendee_ids=attendee_ids)
    prev = cart(env)
    coupon = prev.coupon_id if prev is not None and prev.session_id == session_id else None
    k = Cart(
        kind="event",
        session_id=session_id,
        zone_id=zone_id,
        quantity=quantity,
        attendee_ids=tuple(attendee_ids or ()),
        coupon_id=coupon,
    )
    return _save_priced(env, k)


def _save_priced(env: TicketEnv, k: Cart) -> dict[str, Any]:
    """Save the cart and show its price once complete; an invalid selection raises first,
    so the cart never holds one."""
    price = _price(env, k) if _complete(k) else None
    out = _save(env, k)
    if price is not None:
        out["price"] = price
    return out


def _complete(k: Cart) -> bool:
    if k.kind == "movie":
        return bool(k.seats)
    return k.zone_id is not None and k.quantity is not None


@APP_ACTIONS.tool
def pick_coupon(env: TicketEnv, coupon_id: c.Id | None = None) -> dict[str, Any]:
    """Apply one of the user's coupons to the cart, or remove it with null.

    Args:
        coupon_id: A coupon id of the user, or null for no coupon.
    """
    k = _need_cart(env).model_copy(update={"coupon_id": coupon_id})
    if coupon_id is not None and coupon_id not in {cp.id for cp in env.user().coupons}:
        raise EnvError("not_found", f"the user has no coupon {coupon_id!r}")
    return _save_priced(env, k)


@APP_ACTIONS.tool
def pick_card(env: TicketEnv, card_id: c.Id | None = None) -> dict[str, Any]:
    """Use one of the user's member cards for its discount (movies only), or none with null.

    Args:
        card_id: A member card id of the user, or null for no card.
    """
    k = _need_cart(env)
    if card_id is not None and k.kind != "movie":
        raise EnvError("card_not_applicable", "member cards only apply to movie tickets")
    if card_id is not None and card_id not in {m.id for m in env.user().member_cards}:
        raise EnvError("not_found", f"the user has no member card {card_id!r}")
    k = k.model_copy(update={"card_id": card_id})
    return _save_priced(env, k)


@APP_ACTIONS.tool
def best_offer(env: TicketEnv) -> dict[str, Any]:
    """Apply the member card and coupon (of the user's own) that make the cart cheapest."""
    k = _need_cart(env)
    if not _complete(k):
        raise EnvError("incomplete_cart", "pick seats (movie) or zone and quantity (event) first")
    user = env.user()
    cards: list[str | None] = [None]
    if k.kind == "movie":
        cards += [m.id for m in user.member_cards]
    coupons: list[str | None] = [None, *(cp.id for cp in user.coupons if not cp.used)]
    best: tuple[int, int, Cart] | None = None
    for card in cards:
        for coupon in coupons:
            option = k.model_copy(update={"card_id": card, "coupon_id": coupon})
            try:
                total = int(_price(env, option)["total_fen"])
            except EnvError:
                continue  # not applicable here (brand, threshold, expiry)
            used = (card is not None) + (coupon is not None)  # ties: keep what is not needed
            if best is None or (total, used) < best[:2]:
                best = (total, used, option)
    assert best is not None  # the cart without discounts prices: it is complete and valid
    return _save_priced(env, best[2])


@APP_ACTIONS.tool
def submit_order(env: TicketEnv) -> dict[str, Any]:
    """Submit the cart: places the order with a 15-minute hold and shows the checkout."""
    k = _need_cart(env)
    if k.order_id is not None:
        o = env.order(k.order_id)
        if o is not None and o.status == "pending_payment":
            raise EnvError("already_submitted", f"this cart is already order {o.id}; pay it")
    if not _complete(k):
        raise EnvError("incomplete_cart", "pick seats (movie) or zone and quantity (event) first")
    new: Order
    if k.kind == "movie":
        assert k.showtime_id is not None
        new = orders.create_movie_order(env, k.showtime_id, list(k.seats), k.card_id, k.coupon_id)
    else:
        assert k.session_id is not None and k.zone_id is not None and k.quantity is not None
        new = orders.create_event_order(
            env, k.session_id, k.zone_id, k.quantity, list(k.attendee_ids) or None, k.coupon_id
        )
    _save(env, k.model_copy(update={"order_id": new.id}))
    methods = [
        {"id": p.id, "kind": p.kind, "label": p.label, "balance_fen": p.balance_fen}
        for p in env.user().payment_methods
    ]
    return {
        "checkout": order_view(env, new),
        "sheet": order_sheet(env, new.id),
        "payment_methods": methods,
    }


@APP_ACTIONS.tool
def pay_order(env: TicketEnv, order_id: c.Id, payment_method_id: c.Id) -> dict[str, Any]:
    """Pay a pending order at the app checkout.

    Args:
        order_id: The submitted order.
        payment_method_id: A payment method id (or member card id) of the user.
    """
    _, source = check_payable(env, order_id, payment_method_id)
    paid = orders.pay_order(env, order_id, source)
    return order_view(env, paid)


@APP_ACTIONS.tool
def leave_checkout(env: TicketEnv) -> str:
    """Back out of the checkout: cancel the order the cart submitted, if it is still unpaid
    (its hold is released, as an app's "cancel order" does), and empty the cart."""
    k = _need_cart(env)
    env.log("app", "cart", None)
    order = env.order(k.order_id) if k.order_id is not None else None
    if order is None or order.status != "pending_payment":
        return "checkout left; nothing was held"
    orders.cancel_order(env, order.id)
    return f"checkout left; order {order.id} cancelled"


@APP_ACTIONS.tool
def approve_payment(env: TicketEnv, request_id: c.Id) -> dict[str, Any]:
    """Approve a payment sheet the agent sent: the order is paid from the requested method.

    Args:
        request_id: The payment request id.
    """
    req = payment_request(env, request_id)
    if req.status != "pending":
        raise EnvError("not_pending", f"payment request {req.id} is {req.status}")
    try:
        if isinstance(req, ExchangeRequest):
            # Re-checked now: the seats or the balance may have changed since the sheet.
            plan = orders.plan_exchange(env, req.order_id, req.new_showtime_id, req.seats)
            if plan.charge_fen != req.amount_fen:
                raise EnvError(
                    "price_changed", f"the exchange now costs {plan.charge_fen} fen more"
                )
            done = orders.exchange_order(env, req.order_id, req.new_showtime_id, req.seats)
        else:
            done = orders.pay_order(env, req.order_id, req.payment_method_id)
    except EnvError:
        # The payment failed (the hold expired, the price changed): the sheet closes, as a
        # payment app's does; the agent sends a new one for a new order.
        env.log("payment_requests", req.id, req.model_copy(update={"status": "failed"}))
        raise
    env.log("payment_requests", req.id, req.model_copy(update={"status": "approved"}))
    return order_view(env, done)


@APP_ACTIONS.tool
def decline_payment(env: TicketEnv, request_id: c.Id) -> str:
    """Decline a payment sheet the agent sent (nothing is charged; the hold stays).

    Args:
        request_id: The payment request id.
    """
    req = payment_request(env, request_id)
    if req.status != "pending":
        raise EnvError("not_pending", f"payment request {req.id} is {req.status}")
    env.log("payment_requests", req.id, req.model_copy(update={"status": "declined"}))
    return f"payment request {req.id} declined"
