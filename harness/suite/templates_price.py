"""Pricing templates (cheapest, member card, best coupon, budget) and composite requests."""

from __future__ import annotations

from harness.env.models import Showtime
from harness.suite import phrasing as ph
from harness.suite import worldq as q
from harness.suite.draft import Skip
from harness.suite.spec import SeatRule, Task
from harness.suite.tcommon import (
    Ctx,
    buy_movie,
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


def _day_movie(ctx: Ctx, sts: list[Showtime]) -> list[Showtime]:
    anchor = ctx.choice(sts)
    return [s for s in sts if s.movie_id == anchor.movie_id and s.start.date() == anchor.start.date()]


@template("price_cheapest_day", "pricing")
def price_cheapest_day(ctx: Ctx) -> Task:
    """Cheapest standard seats for a movie on a day anywhere in the city, any discount."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now, difficulty="hard")
    count = ctx.rng.choice((1, 2))
    rule = SeatRule(together=count > 1)
    cands = _day_movie(ctx, [s for s in open_showtimes(ctx, user, now) if s.start.hour >= 12])[:30]
    best: dict[str, tuple[int, str | None, str | None, tuple[str, ...]]] = {}
    for st in cands:
        opts = q.seat_options(d.env, st.id, count, rule, limit=1)
        if opts:
            b = q.best_total(d.env, st.id, opts[0], discounts=True)
            if b is not None:
                best[st.id] = (b[0], b[1], b[2], opts[0])
    if not best:
        raise Skip("no candidates")
    low = min(v[0] for v in best.values())
    sid = sorted(k for k, v in best.items() if v[0] == low)[0]
    st = ctx.world.showtimes[sid]
    total, card, coupon, seats = best[sid]
    title = movie_title(ctx, ctx.world.movies[st.movie_id])
    when = with_day(ctx, now, st.start.date())
    n = ph.count_phrase(count, ctx.locale, ctx.rng)
    body = ctx.t(
        f"{when}中午12点以后的{title}，{n}普通座，全城哪家最便宜就买哪家，能用的优惠都用上",
        f"{n} (standard seats) for {title} {when}, noon or later, wherever it is cheapest in town "
        "after any card or coupon I have",
    )
    pm_fact(d)
    buy_movie(d, st, seats, query=title.strip("《》"), card_id=card, coupon_id=coupon)
    spec = movie_spec(list(best), count, rule, seat_types={"standard": count}, max_total_fen=low)
    return purchase(d, ph.politeness(ctx.rng, ctx.locale, body), [spec], body, optimal="cheapest")


def _at_showtime_with_discounts(ctx: Ctx, mode: str) -> Task:
    """A named showtime; `mode` card: use the brand card; coupon: the best coupon."""
    user = draw_user(ctx, lambda u: bool(u.member_cards) if mode == "card" else bool(u.coupons))
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    brands = {k.brand_en: k for k in user.member_cards}
    pool = open_showtimes(ctx, user, now)
    if mode == "card":
        pool = [s for s in pool if ctx.world.cinemas[s.cinema_id].brand_en in brands]
    ctx.rng.shuffle(pool)
    count = ctx.rng.choice((1, 2, 3))
    rule = SeatRule(together=count > 1)
    for st in pool[:15]:
        opts = q.seat_options(d.env, st.id, count, rule, prefer=q.centre_score, limit=1)
        if not opts:
            continue
        cinema = ctx.world.cinemas[st.cinema_id]
        if mode == "card":
            card = brands[cinema.brand_en]
            total = q.quote_total(d.env, st.id, opts[0], card.id, None)
            if total is None:
                continue
            title = movie_title(ctx, ctx.world.movies[st.movie_id])
            when = with_day(ctx, now, st.start.date())
            body = ctx.t(
                f"{when}{ph.clock(st.start, 'zh')}在{cinema.name_zh}看{title}，{count}张，用我的{card.brand_zh}会员卡打折",
                f"{count} tickets for {title} at {cinema.name_en} {when} {ph.clock(st.start, 'en')}, "
                f"with my {card.brand_en} member card discount",
            )
            pm_fact(d)
            buy_movie(d, st, opts[0], query=title.strip("《》"), card_id=card.id)
            spec = movie_spec([st.id], count, rule, card_id=card.id)
            return purchase(d, ph.politeness(ctx.rng, ctx.locale, body), [spec], body)
        b = q.best_total(d.env, st.id, opts[0], discounts=True)
        plain = q.quote_total(d.env, st.id, opts[0])
        if b is None or plain is None or b[0] >= plain:
            continue
        title = movie_title(ctx, ctx.world.movies[st.movie_id])
        when = with_day(ctx, now, st.start.date())
        body = ctx.t(
            f"{when}{ph.clock(st.start, 'zh')}{cinema.name_zh}的{title}，{count}张，帮我用最划算的优惠",
            f"{count} tickets for {title} at {cinema.name_en} {when} {ph.clock(st.start, 'en')}, "
            "with whatever card or coupon saves the most",
        )
        pm_fact(d)
        buy_movie(d, st, opts[0], query=title.strip("《》"), card_id=b[1], coupon_id=b[2])
        spec = movie_spec([st.id], count, rule, seat_types={"standard": count}, max_total_fen=b[0])
        return purchase(
            d, ph.politeness(ctx.rng, ctx.locale, body), [spec], body, optimal="cheapest"
        )
    raise Skip("no showtime with a useful discount")


@template("price_member_card", "pricing")
def price_member_card(ctx: Ctx) -> Task:
    return _at_showtime_with_discounts(ctx, "card")


@template("price_best_discount", "pricing")
def price_best_discount(ctx: Ctx) -> Task:
    return _at_showtime_with_discounts(ctx, "coupon")


@template("price_budget_evening", "pricing")
def price_budget_evening(ctx: Ctx) -> Task:
    """Any evening showing of a movie on a day whose total stays within a stated budget."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    count = 2
    rule = SeatRule(together=True)
    cands = _day_movie(ctx, [s for s in open_showtimes(ctx, user, now) if s.start.hour >= 18])[:30]
    plain: dict[str, tuple[int, tuple[str, ...]]] = {}
    for st in cands:
        opts = q.seat_options(d.env, st.id, count, rule, limit=1)
        total = q.quote_total(d.env, st.id, opts[0]) if opts else None
        if total is not None:
            plain[st.id] = (total, opts[0])
    totals = sorted({v[0] for v in plain.values()})
    if len(totals) < 2:
        raise Skip("no price spread")
    budget = (totals[len(totals) // 2] // 100) * 100  # whole yuan, some showings above it
    if budget < totals[0]:
        raise Skip("budget under the cheapest")
    ok = sorted(k for k, v in plain.items() if v[0] <= budget)
    st = ctx.world.showtimes[ok[0]]
    title = movie_title(ctx, ctx.world.movies[st.movie_id])
    when = with_day(ctx, now, st.start.date())
    yuan = budget // 100
    body = ctx.t(
        f"{when}晚上的{title}，两张连座，总价别超过{yuan}元",
        f"two seats together for {title} {when} evening, total no more than {yuan} yuan",
    )
    pm_fact(d)
    buy_movie(d, st, plain[st.id][1], query=title.strip("《》"))
    spec = movie_spec(ok, count, rule, max_total_fen=budget)
    return purchase(d, ph.politeness(ctx.rng, ctx.locale, body), [spec], body, budget=budget)


@template("price_hidden_budget", "pricing")
def price_hidden_budget(ctx: Ctx) -> Task:
    """Budget only in the user's head: "not too expensive"; the sheet is judged against it."""
    task = price_budget_evening(ctx)
    budget = task.goal.budget_fen
    assert budget is not None
    opening = ctx.t(
        task.opening.split("，总价")[0] + "，别太贵。",
        task.opening.split(", total")[0] + ", nothing too pricey.",
    )
    fact = {
        "slot": "budget",
        "triggers": ("预算", "多少钱", "价位", "budget", "price", "how much", "spend"),
        "answer": ctx.t(f"两张加起来最多{budget // 100}元。", f"At most {budget // 100} yuan for both."),
    }
    from harness.suite.spec import Fact

    return task.model_copy(
        update={
            "template": "price_hidden_budget",
            "opening": opening,
            "knowledge": (*task.knowledge, Fact.model_validate(fact)),
            "tags": ("hidden_budget",),
        }
    )
