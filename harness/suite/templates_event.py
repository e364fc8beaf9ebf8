"""Live event templates (real-name, auto-assigned seats) and composite requests."""

from __future__ import annotations

from harness.env import orders
from harness.env.models import LiveEvent, User
from harness.env.toolkit import EnvError
from harness.suite import phrasing as ph
from harness.suite import worldq as q
from harness.suite.draft import Draft, Skip
from harness.suite.spec import OrderSpec, SeatRule, Task
from harness.suite.tcommon import (
    Ctx,
    buy_movie,
    draw_now,
    draw_user,
    movie_spec,
    open_showtimes,
    pm_fact,
    purchase,
    template,
)


def _event_pick(ctx: Ctx, user: User, real_name: bool) -> tuple[LiveEvent, str, str, int, tuple[str, ...]]:
    """(event, session id, zone id, count, attendee ids) bookable by `user` now."""
    events = [e for e in ctx.world.data.events if e.city_id == user.city_id and e.real_name == real_name]
    ev = ctx.choice(events)
    ses = ctx.choice(list(ev.sessions))
    zone = ctx.choice(list(ev.zones))
    if real_name:
        if len(user.attendees) < 1:
            raise Skip("no attendees")
        n = ctx.rng.randint(1, min(len(user.attendees), ev.per_order_limit, 3))
        atts = tuple(a.id for a in user.attendees[:n])
    else:
        n = ctx.rng.randint(1, min(ev.per_order_limit, 4))
        atts = ()
    return ev, ses.id, zone.id, n, atts


def _buy_event(d: Draft, ev: LiveEvent, sid: str, zid: str, n: int, atts: tuple[str, ...]) -> str:
    try:
        total = orders.quote_event(d.env, sid, zid, n, list(atts) or None).total_fen
    except EnvError as err:
        raise Skip(err.message) from None
    pm = q.payment_for(d.env.user(), total)
    if pm is None:
        raise Skip("no payment method covers the total")
    d.call("search_events", query=ev.title_en)
    d.call("get_event", event_id=ev.id)
    d.call("get_user_profile")
    o = d.call("create_order", session_id=sid, zone_id=zid, quantity=n, attendee_ids=list(atts) or None)
    oid = str(o["order_id"])
    d.pay(oid, pm)
    data = d.call("get_order", order_id=oid)
    d.say(d.t(f"演出票已付款，订单 {oid}，取票码 {data.get('pickup_code', '')}。", f"Paid: order {oid}, pickup code {data.get('pickup_code', '')}."))
    return oid


def _event_task(ctx: Ctx, real_name: bool) -> Task:
    user = draw_user(ctx, (lambda u: len(u.attendees) >= 1) if real_name else None)
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    ev, sid, zid, n, atts = _event_pick(ctx, user, real_name)
    ses = ctx.world.sessions[sid][1]
    zone = next(z for z in ev.zones if z.id == zid)
    when = ph.day_answer(ses.start.date(), ctx.locale)
    title = ev.title_zh if ctx.locale == "zh" else ev.title_en
    zname = zone.name_zh if ctx.locale == "zh" else zone.name_en
    names = {a.id: a.name for a in user.attendees}
    who = "、".join(names[a] for a in atts) if ctx.locale == "zh" else ", ".join(names[a] for a in atts)
    body = ctx.t(
        f"买{when}的{title}，{zname}，{n}张" + (f"，观演人：{who}" if atts else ""),
        f"buy {n} {zname} tickets for {title} on {when}" + (f", for {who}" if atts else ""),
    )
    pm_fact(d)
    _buy_event(d, ev, sid, zid, n, atts)
    spec = OrderSpec(kind="event", session_ids=(sid,), zone_ids=(zid,), count=n, attendee_ids=atts)
    return purchase(d, ph.politeness(ctx.rng, ctx.locale, body), [spec], body)


@template("ev_real_name", "live_event")
def ev_real_name(ctx: Ctx) -> Task:
    """Real-name event: session, zone and named saved attendees."""
    return _event_task(ctx, True)


@template("ev_auto_seats", "live_event")
def ev_auto_seats(ctx: Ctx) -> Task:
    """A non-real-name event with auto-assigned seats."""
    return _event_task(ctx, False)


@template("comp_movie_and_show", "composite")
def comp_movie_and_show(ctx: Ctx) -> Task:
    """A movie for the kids and a show for the parents, as two orders."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now, difficulty="hard")
    ev, sid, zid, n, atts = _event_pick(ctx, user, False)
    st = ctx.choice([s for s in open_showtimes(ctx, user, now) if "animation" in ctx.world.movies[s.movie_id].genres])
    opts = q.seat_options(d.env, st.id, 2, SeatRule(together=True), prefer=q.centre_score, limit=1)
    if not opts:
        raise Skip("no seats")
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    zone = next(z for z in ev.zones if z.id == zid)
    ses = ctx.world.sessions[sid][1]
    body = ctx.t(
        f"两件事：孩子们{ph.day_answer(st.start.date(), 'zh')}{ph.clock(st.start, 'zh')}在{c.name_zh}看《{m.title_zh}》，两张连座；"
        f"我和爱人{ph.day_answer(ses.start.date(), 'zh')}看{ev.title_zh}，{zone.name_zh}{n}张",
        f"two things: 2 seats together for the kids to see {m.title_en} at {c.name_en} on "
        f"{ph.day_answer(st.start.date(), 'en')} at {ph.clock(st.start, 'en')}, and {n} {zone.name_en} tickets "
        f"for {ev.title_en} on {ph.day_answer(ses.start.date(), 'en')} for us",
    )
    pm_fact(d)
    buy_movie(d, st, opts[0], query=m.title_en)
    _buy_event(d, ev, sid, zid, n, atts)
    specs = [
        movie_spec([st.id], 2, SeatRule(together=True)),
        OrderSpec(kind="event", session_ids=(sid,), zone_ids=(zid,), count=n),
    ]
    return purchase(d, ph.politeness(ctx.rng, ctx.locale, body), specs, body)
