"""Shared machinery of the live-event templates: open sessions, draws and the purchase flow.

Session candidates are cached per (world, city) with their sales window as epoch seconds,
so a draw filters a short list instead of walking every event of the world.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from ticketbench.env import orders
from ticketbench.env.models import Attendee, EventSession, LiveEvent, PriceZone, User
from ticketbench.env.rules import session_on_sale
from ticketbench.env.toolkit import EnvError
from ticketbench.env.world import World
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Draft, Skip
from ticketbench.suite.spec import OrderSpec
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import Ctx, alias_unique, fits
from ticketbench.suite.templates.guesses import session_guesses


@dataclass(frozen=True)
class EventPick:
    """One bookable event request: session, zone, count and (real-name) attendees."""

    event: LiveEvent
    session: EventSession
    zone: PriceZone
    count: int
    attendees: tuple[str, ...] = ()

    def spec(self, zone_ids: Sequence[str] = ()) -> OrderSpec:
        """The order spec (any of `zone_ids` if given, else exactly this zone)."""
        return OrderSpec(
            kind="event",
            session_ids=(self.session.id,),
            zone_ids=tuple(sorted(zone_ids or (self.zone.id,))),
            count=self.count,
            attendee_ids=tuple(sorted(self.attendees)),
        )


CLOCK_BY_HABIT = 0.5  # how often a user states a session's clock that its day alone names


@cache
def _city_sessions(
    world: World, city_id: str
) -> tuple[tuple[LiveEvent, EventSession, float, float], ...]:
    """(event, session, on-sale ts, sales-close ts) of every session in a city."""
    out = []
    for ev in world.data.events:
        if ev.city_id != city_id:
            continue
        for s in ev.sessions:
            close = s.start - timedelta(minutes=ev.sales_cutoff_min)
            out.append((ev, s, session_on_sale(ev, s).timestamp(), close.timestamp()))
    return tuple(out)


def open_sessions(
    world: World, city_id: str, now: datetime, real_name: bool | None = None
) -> list[tuple[LiveEvent, EventSession]]:
    """Sessions of a city on sale at `now` (optionally only (non-)real-name events)."""
    t = now.timestamp()
    return [
        (ev, s)
        for ev, s, opens, closes in _city_sessions(world, city_id)
        if opens <= t < closes and (real_name is None or ev.real_name == real_name)
    ]


def not_yet_on_sale(
    world: World, city_id: str, now: datetime
) -> list[tuple[LiveEvent, EventSession]]:
    """Sessions of a city whose sales open after `now` while an earlier-listed session of
    the same event is on sale: the event's first sessions are no hint, and trying the
    first one the service lists gets no "not on sale" to relay."""
    t = now.timestamp()
    out = []
    selling: set[str] = set()  # events with a session listed so far on sale
    for ev, s, opens, closes in _city_sessions(world, city_id):
        if opens <= t < closes:
            selling.add(ev.id)
        elif t < opens and ev.id in selling:
            out.append((ev, s))
    return out


def draw_pick(
    ctx: Ctx,
    d: Draft,
    real_name: bool | None,
    max_count: int = 4,
    zone: PriceZone | None = None,
) -> EventPick:
    """A random open session in the user's city, a zone with room, a count and attendees.

    Only events with two other upcoming sessions when there are any (else one): finding the
    event by name must not be all there is to choosing the session (an agent linking every
    session of it would pass); and never the session a blind agent tries first (`guesses`:
    the first listed, or first on sale), so the session is pinned by the day the user says.
    """
    user = d.user
    t = d.now
    opened = [
        (ev, s)
        for ev, s in open_sessions(ctx.world, user.city_id, t, real_name)
        if s.id not in session_guesses(ctx.world, t, [s.id])
    ]
    many = [(ev, s) for ev, s in opened if sum(x.start > t for x in ev.sessions) >= 3]
    ev, ses = ctx.choice(many or opened)
    left = orders.event_availability(d.env, ses.id)
    hi = min(ev.per_order_limit, max_count)
    if ev.real_name:
        hi = min(hi, len(user.attendees))
    if hi < 1:
        raise Skip("no attendees for a real-name event")
    named = distinct_attendees(user)
    if ev.real_name:
        # someone saved stays home: "every saved attendee" must not be the answer
        hi = min(hi, len(named) - 1 if len(named) > 1 else len(named))
    if hi < 1:
        raise Skip("no attendees with a name of their own")
    n = ctx.rng.randint(1, hi)
    zones = [z for z in ev.zones if left.get(z.id, 0) >= n]
    z = zone or ctx.choice(zones)
    atts: tuple[str, ...] = ()
    if ev.real_name:
        atts = tuple(a.id for a in ctx.rng.sample(named, n))
    pick = EventPick(ev, ses, z, n, atts)
    try:
        orders.quote_event(d.env, ses.id, z.id, n, list(atts) or None)
    except EnvError as err:
        raise Skip(err.message) from None
    return pick


def distinct_attendees(user: User) -> list[Attendee]:
    """The saved attendees a name alone identifies (two saved people may share a name)."""
    names = [a.name for a in user.attendees]
    return [a for a in user.attendees if names.count(a.name) == 1]


def event_user(ctx: Ctx, now: datetime, real_name: bool | None, min_attendees: int = 0) -> User:
    """A user whose city has a session on sale at `now` (with enough saved attendees)."""
    cities = {c.id for c in ctx.world.data.cities if open_sessions(ctx.world, c.id, now, real_name)}
    users = [
        u
        for u in ctx.world.data.users
        if u.city_id in cities and len(u.attendees) >= min_attendees and u.payment_methods
    ]
    return ctx.choice(users)


def event_title(ctx: Ctx, ev: LiveEvent) -> str:
    """What the user calls the event: its title, or sometimes an alias naming nothing else
    (no other event, no movie)."""
    aliases = [a for a in fits(ev.aliases, ctx.locale) if alias_unique(ctx.world, a, ev.id)]
    if aliases and ctx.say.random() < 0.3:
        return ctx.pick(aliases)
    return ph.title_quote(ev.title_zh, "zh") if ctx.locale == "zh" else ev.title_en


def session_when(ctx: Ctx, now: datetime, start: datetime, ev: LiveEvent | None = None) -> str:
    """The session's day as users say it: relative within a week, else the date, with the
    clock whenever another session of `ev` falls on the same day, and as often by habit
    otherwise (said only when needed, the clock would name the events that play twice a
    day, and with them the real-name events whose per-ID limit an impossible request
    meets)."""
    if (start.date() - now.date()).days < 7:
        return ph.when_phrase(ctx.say, now, start, ctx.locale)
    day = ph.day_answer(start.date(), ctx.locale)
    needed = ev is not None and sum(s.start.date() == start.date() for s in ev.sessions) > 1
    if needed or ctx.say.random() < CLOCK_BY_HABIT:
        return day + ctx.t(ph.clock(start, "zh"), f" at {ph.clock(start, 'en')}")
    return day


def event_ask(ctx: Ctx, n: int, zone: PriceZone, title: str, when: str, names: str = "") -> str:
    """An event purchase request (count, zone, event, day, the attendees by name), worded
    alike whether it can be bought or not: a verb ("grab", "抢") or a story ("one more in
    X's name, as a spare") only the impossible requests used told a blind agent why."""
    zname = zone.name_zh if ctx.zh else zone.name_en
    if ctx.zh:
        verb = ctx.pick(("买", "抢", "订"))
        body = ctx.pick(
            (f"{verb}{when}{title}的{zname}，{n}张", f"{verb}{n}张{title}{when}的{zname}")
        )
        if n == 2 and ctx.say.random() < 0.4:
            body += "，我和朋友去"
        who = (f"，观演人是{names}", f"，给{names}", f"，用{names}的身份证")
        return body + (ctx.pick(who) if names else "")
    verb = ctx.pick(("get", "grab", "book"))
    body = f"{verb} {n} {zname} ticket{'s' if n > 1 else ''} for {title}, {when}"
    if n == 2 and ctx.say.random() < 0.4:
        body += ", for me and a friend"
    who_en = (f", for {names}", f", in {names}'s name", f", on {names}'s ID")
    return body + (ctx.pick(who_en) if names else "")


def attendee_names(ctx: Ctx, user: User, ids: Sequence[str]) -> str:
    """The saved attendees' names, joined for the locale."""
    names = {a.id: a.name for a in user.attendees}
    return ctx.t("、", ", ").join(names[a] for a in ids)


def buy_event(d: Draft, pick: EventPick, coupon_id: str | None = None) -> str:
    """Reference steps of an event purchase; returns the new order id."""
    atts = list(pick.attendees) or None
    try:
        total = orders.quote_event(
            d.env, pick.session.id, pick.zone.id, pick.count, atts, coupon_id
        ).total_fen
    except EnvError as err:
        raise Skip(err.message) from None
    pm = q.payment_for(d.env.user(), total)
    if pm is None:
        raise Skip("no payment method covers the total")
    d.call("search_events", query=pick.event.title_en)
    d.call("get_event", event_id=pick.event.id)
    d.call("get_user_profile")
    o = d.call(
        "create_order",
        session_id=pick.session.id,
        zone_id=pick.zone.id,
        quantity=pick.count,
        attendee_ids=atts,
        coupon_id=coupon_id,
    )
    oid = str(o["order_id"])
    d.pay(oid, pm)
    data = d.call("get_order", order_id=oid)
    code = data.get("pickup_code", "")
    d.say(
        d.t(f"演出票已付款，订单 {oid}，取票码 {code}。", f"Paid: order {oid}, pickup code {code}.")
    )
    return oid
