"""Seating templates: centre, back rows, aisle, couple seats, wheelchair + companion, and a
named row where the no-single-gap rule rules out some free runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ticketbench.env import orders
from ticketbench.env.models import SeatType, Showtime
from ticketbench.env.seats.seatmap import SeatMap
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Draft, Skip
from ticketbench.suite.spec import SeatRule, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    Ctx,
    buy_movie,
    draw_count,
    draw_now,
    draw_user,
    movie_spec,
    open_showtimes,
    pm_fact,
    purchase,
    showing_names,
    template,
)
from ticketbench.suite.templates.stated import BUDGET_RATE, budget_phrase, holding_budget

Wish = tuple[SeatRule, str, str]  # the rule and how the user says it (zh, en)


def _seating(
    ctx: Ctx,
    count: int,
    wish_of: Callable[[SeatMap, Showtime, Draft], Wish | None],
    types: Sequence[str] = ("standard", "vip"),
    seat_types: dict[SeatType, int] | None = None,
) -> Task:
    """One named showtime; any selection meeting the seat wish is accepted."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now, difficulty="medium")
    pool = open_showtimes(ctx, user, now)
    for st in ctx.rng.sample(pool, min(60, len(pool))):
        if len(q.same_start(ctx.world, st)) > 1:
            continue  # the user names it by its start: it must be the only one then
        sm, _ = orders.seat_availability(d.env, st.id)
        wish = wish_of(sm, st, d)
        if wish is None:
            continue
        rule, wish_zh, wish_en = wish
        opts = q.seat_options(d.env, st.id, count, rule, types, prefer=q.centre_score, limit=1)
        if opts:
            break
    else:
        raise Skip("no showtime fits the seat wish")
    seats = opts[0]
    title, cin = showing_names(ctx, st)
    when = ph.when_phrase(ctx.say, now, st.start, ctx.locale)
    n = ph.count_phrase(count, ctx.locale, ctx.say)
    body = ctx.t(
        f"订{when}{cin}的{title}，{n}，{wish_zh}",
        f"book {n} for {title} at {cin}, {when}, {wish_en}",
    )
    # a budget now and then, that every selection fits, as the infeasible requests say one
    budget = holding_budget(ctx, st, count) if ctx.rng.random() < BUDGET_RATE else None
    if budget is not None:
        body += ctx.t("，", ", ") + budget_phrase(ctx, budget // 100)
    pm_fact(d)
    buy_movie(d, st, seats, query=ctx.world.movies[st.movie_id].title_en)
    spec = movie_spec([st.id], count, rule, seat_types=seat_types or {}, max_total_fen=budget)
    opening = ph.politeness(ctx.say, ctx.locale, body)
    return purchase(d, opening, [spec], body, budget=budget)


def middle_rows(sm: SeatMap) -> tuple[int, ...]:
    """The middle third of a hall's rows (1 = front): "centre" is neither front nor back."""
    return tuple(r for r in range(1, sm.n_rows + 1) if sm.n_rows / 3 <= r - 1 < 2 * sm.n_rows / 3)


@template("seat_centre", "seating")
def seat_centre(ctx: Ctx) -> Task:
    """Seats together in the middle of the hall: the middle third of the rows and of the
    row's columns."""
    n = draw_count(ctx)
    said = (
        ctx.pick(["要中间的位置", "要正中间的座位", "坐在影厅中间"]),
        ctx.pick(["seats in the middle of the hall", "centre seats, middle of the hall"]),
    )

    def wish(sm: SeatMap, st: Showtime, d: Draft) -> Wish:
        rule = SeatRule(together=n > 1, centre=True, rows=middle_rows(sm))
        together = ("，坐在一起", " together") if n > 1 else ("", "")
        return rule, said[0] + together[0], said[1] + together[1]

    return _seating(ctx, n, wish)


@template("seat_back_rows", "seating")
def seat_back_rows(ctx: Ctx) -> Task:
    """Seats together in the last three rows."""
    n = draw_count(ctx, 3)

    def wish(sm: SeatMap, st: Showtime, d: Draft) -> Wish:
        rows = tuple(range(max(1, sm.n_rows - 2), sm.n_rows + 1))
        rule = SeatRule(together=n > 1, rows=rows)
        if n == 1:
            return rule, "要最后三排的位置", "in one of the last three rows"
        return rule, "要最后三排，挨着坐", "in the last three rows, next to each other"

    return _seating(ctx, n, wish)


@template("seat_aisle", "seating")
def seat_aisle(ctx: Ctx) -> Task:
    """At least one seat next to an aisle (or the row end)."""
    n = ctx.rng.choice((1, 2))
    rule = SeatRule(together=n > 1, aisle=True)
    wish = ("要靠过道的位置", "with an aisle seat") if n == 1 else (
        "要挨着坐，其中一个靠过道", "side by side, one of them on the aisle")  # fmt: skip
    return _seating(ctx, n, lambda sm, st, d: (rule, *wish))


@template("seat_couple", "seating")
def seat_couple(ctx: Ctx) -> Task:
    """One couple-seat pair."""
    rule = SeatRule(together=True)
    return _seating(
        ctx,
        2,
        lambda sm, st, d: (rule, "要情侣座", "a couple seat (love seat) pair"),
        ("couple",),
        {"couple": 2},
    )


@template("seat_wheelchair", "seating")
def seat_wheelchair(ctx: Ctx) -> Task:
    """A wheelchair space plus its companion seat."""
    rule = SeatRule(together=True)
    return _seating(
        ctx,
        2,
        lambda sm, st, d: (
            rule,
            "我坐轮椅，需要轮椅位加一个陪同座",
            "I use a wheelchair: a wheelchair space plus the companion seat next to it",
        ),
        ("wheelchair", "companion"),
        {"wheelchair": 1, "companion": 1},
    )


@template("seat_row_gap", "seating")
def seat_row_gap(ctx: Ctx) -> Task:
    """Seats in one named row where the no-single-gap rule rules out some free runs."""
    n = ctx.rng.choice((2, 3))

    def wish(sm: SeatMap, st: Showtime, d: Draft) -> Wish | None:
        _, unavailable = orders.seat_availability(d.env, st.id)
        for row in range(sm.n_rows // 2, sm.n_rows + 1):
            rule = SeatRule(together=True, rows=(row,))
            free_runs = 0
            for block in sm.rows[row - 1]:
                for i in range(len(block) - n + 1):
                    sel = block[i : i + n]
                    if all(s not in unavailable and sm.seats[s].type == "standard" for s in sel):
                        free_runs += 1
            valid = len(q.seat_options(d.env, st.id, n, rule))
            if 0 < valid < free_runs:  # the gap rule bites: some free runs are refused
                return rule, f"都要在第{row}排，挨着坐", f"all in row {row}, side by side"
        return None

    return _seating(ctx, n, wish, ("standard",))
