"""Movie purchase templates: fully specified requests (and the clarification tasks that
leave out the count or the day) and constrained search."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ticketbench.env.models import Point, Showtime, User
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Draft, Skip
from ticketbench.suite.spec import Optimal, SeatRule, Slot, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    GENERAL_SEATS,
    Ctx,
    buy_movie,
    draw_count,
    draw_now,
    draw_user,
    fits,
    movie_spec,
    movie_title,
    open_showtimes,
    pm_fact,
    purchase,
    showing_names,
    template,
    with_day,
)
from ticketbench.suite.templates.guesses import showing_guesses
from ticketbench.suite.templates.stated import stated_purchase

FORMAT_WORDS: dict[str, tuple[str, str]] = {
    "IMAX": ("IMAX厅", "IMAX"),
    "DOLBY": ("杜比影院", "Dolby Cinema"),
    "3D": ("3D版", "3D"),
    "4DX": ("4DX厅", "4DX"),
}
# What a format word covers: an IMAX 3D showing is an IMAX showing and a 3D showing.
FORMATS: dict[str, tuple[str, ...]] = {
    "IMAX": ("IMAX", "IMAX 3D"),
    "DOLBY": ("DOLBY",),
    "3D": ("3D", "IMAX 3D"),
    "4DX": ("4DX",),
}
LANG_WORDS: dict[str, tuple[str, str]] = {
    "en": ("英文原声", "original English"),
    "ja": ("日语原声", "original Japanese"),
    "zh": ("国语", "Mandarin"),
}


def _pick(
    ctx: Ctx,
    d: Draft,
    sts: Sequence[Showtime],
    count: int,
    rule: SeatRule,
    types: Sequence[str] = ("standard",),
    named: bool = False,
) -> tuple[Showtime, tuple[str, ...]]:
    """A random showtime of `sts` with a valid selection, and its best selection. `named`:
    the user names it by its start, so it must be the only one starting then, and not the
    showing a blind search lists first (`guesses`)."""
    for st in ctx.rng.sample(list(sts), min(12, len(sts))):
        if named and len(q.same_start(ctx.world, st)) > 1:
            continue
        if named and st.id in showing_guesses(ctx.world, d.now, [st.id]):
            continue
        opts = q.seat_options(d.env, st.id, count, rule, types, prefer=q.centre_score, limit=1)
        if opts:
            return st, opts[0]
    raise Skip("no showtime with seats")


def _valid(d: Draft, sts: Sequence[Showtime], count: int, rule: SeatRule) -> list[Showtime]:
    """The showtimes where a selection satisfying `rule` exists now, of any seat type the
    spec accepts (a showing with only couple seats left together is one)."""
    return [st for st in sts if q.seat_options(d.env, st.id, count, rule, GENERAL_SEATS, limit=1)]


# --- 1. fully specified ------------------------------------------------------------------


ASK_COUNT = (
    ("请问要买几张？", "一共几位观影？", "需要几张票呢？", "几个人去看？"),
    ("How many tickets do you need?", "How many people are going?",
     "How many seats should I book?", "For how many people?"),
)  # fmt: skip
ASK_DATE = (
    ("请问是哪一天的场次？", "您想看哪天的？", "是哪天去看呢？"),
    ("Which day would you like to go?", "What date is the showing?", "Which day should I book?"),
)


def count_answer(d: Draft, n: int) -> str:
    """How the user says the number of tickets when asked."""
    if d.zh:
        people = "就我一个人。" if n == 1 else f"我们{ph.ZH_NUM.get(n, n)}个人。"
        return d.pick((f"{n}张。", people, f"买{ph.ZH_NUM.get(n, n)}张吧。"), ())
    people = "Just me." if n == 1 else f"{str(ph.EN_NUM.get(n, n)).capitalize()} of us."
    return d.pick((), (f"{n} tickets." if n > 1 else "One ticket.", people, f"Make it {n}."))


def _specified(ctx: Ctx, exact: bool, terse: bool, missing: Slot | None = None) -> Task:
    """A named showing; `missing` leaves the count or the day out of the request, so the
    agent must ask about it before writing anything (a clarification task)."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now, difficulty="easy" if missing is None else "medium")
    count = draw_count(ctx)
    rule = SeatRule(together=count > 1)
    st, seats = _pick(ctx, d, open_showtimes(ctx, user, now), count, rule, named=True)
    title, cin = showing_names(ctx, st)
    if missing == "date":  # only the clock: the day must be asked
        when = ph.clock(st.start, ctx.locale, ctx.say)
        when = ctx.t(f"{when}那场", f"the {when} showing")
    else:
        when = ph.when_phrase(ctx.say, now, st.start, ctx.locale)
    n = "" if missing == "count" else ph.count_phrase(count, ctx.locale, ctx.say)
    seat_txt = "、".join(seats) if ctx.locale == "zh" else ", ".join(seats)
    if exact:
        rule = SeatRule(exact=seats)
    if terse:
        opening = ctx.t(" ", ", ").join(p for p in (title, cin, when, n) if p)
        if exact:
            opening += ctx.t(f" 座位{seat_txt}", f", seats {seat_txt}")
        elif count > 1:
            opening += ctx.t(" 连座", ", together")
    else:
        what = f"{n} " if n else "tickets "
        seats_zh = (
            f"要{seat_txt}这几个座位" if exact else ctx.pick(["座位挨着", "坐在一起", "要连座"])
        )
        seats_en = f"seats {seat_txt}" if exact else ctx.pick(["seats together", "side by side"])
        body = ctx.t(
            f"买{when}在{cin}的{title}" + (f"，{n}" if n else "的票") + f"，{seats_zh}",
            f"book {what}for {title} at {cin}, {when}, {seats_en}",
        )
        opening = ph.politeness(ctx.say, ctx.locale, body)
    pm_fact(d)
    d.fact(
        "seat_pref",
        ("座位", "位置", "seat", "row"),
        d.pick(("坐在一起就行。", "挨着坐就好。"), ("Together is all I need.", "Just together.")),
    )
    if missing == "count":
        d.fact(
            "count",
            ("几张", "几个人", "几位", "多少张", "how many", "tickets", "people"),
            count_answer(d, count),
        )
        d.ask("count", d.pick(*ASK_COUNT))
    elif missing == "date":
        d.fact(
            "date",
            ("哪天", "哪一天", "日期", "几号", "星期", "周几", "date", "which day", "what day"),
            ph.day_answer(st.start.date(), ctx.locale, ctx.say),
        )
        d.ask("date", d.pick(*ASK_DATE))
    buy_movie(d, st, seats, query=ctx.world.movies[st.movie_id].title_en)
    spec = movie_spec([st.id], count, rule)
    summary = ctx.t("按我说的场次买票", "Exactly the showing I named")
    clarify: list[Slot] = [missing] if missing is not None else []
    return purchase(d, opening, [spec], summary, clarify=clarify)


@template("spec_exact_seats", "specified")
def spec_exact_seats(ctx: Ctx) -> Task:
    """Movie, cinema, day, time, count and exact seats all given."""
    return _specified(ctx, exact=True, terse=False)


@template("spec_together", "specified")
def spec_together(ctx: Ctx) -> Task:
    """Movie, cinema, day, time and a group size together given, in the words of the
    infeasible requests (`stated`): a budget, "starting shortly", "rather nothing than
    apart" said now and then, and all of them hold."""
    return stated_purchase(ctx)


@template("spec_terse", "specified")
def spec_terse(ctx: Ctx) -> Task:
    """A terse one-liner: title, cinema, day, time, a group size together, and now and then
    a budget or "starting shortly", in the words of the infeasible requests (`stated`)."""
    return stated_purchase(ctx, terse=True)


@template("spec_terse_seats", "specified")
def spec_terse_seats(ctx: Ctx) -> Task:
    """A terse one-liner with exact seats."""
    return _specified(ctx, exact=True, terse=True)


@template("clar_missing_count", "clarify")
def clar_missingdraw_count(ctx: Ctx) -> Task:
    """Everything but the number of tickets: ask how many before writing."""
    return _specified(ctx, exact=False, terse=ctx.say.random() < 0.3, missing="count")


@template("clar_missing_date", "clarify")
def clar_missing_date(ctx: Ctx) -> Task:
    """Only a clock time, no day: ask which day before writing."""
    return _specified(ctx, exact=False, terse=ctx.say.random() < 0.3, missing="date")


# --- 2. constrained search ----------------------------------------------------------------

Keep = Callable[[Showtime], bool]
Optimum = Callable[[list[Showtime]], list[Showtime]]


def _constrained(
    ctx: Ctx,
    plan: Callable[[Ctx, User], tuple[Keep, str, Optimum | None]],
    optimal: Optimal | None = None,
) -> Task:
    """Accept every showtime of one movie on one day that passes the plan's filter
    (and, for "nearest"/"earliest" requests, every optimum of it and nothing else)."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    keep, describe, optimum = plan(ctx, user)
    pool = [st for st in open_showtimes(ctx, user, now) if keep(st)]
    anchor = ctx.choice(pool)
    day = anchor.start.date()
    # the whole day the user names, though the draw's horizon may end within it
    whole = q.on_sale(ctx.world, user.city_id, now, anchor.start.replace(hour=23, minute=59))
    cands = [
        st for st in whole if keep(st) and st.movie_id == anchor.movie_id and st.start.date() == day
    ]
    count = draw_count(ctx, 3)
    rule = SeatRule(together=count > 1)
    cands = _valid(d, cands, count, rule)
    if not cands:
        raise Skip("no valid candidates")
    if optimum is not None:
        cands = optimum(cands)
    st, seats = _pick(ctx, d, cands, count, rule)
    title = movie_title(ctx, ctx.world.movies[st.movie_id])
    n = ph.count_phrase(count, ctx.locale, ctx.say)
    when = with_day(ctx, now, day)
    together = ctx.t("，坐一起", ", seats together") if count > 1 else ""
    body = ctx.t(
        f"买{when}{describe}的{title}，{n}{together}",
        f"get me {n} for {title} {when}, {describe}{together}",
    )
    pm_fact(d)
    buy_movie(d, st, seats, query=ctx.world.movies[st.movie_id].title_zh)
    spec = movie_spec([c.id for c in cands], count, rule)
    return purchase(d, ph.politeness(ctx.say, ctx.locale, body), [spec], body, optimal=optimal)


def _make_format_template(fmt: str) -> None:
    zh, en = FORMAT_WORDS[fmt]

    def plan(ctx: Ctx, user: User) -> tuple[Keep, str, Optimum | None]:
        text = ctx.t(f"晚上6点以后{zh}", f"any {en} showing starting 6pm or later")
        return (lambda st: st.format in FORMATS[fmt] and st.start.hour >= 18), text, None

    @template(f"con_format_{fmt.lower()}_evening", "constrained")
    def build(ctx: Ctx) -> Task:
        return _constrained(ctx, plan)


for _fmt in ("IMAX", "DOLBY", "3D"):
    _make_format_template(_fmt)


@template("con_window_afternoon", "constrained")
def con_window_afternoon(ctx: Ctx) -> Task:
    """A start between 14:00 and 17:00 (inclusive) at any cinema of the city."""

    def plan(c: Ctx, user: User) -> tuple[Keep, str, Optimum | None]:
        def keep(st: Showtime) -> bool:
            return 14 <= st.start.hour < 17 or (st.start.hour == 17 and st.start.minute == 0)

        return keep, c.t("下午2点到5点之间开场", "starting between 2pm and 5pm"), None

    return _constrained(ctx, plan)


@template("con_language", "constrained")
def con_language(ctx: Ctx) -> Task:
    """An original-language version (not the dub)."""
    lang = ctx.choice(["en", "ja"])
    zh, en = LANG_WORDS[lang]

    def plan(c: Ctx, user: User) -> tuple[Keep, str, Optimum | None]:
        return (lambda st: st.language == lang), c.t(f"{zh}版", f"the {en} version"), None

    return _constrained(ctx, plan)


def _nearest_to(ctx: Ctx, point: Point) -> Optimum:
    def opt(cands: list[Showtime]) -> list[Showtime]:
        dist = {st.id: q.distance_km(ctx.world, st.cinema_id, point) for st in cands}
        best = min(dist.values())
        return [st for st in cands if dist[st.id] <= best + 1e-6]

    return opt


@template("con_nearest_landmark", "constrained")
def con_nearest_landmark(ctx: Ctx) -> Task:
    """Evening showing at the cinema nearest a landmark (named by name or alias)."""

    def plan(c: Ctx, user: User) -> tuple[Keep, str, Optimum | None]:
        lm = c.choice(list(c.world.cities[user.city_id].landmarks))
        name = c.pick([lm.name_zh if c.locale == "zh" else lm.name_en, *fits(lm.aliases, c.locale)])
        text = c.t(
            f"晚上6点以后、离{name}最近的影院",
            f"in the evening (6pm or later) at the cinema closest to {name}",
        )
        return (lambda st: st.start.hour >= 18), text, _nearest_to(c, lm.location)

    return _constrained(ctx, plan, optimal="nearest")


@template("con_nearest_home", "constrained")
def con_nearest_home(ctx: Ctx) -> Task:
    """Any showing at the cinema nearest the user's home."""

    def plan(c: Ctx, user: User) -> tuple[Keep, str, Optimum | None]:
        text = c.t("离我家最近的影院", "at the cinema nearest my home")
        return (lambda st: True), text, _nearest_to(c, user.home)

    return _constrained(ctx, plan, optimal="nearest")


@template("con_earliest_brand", "constrained")
def con_earliest_brand(ctx: Ctx) -> Task:
    """The earliest showing of the day at one cinema brand."""

    def plan(c: Ctx, user: User) -> tuple[Keep, str, Optimum | None]:
        brands = sorted({ci.brand_en for ci in c.world.cinemas_by_city.get(user.city_id, ())})
        brand = c.choice(brands)
        zh = next(ci.brand_zh for ci in c.world.data.cinemas if ci.brand_en == brand)

        def keep(st: Showtime) -> bool:
            return c.world.cinemas[st.cinema_id].brand_en == brand

        def earliest(cands: list[Showtime]) -> list[Showtime]:
            first = min(st.start for st in cands)
            return [st for st in cands if st.start == first]

        return keep, c.t(f"{zh}最早的一场", f"the earliest showing at any {brand}"), earliest

    return _constrained(ctx, plan, optimal="earliest")
