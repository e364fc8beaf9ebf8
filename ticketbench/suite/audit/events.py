"""Live-event orders by brute force: every session, price zone and coupon the env sells for
the named people, kept if the request allows it, and compared with the spec.

The request allows: sessions of the named event on the named day (and at the named time);
the named zone (or, for "the cheapest tickets", every zone with the lowest price that has
enough tickets left); exactly the named attendees on a real-name event; any coupon the user
holds; a total within the budget. The env's own quote decides what can be sold, and its
refusal code is the infeasibility reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from ticketbench.env import orders
from ticketbench.env.models import EventSession, LiveEvent
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.suite.audit.findings import Kind
from ticketbench.suite.audit.reading import Part
from ticketbench.suite.spec import InfeasibleReason, OrderSpec

REASONS: dict[str, InfeasibleReason] = {
    "not_on_sale": "not_on_sale",
    "sales_closed": "sales_closed",
    "sold_out": "not_enough_seats",
    "not_enough_tickets": "not_enough_seats",
    "id_limit": "id_limit",
    "duplicate_attendee": "id_limit",
}


# The reason a refusal names when zones fail differently: what holds for every zone first.
REASON_ORDER: tuple[InfeasibleReason, ...] = (
    "not_on_sale", "sales_closed", "id_limit", "not_enough_seats",
)  # fmt: skip


@dataclass(frozen=True)
class EventOption:
    """One event purchase the world offers."""

    session_id: str
    zone_id: str
    coupon_id: str | None
    total: int


@dataclass
class EventTruth:
    """What the world allows for one event part."""

    sessions: list[tuple[LiveEvent, EventSession]]
    allowed: list[EventOption] = field(default_factory=list)
    reason: InfeasibleReason | None = None


def _sessions(env: TicketEnv, part: Part) -> list[tuple[LiveEvent, EventSession]]:
    out = []
    for ev in env.world.data.events:
        if ev.id not in part.events or ev.city_id != env.user().city_id:
            continue
        for s in ev.sessions:
            hm = (s.start.hour, s.start.minute)
            if part.day is not None and s.start.date() != part.day:
                continue
            if part.clock is not None and hm != part.clock:
                continue
            if part.after is not None and hm < part.after:
                continue
            out.append((ev, s))
    return out


def _attendees(part: Part) -> list[str] | None:
    """The attendee ids a real-name order names, one per ticket."""
    if not part.attendees:
        return None
    if part.one_id_for_all and part.count is not None:
        return [part.attendees[0]] * part.count
    return list(dict.fromkeys(part.attendees))


def _quote(
    env: TicketEnv,
    ev: LiveEvent,
    s: EventSession,
    zone_id: str,
    n: int,
    atts: list[str] | None,
    coupon: str | None,
) -> int | str:
    """The total, or the env's refusal code."""
    try:
        return orders.quote_event(
            env, s.id, zone_id, n, atts if ev.real_name else None, coupon
        ).total_fen
    except EnvError as err:
        return err.code


def solve_event(env: TicketEnv, part: Part, budget: int | None) -> EventTruth:
    """Every option the request allows (see the module docstring)."""
    truth = EventTruth(_sessions(env, part))
    n = part.count or len(set(part.attendees)) or 0
    atts = _attendees(part)
    coupons: list[str | None] = [None, *(c.id for c in env.user().coupons)]
    codes: list[str] = []
    opts: list[EventOption] = []
    for ev, s in truth.sessions:
        zones = [z for z in ev.zones if not part.zones or z.id in part.zones]
        if part.optimum == "cheapest":
            left = _left(env, s.id)
            fits = [z for z in ev.zones if left.get(z.id, 0) >= n]
            low = min((z.price_fen for z in fits), default=None)
            zones = [z for z in fits if z.price_fen == low]
        for z in zones:
            for cp in coupons:
                got = _quote(env, ev, s, z.id, n, atts, cp)
                if isinstance(got, int):
                    opts.append(EventOption(s.id, z.id, cp, got))
                elif cp is None:
                    codes.append(got)
    allowed = [o for o in opts if budget is None or o.total <= budget]
    truth.allowed = allowed
    if not allowed:
        if opts:
            truth.reason = "over_budget"
        else:
            found = {REASONS[c] for c in codes if c in REASONS}
            truth.reason = next((r for r in REASON_ORDER if r in found), None)
    return truth


def _left(env: TicketEnv, session_id: str) -> dict[str, int]:
    try:
        return orders.event_availability(env, session_id)
    except EnvError:
        return {}


def _spec_ok(spec: OrderSpec, o: EventOption, n: int, atts: list[str] | None) -> bool:
    if spec.session_ids and o.session_id not in spec.session_ids:
        return False
    if spec.zone_ids and o.zone_id not in spec.zone_ids:
        return False
    if spec.count != n:
        return False
    if spec.attendee_ids and sorted(spec.attendee_ids) != sorted(atts or []):
        return False
    if spec.coupon_id is not None and o.coupon_id != spec.coupon_id:
        return False
    if spec.no_discount and o.coupon_id:
        return False
    return spec.max_total_fen is None or o.total <= spec.max_total_fen


def compare_event(
    env: TicketEnv, part: Part, truth: EventTruth, spec: OrderSpec
) -> list[tuple[Kind, str]]:
    """(kind, detail) for every disagreement between the spec and the world's options.

    The answer space: every session the spec or the request names, every zone, every
    coupon; the count and attendees as the request has them."""
    out: list[tuple[Kind, str]] = []
    n = part.count or len(set(part.attendees)) or 0
    atts = _attendees(part)
    allowed = set(truth.allowed)
    sessions = {s.id: (ev, s) for ev, s in truth.sessions}
    for sid in spec.session_ids:
        if sid in env.world.sessions:
            sessions.setdefault(sid, env.world.sessions[sid])
    coupons: list[str | None] = [None, *(c.id for c in env.user().coupons)]
    for ev, s in sessions.values():
        if env.now >= s.start - timedelta(minutes=ev.sales_cutoff_min):
            continue
        for z in ev.zones:
            for cp in coupons:
                got = _quote(env, ev, s, z.id, n, atts, cp)
                if not isinstance(got, int):
                    continue
                o = EventOption(s.id, z.id, cp, got)
                want, take = o in allowed, _spec_ok(spec, o, n, atts)
                if want != take:
                    what = f"{s.id} zone {z.id} with {cp or 'no coupon'} at {got} fen"
                    if take:
                        out.append(("accepts_wrong", f"{what}: accepted, not allowed"))
                    else:
                        out.append(("rejects_right", f"{what}: allowed, refused"))
                    return out
    if spec.attendee_ids and atts is not None and sorted(spec.attendee_ids) != sorted(set(atts)):
        out.append(("rejects_right", f"attendees {sorted(set(atts))} named, spec wants "
                    f"{sorted(spec.attendee_ids)}"))  # fmt: skip
    return out
