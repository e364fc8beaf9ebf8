"""Seat tools: the compact seat map of a showtime and smart seat recommendations."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ticketbench.env import lookups, orders
from ticketbench.env.lru import LRU
from ticketbench.env.models import Cinema, Showtime
from ticketbench.env.names import world_cached
from ticketbench.env.orders.pricing import seat_price, yuan
from ticketbench.env.seats import seatmap
from ticketbench.env.seats.recommend import Preference, rank_selections
from ticketbench.env.state import TicketEnv
from ticketbench.env.tools import common as c
from ticketbench.env.tools.registry import AGENT_TOOLS
from ticketbench.env.world import World


@world_cached
def _header_prefixes(world: World) -> LRU[tuple[str, int], tuple[Cinema, str]]:
    """(showtime id, id of the episode's cinema object) -> (cinema, header up to the prices).
    The prefix depends only on world data and the cinema as the episode sees it (setup may
    override its text), so the cinema object itself is checked on a hit (the entry holds
    it, so its id cannot be reused while cached). Per world, LRU-bounded."""
    return LRU(8192)


def _header_prefix(env: TicketEnv, st: Showtime, cin: Cinema) -> str:
    cache = _header_prefixes(env.world)
    key = (st.id, id(cin))
    hit = cache.get(key)
    if hit is not None and hit[0] is cin:
        return hit[1]
    world = env.world
    mv = world.movies.get(st.movie_id)
    h = c.hall(env, st.hall_id)
    tz = c.city_tz(world, cin.city_id)
    info = c.hall_info(world).get(h.id)
    types = info.types if info is not None else tuple(st.prices)
    prices = ", ".join(f"{t} {yuan(seat_price(st, t))}" for t in types)
    lang = st.language + (f" ({st.subtitles} subs)" if st.subtitles else "")
    title = f"{mv.title_zh} / {mv.title_en}" if mv is not None else st.movie_id
    prefix = (
        f"{st.id} {title} | {cin.id} {cin.name_zh} | {h.name} | {c.hm(st.start, tz)} | "
        f"{st.format} {lang} | per seat: {prices}"
    )
    cache.put(key, (cin, prefix))
    return prefix


def showtime_header(env: TicketEnv, showtime_id: str) -> str:
    """One line naming the showtime: movie, cinema, hall, start, format, prices, sales state."""
    st = lookups.showtime(env, showtime_id)
    cin = lookups.cinema(env, st.cinema_id)
    prefix = _header_prefix(env, st, cin)
    state = "on sale" if c.sales_open(env, st) else "online sales closed"
    return f"{prefix} | {c.seats_left(env, st)} free | {state}"


def _side_by_side(sm: seatmap.SeatMap, seats: list[str]) -> bool:
    """True if the seats are one unbroken run in one block of one row."""
    info = [sm.seats[s] for s in seats]
    row, block = info[0].row, info[0].block
    if any(x.row != row or x.block != block for x in info):
        return False
    numbers = {x.number for x in info}
    return len(numbers) == len(info) and max(numbers) - min(numbers) == len(info) - 1


@AGENT_TOOLS.tool
def seat_map(env: TicketEnv, showtime_id: c.Id) -> str:
    """A showtime's seat grid (row 1 nearest the screen; each block starts with its seat
    numbers), prices per seat type and the cinema's notice. Seat id = "ROW-NUMBER", e.g.
    "5-7".

    Args:
        showtime_id: From search_showtimes.
    """
    header = showtime_header(env, showtime_id)
    sm, unavailable = orders.seat_availability(env, showtime_id)
    # Real apps show the cinema's notice on the seat screen, so agents see it here too.
    notice = lookups.cinema(env, env.world.showtimes[showtime_id].cinema_id).notice
    if notice:
        header += f"\ncinema notice: {notice}"
    return header + "\n" + seatmap.render_grid(sm, unavailable)


@AGENT_TOOLS.tool
def recommend_seats(
    env: TicketEnv,
    showtime_id: c.Id,
    count: Annotated[int, Field(ge=1, le=c.MAX_MOVIE_SEATS)],
    preference: Preference = "centre",
) -> dict[str, Any]:
    """Up to 5 best free seat choices for `count` people, obeying the seat rules, with types and
    price: adjacent when possible, else two nearby runs marked "split" (tell the user).

    Args:
        showtime_id: From search_showtimes.
        count: Number of seats.
        preference: centre is about 60% back; together: adjacent only; couple: pairs
            (even count).
    """
    st = lookups.showtime(env, showtime_id)
    sm, unavailable = orders.seat_availability(env, showtime_id)
    options = rank_selections(sm, unavailable, count, preference, limit=5)
    rows: list[dict[str, Any]] = []
    for seats in options:
        types = [sm.seats[s].type or "standard" for s in seats]
        price = 0
        for t in types:
            price += seat_price(st, t)
        row: dict[str, Any] = {
            "seats": list(seats),
            "types": sorted(set(types)),
            "tickets": yuan(price),
            "tickets_fen": price,
        }
        if not _side_by_side(sm, seats):
            row["split"] = True
        rows.append(row)
    out: dict[str, Any] = {"showtime_id": st.id, "options": rows}
    if not rows:
        out["note"] = f"no {count} free seats fit the seat rules and the preference"
    return out
