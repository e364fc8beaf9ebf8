"""Shared machinery of the templates: the registry, draws, and the movie purchase flow.

A template is a function `build(ctx) -> Task` registered with `@template(id, category)`.
It draws the world situation (user, time, showing, seats, count ...) from `ctx.rng` and
every wording (titles or aliases, dates, politeness, question and answer phrasings) from
`ctx.say`, so one situation can be asked in Chinese and in English alike (a parallel pair).
It computes the ground truth from the world with the env's own logic (`ground_truth`), and
writes its reference solution through a `Draft`, which executes each step as it goes. It
raises `Skip` when a draw has no valid answer.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import TypeVar

from ticketbench.env.models import Cinema, Movie, SeatType, Showtime, User
from ticketbench.env.world import World
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Draft, Skip
from ticketbench.suite.spec import (
    Category,
    Difficulty,
    Expect,
    Goal,
    HandoffKind,
    InfeasibleReason,
    Locale,
    MustTell,
    Optimal,
    OrderSpec,
    SeatRule,
    Setup,
    Slot,
    Task,
)
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.guesses import avoid_guesses

T = TypeVar("T")


@dataclass(frozen=True)
class Ctx:
    """What a template gets: the world, two seeded rngs (`rng` for the situation, `say`
    for its wording), the locale and its own identity."""

    world: World
    rng: random.Random
    say: random.Random
    locale: Locale
    template: str
    category: Category

    def draft(
        self,
        user: User,
        now: datetime,
        setup: Setup | None = None,
        difficulty: Difficulty = "medium",
    ) -> Draft:
        """A `Draft` of this template's task for `user` at `now`."""
        return Draft(
            self.world,
            self.say,
            template=self.template,
            category=self.category,
            locale=self.locale,
            user=user,
            now=now,
            setup=setup,
            difficulty=difficulty,
        )

    @property
    def zh(self) -> bool:
        """True for a Chinese task."""
        return self.locale == "zh"

    def t(self, zh: str, en: str) -> str:
        """The text in the task's locale."""
        return zh if self.locale == "zh" else en

    def choice(self, items: Sequence[T]) -> T:
        """A random item of the situation (`rng`); `Skip` if there is none."""
        if not items:
            raise Skip("nothing to choose from")
        return items[self.rng.randrange(len(items))]

    def pick(self, items: Sequence[T]) -> T:
        """A random wording (`say`)."""
        return items[self.say.randrange(len(items))]


@dataclass(frozen=True)
class Template:
    """A registered template: its id, category, builder and feasibility (None: it draws
    feasible and infeasible tasks alike, in the same words)."""

    id: str
    category: Category
    build: Callable[[Ctx], Task]
    feasible: bool | None = True


TEMPLATES: dict[str, Template] = {}


def template(
    tid: str, category: Category, feasible: bool | None = True
) -> Callable[[Callable[[Ctx], Task]], Callable[[Ctx], Task]]:
    """Register a template function under `tid`."""

    def deco(fn: Callable[[Ctx], Task]) -> Callable[[Ctx], Task]:
        if tid in TEMPLATES:
            raise ValueError(f"template {tid} registered twice")
        TEMPLATES[tid] = Template(tid, category, fn, feasible)
        return fn

    return deco


# --- draws ------------------------------------------------------------------------------


def start_day(world: World) -> date:
    """The first day of the world's showtimes."""
    return world.data.start_date


def draw_now(
    ctx: Ctx, day_offsets: Sequence[int] = (0, 1, 2, 3), hours: Sequence[int] = ()
) -> datetime:
    """A simulated start time: a morning or afternoon of the world's first days."""
    first = min(st.start for st in ctx.world.data.showtimes[:50])
    tz = first.tzinfo
    day = start_day(ctx.world) + timedelta(days=ctx.rng.choice(list(day_offsets)))
    hour = ctx.rng.choice(list(hours or (9, 10, 11, 13, 14, 15)))
    return datetime(
        day.year, day.month, day.day, hour, ctx.rng.choice((0, 10, 20, 30, 45)), tzinfo=tz
    )


def draw_user(ctx: Ctx, need: Callable[[User], bool] | None = None) -> User:
    """A random user (satisfying `need`, if given)."""
    users = [u for u in ctx.world.data.users if need is None or need(u)]
    return ctx.choice(users)


def movie_title(ctx: Ctx, m: Movie, alias_ok: bool = True) -> str:
    """What the user calls the movie: its title in the locale, or sometimes an alias that
    names nothing else (no other movie, no event of the city)."""
    title = m.title_zh if ctx.locale == "zh" else m.title_en
    aliases = [a for a in fits(m.aliases, ctx.locale) if alias_unique(ctx.world, a, m.id)]
    if alias_ok and aliases and ctx.say.random() < 0.3:
        return ctx.pick(aliases)
    return ph.title_quote(title, ctx.locale) if ctx.locale == "zh" else title


def fits(aliases: Sequence[str], locale: Locale) -> list[str]:
    """The aliases a user of `locale` would say: English users only use Latin-script ones."""
    return [a for a in aliases if locale == "zh" or a.isascii()]


def showing_names(ctx: Ctx, st: Showtime) -> tuple[str, str]:
    """(movie, cinema) of a showtime as the user says them (titles, sometimes aliases)."""
    m = ctx.world.movies[st.movie_id]
    return movie_title(ctx, m), cinema_name(ctx, ctx.world.cinemas[st.cinema_id])


def draw_count(ctx: Ctx, hi: int = 4) -> int:
    """A party size, mostly two."""
    return ctx.rng.choice([n for n in (1, 2, 2, 2, 3, 4) if n <= hi])


def names_of(world: World) -> dict[str, set[str]]:
    """Every movie and event name (titles and aliases) -> the ids it names."""
    return _names(world)


@cache
def _names(world: World) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in world.data.movies:
        for s in (m.title_zh, m.title_en, *m.aliases):
            out.setdefault(s, set()).add(m.id)
    for e in world.data.events:
        for s in (e.title_zh, e.title_en, *e.aliases):
            out.setdefault(s, set()).add(e.id)
    return out


def alias_unique(world: World, alias: str, ref: str) -> bool:
    """True if the name `alias` names only `ref` (a movie or event id) in the whole world:
    a name shared with another movie or an event is for clarification tasks only."""
    return names_of(world).get(alias, {ref}) == {ref}


def cinema_name(ctx: Ctx, c: Cinema) -> str:
    """What the user calls a cinema: its name in the locale, or sometimes an alias."""
    aliases = fits(c.aliases, ctx.locale)
    if aliases and ctx.say.random() < 0.25:
        return ctx.pick(aliases)
    return c.name_zh if ctx.locale == "zh" else c.name_en


def named_showing(ctx: Ctx, st: Showtime) -> Showtime:
    """`st`, if no other showtime of the movie starts at its cinema at the same minute (a
    user naming "the 19:30 at Wanda" could mean either); else `Skip`."""
    if len(q.same_start(ctx.world, st)) > 1:
        raise Skip("another showing of the movie starts at the same cinema and time")
    return st


def open_showtimes(ctx: Ctx, user: User, now: datetime, days_ahead: int = 4) -> list[Showtime]:
    """Showtimes in the user's city on sale at `now`, within `days_ahead` days."""
    return q.on_sale(ctx.world, user.city_id, now, now + timedelta(days=days_ahead))


def afternoon_showing(ctx: Ctx, user: User, base: datetime) -> Showtime:
    """A showing on `base`'s day from noon on, in the user's city, on sale that midnight."""
    day = q.on_sale(
        ctx.world, user.city_id, base.replace(hour=0, minute=0), base + timedelta(days=1)
    )
    return ctx.choice([s for s in day if s.start.date() == base.date() and s.start.hour >= 12])


# --- the standard movie flow -------------------------------------------------------------


def say_done(d: Draft, order_id: str) -> None:
    """Closing message of a purchase (reads the order once paid)."""
    data = d.call("get_order", order_id=order_id)
    code = data.get("pickup_code", "")
    d.say(
        d.t(
            f"已完成支付，订单 {order_id}，取票码 {code}。",
            f"Paid: order {order_id}, pickup code {code}.",
        )
    )


def buy_movie(
    d: Draft,
    st: Showtime,
    seats: Sequence[str],
    *,
    query: str,
    card_id: str | None = None,
    coupon_id: str | None = None,
    pm_id: str | None = None,
    search: bool = True,
) -> str:
    """Reference steps of a movie purchase; returns the new order id."""
    if search:
        d.call("search_movies", query=query)
        d.call(
            "search_showtimes",
            movie_id=st.movie_id,
            cinema_id=st.cinema_id,
            date=st.start.date().isoformat(),
        )
    d.call("seat_map", showtime_id=st.id)
    d.call("get_user_profile")
    order = d.call(
        "create_order", showtime_id=st.id, seats=list(seats), card_id=card_id, coupon_id=coupon_id
    )
    oid = str(order["order_id"])
    pm = pm_id or q.payment_for(d.env.user(), int(order["total_fen"]))
    if pm is None:
        raise Skip("no payment method covers the total")
    d.pay(oid, pm)
    say_done(d, oid)
    return oid


def pm_fact(d: Draft) -> None:
    """The user's answer when asked how to pay: any method is fine."""
    d.fact(
        "payment",
        ("支付", "付款", "付钱", "pay", "payment", "wallet", "card"),
        d.pick(
            (
                "用我账户里的默认支付方式就行。",
                "默认的付款方式就可以。",
                "随便哪个都行，用默认的。",
            ),
            (
                "Just use my usual payment method.",
                "The default payment method is fine.",
                "Whatever I usually pay with.",
            ),
        ),
    )


GENERAL_SEATS: tuple[SeatType, ...] = ("couple", "standard", "vip")


def movie_spec(
    showtime_ids: Sequence[str],
    count: int,
    rule: SeatRule | None = None,
    *,
    seat_types: Mapping[SeatType, int] | None = None,
    card_id: str | None = None,
    max_total_fen: int | None = None,
) -> OrderSpec:
    """A movie order spec over acceptable showtimes (sorted, so the JSON is stable).

    Seats the user did not describe by type are standard, VIP or couple seats: never a
    wheelchair space or its companion seat."""
    rule = rule or SeatRule()
    if not seat_types and not rule.exact and not rule.types:
        rule = rule.model_copy(update={"types": GENERAL_SEATS})
    return OrderSpec(
        kind="movie",
        showtime_ids=tuple(sorted(showtime_ids)),
        count=count,
        seats=rule,
        seat_types=dict(seat_types or {}),
        card_id=card_id,
        max_total_fen=max_total_fen,
    )


def purchase(
    d: Draft,
    opening: str,
    specs: Sequence[OrderSpec],
    summary: str,
    *,
    budget: int | None = None,
    must_tell: Sequence[MustTell] = (),
    clarify: Sequence[Slot] = (),
    optimal: Optimal | None = None,
) -> Task:
    """Finish a purchase task: goal and expect from the same order specs. `Skip` if a spec
    accepts what a blind agent tries first (`guesses`)."""
    avoid_guesses(d.world, d.now, specs)
    handoffs: dict[HandoffKind, int] = {"confirm": len(specs)}
    if clarify:
        handoffs["clarify"] = len(clarify)
    return d.finish(
        opening,
        Goal(summary=summary, orders=tuple(specs), budget_fen=budget),
        Expect(
            outcome="purchase" if len(specs) == 1 else "multi",
            orders=tuple(specs),
            must_tell=tuple(must_tell),
            clarify=tuple(clarify),
            handoffs=handoffs,
            optimal=optimal,
        ),
    )


def refusal(
    d: Draft, opening: str, summary: str, why: InfeasibleReason, about: tuple[str, ...]
) -> Task:
    """Finish an infeasible task: nothing may change; the agent must say why (`why`, a fact
    about the showtime, session, event or order ids `about`)."""
    return d.finish(
        opening,
        Goal(summary=summary),
        Expect(
            outcome="no_purchase",
            feasible=False,
            reason=why,
            reason_about=about,
            handoffs={"inform": 1},
        ),
    )


def with_day(ctx: Ctx, now: datetime, day: date) -> str:
    """A relative or absolute phrase for `day` seen from `now`."""
    return ph.day_phrase(ctx.say, now.date(), day, ctx.locale)
