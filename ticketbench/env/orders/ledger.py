"""Lookups and bookkeeping shared by the order operations in `orders.py`.

Seat bookkeeping: the "seats" table maps a showtime to {seat id: order id} for seats held
or bought after the base world was built. A base-world seat (in `Showtime.sold`) that a
refund frees is recorded as {seat id: ""} (RELEASED). Event tickets work the same way
with the "zones" counter (net tickets taken since the base world, may be negative),
"event_seats" (assigned seat labels) and "ids" (active orders per attendee ID number).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from ticketbench.env.models import (
    EventSession,
    PriceZone,
    Showtime,
    User,
    evolve,
)
from ticketbench.env.seats.seatmap import SeatMap, seat_map
from ticketbench.env.state import RELEASED, TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.env.world import World

ACTIVE = frozenset({"pending_payment", "paid"})
ROW_SEATS = 20  # event seat labels: seats per row inside a zone


# --- world lookups ---------------------------------------------------------------------


def get_seat_map(env: TicketEnv, st: Showtime) -> SeatMap:
    return seat_map(env.world.halls[st.hall_id])


# --- user lookups ----------------------------------------------------------------------


def with_balance(user: User, source_id: str, delta: int) -> User:
    """A copy of `user` whose payment method or card `source_id` changed by `delta` fen."""
    pms = user.payment_methods
    if any(p.id == source_id for p in pms):
        new_pms = tuple(
            evolve(p, {"balance_fen": p.balance_fen + delta}) if p.id == source_id else p
            for p in pms
        )
        return evolve(user, {"payment_methods": new_pms})
    cards = tuple(
        evolve(c, {"balance_fen": c.balance_fen + delta}) if c.id == source_id else c
        for c in user.member_cards
    )
    return evolve(user, {"member_cards": cards})


def with_coupon_used(user: User, coupon_id: str, used: bool) -> User:
    coupons = tuple(evolve(c, {"used": used}) if c.id == coupon_id else c for c in user.coupons)
    return evolve(user, {"coupons": coupons})


# --- availability ----------------------------------------------------------------------


def unavailable_seats(sm: SeatMap, st: Showtime, taken: Mapping[str, str]) -> frozenset[str]:
    """Broken seats, base-world sales not released, and seats held or sold since."""
    if not taken:
        return sm.broken | st.sold
    released = {s for s, o in taken.items() if o == RELEASED}
    held = {s for s, o in taken.items() if o != RELEASED}
    return sm.broken | (st.sold - released) | held


def zone_used(env: TicketEnv, session: EventSession, zone_id: str) -> int:
    """Tickets of a zone sold or held in this session (base sales plus episode changes)."""
    return session.sold.get(zone_id, 0) + env.zone_taken(session.id, zone_id)


def seat_label(zone: PriceZone, index: int) -> str:
    """Seat label of the index-th ticket of a zone, e.g. 'A区-3排-12号'."""
    return f"{zone.name_zh}-{index // ROW_SEATS + 1}排-{index % ROW_SEATS + 1}号"


def assign_event_seats(
    env: TicketEnv, session: EventSession, zone: PriceZone, quantity: int
) -> tuple[str, ...]:
    """The first `quantity` free seat labels of a zone (the base world sold the first ones)."""
    taken = env.event_seats_taken(session.id, zone.id)
    base_sold = session.sold.get(zone.id, 0)
    out: list[str] = []
    # Base seats freed by refunds come first, then fresh seats after the base sales.
    if any(v == RELEASED for v in taken.values()):
        for i in range(min(base_sold, zone.capacity)):
            label = seat_label(zone, i)
            if taken.get(label) == RELEASED:
                out.append(label)
                if len(out) == quantity:
                    return tuple(out)
    for i in range(base_sold, zone.capacity):
        label = seat_label(zone, i)
        if label not in taken:
            out.append(label)
            if len(out) == quantity:
                return tuple(out)
    raise EnvError("sold_out", f"zone {zone.name_en} has no seats left")


@cache
def _base_id_index(world: World) -> Mapping[str, tuple[str, ...]]:
    """Base-world orders per "session|id number" (attendee ids resolved via their users)."""
    id_numbers = {(u.id, a.id): a.id_number for u in world.data.users for a in u.attendees}
    idx: dict[str, list[str]] = defaultdict(list)
    for o in world.data.orders:
        if o.session_id is None:
            continue
        for it in o.items:
            num = id_numbers.get((o.user_id, it.attendee_id or ""))
            if num is not None:
                idx[f"{o.session_id}|{num}"].append(o.id)
    return MappingProxyType({k: tuple(v) for k, v in idx.items()})


def tickets_per_id(env: TicketEnv, session_id: str, id_numbers: list[str]) -> dict[str, int]:
    """Active orders (any user) holding a ticket for each ID number in this session."""
    base = _base_id_index(env.world)
    out: dict[str, int] = {}
    for num in id_numbers:
        oids = set(base.get(f"{session_id}|{num}", ())) | set(env.id_orders(session_id, num))
        out[num] = sum(
            1 for oid in oids if (o := env.order(oid)) is not None and o.status in ACTIVE
        )
    return out


# --- writes ----------------------------------------------------------------------------


def new_order_id(env: TicketEnv, prefix: str = "N") -> str:
    """The next deterministic order id, skipping any id the world already uses."""
    while True:
        oid = env.next_id(prefix)
        if env.order(oid) is None:
            return oid


def pickup_code(order_id: str, user_id: str) -> str:
    """An 8-digit pickup code derived from the order id (stable across processes)."""
    h = hashlib.sha256(f"ticketbench|{order_id}|{user_id}".encode()).digest()
    return f"{int.from_bytes(h[:8], 'big') % 10**8:08d}"
