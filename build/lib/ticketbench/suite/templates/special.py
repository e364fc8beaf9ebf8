"""Clarification templates (shared aliases, "tonight" after midnight) and time templates
(an expired hold, the next showing still on sale, a weekday evening named relatively).

Clarification tasks missing the count or the date live with the movie templates, which
phrase the request without that slot (`templates_movie._specified`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from ticketbench.env.models import Showtime
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Draft, Skip
from ticketbench.suite.spec import SeatRule, SeedOrder, Setup, Slot, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    Ctx,
    afternoon_showing,
    buy_movie,
    cinema_name,
    draw_now,
    draw_user,
    movie_spec,
    movie_title,
    open_showtimes,
    pm_fact,
    purchase,
    template,
)

TOGETHER = SeatRule(together=True)


def _two_together(
    ctx: Ctx, d: Draft, st: Showtime, seats: Sequence[str], body: str, slot: Slot
) -> Task:
    """Finish a clarify task: two seats together at `st`, once the agent asked for `slot`."""
    pm_fact(d)
    buy_movie(d, st, seats, query=ctx.world.movies[st.movie_id].title_en)
    opening = ph.politeness(ctx.rng, ctx.locale, body)
    return purchase(d, opening, [movie_spec([st.id], 2, TOGETHER)], body, clarify=[slot])


@template("clar_shared_alias", "clarify")
def clar_shared_alias(ctx: Ctx) -> Task:
    """The title the user uses is an alias of two movies both showing at the cinema."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now, difficulty="hard")
    owners: dict[str, list[str]] = {}
    for m in ctx.world.data.movies:
        for a in m.aliases:
            owners.setdefault(a, []).append(m.id)
    alias = ctx.choice(sorted(a for a, ms in owners.items() if len(ms) > 1))
    pool = [s for s in open_showtimes(ctx, user, now) if s.movie_id in owners[alias]]
    st = ctx.choice(pool)
    if not any(s.movie_id != st.movie_id and s.cinema_id == st.cinema_id for s in pool):
        raise Skip("alias not ambiguous at this cinema")
    seats = q.first_option(d.env, st.id, 2, TOGETHER)
    if seats is None:
        raise Skip("no seats")
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    when = ph.when_phrase(ctx.rng, now, st.start, ctx.locale)
    body = ctx.t(
        f"买{when}左右在{cinema_name(ctx, c)}的{alias}，两张连座",
        f"get me two seats together for {alias} at {cinema_name(ctx, c)}, {when} or so",
    )
    d.fact(
        "which_movie",
        ("哪部", "哪一部", "which", "movie", "film", "title"),
        ctx.t(f"是《{m.title_zh}》。", f"I mean {m.title_en}."),
    )
    d.ask(
        "which_movie",
        ctx.t(
            f"“{alias}”对应好几部电影，您想看哪一部？",
            f"'{alias}' matches several films; which one do you mean?",
        ),
    )
    return _two_together(ctx, d, st, seats, body, "which_movie")


@template("clar_tonight_midnight", "clarify")
def clar_tonight_midnight(ctx: Ctx) -> Task:
    """Just after midnight the user says "tonight": which evening is meant?"""
    user = draw_user(ctx)
    base = draw_now(ctx, day_offsets=(1, 2, 3))
    now = base.replace(hour=0, minute=ctx.rng.choice((5, 15, 30)))
    d = ctx.draft(user, now, difficulty="hard")
    pool = [
        s
        for s in open_showtimes(ctx, user, now, 1)
        if s.start.date() == now.date() and s.start.hour >= 19
    ]
    st = ctx.choice(pool)
    seats = q.first_option(d.env, st.id, 2, TOGETHER)
    if seats is None:
        raise Skip("no seats")
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    clk = ph.short_clock(st.start, ctx.locale)
    body = ctx.t(
        f"买今晚{clk}{cinema_name(ctx, c)}的{movie_title(ctx, m)}，两张连座",
        f"get me two seats together for {movie_title(ctx, m)} at {cinema_name(ctx, c)} "
        f"tonight at {clk}",
    )
    d.fact(
        "date",
        ("哪天", "日期", "今天", "明天", "date", "which day", "today", "tonight"),
        ph.day_answer(st.start.date(), ctx.locale),
    )
    today = ph.day_answer(now.date(), ctx.locale)
    d.ask(
        "date",
        ctx.t(
            f"现在已经过了零点，您说的“今晚”是指今天（{today}）晚上吗？",
            f"It's past midnight: by 'tonight' do you mean the evening of {today}?",
        ),
    )
    return _two_together(ctx, d, st, seats, body, "date")


@template("time_expired_hold", "time")
def time_expired_hold(ctx: Ctx) -> Task:
    """The user's hold ran out before the episode; the same seats must be booked again."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d0 = ctx.draft(user, now)
    st = ctx.choice(
        [s for s in open_showtimes(ctx, user, now) if s.start > now + timedelta(hours=3)]
    )
    seats = q.first_option(d0.env, st.id, 2, TOGETHER)
    if seats is None:
        raise Skip("no seats")
    at = now - timedelta(minutes=ctx.rng.choice((20, 30, 45)))
    seeded = SeedOrder(
        kind="movie", at=at, status="pending_payment", showtime_id=st.id, seats=seats,
        payment_method_id="",
    )  # fmt: skip
    d = ctx.draft(user, now, setup=Setup(orders=(seeded,)))
    m = ctx.world.movies[st.movie_id]
    body = ctx.t(
        f"我刚才锁了两张{movie_title(ctx, m)}的座，帮我付款吧",
        f"I put two seats for {movie_title(ctx, m)} on hold earlier, please go ahead and pay",
    )
    d.call("list_orders")
    pm_fact(d)
    buy_movie(d, st, seats, query=m.title_en, search=False)
    spec = movie_spec([st.id], 2, SeatRule(exact=seats))
    return purchase(d, ph.statement(ctx.rng, ctx.locale, body), [spec], body)


@template("time_next_open", "time")
def time_next_open(ctx: Ctx) -> Task:
    """ "The next showing" when the imminent one's online sales already closed."""
    user = draw_user(ctx)
    base = draw_now(ctx)
    first = afternoon_showing(ctx, user, base)
    now = first.start - timedelta(minutes=max(1, first.sales_cutoff_min - 2))
    same = [
        s
        for s in ctx.world.showtimes_by_cinema[first.cinema_id]
        if s.movie_id == first.movie_id
        and s.start.date() == first.start.date()
        and q.sales_open(s, now)
    ]
    if not same:
        raise Skip("no later showing")
    nxt = min(s.start for s in same)
    cands = [s for s in same if s.start == nxt]
    d = ctx.draft(user, now)
    seats = q.first_option(d.env, cands[0].id, 1, SeatRule())
    if seats is None:
        raise Skip("no seats")
    m = ctx.world.movies[first.movie_id]
    c = ctx.world.cinemas[first.cinema_id]
    body = ctx.t(
        f"买{cinema_name(ctx, c)}接下来最近的一场{movie_title(ctx, m)}，1张",
        f"get me one ticket for the next {movie_title(ctx, m)} showing at "
        f"{cinema_name(ctx, c)} that I can still buy",
    )
    pm_fact(d)
    buy_movie(d, cands[0], seats, query=m.title_en)
    spec = movie_spec([s.id for s in cands], 1)
    opening = ph.politeness(ctx.rng, ctx.locale, body)
    return purchase(d, opening, [spec], body, optimal="earliest")


@template("time_relative_evening", "time")
def time_relative_evening(ctx: Ctx) -> Task:
    """ "明晚" / "this Saturday evening": any showing of a movie at a cinema that evening
    (18:00 or later) on the day the relative phrase names."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    offset = ctx.rng.choice((1, 1, 2, 3, 4, 5))
    day = now.date() + timedelta(days=offset)
    if offset > 1 and day.weekday() <= now.weekday():
        raise Skip("the weekday would mean next week")
    evening = [
        s for s in open_showtimes(ctx, user, now, 7) if s.start.date() == day and s.start.hour >= 18
    ]
    anchor = ctx.choice(evening)
    cands = [
        s for s in evening if s.movie_id == anchor.movie_id and s.cinema_id == anchor.cinema_id
    ]
    count = ctx.rng.choice((1, 2, 2, 3))
    rule = SeatRule(together=count > 1)
    valid = [s for s in cands if q.seat_options(d.env, s.id, count, rule, limit=1)]
    if not valid:
        raise Skip("no seats that evening")
    st = ctx.choice(valid)
    seats = q.first_option(d.env, st.id, count, rule)
    assert seats is not None
    wd = day.weekday()
    if offset == 1:
        rel = ctx.t(ph.pick(ctx.rng, ["明晚", "明天晚上"]), "tomorrow evening")
    else:
        rel = ctx.t(f"这周{ph.ZH_WEEKDAY[wd]}晚上", f"this {ph.EN_WEEKDAY[wd]} evening")
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    n = ph.count_phrase(count, ctx.locale, ctx.rng)
    body = ctx.t(
        f"买{rel}{cinema_name(ctx, c)}的{movie_title(ctx, m)}，{n}，几点都行",
        f"get me {n} for {movie_title(ctx, m)} at {cinema_name(ctx, c)} {rel}, any time works",
    )
    pm_fact(d)
    buy_movie(d, st, seats, query=m.title_en)
    spec = movie_spec([s.id for s in valid], count, rule)
    return purchase(d, ph.politeness(ctx.rng, ctx.locale, body), [spec], body)
