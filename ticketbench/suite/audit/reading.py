"""Reading a request the way its user means it: the audit's own parser of the openings.

`read_request` turns an opening (and, once asked, the user's hidden answers) into a
`Request`, from the phrases and names `phrases.scan` finds: what is wanted (buy, refund,
exchange, a pickup code, paying a hold), one `Part` per order with the named movie or
event, cinema, day, clock or window, count, seat wish, format, language, discount and
optimum, and the budget. It knows the suite's bilingual
phrasing, not its templates: every value comes from the words and the world's names.

What the opening leaves open is listed in `Request.unknown` (a count, a day, which of two
movies an alias means, which evening "tonight" means after midnight); the audit compares
that with the task's clarification slots.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from ticketbench.env.models import Point, User
from ticketbench.env.world import World
from ticketbench.suite.audit.lexicon import Mention
from ticketbench.suite.audit.phrases import Clock, Phrase, Text, scan

Intent = Literal["purchase", "refund", "exchange", "pickup", "pay_hold"]
Optimum = Literal["cheapest", "nearest", "earliest", "next"]


@dataclass
class SeatWish:
    """What the user said about the seats."""

    together: bool = False
    centre: bool = False
    last_rows: int | None = None
    aisle: bool = False
    couple: bool = False
    wheelchair: bool = False
    row: int | None = None
    exact: tuple[str, ...] = ()
    standard_only: bool = False


@dataclass
class Part:
    """One order of a request, as the user described it."""

    target: Literal["movie", "event"] = "movie"
    movies: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    cinemas: frozenset[str] = frozenset()  # empty: any cinema of the city
    brand: str | None = None
    near: Point | None = None
    day: date | None = None
    day_ambiguous: bool = False  # "tonight" said after midnight
    clock: Clock | None = None
    after: Clock | None = None  # start at or after (inclusive)
    until: Clock | None = None  # start at or before (inclusive)
    soon: bool = False  # "starting shortly": the next start today
    count: int | None = None
    party: int | None = None  # how many people the words imply ("my partner and I": 2)
    seats: SeatWish = field(default_factory=SeatWish)
    formats: frozenset[str] = frozenset()
    language: str | None = None
    card_brand: str | None = None
    optimum: Optimum | None = None
    zones: frozenset[str] = frozenset()
    attendees: tuple[str, ...] = ()
    one_id_for_all: bool = False  # every ticket on one person's ID
    old_clock: Clock | None = None  # exchange: the showing the user holds


@dataclass
class Request:
    """A request as read: intent, parts, budget, and what the opening left open."""

    intent: Intent
    parts: list[Part]
    budget_fen: int | None = None
    joint_budget: bool = False
    unknown: set[str] = field(default_factory=set)


def _intent(text: str) -> Intent:
    if re.search(r"退票|退掉|退款|退了|refund", text, re.I):
        return "refund"
    if re.search(r"改签|改到|move my|switch my|change my", text, re.I):
        return "exchange"
    if re.search(r"取票码|pickup code|pick-up code", text, re.I):
        return "pickup"
    if re.search(r"锁了|锁的座|on hold|held seats", text, re.I):
        return "pay_hold"
    return "purchase"


# --- parts ---------------------------------------------------------------------------------

SEPARATORS = r"[，,；;：:。！!？?～\n]|\band\b|\bthen\b"


def _clauses(masked: str) -> list[tuple[int, int]]:
    """Clauses between separators; in Chinese a space separates too ("买A 两张 连座")."""
    out: list[tuple[int, int]] = []
    start = 0
    chinese = re.search(r"[\u4e00-\u9fff]", masked) is not None
    pattern = SEPARATORS + (r"|\s+" if chinese else "")
    for m in re.finditer(pattern, masked, re.I):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(masked)))
    return [(a, b) for a, b in out if masked[a:b].strip()]


def _targets(mentions: Sequence[Mention]) -> list[Mention]:
    """Mentions of something to buy (a movie or an event), one per distinct thing."""
    out: list[Mention] = []
    for m in mentions:
        if m.ids("movie") or m.ids("event") or m.ids("performer"):
            if out and out[-1].names == m.names:
                continue
            out.append(m)
    return out


def _shared_clause(text: str) -> bool:
    return re.search(r"各|each|both|两单|一共|in total|加起来", text, re.I) is not None


def _assign(
    t: Text, mentions: Sequence[Mention], targets: Sequence[Mention]
) -> list[tuple[list[Phrase], list[Mention]]]:
    """Phrases and mentions of each part: a clause with a target belongs to its part, a
    clause after one to the part before it, and clauses before the first target or about
    every order ("各", "both") to all parts."""
    if len(targets) <= 1:
        return [(list(t.phrases), list(mentions))]
    clauses = _clauses(t.masked)
    owner: list[int | None] = []
    current: int | None = None
    for a, b in clauses:
        inside = [i for i, tg in enumerate(targets) if a <= tg.start < b]
        if inside:
            current = inside[0]
            owner.append(current)
        elif _shared_clause(t.raw[a:b]) or current is None:
            owner.append(None)
        else:
            owner.append(current)

    def where(pos: int) -> int | None:
        for (a, b), who in zip(clauses, owner, strict=True):
            if a <= pos < b:
                return who
        return None

    parts: list[tuple[list[Phrase], list[Mention]]] = [([], []) for _ in targets]
    for ph in t.phrases:
        who = where(ph.start)
        for i, (phs, _) in enumerate(parts):
            if who is None or who == i:
                phs.append(ph)
    for men in mentions:
        who = where(men.start)
        for i, (_, mens) in enumerate(parts):
            if who is None or who == i:
                mens.append(men)
    return parts


def _first(phrases: Sequence[Phrase], kind: str) -> object | None:
    for ph in phrases:
        if ph.kind == kind:
            return ph.value
    return None


def _all(phrases: Sequence[Phrase], kind: str) -> list[object]:
    return [ph.value for ph in phrases if ph.kind == kind]


def _part(
    world: World,
    user: User,
    now: datetime,
    phrases: Sequence[Phrase],
    mentions: Sequence[Mention],
    target: Mention | None,
) -> Part:
    p = Part()
    movies = frozenset().union(*(m.ids("movie") for m in mentions)) if mentions else frozenset()
    events = frozenset().union(*(m.ids("event") | m.ids("performer") for m in mentions))
    if target is not None:
        movies = target.ids("movie")
        events = target.ids("event") | target.ids("performer")
    p.target = "event" if events and not movies else "movie"
    p.movies, p.events = frozenset(movies), frozenset(events)
    p.cinemas = frozenset().union(*(m.ids("cinema") for m in mentions))
    brands = [b for m in mentions for b in m.ids("brand")]
    card = _first(phrases, "card") is not None
    if brands:
        if card:
            p.card_brand = brands[0]
        else:
            p.brand = brands[0]
    elif card and p.cinemas:
        p.card_brand = world.cinemas[sorted(p.cinemas)[0]].brand_en
    landmarks = [lm for m in mentions for lm in m.ids("landmark")]
    if landmarks:
        lm = next(x for x in world.cities[user.city_id].landmarks if x.id == landmarks[0])
        p.near = lm.location
    elif _first(phrases, "home"):
        p.near = user.home
    # the day
    days = [v for v in _all(phrases, "day") if isinstance(v, date)]
    evening_days = [v for v in _all(phrases, "day_evening") if isinstance(v, date)]
    tonight = _first(phrases, "tonight")
    if days:
        p.day = days[0]
    elif evening_days:
        p.day = evening_days[0]
    elif isinstance(tonight, date):
        p.day = tonight
        p.day_ambiguous = now.hour < 5  # after midnight, "tonight" may mean either evening
    evening = bool(evening_days) or tonight is not None or _first(phrases, "evening") is not None
    clocks = [v for v in _all(phrases, "clock") if isinstance(v, tuple)]
    if clocks:
        p.clock = clocks[0]
        if len(clocks) > 1:
            p.old_clock, p.clock = clocks[0], clocks[1]
    window = _first(phrases, "window")
    if isinstance(window, tuple):
        p.after, p.until = window
    after = _first(phrases, "after")
    if isinstance(after, tuple):
        p.after = after
    if p.clock is None and p.after is None and evening:
        p.after = (18, 0)
    p.soon = _first(phrases, "soon") is not None
    if p.soon and p.day is None:
        p.day = now.date()
    # how many
    each = _first(phrases, "each_count")
    counts = [v for v in _all(phrases, "count") if isinstance(v, int)]
    more = _first(phrases, "one_more")
    if isinstance(each, int):
        p.count = each
    elif counts:
        p.count = counts[0]
    elif isinstance(more, int):
        p.count = more
    party = _first(phrases, "party")
    p.party = party if isinstance(party, int) else None
    # seats
    w = p.seats
    w.exact = tuple(str(v) for v in _all(phrases, "seat_id"))
    row = _first(phrases, "row")
    w.row = row if isinstance(row, int) else None
    last = _first(phrases, "last_rows")
    w.last_rows = last if isinstance(last, int) else None
    w.wheelchair = _first(phrases, "wheelchair") is not None
    w.couple = _first(phrases, "couple") is not None
    w.aisle = _first(phrases, "aisle") is not None
    w.centre = _first(phrases, "centre") is not None
    w.standard_only = _first(phrases, "standard") is not None
    w.together = _first(phrases, "together") is not None
    # format, language, optimum
    p.formats = frozenset(str(v) for v in _all(phrases, "format"))
    lang = _first(phrases, "language")
    p.language = lang if isinstance(lang, str) else None
    optimum = _first(phrases, "optimum")
    p.optimum = optimum if optimum in ("cheapest", "nearest", "earliest", "next") else None
    # events: zones and attendees
    p.zones = frozenset().union(*(m.ids("zone") for m in mentions))
    p.attendees = tuple(a for m in mentions for a in sorted(m.ids("attendee")))
    p.one_id_for_all = _first(phrases, "one_id") is not None and len(set(p.attendees)) == 1
    return p


def read_request(world: World, user: User, now: datetime, opening: str) -> Request:
    """Read an opening into a `Request` (see the module docstring)."""
    t, mentions = scan(world, user, now, opening)
    intent = _intent(opening)
    targets = _targets(mentions)
    groups = _assign(t, mentions, targets)
    parts = [
        _part(world, user, now, phs, mens, targets[i] if len(targets) > 1 else None)
        for i, (phs, mens) in enumerate(groups)
    ]
    budgets = [ph.value for ph in t.phrases if ph.kind == "budget" and isinstance(ph.value, int)]
    req = Request(
        intent=intent,
        parts=parts,
        budget_fen=budgets[0] if budgets else None,
        joint_budget=any(ph.kind == "joint" for ph in t.phrases),
    )
    req.unknown = open_slots(req)
    return req


def open_slots(req: Request) -> set[str]:
    """Slots a purchase request leaves open: the agent must ask before buying."""
    if req.intent != "purchase":
        return set()
    out: set[str] = set()
    for p in req.parts:
        if (p.target == "movie" and len(p.movies) > 1) or (p.movies and p.events):
            out.add("which_movie")
        if p.target == "event" and len(p.events) > 1:
            out.add("which_event")
        if p.count is None and not p.attendees:
            out.add("count")
        if (p.day is None and p.optimum != "next") or p.day_ambiguous:
            out.add("date")
    return out


def apply_answer(world: World, user: User, now: datetime, req: Request, answer: str) -> None:
    """Fill what the opening left open with one of the user's answers (said when asked)."""
    got = read_request(world, user, now, answer)
    if not got.parts:
        return
    a = got.parts[0]
    if a.count is None and a.party is not None:  # "我们三个人" / "Three of us" / "Just me"
        a.count = a.party
    for p in req.parts:
        if a.movies and len(p.movies) != 1:
            p.movies = p.movies & a.movies if p.movies & a.movies else a.movies
        if a.events and len(p.events) != 1:
            p.events = p.events & a.events if p.events & a.events else a.events
        if a.count is not None and p.count is None:
            p.count = a.count
        if a.day is not None and (p.day is None or p.day_ambiguous):
            p.day, p.day_ambiguous = a.day, False
        if a.attendees and not p.attendees:
            p.attendees = a.attendees
        if a.seats.together:
            p.seats.together = True
    if got.budget_fen is not None and req.budget_fen is None:
        req.budget_fen = got.budget_fen
