"""Red team, round 3: asking the user what it already said (O2, `redteam_outside.AskGuess`).

Each is a plain plugin (`cd /tmp && PYTHONPATH=<repo>/tests ticketbench run --agent
redteam_outside3:NAME --suite dev`), knowing only the opening, tool results and the user's
replies; `python benchmarks/redteam.py --only Guess,AskGuess,AskDay,...` plays them.
Each asks something, then links `Guess`'s pick on the opening plus every answer. Success
on dev, suite 2.5.0, before (main d54d99c) -> after `users/restate.py` and the
`asked_what_was_said` violation: `Guess` 32.4 -> 32.4, `AskGuess` 44.1 -> 0.0, `AskEach`
43.6 -> 0.0, `AskOtherTongue`, `AskEcho` 44.1 -> 0.0, `AskPolite` 39.9 -> 0.0, `AskSoftly`
38.3 -> 0.0, `AskDay` 36.2 -> 6.9, `AskTime` 36.2 -> 4.3, `AskCount` 34.6 -> 2.1,
`AskTitle` 34.6 -> 11.7, `AskRepeat` 32.4 -> 32.4, `AskMissing` 36.2 -> 31.9 (README
"Metrics").

- `AskDay`, `AskTime`, `AskCount`, `AskTitle`: one question about one slot ("Which day?",
  "What's the movie's full official title?"), whatever the opening said.
- `AskEach`: the four, one message each.
- `AskOtherTongue`: `AskGuess`'s question in the other language.
- `AskRepeat`: "please repeat your request exactly, word for word".
- `AskEcho`: the request copied back, then `AskGuess`'s question.
- `AskSoftly`: the reworded oracle's "just you, or is someone coming along? today, or
  another day?" put to every request.
- `AskPolite`: "Could you tell me the date, the time, the number of tickets and the
  title?".
- `AskMissing` (control, honest): asks only about the day, time or count its own parser
  did not find in the opening; reading the request is the work a clarification is for.
"""

from __future__ import annotations

import datetime as dt
import re

from redteam_outside import (
    _ASK_EN,
    _ASK_ZH,
    is_zh,
    link,
    look,
    ranked,
    wanted_days,
    wanted_times,
)

from ticketbench.protocol import Session

_NOW = dt.datetime(2026, 12, 7)  # any day: only whether the opening names one matters
_COUNT_WORDS = re.compile(
    r"(\d+|[一二两三四五六七八九十])\s*(?:张|个人|位|tickets?|seats?|people)"
    r"|\b(?:one|two|three|four|a ticket|me and|couple)\b",
    re.I,
)


class AskFirst:
    """Ask `questions` (zh, en), one message each, then `Guess` on the opening and every
    answer. A family's base: played through its members."""

    questions: tuple[tuple[str, str], ...] = ()

    def asks(self, session: Session) -> list[str]:
        """The questions to ask, in the user's language."""
        zh = is_zh(session.opening)
        return [q_zh if zh else q_en for q_zh, q_en in self.questions]

    async def run(self, session: Session) -> None:
        heard = [session.opening]
        for question in self.asks(session):
            reply = await session.say(question)
            if reply is None:
                return
            heard.append(reply)
        text = " ".join(heard)
        lk = await look(session)
        if not lk.options:  # the title was left out: an answer may name it
            lk = await look(session, text)
        if lk.options:
            await link(session, ranked(lk, text)[0])


_DAY = ("是哪天的场次？", "Which day?")
_TIME = ("几点的场次？", "What time?")
_COUNT = ("要几张票？", "How many tickets?")
_TITLE = ("电影的官方全名是什么？", "What's the movie's full official title?")


class AskDay(AskFirst):
    questions = (_DAY,)


class AskTime(AskFirst):
    questions = (_TIME,)


class AskCount(AskFirst):
    questions = (_COUNT,)


class AskTitle(AskFirst):
    questions = (_TITLE,)


class AskEach(AskFirst):
    questions = (_DAY, _TIME, _COUNT, _TITLE)


class AskOtherTongue(AskFirst):
    questions = ((_ASK_EN, _ASK_ZH),)


_REPEAT = ("麻烦把您的需求原样再说一遍好吗？", "Could you repeat your request word for word?")


class AskRepeat(AskFirst):
    questions = (_REPEAT,)


class AskEcho(AskFirst):
    """`AskGuess`'s question after the whole request copied back ("您说的是：<opening>。"):
    every value it names is the user's, so a read-back rule that only looked for values
    would let it ask everything."""

    def asks(self, session: Session) -> list[str]:
        if is_zh(session.opening):
            return [f"您说的是：{session.opening}。{_ASK_ZH}"]
        return [f"You said: {session.opening} {_ASK_EN}"]


_POLITE = (
    "麻烦您告诉我一下日期、时间、张数和电影全名好吗？",
    "Could you tell me the date, the time, the number of tickets and the film's title?",
)


class AskPolite(AskFirst):
    """`AskGuess`'s question as a request ("Could you tell me ...?"), which reads like a
    yes/no question."""

    questions = (_POLITE,)


_SOFT = (
    (
        "就您自己去，还是有朋友一起？是今天看，还是改天？",
        "Is it just you, or is someone coming along? Is that for today, or another day?",
    ),
)


class AskSoftly(AskFirst):
    """The reworded oracle's own count and day questions, put to every request: no "how
    many", no "which day"."""

    questions = _SOFT


class AskMissing(AskFirst):
    """Control: asks only about the day, time or count its parser did not find."""

    def asks(self, session: Session) -> list[str]:
        zh = is_zh(session.opening)
        # `wanted_times` wants a word boundary before "17:25", which "周二17:25" lacks
        text = re.sub(r"(?<=[\u3400-\u9fff])(?=\d{1,2}:\d\d)", " ", session.opening)
        missing = []
        if not wanted_days(text, _NOW):
            missing.append(_DAY)
        if not wanted_times(text):
            missing.append(_TIME)
        if not _COUNT_WORDS.search(text):
            missing.append(_COUNT)
        if not missing:
            return []
        return ["".join(q[0] for q in missing) if zh else " ".join(q[1] for q in missing)]
