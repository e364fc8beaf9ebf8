"""After-purchase templates on orders seeded into the user's history: movie refunds inside
and outside the window, cinemas that never refund, exchanges, event refunds by fee tier and
pickup-code lookups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ticketbench.env import orders
from ticketbench.env.models import Cinema, Showtime, User
from ticketbench.env.toolkit import EnvError
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Draft, Skip
from ticketbench.suite.spec import (
    Exchange,
    Expect,
    Goal,
    InfeasibleReason,
    MustTell,
    Refund,
    SeatRule,
    SeedOrder,
    Setup,
    Task,
)
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    Ctx,
    draw_now,
    draw_user,
    movie_spec,
    refusal,
    template,
)
from ticketbench.suite.templates.guesses import showing_guesses
from ticketbench.suite.templates.live_base import draw_pick, event_title, event_user
from ticketbench.suite.textmatch import money_forms


def _seed_movie(
    ctx: Ctx,
    min_hours: float,
    max_hours: float,
    cinema_ok: Callable[[Cinema], bool] | None = None,
) -> tuple[Draft, str, Showtime]:
    """A draft whose user bought two seats yesterday for a showing `min_hours` to
    `max_hours` from now; returns (draft, seeded order id, showtime)."""
    user = draw_user(ctx, lambda u: bool(u.payment_methods))
    now = draw_now(ctx, day_offsets=(1, 2, 3))
    bought = now - timedelta(days=1)
    lo, hi = now + timedelta(hours=min_hours), now + timedelta(hours=max_hours)
    pool = [s for s in q.on_sale(ctx.world, user.city_id, bought, hi) if lo < s.start < hi]
    if cinema_ok is not None:
        pool = [s for s in pool if cinema_ok(ctx.world.cinemas[s.cinema_id])]
    st = ctx.choice(pool)
    return (*_seed_at(ctx, user, now, bought, st), st)


def _seed_at(
    ctx: Ctx, user: User, now: datetime, bought: datetime, st: Showtime
) -> tuple[Draft, str]:
    scratch = ctx.draft(user, bought)
    seats = q.first_option(scratch.env, st.id, 2, SeatRule(together=True))
    total = q.quote_total(scratch.env, st.id, seats) if seats else None
    pm = q.payment_for(user, total) if total is not None else None
    if seats is None or pm is None:
        raise Skip("cannot seed")
    seed = SeedOrder(kind="movie", at=bought, showtime_id=st.id, seats=seats, payment_method_id=pm)
    return _with_decoys(ctx, user, now, bought, seed, {st.movie_id})


DECOYS = 3  # other paid orders beside the one the request is about


def _with_decoys(
    ctx: Ctx, user: User, now: datetime, bought: datetime, seed: SeedOrder, avoid: set[str]
) -> tuple[Draft, str]:
    """A draft whose user holds `seed` among `DECOYS` other paid orders for other movies
    (later showings, refundable or not), at a random place but never first; returns
    (draft, `seed`'s id).

    With one paid order, "refund the user's first order" would be the answer to every
    refund request; here the order is the one the request names, and no place in the
    list is right more than one time in `DECOYS`."""
    alone = ctx.draft(user, bought, setup=Setup(orders=(seed,))).env.user_orders()[0]
    left = {p.id: p.balance_fen for p in user.payment_methods if p.kind != "member_card"}
    left[seed.payment_method_id] = left.get(seed.payment_method_id, 0) - alone.total_fen
    scratch = ctx.draft(user, bought)
    pool = [
        s
        for s in q.on_sale(ctx.world, user.city_id, bought, now + timedelta(days=3))
        if s.start > now + timedelta(hours=3) and s.movie_id not in avoid
    ]
    decoys: list[SeedOrder] = []
    movies = set(avoid)
    for st in ctx.rng.sample(pool, min(40, len(pool))):
        if len(decoys) == DECOYS:
            break
        if st.movie_id in movies:
            continue
        seats = q.first_option(scratch.env, st.id, 2, SeatRule(together=True))
        total = q.quote_total(scratch.env, st.id, seats) if seats else None
        pm = next((k for k, v in left.items() if total is not None and v >= total), None)
        if seats is None or total is None or pm is None:
            continue
        left[pm] -= total
        movies.add(st.movie_id)
        decoys.append(
            SeedOrder(kind="movie", at=bought, showtime_id=st.id, seats=seats, payment_method_id=pm)
        )
    if len(decoys) < DECOYS:
        raise Skip("no decoy orders")
    at = 1 + ctx.rng.randrange(DECOYS)
    seeds = (*decoys[:at], seed, *decoys[at:])
    d = ctx.draft(user, now, setup=Setup(orders=seeds))
    return d, d.env.user_orders()[at].id


def _title(ctx: Ctx, st: Showtime) -> str:
    m = ctx.world.movies[st.movie_id]
    return ph.title_quote(m.title_zh, "zh") if ctx.locale == "zh" else m.title_en


def _refund_ask(ctx: Ctx, title: str) -> str:
    """A movie refund request, worded alike whether the order can be refunded or not (a
    wording only the refusable requests used told a blind agent to refuse)."""
    return ctx.pick(
        (
            f"我买的{title}去不了了，帮我退票",
            f"{title}我不看了，退票",
            f"临时有事，{title}的票帮我退了吧",
            f"把我{title}的票退掉",
        )
        if ctx.zh
        else (
            f"I can't make it to {title} anymore, refund my tickets",
            f"I'm not going to {title} any more, refund my tickets",
            f"something came up, please refund my {title} tickets",
            f"refund my tickets for {title}",
        )
    )


def _finish(d: Draft, body: str, expect: Expect, polite: bool = True) -> Task:
    opening = ph.statement(d.wording, d.locale, body) if polite else body
    return d.finish(opening, Goal(summary=body), expect)


def _refunded(d: Draft, body: str, oid: str, amount: int) -> Task:
    """Finish a task whose order `oid` is refunded `amount` fen, an amount the agent tells."""
    return _finish(
        d,
        body,
        Expect(
            outcome="refund",
            refunds=(Refund(order_id=oid, refund_fen=amount),),
            must_tell=(MustTell(what="refund_amount", any_of=money_forms(amount)),),
            handoffs={"inform": 1},
        ),
    )


@template("after_refund_movie", "after_purchase")
def after_refund_movie(ctx: Ctx) -> Task:
    """Refund inside the window: the agent must tell the amount."""
    d, oid, st = _seed_movie(ctx, 6, 72, cinema_ok=lambda c: c.refund_cutoff_min is not None)
    body = _refund_ask(ctx, _title(ctx, st))
    d.call("list_orders")
    amount = int(d.call("refund_order", order_id=oid)["refund_fen"])
    d.say(ctx.t(f"已退款，退回{money_forms(amount)[0]}。", f"Refunded {money_forms(amount)[0]}."))
    return _refunded(d, body, oid, amount)


def _not_refundable(
    ctx: Ctx, d: Draft, oid: str, st: Showtime, why: InfeasibleReason, why_zh: str, why_en: str
) -> Task:
    try:  # the env must agree that this order cannot be refunded now
        orders.refund_order(ctx.draft(d.user, d.now, setup=d.setup).env, oid)
    except EnvError:
        body = _refund_ask(ctx, _title(ctx, st))
        d.call("list_orders")
        d.call("get_order", order_id=oid)
        d.say(ctx.t(why_zh, why_en))
        return refusal(d, ph.statement(ctx.say, ctx.locale, body), body, why, (oid,))
    raise Skip("still refundable")


@template("after_refund_closed", "after_purchase", feasible=False)
def after_refund_closed(ctx: Ctx) -> Task:
    """Refund asked after the cinema's cut-off: nothing changes; say why."""
    d, oid, st = _seed_movie(ctx, 0.05, 0.5, cinema_ok=lambda c: c.refund_cutoff_min is not None)
    return _not_refundable(
        ctx, d, oid, st, "refund_closed",
        "这场电影已过了影院的退票截止时间，无法退票。",
        "This showing is past the cinema's refund cut-off, so it can no longer be refunded.",
    )  # fmt: skip


@template("after_no_refund_cinema", "after_purchase", feasible=False)
def after_no_refund_cinema(ctx: Ctx) -> Task:
    """A cinema that never refunds: nothing changes; say why."""
    d, oid, st = _seed_movie(ctx, 6, 72, cinema_ok=lambda c: c.refund_cutoff_min is None)
    return _not_refundable(
        ctx, d, oid, st, "no_refund",
        "这家影院的电影票不支持退票，无法退。",
        "This cinema's tickets are non-refundable, so they cannot be refunded.",
    )  # fmt: skip


@template("after_exchange", "after_purchase")
def after_exchange(ctx: Ctx) -> Task:
    """Move a seeded order to a later showing of the same movie at the same cinema (at no
    extra charge); the agent must tell the new pickup code."""
    d, oid, st = _seed_movie(ctx, 4, 48, cinema_ok=lambda c: c.exchange_cutoff_min is not None)
    later = [
        s
        for s in ctx.world.showtimes_by_cinema[st.cinema_id]
        if s.movie_id == st.movie_id and s.start > st.start and q.sales_open(s, d.now)
        and s.start.date() <= st.start.date() + timedelta(days=1)
    ]  # fmt: skip
    old = d.env.order(oid)
    assert old is not None
    # never the next showing after the old one, or one a blind search lists first: the
    # user names the new showing, and that is what must pin it
    guessed = showing_guesses(ctx.world, d.now, [st.id])
    guessed |= {min(later, key=lambda s: (s.start, s.id)).id} if later else set()
    for new in ctx.rng.sample(later, min(6, len(later))):
        if len(q.same_start(ctx.world, new)) > 1 or new.id in guessed:
            continue  # named by its day and clock: it must be the only one then
        seats = q.first_option(d.env, new.id, 2, SeatRule(together=True))
        total = q.quote_total(d.env, new.id, seats) if seats else None
        if seats is not None and total is not None and total <= old.total_fen:
            break
    else:
        raise Skip("no later showing at no extra charge")
    title = _title(ctx, st)
    old_when = ph.clock(st.start, ctx.locale)
    new_when = ph.when_phrase(ctx.say, d.now, new.start, ctx.locale)
    body = ctx.t(
        f"我那两张{old_when}的{title}想改签到{new_when}那场，还是要挨着的座位",
        f"I'd like to move my {old_when} {title} tickets to the showing {new_when}, "
        "still side by side",
    )
    d.call("list_orders")
    d.call("search_showtimes", movie_id=st.movie_id, cinema_id=st.cinema_id)
    d.call("seat_map", showtime_id=new.id)
    data = d.call("exchange_order", order_id=oid, new_showtime_id=new.id, seats=list(seats))
    code = str(data.get("pickup_code", ""))
    d.say(ctx.t(f"已改签，新的取票码 {code}，无需补差价。", f"Done, new pickup code {code}."))
    to = movie_spec([new.id], 2, SeatRule(together=True))
    return _finish(
        d,
        body,
        Expect(
            outcome="exchange",
            exchanges=(Exchange(order_id=oid, to=to),),
            must_tell=(MustTell(what="pickup_code", any_of=(code,)),),
            handoffs={"inform": 1},
        ),
    )


@template("after_event_refund", "after_purchase")
def after_event_refund(ctx: Ctx) -> Task:
    """Refund a seeded event order by its fee tier: tell the amount back (fee deducted)."""
    now = draw_now(ctx, day_offsets=(1, 2, 3))
    bought = now - timedelta(days=ctx.rng.choice((1, 2, 4)))
    user = event_user(ctx, bought, None)
    scratch = ctx.draft(user, bought)
    pick = draw_pick(ctx, scratch, None, max_count=2)
    if not pick.event.refund_tiers:
        raise Skip("event does not refund")
    quote = orders.quote_event(
        scratch.env, pick.session.id, pick.zone.id, pick.count, list(pick.attendees) or None
    )
    pm = q.payment_for(user, quote.total_fen)
    if pm is None:
        raise Skip("cannot pay")
    seed = SeedOrder(
        kind="event", at=bought, session_id=pick.session.id, zone_id=pick.zone.id,
        quantity=pick.count, attendee_ids=pick.attendees, payment_method_id=pm,
    )  # fmt: skip
    d, oid = _with_decoys(ctx, user, now, bought, seed, set())
    try:
        orders.refund_order(ctx.draft(user, now, setup=d.setup).env, oid)
    except EnvError as err:
        raise Skip(err.message) from None
    title = event_title(ctx, pick.event)
    body = ctx.t(
        f"我买的{title}去不了了，帮我退掉，扣多少手续费告诉我一声",
        f"I can't go to {title} after all; please refund it and tell me what fee they keep",
    )
    d.call("list_orders")
    d.call("get_event", event_id=pick.event.id)
    amount = int(d.call("refund_order", order_id=oid)["refund_fen"])
    order = d.env.order(oid)
    assert order is not None
    fee = order.total_fen - amount
    d.say(ctx.t(
        f"已退款{money_forms(amount)[0]}，手续费{money_forms(fee)[0]}。",
        f"Refunded {money_forms(amount)[0]}; the fee kept is {money_forms(fee)[0]}.",
    ))  # fmt: skip
    return _refunded(d, body, oid, amount)


@template("after_pickup_code", "after_purchase")
def after_pickup_code(ctx: Ctx) -> Task:
    """Look up the pickup code of a seeded order (read-only)."""
    d, oid, st = _seed_movie(ctx, 2, 72)
    o = d.env.order(oid)
    assert o is not None and o.pickup_code
    title = _title(ctx, st)
    body = ctx.t(
        f"我那张{title}的取票码是多少？", f"what's the pickup code for my {title} tickets?"
    )
    d.call("list_orders")
    d.call("get_order", order_id=oid)
    d.say(ctx.t(f"取票码是 {o.pickup_code}。", f"Your pickup code is {o.pickup_code}."))
    return _finish(
        d,
        body,
        Expect(
            outcome="no_purchase",
            must_tell=(MustTell(what="pickup_code", any_of=(o.pickup_code,)),),
            handoffs={"inform": 1},
        ),
        polite=ctx.say.random() < 0.5,
    )
