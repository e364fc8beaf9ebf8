"""After-purchase templates (refund, pickup code) on orders seeded into the history."""

from __future__ import annotations

from datetime import timedelta

from harness.env import orders
from harness.env.toolkit import EnvError
from harness.suite import phrasing as ph
from harness.suite import worldq as q
from harness.suite.draft import Draft, Skip
from harness.suite.spec import Expect, Goal, MustTell, Refund, SeatRule, SeedOrder, Setup, Task
from harness.suite.tcommon import Ctx, draw_now, draw_user, open_showtimes, template
from harness.suite.textmatch import money_forms


def _seeded(ctx: Ctx, min_hours: float, max_hours: float) -> tuple[Draft, str]:
    """A draft whose user bought a movie order yesterday; returns (draft, order id)."""
    user = draw_user(ctx, lambda u: bool(u.payment_methods))
    now = draw_now(ctx, day_offsets=(1, 2, 3))
    pool = [
        s
        for s in open_showtimes(ctx, user, now - timedelta(days=1), 5)
        if now + timedelta(hours=min_hours) < s.start < now + timedelta(hours=max_hours)
    ]
    st = ctx.choice(pool)
    scratch = ctx.draft(user, now - timedelta(days=1))
    opts = q.seat_options(scratch.env, st.id, 2, SeatRule(together=True), limit=1)
    total = q.quote_total(scratch.env, st.id, opts[0]) if opts else None
    pm = q.payment_for(user, total) if total is not None else None
    if not opts or pm is None:
        raise Skip("cannot seed")
    seed = SeedOrder(kind="movie", at=now - timedelta(days=1), showtime_id=st.id, seats=opts[0], payment_method_id=pm)
    d = ctx.draft(user, now, setup=Setup(orders=(seed,)))
    oid = d.env.user_orders()[-1].id
    return d, oid


def _title(ctx: Ctx, d: Draft, oid: str) -> str:
    o = d.env.order(oid)
    assert o is not None and o.showtime_id is not None
    m = ctx.world.movies[ctx.world.showtimes[o.showtime_id].movie_id]
    return f"《{m.title_zh}》" if ctx.locale == "zh" else m.title_en


@template("after_refund_movie", "after_purchase")
def after_refund_movie(ctx: Ctx) -> Task:
    """Refund inside the window: the agent must tell the amount."""
    d, oid = _seeded(ctx, 6, 72)
    o = d.env.order(oid)
    assert o is not None and o.showtime_id is not None
    cinema = ctx.world.cinemas[ctx.world.showtimes[o.showtime_id].cinema_id]
    if cinema.refund_cutoff_min is None:
        raise Skip("cinema does not refund")
    title = _title(ctx, d, oid)
    body = ctx.t(f"我买的{title}去不了了，帮我退票", f"I can't make it to {title} anymore, please refund my tickets")
    d.call("list_orders")
    data = d.call("refund_order", order_id=oid)
    amount = int(data["refund_fen"])
    d.say(ctx.t(f"已退款，退回{money_forms(amount)[0]}。", f"Refunded {money_forms(amount)[0]} to your original payment method."))
    return d.finish(
        ph.politeness(ctx.rng, ctx.locale, body),
        Goal(summary=body),
        Expect(
            outcome="refund",
            refunds=(Refund(order_id=oid, refund_fen=amount),),
            must_tell=(MustTell(what="refund_amount", any_of=money_forms(amount)),),
            handoffs={"inform": 1},
        ),
    )


@template("after_refund_closed", "after_purchase", feasible=False)
def after_refund_closed(ctx: Ctx) -> Task:
    """Refund asked after the cinema's cut-off: nothing changes; say why."""
    d, oid = _seeded(ctx, 0.05, 0.5)
    o = d.env.order(oid)
    assert o is not None and o.showtime_id is not None
    st = ctx.world.showtimes[o.showtime_id]
    cinema = ctx.world.cinemas[st.cinema_id]
    try:
        orders.refund_order(ctx.draft(d.user, d.now, setup=d.setup).env, oid)
        raise Skip("still refundable")
    except EnvError:
        pass
    del cinema
    title = _title(ctx, d, oid)
    body = ctx.t(f"{title}我不看了，退票", f"refund my {title} tickets, I'm not going")
    d.call("list_orders")
    d.call("get_order", order_id=oid)
    d.say(ctx.t("这场电影已过了影院的退票截止时间，无法退票。", "This showing is past the cinema's refund cut-off, so it can no longer be refunded."))
    keys = ("截止", "无法退", "不能退", "过了退票", "cut-off", "cutoff", "no longer", "cannot be refunded", "can't be refunded", "not refundable")
    return d.finish(
        ph.politeness(ctx.rng, ctx.locale, body),
        Goal(summary=body),
        Expect(outcome="no_purchase", feasible=False, must_tell=(MustTell(what="reason", any_of=keys),), handoffs={"inform": 1}),
    )


@template("after_pickup_code", "after_purchase")
def after_pickup_code(ctx: Ctx) -> Task:
    """Look up the pickup code of a seeded order (read-only)."""
    d, oid = _seeded(ctx, 2, 72)
    o = d.env.order(oid)
    assert o is not None and o.pickup_code
    title = _title(ctx, d, oid)
    body = ctx.t(f"我那张{title}的取票码是多少？", f"what's the pickup code for my {title} tickets?")
    d.call("list_orders")
    d.call("get_order", order_id=oid)
    d.say(ctx.t(f"取票码是 {o.pickup_code}。", f"Your pickup code is {o.pickup_code}."))
    return d.finish(
        ph.politeness(ctx.rng, ctx.locale, body) if ctx.rng.random() < 0.5 else body,
        Goal(summary=body),
        Expect(outcome="no_purchase", must_tell=(MustTell(what="pickup_code", any_of=(o.pickup_code,)),), handoffs={"inform": 1}),
    )
