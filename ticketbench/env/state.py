"""Per-episode state of the ticketing world: the store, the clock and typed accessors.

`TicketEnv` is what every tool and app action receives as its first argument. It is
bound to one logged-in user; tools can only read or change that user's data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict

from ticketbench.env.models import Cinema, LiveEvent, Movie, Order, User, evolve
from ticketbench.env.store import Change, Store
from ticketbench.env.world import World

HOLD_MINUTES = 15
RELEASED = ""  # seats-table value of a base-world seat freed by a refund
_EMPTY: Mapping[str, str] = MappingProxyType({})


class PaymentRequest(BaseModel):
    """A payment sheet the agent put in front of the user (see `request_payment`)."""

    model_config = ConfigDict(frozen=True)
    id: str
    order_id: str
    payment_method_id: str
    amount_fen: int
    requested_at: datetime
    status: str = "pending"  # pending / approved / declined / failed / superseded


class ExchangeRequest(PaymentRequest):
    """An exchange sheet: moving paid order `order_id` to `new_showtime_id` / `seats` costs
    `amount_fen` more, charged to `payment_method_id` once the user approves it (see the
    `exchange_order` tool). Kept in the same table as payment requests: one approval flow."""

    new_showtime_id: str
    seats: tuple[str, ...]


class TicketTransfer(BaseModel):
    """A paid order given to another account (转赠; see the `transfer_ticket` tool)."""

    model_config = ConfigDict(frozen=True)
    order_id: str
    to_user_id: str
    to_phone: str
    message: str
    at: datetime


# Tables whose entries are records of what was said or offered, not world state.
# "app" holds the user's in-progress app cart (ticketbench.env.app), not an order;
# "ticket_transfers" records who received a transferred order (the order's own status is
# world state); "remarks" holds order remarks a task's setup wrote (read-only for tools).
LOG_TABLES = frozenset(
    {"payment_requests", "links", "transfers", "counters", "app", "ticket_transfers", "remarks"}
)


def payment_requests(env: TicketEnv) -> list[PaymentRequest]:
    """Every payment (and exchange) request of the episode, oldest first."""
    t = env.store.table("payment_requests")
    seen: dict[str, PaymentRequest] = {}
    for key, req in [*t.seed_items(), *t.overlay_items()]:
        if isinstance(req, PaymentRequest):
            seen[key] = req
    return sorted(seen.values(), key=lambda r: r.id)


@dataclass(frozen=True, slots=True)
class SeedSnapshot:
    """A task's frozen setup: the store's seed layers, the clock and the pending holds."""

    layers: Mapping[str, Mapping[str, Any]]
    now: datetime
    pending: frozenset[str]


class Clock:
    """The simulated local clock of one episode. Only actions move it."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware time")
        self.now = now

    def advance(self, seconds: float) -> None:
        self.now = self.now + timedelta(seconds=seconds)


class TicketEnv:
    """The sandboxed world as seen by one episode."""

    def __init__(self, world: World, user_id: str, now: datetime) -> None:
        if user_id not in world.users:
            raise ValueError(f"unknown user {user_id!r}")
        self.world = world
        self.user_id = user_id
        self.clock = Clock(now)
        self.store = Store(
            {
                "orders": world.orders,
                "users": world.users,
                # Entity tables: read-only for tools, but a task's setup may override text
                # (e.g. inject instructions into a synopsis or a cinema notice).
                "movies": world.movies,
                "cinemas": world.cinemas,
                "events": world.events,
                "seats": _EMPTY_TABLE,  # showtime id -> {seat id: order id} taken in-episode
                "zones": _EMPTY_TABLE,  # "session|zone" -> tickets taken in-episode
                "event_seats": _EMPTY_TABLE,  # "session|zone" -> {seat id: order id}
                "ids": _EMPTY_TABLE,  # "session|id number" -> tuple of order ids
                "payment_requests": _EMPTY_TABLE,
                "links": _EMPTY_TABLE,
                "transfers": _EMPTY_TABLE,
                "ticket_transfers": _EMPTY_TABLE,  # order id -> TicketTransfer
                "remarks": _EMPTY_TABLE,  # order id -> free-text remarks shown with the order
                "counters": _EMPTY_TABLE,
                "app": _EMPTY_TABLE,
            }
        )
        self._pending: set[str] = set()  # ids of orders holding seats, for expiry sweeps

    # --- time -------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.clock.now

    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward and expire holds that ran out."""
        self.clock.advance(seconds)
        self.expire_holds()

    # --- typed accessors --------------------------------------------------------
    def user(self) -> User:
        u: User | None = self.store.table("users").get(self.user_id)
        assert u is not None
        return u

    def put_user(self, user: User) -> None:
        self.store.table("users").set(user.id, user)

    def movie(self, movie_id: str) -> Movie | None:
        """A movie as this episode sees it (task setup may have overridden text)."""
        return self.store.table("movies").get(movie_id)

    def cinema(self, cinema_id: str) -> Cinema | None:
        return self.store.table("cinemas").get(cinema_id)

    def event(self, event_id: str) -> LiveEvent | None:
        return self.store.table("events").get(event_id)

    def order(self, order_id: str) -> Order | None:
        return self.store.table("orders").get(order_id)

    def put_order(self, order: Order) -> None:
        self.store.table("orders").set(order.id, order)
        if order.status == "pending_payment":
            self._pending.add(order.id)
        else:
            self._pending.discard(order.id)

    def user_orders(self) -> list[Order]:
        """All orders of the logged-in user, base, seeded and new, oldest first."""
        t = self.store.table("orders")
        ids = [o.id for o in self.world.orders_by_user.get(self.user_id, ())]
        seen = set(ids)
        for key, _ in list(t.seed_items()) + list(t.overlay_items()):
            if key not in seen:
                seen.add(key)
                ids.append(key)
        out = [t.get(i) for i in ids]
        return sorted(
            (o for o in out if o is not None and o.user_id == self.user_id),
            key=lambda o: (o.created_at, o.id),
        )

    def taken_seats(self, showtime_id: str) -> Mapping[str, str]:
        """Seats held or bought during the seed or episode: seat id -> order id."""
        return self.store.table("seats").get(showtime_id) or _EMPTY

    def set_taken_seats(self, showtime_id: str, taken: Mapping[str, str]) -> None:
        self._set_or_clear("seats", showtime_id, MappingProxyType(dict(taken)), not taken)

    def zone_taken(self, session_id: str, zone_id: str) -> int:
        return self.store.table("zones").get(f"{session_id}|{zone_id}") or 0

    def set_zone_taken(self, session_id: str, zone_id: str, n: int) -> None:
        self._set_or_clear("zones", f"{session_id}|{zone_id}", n, n == 0)

    def event_seats_taken(self, session_id: str, zone_id: str) -> Mapping[str, str]:
        return self.store.table("event_seats").get(f"{session_id}|{zone_id}") or _EMPTY

    def set_event_seats_taken(
        self, session_id: str, zone_id: str, taken: Mapping[str, str]
    ) -> None:
        key = f"{session_id}|{zone_id}"
        self._set_or_clear("event_seats", key, MappingProxyType(dict(taken)), not taken)

    def id_orders(self, session_id: str, id_number: str) -> tuple[str, ...]:
        return self.store.table("ids").get(f"{session_id}|{id_number}") or ()

    def set_id_orders(self, session_id: str, id_number: str, orders: tuple[str, ...]) -> None:
        self._set_or_clear("ids", f"{session_id}|{id_number}", orders, not orders)

    def _set_or_clear(self, table: str, key: str, value: Any, empty: bool) -> None:
        """Write `value`; an emptied entry that was absent at the start goes back to absent,
        so a cancelled hold leaves no `{}` / `0` noise in `diff()` and `digest()`."""
        t = self.store.table(table)
        if empty and t.start_value(key) is None:
            t.set(key, None)
        else:
            t.set(key, value)

    def next_id(self, prefix: str) -> str:
        """A fresh, deterministic id such as N0001 (per episode, per prefix)."""
        t = self.store.table("counters")
        n = (t.get(prefix) or 0) + 1
        t.set(prefix, n)
        return f"{prefix}{n:04d}"

    def log(self, table: str, key: str, value: Any) -> None:
        self.store.table(table).set(key, value)

    # --- lifecycle --------------------------------------------------------------
    def expire_holds(self) -> None:
        """Expire every pending order whose hold ran out (frees its seats)."""
        if not self._pending:
            return
        for oid in sorted(self._pending):
            o = self.order(oid)
            if o is None or o.status != "pending_payment":
                continue
            if o.hold_expires_at is not None and o.hold_expires_at <= self.now:
                self.release(o)
                self.put_order(evolve(o, {"status": "expired"}))

    def release(self, order: Order) -> None:
        """Free the seats, zone tickets and attendee IDs an order holds.

        Seat bookkeeping: the "seats" table maps a showtime to {seat id: order id} for seats
        held or bought after the base world was built; a base-world seat (in
        `Showtime.sold`) that a refund frees is recorded as {seat id: RELEASED}. Event
        tickets work the same way with "zones" (net tickets taken since the base world),
        "event_seats" (assigned seat labels) and "ids" (active orders per ID number).
        """
        if order.kind == "movie" and order.showtime_id is not None:
            st = self.world.showtimes[order.showtime_id]
            taken = dict(self.taken_seats(st.id))
            for it in order.items:
                sid = it.seat_id or ""
                if taken.get(sid) == order.id:
                    del taken[sid]
                elif sid in st.sold and sid not in taken:
                    taken[sid] = RELEASED  # a base-world sale being refunded
            self.set_taken_seats(st.id, taken)
            return
        if order.session_id is None:
            return
        sid = order.session_id
        by_zone: dict[str, list[str]] = defaultdict(list)
        for it in order.items:
            by_zone[it.zone_id or ""].append(it.seat_id or "")
        for zone_id, labels in sorted(by_zone.items()):
            self.set_zone_taken(sid, zone_id, self.zone_taken(sid, zone_id) - len(labels))
            seats = dict(self.event_seats_taken(sid, zone_id))
            for label in labels:
                if seats.get(label) == order.id:
                    del seats[label]
                elif label and label not in seats:
                    seats[label] = RELEASED
            self.set_event_seats_taken(sid, zone_id, seats)
        for num in self.attendee_numbers(order):
            kept = tuple(o for o in self.id_orders(sid, num) if o != order.id)
            self.set_id_orders(sid, num, kept)

    def attendee_numbers(self, order: Order) -> list[str]:
        """ID numbers of the attendees named on an order (the order's user's attendees)."""
        user = self.store.table("users").get(order.user_id)
        nums = {a.id: a.id_number for a in user.attendees} if user is not None else {}
        return [nums[it.attendee_id] for it in order.items if it.attendee_id in nums]

    def freeze_seed(self) -> None:
        """Mark the current state as the episode's start (after a task's setup)."""
        self.store.freeze_seed()

    def seed_snapshot(self) -> SeedSnapshot:
        """The frozen setup (call after `freeze_seed`), reusable by `install_seed`."""
        return SeedSnapshot(self.store.seed_snapshot(), self.clock.now, frozenset(self._pending))

    def install_seed(self, snap: SeedSnapshot) -> None:
        """Start this fresh env from a setup frozen in another env over the same world."""
        self.store.install_seed(snap.layers)
        self.clock.now = snap.now
        self._pending = set(snap.pending)

    def diff(self, include_logs: bool = False) -> list[Change]:
        """What the episode changed; log tables (payment requests, links) left out by default."""
        changes = self.store.diff()
        if include_logs:
            return changes
        return [c for c in changes if c.table not in LOG_TABLES]

    def digest(self) -> str:
        return self.store.digest()


_EMPTY_TABLE: Mapping[str, Any] = MappingProxyType({})
