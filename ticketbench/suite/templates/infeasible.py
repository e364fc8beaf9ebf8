"""Infeasible templates: the correct end state is no purchase and no stray hold, and the
agent says why (not enough seats, sales closed, over budget, not on sale yet, over the
per-ID limit)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ticketbench.env import orders
from ticketbench.env.models import Showtime
from ticketbench.env.rules import movie_sales_close, session_on_sale
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Skip
from ticketbench.suite.spec import SeatRule, SeedOrder, Setup, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    GENERAL_SEATS,
    Ctx,
    draw_now,
    draw_user,
    named_showing,
    open_showtimes,
    refusal,
    template,
)
from ticketbench.suite.templates.live_base import (
    attendee_names,
    draw_pick,
    event_title,
    event_user,
    not_yet_on_sale,
    open_sessions,
    session_when,
)


@template("inf_not_enough_seats", "infeasible", feasible=False)
def inf_not_enough_seats(ctx: Ctx) -> Task:
    """A named showing without four adjacent free seats for the group, though it still has
    four or more free seats: the listing does not say "full", the seat map does."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    pool = open_showtimes(ctx, user, now)
    rule = SeatRule(together=True)
    for st in ctx.rng.sample(pool, min(300, len(pool))):
        if len(q.same_start(ctx.world, st)) > 1:
            continue  # named by its start: it must be the only one then
        if q.seat_options(d.env, st.id, 4, rule, GENERAL_SEATS, limit=1):
            continue
        if q.free_seats(d.env, st.id, GENERAL_SEATS) >= 4:
            break
    else:
        raise Skip("every showing has room")
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    when = ph.when_phrase(ctx.say, now, st.start, ctx.locale)
    body = ctx.t(
        f"买{when}{c.name_zh}的《{m.title_zh}》，4张要连在一起，不连座就不买了",
        f"get me 4 seats together for {m.title_en} at {c.name_en} {when}; if we can't sit "
        "together, don't buy",
    )
    d.call("search_showtimes", movie_id=m.id, cinema_id=c.id, date=st.start.date().isoformat())
    d.call("seat_map", showtime_id=st.id)
    d.say(ctx.t(
        "这一场已经没有4个连在一起的座位了（座位不够），所以没有下单。",
        "There are not enough seats: no 4 seats together are left for that showing, so I did "
        "not book.",
    ))  # fmt: skip
    opening = ph.politeness(ctx.say, ctx.locale, body)
    return refusal(d, opening, body, "not_enough_seats", (st.id,))


def _closed_behind_open(ctx: Ctx, city_id: str, day: date) -> list[tuple[Showtime, datetime]]:
    """Afternoon showings of `day` in a city that pass their online cut-off while an earlier
    showing of the movie at the same cinema is still on sale (a premium hall closes sales
    earlier), each with the first minute that holds: the closed showing is never the first
    row its cinema lists, so trying the first row and relaying the error says nothing."""
    world = ctx.world
    out: list[tuple[Showtime, datetime]] = []
    for cin in world.cinemas_by_city.get(city_id, ()):
        sts = [s for s in world.showtimes_by_cinema.get(cin.id, ()) if s.start.date() == day]
        for st in sts:
            shut = movie_sales_close(st)
            if st.start.hour < 12 or len(q.same_start(world, st)) > 1:
                continue
            if any(
                p.movie_id == st.movie_id and p.start < st.start and movie_sales_close(p) > shut
                for p in sts
            ):
                out.append((st, shut))
    return out


@template("inf_sales_closed", "infeasible", feasible=False)
def inf_sales_closed(ctx: Ctx) -> Task:
    """The showing starts within its online sales cut-off, while an earlier showing of the
    movie at that cinema is still on sale."""
    user = draw_user(ctx)
    base = draw_now(ctx)
    st, shut = ctx.choice(_closed_behind_open(ctx, user.city_id, base.date()))
    now = shut + timedelta(minutes=ctx.rng.choice((0, 1, 2)))
    if not any(
        p.movie_id == st.movie_id and p.start < st.start and q.sales_open(p, now)
        for p in ctx.world.showtimes_by_cinema[st.cinema_id]
    ):
        raise Skip("no earlier showing on sale at that minute")
    d = ctx.draft(user, now)
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    clk = ph.clock(st.start, ctx.locale, ctx.say)
    body = ctx.t(
        f"买马上要开场的{clk}{c.name_zh}《{m.title_zh}》，1张",
        f"get me one ticket for the {clk} {m.title_en} at {c.name_en}, starting shortly",
    )
    d.call("search_showtimes", movie_id=m.id, cinema_id=c.id, date=st.start.date().isoformat())
    d.say(ctx.t(
        "这一场的线上售票已经截止（停售），无法购买。",
        "Online sales for that showing have closed (past the cut-off), so it can't be booked.",
    ))  # fmt: skip
    return refusal(d, ph.politeness(ctx.say, ctx.locale, body), body, "sales_closed", (st.id,))


@template("inf_over_budget", "infeasible", feasible=False)
def inf_over_budget(ctx: Ctx) -> Task:
    """A named showing whose cheapest valid total is above the stated budget."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    st = named_showing(ctx, ctx.choice(open_showtimes(ctx, user, now)))
    b = q.lowest_total(d.env, st.id, 2, SeatRule(together=True), GENERAL_SEATS)
    if b is None or b[0] < 2000:
        raise Skip("no price")
    seats = [b[1]]
    budget = (b[0] // 100 - ctx.rng.choice((5, 10, 15))) * 100
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    when = ph.when_phrase(ctx.say, now, st.start, ctx.locale)
    yuan = budget // 100
    body = ctx.t(
        f"买{when}{c.name_zh}的《{m.title_zh}》两张连座，总共不超过{yuan}元",
        f"get me two seats together for {m.title_en} at {c.name_en} {when}, {yuan} yuan total "
        "at most",
    )
    d.call("get_user_profile")
    d.call("quote_price", showtime_id=st.id, seats=list(seats[0]))
    d.say(ctx.t(
        f"最便宜也要超出您的预算{yuan}元，所以没有下单。",
        f"Even the cheapest option is over your budget of {yuan} yuan, so I did not book.",
    ))  # fmt: skip
    return refusal(d, ph.politeness(ctx.say, ctx.locale, body), body, "over_budget", (st.id,))


@template("inf_ev_not_on_sale", "infeasible", feasible=False)
def inf_ev_not_on_sale(ctx: Ctx) -> Task:
    """A session added to a run, whose tickets go on sale later while the event's earlier
    sessions are on sale: that one cannot be bought yet; say when."""
    base = draw_now(ctx, day_offsets=(0, 1, 2))
    cities = [c.id for c in ctx.world.data.cities if not_yet_on_sale(ctx.world, c.id, base)]
    user = draw_user(ctx, lambda u: u.city_id in cities)
    ev, ses = ctx.choice(not_yet_on_sale(ctx.world, user.city_id, base))
    opens = session_on_sale(ev, ses)
    now = min(base, opens - timedelta(hours=ctx.rng.choice((2, 5, 26))))
    if now.date() < ctx.world.data.start_date or (ev, ses) not in not_yet_on_sale(
        ctx.world, user.city_id, now
    ):
        raise Skip("before the world starts, or no earlier session on sale then")
    d = ctx.draft(user, now)
    zone = ctx.choice(list(ev.zones))
    n = ctx.rng.randint(1, min(2, ev.per_order_limit))
    title = event_title(ctx, ev)
    when = session_when(ctx, now, ses.start, ev)
    zname = zone.name_zh if ctx.locale == "zh" else zone.name_en
    body = ctx.t(
        f"抢{n}张{title}{when}的{zname}",
        f"grab {n} {zname} ticket{'s' if n > 1 else ''} for {title}, {when}",
    )
    d.call("search_events", query=ev.title_en)
    d.call("get_event", event_id=ev.id)
    d.say(ctx.t(
        f"这一场还没开售，{opens.month}月{opens.day}日{opens:%H:%M}开售，现在无法下单。",
        f"Tickets for that session are not on sale yet: they go on sale on {opens:%B} "
        f"{opens.day} at {opens:%H:%M}, so I can't book now.",
    ))  # fmt: skip
    opening = ph.politeness(ctx.say, ctx.locale, body)
    return refusal(d, opening, body, "not_on_sale", (ev.id, ses.id))


@template("inf_ev_id_limit", "infeasible", feasible=False)
def inf_ev_id_limit(ctx: Ctx) -> Task:
    """A real-name session where the attendee already holds the per-ID maximum (a seeded
    order): another ticket for the same person is over the limit."""
    now = draw_now(ctx, day_offsets=(1, 2, 3))
    bought = now - timedelta(days=1)
    user = event_user(ctx, bought, True, min_attendees=1)
    scratch = ctx.draft(user, bought)
    pick = draw_pick(ctx, scratch, True, max_count=1)
    if pick.event.per_id_limit != 1:
        raise Skip("per-ID limit above one")
    total = orders.quote_event(
        scratch.env, pick.session.id, pick.zone.id, 1, list(pick.attendees)
    ).total_fen
    pm = q.payment_for(user, total)
    if pm is None:
        raise Skip("cannot pay")
    seed = SeedOrder(
        kind="event", at=bought, session_id=pick.session.id, zone_id=pick.zone.id, quantity=1,
        attendee_ids=pick.attendees, payment_method_id=pm,
    )  # fmt: skip
    d = ctx.draft(user, now, setup=Setup(orders=(seed,)))
    if (pick.event, pick.session) not in open_sessions(ctx.world, user.city_id, now, True):
        raise Skip("session closed")
    name = attendee_names(ctx, user, pick.attendees)
    title = event_title(ctx, pick.event)
    when = session_when(ctx, now, pick.session.start, pick.event)
    body = ctx.t(
        f"昨天给{name}买了{title}{when}那场，再用{name}的名字多买一张同一场的，备用",
        f"yesterday I got {name} a ticket for {title}, {when}; get one more in {name}'s name "
        "for the same session, as a spare",
    )
    d.call("list_orders")
    d.call("get_event", event_id=pick.event.id)
    d.call("get_user_profile")
    d.say(ctx.t(
        f"这是实名演出，每个证件每场限购1张，{name}已经买过了，不能再买。",
        f"This is a real-name event with a limit of one ticket per ID per session, and {name} "
        "already holds one, so I can't buy another.",
    ))  # fmt: skip
    opening = ph.statement(ctx.say, ctx.locale, body)
    return refusal(d, opening, body, "id_limit", (pick.event.id, pick.session.id))
