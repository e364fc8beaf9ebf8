"""What an agent that reads nothing of the request would try first, kept off the answers.

An agent that ignores the day, the time and every preference can still search for the
movie (or event) the opening names, at the cinema it names, and take the first row: the
next showing there, the next one still on sale, the event's first session. If the suite's
answers were such rows more often than a guess among the options the request leaves open,
"take the first" would score for nothing (it did: 10% on dev before suite 2.2.0). So a
template's answer is never one of these guesses (`avoid_guesses` raises `Skip`, and the
generator draws again): the answer is pinned by what the user says or knows (time, day,
format, seats, the named order), never by its place in a listing.

The guesses mirror the service's own listings: `search_showtimes` lists upcoming showings
(start after now) soonest first, in the city or at one cinema; `get_event` lists an event's
sessions in their order, over or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from ticketbench.env.models import Showtime
from ticketbench.env.rules import session_on_sale
from ticketbench.env.world import World
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Skip
from ticketbench.suite.spec import OrderSpec


def _firsts(line: Iterable[Showtime], now: datetime) -> set[str]:
    """The first upcoming showing of a listing and the first still on sale."""
    out: set[str] = set()
    for st in sorted((s for s in line if s.start > now), key=lambda s: (s.start, s.id)):
        if not out:
            out.add(st.id)
        if q.sales_open(st, now):
            out.add(st.id)
            break
    return out


def showing_guesses(world: World, now: datetime, showtimes: Sequence[str]) -> set[str]:
    """The showings a blind agent would try for these showtimes' movies: the first (and the
    first on sale) of each movie in its city, and at each of the showtimes' cinemas."""
    out: set[str] = set()
    for movie_id, cinema_id in {
        (world.showtimes[i].movie_id, world.showtimes[i].cinema_id) for i in showtimes
    }:
        sts = world.showtimes_by_movie.get(movie_id, ())
        city = world.cinemas[cinema_id].city_id
        out |= _firsts((s for s in sts if world.cinemas[s.cinema_id].city_id == city), now)
        out |= _firsts((s for s in sts if s.cinema_id == cinema_id), now)
    return out


def session_guesses(world: World, now: datetime, sessions: Sequence[str]) -> set[str]:
    """The sessions a blind agent would try for these sessions' events: each event's first
    listed session, its first upcoming one and its first still on sale."""
    out: set[str] = set()
    for ev in {world.sessions[i][0].id: world.sessions[i][0] for i in sessions}.values():
        if ev.sessions:
            out.add(ev.sessions[0].id)
        upcoming = [s for s in ev.sessions if s.start > now]
        if upcoming:
            out.add(upcoming[0].id)
        cutoff = ev.sales_cutoff_min * 60
        on_sale = [
            s
            for s in upcoming
            if session_on_sale(ev, s) <= now and now.timestamp() < s.start.timestamp() - cutoff
        ]
        if on_sale:
            out.add(on_sale[0].id)
    return out


def avoid_guesses(world: World, now: datetime, specs: Iterable[OrderSpec]) -> None:
    """`Skip` unless every spec's accepted showings or sessions avoid the blind guesses."""
    for spec in specs:
        if spec.showtime_ids and set(spec.showtime_ids) & showing_guesses(
            world, now, spec.showtime_ids
        ):
            raise Skip("the answer is the first showing a blind search lists")
        if spec.session_ids and set(spec.session_ids) & session_guesses(
            world, now, spec.session_ids
        ):
            raise Skip("the answer is the first session a blind search lists")
