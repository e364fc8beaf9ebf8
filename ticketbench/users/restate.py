"""A question about what the user already said: which slots it asks again, and the answer.

A person asked for something their request already said answers in the words they used
("我刚才说过了呀：本周二17:25百老汇影城…", "Like I said: tonight at 9:45"), not with the
service's record and not rewritten slot by slot. So the user answers such a question with
the clauses of its opening that hold the asked slots: the answer tells the agent nothing a
reading of the opening would not (the red team's `AskGuess` asked "which day and time, how
many tickets, full title?" of every request and read the answer, the slots split apart and
easier to parse than the opening: 7 zh wins of its 22 over `Guess` on dev, suite 2.5.0).

Scoring holds such a question against the agent (`asked_what_was_said`, a failing
violation): asking about a slot the opening stated is what an agent that did not read the
request does, and a blind question about one slot ("Which day?") would otherwise pass the
clarify rule wherever that slot is the one missing, at no cost where it is not.

A slot is asked again when all hold:
- the message is a question for information (`read(...).act == "ask"`, not a go-ahead, no
  link) whose slots (`read(...).slots`) include it;
- the opening states it exactly: a day ("本周二", "tonight", "December 11"), a clock, a
  count, a budget, a format or language, one movie, event or cinema by name. A vaguer word
  ("evening", "马上开场", "Wanda" where the city has several, "我和爱人" for a count)
  leaves a question open;
- the user holds no hidden answer of that slot (`Task.knowledge`: "tonight" after midnight
  is a day the task means to be asked);
- a question sentence asks for it ("哪天", "几张", "which cinema", "the full title", "just
  you, or is someone coming along?") and the message does not read its value back in the
  agent's own words ("When you say tonight, do you mean December 8?" does). A slot the
  reader finds by a value alone, or by a word it over-reads ("finish it in the app
  yourself?" is no count question), is not asked for. A read-back asks nothing again:
  "本周五15:45的《深海回声》，您要几张？" asks only the count, though it copies the
  user's words. Copying the whole request out before asking for every slot ("您说的是：
  <opening>。哪天几点、几张、全名？") reads nothing back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from ticketbench.env.world import World
from ticketbench.suite.audit.lexicon import Kind
from ticketbench.suite.audit.phrases import scan
from ticketbench.suite.spec import Task
from ticketbench.suite.textmatch import echo_free, own_spans
from ticketbench.users.reading.text import clean, sentences
from ticketbench.users.understand import read

# Phrase kinds of the audit's parser that state a slot exactly, by slot.
_EXACT = {
    "day": "date",
    "tonight": "date",
    "day_evening": "date",
    "clock": "time",
    "count": "count",
    "each_count": "count",
    "budget": "budget",
    "format": "format",
    "language": "format",
}
_NAMES: dict[Kind, str] = {"movie": "which_movie", "event": "which_event", "cinema": "cinema"}

_ISO_DAY = re.compile(r"\b(20\d\d)[-/](\d{1,2})[-/](\d{1,2})\b")


@dataclass(frozen=True, slots=True)
class Stated:
    """One value a text gives a slot, and where it stands. `value`: a date, a clock, a
    count, fen, a format or language, or the ids a name may mean (a brand: its cinemas)."""

    slot: str
    value: object
    start: int
    end: int

    @property
    def exact(self) -> bool:
        """Does it pin the slot (a name meaning one thing, any other phrase)?"""
        return not isinstance(self.value, frozenset) or len(self.value) == 1

    def agrees(self, other: Stated) -> bool:
        """Do the two name the same value? Clocks agree on the 12-hour dial ("9:45"
        read back for "今晚9点45"); names when they may mean the same thing."""
        if self.slot != other.slot:
            return False
        a, b = self.value, other.value
        if isinstance(a, frozenset) and isinstance(b, frozenset):
            return bool(a & b)
        if self.slot == "time" and isinstance(a, tuple) and isinstance(b, tuple):
            return (a[0] % 12, a[1]) == (b[0] % 12, b[1])
        return a == b


@lru_cache(maxsize=4096)  # an opening is read at every question and again by scoring
def stated(world: World, user_id: str, now: datetime, text: str) -> tuple[Stated, ...]:
    """The slot values `text` gives (by the audit's parser, names by the world's), in order."""
    user = world.users.get(user_id)
    if user is None:
        return ()
    parsed, mentions = scan(world, user, now, text)
    out = [
        Stated(_EXACT[ph.kind], ph.value, *_trimmed(text, ph.start, ph.end))
        for ph in parsed.phrases
        if ph.kind in _EXACT
    ]
    for iso in _ISO_DAY.finditer(text):  # how tools and agents write a day: "2026-12-28"
        try:
            day = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            continue
        out.append(Stated("date", day, iso.start(), iso.end()))
    for m in mentions:
        for kind, slot in _NAMES.items():
            if m.ids(kind):
                out.append(Stated(slot, m.ids(kind), m.start, m.end))
                break
        else:
            if m.ids("brand"):
                brands = m.ids("brand")
                cinemas = frozenset(
                    c.id
                    for c in world.cinemas_by_city.get(user.city_id, ())
                    if c.brand_en in brands
                )
                out.append(Stated("cinema", cinemas, m.start, m.end))
    return tuple(sorted(out, key=lambda s: s.start))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A phrase's place without the spaces its pattern took around it ("18:00 ")."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def reasked(task: Task, world: World, message: str) -> tuple[str, ...]:
    """The slots `message` asks the user again though its opening stated them (see the
    module docstring); () when it asks nothing of the kind."""
    reading = read(message)
    if reading.act != "ask" or not reading.slots or reading.links:
        return ()  # a message with a link navigates: the user opens it, it answers nothing
    stated_exactly = exactly_stated(task, world)
    open_slots = [
        s for s in reading.slots if s in _ASKED_FOR and any(x.slot == s for x in stated_exactly)
    ]
    if not open_slots:
        return ()
    named = stated(world, task.user_id, task.now, message)
    # what the agent wrote itself, place for place with `message` (units are compared in
    # lower case; the rare character whose lower case is longer stays as written)
    text = message.lower() if len(message.lower()) == len(message) else message
    free = echo_free(text, [task.opening])
    parts = sentences(clean(message))
    # the question sentences; a message asking without a question mark ("how many of you
    # are going", "需要订几个座位呢") is all question
    questions = [q for q in parts if _QMARK.search(q)] or parts
    out = []
    for slot in open_slots:
        said = [x for x in stated_exactly if x.slot == slot]
        if not any(_ASKED_FOR[slot].search(q) for q in questions):
            continue  # named, not asked for (or a word the reader over-read: "yourself")
        agreeing = [(n.start, n.end) for n in named if any(n.agrees(x) for x in said)]
        if not own_spans(text, agreeing, free):
            out.append(slot)
    return tuple(out)


def exactly_stated(task: Task, world: World) -> list[Stated]:
    """What the opening states exactly, of slots the user holds no hidden answer of."""
    held = {f.slot for f in task.knowledge}
    return [
        s
        for s in stated(world, task.user_id, task.now, task.opening)
        if s.exact and s.slot not in held
    ]


_QMARK = re.compile(r"[?？]\s*$")
# A question word asking for the slot itself (not a value naming it: "今晚" is no question).
_ASKED_FOR: dict[str, re.Pattern[str]] = {
    slot: re.compile("|".join(words), re.I)
    for slot, words in {
        "date": (
            r"哪天|哪一天|哪日|哪号|几号|几月几|日期|星期几|周几|礼拜几|什么时候|啥时候|哪个周|哪个星期",
            r"哪晚|哪一晚|哪个晚上|哪个日子|改天|别的日子|其他日子|另一天",
            r"which (?:day|date|evening|night)|what (?:day|date)|\bwhen\b|\bdates?\b",
            r"(?:another|other|different|particular|specific) day|day and time",
        ),
        "time": (
            r"几点|什么时间|啥时间|哪个时间|哪个点|开场时间|时间是|哪一场|哪场|\bwhen\b|showtime",
            r"(?:what|which|start|show|preferred|convenient|the|and) ?time\b|time slot",
            r"which (?:showing|screening|session)|\bhours?\b",
        ),
        "count": (
            r"几张|几位|几个人|几人|多少人|多少张|多少位|多少个|几个座|人数|张数|票数",
            r"[买要订]几(?![点号])|自己去|自己看|就您自己|就你自己|一个人还是|有朋友|有人一起|几个人",
            r"how many|number of (?:tickets|people|seats)|quantity|party size|head ?count",
            r"just (?:you|yourself)\b|coming along|joining you|(?:anyone|someone) (?:else|with)",
        ),
        "which_movie": (
            r"哪部|哪一部|什么电影|什么片|哪个电影(?!院)|哪个片|片名|电影名|全名|全称|名字|叫什么",
            r"不止一部|另一部|别的片",
            r"which (?:movie|film|one)|what (?:movie|film)|\btitle\b|(?:full|exact|official) name",
            r"(?:a )?different (?:one|movie|film)",
        ),
        "which_event": (
            r"哪个演出|什么演出|哪场演出|哪个活动|什么活动|全名|全称|名字|叫什么",
            r"which (?:show|event|concert|game|one)|what (?:show|event|concert|game)|\btitle\b",
            r"(?:full|exact|official) name",
        ),
        "cinema": (
            r"哪家|哪个影院|哪个影城|什么影院|哪个电影院|在哪|哪里|哪儿",
            r"which (?:cinema|theat(?:er|re)|location)|what (?:cinema|theat(?:er|re))|\bwhere\b",
        ),
        "budget": (r"预算|多少钱|上限|budget|how much|price range|spend",),
        "format": (r"版本|格式|制式|which (?:format|version)|what (?:format|version)",),
    }.items()
}


# Where the opening's clauses end: punctuation, and in Chinese a space ("《雪线以上》 金逸影城
# 马上开场的18:00 四张"). A colon or full stop inside a clock or an amount ("17:25") is none.
_END_ZH = re.compile(r"[，。！？；、,!?;\n]|[:：.](?!\d)|\s")
_END_EN = re.compile(r"[，。！？；,!?;\n]|[:：](?!\d)|\.(?!\d)")


def clauses(
    opening: str, spans: Sequence[tuple[int, int]], zh: bool, whole: Sequence[tuple[int, int]] = ()
) -> list[str]:
    """The clauses of `opening` that hold the spans, in order, each as the opening wrote it.
    No clause ends inside a span or a `whole` one ("Broadway Futian CBD" in a Chinese
    request is one name)."""
    keep = [*spans, *whole]
    ends = [
        m.start()
        for m in (_END_ZH if zh else _END_EN).finditer(opening)
        if not any(a <= m.start() < b for a, b in keep)
    ]
    out: dict[tuple[int, int], None] = {}
    for start, end in sorted(spans):
        left = max((e + 1 for e in ends if e < start), default=0)
        right = min((e for e in ends if e >= end), default=len(opening))
        out.setdefault((left, right), None)
    merged: list[tuple[int, int]] = []
    for left, right in out:  # a clause holding two spans is said once
        if merged and left < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(right, merged[-1][1]))
        else:
            merged.append((left, right))
    return [opening[a:b].strip() for a, b in merged if opening[a:b].strip()]


def restatement(task: Task, world: World, slots: Sequence[str], *, again: bool) -> str:
    """The user's answer about `slots`, which its opening stated: the clauses that said
    them, a little impatiently when it was `again` asked for them, else as a yes to a
    read-back ("" if it stated none of them)."""
    zh = task.locale == "zh"
    every = stated(world, task.user_id, task.now, task.opening)
    spans = [(s.start, s.end) for s in every if s.slot in slots]
    said = clauses(task.opening, spans, zh, [(s.start, s.end) for s in every])
    if not said:
        return ""
    if zh:
        return f"{AGAIN_ZH if again else '就是我说的'}：{'，'.join(said)}。"
    return f"{AGAIN_EN if again else 'As I said'}: {', '.join(said)}."


AGAIN_ZH, AGAIN_EN = "我刚才说过了呀", "Like I said before"  # asked again: a little impatient
