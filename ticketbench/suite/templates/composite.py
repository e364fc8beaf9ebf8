"""Composite templates: two orders in one request (a movie and a show; two movies under a
joint budget)."""

from __future__ import annotations

from ticketbench.env.models import Showtime
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Skip
from ticketbench.suite.spec import SeatRule, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    Ctx,
    buy_movie,
    cinema_name,
    draw_now,
    movie_spec,
    movie_title,
    named_showing,
    open_showtimes,
    pm_fact,
    purchase,
    template,
)
from ticketbench.suite.templates.live_base import (
    buy_event,
    draw_pick,
    event_title,
    event_user,
    session_when,
)

KIDS = ("animation", "family")


def _kids_ids(ctx: Ctx) -> frozenset[str]:
    return frozenset(m.id for m in ctx.world.data.movies if set(m.genres) & set(KIDS))


def _kids_movie(ctx: Ctx, pool: list[Showtime]) -> list[Showtime]:
    kids = _kids_ids(ctx)
    return [s for s in pool if s.movie_id in kids]


def _grown_ups(ctx: Ctx, n: int) -> tuple[str, str]:
    """Who the show tickets are for, in words that agree with the count."""
    if n == 1:
        return ctx.pick(["我自己", "我一个人"]), ctx.pick(["for me", "just for me"])
    if n == 2:
        return ctx.pick(["我和爱人", "我们俩"]), ctx.pick(
            ["for the two of us", "for my partner and me"]
        )
    return f"我们{ph.ZH_NUM.get(n, n)}个大人", f"for the {ph.EN_NUM.get(n, str(n))} of us adults"


@template("comp_movie_and_show", "composite")
def comp_movie_and_show(ctx: Ctx) -> Task:
    """A movie for the kids and a show for the parents, as two orders."""
    now = draw_now(ctx)
    user = event_user(ctx, now, False)
    d = ctx.draft(user, now, difficulty="hard")
    pick = draw_pick(ctx, d, False, max_count=2)
    daytime = [s for s in open_showtimes(ctx, user, now) if s.start.hour < 20]
    st = named_showing(ctx, ctx.choice(_kids_movie(ctx, daytime)))
    seats = q.first_option(d.env, st.id, 2, SeatRule(together=True))
    if seats is None:
        raise Skip("no seats")
    m = ctx.world.movies[st.movie_id]
    movie_when = ph.when_phrase(ctx.say, now, st.start, ctx.locale)
    show_when = session_when(ctx, now, pick.session.start, pick.event)
    zone = pick.zone
    who_zh, who_en = _grown_ups(ctx, pick.count)
    body = ctx.t(
        f"两件事：孩子们{movie_when}在{cinema_name(ctx, ctx.world.cinemas[st.cinema_id])}"
        f"看{movie_title(ctx, m)}，两张连座；"
        f"{who_zh}看{show_when}的{event_title(ctx, pick.event)}，{zone.name_zh}{pick.count}张",
        f"two things: 2 seats together for the kids to see {movie_title(ctx, m)} at "
        f"{cinema_name(ctx, ctx.world.cinemas[st.cinema_id])}, {movie_when}; and {pick.count} "
        f"{zone.name_en} ticket{'s' if pick.count > 1 else ''} for "
        f"{event_title(ctx, pick.event)}, {show_when}, {who_en}",
    )
    pm_fact(d)
    buy_movie(d, st, seats, query=m.title_en)
    buy_event(d, pick)
    specs = [movie_spec([st.id], 2, SeatRule(together=True)), pick.spec()]
    return purchase(d, ph.statement(ctx.say, ctx.locale, body), specs, body)


@template("comp_two_movies_budget", "composite")
def comp_two_movies_budget(ctx: Ctx) -> Task:
    """A kids' movie and a grown-up movie at one cinema on one day, under a joint budget."""
    from ticketbench.suite.templates.base import draw_user

    user = draw_user(ctx, lambda u: bool(u.payment_methods))
    now = draw_now(ctx)
    d = ctx.draft(user, now, difficulty="hard")
    pool = open_showtimes(ctx, user, now)
    kid = named_showing(ctx, ctx.choice(_kids_movie(ctx, [s for s in pool if s.start.hour < 20])))
    grown = [
        s
        for s in ctx.world.showtimes_by_cinema[kid.cinema_id]
        if s.start.date() == kid.start.date()
        and s.movie_id != kid.movie_id
        and s.movie_id not in _kids_ids(ctx)
        and q.sales_open(s, now)
    ]
    adult = named_showing(ctx, ctx.choice(grown))
    rule = SeatRule(together=True)
    a = q.first_option(d.env, kid.id, 2, rule)
    b = q.first_option(d.env, adult.id, 2, rule)
    ta = q.quote_total(d.env, kid.id, a) if a else None
    tb = q.quote_total(d.env, adult.id, b) if b else None
    if a is None or b is None or ta is None or tb is None:
        raise Skip("no seats")
    # a round joint budget just above the standard-seat totals
    budget = ((ta + tb) // 1000 + 1 + ctx.rng.choice((0, 1, 2))) * 1000
    low_a = q.best_total(d.env, kid.id, a, discounts=True)
    low_b = q.best_total(d.env, adult.id, b, discounts=True)
    assert low_a is not None and low_b is not None
    c = ctx.world.cinemas[kid.cinema_id]
    ma, mb = ctx.world.movies[kid.movie_id], ctx.world.movies[adult.movie_id]
    day = ph.day_phrase(ctx.say, now.date(), kid.start.date(), ctx.locale)
    yuan = budget // 100
    body = ctx.t(
        f"{day}在{cinema_name(ctx, c)}，孩子看{ph.clock(kid.start, 'zh')}的{movie_title(ctx, ma)}，"
        f"我们俩看{ph.clock(adult.start, 'zh')}的{movie_title(ctx, mb)}，各两张连座，"
        f"两单加起来别超过{yuan}元",
        f"I need tickets {day} at {cinema_name(ctx, c)}: 2 seats together for the kids at the "
        f"{ph.clock(kid.start, 'en')} {movie_title(ctx, ma)}, and 2 together for us at the "
        f"{ph.clock(adult.start, 'en')} {movie_title(ctx, mb)}; both orders together must stay "
        f"within {yuan} yuan",
    )
    pm_fact(d)
    buy_movie(d, kid, a, query=ma.title_en)
    buy_movie(d, adult, b, query=mb.title_en)
    specs = [
        movie_spec([kid.id], 2, rule, max_total_fen=budget - low_b[0]),
        movie_spec([adult.id], 2, rule, max_total_fen=budget - low_a[0]),
    ]
    task = purchase(d, ph.statement(ctx.say, ctx.locale, body), specs, body)
    expect = task.expect.model_copy(update={"max_combined_fen": budget})
    return task.model_copy(update={"expect": expect, "tags": ("joint_budget",)})
