"""Clarification templates (shared aliases, "tonight" after midnight) and time templates
(an expired hold, the next showing still on sale, a weekday evening named relatively).

Clarification tasks missing the count or the date live with the movie templates, which
phrase the request without that slot (`templates_movie._specified`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import cache

from ticketbench.env.models import Showtime
from ticketbench.env.world import World
from ticketbench.suite import ground_truth as q
from ticketbench.suite.draft import Draft, Skip
from ticketbench.suite.spec import Locale, SeatRule, SeedOrder, Setup, Slot, Task
from ticketbench.suite.templates import phrasing as ph
from ticketbench.suite.templates.base import (
    GENERAL_SEATS,
    Ctx,
    afternoon_showing,
    buy_movie,
    cinema_name,
    draw_now,
    draw_user,
    fits,
    movie_spec,
    movie_title,
    named_showing,
    open_showtimes,
    pm_fact,
    purchase,
    template,
)
from ticketbench.suite.templates.movie import FORMAT_WORDS, FORMATS, LANG_WORDS
from ticketbench.suite.templates.stated import stated_purchase

TOGETHER = SeatRule(together=True)


def _two_together(
    ctx: Ctx, d: Draft, st: Showtime, seats: Sequence[str], body: str, slot: Slot
) -> Task:
    """Finish a clarify task: two seats together at `st`, once the agent asked for `slot`."""
    pm_fact(d)
    buy_movie(d, st, seats, query=ctx.world.movies[st.movie_id].title_en)
    opening = ph.politeness(ctx.say, ctx.locale, body)
    return purchase(d, opening, [movie_spec([st.id], 2, TOGETHER)], body, clarify=[slot])


STOP_WORDS = frozenset({"the", "of", "and", "from", "with", "over", "into", "home"})


@cache
def ambiguous_references(world: World, locale: Locale) -> dict[str, frozenset[str]]:
    """Ways a user of `locale` may name a movie that fit several movies -> those movies:
    aliases two movies share ("星海", "Magic Academy"), and a word two titles share, said as
    "名字里有“长安”的那部电影" / 'the movie with "Panda" in the title'."""
    out: dict[str, set[str]] = {}
    for m in world.data.movies:
        for a in fits(m.aliases, locale):
            out.setdefault(a, set()).add(m.id)
    words: dict[str, set[str]] = {}
    for m in world.data.movies:
        if locale == "zh":
            t = m.title_zh
            for w in {t[i : i + 2] for i in range(len(t) - 1)}:
                if w.isalnum() and not w.isascii() and (t.startswith(w) or t.endswith(w)):
                    words.setdefault(w, set()).add(m.id)
        else:
            for w in re.findall(r"[A-Za-z][A-Za-z']{3,}", m.title_en):
                if w.lower() not in STOP_WORDS:
                    words.setdefault(w, set()).add(m.id)
    for w in words:  # every movie whose title holds the word is meant
        if locale == "zh":
            holders = {m.id for m in world.data.movies if w in m.title_zh}
            phrase = f"名字里有“{w}”的那部电影"
        else:
            holders = {m.id for m in world.data.movies if w.lower() in m.title_en.lower()}
            phrase = f'the movie with "{w}" in the title'
        if len(holders) > 1:
            out[phrase] = holders
    return {k: frozenset(v) for k, v in sorted(out.items()) if len(v) > 1}


ASK_WHICH = (
    ("有好几部电影都对得上，您想看哪一部？", "您说的是哪一部电影？有几部都符合。",
     "能确认一下是哪部电影吗？好几部都叫这个名字。"),
    ("Several films match that; which one do you mean?", "Which movie exactly? More than one fits.",
     "Could you tell me the exact title? A few films match."),
)  # fmt: skip


@template("clar_shared_alias", "clarify")
def clar_shared_alias(ctx: Ctx) -> Task:
    """The user names the movie in a way that fits several movies showing at the cinema (a
    shared alias, a word of two titles): the agent must ask which one before buying."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now, difficulty="hard")
    refs = {loc: ambiguous_references(ctx.world, loc) for loc in ("zh", "en")}
    pool = open_showtimes(ctx, user, now)
    here: dict[str, set[str]] = {}
    for s in pool:
        here.setdefault(s.cinema_id, set()).add(s.movie_id)

    def usable(loc: str, st: Showtime) -> list[str]:
        """References of `st`'s movie that fit another movie showing at its cinema too."""
        return [
            r
            for r, ms in refs[loc].items()
            if st.movie_id in ms and len(ms & here[st.cinema_id]) > 1
        ]

    # the situation must be ambiguous in both languages (the pair asks it in both)
    cands = [s for s in pool if usable("zh", s) and usable("en", s)]
    st = named_showing(ctx, ctx.choice(cands))
    seats = q.first_option(d.env, st.id, 2, TOGETHER)
    if seats is None:
        raise Skip("no seats")
    ref = ctx.pick(usable(ctx.locale, st))
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    when = ph.when_phrase(ctx.say, now, st.start, ctx.locale)
    body = ctx.t(
        f"买{when}在{cinema_name(ctx, c)}的{ref}，两张连座",
        f"get me two seats together for {ref} at {cinema_name(ctx, c)}, {when}",
    )
    d.fact(
        "which_movie",
        ("哪部", "哪一部", "which", "movie", "film", "title"),
        d.pick(
            (f"是《{m.title_zh}》。", f"我说的是《{m.title_zh}》。", f"《{m.title_zh}》那部。"),
            (f"I mean {m.title_en}.", f"{m.title_en}, please.", f"The one called {m.title_en}."),
        ),
    )
    d.ask("which_movie", d.pick(*ASK_WHICH))
    return _two_together(ctx, d, st, seats, body, "which_movie")


@template("clar_tonight_midnight", "clarify")
def clar_tonight_midnight(ctx: Ctx) -> Task:
    """Just after midnight the user says "tonight": which evening is meant?"""
    user = draw_user(ctx)
    base = draw_now(ctx, day_offsets=(1, 2, 3))
    now = base.replace(hour=0, minute=ctx.rng.choice((5, 15, 30)))
    d = ctx.draft(user, now, difficulty="hard")
    pool = [
        s
        for s in open_showtimes(ctx, user, now, 1)
        if s.start.date() == now.date() and s.start.hour >= 19
    ]
    st = named_showing(ctx, ctx.choice(pool))
    seats = q.first_option(d.env, st.id, 2, TOGETHER)
    if seats is None:
        raise Skip("no seats")
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    clk = ph.short_clock(st.start, ctx.locale)
    body = ctx.t(
        f"买今晚{clk}{cinema_name(ctx, c)}的{movie_title(ctx, m)}，两张连座",
        f"get me two seats together for {movie_title(ctx, m)} at {cinema_name(ctx, c)} "
        f"tonight at {clk}",
    )
    d.fact(
        "date",
        (
            "哪天",
            "日期",
            "今天",
            "明天",
            "今晚",
            "晚上",
            "date",
            "which day",
            "today",
            "tonight",
            "evening",
        ),
        ph.day_answer(st.start.date(), ctx.locale, ctx.say),
    )
    today = ph.day_answer(now.date(), ctx.locale)
    d.ask(
        "date",
        d.pick(
            (f"现在已经过了零点，您说的“今晚”是指今天（{today}）晚上吗？",
             f"确认一下：“今晚”是{today}的晚上吗？", "已经过零点了，请问是哪天晚上的场次？"),
            (f"It's past midnight: by 'tonight' do you mean the evening of {today}?",
             f"Just to check, is 'tonight' the evening of {today}?",
             "It's after midnight now; which day's evening do you mean?"),
        ),
    )  # fmt: skip
    return _two_together(ctx, d, st, seats, body, "date")


@template("time_expired_hold", "time")
def time_expired_hold(ctx: Ctx) -> Task:
    """The user's hold ran out before the episode; the same seats must be booked again."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d0 = ctx.draft(user, now)
    st = ctx.choice(
        [s for s in open_showtimes(ctx, user, now) if s.start > now + timedelta(hours=3)]
    )
    seats = q.first_option(d0.env, st.id, 2, TOGETHER)
    if seats is None:
        raise Skip("no seats")
    at = now - timedelta(minutes=ctx.rng.choice((20, 30, 45)))
    seeded = SeedOrder(
        kind="movie", at=at, status="pending_payment", showtime_id=st.id, seats=seats,
        payment_method_id="",
    )  # fmt: skip
    d = ctx.draft(user, now, setup=Setup(orders=(seeded,)))
    m = ctx.world.movies[st.movie_id]
    body = ctx.t(
        f"我刚才锁了两张{movie_title(ctx, m)}的座，帮我付款吧",
        f"I put two seats for {movie_title(ctx, m)} on hold earlier, please go ahead and pay",
    )
    d.call("list_orders")
    pm_fact(d)
    buy_movie(d, st, seats, query=m.title_en, search=False)
    spec = movie_spec([st.id], 2, SeatRule(exact=seats))
    return purchase(d, ph.statement(ctx.say, ctx.locale, body), [spec], body)


# What the user can pin "the next showing" to: (covers, zh words, en words). A pin a blind
# agent cannot guess is what makes "the next one" a task: the next showing still on sale is
# the first row a search lists, so the answer is the next one of the kind the user wants,
# with another kind on sale before it.
Pin = tuple[Callable[[Showtime], bool], str, str]


def _next_pins() -> tuple[Pin, ...]:
    def of_format(fmt: str) -> Callable[[Showtime], bool]:
        return lambda st: st.format in FORMATS[fmt]

    def in_language(lang: str) -> Callable[[Showtime], bool]:
        return lambda st: st.language == lang

    formats = [(of_format(f), zh, en) for f, (zh, en) in FORMAT_WORDS.items()]
    languages = [(in_language(g), f"{zh}版", en) for g, (zh, en) in LANG_WORDS.items()]
    return (*formats, *languages)


NEXT_PINS = _next_pins()


@template("time_next_open", "time")
def time_next_open(ctx: Ctx) -> Task:
    """ "The next IMAX / original-language / ... showing" when the imminent one's online
    sales already closed: the earliest showing of that kind still on sale, with a showing of
    another kind on sale before it (so the next row on sale is not the answer)."""
    user = draw_user(ctx)
    base = draw_now(ctx)
    first = afternoon_showing(ctx, user, base)
    now = first.start - timedelta(minutes=max(1, first.sales_cutoff_min - 2))
    d = ctx.draft(user, now)
    upcoming = sorted(
        (
            s
            for s in ctx.world.showtimes_by_cinema[first.cinema_id]
            if s.movie_id == first.movie_id and s.start > now and q.sales_open(s, now)
        ),
        key=lambda s: (s.start, s.id),
    )
    pins = []
    for keep, zh, en in NEXT_PINS:
        kind = [s for s in upcoming if keep(s) and q.first_option(d.env, s.id, 1, SeatRule())]
        if kind and any(not keep(s) and s.start < kind[0].start for s in upcoming):
            pins.append((kind, zh, en))
    kind, zh, en = ctx.choice(pins)
    cands = [s for s in kind if s.start == kind[0].start]
    seats = q.first_option(d.env, cands[0].id, 1, SeatRule())
    assert seats is not None
    m = ctx.world.movies[first.movie_id]
    c = ctx.world.cinemas[first.cinema_id]
    body = ctx.t(
        f"买{cinema_name(ctx, c)}接下来最近的一场{zh}的{movie_title(ctx, m)}，1张",
        f"get me one ticket for the next {en} showing of {movie_title(ctx, m)} at "
        f"{cinema_name(ctx, c)} that I can still buy",
    )
    pm_fact(d)
    buy_movie(d, cands[0], seats, query=m.title_en)
    spec = movie_spec([s.id for s in cands], 1)
    opening = ph.politeness(ctx.say, ctx.locale, body)
    return purchase(d, opening, [spec], body, optimal="earliest")


@template("time_relative_evening", "time")
def time_relative_evening(ctx: Ctx) -> Task:
    """ "明晚" / "this Saturday evening": any showing of a movie at a cinema that evening
    (18:00 or later) on the day the relative phrase names."""
    user = draw_user(ctx)
    now = draw_now(ctx)
    d = ctx.draft(user, now)
    offset = ctx.rng.choice((1, 1, 2, 3, 4, 5))
    day = now.date() + timedelta(days=offset)
    if offset > 1 and day.weekday() <= now.weekday():
        raise Skip("the weekday would mean next week")
    evening = [
        s for s in open_showtimes(ctx, user, now, 7) if s.start.date() == day and s.start.hour >= 18
    ]
    anchor = ctx.choice(evening)
    cands = [
        s for s in evening if s.movie_id == anchor.movie_id and s.cinema_id == anchor.cinema_id
    ]
    count = ctx.rng.choice((1, 2, 2, 3))
    rule = SeatRule(together=count > 1)
    # every showing with seats of a type the spec accepts is an answer (one with only couple
    # seats left together too); the reference buys standard seats at one of them
    answers = [s for s in cands if q.seat_options(d.env, s.id, count, rule, GENERAL_SEATS, limit=1)]
    valid = [s for s in answers if q.seat_options(d.env, s.id, count, rule, limit=1)]
    if not valid:
        raise Skip("no seats that evening")
    st = ctx.choice(valid)
    seats = q.first_option(d.env, st.id, count, rule)
    assert seats is not None
    wd = day.weekday()
    if offset == 1:
        rel = ctx.t(
            ctx.pick(["明晚", "明天晚上"]), ctx.pick(["tomorrow evening", "tomorrow night"])
        )
    else:
        rel = ctx.t(f"这周{ph.ZH_WEEKDAY[wd]}晚上", f"this {ph.EN_WEEKDAY[wd]} evening")
    m = ctx.world.movies[st.movie_id]
    c = ctx.world.cinemas[st.cinema_id]
    n = ph.count_phrase(count, ctx.locale, ctx.say)
    together = ctx.t("连座", " together") if count > 1 else ""
    body = ctx.t(
        f"买{rel}{cinema_name(ctx, c)}的{movie_title(ctx, m)}，{n}{together}，"
        + ctx.pick(["几点都行", "几点的都可以"]),
        f"get me {n}{together} for {movie_title(ctx, m)} at {cinema_name(ctx, c)} {rel}, "
        + ctx.pick(["any time works", "any time is fine"]),
    )
    pm_fact(d)
    buy_movie(d, st, seats, query=m.title_en)
    spec = movie_spec([s.id for s in answers], count, rule)
    return purchase(d, ph.politeness(ctx.say, ctx.locale, body), [spec], body)


@template("time_starting_soon", "time")
def time_starting_soon(ctx: Ctx) -> Task:
    """A showing "starting shortly" that is still on sale (25-100 minutes past its sales
    cut-off), asked in the words of the closed-sales requests (`stated`); an earlier
    showing of the movie is still on sale, so it is not the first a blind agent tries."""
    return stated_purchase(ctx, soon=True)
