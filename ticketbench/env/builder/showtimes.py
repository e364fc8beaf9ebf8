"""Seven days of showtimes: hall schedules, versions, prices and base-world sales."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ticketbench.env.builder.base import DAYS, START_DATE, at, price_round, weighted, width
from ticketbench.env.builder.cinemas import CinemaPlan
from ticketbench.env.builder.halls import HallGrid, hall_grid, pick_sold
from ticketbench.env.builder.movies import MovieInfo
from ticketbench.env.models import SEAT_CHARS, Format, Hall, SeatType, Showtime

_BASE_PRICE: dict[Format, int] = {
    "2D": 4000, "3D": 5000, "IMAX": 7000, "IMAX 3D": 7800, "DOLBY": 6500, "4DX": 7500,
}  # fmt: skip
_CITY_PRICE = {"sh": 1.05, "bj": 1.0, "sz": 0.92}
# Demand by weekday (Mon..Sun) and by hour of the day.
_DOW = (0.55, 0.6, 0.6, 0.65, 0.9, 1.15, 1.0)
_HOUR = ((12, 0.12), (14, 0.35), (17, 0.5), (19, 0.8), (21, 1.0), (22, 0.7), (24, 0.4))
LAST_START_MIN = 22 * 60 + 30  # no show starts after 22:30
# Premium halls (IMAX, Dolby, 4DX) close online sales this much earlier than the cinema's
# other halls: a showing past its cut-off can have an earlier one still on sale.
PREMIUM_CUTOFF_EXTRA_MIN = 15
_PREMIUM_HALLS = frozenset({"IMAX", "DOLBY", "4DX"})
HIT = 0.5  # popularity from which every cinema shows a film


@dataclass(frozen=True)
class _Slot:
    hall: Hall
    info: MovieInfo
    day: date
    minute: int  # minutes after midnight
    fmt: Format


def _lineup(rng: random.Random, movies: list[MovieInfo], plan: CinemaPlan) -> list[MovieInfo]:
    """The films a cinema shows this week: every current hit, and a few others picked by
    popularity, one or two for each hall (a multiplex gives its screens to the hits)."""
    last = START_DATE + timedelta(days=DAYS - 1)
    showing = [m for m in movies if m.release <= last]  # coming soon: no showtimes yet
    hits = [m for m in showing if m.popularity >= HIT and not m.rerelease]
    rest = [m for m in showing if m.popularity < HIT or m.rerelease]
    picked: list[MovieInfo] = []
    for _ in range(min(len(rest), rng.randint(len(plan.halls) // 2, len(plan.halls)))):
        m = weighted(rng, rest, [x.popularity + 0.05 for x in rest])
        rest.remove(m)
        picked.append(m)
    return [m for m in showing if m in hits or m in picked]  # catalogue order


def _pull(m: MovieInfo) -> float:
    """A film's claim on a screening slot: steeply by popularity, so a hit plays several
    times a day at a multiplex and a small film once or twice a week."""
    return (m.popularity + 0.05) ** 4 * (0.3 if m.rerelease else 1.0)


def _fits(m: MovieInfo, hall: Hall) -> bool:
    return {"IMAX": m.imax, "DOLBY": m.dolby, "4DX": m.fourdx}.get(hall.format, True)


def _schedule(rng: random.Random, plan: CinemaPlan, lineup: list[MovieInfo]) -> list[_Slot]:
    slots: list[_Slot] = []
    for hall in plan.halls:
        for d in range(DAYS):
            day = START_DATE + timedelta(days=d)
            weekend = day.weekday() >= 5
            options = [m for m in lineup if m.release <= day and _fits(m, hall)]
            if not options:
                continue
            weights = [_pull(m) for m in options]
            t = (9 * 60 + 30 if weekend else 10 * 60 + 30) + rng.choice((0, 15, 30, 60, 90, 120))
            while True:
                start = -(-t // 5) * 5  # round up to 5 minutes
                if start > LAST_START_MIN:
                    break
                m = weighted(rng, options, weights)
                if hall.format == "IMAX":
                    fmt: Format = "IMAX 3D" if m.has_3d and rng.random() < 0.6 else "IMAX"
                elif hall.format in ("DOLBY", "4DX"):
                    fmt = hall.format
                else:
                    fmt = "3D" if m.has_3d and rng.random() < 0.5 else "2D"
                slots.append(_Slot(hall, m, day, start, fmt))
                t = start + m.movie.runtime_min + rng.randint(15, 30)  # cleaning, ads
    return slots


def _version(rng: random.Random, m: MovieInfo, central: bool) -> tuple[str, str | None]:
    """Spoken language and subtitles of one screening."""
    if m.language == "zh":
        return "zh", "en" if central and rng.random() < 0.12 else "zh"
    family = "animation" in m.movie.genres or "family" in m.movie.genres
    dub = 0.5 if family else (0.3 if m.language in ("ja", "ko") else 0.15)
    if rng.random() < dub:
        return "zh", "zh"
    return m.language, "zh"


def _demand(rng: random.Random, s: _Slot) -> float:
    """Fraction of seats sold in the base world: hits, evenings and weekends sell."""
    m = s.info
    hour = next(f for h, f in _HOUR if s.minute < h * 60)
    dow = s.day.weekday()
    if dow >= 5 and s.minute < 17 * 60:
        hour = min(1.0, hour * 1.8)  # weekend matinees are busy too
    age = (s.day - m.release).days
    fresh = 1.0 if m.rerelease else (1.25 if age < 10 else 1.0 if age < 24 else 0.8)
    fmt = {"IMAX": 1.2, "IMAX 3D": 1.2, "DOLBY": 1.15, "3D": 0.95}.get(s.fmt, 1.0)
    d = 1.15 * m.popularity * fresh * hour * _DOW[dow] * fmt * rng.lognormvariate(0, 0.4)
    return 1.0 if d >= 0.97 else max(0.0, d)


def _prices(s: _Slot, plan: CinemaPlan, chars: frozenset[str]) -> dict[SeatType, int]:
    factor = plan.brand.price_factor * _CITY_PRICE.get(plan.city_id, 1.0)
    if s.minute < 12 * 60:
        factor *= 0.85  # morning discount
    elif s.day.weekday() >= 5 or s.minute >= 18 * 60:
        factor *= 1.08
    if s.info.popularity >= 0.8 and (s.day - s.info.release).days < 14:
        factor *= 1.1
    if s.info.rerelease:
        factor *= 0.85
    std = max(3500, price_round(min(9000.0, _BASE_PRICE[s.fmt] * factor), plan.brand.charm))
    present = {SEAT_CHARS[ch] for ch in chars if ch in SEAT_CHARS}
    extra: dict[SeatType, int] = {
        "standard": 0, "vip": 2000, "couple": 1000, "wheelchair": 0, "companion": 0,
    }  # fmt: skip
    return {t: std + extra[t] for t in extra if t in present or t == "standard"}


def build_showtimes(
    rng: random.Random, plans: list[CinemaPlan], movies: list[MovieInfo]
) -> list[Showtime]:
    """Every showtime of the week, ordered by cinema, hall and start; ids S00001..."""
    slots: list[tuple[_Slot, CinemaPlan]] = []
    for plan in plans:
        lineup = _lineup(rng, movies, plan)
        slots.extend((s, plan) for s in _schedule(rng, plan, lineup))
    w = width(len(slots), 5)
    grids: dict[str, HallGrid] = {}
    out: list[Showtime] = []
    for n, (s, plan) in enumerate(slots, start=1):
        grid = grids.get(s.hall.id)
        if grid is None:
            grid = grids[s.hall.id] = hall_grid(s.hall.layout)
        lang, subs = _version(rng, s.info, plan.central)
        out.append(
            Showtime(
                id=f"S{n:0{w}d}",
                movie_id=s.info.movie.id,
                cinema_id=plan.cinema.id,
                hall_id=s.hall.id,
                start=at(s.day, s.minute // 60, s.minute % 60),
                format=s.fmt,
                language=lang,
                subtitles=subs,
                prices=_prices(s, plan, grid.seat_types),
                sales_cutoff_min=plan.sales_cutoff_min
                + (PREMIUM_CUTOFF_EXTRA_MIN if s.hall.format in _PREMIUM_HALLS else 0),
                sold=pick_sold(grid, _demand(rng, s), rng),
            )
        )
    return out
