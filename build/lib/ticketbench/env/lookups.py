"""Entity lookups of the ticketing world, each raising `not_found` naming the missing id.

One lookup path for every caller (agent tools, the user's app, order operations), so an
agent sees the same error code whichever layer noticed the bad id. Another user's order,
card or coupon is as unknown as a missing one.
"""

from __future__ import annotations

from ticketbench.env.models import (
    Cinema,
    Coupon,
    EventSession,
    LiveEvent,
    MemberCard,
    Movie,
    Order,
    PaymentMethod,
    PriceZone,
    Showtime,
    User,
)
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError

NOT_FOUND = "not_found"


def showtime(env: TicketEnv, showtime_id: str) -> Showtime:
    st = env.world.showtimes.get(showtime_id)
    if st is None:
        raise EnvError(NOT_FOUND, f"no showtime with id {showtime_id!r}")
    return st


def movie(env: TicketEnv, movie_id: str) -> Movie:
    m = env.movie(movie_id)  # the episode's copy: task setup may override its text
    if m is None:
        raise EnvError(NOT_FOUND, f"no movie with id {movie_id!r}")
    return m


def cinema(env: TicketEnv, cinema_id: str) -> Cinema:
    c = env.cinema(cinema_id)
    if c is None:
        raise EnvError(NOT_FOUND, f"no cinema with id {cinema_id!r}")
    return c


def event(env: TicketEnv, event_id: str) -> LiveEvent:
    e = env.event(event_id)
    if e is None:
        raise EnvError(NOT_FOUND, f"no event with id {event_id!r}")
    return e


def session(env: TicketEnv, session_id: str) -> tuple[LiveEvent, EventSession]:
    """The session and its event as this episode sees it (setup may override text)."""
    found = env.world.sessions.get(session_id)
    if found is None:
        raise EnvError(NOT_FOUND, f"no event session with id {session_id!r}")
    base_event, sess = found
    return env.event(base_event.id) or base_event, sess


def zone(event: LiveEvent, zone_id: str) -> PriceZone:
    for z in event.zones:
        if z.id == zone_id:
            return z
    known = ", ".join(z.id for z in event.zones)
    raise EnvError(NOT_FOUND, f"event {event.id} has no zone {zone_id!r}; zones: {known}")


def own_order(env: TicketEnv, order_id: str) -> Order:
    """An order of the logged-in user; anyone else's order does not exist for them."""
    o = env.order(order_id)
    if o is None or o.user_id != env.user_id:
        raise EnvError(NOT_FOUND, f"no order with id {order_id!r}")
    return o


def card(user: User, card_id: str) -> MemberCard:
    for c in user.member_cards:
        if c.id == card_id:
            return c
    raise EnvError(NOT_FOUND, f"the user has no member card with id {card_id!r}")


def coupon(user: User, coupon_id: str) -> Coupon:
    for c in user.coupons:
        if c.id == coupon_id:
            return c
    raise EnvError(NOT_FOUND, f"the user has no coupon with id {coupon_id!r}")


def payment_source(user: User, source_id: str) -> PaymentMethod | MemberCard:
    """A payment method or member card (paying from its stored balance) of the user."""
    for p in user.payment_methods:
        if p.id == source_id:
            return p
    for c in user.member_cards:
        if c.id == source_id:
            return c
    raise EnvError(NOT_FOUND, f"the user has no payment method with id {source_id!r}")


def check_user_refs(
    env: TicketEnv,
    card_id: str | None = None,
    coupon_id: str | None = None,
    attendee_ids: list[str] | None = None,
) -> None:
    """Reject ids that are not the user's own card, coupon or saved attendees."""
    u = env.user()
    if card_id is not None:
        card(u, card_id)
    if coupon_id is not None:
        coupon(u, coupon_id)
    for aid in attendee_ids or ():
        if all(a.id != aid for a in u.attendees):
            raise EnvError(NOT_FOUND, f"the user has no saved attendee with id {aid!r}")
