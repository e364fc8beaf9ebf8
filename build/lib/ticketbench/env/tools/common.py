"""Shared pieces of the agent tools: argument types, money and time formatting, and
per-world indices. Entity lookups are `ticketbench.env.lookups`."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field

from ticketbench.env.models import (
    SEAT_CHARS,
    City,
    Hall,
    SeatType,
    Showtime,
)
from ticketbench.env.names import NameIndex, world_cached
from ticketbench.env.orders.ledger import unavailable_seats
from ticketbench.env.orders.pricing import yuan
from ticketbench.env.seats.seatmap import seat_map
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.env.world import World

# --- argument types (they shape the generated JSON schemas) ----------------------------
Id = Annotated[str, Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
SeatId = Annotated[str, Field(pattern=r"^[0-9]{1,3}-[0-9]{1,3}$", max_length=7)]
MovieSeats = Annotated[list[SeatId], Field(min_length=1, max_length=4)]
Text = Annotated[str, Field(max_length=200)]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", max_length=10)]
HourMinute = Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$", max_length=5)]

MAX_MOVIE_SEATS = 4


# --- formatting ------------------------------------------------------------------------
@lru_cache(maxsize=32)
def tzinfo(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=1 << 16)
def local(dt: datetime, tz: str = "Asia/Shanghai") -> datetime:
    """`dt` in the city's local time (cached: the same showtime starts recur in every call)."""
    return dt.astimezone(tzinfo(tz))


@lru_cache(maxsize=1 << 16)
def hm(dt: datetime, tz: str = "Asia/Shanghai") -> str:
    """A time as "2025-06-01 19:30" in the city's local time (cached; strftime is slow)."""
    d = dt.astimezone(tzinfo(tz))
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d} {d.hour:02d}:{d.minute:02d}"


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EnvError("invalid_arguments", f"not a valid date {text!r}; use YYYY-MM-DD") from None


def parse_hm(text: str) -> time:
    h, _, m = text.partition(":")
    if not (0 <= int(h) <= 23 and 0 <= int(m) <= 59):
        raise EnvError("invalid_arguments", f"not a valid time {text!r}; use HH:MM (00:00-23:59)")
    return time(int(h), int(m))


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0, 0), tzinfo(tz))
    return start, start + timedelta(days=1)


def city_tz(world: World, city_id: str) -> str:
    c = world.cities.get(city_id)
    return c.timezone if c is not None else "Asia/Shanghai"


# --- per-world indices ------------------------------------------------------------------
@world_cached
def city_index(world: World) -> NameIndex[City]:
    return NameIndex((c, [c.id, c.name_zh, c.name_en, *c.aliases]) for c in world.data.cities)


def resolve_city(env: TicketEnv, text: str | None) -> City:
    """The city named by `text` (zh/en/alias/id); the user's city when None."""
    if text is None or not text.strip():
        c = env.world.cities.get(env.user().city_id)
        assert c is not None
        return c
    hit = city_index(env.world).best(text)
    if hit is None:
        known = ", ".join(f"{c.name_en}/{c.name_zh}" for c in env.world.data.cities)
        raise EnvError("not_found", f"no city matching {text!r}; cities: {known}")
    return hit


@dataclass(frozen=True, slots=True)
class HallInfo:
    """Precomputed per hall: sellable seat count and seat types present."""

    sellable: int
    types: tuple[SeatType, ...]


@world_cached
def hall_info(world: World) -> Mapping[str, HallInfo]:
    out: dict[str, HallInfo] = {}
    for h in world.data.halls:
        chars = "".join(h.layout)
        present = tuple(t for ch, t in SEAT_CHARS.items() if ch in chars)
        out[h.id] = HallInfo(sum(ch in SEAT_CHARS for ch in chars), present)
    return out


def hall(env: TicketEnv, hall_id: str) -> Hall:
    h = env.world.halls.get(hall_id)
    if h is None:  # a world inconsistency, not the agent's fault
        raise EnvError("internal", f"hall {hall_id!r} of this showtime is missing")
    return h


def base_seats_left(world: World, st: Showtime) -> int:
    """Free seats of a showtime when the episode has held or bought none there."""
    info = hall_info(world).get(st.hall_id)
    return 0 if info is None else max(0, info.sellable - len(st.sold))


def seats_left(env: TicketEnv, st: Showtime) -> int:
    """Free seats of a showtime: sellable minus sold in the base world minus held/bought now."""
    info = hall_info(env.world).get(st.hall_id)
    if info is None:
        return 0
    taken = env.taken_seats(st.id)
    if not taken:  # the common case: nothing booked in this episode
        return max(0, info.sellable - len(st.sold))
    h = env.world.halls[st.hall_id]
    sm = seat_map(h)
    return max(0, info.sellable - len(unavailable_seats(sm, st, taken) - sm.broken))


def price_range(env: TicketEnv, st: Showtime) -> str:
    info = hall_info(env.world).get(st.hall_id)
    types = info.types if info is not None else tuple(st.prices)
    prices = [st.prices[t] for t in types if t in st.prices]
    if not prices:
        return "n/a"
    lo, hi = min(prices), max(prices)
    return yuan(lo) if lo == hi else f"{yuan(lo)}-{yuan(hi)}"


@world_cached
def _sales_close(world: World) -> dict[str, float]:
    return {}  # showtime id -> POSIX time online sales close (filled lazily)


def sales_open(env: TicketEnv, st: Showtime, now_ts: float | None = None) -> bool:
    """Online sales are open strictly before `sales_cutoff_min` minutes ahead of the start."""
    close = _sales_close(env.world)
    ts = close.get(st.id)
    if ts is None:
        ts = close[st.id] = (st.start - timedelta(minutes=st.sales_cutoff_min)).timestamp()
    return (env.now.timestamp() if now_ts is None else now_ts) < ts


@dataclass(frozen=True, slots=True)
class Timeline:
    """Showtimes sorted by start, with start times as POSIX seconds for bisecting.

    Floats, not datetimes: comparing aware datetimes calls into the tz database every time.
    """

    showtimes: tuple[Showtime, ...]
    starts: tuple[float, ...]

    def __bool__(self) -> bool:
        return bool(self.showtimes)

    def between(self, lo: float, hi: float | None) -> Iterator[Showtime]:
        """Showtimes starting in (lo, hi) (hi None: no upper bound), lazily, in order."""
        a = bisect_right(self.starts, lo)
        b = len(self.starts) if hi is None else bisect_left(self.starts, hi)
        sts = self.showtimes
        return (sts[i] for i in range(a, b))


def _timelines(groups: Mapping[tuple[str, str], list[Showtime]]) -> dict[tuple[str, str], Timeline]:
    return {k: Timeline(tuple(v), tuple(s.start.timestamp() for s in v)) for k, v in groups.items()}


@world_cached
def by_movie_city(world: World) -> Mapping[tuple[str, str], Timeline]:
    """(movie id, city id) -> timeline of its showtimes there."""
    out: dict[tuple[str, str], list[Showtime]] = defaultdict(list)
    for movie_id, sts in world.showtimes_by_movie.items():
        for st in sts:  # already sorted by start
            c = world.cinemas.get(st.cinema_id)
            if c is not None:
                out[(movie_id, c.city_id)].append(st)
    return _timelines(out)


@world_cached
def by_movie_cinema(world: World) -> Mapping[tuple[str, str], Timeline]:
    """(movie id, cinema id) -> timeline of its showtimes there."""
    out: dict[tuple[str, str], list[Showtime]] = defaultdict(list)
    for movie_id, sts in world.showtimes_by_movie.items():
        for st in sts:
            out[(movie_id, st.cinema_id)].append(st)
    return _timelines(out)


@world_cached
def movies_in_city(world: World) -> Mapping[str, frozenset[str]]:
    """City id -> ids of movies with at least one showtime there."""
    out: dict[str, set[str]] = defaultdict(set)
    for movie_id, city_id in by_movie_city(world):
        out[city_id].add(movie_id)
    return {k: frozenset(v) for k, v in out.items()}
