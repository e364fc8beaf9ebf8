"""World queries the templates use to compute ground truth with the env's own logic.

Candidates are enumerated from the world; prices come from `orders.quote_movie` /
`quote_event`, seat validity from `rules` (the same code the tools run), so the
ground truth and the service can never disagree.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from ticketbench.env import orders
from ticketbench.env.geo import haversine_km
from ticketbench.env.models import Cinema, Landmark, Point, Showtime, User
from ticketbench.env.seats.seatmap import SeatMap
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.env.world import World
from ticketbench.suite.spec import SeatRule


def sales_open(st: Showtime, now: datetime) -> bool:
    """Whether online sales of `st` are still open at `now` (the env's strict cut-off)."""
    return now < st.start - timedelta(minutes=st.sales_cutoff_min)


@dataclass(frozen=True)
class CityTimeline:
    """A city's showtimes sorted by (start, id), with start and sales-close instants as
    epoch seconds: bisecting floats is what makes per-task candidate scans cheap."""

    showtimes: tuple[Showtime, ...]
    starts: tuple[float, ...]
    closes: tuple[float, ...]


@cache
def city_timeline(world: World, city_id: str) -> CityTimeline:
    """The (cached) timeline of one city of `world`."""
    sts = tuple(
        sorted(
            (st for st in world.data.showtimes if world.cinemas[st.cinema_id].city_id == city_id),
            key=lambda st: (st.start, st.id),
        )
    )
    return CityTimeline(
        showtimes=sts,
        starts=tuple(st.start.timestamp() for st in sts),
        closes=tuple((st.start - timedelta(minutes=st.sales_cutoff_min)).timestamp() for st in sts),
    )


def on_sale(world: World, city_id: str, now: datetime, until: datetime) -> list[Showtime]:
    """Showtimes of a city on sale at `now` starting no later than `until`, by start."""
    tl = city_timeline(world, city_id)
    t0 = now.timestamp()
    # sales close before the start, so only showtimes starting after `now` can be open
    lo = bisect_right(tl.starts, t0)
    hi = bisect_right(tl.starts, until.timestamp())
    return [tl.showtimes[i] for i in range(lo, hi) if tl.closes[i] > t0]


def distance_km(world: World, cinema_id: str, point: Point) -> float:
    """Distance from a cinema to a point, rounded so ties compare equal."""
    return round(haversine_km(world.cinemas[cinema_id].location, point), 6)


def landmarks(world: World, city_id: str) -> tuple[Landmark, ...]:
    """The landmarks of a city."""
    return world.cities[city_id].landmarks


def block_rows(sm: SeatMap) -> Iterable[tuple[int, tuple[str, ...]]]:
    """(row number, block) for every aisle-bounded block of a seat map."""
    for r, blocks in enumerate(sm.rows, start=1):
        for block in blocks:
            yield r, block


def rule_ok(sm: SeatMap, rule: SeatRule, seats: Sequence[str]) -> bool:
    """Layout constraints of a seat rule (the gap rule is checked by quoting)."""
    info = [sm.seats[s] for s in seats]
    if rule.exact and sorted(seats) != sorted(rule.exact):
        return False
    if rule.rows and any(s.row not in rule.rows for s in info):
        return False
    if rule.aisle:
        blocks = sm.rows[info[0].row - 1]
        ends = {b[0] for b in blocks} | {b[-1] for b in blocks}
        if not any(s in ends for s in seats):
            return False
    if rule.centre:
        for s in info:
            width = len(sm.layout[s.row - 1])
            if not width / 3 <= s.col < 2 * width / 3:
                return False
    return True


def seat_options(
    env: TicketEnv,
    showtime_id: str,
    count: int,
    rule: SeatRule,
    types: Sequence[str] = ("standard",),
    prefer: Callable[[SeatMap, tuple[str, ...]], float] | None = None,
    limit: int | None = None,
) -> list[tuple[str, ...]]:
    """Valid selections of `count` adjacent seats (one block of one row) of `types`.

    Each returned selection passes every service rule now (quoted by the env), and the
    seat rule. Sorted by `prefer` (lower first), then front to back; at most `limit`.
    """
    try:
        sm, unavailable = orders.seat_availability(env, showtime_id)
    except EnvError:
        return []
    cands = [
        sel
        for sel in _layout_candidates(sm, count, tuple(types), rule, prefer)
        if not any(s in unavailable for s in sel)
    ]
    # Quoting is the expensive part: validate lazily, in preference order.
    out: list[tuple[str, ...]] = []
    for sel in cands:
        try:
            orders.quote_movie(env, showtime_id, sel)
        except EnvError:
            continue
        out.append(sel)
        if limit is not None and len(out) >= limit:
            break
    return out


_CANDIDATES: dict[tuple[object, ...], tuple[tuple[str, ...], ...]] = {}


def _layout_candidates(
    sm: SeatMap,
    count: int,
    types: tuple[str, ...],
    rule: SeatRule,
    prefer: Callable[[SeatMap, tuple[str, ...]], float] | None,
) -> tuple[tuple[str, ...], ...]:
    """Runs of `count` seats of `types` meeting the layout part of `rule`, in preference
    order. They depend on the hall only, so they are computed once per hall and request."""
    key = (sm.layout, count, types, rule, prefer)  # the layout, not the id: worlds may differ
    hit = _CANDIDATES.get(key)
    if hit is None:
        out = [
            sel
            for _row, block in block_rows(sm)
            for sel in (block[i : i + count] for i in range(len(block) - count + 1))
            if all(sm.seats[s].type in types for s in sel) and rule_ok(sm, rule, sel)
        ]
        if prefer is not None:
            out.sort(key=lambda sel: prefer(sm, sel))  # stable: ties stay front to back
        hit = _CANDIDATES[key] = tuple(out)
    return hit


def free_seats(env: TicketEnv, showtime_id: str, types: Sequence[str]) -> int:
    """How many seats of `types` are free now."""
    sm, unavailable = orders.seat_availability(env, showtime_id)
    return sum(1 for sid, seat in sm.seats.items() if seat.type in types and sid not in unavailable)


def first_option(
    env: TicketEnv,
    showtime_id: str,
    count: int,
    rule: SeatRule,
    types: Sequence[str] = ("standard",),
) -> tuple[str, ...] | None:
    """The most central valid selection (see `seat_options`), or None."""
    opts = seat_options(env, showtime_id, count, rule, types, prefer=centre_score, limit=1)
    return opts[0] if opts else None


def centre_score(sm: SeatMap, sel: tuple[str, ...]) -> float:
    """Distance of a selection from the hall's sweet spot (2/3 back, middle)."""
    mid_row = sm.n_rows * 0.6
    row = sm.seats[sel[0]].row
    cols = [sm.seats[s].col for s in sel]
    width = len(sm.layout[row - 1])
    return abs(row - mid_row) + abs(sum(cols) / len(cols) - (width - 1) / 2) * 0.5


def quote_total(
    env: TicketEnv,
    showtime_id: str,
    seats: Sequence[str],
    card_id: str | None = None,
    coupon_id: str | None = None,
) -> int | None:
    """The env's total for a selection, or None if the service would refuse it."""
    try:
        return orders.quote_movie(env, showtime_id, seats, card_id, coupon_id).total_fen
    except EnvError:
        return None


def discount_options(user: User, cinema: Cinema) -> list[tuple[str | None, str | None]]:
    """(card id, coupon id) pairs worth trying at `cinema` (None: not used)."""
    cards: list[str | None] = [None] + [
        k.id for k in user.member_cards if k.brand_en == cinema.brand_en
    ]
    coupons: list[str | None] = [None] + [
        cp.id for cp in user.coupons if not cp.used and cp.scope in ("movie", "any")
    ]
    return [(k, cp) for k in cards for cp in coupons]


def best_total(
    env: TicketEnv, showtime_id: str, seats: Sequence[str], discounts: bool
) -> tuple[int, str | None, str | None] | None:
    """Lowest total of a selection (optionally over the user's cards and coupons)."""
    st = env.world.showtimes[showtime_id]
    cinema = env.cinema(st.cinema_id)
    assert cinema is not None
    pairs = discount_options(env.user(), cinema) if discounts else [(None, None)]
    best: tuple[int, str | None, str | None] | None = None
    for card, coupon in pairs:
        total = quote_total(env, showtime_id, seats, card, coupon)
        if total is not None and (best is None or total < best[0]):
            best = (total, card, coupon)
    return best


def payment_for(user: User, total: int, avoid_cards: bool = True) -> str | None:
    """A payment method whose balance covers `total` (first in the user's list)."""
    for pm in user.payment_methods:
        if pm.balance_fen >= total and (pm.kind != "member_card" or not avoid_cards):
            return pm.id
    return None


def same_start(world: World, st: Showtime) -> list[Showtime]:
    """Showtimes of `st`'s movie at its cinema starting at the same minute (`st` included)."""
    return [
        s
        for s in world.showtimes_by_cinema[st.cinema_id]
        if s.movie_id == st.movie_id and s.start == st.start
    ]


def lowest_total(
    env: TicketEnv,
    showtime_id: str,
    count: int,
    rule: SeatRule,
    types: Sequence[str],
    discounts: bool = True,
) -> tuple[int, tuple[str, ...], str | None, str | None] | None:
    """The lowest total of any valid selection meeting `rule`, over the user's cards and
    coupons if `discounts`: (total, seats, card, coupon), or None if nothing can be sold.

    Prices depend on the seat types only, so one valid selection per mix of types is
    priced (a VIP pair may beat a standard pair once a coupon's threshold is met)."""
    try:
        sm, unavailable = orders.seat_availability(env, showtime_id)
    except EnvError:
        return None
    best: tuple[int, tuple[str, ...], str | None, str | None] | None = None
    seen: set[tuple[str, ...]] = set()
    for sel in _layout_candidates(sm, count, tuple(types), rule, centre_score):
        mix = tuple(sorted(str(sm.seats[x].type) for x in sel))
        if mix in seen or any(x in unavailable for x in sel):
            continue
        b = best_total(env, showtime_id, sel, discounts)
        if b is None:
            continue  # refused (the gap rule): try another selection of this mix
        seen.add(mix)
        if best is None or b[0] < best[0]:
            best = (b[0], sel, b[1], b[2])
    return best
