"""Search tools: the clock, movies, cinemas near a place, showtimes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import time, timedelta
from typing import Annotated, Any

from pydantic import Field

from ticketbench.env import lookups
from ticketbench.env.geo import Place, cinema_distances, resolve_place
from ticketbench.env.models import Cinema, Format, Movie, Showtime
from ticketbench.env.names import NameIndex, normalise, world_cached
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError, ToolResult
from ticketbench.env.tools import common as c
from ticketbench.env.tools.registry import AGENT_TOOLS
from ticketbench.env.world import World

_LANGS = {
    normalise(k): v
    for k, v in {
        "english": "en", "英语": "en", "英文": "en", "原版": "en",
        "chinese": "zh", "mandarin": "zh", "国语": "zh", "中文": "zh", "普通话": "zh", "汉语": "zh",
        "cantonese": "yue", "粤语": "yue", "japanese": "ja", "日语": "ja", "korean": "ko",
        "韩语": "ko", "french": "fr", "法语": "fr",
    }.items()
}  # fmt: skip


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@world_cached
def movie_index(world: World) -> NameIndex[Movie]:
    return NameIndex((m, [m.id, m.title_zh, m.title_en, *m.aliases]) for m in world.data.movies)


@world_cached
def cinema_index(world: World) -> NameIndex[Cinema]:
    return NameIndex((x, [x.id, x.name_zh, x.name_en, *x.aliases]) for x in world.data.cinemas)


@world_cached
def movie_cities(world: World) -> Mapping[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for movie_id, city_id in c.by_movie_city(world):
        out[movie_id].append(city_id)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@world_cached
def brand_keys(world: World) -> Mapping[str, str]:
    """Cinema id -> normalised "brand_zh + brand_en" for brand filters."""
    return {x.id: normalise(x.brand_zh) + "|" + normalise(x.brand_en) for x in world.data.cinemas}


@world_cached
def _cinema_rows(world: World) -> Mapping[str, dict[str, Any]]:
    """Cinema id -> the base-world fields of its search_cinemas row (one per cinema)."""
    return {
        x.id: {
            "id": x.id,
            "name": x.name_zh,
            "en": x.name_en,
            "brand": x.brand_en,
            "district": x.district,
            "addr": x.address,
            "formats": None,
        }
        for x in world.data.cinemas
    }


def _place(env: TicketEnv, near: str, city_id: str) -> Place:
    place = resolve_place(env.world, env.user(), near, city_id)
    if place is None:
        raise EnvError(
            "not_found",
            f"no place matching {near!r}; use a landmark, district or cinema name, or 'home'",
        )
    return place


@AGENT_TOOLS.tool
def current_time(env: TicketEnv) -> dict[str, str]:
    """The local date, time and weekday, and the user's city: resolve "tonight" with it."""
    city = c.resolve_city(env, None)
    now = c.local(env.now, city.timezone)
    return {
        "now": c.hm(env.now, city.timezone),
        "weekday": _WEEKDAYS[now.weekday()],
        "tz": city.timezone,
        "user_city": f"{city.name_en}/{city.name_zh}",
    }


@AGENT_TOOLS.tool
def search_movies(
    env: TicketEnv,
    query: c.Text,
    city: c.Text | None = None,
    limit: Annotated[int, Field(ge=1, le=30)] = 10,
) -> dict[str, Any]:
    """Find movies by title or alias (zh/en): titles, genres, runtime, rating, synopsis, and
    the cities showing them.

    Args:
        query: Title, part of one, or alias; "" lists all movies.
        city: Only movies showing in this city.
        limit: Maximum results.
    """
    world = env.world
    only: frozenset[str] | None = None
    if city is not None:
        only = c.movies_in_city(world).get(c.resolve_city(env, city).id, frozenset())
    if normalise(query):
        found = [m for _, m in movie_index(world).search(query)]
    else:
        found = list(world.data.movies)
    if only is not None:
        found = [m for m in found if m.id in only]
    cities = movie_cities(world)
    rows = [
        {
            "id": m.id,
            "zh": m.title_zh,
            "en": m.title_en,
            "genres": list(m.genres),
            "min": m.runtime_min,
            "rating": m.rating,
            "release": m.release_date,
            "cities": list(cities.get(m.id, ())),
            "synopsis": (env.movie(m.id) or m).synopsis[:160],  # episode copy: may be overridden
        }
        for m in found[:limit]
    ]
    return {"movies": rows, "total": len(found)}


@AGENT_TOOLS.tool
def search_cinemas(
    env: TicketEnv,
    city: c.Text | None = None,
    near: c.Text | None = None,
    brand: c.Text | None = None,
    format: Format | None = None,
    query: c.Text | None = None,
    limit: Annotated[int, Field(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Find cinemas by name, brand, hall format or nearness to a place. With `near`: nearest
    first, with km and the place it resolved to (check it).

    Args:
        city: Default: the user's city.
        near: Landmark, district, cinema, or "home"/"家".
        brand: Brand (zh/en), e.g. "万达".
        format: Hall format.
        query: Part of the cinema's name.
        limit: Maximum results.
    """
    world = env.world
    where = c.resolve_city(env, city)
    cands = list(world.cinemas_by_city.get(where.id, ()))
    if query is not None and normalise(query):
        scores = cinema_index(world).scores(query)
        items = cinema_index(world).items
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        allowed = {x.id for x in cands}
        cands = [items[i] for i, _ in ranked if items[i].id in allowed]
    if brand is not None:
        b = normalise(brand)
        keys = brand_keys(world)
        cands = [x for x in cands if b and b in keys[x.id]]
    if format is not None:
        cands = [x for x in cands if format in x.formats]
    out: dict[str, Any] = {"city": where.name_en}
    dist: dict[str, float] = {}
    if near is not None:
        place = _place(env, near, where.id)
        out["near"] = place.label
        dist = cinema_distances(world, place.point, where.id)  # nearest first
        by_id = {x.id: x for x in cands}
        cands = [by_id[cid] for cid in dist if cid in by_id]
    rows = []
    static = _cinema_rows(world)
    for x in cands[:limit]:
        row: dict[str, Any] = dict(static[x.id])
        row["formats"] = list(x.formats)  # a fresh list per call
        if dist:
            row["km"] = round(dist[x.id], 1)
        notice = (env.cinema(x.id) or x).notice  # episode copy: task setup may override it
        if notice:
            row["notice"] = notice
        rows.append(row)
    out["cinemas"] = rows
    out["total"] = len(cands)
    return out


# The parts of a showtime's search row that never change: the row dict, its table
# prefix, free seats when the episode has booked none there, and when sales close.
_Static = tuple[dict[str, Any], str, int, float]


@world_cached
def _static_rows(world: World) -> dict[str, _Static]:
    """Showtime id -> its `_Static` parts (filled lazily; at most one per showtime)."""
    return {}


_COLUMNS = "id|cinema_id|cinema|hall|start|fmt|lang|price_per_seat|seats_left|open"


def _static_row(env: TicketEnv, st: Showtime, tz: str) -> _Static:
    """The parts of a showtime's row that never change (see `_Static`)."""
    cin = env.world.cinemas[st.cinema_id]
    h = env.world.halls.get(st.hall_id)
    row = {
        "id": st.id,
        "cinema_id": cin.id,
        "cinema": cin.name_zh,
        "hall": h.name if h is not None else st.hall_id,
        "start": c.hm(st.start, tz),
        "fmt": st.format,
        "lang": st.language + (f"/{st.subtitles} subs" if st.subtitles else ""),
        "price": c.price_range(env, st),
    }
    close = (st.start - timedelta(minutes=st.sales_cutoff_min)).timestamp()  # as sales_open
    prefix = "|".join(str(v) for v in row.values())
    return row, prefix, c.base_seats_left(env.world, st), close


def _window(
    env: TicketEnv, tz: str, date: str | None, after: str | None, before: str | None
) -> tuple[float, float | None, time | None, time | None]:
    """(lo, hi) start-time range as POSIX seconds plus time-of-day bounds; never before now."""
    t_after = c.parse_hm(after) if after else None
    t_before = c.parse_hm(before) if before else None
    lo, hi = env.now.timestamp(), None
    if date is not None:
        day_lo, day_hi = c.day_bounds(c.parse_day(date), tz)
        lo, hi = max(lo, day_lo.timestamp()), day_hi.timestamp()
    return lo, hi, t_after, t_before


@world_cached
def _minute_of_day(world: World) -> dict[str, int]:
    """Showtime id -> local start as minutes after midnight (filled lazily)."""
    return {}


@AGENT_TOOLS.tool
def search_showtimes(
    env: TicketEnv,
    movie_id: c.Id,
    city: c.Text | None = None,
    cinema_id: c.Id | None = None,
    date: c.Day | None = None,
    after: c.HourMinute | None = None,
    before: c.HourMinute | None = None,
    format: Format | None = None,
    language: Annotated[str, Field(max_length=20)] | None = None,
    near: c.Text | None = None,
    limit: Annotated[int, Field(ge=1, le=50)] = 20,
) -> ToolResult:
    """Upcoming showtimes of a movie, soonest first (with `near`, nearest), as a table with
    prices, seats left and open (sales open). "more: true": narrow the search.

    Args:
        movie_id: From search_movies.
        city: Default: the user's city.
        cinema_id: Only this cinema.
        date: Local date YYYY-MM-DD.
        after: Earliest start HH:MM (inclusive), any date.
        before: Latest start HH:MM (inclusive), any date.
        format: Only this format.
        language: Spoken language, code or name ("en", "国语").
        near: A place (landmark, district, cinema, "home"/"家"); adds km.
        limit: Maximum rows.
    """
    world = env.world
    mv = lookups.movie(env, movie_id)
    lang = None
    if language is not None:
        lang = _LANGS.get(normalise(language), language.strip().casefold())
    if cinema_id is not None:
        cin = lookups.cinema(env, cinema_id)
        city_id = cin.city_id
        cinemas = [cin]
    else:
        city_id = c.resolve_city(env, city).id
        cinemas = list(world.cinemas_by_city.get(city_id, ()))
    tz = c.city_tz(world, city_id)
    lo, hi, t_after, t_before = _window(env, tz, date, after, before)
    dist: dict[str, float] = {}
    out: dict[str, Any] = {"movie": f"{mv.id} {mv.title_zh} / {mv.title_en}"}
    if near is not None:
        place = _place(env, near, city_id)
        out["near"] = place.label
        dist = cinema_distances(world, place.point, city_id)  # nearest first
        if cinema_id is None:
            by_id = {x.id: x for x in cinemas}
            cinemas = [by_id[cid] for cid in dist if cid in by_id]

    tod = _minute_of_day(world)
    lo_min = t_after.hour * 60 + t_after.minute if t_after else None
    hi_min = t_before.hour * 60 + t_before.minute if t_before else None

    def keep(st: Showtime) -> bool:
        if (format is not None and st.format != format) or (
            lang is not None and st.language != lang
        ):
            return False
        if lo_min is None and hi_min is None:
            return True
        m = tod.get(st.id)
        if m is None:
            t = c.local(st.start, tz)
            m = tod[st.id] = t.hour * 60 + t.minute
        return (lo_min is None or m >= lo_min) and (hi_min is None or m <= hi_min)

    def streams() -> Iterator[Iterator[Showtime]]:
        """Candidate showtimes in order: soonest first, or nearest cinema first (lazily)."""
        if near is None and cinema_id is None:
            line = c.by_movie_city(world).get((mv.id, city_id))
            if line:
                yield line.between(lo, hi)
            return
        by_cin = c.by_movie_cinema(world)
        for x in cinemas:
            line = by_cin.get((mv.id, x.id))
            if line:
                yield line.between(lo, hi)

    picked: list[Showtime] = []
    more = False
    for stream in streams():
        for st in stream:
            if keep(st):
                if len(picked) == limit:
                    more = True
                    break
                picked.append(st)
        if more:
            break
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    now_ts = env.now.timestamp()
    static = _static_rows(world)
    seats_taken = env.store.table("seats")
    for st in picked:
        hit = static.get(st.id)
        if hit is None:
            hit = static[st.id] = _static_row(env, st, tz)
        base, prefix, left, close = hit
        if seats_taken.get(st.id):  # seats booked in this episode: count them
            left = c.seats_left(env, st)
        is_open = now_ts < close
        row: dict[str, Any] = {**base, "left": left, "open": is_open}
        cells = f"{prefix}|{left}|{'yes' if is_open else 'no'}"
        if dist:
            row["km"] = km = round(dist[st.cinema_id], 1)
            cells += f"|{km}"
        rows.append(row)
        lines.append(cells)
    out["showtimes"] = rows
    out["more"] = more
    # The model reads a compact table (a third of the JSON's tokens); `data` keeps the dicts.
    head = f"{out['movie']}" + (f" near {out['near']}" if "near" in out else "")
    if not rows:
        out["note"] = "no upcoming showtimes match; relax a filter or try another date/city"
        return ToolResult(ok=True, content=f"{head}: {out['note']}", data=out)
    cols = _COLUMNS + ("|km" if dist else "")
    tail = "\nmore: true (narrow with date/after/before/cinema_id)" if more else ""
    text = f"{head}\n{cols}\n" + "\n".join(lines) + tail
    return ToolResult(ok=True, content=text, data=out)
