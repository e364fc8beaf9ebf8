"""Whether an option an agent proposes fits what the user wants (Chinese and English).

Asked "Is the 19:30 one okay?", "给您订明早10点那场可以吗？" or shown an order summary with
"Shall I pay?", a person checks what is named against what they want and says no when it
contradicts. What is named is read with the audit's parser of requests
(`ticketbench.suite.audit.phrases.scan`): the movie or event, cinema, day, clock, format,
language, ticket count, row or seat ids, price zone, the total, the member card and the
people on real-name tickets; the payment method and the coupon by
`ticketbench.users.terms`. What the user wants is
what it knows: its opening and its hidden answers (`ticketbench.users.wishes`); and an
option one of the task's acceptable orders allows is always fine (the parser may miss a
wish; it must never make the user turn the right option down).

A yes gives away only what a person's would: what the user itself knows. A user who asked
for "the evening show" accepts 19:30 and 21:00 alike; one who wants "the cheapest" cannot
tell which showing that is, says yes, and the payment sheet decides. A question naming
several options at once ("any of these?") gets no yes: the user asks which one the agent
suggests. The scripted user stops trusting an agent after `ticketbench.users.gate.TRUST`
proposals it turned down, as after declined payment sheets, so guessing costs the
conversation (`ticketbench.users.scripted`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, TypeVar

from ticketbench.env.models import User
from ticketbench.env.world import World
from ticketbench.suite.audit.lexicon import Mention
from ticketbench.suite.audit.movies import FORMATS
from ticketbench.suite.audit.phrases import Clock, Phrase, scan
from ticketbench.suite.audit.reading import Part
from ticketbench.suite.spec import OrderSpec, Task
from ticketbench.users.links import named_choice
from ticketbench.users.reading.reader import read
from ticketbench.users.terms import method_kinds, terms_in
from ticketbench.users.wishes import Wishes, plain

_T = TypeVar("_T")

# What about a proposal contradicts the user's wishes.
Off = Literal[
    "title", "cinema", "day", "time", "format", "count", "seats", "price", "discount", "payment",
    "people",
]  # fmt: skip

_DEADLINE = re.compile(
    r"(?:\b(?:by|before|until|till|expires?(?: at)?|expiry|hold_until|now)\W{0,4}"
    r"|截止|保留到|锁定到|有效期至|锁座至|现在是?)\s*(?:\d{4}-\d{1,2}-\d{1,2}\s*)?\d{1,2}:\d{2}"
    r"|\d{1,2}:\d{2}\s*(?:前|之前|以前|截止|过期)",
    re.I,
)
_MONEY = re.compile(
    r"(?:¥|￥|rmb\s?|cny\s?)\s*(\d+(?:\.\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s*(?:元|块|yuan\b)", re.I
)
_TOTAL = re.compile(r"合计|总计|总价|共计|一共|实付|应付|总共|\btotal|in all|altogether", re.I)
_SENTENCE = re.compile(r"(?<=[?!。！？;；\n])|(?<=[.!])\s+")
_ASKS = re.compile(r"[?？]\s*$")


@dataclass
class Named:
    """The values a text names, each attribute as the set of distinct values."""

    titles: set[frozenset[str]] = field(default_factory=set)  # movie or event ids a name may mean
    cinemas: set[frozenset[str]] = field(default_factory=set)
    brands: set[str] = field(default_factory=set)  # a brand named without a branch
    days: set[date] = field(default_factory=set)
    clocks: set[Clock] = field(default_factory=set)
    formats: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    counts: set[int] = field(default_factory=set)
    rows: set[int] = field(default_factory=set)
    seats: set[str] = field(default_factory=set)
    zones: set[frozenset[str]] = field(default_factory=set)
    totals: set[int] = field(default_factory=set)  # fen
    cards: set[str] = field(default_factory=set)  # brands of member cards named
    people: set[str] = field(default_factory=set)  # saved attendees named (all on the tickets)
    payments: set[str] = field(default_factory=set)  # payment kinds named
    coupon: set[bool] = field(default_factory=set)  # a coupon used (True) or none (False)
    coupons: set[str] = field(default_factory=set)  # the user's coupons named by their value

    def options(self) -> int:
        """How many options a question naming these values offers (one at most of each
        attribute that tells options apart: title, cinema, day, clock)."""
        return max(len(self.titles), len(self.cinemas) + len(self.brands), len(self.days),
                   len(self.clocks), 1)  # fmt: skip

    def choosing(self) -> bool:
        """Does it name anything that tells options apart?"""
        return bool(self.titles or self.cinemas or self.brands or self.days or self.clocks)


def named_in(world: World, user: User, now: datetime, text: str) -> Named:
    """The values `text` names (see `Named`); a deadline ("pay by 12:15", "12:15前支付") is
    no showing. Deadlines go before `plain`, which would rewrite the service's stamp
    ("hold_until": "2026-12-10 12:15") into a day and a clock the deadline no longer
    matches."""
    words = plain(_DEADLINE.sub(" ", text))
    t, mentions = scan(world, user, now, words)
    out = Named()
    _add_mentions(out, world, mentions)
    _add_phrases(out, t.phrases)
    if any(ph.kind == "card" for ph in t.phrases):  # "用万达会员卡": a card, not a cinema
        out.cards, out.brands = out.brands, set()
    out.totals = _totals(words)
    terms = terms_in(user, words)
    out.payments = set(terms.payments)
    out.coupon = set() if terms.coupon is None else {terms.coupon}
    out.coupons = set(terms.coupons)
    return out


def _add_mentions(out: Named, world: World, mentions: Sequence[Mention]) -> None:
    for m in mentions:
        titles = m.ids("movie") | m.ids("event") | m.ids("performer")
        if titles:
            out.titles.add(titles)
        elif m.ids("cinema"):
            out.cinemas.add(m.ids("cinema"))
        elif m.ids("brand"):
            out.brands |= m.ids("brand")
        elif m.ids("zone"):
            out.zones.add(m.ids("zone"))
        elif m.ids("attendee"):
            out.people |= m.ids("attendee")
    # a brand named inside a branch's name ("CGV影城（国贸店）") is that branch
    named = {world.cinemas[c].brand_en for ids in out.cinemas for c in ids}
    out.brands -= named


def _add_phrases(out: Named, phrases: Iterable[Phrase]) -> None:
    for ph in phrases:
        v = ph.value
        if ph.kind in ("day", "day_evening", "tonight") and isinstance(v, date):
            out.days.add(v)
        elif ph.kind == "clock" and isinstance(v, tuple):
            out.clocks.add((int(v[0]), int(v[1])))
        elif ph.kind == "format":
            out.formats.add(str(v))
        elif ph.kind == "language":
            out.languages.add(str(v))
        elif ph.kind in ("count", "each_count") and isinstance(v, int):
            out.counts.add(v)
        elif ph.kind == "row" and isinstance(v, int):
            out.rows.add(v)
        elif ph.kind == "seat_id":
            out.seats.add(str(v))


def _totals(text: str) -> set[int]:
    """The total a text names: amounts next to a total word, else its only amount."""
    amounts: list[tuple[int, int]] = []
    for m in _MONEY.finditer(text):
        fen = round(float(m.group(1) or m.group(2)) * 100)
        amounts.append((m.start(), fen))
    marked = {
        fen for at, fen in amounts if _TOTAL.search(text[max(0, at - 12) : at])
    }  # "合计¥95.00", "total ¥95", "Total: 95 yuan"
    if marked:
        return marked
    return {amounts[0][1]} if len({fen for _, fen in amounts}) == 1 else set()


# --- the judgement ------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """The user's view of a go-ahead question: `options` if it offers several at once;
    else `off`, what contradicts the user's wishes (None: it fits, or names nothing), and
    `ignored` if that contradicts what the user already told the agent."""

    options: bool
    off: Off | None
    names: bool  # it names something the user could check
    ignored: bool = False


def _one(values: set[_T]) -> _T | None:
    """The value of a set of one (several values decide nothing)."""
    return next(iter(values)) if len(values) == 1 else None


def judge(task: Task, world: World, told: Wishes, known: Wishes, text: str) -> Proposal:
    """How the user takes a proposal in `text` (see the module docstring): `known` is all
    it wants, `told` what of it the agent has heard (its opening and the answers it gave)."""
    user = world.users.get(task.user_id)
    if user is None:
        return Proposal(False, None, False)
    asking = " ".join(s for s in _SENTENCE.split(text) if _ASKS.search(s.strip()))
    held = _held_showings(task, world)
    q = _drop_held(named_in(world, user, task.now, asking), held) if asking else Named()
    whole = _drop_held(named_in(world, user, task.now, text), held)
    listed = read(text).options
    if listed and not q.choosing() and whole.options() > 1:
        # "Shall I book the second one?" under a list picks that line; "okay?" picks none
        pick = named_choice(asking, listed)
        if pick is None:
            return Proposal(True, None, True)
        q = _drop_held(named_in(world, user, task.now, pick), held)
    if q.options() > 1:
        return Proposal(True, None, True)  # "any of these?"
    named = Named(**{k: getattr(q, k) or getattr(whole, k) for k in Named.__dataclass_fields__})
    names = any(len(getattr(named, k)) == 1 for k in Named.__dataclass_fields__) or bool(
        named.seats or named.people
    )
    if not names:
        return Proposal(False, None, False)
    specs = [*task.goal.orders, *(x.to for x in task.expect.exchanges)]
    if any(_spec_allows(world, user, named, s, task.goal.budget_fen) for s in specs):
        return Proposal(False, None, True)
    for wishes, ignored in ((told, True), (known, False)):
        offs = [_off(world, named, p, wishes) for p in wishes.parts]
        if offs and None not in offs:
            return Proposal(False, offs[0], True, ignored)
    return Proposal(False, None, True)


def _held_showings(task: Task, world: World) -> list[datetime]:
    """Starts of the showings of the user's own seeded orders (an exchange names them)."""
    out = []
    for o in task.setup.orders:
        if o.showtime_id and o.showtime_id in world.showtimes:
            out.append(world.showtimes[o.showtime_id].start)
        elif o.session_id and o.session_id in world.sessions:
            out.append(world.sessions[o.session_id][1].start)
    return out


def _drop_held(named: Named, held: Sequence[datetime]) -> Named:
    """Named without the day and clock of a showing the user holds, when more are named
    ("move my 19:30 ticket to the 21:00 one?" proposes 21:00)."""
    for start in held:
        if len(named.clocks) > 1:
            named.clocks.discard((start.hour, start.minute))
        if len(named.days) > 1:
            named.days.discard(start.date())
    return named


def _brand(user: User, card_id: str) -> str | None:
    return next((k.brand_en for k in user.member_cards if k.id == card_id), None)


def _spec_allows(world: World, user: User, n: Named, spec: OrderSpec, budget: int | None) -> bool:
    """Does some option `spec` accepts have every value `n` names (one of each)?"""
    if (count := _one(n.counts)) is not None and count != spec.count:
        return False
    total = min(n.totals) if n.totals else None
    for cap in (spec.max_total_fen, budget):
        if total is not None and cap is not None and total > cap:
            return False
    rows = set(spec.seats.rows) | {int(s.split("-")[0]) for s in spec.seats.exact}
    if (row := _one(n.rows)) is not None and rows and row not in rows:
        return False
    if n.seats and spec.seats.exact and not n.seats <= set(spec.seats.exact):
        return False
    card = _one(n.cards)
    if card is not None and (
        spec.no_discount or (spec.card_id and card != _brand(user, spec.card_id))
    ):
        return False
    if not _terms_allowed(user, n, spec):
        return False
    title = _one(n.titles)
    day, clock = _one(n.days), _one(n.clocks)
    if spec.kind == "movie":
        for sid in spec.showtime_ids:
            st = world.showtimes.get(sid)
            if st is None:
                continue
            cinema = world.cinemas[st.cinema_id]
            if (
                (title is None or st.movie_id in title)
                and _cinema_ok(n, st.cinema_id, cinema.brand_en)
                and (day is None or st.start.date() == day)
                and (clock is None or (st.start.hour, st.start.minute) == clock)
                and all(st.format in FORMATS.get(f, {f}) for f in n.formats if len(n.formats) == 1)
                and (len(n.languages) != 1 or st.language in n.languages)
            ):
                return True
        return False
    if n.cinemas or n.brands:
        return False
    zone = _one(n.zones)
    if zone is not None and spec.zone_ids and not zone & set(spec.zone_ids):
        return False
    for sess in spec.session_ids:
        found = world.sessions.get(sess)
        if found is None:
            continue
        ev, s = found
        if (
            (title is None or ev.id in title)
            and (day is None or s.start.date() == day)
            and (clock is None or (s.start.hour, s.start.minute) == clock)
        ):
            return True
    return False


def _terms_allowed(user: User, n: Named, spec: OrderSpec) -> bool:
    """Do the people, payment method and coupon `n` names fit `spec`?"""
    if n.people and spec.attendee_ids and not n.people <= set(spec.attendee_ids):
        return False
    pay = _one(n.payments)
    if (
        pay is not None
        and spec.payment_method_ids
        and pay not in method_kinds(user, spec.payment_method_ids)
    ):
        return False
    coupon = _one(n.coupon)
    if coupon is False and spec.coupon_id is not None:
        return False
    if coupon is True and spec.no_discount:
        return False
    return not (n.coupons and spec.coupon_id is not None and spec.coupon_id not in n.coupons)


def _cinema_ok(n: Named, cinema_id: str, brand: str) -> bool:
    cinema = _one(n.cinemas)
    if cinema is not None and cinema_id not in cinema:
        return False
    named_brand = _one(n.brands)
    return named_brand is None or named_brand == brand


def _off(world: World, n: Named, p: Part, wishes: Wishes) -> Off | None:
    """The first value `n` names that contradicts part `p` of the user's `wishes`."""
    title = _one(n.titles)
    wanted = p.movies | p.events
    if title is not None and wanted and not title & wanted:
        return "title"
    if _cinema_off(world, n, p):
        return "cinema"
    day = _one(n.days)
    if day is not None and p.day is not None and not p.day_ambiguous and day != p.day:
        return "day"
    clock = _one(n.clocks)
    if clock is not None and (
        (p.clock is not None and clock != p.clock)
        or (p.after is not None and clock < p.after)
        or (p.until is not None and clock > p.until)
    ):
        return "time"
    fmt, lang = _one(n.formats), _one(n.languages)
    if (fmt is not None and p.formats and fmt not in p.formats) or (
        lang is not None and p.language is not None and lang != p.language
    ):
        return "format"
    count = _one(n.counts)
    want = p.count if p.count is not None else p.party
    if count is not None and want is not None and count != want:
        return "count"
    if _seats_off(n, p):
        return "seats"
    if n.people and p.attendees and not n.people <= set(p.attendees):
        return "people"  # someone on the tickets the user did not name
    budget = wishes.budget_fen
    if budget is not None and n.totals and min(n.totals) > budget:
        return "price"
    card = _one(n.cards)
    if card is not None and p.card_brand is not None and card != p.card_brand:
        return "discount"
    return _terms_off(n, wishes)


def _terms_off(n: Named, wishes: Wishes) -> Off | None:
    """What of the payment method and coupon `n` names contradicts the user's words."""
    want = wishes.terms
    pay = _one(n.payments)
    if pay is not None and want.payments and pay not in want.payments:
        return "payment"
    coupon = _one(n.coupon)
    if coupon is not None and want.coupon is not None and coupon != want.coupon:
        return "discount"
    if n.coupons and want.coupons and not n.coupons & want.coupons:
        return "discount"
    return None


def _cinema_off(world: World, n: Named, p: Part) -> bool:
    cinema, brand = _one(n.cinemas), _one(n.brands)
    brands: set[str] = set()
    if cinema is not None:
        if p.cinemas and not cinema & p.cinemas:
            return True
        brands = {world.cinemas[c].brand_en for c in cinema}
    elif brand is not None:
        brands = {brand}
        if p.cinemas and brand not in {world.cinemas[c].brand_en for c in p.cinemas}:
            return True
    return bool(brands) and p.brand is not None and p.brand not in brands


def _seats_off(n: Named, p: Part) -> bool:
    row = _one(n.rows)
    exact = set(p.seats.exact)
    rows = {int(s.split("-")[0]) for s in exact}
    if p.seats.row is not None:
        rows.add(p.seats.row)
    if row is not None and rows and row not in rows:
        return True
    if n.seats and exact and not n.seats <= exact:
        return True
    zone = _one(n.zones)
    return zone is not None and bool(p.zones) and not zone & p.zones
