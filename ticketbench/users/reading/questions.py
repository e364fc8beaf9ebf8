"""How one question sentence is read: whether a sentence asks (`is_question`), which slots
it names, clause by clause (`slots_of`), whether a yes/no question asks to go ahead or asks
a fact (`goes_ahead`), and what a bare "which one?" picks (`option_slot`).

Sentences are `text.clean` output cut by `text.sentences`; `rules.read_by_rules` reads a
whole message with these, sentence by sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ticketbench.users.reading import lexicon as lx
from ticketbench.users.reading.text import is_chinese

QMARK = re.compile(r"[?？]\s*$")
_VAGUE = re.compile(
    r"^(?:that|this|the other|the first|the second)(?: one)?$|^(?:那|这)(?:个|部|场|家|一个)?$"
)
QUOTED = re.compile(r"(《|\")([^》\"]*)(》|\")")


def is_question(s: str) -> bool:
    """Does the sentence ask? With a question mark it does; without one (chat style: "哪天",
    "which day") only when short or addressed to the user, so that a statement listing
    question words ("Which day, how many: all handled, order paid.") asks nothing."""
    if QMARK.search(s):
        return True
    if _FREE_RELATIVE.match(s):  # "what's left are all singles."
        return False
    if lx.REQUEST.search(s):  # "Please send me the date.", "把观演人姓名发给我。"
        return True
    if FIELD_LINE.match(s):  # "Date: 15 Dec"
        return False
    zh = is_chinese(s)
    if _INTRO.search(s) and not (lx.WH_ZH if zh else lx.WH_EN).search(s):  # "找到三场："
        return False
    if lx.INTENT.search(s):  # "let me find which cinemas are near you."
        return False
    # "座位是想靠中间还是靠边一点", "And front or back seats", "How many people, and any
    # seating requests": an either-or or a wh-question left open at the end asks
    unstopped = not _STOP.search(s)
    if unstopped and (lx.ALTERNATIVE.search(s) or (not zh and _WH_OPENING.match(s))):
        return True
    if not (lx.QUESTION_ZH if zh else lx.QUESTION_EN).search(s):
        return False
    short = len(s) <= 12 if zh else len(s.split()) <= 6
    return short or lx.ADDRESSED.search(s) is not None


def slots_of(q: str) -> list[str]:
    """Slots a question sentence names, clause by clause ("do you want VIP seats, and is
    there a price limit?" asks two things)."""
    out: list[str] = []
    clauses = _QUESTION_JOIN.split(q)
    for part in clauses:
        out += [s for s in _clause_slots(part) if s not in out]
    if "place" in out and lx.WEAK_SLOT_CUES["seat_pref"].search(q):
        out[out.index("place")] = "seat_pref"  # "how many seats, and any preference on where?"
    out = list(dict.fromkeys(out))
    # clauses asking apart ("which tier, and is there a max?") keep their slots apart
    return _refine(out) if len(clauses) == 1 else out


# Where one question ends and the next begins inside a sentence.
_QUESTION_JOIN = re.compile(
    r"[,，;；]\s*(?:and |also |plus )?(?=(?:do|does|is|are|would|will|how|what|which|when|where|who"
    r"|any|can|could|should)\b)|[,，;；]\s*(?:以及|另外|还有|还要|再)"
)


def bare_pick(q: str) -> bool:
    """Does a clause of the question pick one of something it does not name ("which would
    you prefer, and how many tickets?")? Its slot is then what the message lists."""
    clauses = _QUESTION_JOIN.split(q)
    return len(clauses) > 1 and any(lx.CHOOSE.search(c) and not _clause_slots(c) for c in clauses)


def _clause_slots(q: str) -> list[str]:
    """Slots one question names: its strong cues, else its weak ones. A question offering
    an extra names what to see, when and where only as its setting ("snacks for the
    movie?", "parking near the venue?"); what it asks of the order it still asks ("the
    order ID from the receipt?")."""
    slots = _cued_slots(q)
    if lx.EXTRAS.search(q):
        return [s for s in slots if s not in _SETTING]
    return slots


# What an offer of an extra names as its setting, not as a question.
_SETTING = frozenset({"which_movie", "which_event", "date", "time", "session", "cinema", "place"})


# "哪一场演出", "which performance": a showing of the event, not which event.
_PERFORMANCE = re.compile(r"哪一场演出|which (?:performance|showing)")


def _cued_slots(q: str) -> list[str]:
    """Slots one question names by the lexicon's cues: its strong cues, else its weak ones."""
    strong = [slot for slot, rx in lx.SLOT_CUES.items() if rx.search(q)]
    if "count" in strong and "attendees" in strong and lx.WHO_EACH.search(q):
        strong.remove("count")
    if {"payment", "discount"} <= set(strong) and not lx.SLOT_CUES["discount"].search(
        _MEMBER_CARD.sub(" ", q)
    ):
        strong.remove("discount")  # "pay with your member card?": how to pay
    if {"budget", "discount"} <= set(strong) and not lx.SLOT_CUES["budget"].search(
        _DISCOUNT_PRICE.sub(" ", q)
    ):
        strong.remove("budget")  # "the member price?", "学生价吗？": which discount
    named = TITLE_NAME.search(q) and set(strong) <= {"which_movie", "which_event"}
    titles = lx.ALTERNATIVE.search(q) and "which_movie" in strong  # "《A》还是别的演出"
    telling_apart = lx.DISAMBIGUATION.search(q) or titles or named  # "演出的全称？"
    event = lx.EVENT_NOUN.search(q) or (named and re.search(r"\bshow\b", q))
    if event and telling_apart and not MOVIE_NOUN.search(q) and not _PERFORMANCE.search(q):
        # "do you mean the Friday jazz concert or the Saturday one?", "是音乐剧《星海迷航》还是别的
        # 演出？": the days and the titles tell events apart
        strong = [s for s in strong if s not in _EVENT_DETAILS and s != "which_movie"]
        strong.append("which_event")
    if named and not strong and MOVIE_NOUN.search(q):
        strong = ["which_movie"]  # "电影的全称？"
    if {"date", "time"} <= set(strong) and not (_DAY_ASKED.search(q) or lx.ALTERNATIVE.search(q)):
        strong.remove("date")  # "what time tonight?": the day is said, the time asked
    if {"date", "session"} <= set(strong) and not (
        _DAY_ASKED.search(q) or lx.ALTERNATIVE.search(q)
    ):
        strong.remove("date")  # "which of Saturday's performances?": the day is said
    if strong:
        return _refine(strong)
    return [slot for slot, rx in lx.WEAK_SLOT_CUES.items() if rx.search(q)]


# The name of what to see ("演出的全称", "the full name of the show").
TITLE_NAME = re.compile(r"全称|全名|名称|名字|full name|exact name|\bthe name\b|\btitle\b")
# A question after the day itself.
_DAY_ASKED = lx.rx(
    r"哪天|哪一天|几号|日期|星期几|周几|礼拜几|什么时候|哪个周|哪晚|哪个晚上",
    r"which (?:day|date|night|evening)|what (?:day|date)|\bwhen\b|\bdate\b|day and time",
)
_FREE_RELATIVE = re.compile(r"^(?:what's|what is|what was) (?:left|available|remaining|free)\b")
_MEMBER_CARD = re.compile(r"会员卡|member card")
# A price that is a discount's ("member price", "学生价"): names the discount, not a budget.
_DISCOUNT_PRICE = re.compile(
    r"会员价|学生价|优惠价|折扣价|特价|(?:member|student|senior|discount(?:ed)?|concession|child"
    r"|group)s?'? (?:price|rate|ticket)s?"
)
MOVIE_NOUN = re.compile(r"电影|影片|片子|\bmovies?\b|\bfilms?\b")
_EVENT_DETAILS = frozenset({"date", "time", "session", "zone", "place", "cinema"})


# What a live event is called, beside `lexicon.EVENT_NOUN`: its kinds, its performers and
# its places ("the NBA game", "the Arctic Monkeys gig", "总决赛", "录制现场", "any artist?").
_LIVE_EVENT = re.compile(
    r"演唱会|音乐会|演出|话剧|音乐剧|脱口秀|专场|比赛|球赛|芭蕾|歌剧|相声|livehouse|乐队|巡演|决赛|录制|歌手"
    r"|艺人|剧|体育馆|体育场|看台|内场|\bconcerts?\b|\bgigs?\b|\bmusicals?\b|\bgames?\b"
    r"|\bmatch\b|\bartists?\b|\bbands?\b|\bsingers?\b|\btour\b|\bstadium\b|\barena\b"
    r"|\bplays?\b|\bballet\b|\bopera\b|\bstand-up\b|\bfestival\b|\bshows\b"
)
_FILM_TALK = re.compile(
    r"电影|影片|片子|影院|影城|电影院|imax|3d|杜比|\bmovies?\b|\bfilms?\b|\bcinemas?\b"
    r"|\bscreenings?\b|\bshowtimes?\b|dolby|\bsequel\b"
)


def live_event_talk(cleaned: str) -> bool:
    """Is the message about live events and not about films? Then a title asked for is an
    event's."""
    return _LIVE_EVENT.search(cleaned) is not None and _FILM_TALK.search(cleaned) is None


def _refine(slots: list[str]) -> list[str]:
    """Drop a slot a more specific one explains: "哪家影院" is not also a place question,
    "where would you like to sit?" not one either, "which concert" not a session one."""
    out = list(slots)
    for general, specific in (
        ("place", "cinema"),
        ("place", "seat_pref"),
        ("place", "zone"),
        ("session", "which_event"),
        ("session", "date"),
        ("session", "time"),
        ("budget", "zone"),
        ("date", "order"),  # "the one for Friday or the one for Sunday?" tells orders apart
        ("time", "order"),
        ("session", "order"),
        ("count", "order"),
        ("place", "order"),  # "where did you buy it?"
    ):
        if general in out and specific in out:
            out.remove(general)
    return out


_STOP = re.compile(r"[。.!！]\s*$")
_WH_OPENING = re.compile(
    r"^(?:(?:and|also|plus|so|ok|okay|then|now|got it|sure|great|alright|right|cool|hey|hi),? )"
    r"{0,3}"
    r"(?:roughly |about |just )?"
    r"(?:which|what|when|where|who|whom|whose|how)\b"
)
# A line introducing what follows ("Here are the options:"), and a filled-in field of a
# form or summary ("Date: 15 Dec"): both state, whatever words they carry.
_INTRO = re.compile(r"[:：]\s*$")
FIELD_LINE = re.compile(r"^\W*(?:[^\s:：?？]{1,12}\s?){1,3}(?<!\d)[:：]\s*[^\s?？][^?？]*$")

_CLAUSE = re.compile(r"[,，、~～]|\s[-—–]+\s|——")
_ALT_START = re.compile(r"^\s*(?:还是|或者|or\b)")


def asking_part(s: str) -> str:
    """The clauses of a question sentence that ask: the last clause, every clause with a
    question word, and a clause an alternative continues ("就您自己去，还是有朋友一起？")."""
    clauses = [c for c in _CLAUSE.split(s) if c.strip()]
    if len(clauses) < 2:
        return s
    keep = [False] * len(clauses)
    keep[-1] = True
    for n, c in enumerate(clauses):
        if is_question(c) or lx.WH_ZH.search(c) or lx.WH_EN.search(c) or lx.REQUEST.search(c):
            keep[n] = True
        if n and _ALT_START.search(c):
            keep[n] = keep[n - 1] = True
    kept = "，".join(c for c, k in zip(clauses, keep, strict=True) if k)
    return kept if _cued(kept) else s  # "buy these two, then?": the cue is further back


def _cued(q: str) -> bool:
    """Does the text carry anything a reading turns on (a slot, a go-ahead, a choice)?"""
    return any(
        rx.search(q)
        for rx in (lx.WH_ZH, lx.WH_EN, lx.GO_AHEAD, lx.ACCEPT, lx.ACTION, lx.REQUEST,
                   lx.DISAMBIGUATION, *lx.SLOT_CUES.values())
    )  # fmt: skip


def _content(slots: list[str]) -> bool:
    """Do the slots name what to buy (not only how: seats, payment, budget, ...)?"""
    return any(s not in lx.PREFERENCE_SLOTS for s in slots)


def goes_ahead(q: str, slots: list[str]) -> bool:
    """A yes/no question with a go-ahead word: does it ask to go ahead, or ask a fact?

    Acting ("shall I book the 8 pm one?") and accepting what to buy ("is the 8 pm one
    okay?") go ahead; "is it for tonight?" verifies the date, and "is an aisle seat okay
    for you?" asks a preference.
    """
    if lx.ACTION.search(lx.SLOT_NOUNS.sub(" ", q)):
        # "should I apply a coupon?" asks the preference; "shall I pay with it?" goes ahead
        # "should I apply a coupon?", "需要帮您预留轮椅位吗？" ask the preference; "shall I pay
        # with it?", "shall I book the aisle seats?", "shall I hold these two?" go ahead
        asks_how = set(slots) <= lx.PREFERENCE_SLOTS - {"payment", "budget"}
        particular = _PARTICULAR.search(q) if "seat_pref" in slots else None
        return not slots or not asks_how or (lx.TRANSACTION.search(q) or particular) is not None
    if lx.ACCEPT.search(q):
        if slots and set(slots) <= {"date", "time"} and not _showing_named(q):
            return False  # "明天可以吗？", "is an evening show okay?": asks the day, the time
        return not slots or _content(slots)
    return not slots


# A time given roughly ("三点左右", "around 3"): a part of the day, not a showing.
_ROUGHLY = re.compile(r"左右|前后|大概|\baround\b|(?<!how )(?<!what )\babout\b|-ish\b|\broughly\b")


def _showing_named(q: str) -> bool:
    """Does a yes/no question name a showing ("8点那场", "the 19:30 one"), not a day or a
    rough time ("明天下午三点左右可以不？" asks the time)?"""
    if _ROUGHLY.search(q):
        q = re.sub(lx.CLOCK, " ", q)
    return lx.SPECIFIC.search(q) is not None


# Particular seats, not a kind of seat: "these two", "那两个", "row 10", "7排".
_PARTICULAR = re.compile(r"\bth(?:ese|ose|em)\b|[这那](?:两|几|些|个)|\d|[一二三四五六七八九十]+排")


def option_slot(text: str, items: Sequence[str] = ()) -> list[str]:
    """What kind of thing a bare "which one?" picks: the kind the listed items (else the
    text) name most; items that each name a day and a time are showings (sessions)."""
    where = "\n".join(items) if items else text
    counts = {slot: len(rx.findall(where)) for slot, rx in lx.OPTION_SLOT_CUES}
    if (
        items
        and counts["time"] >= len(items)
        and (counts["date"] >= len(items) or all(lx.SHOWING_DETAIL.search(x) for x in items))
    ):
        return ["session"]  # each item a showing: a day and a time, or a time with its hall
    best = max(counts.values(), default=0)
    if best == 0:
        return []
    return [next(slot for slot, n in counts.items() if n == best)]


def unquote(m: re.Match[str]) -> str:
    """A quoted title stands for a title; a quoted day word ("“今晚”") stays a day word."""
    inner = m.group(2)
    if lx.SLOT_CUES["date"].search(inner) or lx.SLOT_CUES["time"].search(inner):
        return inner
    if lx.EVENT_NOUN.search(inner) and re.search(r"^(?:那|这|that|this|the)", inner.strip()):
        return inner  # 'which one do you mean by "that musical"?': a kind of event
    if _VAGUE.match(inner.strip()):
        return "it"  # 'what do you mean by "that one"?': the user's own words, no title
    return m.group(1) + m.group(3)
