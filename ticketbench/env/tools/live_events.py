"""Live event tools: search events, and one event's sessions, zones and rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from ticketbench.env import lookups
from ticketbench.env.lru import LRU
from ticketbench.env.models import EventCategory, EventSession, LiveEvent
from ticketbench.env.names import NameIndex, normalise, world_cached
from ticketbench.env.orders.ledger import zone_used
from ticketbench.env.orders.pricing import yuan
from ticketbench.env.rules import session_on_sale
from ticketbench.env.state import TicketEnv
from ticketbench.env.tools import common as c
from ticketbench.env.tools.registry import AGENT_TOOLS
from ticketbench.env.tools.views import refund_tiers_text
from ticketbench.env.world import World


@world_cached
def event_index(world: World) -> NameIndex[LiveEvent]:
    return NameIndex(
        (e, [e.id, e.title_zh, e.title_en, *e.aliases, *e.performers, e.venue_zh, e.venue_en])
        for e in world.data.events
    )


def session_state(ev: LiveEvent, s: EventSession, start_ts: float, now_ts: float) -> str:
    """over / not on sale yet / sales closed / on sale (times as POSIX seconds)."""
    if start_ts <= now_ts:
        return "over"
    if now_ts < session_on_sale(ev, s).timestamp():
        return "not on sale yet"
    if now_ts >= start_ts - ev.sales_cutoff_min * 60:
        return "sales closed"
    return "on sale"


@world_cached
def _session_starts(world: World) -> dict[str, tuple[tuple[EventSession, float], ...]]:
    """Event id -> its sessions with start times as POSIX seconds (cheap to compare)."""
    return {e.id: tuple((s, s.start.timestamp()) for s in e.sessions) for e in world.data.events}


def _price_range(ev: LiveEvent) -> str:
    prices = [z.price_fen for z in ev.zones]
    if not prices:
        return "n/a"
    lo, hi = min(prices), max(prices)
    return yuan(lo) if lo == hi else f"{yuan(lo)}-{yuan(hi)}"


@dataclass(frozen=True, slots=True)
class _Listing:
    """What search_events shows of a base-world event, minus the session filter."""

    tz: str
    sessions: tuple[tuple[float, str], ...]  # (start POSIX seconds, local "YYYY-MM-DD HH:MM")
    head: dict[str, Any]  # id .. venue
    tail: dict[str, Any]  # price, on_sale


@world_cached
def _listings(world: World) -> dict[str, _Listing]:
    """Event id -> its listing parts. Base-world data only (search_events lists the base
    events), so cached per world, one entry per event: bounded by the world."""
    out: dict[str, _Listing] = {}
    for ev in world.data.events:
        tz = c.city_tz(world, ev.city_id)
        head = {
            "id": ev.id,
            "zh": ev.title_zh,
            "en": ev.title_en,
            "cat": ev.category,
            "city": ev.city_id,
            "venue": f"{ev.venue_zh} / {ev.venue_en}",
        }
        tail = {"price": _price_range(ev), "on_sale": c.hm(ev.on_sale, tz)}
        starts = tuple((s.start.timestamp(), c.hm(s.start, tz)) for s in ev.sessions)
        out[ev.id] = _Listing(tz, starts, head, tail)
    return out


@AGENT_TOOLS.tool
def search_events(
    env: TicketEnv,
    query: c.Text | None = None,
    city: c.Text | None = None,
    category: EventCategory | None = None,
    date_from: c.Day | None = None,
    date_to: c.Day | None = None,
    limit: Annotated[int, Field(ge=1, le=30)] = 10,
) -> dict[str, Any]:
    """Find live events (concerts, theatre, sports, comedy) by title, performer or venue.

    Args:
        query: Title, performer, alias or venue.
        city: Default: every city.
        category: Only this category.
        date_from: First date YYYY-MM-DD (inclusive).
        date_to: Last date YYYY-MM-DD (inclusive).
        limit: Maximum results.
    """
    world = env.world
    if query is not None and normalise(query):
        found = [e for _, e in event_index(world).search(query)]
    else:
        found = list(world.data.events)
    city_id = c.resolve_city(env, city).id if city is not None else None
    day_from = c.parse_day(date_from) if date_from else None
    day_to = c.parse_day(date_to) if date_to else None
    now_ts = env.now.timestamp()
    listings = _listings(world)
    rows: list[dict[str, Any]] = []
    total = 0
    for ev in found:
        if (city_id is not None and ev.city_id != city_id) or (
            category is not None and ev.category != category
        ):
            continue
        li = listings[ev.id]
        tz = li.tz
        lo = max(now_ts, c.day_bounds(day_from, tz)[0].timestamp()) if day_from else now_ts
        hi = c.day_bounds(day_to, tz)[1].timestamp() if day_to else None
        days = [t for ts, t in li.sessions if ts > lo and (hi is None or ts < hi)]
        if not days:
            continue
        total += 1
        if len(rows) < limit:
            rows.append({**li.head, "sessions": days[:6], **li.tail})
    return {"events": rows, "total": total}


@AGENT_TOOLS.tool
def get_event(env: TicketEnv, event_id: c.Id) -> dict[str, Any]:
    """An event's sessions (tickets left per zone), zones and prices, and rules (real_name,
    per_order_limit, per_id_limit, on-sale, cut-off, fee, refund tiers).

    Args:
        event_id: From search_events.
    """
    ev = lookups.event(env, event_id)
    pre = _event_parts(env.world, ev)
    now_ts = env.now.timestamp()
    sessions = []
    for s, start_ts, start, opens in pre.sessions:
        left = {z.id: max(z.capacity - zone_used(env, s, z.id), 0) for z in ev.zones}
        row: dict[str, Any] = {
            "id": s.id,
            "start": start,
            "state": session_state(ev, s, start_ts, now_ts),
            "left": left,
        }
        if opens:  # a session added later goes on sale on its own date
            row["on_sale"] = opens
        sessions.append(row)
    out = dict(pre.head)
    out["performers"] = list(ev.performers)  # fresh containers: callers may keep the data
    out["zones"] = [dict(z) for z in pre.zones]
    out["sessions"] = sessions
    out["rules"] = dict(pre.rules)
    return out


@dataclass(frozen=True, slots=True)
class _EventParts:
    """The parts of get_event that do not depend on episode state or the clock."""

    event: LiveEvent  # the object these parts were built from (identity is the cache key)
    head: dict[str, Any]
    zones: tuple[dict[str, Any], ...]
    sessions: tuple[tuple[EventSession, float, str, str], ...]  # ..., start, own on-sale
    rules: dict[str, Any]


@world_cached
def _event_parts_cache(world: World) -> LRU[int, _EventParts]:
    """Id of an event object -> its static parts, per world. The event may be the
    episode's copy (task setup can override text), so the key is the object's identity,
    checked on a hit (the entry holds the object: its id cannot be reused while cached)."""
    return LRU(1024)


def _event_parts(world: World, ev: LiveEvent) -> _EventParts:
    cache = _event_parts_cache(world)
    hit = cache.get(id(ev))
    if hit is not None and hit.event is ev:
        return hit
    return cache.put(id(ev), _build_event_parts(world, ev))


def _build_event_parts(world: World, ev: LiveEvent) -> _EventParts:
    tz = c.city_tz(world, ev.city_id)
    head = {
        "id": ev.id,
        "zh": ev.title_zh,
        "en": ev.title_en,
        "cat": ev.category,
        "performers": None,  # filled per call (a fresh list)
        "city": ev.city_id,
        "venue": f"{ev.venue_zh} / {ev.venue_en} ({ev.district})",
        "description": ev.description,
    }
    zones = tuple(
        {"id": z.id, "name": f"{z.name_zh} / {z.name_en}", "price": yuan(z.price_fen)}
        for z in ev.zones
    )
    sessions = tuple(
        (s, ts, c.hm(s.start, tz), c.hm(s.on_sale, tz) if s.on_sale else "")
        for s, ts in _session_starts(world)[ev.id]
    )
    rules = {
        "real_name": ev.real_name,
        "per_order_limit": ev.per_order_limit,
        "per_id_limit": ev.per_id_limit if ev.real_name else None,
        "seating": ev.seating,
        "on_sale": c.hm(ev.on_sale, tz)
        + (
            " (sessions added later: their own date)" if any(s.on_sale for s in ev.sessions) else ""
        ),
        "sales_close": f"{ev.sales_cutoff_min} min before start",
        "service_fee": f"{yuan(ev.service_fee_fen)} per ticket",
        "refunds": refund_tiers_text(ev.refund_tiers),
    }
    return _EventParts(ev, head, zones, sessions, rules)
