"""Infeasible templates: the correct end state is no purchase and no stray hold, and the
agent says why (not enough seats, sales closed, over budget, not on sale yet, over the
per-ID limit).

Each is asked in the words of its feasible kin: a named showing with stated wishes
(`stated`: a count together, a budget, "starting shortly", one of them failing), an event
request (`event_ask`). The wording never tells which requests fail or why."""

from __future__ import annotations

from datetime import timedelta

from ticketbench.env import orders
from ticketbench.env.rules import session_on_sale
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Skip
from ticketbench.suite.spec import SeedOrder, Setup, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import Ctx, draw_now, draw_user, refusal, template
from ticketbench.suite.templates.live_base import (
    attendee_names,
    distinct_attendees,
    draw_pick,
    event_ask,
    event_title,
    event_user,
    not_yet_on_sale,
    open_sessions,
    session_when,
)
from ticketbench.suite.templates.stated import ask_opening, draw_request


@template("inf_not_enough_seats", "infeasible", feasible=False)
def inf_not_enough_seats(ctx: Ctx) -> Task:
    """A named showing without the group's number of adjacent free seats, though it still
    has that many free seats: the listing does not say "full", the seat map does."""
    r = draw_request(ctx, "not_enough_seats")
    n = r.stated.count
    r.d.call("search_showtimes", movie_id=r.st.movie_id, cinema_id=r.st.cinema_id,
             date=r.st.start.date().isoformat())  # fmt: skip
    r.d.call("seat_map", showtime_id=r.st.id)
    r.d.say(ctx.t(
        f"这一场已经没有{n}个连在一起的座位了（座位不够），所以没有下单。",
        f"There are not enough seats: no {n} seats together are left for that showing, so I "
        "did not book.",
    ))  # fmt: skip
    opening, body = ask_opening(ctx, r)
    return refusal(r.d, opening, body, "not_enough_seats", (r.st.id,))


@template("inf_sales_closed", "infeasible", feasible=False)
def inf_sales_closed(ctx: Ctx) -> Task:
    """The showing starts within its online sales cut-off (said to start shortly, or not),
    while an earlier showing of the movie at that cinema is still on sale
    (`stated.closed_behind_open`)."""
    r = draw_request(ctx, "sales_closed")
    r.d.call("search_showtimes", movie_id=r.st.movie_id, cinema_id=r.st.cinema_id,
             date=r.st.start.date().isoformat())  # fmt: skip
    r.d.say(ctx.t(
        "这一场的线上售票已经截止（停售），无法购买。",
        "Online sales for that showing have closed (past the cut-off), so it can't be booked.",
    ))  # fmt: skip
    opening, body = ask_opening(ctx, r)
    return refusal(r.d, opening, body, "sales_closed", (r.st.id,))


@template("inf_over_budget", "infeasible", feasible=False)
def inf_over_budget(ctx: Ctx) -> Task:
    """A named showing whose cheapest valid total is above the stated budget."""
    r = draw_request(ctx, "over_budget")
    yuan = r.stated.budget_yuan
    r.d.call("get_user_profile")
    r.d.call("quote_price", showtime_id=r.st.id, seats=list(r.seats))
    r.d.say(ctx.t(
        f"最便宜也要超出您的预算{yuan}元，所以没有下单。",
        f"Even the cheapest option is over your budget of {yuan} yuan, so I did not book.",
    ))  # fmt: skip
    opening, body = ask_opening(ctx, r)
    return refusal(r.d, opening, body, "over_budget", (r.st.id,))


@template("inf_ev_not_on_sale", "infeasible", feasible=False)
def inf_ev_not_on_sale(ctx: Ctx) -> Task:
    """A session added to a run, whose tickets go on sale later while the event's earlier
    sessions are on sale: that one cannot be bought yet; say when. Asked as an on-sale
    event is (`event_ask`), with the attendees of a real-name event."""
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
    named = distinct_attendees(user)
    hi = min(2, ev.per_order_limit, max(1, len(named) - 1) if ev.real_name else 2)
    n = ctx.rng.randint(1, hi)
    if ev.real_name and len(named) < n:
        raise Skip("no attendees to name")
    atts = tuple(a.id for a in ctx.rng.sample(named, n)) if ev.real_name else ()
    title = event_title(ctx, ev)
    when = session_when(ctx, now, ses.start, ev)
    names = attendee_names(ctx, user, atts) if atts else ""
    body = event_ask(ctx, n, zone, title, when, names)
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
    """A real-name session where one of the attendees already holds the per-ID maximum (a
    seeded order): a ticket for that person is over the limit. One or two tickets, asked
    as any real-name purchase is (`event_ask`): always one ticket would make "1张, in X's
    name" a refusal cue, and what was bought before is in the user's orders, not in the
    request (a story of "one more in X's name" told a blind agent why)."""
    now = draw_now(ctx, day_offsets=(1, 2, 3))
    bought = now - timedelta(days=ctx.rng.choice((1, 2, 3)))
    user = event_user(ctx, bought, True, min_attendees=1)
    scratch = ctx.draft(user, bought)
    pick = draw_pick(ctx, scratch, True, max_count=2)
    if pick.event.per_id_limit != 1:
        raise Skip("per-ID limit above one")
    holder = ctx.rng.choice(pick.attendees)
    total = orders.quote_event(scratch.env, pick.session.id, pick.zone.id, 1, [holder]).total_fen
    pm = q.payment_for(user, total)
    if pm is None:
        raise Skip("cannot pay")
    seed = SeedOrder(
        kind="event", at=bought, session_id=pick.session.id, zone_id=pick.zone.id, quantity=1,
        attendee_ids=(holder,), payment_method_id=pm,
    )  # fmt: skip
    d = ctx.draft(user, now, setup=Setup(orders=(seed,)))
    if (pick.event, pick.session) not in open_sessions(ctx.world, user.city_id, now, True):
        raise Skip("session closed")
    left = orders.event_availability(d.env, pick.session.id)
    zones = [z for z in pick.event.zones if left.get(z.id, 0) >= pick.count]
    if not zones:
        raise Skip("no zone with room")
    zone = ctx.choice(zones)
    names = attendee_names(ctx, user, pick.attendees)
    name = attendee_names(ctx, user, (holder,))
    title = event_title(ctx, pick.event)
    when = session_when(ctx, now, pick.session.start, pick.event)
    body = event_ask(ctx, pick.count, zone, title, when, names)
    d.call("list_orders")
    d.call("get_event", event_id=pick.event.id)
    d.call("get_user_profile")
    d.say(ctx.t(
        f"这是实名演出，每个证件每场限购1张，{name}已经买过了，不能再买。",
        f"This is a real-name event with a limit of one ticket per ID per session, and {name} "
        "already holds one, so I can't buy another.",
    ))  # fmt: skip
    opening = ph.politeness(ctx.say, ctx.locale, body)
    return refusal(d, opening, body, "id_limit", (pick.event.id, pick.session.id))
