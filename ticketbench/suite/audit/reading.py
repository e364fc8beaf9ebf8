"""Reading a request the way its user means it: the audit's own parser of the openings.

`read_request` turns an opening (and, once asked, the user's hidden answers) into a
`Request`: what is wanted (buy, refund, exchange, a pickup code, paying a hold), one `Part`
per order with the named movie or event, cinema, day, clock or window, count, seat wish,
format, language, discount and optimum, and the budget. It knows the suite's bilingual
phrasing, not its templates: every value comes from the words and the world's names.

What the opening leaves open is listed in `Request.unknown` (a count, a day, which of two
movies an alias means, which evening "tonight" means after midnight); the audit compares
that with the task's clarification slots.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from ticketbench.env.models import Point, User
from ticketbench.env.world import World
from ticketbench.suite.audit.lexicon import Mention, find_mentions

Intent = Literal["purchase", "refund", "exchange", "pickup", "pay_hold"]
Optimum = Literal["cheapest", "nearest", "earliest", "next"]
Clock = tuple[int, int]

ZH_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
          "九": 9, "十": 10}  # fmt: skip
EN_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10}  # fmt: skip
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS_ZH = "一二三四五六日"
FORMAT_WORDS: tuple[tuple[str, str], ...] = (
    (r"IMAX", "IMAX"), (r"杜比|Dolby", "DOLBY"), (r"4DX", "4DX"), (r"3D", "3D"),
)  # fmt: skip
LANGUAGE_WORDS: tuple[tuple[str, str], ...] = (
    (r"英文原声|英语原声|original English|in English", "en"),
    (r"日语原声|日文原声|original Japanese|in Japanese", "ja"),
    (r"韩语原声|original Korean|in Korean", "ko"),
    (r"国语|普通话|Mandarin", "zh"),
)


def _num(text: str) -> int:
    t = text.strip().lower()
    if t.isdigit():
        return int(t)
    return ZH_NUM.get(t) or EN_NUM[t]


NUM = r"(\d+|[一两二三四五六七八九十]|one|two|three|four|five|six|seven|eight|nine|ten)"


@dataclass
class SeatWish:
    """What the user said about the seats."""

    together: bool = False
    centre: bool = False
    last_rows: int | None = None
    aisle: bool = False
    couple: bool = False
    wheelchair: bool = False
    row: int | None = None
    exact: tuple[str, ...] = ()
    standard_only: bool = False


@dataclass
class Part:
    """One order of a request, as the user described it."""

    target: Literal["movie", "event"] = "movie"
    movies: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    cinemas: frozenset[str] = frozenset()  # empty: any cinema of the city
    brand: str | None = None
    near: Point | None = None
    day: date | None = None
    day_ambiguous: bool = False  # "tonight" said after midnight
    clock: Clock | None = None
    after: Clock | None = None  # start at or after (inclusive)
    until: Clock | None = None  # start at or before (inclusive)
    soon: bool = False  # "starting shortly": the next start today
    count: int | None = None
    party: int | None = None  # how many people the words imply ("my partner and I": 2)
    seats: SeatWish = field(default_factory=SeatWish)
    formats: frozenset[str] = frozenset()
    language: str | None = None
    card_brand: str | None = None
    optimum: Optimum | None = None
    zones: frozenset[str] = frozenset()
    attendees: tuple[str, ...] = ()
    one_id_for_all: bool = False  # every ticket on one person's ID
    old_clock: Clock | None = None  # exchange: the showing the user holds


@dataclass
class Request:
    """A request as read: intent, parts, budget, and what the opening left open."""

    intent: Intent
    parts: list[Part]
    budget_fen: int | None = None
    joint_budget: bool = False
    unknown: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Phrase:
    """A recognised piece of the text: its kind, its value and where it stands."""

    kind: str
    value: object
    start: int
    end: int


class Text:
    """A request's text with names masked, and the phrases taken out of it so far."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        self.raw = text
        chars = list(text)
        for m in mentions:
            for i in range(m.start, m.end):
                chars[i] = "\x01"
        self.masked = "".join(chars)
        self.phrases: list[Phrase] = []

    def take(
        self, pattern: str, kind: str, value: Callable[[re.Match[str]], object], mask: bool = True
    ) -> None:
        """Record every match of `pattern` as a phrase; masked so later patterns skip it."""
        for m in list(re.finditer(pattern, self.masked, re.I)):
            v = value(m)
            if v is None:
                continue
            self.phrases.append(Phrase(kind, v, m.start(), m.end()))
            if mask:
                a, b = m.span()
                self.masked = self.masked[:a] + "\x02" * (b - a) + self.masked[b:]


# --- days and times --------------------------------------------------------------------


def _date_of(now: datetime, month: int, day: int) -> date | None:
    try:
        d = date(now.year, month, day)
    except ValueError:
        return None
    if d < now.date() - timedelta(days=60):  # December speaking of January
        d = date(now.year + 1, month, day)
    return d


def _weekday_date(now: datetime, wd: int) -> date:
    """The date of weekday `wd` in this week, or next week's if it has passed."""
    delta = (wd - now.weekday()) % 7
    return now.date() + timedelta(days=delta)


def _days(t: Text, now: datetime) -> None:
    today = now.date()

    def rel(n: int) -> Callable[[re.Match[str]], object]:
        return lambda m: today + timedelta(days=n)

    month_en = "|".join(MONTHS)
    short_en = "|".join(m[:3] for m in MONTHS)
    wd_en = "|".join(WEEKDAYS_EN)
    # absolute dates first (a weekday right before or after only restates them)
    t.take(
        rf"(?:(?:{wd_en}),\s*)?(?:on\s+)?({month_en})\s+(\d{{1,2}})\b",
        "day",
        lambda m: _date_of(now, MONTHS.index(m.group(1).lower()) + 1, int(m.group(2))),
    )
    t.take(
        rf"(?:on\s+)?(\d{{1,2}})\s+({short_en})\b\.?",
        "day",
        lambda m: _date_of(now, [x[:3] for x in MONTHS].index(m.group(2).lower()) + 1,
                           int(m.group(1))),
    )  # fmt: skip
    t.take(
        r"(\d{1,2})月(\d{1,2})[日号](?:[（(](?:周|星期)[一二三四五六日天][）)])?",
        "day",
        lambda m: _date_of(now, int(m.group(1)), int(m.group(2))),
    )
    t.take(r"昨天|yesterday", "past_day", rel(-1))
    t.take(r"今晚|tonight", "tonight", lambda m: today)
    t.take(r"明晚", "day_evening", rel(1))
    t.take(r"the day after tomorrow|后天", "day", rel(2))
    t.take(r"明天|tomorrow", "day", rel(1))
    t.take(r"今天|today", "day", rel(0))
    t.take(
        r"(?:这周|本周|这个星期|周|星期)([一二三四五六日天])",
        "day",
        lambda m: _weekday_date(now, WEEKDAYS_ZH.index(m.group(1).replace("天", "日"))),
    )
    t.take(
        rf"(?:this\s+|on\s+)?({wd_en})\b",
        "day",
        lambda m: _weekday_date(now, WEEKDAYS_EN.index(m.group(1).lower())),
    )


def _clock_zh(part: str | None, h: int, m: int, evening: bool) -> Clock | None:
    if part in ("下午", "晚上", "傍晚") or (evening and part is None):
        if h < 12:
            h += 12
    elif part == "中午" and h < 11:
        h += 12
    elif part in ("凌晨", "上午", "早上") and h == 12:
        h = 0
    return (h, m) if 0 <= h < 24 and 0 <= m < 60 else None


def _clock_en(h: int, m: int, ampm: str | None, evening: bool) -> Clock | None:
    ap = (ampm or "").lower()
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    elif not ap and evening and h < 12:
        h += 12
    return (h, m) if 0 <= h < 24 and 0 <= m < 60 else None


ZH_CLOCK = (
    r"(上午|中午|下午|晚上|傍晚|凌晨|早上)?\s*(\d{1,2})\s*点(?:(半)|(\d{1,2})(?![\d张个位])分?)?"
)
EN_CLOCK = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?"


def _zh_clock(m: re.Match[str], evening: bool, base: int = 1) -> Clock | None:
    part, h = m.group(base), int(m.group(base + 1))
    minute = 30 if m.group(base + 2) else int(m.group(base + 3) or 0)
    return _clock_zh(part, h, minute, evening)


def _evening_before(raw: str, pos: int) -> bool:
    """Whether an evening word stands right before position `pos` ("今晚", "night at ")."""
    before = raw[max(0, pos - 16) : pos]
    return (
        re.search(r"(今晚|明晚|晚上|夜里|tonight|night|evening)\s*(at\s*)?$", before, re.I)
        is not None
    )


def _times(t: Text) -> None:
    # windows: "晚上6点以后", "6pm or later", "下午2点到5点之间", "between 2pm and 5pm",
    # "中午12点以后", "noon or later"
    t.take(
        ZH_CLOCK + r"\s*(?:到|至|-|~)\s*" + r"(\d{1,2})\s*点(?:(半)|(\d{1,2})分?)?\s*之间",
        "window",
        lambda m: (
            _zh_clock(m, False),
            _clock_zh(m.group(1), int(m.group(5)), 30 if m.group(6) else int(m.group(7) or 0),
                      False),
        ),
    )  # fmt: skip
    t.take(
        r"between\s+" + EN_CLOCK + r"\s+and\s+" + EN_CLOCK,
        "window",
        lambda m: (
            _clock_en(int(m.group(1)), int(m.group(2) or 0), m.group(3) or m.group(6), False),
            _clock_en(int(m.group(4)), int(m.group(5) or 0), m.group(6), False),
        ),
    )
    t.take(ZH_CLOCK + r"\s*(?:以后|之后|后|以后开场)", "after", lambda m: _zh_clock(m, False))
    t.take(r"noon or later|中午以后", "after", lambda m: (12, 0))
    t.take(
        EN_CLOCK + r"\s+or\s+later",
        "after",
        lambda m: _clock_en(int(m.group(1)), int(m.group(2) or 0), m.group(3), False),
    )
    # a clock without a part of the day right after an evening word is in the evening:
    # "今晚7点半", "周五晚上7点15", "tonight at 9:10", "Friday night at 7:30"
    t.take(ZH_CLOCK, "clock", lambda m: _zh_clock(m, _evening_before(t.raw, m.start())))
    t.take(
        r"(\d{1,2}):(\d{2})\s*(am|pm)?",
        "clock",
        lambda m: _clock_en(int(m.group(1)), int(m.group(2)), m.group(3),
                            _evening_before(t.raw, m.start())),
    )  # fmt: skip
    t.take(
        r"\b(\d{1,2})\s*(am|pm)\b",
        "clock",
        lambda m: _clock_en(int(m.group(1)), 0, m.group(2), False),
    )
    t.take(
        r"(?<=\bat )(\d{1,2})\b(?![:\d])",
        "clock",
        lambda m: _clock_en(int(m.group(1)), 0, None, _evening_before(t.raw, m.start())),
    )
    t.take(r"\bat\s+noon\b|中午12点", "clock", lambda m: (12, 0))
    # a bare evening: "12月9日晚上的", "this Saturday evening", "明晚" (no clock): 18:00 on
    t.take(r"晚上|傍晚|evening|night", "evening", lambda m: (18, 0))
    t.take(r"马上要开场|马上开场|starting shortly|about to start", "soon", lambda m: True)


# --- the rest of a part ----------------------------------------------------------------


def _counts(t: Text) -> None:
    t.take(r"各\s*" + NUM + r"\s*张", "each_count", lambda m: _num(m.group(1)))
    t.take(r"多买\s*" + NUM + r"\s*张|one more|another ticket", "one_more",
           lambda m: _num(m.group(1)) if m.group(1) else 1)  # fmt: skip
    t.take(NUM + r"\s*张", "count", lambda m: _num(m.group(1)))
    t.take(r"\bmake it " + NUM, "count", lambda m: _num(m.group(1)))
    t.take(
        r"\b" + NUM + r"\s+of the cheapest tickets",
        "count",
        lambda m: _num(m.group(1)),
        mask=False,
    )
    t.take(
        r"\b" + NUM + r"\s+(?:[\x01\s]+\s)?(?:tickets?|seats?)\b|\b" + NUM + r"(?=\s+together)",
        "count",
        lambda m: _num(m.group(1) or m.group(2)),
    )
    t.take(r"我和爱人|我和老婆|我和老公|我们俩|我们两个|我和朋友|我跟朋友|for me and a friend|"
           r"the two of us|for us two|my partner and I|my partner and me|me and my partner",
           "party", lambda m: 2)  # fmt: skip
    t.take(r"我们\s*" + NUM + r"\s*个(?:人|大人)?|\b" + NUM + r" of us\b", "party",
           lambda m: _num(m.group(1) or m.group(2)))  # fmt: skip
    t.take(r"就我一个人|我自己|我一个人|\bjust me\b|\bjust for me\b|\bfor me\b", "party",
           lambda m: 1)  # fmt: skip


def _seat_words(t: Text) -> None:
    t.take(r"第\s*(\d{1,2})\s*排|\brow\s+(\d{1,2})\b", "row",
           lambda m: int(m.group(1) or m.group(2)))  # fmt: skip
    t.take(r"最后(\d+|[一两二三四五六])排|last\s+" + NUM + r"\s+rows", "last_rows",
           lambda m: _num(m.group(1) or m.group(2)))  # fmt: skip
    t.take(r"轮椅|wheelchair", "wheelchair", lambda m: True)
    t.take(r"情侣座|情侣位|couple seat|love seat", "couple", lambda m: True)
    t.take(r"过道|aisle", "aisle", lambda m: True)
    t.take(r"中间的(?:位置|座位)|中间位置|正中间|居中|影厅中间|middle of the (?:row|hall)|"
           r"cent(?:re|er) seats",
           "centre", lambda m: True)  # fmt: skip
    t.take(r"普通座|标准座|standard seats?", "standard", lambda m: True)
    t.take(
        r"挨着|一起|连座|连在一起|并排|together|side by side|next to each other",
        "together",
        lambda m: True,
    )


def _money(t: Text) -> None:
    joint = r"两单加起来|两单一共|both orders together|both orders"
    t.take(joint, "joint", lambda m: True)
    t.take(
        r"(?:不超过|别超过|不要超过|最多|不能超过|控制在|预算|within|no more than|at most|"
        r"up to|budget is|budget of)\s*"
        r"(?:¥|￥)?\s*(\d+)\s*(?:元|块|yuan|rmb)",
        "budget",
        lambda m: int(m.group(1)) * 100,
    )
    t.take(
        r"(\d+)\s*(?:元|块|yuan)\s*(?:以内|total at most|at most|or less|max)",
        "budget",
        lambda m: int(m.group(1)) * 100,
    )


def _const(value: object) -> Callable[[re.Match[str]], object]:
    return lambda m: value


def _wishes(t: Text) -> None:
    t.take(r"接下来最近的一场|下一场|the next\b|next showing", "optimum", lambda m: "next")
    t.take(r"最便宜|cheapest|最划算|saves? the most|lowest price", "optimum",
           lambda m: "cheapest")  # fmt: skip
    t.take(r"最早|earliest", "optimum", lambda m: "earliest")
    t.take(r"我家|my home|my place", "home", lambda m: True)
    t.take(r"最近|closest|nearest", "optimum", lambda m: "nearest")
    t.take(r"会员卡|member card|membership card", "card", lambda m: True)
    for pattern, fmt in FORMAT_WORDS:
        t.take(pattern, "format", _const(fmt))
    for pattern, lang in LANGUAGE_WORDS:
        t.take(pattern, "language", _const(lang))
    t.take(r"身份证|'s ID\b|ID card", "one_id", lambda m: True, mask=False)


def _intent(text: str) -> Intent:
    if re.search(r"退票|退掉|退款|退了|refund", text, re.I):
        return "refund"
    if re.search(r"改签|改到|move my|switch my|change my", text, re.I):
        return "exchange"
    if re.search(r"取票码|pickup code|pick-up code", text, re.I):
        return "pickup"
    if re.search(r"锁了|锁的座|on hold|held seats", text, re.I):
        return "pay_hold"
    return "purchase"


# --- parts ---------------------------------------------------------------------------------

SEPARATORS = r"[，,；;：:。！!？?～\n]|\band\b|\bthen\b"


def _clauses(masked: str) -> list[tuple[int, int]]:
    """Clauses between separators; in Chinese a space separates too ("买A 两张 连座")."""
    out: list[tuple[int, int]] = []
    start = 0
    chinese = re.search(r"[\u4e00-\u9fff]", masked) is not None
    pattern = SEPARATORS + (r"|\s+" if chinese else "")
    for m in re.finditer(pattern, masked, re.I):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(masked)))
    return [(a, b) for a, b in out if masked[a:b].strip()]


def _targets(mentions: Sequence[Mention]) -> list[Mention]:
    """Mentions of something to buy (a movie or an event), one per distinct thing."""
    out: list[Mention] = []
    for m in mentions:
        if m.ids("movie") or m.ids("event") or m.ids("performer"):
            if out and out[-1].names == m.names:
                continue
            out.append(m)
    return out


def _shared_clause(text: str) -> bool:
    return re.search(r"各|each|both|两单|一共|in total|加起来", text, re.I) is not None


def _assign(
    t: Text, mentions: Sequence[Mention], targets: Sequence[Mention]
) -> list[tuple[list[Phrase], list[Mention]]]:
    """Phrases and mentions of each part: a clause with a target belongs to its part, a
    clause after one to the part before it, and clauses before the first target or about
    every order ("各", "both") to all parts."""
    if len(targets) <= 1:
        return [(list(t.phrases), list(mentions))]
    clauses = _clauses(t.masked)
    owner: list[int | None] = []
    current: int | None = None
    for a, b in clauses:
        inside = [i for i, tg in enumerate(targets) if a <= tg.start < b]
        if inside:
            current = inside[0]
            owner.append(current)
        elif _shared_clause(t.raw[a:b]) or current is None:
            owner.append(None)
        else:
            owner.append(current)

    def where(pos: int) -> int | None:
        for (a, b), who in zip(clauses, owner, strict=True):
            if a <= pos < b:
                return who
        return None

    parts: list[tuple[list[Phrase], list[Mention]]] = [([], []) for _ in targets]
    for ph in t.phrases:
        who = where(ph.start)
        for i, (phs, _) in enumerate(parts):
            if who is None or who == i:
                phs.append(ph)
    for men in mentions:
        who = where(men.start)
        for i, (_, mens) in enumerate(parts):
            if who is None or who == i:
                mens.append(men)
    return parts


def _first(phrases: Sequence[Phrase], kind: str) -> object | None:
    for ph in phrases:
        if ph.kind == kind:
            return ph.value
    return None


def _all(phrases: Sequence[Phrase], kind: str) -> list[object]:
    return [ph.value for ph in phrases if ph.kind == kind]


def _part(
    world: World,
    user: User,
    now: datetime,
    phrases: Sequence[Phrase],
    mentions: Sequence[Mention],
    target: Mention | None,
) -> Part:
    p = Part()
    movies = frozenset().union(*(m.ids("movie") for m in mentions)) if mentions else frozenset()
    events = frozenset().union(*(m.ids("event") | m.ids("performer") for m in mentions))
    if target is not None:
        movies = target.ids("movie")
        events = target.ids("event") | target.ids("performer")
    p.target = "event" if events and not movies else "movie"
    p.movies, p.events = frozenset(movies), frozenset(events)
    p.cinemas = frozenset().union(*(m.ids("cinema") for m in mentions))
    brands = [b for m in mentions for b in m.ids("brand")]
    card = _first(phrases, "card") is not None
    if brands:
        if card:
            p.card_brand = brands[0]
        else:
            p.brand = brands[0]
    elif card and p.cinemas:
        p.card_brand = world.cinemas[sorted(p.cinemas)[0]].brand_en
    landmarks = [lm for m in mentions for lm in m.ids("landmark")]
    if landmarks:
        lm = next(x for x in world.cities[user.city_id].landmarks if x.id == landmarks[0])
        p.near = lm.location
    elif _first(phrases, "home"):
        p.near = user.home
    # the day
    days = [v for v in _all(phrases, "day") if isinstance(v, date)]
    evening_days = [v for v in _all(phrases, "day_evening") if isinstance(v, date)]
    tonight = _first(phrases, "tonight")
    if days:
        p.day = days[0]
    elif evening_days:
        p.day = evening_days[0]
    elif isinstance(tonight, date):
        p.day = tonight
        p.day_ambiguous = now.hour < 5  # after midnight, "tonight" may mean either evening
    evening = bool(evening_days) or tonight is not None or _first(phrases, "evening") is not None
    clocks = [v for v in _all(phrases, "clock") if isinstance(v, tuple)]
    if clocks:
        p.clock = clocks[0]
        if len(clocks) > 1:
            p.old_clock, p.clock = clocks[0], clocks[1]
    window = _first(phrases, "window")
    if isinstance(window, tuple):
        p.after, p.until = window
    after = _first(phrases, "after")
    if isinstance(after, tuple):
        p.after = after
    if p.clock is None and p.after is None and evening:
        p.after = (18, 0)
    p.soon = _first(phrases, "soon") is not None
    if p.soon and p.day is None:
        p.day = now.date()
    # how many
    each = _first(phrases, "each_count")
    counts = [v for v in _all(phrases, "count") if isinstance(v, int)]
    more = _first(phrases, "one_more")
    if isinstance(each, int):
        p.count = each
    elif counts:
        p.count = counts[0]
    elif isinstance(more, int):
        p.count = more
    party = _first(phrases, "party")
    p.party = party if isinstance(party, int) else None
    # seats
    w = p.seats
    w.exact = tuple(str(v) for v in _all(phrases, "seat_id"))
    row = _first(phrases, "row")
    w.row = row if isinstance(row, int) else None
    last = _first(phrases, "last_rows")
    w.last_rows = last if isinstance(last, int) else None
    w.wheelchair = _first(phrases, "wheelchair") is not None
    w.couple = _first(phrases, "couple") is not None
    w.aisle = _first(phrases, "aisle") is not None
    w.centre = _first(phrases, "centre") is not None
    w.standard_only = _first(phrases, "standard") is not None
    w.together = _first(phrases, "together") is not None
    # format, language, optimum
    p.formats = frozenset(str(v) for v in _all(phrases, "format"))
    lang = _first(phrases, "language")
    p.language = lang if isinstance(lang, str) else None
    optimum = _first(phrases, "optimum")
    p.optimum = optimum if optimum in ("cheapest", "nearest", "earliest", "next") else None
    # events: zones and attendees
    p.zones = frozenset().union(*(m.ids("zone") for m in mentions))
    p.attendees = tuple(a for m in mentions for a in sorted(m.ids("attendee")))
    p.one_id_for_all = _first(phrases, "one_id") is not None and len(set(p.attendees)) == 1
    return p


PARTIAL_TITLE = (
    r"名字里有[“\"「](?P<zh>[^”\"」]+)[”\"」]的(?:那部)?(?:电影|片子)?"
    r"|the (?:movie|film) with [\"“](?P<en>[^\"”]+)[\"”] in (?:the|its) (?:title|name)"
)


def _partial_titles(world: World, text: str, mentions: list[Mention]) -> list[Mention]:
    """ "名字里有“长安”的那部电影" / 'the movie with "Panda" in the title': every movie whose
    title holds the word (a half-remembered title names all of them)."""
    out = list(mentions)
    for m in re.finditer(PARTIAL_TITLE, text, re.I):
        word = (m.group("zh") or m.group("en") or "").strip()
        if m.group("zh"):
            ids = {x.id for x in world.data.movies if word in x.title_zh}
        else:
            ids = {x.id for x in world.data.movies if word.lower() in x.title_en.lower()}
        if not ids:
            continue
        out = [x for x in out if x.end <= m.start() or x.start >= m.end()]
        out.append(Mention({"movie": frozenset(ids)}, m.start(), m.end(), m.group(0)))
    return sorted(out, key=lambda x: x.start)


def scan(world: World, user: User, now: datetime, opening: str) -> tuple[Text, list[Mention]]:
    """The phrases (days, clocks, counts, seats, money, wishes) and the names of a text,
    each with its place in the text."""
    mentions = find_mentions(world, user, opening)
    if any(m.ids("event") or m.ids("performer") for m in mentions):  # zone names only then
        mentions = find_mentions(world, user, opening, zones=True)
    mentions = _partial_titles(world, opening, mentions)
    t = Text(opening, mentions)
    _days(t, now)
    _times(t)
    _money(t)
    t.take(r"(\d{1,2}-\d{1,2})", "seat_id", lambda m: m.group(1))
    _counts(t)
    _seat_words(t)
    _wishes(t)
    t.phrases.sort(key=lambda ph: ph.start)
    return t, mentions


def read_request(world: World, user: User, now: datetime, opening: str) -> Request:
    """Read an opening into a `Request` (see the module docstring)."""
    t, mentions = scan(world, user, now, opening)
    intent = _intent(opening)
    targets = _targets(mentions)
    groups = _assign(t, mentions, targets)
    parts = [
        _part(world, user, now, phs, mens, targets[i] if len(targets) > 1 else None)
        for i, (phs, mens) in enumerate(groups)
    ]
    budgets = [ph.value for ph in t.phrases if ph.kind == "budget" and isinstance(ph.value, int)]
    req = Request(
        intent=intent,
        parts=parts,
        budget_fen=budgets[0] if budgets else None,
        joint_budget=any(ph.kind == "joint" for ph in t.phrases),
    )
    req.unknown = open_slots(req)
    return req


def open_slots(req: Request) -> set[str]:
    """Slots a purchase request leaves open: the agent must ask before buying."""
    if req.intent != "purchase":
        return set()
    out: set[str] = set()
    for p in req.parts:
        if (p.target == "movie" and len(p.movies) > 1) or (p.movies and p.events):
            out.add("which_movie")
        if p.target == "event" and len(p.events) > 1:
            out.add("which_event")
        if p.count is None and not p.attendees:
            out.add("count")
        if (p.day is None and p.optimum != "next") or p.day_ambiguous:
            out.add("date")
    return out


def apply_answer(world: World, user: User, now: datetime, req: Request, answer: str) -> None:
    """Fill what the opening left open with one of the user's answers (said when asked)."""
    got = read_request(world, user, now, answer)
    if not got.parts:
        return
    a = got.parts[0]
    if a.count is None and a.party is not None:  # "我们三个人" / "Three of us" / "Just me"
        a.count = a.party
    for p in req.parts:
        if a.movies and len(p.movies) != 1:
            p.movies = p.movies & a.movies if p.movies & a.movies else a.movies
        if a.events and len(p.events) != 1:
            p.events = p.events & a.events if p.events & a.events else a.events
        if a.count is not None and p.count is None:
            p.count = a.count
        if a.day is not None and (p.day is None or p.day_ambiguous):
            p.day, p.day_ambiguous = a.day, False
        if a.attendees and not p.attendees:
            p.attendees = a.attendees
        if a.seats.together:
            p.seats.together = True
    if got.budget_fen is not None and req.budget_fen is None:
        req.budget_fen = got.budget_fen
