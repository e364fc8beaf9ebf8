"""The phrases of a request's text: days, clock times and windows, counts, seats, money and
wishes, each with its kind, value and place, beside the world's names it mentions.

`scan` is what the audit's request reader (`reading`) and the simulated user (what its
opening said, what a proposal names) both read a text with. It knows the suite's bilingual
phrasing, not its templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ticketbench.env.models import User
from ticketbench.env.world import World
from ticketbench.suite.audit.lexicon import Mention, find_mentions

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
