"""Live event templates: real-name attendees, auto-assigned seats, cheapest zone, performers."""

from __future__ import annotations

from ticketbench.env import orders
from ticketbench.suite.draft import Skip
from ticketbench.suite.spec import Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    Ctx,
    alias_unique,
    draw_now,
    pm_fact,
    purchase,
    template,
)
from ticketbench.suite.templates.live_base import (
    attendee_names,
    buy_event,
    draw_pick,
    event_ask,
    event_title,
    event_user,
    session_when,
)


def _event_task(ctx: Ctx, real_name: bool, by_performer: bool = False) -> Task:
    now = draw_now(ctx)
    user = event_user(ctx, now, real_name, min_attendees=1 if real_name else 0)
    d = ctx.draft(user, now)
    pick = draw_pick(ctx, d, real_name)
    ev, zone, n = pick.event, pick.zone, pick.count
    when = session_when(ctx, now, pick.session.start, pick.event)
    title = event_title(ctx, ev)
    if by_performer:
        if not ev.performers:
            raise Skip("no performer to name")
        full = ctx.choice(list(ev.performers))
        others = [e for e in ctx.world.data.events if e.city_id == ev.city_id and e.id != ev.id]
        if any(full in e.performers for e in others):
            raise Skip("performer not unique in the city")
        zh, _, en = full.partition(" ")  # performers are stored as "中文名 English Name"
        if not all(alias_unique(ctx.world, x, ev.id) for x in (zh, en) if x):
            raise Skip("the performer's name is also a movie's or event's name")
        who = ctx.t(zh, en or zh)
        title = ctx.t(
            f"{who}的{ctx.pick(['演出', '场子', '现场'])}",
            ctx.pick([f"the {who} show", f"{who}'s concert", f"{who} live"]),
        )
    names = attendee_names(ctx, user, pick.attendees) if pick.attendees else ""
    body = event_ask(ctx, n, zone, title, when, names)
    if pick.attendees:
        d.fact(
            "attendees",
            ("观演人", "实名", "身份证", "谁去", "attendee", "who", "names", "ID"),
            d.pick(
                (f"用常用观演人里的{names}。", f"观演人就是{names}。"),
                (f"Use my saved attendees {names}.", f"The tickets are for {names}."),
            ),
        )
    pm_fact(d)
    buy_event(d, pick)
    summary = ctx.t(
        f"{ev.title_zh} {zone.name_zh} {n}张", f"{n} {zone.name_en} tickets for {ev.title_en}"
    )
    return purchase(d, ph.politeness(ctx.say, ctx.locale, body), [pick.spec()], summary)


@template("ev_real_name", "live_event")
def ev_real_name(ctx: Ctx) -> Task:
    """Real-name event: session, zone and named saved attendees."""
    return _event_task(ctx, True)


@template("ev_auto_seats", "live_event")
def ev_auto_seats(ctx: Ctx) -> Task:
    """A non-real-name event with auto-assigned seats."""
    return _event_task(ctx, False)


@template("ev_by_performer", "live_event")
def ev_by_performer(ctx: Ctx) -> Task:
    """The event named only by its performer ("周行的演出", "the Zhou Xing show")."""
    return _event_task(ctx, ctx.rng.random() < 0.5, by_performer=True)


@template("ev_cheapest_zone", "live_event")
def ev_cheapest_zone(ctx: Ctx) -> Task:
    """The cheapest price zone that still has enough tickets; every such zone is accepted."""
    now = draw_now(ctx)
    real_name = ctx.rng.random() < 0.5
    user = event_user(ctx, now, real_name, min_attendees=1 if real_name else 0)
    d = ctx.draft(user, now, difficulty="hard")
    pick = draw_pick(ctx, d, real_name)
    left = orders.event_availability(d.env, pick.session.id)
    fits = [z for z in pick.event.zones if left.get(z.id, 0) >= pick.count]
    low = min(z.price_fen for z in fits)
    best = [z for z in fits if z.price_fen == low]
    if len(fits) < 2:
        raise Skip("no choice of zone")
    pick = type(pick)(pick.event, pick.session, best[0], pick.count, pick.attendees)
    when = session_when(ctx, now, pick.session.start, pick.event)
    title = event_title(ctx, pick.event)
    n = pick.count
    body = ctx.t(
        f"买{title}{when}那场最便宜的票，{n}张",
        f"get me {n} of the cheapest tickets you can get for {title}, {when}",
    )
    if pick.attendees:
        names = attendee_names(ctx, user, pick.attendees)
        body += ctx.t(f"，观演人{names}", f" (for {names})")
    total = orders.quote_event(
        d.env, pick.session.id, pick.zone.id, n, list(pick.attendees) or None
    ).total_fen
    pm_fact(d)
    buy_event(d, pick)
    # the optimum's total bounds every acceptable order: a dearer zone fails
    spec = pick.spec(zone_ids=[z.id for z in best]).model_copy(update={"max_total_fen": total})
    opening = ph.politeness(ctx.say, ctx.locale, body)
    return purchase(d, opening, [spec], body, optimal="cheapest")
