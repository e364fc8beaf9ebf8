"""Pricing templates (cheapest, member card, best coupon, budget) and composite requests."""

from __future__ import annotations

from datetime import datetime

from ticketbench.env.models import Showtime, User
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Skip
from ticketbench.suite.spec import SeatRule, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    GENERAL_SEATS,
    Ctx,
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
    with_day,
)
from ticketbench.suite.templates.stated import STRICT_RATE, budget_phrase, strict_phrase


def _day_movie(ctx: Ctx, user: User, now: datetime, from_hour: int) -> list[Showtime]:
    """Every showing on sale of a drawn movie on a drawn day, from `from_hour` on: the whole
    day the user names, though the draw's horizon may end within it."""
    anchor = ctx.choice([s for s in open_showtimes(ctx, user, now) if s.start.hour >= from_hour])
    day = q.on_sale(ctx.world, user.city_id, now, anchor.start.replace(hour=23, minute=59))
    return [
        s
        for s in day
        if s.movie_id == anchor.movie_id
        and s.start.date() == anchor.start.date()
        and s.start.hour >= from_hour
    ]


@template("price_cheapest_day", "pricing")
def price_cheapest_day(ctx: Ctx) -> Task:
    """Cheapest standard seats for a movie on a day anywhere in the city, any discount: the
    optimum over every showing from noon on, and every option reaching it is accepted."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now, difficulty="hard")
    count = ctx.rng.choice((1, 2))
    rule = SeatRule(together=count > 1)
    cands = _day_movie(ctx, user, now, 12)
    best: dict[str, tuple[int, tuple[str, ...], str | None, str | None]] = {}
    for st in cands:
        b = q.lowest_total(d.env, st.id, count, rule, ("standard",))
        if b is not None:
            best[st.id] = b
    if not best:
        raise Skip("no candidates")
    low = min(v[0] for v in best.values())
    sid = sorted(k for k, v in best.items() if v[0] == low)[0]
    st = ctx.world.showtimes[sid]
    _, seats, card, coupon = best[sid]
    title = movie_title(ctx, ctx.world.movies[st.movie_id])
    when = with_day(ctx, now, st.start.date())
    n = ph.count_phrase(count, ctx.locale, ctx.say)
    together = ctx.t("连座", " together") if count > 1 else ""
    body = ctx.t(
        f"买{when}中午12点以后的{title}，{n}普通座{together}，全城哪家最便宜就买哪家，能用的优惠都用上",
        f"get me {n} (standard seats{together}) for {title} {when}, noon or later, wherever it "
        "is cheapest in town after any card or coupon I have",
    )
    pm_fact(d)
    buy_movie(d, st, seats, query=title.strip("《》"), card_id=card, coupon_id=coupon)
    spec = movie_spec(list(best), count, rule, seat_types={"standard": count}, max_total_fen=low)
    return purchase(d, ph.politeness(ctx.say, ctx.locale, body), [spec], body, optimal="cheapest")


def _at_showtime_with_discounts(ctx: Ctx, mode: str) -> Task:
    """A named showtime; `mode` card: use the brand card; coupon: the best card or coupon
    (the lowest total over every seat mix and discount, a strict optimum)."""
    need_card = mode == "card"
    user = draw_user(ctx, lambda u: bool(u.member_cards) if need_card else bool(u.coupons))
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    brands = {k.brand_en: k for k in user.member_cards}
    pool = open_showtimes(ctx, user, now)
    if need_card:
        pool = [s for s in pool if ctx.world.cinemas[s.cinema_id].brand_en in brands]
    count = ctx.rng.choice((1, 2, 3))
    rule = SeatRule(together=count > 1)
    for st in ctx.rng.sample(pool, min(15, len(pool))):
        if len(q.same_start(ctx.world, st)) > 1:
            continue  # named by its start: it must be the only one then
        seats = q.first_option(d.env, st.id, count, rule)
        if seats is None:
            continue
        cinema = ctx.world.cinemas[st.cinema_id]
        if need_card:
            card = brands[cinema.brand_en]
            if q.quote_total(d.env, st.id, seats, card.id, None) is None:
                continue
        else:
            b = q.lowest_total(d.env, st.id, count, rule, GENERAL_SEATS)
            plain = q.quote_total(d.env, st.id, seats)
            if b is None or plain is None or b[0] >= plain:
                continue
        title = movie_title(ctx, ctx.world.movies[st.movie_id])
        when = ph.when_phrase(ctx.say, now, st.start, ctx.locale)
        where = cinema_name(ctx, cinema)
        n = ph.count_phrase(count, ctx.locale, ctx.say)
        together = ctx.t("，连座", ", seats together") if count > 1 else ""
        pm_fact(d)
        if need_card:
            body = ctx.t(
                f"买{when}在{where}的{title}，{n}{together}，用我的{card.brand_zh}会员卡打折",
                f"get me {n} for {title} at {where}, {when}{together}, "
                f"with my {card.brand_en} member card discount",
            )
            buy_movie(d, st, seats, query=title.strip("《》"), card_id=card.id)
            spec = movie_spec([st.id], count, rule, card_id=card.id)
            return purchase(d, ph.politeness(ctx.say, ctx.locale, body), [spec], body)
        body = ctx.t(
            f"买{when}{where}的{title}，{n}{together}，用最划算的优惠",
            f"get me {n} for {title} at {where}, {when}{together}, "
            "with whatever card or coupon saves the most",
        )
        assert b is not None
        total, best_seats, card_id, coupon_id = b
        buy_movie(
            d, st, best_seats, query=title.strip("《》"), card_id=card_id, coupon_id=coupon_id
        )
        spec = movie_spec([st.id], count, rule, max_total_fen=total)
        opening = ph.politeness(ctx.say, ctx.locale, body)
        return purchase(d, opening, [spec], body, optimal="cheapest")
    raise Skip("no showtime with a useful discount")


@template("price_member_card", "pricing")
def price_member_card(ctx: Ctx) -> Task:
    """A named showing paid with the member card of the cinema's brand."""
    return _at_showtime_with_discounts(ctx, "card")


@template("price_best_discount", "pricing")
def price_best_discount(ctx: Ctx) -> Task:
    """A named showing with whichever card or coupon saves the most (strict optimum)."""
    return _at_showtime_with_discounts(ctx, "coupon")


BUDGET_SAID = (
    ("两张加起来最多{y}元。", "总共别超过{y}块。", "预算{y}元以内。"),
    ("At most {y} yuan for both.", "No more than {y} yuan in total.",
     "My budget is {y} yuan for the two."),
)  # fmt: skip


def _budget(ctx: Ctx, hidden: bool) -> Task:
    """Any evening showing of a movie on a day whose total (with any card or coupon the user
    holds) stays within a budget: stated in the request, or (`hidden`) only in the user's
    head ("nothing too pricey")."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    count = 2
    rule = SeatRule(together=True)
    cands = _day_movie(ctx, user, now, 18)
    low: dict[str, tuple[int, tuple[str, ...], str | None, str | None]] = {}
    for st in cands:
        b = q.lowest_total(d.env, st.id, count, rule, GENERAL_SEATS)
        if b is not None:
            low[st.id] = b
    totals = sorted({v[0] for v in low.values()})
    if len(totals) < 2:
        raise Skip("no price spread")
    budget = (totals[len(totals) // 2] // 100) * 100  # whole yuan, some showings above it
    while hidden and budget in totals:  # a hidden budget must not equal a price on screen
        budget -= 100
    if budget < totals[0]:
        raise Skip("budget under the cheapest")
    ok = sorted(k for k, v in low.items() if v[0] <= budget)
    st = ctx.world.showtimes[ok[0]]
    _, seats, card, coupon = low[st.id]
    title = movie_title(ctx, ctx.world.movies[st.movie_id])
    when = with_day(ctx, now, st.start.date())
    yuan = budget // 100
    if hidden:
        body = ctx.t(
            f"买{when}晚上的{title}，两张连座，{ctx.pick(['别太贵', '便宜点的就行', '别超预算'])}",
            f"get me two seats together for {title} {when} evening, "
            + ctx.pick(["nothing too pricey", "keep it cheap", "don't blow my budget"]),
        )
        d.fact(
            "budget",
            ("预算", "多少钱", "价位", "贵", "budget", "price", "how much", "spend", "pricey"),
            d.pick(*BUDGET_SAID).format(y=yuan),
        )
        d.tags.append("hidden_budget")
    else:  # in the words of the over-budget requests (`stated`)
        tail = [budget_phrase(ctx, yuan)]
        if ctx.say.random() < STRICT_RATE:
            tail.append(strict_phrase(ctx))
        ctx.say.shuffle(tail)
        body = ctx.t(
            "，".join((f"买{when}晚上的{title}，两张连座", *tail)),
            "; ".join((f"get me two seats together for {title} {when} evening", *tail)),
        )
    pm_fact(d)
    buy_movie(d, st, seats, query=title.strip("《》"), card_id=card, coupon_id=coupon)
    spec = movie_spec(ok, count, rule, max_total_fen=budget)
    summary = ctx.t(f"{title}两张连座，总价不超过{yuan}元", f"{title}, 2 together, <= {yuan} yuan")
    return purchase(d, ph.politeness(ctx.say, ctx.locale, body), [spec], summary, budget=budget)


@template("price_budget_evening", "pricing")
def price_budget_evening(ctx: Ctx) -> Task:
    """A stated budget cap over the evening showings of a movie on a day."""
    return _budget(ctx, hidden=False)


@template("price_hidden_budget", "pricing")
def price_hidden_budget(ctx: Ctx) -> Task:
    """Budget only in the user's head; the sheet is judged against it."""
    return _budget(ctx, hidden=True)
