"""Pure rules of the ticketing service: seat selection, limits and sales windows.

Nothing here reads or writes a `TicketEnv`; every function takes plain values and either
returns a result or raises `EnvError(code, message)`. Policy text quotes these docstrings,
so they state each rule exactly. Pricing lives in `pricing.py`, refunds and exchanges in
`refunds.py`.

All cut-offs are strict: an action is allowed only *before* the cut-off instant.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from ticketbench.env.models import Attendee, EventSession, LiveEvent, Showtime
from ticketbench.env.seats.seatmap import SeatMap
from ticketbench.env.toolkit import EnvError

MOVIE_ORDER_LIMIT = 4  # seats per movie order


def seat_sort_key(sm: SeatMap, seat_id: str) -> tuple[int, int]:
    """Front-to-back, left-to-right order of seats (unknown ids last)."""
    s = sm.seats.get(seat_id)
    return (s.row, s.number) if s is not None else (10**6, 10**6)


# --- the no-single-gap rule ------------------------------------------------------------


def _singles(block: Sequence[str], occupied: Sequence[bool]) -> set[str]:
    """Empty seats of a block whose both neighbours are walls (occupied or block end)."""
    out: set[str] = set()
    last = len(block) - 1
    for i, sid in enumerate(block):
        if occupied[i]:
            continue
        if (i == 0 or occupied[i - 1]) and (i == last or occupied[i + 1]):
            out.add(sid)
    return out


def stranded_seats(
    sm: SeatMap, unavailable: Collection[str], selection: Iterable[str]
) -> list[str]:
    """Seats the selection would leave as a single empty seat between two walls.

    The no-single-gap rule: a selection must not strand one empty seat between walls.
    Walls are sold, held or broken seats, aisles, row ends and the selection itself.
    Only gaps the new selection creates count: a seat that already was a single gap
    before the selection is not reported. Returns seat ids front to back, left to right.
    """
    sel = {s for s in selection if s in sm.seats}
    if not sel:
        return []
    broken = sm.broken
    blocks = {(sm.seats[s].row, sm.seats[s].block) for s in sel}
    out: set[str] = set()
    for row, b in blocks:
        block = sm.rows[row - 1][b]
        # Occupancy flags of this block only: no copy of the (large) unavailable set.
        before = [s in unavailable or s in broken for s in block]
        after = [o or s in sel for o, s in zip(before, block, strict=True)]
        out |= _singles(block, after) - _singles(block, before)
    return sorted(out, key=lambda s: seat_sort_key(sm, s))


def check_gap_rule(sm: SeatMap, unavailable: Collection[str], selection: Iterable[str]) -> None:
    """Raise `gap_rule` if the selection strands a single empty seat (see `stranded_seats`)."""
    stranded = stranded_seats(sm, unavailable, selection)
    if stranded:
        names = ", ".join(stranded)
        raise EnvError(
            "gap_rule",
            f"this selection would leave seat {names} as a single empty seat between "
            "occupied seats, an aisle or the row end; choose seats that leave no single gap",
        )


# --- couple, wheelchair and companion seats --------------------------------------------


def check_special_seats(sm: SeatMap, selection: Collection[str]) -> None:
    """Couple and companion seat rules.

    - Couple seats ('C') are sold only as whole pairs: both halves of a pair must be in
      the same order. Pairs are consecutive couple seats in a block, paired left to right;
      a couple seat left without a partner by the layout is sold on its own.
    - A wheelchair seat ('W') may be bought alone.
    - A companion seat ('P') may only be bought together with an adjacent wheelchair seat
      in the same order (a companion seat with no adjacent wheelchair seat is sold like a
      standard seat).
    """
    if sm.couple_partner.keys().isdisjoint(selection) and sm.companion_of.keys().isdisjoint(
        selection
    ):
        return  # the common case: no couple or companion seat selected
    for sid in sorted(selection, key=lambda s: seat_sort_key(sm, s)):
        mate = sm.couple_partner.get(sid)
        if mate is not None and mate not in selection:
            raise EnvError(
                "couple_pair",
                f"seat {sid} is a couple seat sold only as a pair with {mate}; "
                f"select both {sid} and {mate}",
            )
        wheel = sm.companion_of.get(sid)
        if wheel is not None and not any(w in selection for w in wheel):
            raise EnvError(
                "companion_seat",
                f"seat {sid} is a companion seat; it can only be bought together with its "
                f"wheelchair seat {' or '.join(wheel)} in the same order",
            )


def normalise_seats(sm: SeatMap, seats: Sequence[str]) -> tuple[str, ...]:
    """Check seat ids exist and are distinct; return them front to back, left to right."""
    if not seats:
        raise EnvError("no_seats", "select at least one seat")
    clean = [s.strip() for s in seats]
    seen: set[str] = set()
    for s in clean:
        if s not in sm.seats:
            raise EnvError(
                "unknown_seat",
                f"there is no seat {s!r} in this hall; seat ids look like '5-7' (row-number)",
            )
        if s in seen:
            raise EnvError("duplicate_seat", f"seat {s} is listed more than once")
        seen.add(s)
    return tuple(sorted(clean, key=lambda s: seat_sort_key(sm, s)))


def check_movie_selection(
    sm: SeatMap, unavailable: Collection[str], seats: Sequence[str]
) -> tuple[str, ...]:
    """Validate a movie seat selection; return the seats front to back, left to right.

    Checks, in order: seat ids exist and are distinct; at most `MOVIE_ORDER_LIMIT` (4)
    seats per order; no broken, sold or held seat; couple/companion rules
    (`check_special_seats`); the no-single-gap rule (`check_gap_rule`).
    """
    sel = normalise_seats(sm, seats)
    check_movie_limit(len(sel))
    for s in sel:
        if s in sm.broken:
            raise EnvError("seat_broken", f"seat {s} is out of service and cannot be sold")
        if s in unavailable:
            raise EnvError("seat_taken", f"seat {s} is already sold or held")
    check_special_seats(sm, sel)
    check_gap_rule(sm, unavailable, sel)
    return sel


# --- limits ----------------------------------------------------------------------------


def check_movie_limit(n: int) -> None:
    """A movie order holds 1 to `MOVIE_ORDER_LIMIT` (4) seats."""
    if n < 1:
        raise EnvError("no_seats", "select at least one seat")
    if n > MOVIE_ORDER_LIMIT:
        raise EnvError("order_limit", f"at most {MOVIE_ORDER_LIMIT} seats per movie order; got {n}")


def check_event_quantity(event: LiveEvent, quantity: int) -> None:
    """An event order holds 1 to `event.per_order_limit` tickets."""
    if quantity < 1:
        raise EnvError("invalid_quantity", "buy at least one ticket")
    if quantity > event.per_order_limit:
        raise EnvError(
            "order_limit",
            f"at most {event.per_order_limit} tickets per order for {event.title_en}; "
            f"got {quantity}",
        )


def check_attendees(
    event: LiveEvent,
    quantity: int,
    attendee_ids: Sequence[str] | None,
    saved: Mapping[str, Attendee],
    tickets_per_id: Mapping[str, int],
) -> tuple[Attendee, ...]:
    """Real-name rules; return the attendees in the given order (empty if not real-name).

    For a real-name event, each ticket names one of the user's saved attendees: the
    number of distinct attendees must equal the quantity, and one ID number may hold at
    most `event.per_id_limit` tickets per session, counting active (pending or paid)
    orders of any user (`tickets_per_id`: ID number -> tickets already held).
    Attendees are only accepted for real-name events.
    """
    ids = list(attendee_ids or [])
    if not event.real_name:
        if ids:
            raise EnvError(
                "attendees_not_needed",
                f"{event.title_en} is not a real-name event; do not pass attendee_ids",
            )
        return ()
    if not ids:
        raise EnvError(
            "attendees_required",
            f"{event.title_en} is a real-name event: pass one saved attendee id per ticket",
        )
    if len(set(ids)) != len(ids):
        raise EnvError("duplicate_attendee", "each ticket needs a different attendee")
    if len(ids) != quantity:
        raise EnvError(
            "attendee_count",
            f"a real-name order needs exactly one attendee per ticket: {quantity} ticket(s), "
            f"{len(ids)} attendee(s)",
        )
    out: list[Attendee] = []
    for aid in ids:
        att = saved.get(aid)
        if att is None:
            raise EnvError("not_found", f"the user has no saved attendee with id {aid!r}")
        if tickets_per_id.get(att.id_number, 0) + 1 > event.per_id_limit:
            raise EnvError(
                "id_limit",
                f"attendee {att.name} ({aid}) already holds {event.per_id_limit} ticket(s) "
                "for this session; the limit is per ID per session",
            )
        out.append(att)
    return tuple(out)


# --- sales windows ---------------------------------------------------------------------


def movie_sales_close(showtime: Showtime) -> datetime:
    """When online sales of a showtime close: `sales_cutoff_min` minutes before the start."""
    return showtime.start - timedelta(minutes=showtime.sales_cutoff_min)


def check_movie_sales_open(showtime: Showtime, now: datetime) -> None:
    """Online sales are open strictly before `movie_sales_close(showtime)`."""
    close = movie_sales_close(showtime)
    if now >= close:
        raise EnvError(
            "sales_closed",
            f"online sales for showtime {showtime.id} closed at {close:%Y-%m-%d %H:%M} "
            f"({showtime.sales_cutoff_min} min before the start)",
        )


def session_on_sale(event: LiveEvent, session: EventSession) -> datetime:
    """When a session goes on sale: its own date (a session added later), else the event's."""
    return session.on_sale or event.on_sale


def check_event_sales_open(event: LiveEvent, session: EventSession, now: datetime) -> None:
    """Event sales are open from `session_on_sale` (inclusive) until `sales_cutoff_min`
    minutes before the session start (exclusive)."""
    opens = session_on_sale(event, session)
    if now < opens:
        raise EnvError(
            "not_on_sale",
            f"tickets for {event.title_en} on {session.start:%Y-%m-%d} go on sale at "
            f"{opens:%Y-%m-%d %H:%M}",
        )
    close = session.start - timedelta(minutes=event.sales_cutoff_min)
    if now >= close:
        raise EnvError(
            "sales_closed",
            f"sales for session {session.id} closed at {close:%Y-%m-%d %H:%M}",
        )


def check_zone_capacity(capacity: int, taken: int, quantity: int, zone_name: str) -> None:
    """A zone sells at most `capacity` tickets per session (`taken` counts sold + held)."""
    left = max(capacity - taken, 0)
    if quantity > left:
        raise EnvError(
            "sold_out" if left == 0 else "not_enough_tickets",
            f"zone {zone_name} has {left} ticket(s) left; requested {quantity}",
        )
