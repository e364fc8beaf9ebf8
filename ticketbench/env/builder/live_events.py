"""Live events: sessions over the next two months, price zones, base sales, sale rules.

A concert stop plays one to four nights; a theatre or comedy run plays nightly (with weekend
matinees) or weekly for weeks, so an event's listing of sessions is as long as a real one.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ticketbench.env.builder.base import START_DATE, at, split_list, table, width
from ticketbench.env.builder.event_data import EVENTS, VENUES, ZONES
from ticketbench.env.models import (
    EventCategory,
    EventSession,
    LiveEvent,
    Point,
    PriceZone,
    RefundTier,
)

_REFUNDS: dict[str, tuple[RefundTier, ...]] = {
    # 7+ days before: 10% fee; 3-7 days: 30%; later: no refund
    "std": (
        RefundTier(min_days_before=7, fee_percent=10),
        RefundTier(min_days_before=3, fee_percent=30),
    ),
    # 2+ days before: free; 1-2 days: 20%
    "flex": (
        RefundTier(min_days_before=2, fee_percent=0),
        RefundTier(min_days_before=1, fee_percent=20),
    ),
    "none": (),
}
_ADDED_LEAD_DAYS = 40  # an extended run's first session went on sale this long before
_ADDED_FIRST_DEMAND = 0.5  # and has sold this share of its usual demand
_LATE_DEMAND = 0.35  # a long run's later performances still sell this share of the first's
_MATINEE_DEMAND = 0.8  # a matinee sells this share of the evening's demand
MATINEE_RUN = 6  # nightly runs this long add weekend matinees
_CATEGORIES: dict[str, EventCategory] = {
    "concert": "concert", "theatre": "theatre", "sports": "sports", "comedy": "comedy",
}  # fmt: skip


def _performances(category: str, nights: int, first: int, gap: int, hhmm: str) -> list[datetime]:
    """Every performance of a run, in order: one a night (or one every `gap` days), plus a
    weekend matinee for a nightly theatre or comedy run of `MATINEE_RUN` nights or more; a
    sports meeting over several days has an afternoon and an evening session each day."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    out: list[datetime] = []
    for k in range(nights):
        day = START_DATE + timedelta(days=first + k * gap)
        matinee = (
            category in ("theatre", "comedy")
            and gap == 1
            and nights >= MATINEE_RUN
            and day.weekday() >= 5
        )
        if matinee:
            out.append(at(day, 14, 30) if hour < 12 else at(day, 14))
        if category == "sports" and gap == 1 and nights >= 3:
            out.append(at(day, hour + 5, minute) if hour < 16 else at(day, hour - 5, minute))
        out.append(at(day, hour, minute))
    return sorted(out)


def _template(category: str, kind: str) -> str:
    if category == "sports":
        return "pitch" if kind == "stadium" else "court"
    return kind


def _sold(rng: random.Random, demand: float, zone_index: int, capacity: int) -> int:
    """Tickets already sold: the best and the cheapest zones go first."""
    pull = 1.15 if zone_index == 0 else 1.0
    f = demand * pull * rng.lognormvariate(0, 0.3)
    if f >= 0.95:
        return capacity  # sold out
    return min(capacity, round(capacity * f))


def build_events(rng: random.Random) -> list[LiveEvent]:
    """All live events (the list does not scale), ids E01..., sessions E01-1..."""
    venues = {r[0]: r for r in table(VENUES)}
    zones: dict[str, list[list[str]]] = {}
    for r in table(ZONES):
        zones.setdefault(r[0], []).append(r)
    rows = table(EVENTS)
    w = width(len(rows), 2)
    out: list[LiveEvent] = []
    for n, r in enumerate(rows, start=1):
        cat, zh, en, aliases, performers, vid, demand, factor = r[:8]
        n_sessions, first, gap, hhmm, on_sale, real, refund, desc = r[8:16]
        eid = f"E{n:0{w}d}"
        venue = venues[vid]
        hot = float(demand)
        on_sale_day = START_DATE + timedelta(days=int(on_sale))
        on_sale_at = at(on_sale_day, 12 if int(on_sale) > 0 else rng.choice((10, 12, 18)))
        # A run whose sales open later (on_sale > 0) is a run extended by added sessions:
        # its first session has been on sale for weeks, the added ones open on that date.
        added = int(on_sale) > 0 and int(n_sessions) > 1
        first_sale = on_sale_at - timedelta(days=_ADDED_LEAD_DAYS) if added else on_sale_at
        pzones: list[PriceZone] = []
        for i, z in enumerate(zones[_template(cat, venue[7])]):
            price = round(int(z[3]) * float(factor) / 10) * 10  # whole tens of yuan
            pzones.append(
                PriceZone(
                    id=f"{eid}-Z{i + 1}",
                    name_zh=z[1],
                    name_en=z[2],
                    price_fen=max(80, price) * 100,
                    capacity=rng.randint(int(z[4]), int(z[5])),
                )
            )
        sessions: list[EventSession] = []
        for k, start in enumerate(_performances(cat, int(n_sessions), int(first), int(gap), hhmm)):
            # later performances have sold less; sessions not on sale yet, nothing
            if int(on_sale) <= 0:
                d = hot * max(_LATE_DEMAND, 1.0 - 0.08 * k) * rng.uniform(0.85, 1.1)
                if start.hour < 17:
                    d *= _MATINEE_DEMAND
            else:
                d = _ADDED_FIRST_DEMAND * hot if added and k == 0 else 0.0
            sessions.append(
                EventSession(
                    id=f"{eid}-{k + 1}",
                    start=start,
                    sold={z.id: _sold(rng, d, i, z.capacity) for i, z in enumerate(pzones)},
                    on_sale=on_sale_at if added and k > 0 else None,
                )
            )
        is_real = real == "y"
        limit = 4 if is_real else 6
        out.append(
            LiveEvent(
                id=eid,
                category=_CATEGORIES[cat],
                title_zh=zh,
                title_en=en,
                aliases=split_list(aliases),
                performers=split_list(performers),
                city_id=venue[1],
                venue_zh=venue[2],
                venue_en=venue[3],
                district=venue[4],
                location=Point(lat=float(venue[5]), lon=float(venue[6])),
                description=desc,
                sessions=tuple(sessions),
                zones=tuple(pzones),
                real_name=is_real,
                per_order_limit=limit,
                per_id_limit=1 if is_real else limit,
                seating="auto",
                on_sale=first_sale,
                sales_cutoff_min=120 if cat == "concert" else 60 if cat == "theatre" else 30,
                service_fee_fen=rng.choice((0, 500, 800, 1000)) if cat != "comedy" else 0,
                refund_tiers=_REFUNDS[refund],
            )
        )
    return out
