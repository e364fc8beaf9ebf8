"""A named showing asked with the wishes its user states: how many, seats together, a
budget, that it starts soon, and rather nothing than seats apart.

Requests that cannot be met (no seats together, sales closed, over budget) and requests
that can are worded by the same function from the same draws, so the words of an opening
never say which it is, or why: each infeasible request states every wish at the rate a
feasible one does, and only one of them fails (the template's). A blind agent refusing on
"不超过80元" or "starting shortly" is then right no more often than the wish fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from ticketbench.env.models import Showtime
from ticketbench.env.orders.pricing import seat_price
from ticketbench.env.rules import movie_sales_close
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Draft, Skip
from ticketbench.suite.spec import SeatRule, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    GENERAL_SEATS,
    Ctx,
    buy_movie,
    draw_now,
    draw_user,
    movie_spec,
    open_showtimes,
    pm_fact,
    purchase,
    showing_names,
)
from ticketbench.suite.templates.guesses import showing_guesses

Fails = Literal["not_enough_seats", "sales_closed", "over_budget"]

COUNTS = (2, 2, 3, 3, 4, 4)  # the group sizes every such request draws (4: the order limit)
BUDGET_RATE = 0.6  # how often a feasible request states a budget
# An over-budget request always states one, and it is one of the three failing kinds drawn
# as often, so the other two state one less often: over all three, as often as feasible
# ones, and a stated budget tells nothing of whether the request can be met.
BUDGET_RATE_BESIDE_A_FAILURE = (BUDGET_RATE - 1 / 3) / (1 - 1 / 3)
SOON_RATE = 0.35  # how often "starting shortly" is said (also of a closed showing)
STRICT_RATE = 0.4  # how often "rather nothing than apart" is said
TERSE_RATE = 0.25  # how often the request is a terse one-liner


@dataclass(frozen=True)
class Stated:
    """What the user states about the showing besides its name."""

    count: int
    budget_yuan: int | None = None
    soon: bool = False
    strict: bool = False


def draw_wishes(ctx: Ctx, fails: Fails | None) -> tuple[int, bool, bool, bool]:
    """(count, say a budget, say "starting shortly", say "rather nothing than apart"),
    drawn alike for every such request: only the failing wish is forced (a budget when it
    is what fails)."""
    count = ctx.rng.choice(COUNTS)
    rate = BUDGET_RATE if fails is None else BUDGET_RATE_BESIDE_A_FAILURE
    budget = fails == "over_budget" or ctx.rng.random() < rate
    soon = ctx.rng.random() < SOON_RATE
    strict = ctx.rng.random() < STRICT_RATE
    return count, budget, soon, strict


def soon_now(ctx: Ctx, st: Showtime, closed: bool) -> datetime:
    """A clock shortly before `st`: 0-2 minutes past its sales cut-off (`closed`: an
    earlier showing at a cinema's other hall, which closes later, is then still on sale)
    or 25-100 minutes before the cut-off with sales still open."""
    shut = movie_sales_close(st)
    if closed:
        return shut + timedelta(minutes=ctx.rng.choice((0, 1, 2)))
    return shut - timedelta(minutes=ctx.rng.choice((25, 40, 55, 70, 100)))


def closed_behind_open(ctx: Ctx, city_id: str, day: date) -> list[Showtime]:
    """Afternoon showings of `day` in a city that pass their online cut-off while an earlier
    showing of the movie at the same cinema is still on sale (a premium hall closes sales
    earlier): the closed showing is never the first row its cinema lists, so trying the
    first row and relaying the error says nothing."""
    world = ctx.world
    out: list[Showtime] = []
    for cin in world.cinemas_by_city.get(city_id, ()):
        sts = [s for s in world.showtimes_by_cinema.get(cin.id, ()) if s.start.date() == day]
        for st in sts:
            shut = movie_sales_close(st)
            if st.start.hour >= 12 and any(
                p.movie_id == st.movie_id and p.start < st.start and movie_sales_close(p) > shut
                for p in sts
            ):
                out.append(st)
    return out


def earlier_on_sale(ctx: Ctx, st: Showtime, now: datetime) -> bool:
    """Whether an earlier showing of `st`'s movie at its cinema is on sale at `now`."""
    return any(
        p.movie_id == st.movie_id and p.start < st.start and q.sales_open(p, now)
        for p in ctx.world.showtimes_by_cinema[st.cinema_id]
    )


def holding_budget(ctx: Ctx, st: Showtime, count: int) -> int:
    """A budget in whole yuan above any total of `count` seats of `st` (the dearest seat
    type at list price, fees included), so stating it changes no answer."""
    fee = ctx.world.cinemas[st.cinema_id].service_fee_fen
    top = (max(seat_price(st, t) for t in st.prices) + fee) * count
    return (top // 100 + ctx.rng.choice((5, 10, 20, 30))) * 100


def strict_phrase(ctx: Ctx) -> str:
    """ "Rather nothing than seats apart"."""
    return ctx.pick(
        ("不连座就不买了", "坐不到一起就算了")
        if ctx.zh
        else ("if we can't sit together, don't buy", "if we can't sit together, forget it")
    )


def budget_phrase(ctx: Ctx, yuan: int) -> str:
    """A stated budget for the whole order ("总共不超过200元" / "200 yuan total at most")."""
    return ctx.pick(
        (f"总共不超过{yuan}元", f"总价别超过{yuan}元", f"一共{yuan}元以内", f"预算{yuan}元")
        if ctx.zh
        else (
            f"{yuan} yuan total at most",
            f"total no more than {yuan} yuan",
            f"within {yuan} yuan in all",
            f"my budget is {yuan} yuan",
        )
    )


def showing_ask(ctx: Ctx, now: datetime, st: Showtime, s: Stated, terse: bool) -> str:
    """The request body ("买明晚7点半万达的《X》，3张要连在一起，总共不超过200元" / "get me
    3 seats together for X at Wanda tomorrow night at 7:30, 200 yuan total at most"), or
    a `terse` one-liner ("《X》 万达 明晚7点半 3张 连座 预算200元")."""
    title, cin = showing_names(ctx, st)
    n = s.count
    if s.soon:
        clk = ph.clock(st.start, ctx.locale, ctx.say)
        if terse:
            when = ctx.t(f"马上开场的{clk}", f"{clk}, starting shortly")
        else:
            when = ctx.t(f"马上要开场的{clk}", f"at {clk}, starting shortly")
    else:
        when = ph.when_phrase(ctx.say, now, st.start, ctx.locale)
    tail: list[str] = []
    if s.strict:
        tail.append(strict_phrase(ctx))
    if s.budget_yuan is not None:
        tail.append(budget_phrase(ctx, s.budget_yuan))
    ctx.say.shuffle(tail)
    if terse:
        cnt = ph.count_phrase(n, ctx.locale, ctx.say)
        return ctx.t(" ", ", ").join((title, cin, when, cnt, ctx.t("连座", "together"), *tail))
    if ctx.zh:
        cnt = ph.count_phrase(n, "zh", ctx.say)
        seats = ctx.pick((f"{cnt}要连在一起", f"{cnt}连座", f"{cnt}，座位挨着"))
        return "，".join((f"买{when}{cin}的{title}，{seats}", *tail))
    num = ctx.pick((ph.EN_NUM.get(n, str(n)), str(n)))
    seats = ctx.pick((f"{num} seats together", f"{num} tickets side by side"))
    return "; ".join((f"get me {seats} for {title} at {cin} {when}", *tail))


@dataclass(frozen=True)
class Drawn:
    """A drawn request: the draft at the request's clock, the showing, what is stated,
    and the seats the reference books or quotes (none when no seats are together)."""

    d: Draft
    st: Showtime
    stated: Stated
    seats: tuple[str, ...]
    total: int  # the lowest total of `seats` with the user's discounts (0: none)


def draw_request(ctx: Ctx, fails: Fails | None, soon: bool | None = None) -> Drawn:
    """A named showing and its stated wishes, every wish holding but `fails`. `soon`
    forces (or forbids) "starting shortly"; feasible requests avoid what a blind agent
    tries first (`guesses`)."""
    user = draw_user(ctx)
    base = draw_now(ctx)
    count, say_budget, said_soon, strict = draw_wishes(ctx, fails)
    said_soon = said_soon if soon is None else soon
    closed = fails == "sales_closed"
    rule = SeatRule(together=True)
    if closed:  # a showing closed while an earlier one at its cinema sells on
        pool = closed_behind_open(ctx, user.city_id, base.date())
    elif said_soon:  # a showing later on base's day, the clock set shortly before
        day = q.on_sale(
            ctx.world, user.city_id, base.replace(hour=0, minute=0), base + timedelta(days=1)
        )
        pool = [s for s in day if s.start.date() == base.date() and s.start.hour >= 12]
    else:
        pool = open_showtimes(ctx, user, base)
    for st in ctx.rng.sample(pool, min(200, len(pool))):
        if len(q.same_start(ctx.world, st)) > 1:
            continue  # named by its start: it must be the only one then
        now = soon_now(ctx, st, closed) if closed or said_soon else base
        if now < base.replace(hour=0, minute=0) or q.sales_open(st, now) == closed:
            continue
        if closed and not earlier_on_sale(ctx, st, now):
            continue
        if fails is None and st.id in showing_guesses(ctx.world, now, [st.id]):
            continue
        # seats and prices as they stand at the request's clock (before the cut-off when
        # the sales have closed: the quote would refuse any seats then)
        d = ctx.draft(user, now)
        env = (
            ctx.draft(user, st.start - timedelta(minutes=st.sales_cutoff_min + 1)).env
            if closed
            else d.env
        )
        opts = q.seat_options(
            env,
            st.id,
            count,
            rule,
            GENERAL_SEATS,
            prefer=q.centre_score,
            limit=1,
        )
        if fails == "not_enough_seats":
            if opts or q.free_seats(env, st.id, GENERAL_SEATS) < count:
                continue
        elif not opts:
            continue
        low = q.lowest_total(env, st.id, count, rule, GENERAL_SEATS) if opts else None
        if fails == "over_budget" and (low is None or low[0] < 2000 + 500 * count):
            continue
        break
    else:
        raise Skip("no showing fits the request")
    budget: int | None = None
    if fails == "over_budget":
        assert low is not None
        budget = (low[0] // 100 - ctx.rng.choice((5, 10, 15))) * 100
    elif say_budget:
        budget = holding_budget(ctx, st, count)
    seats = tuple(opts[0]) if opts else ()
    total = low[0] if low is not None else 0
    if fails == "over_budget" and low is not None:
        seats = tuple(low[1])
    stated = Stated(count, None if budget is None else budget // 100, said_soon, strict)
    return Drawn(d, st, stated, seats, total)


def ask_opening(ctx: Ctx, r: Drawn, terse: bool | None = None) -> tuple[str, str]:
    """(opening, body) of a drawn request, `terse` or not (None: drawn, as often for every
    kind of request)."""
    if terse is None:
        terse = ctx.say.random() < TERSE_RATE
    body = showing_ask(ctx, r.d.now, r.st, r.stated, terse)
    return (body if terse else ph.politeness(ctx.say, ctx.locale, body)), body


def stated_purchase(ctx: Ctx, soon: bool | None = None, terse: bool | None = None) -> Task:
    """A feasible request in the words of the infeasible ones: every stated wish holds
    (the group sits together, the budget is above any total, the showing "starting
    shortly" is still on sale)."""
    r = draw_request(ctx, None, soon)
    d, st, s = r.d, r.st, r.stated
    opening, _ = ask_opening(ctx, r, terse)
    pm_fact(d)
    d.fact(
        "seat_pref",
        ("座位", "位置", "seat", "row"),
        d.pick(("坐在一起就行。", "挨着坐就好。"), ("Together is all I need.", "Just together.")),
    )
    budget = None if s.budget_yuan is None else s.budget_yuan * 100
    buy_movie(d, st, r.seats, query=ctx.world.movies[st.movie_id].title_en)
    spec = movie_spec([st.id], s.count, SeatRule(together=True), max_total_fen=budget)
    summary = ctx.t("按我说的场次买票，座位连在一起", "The showing I named, seats together")
    return purchase(d, opening, [spec], summary, budget=budget)
