"""What the simulated user knows it wants: its own request, read the way it means it.

The user's opening (and each hidden answer it can give) is read by the audit's parser of
requests (`ticketbench.suite.audit.reading`): one part per order with the movie or event,
cinema, day, clock or window, count, seats, format, zone, the people on real-name tickets,
and the budget; how it pays and with which coupon, by `ticketbench.users.terms`. Only the user's
words go in, never the task's ground truth: whether the request can be met, which showing
is the cheapest or the nearest, are things the user cannot know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ticketbench.env.world import World
from ticketbench.suite.audit.reading import Intent, Part, read_request
from ticketbench.suite.spec import Fact, Task
from ticketbench.users.terms import Terms, terms_in

_ISO_DAY = re.compile(r"\b\d{4}[-/.](\d{1,2})[-/.](\d{1,2})\b")
_CLOCK_RANGE = re.compile(r"(\d{1,2}:\d{2})\s*(?:-|–|—|~|～|至|到)\s*\d{1,2}:\d{2}")
_ZH_DAY_PART = (("明早", "明天早上"), ("今早", "今天早上"), ("明天晚上", "明晚"))


def plain(text: str) -> str:
    """`text` with forms the request parser does not know rewritten to ones it does."""
    text = _ISO_DAY.sub(lambda m: f" {int(m.group(1))}月{int(m.group(2))}日 ", text)
    text = _CLOCK_RANGE.sub(r"\1", text)  # "19:30-21:45": the showing starts at 19:30
    for a, b in _ZH_DAY_PART:
        text = text.replace(a, b)
    return text


def request_intent(task: Task, world: World) -> Intent:
    """What the user's request asks for: a purchase, a refund, an exchange, paying a hold,
    or only information (a pickup code). What it asked for, never whether it can be done:
    a person asking for a sold-out show still wants it booked."""
    user = world.users.get(task.user_id)
    if user is None:
        return "purchase"
    return read_request(world, user, task.now, plain(task.opening)).intent


def asks_for_write(task: Task, world: World) -> bool:
    """Does the user's request ask for something done, not only for information?"""
    return request_intent(task, world) != "pickup"


@dataclass(frozen=True)
class Wishes:
    """What the user knows it wants: one part per order, its budget, and how it pays
    (every order alike)."""

    parts: tuple[Part, ...]
    budget_fen: int | None
    terms: Terms = field(default_factory=Terms)


def wishes_of(task: Task, world: World, facts: Iterable[Fact] | None = None) -> Wishes:
    """The user's opening read by the audit's parser, each of `facts` (default: all its
    hidden answers) filling what the opening left open."""
    user = world.users.get(task.user_id)
    if user is None:
        return Wishes((), None)
    req = read_request(world, user, task.now, plain(task.opening))
    parts = list(req.parts)
    budget = req.budget_fen
    terms = terms_in(user, task.opening)
    for fact in task.knowledge if facts is None else facts:
        got = read_request(world, user, task.now, plain(fact.answer))
        if got.parts:
            parts = [_fill(p, got.parts[0]) for p in parts]
        if budget is None:
            budget = got.budget_fen
        terms = _fill_terms(terms, terms_in(user, fact.answer))
    return Wishes(tuple(parts), None if req.joint_budget else budget, terms)


def _fill_terms(t: Terms, a: Terms) -> Terms:
    """`t` with what answer `a` adds."""
    return Terms(
        t.payments or a.payments,
        t.coupon if t.coupon is not None else a.coupon,
        t.coupons or a.coupons,
    )


def _fill(p: Part, a: Part) -> Part:
    """`p` with what answer `a` adds (the answer narrows an ambiguous name, fills the rest)."""
    out = replace(p, seats=replace(p.seats))
    if a.movies and len(p.movies) != 1:
        out.movies = p.movies & a.movies or a.movies
    if a.events and len(p.events) != 1:
        out.events = p.events & a.events or a.events
    if a.cinemas and not p.cinemas:
        out.cinemas = a.cinemas
    if a.brand and not p.brand:
        out.brand = a.brand
    if a.day is not None and (p.day is None or p.day_ambiguous):
        out.day, out.day_ambiguous = a.day, False
    if a.clock is not None and p.clock is None:
        out.clock = a.clock
    if a.after is not None and p.after is None and p.clock is None:
        out.after, out.until = a.after, a.until
    count = a.count if a.count is not None else a.party
    if count is not None and p.count is None:
        out.count = count
    if a.formats and not p.formats:
        out.formats = a.formats
    if a.language and not p.language:
        out.language = a.language
    if a.zones and not p.zones:
        out.zones = a.zones
    if a.seats.row is not None and p.seats.row is None:
        out.seats.row = a.seats.row
    if a.seats.exact and not p.seats.exact:
        out.seats.exact = a.seats.exact
    if a.attendees and not p.attendees:
        out.attendees = a.attendees
    return out
