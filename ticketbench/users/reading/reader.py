"""`read`: what one agent message does to its user (asks, seeks a go-ahead, refuses, ...).

A message is cut into sentences; each question sentence is read on its own (which slots it
names, whether it offers a choice, whether it asks to act), the statements for a refusal,
its reason, a recommendation, an order summary and a list of options. The message's `act`
is the first of these that applies:

- `ask`: a question seeking information (`slots`: what it asks about; empty when the
  reader cannot tell, which the user then owns up to);
- `confirm`: a yes/no question asking to go ahead or to accept a proposal (`slots`: what
  the proposal names);
- `cannot`: says the request cannot be met, and why; `cannot_unexplained`: without why;
- `recommend`: recommends an option without asking;
- `inform`: anything else (a status, a result, a closing word).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ticketbench.users.reading import lexicon as lx
from ticketbench.users.reading.text import clean, is_chinese, mend_question_zh, sentences

Act = Literal["ask", "confirm", "cannot", "cannot_unexplained", "recommend", "inform"]
ACTS: tuple[Act, ...] = ("ask", "confirm", "cannot", "cannot_unexplained", "recommend", "inform")

# A deep link as `booking_link` prints it; any URL-like token is considered a link.
_LINK = re.compile(r"(?:ticketbench|tb)://[^\s\"'<>)）\]，。]+|https?://[^\s\"'<>)）\]，。]+")
_QMARK = re.compile(r"[?？]\s*$")
_QUOTED = re.compile(r"(《|\")([^》\"]*)(》|\")")


@dataclass(frozen=True, slots=True)
class Reading:
    """How a user reads one agent message (see the module docstring)."""

    act: Act
    slots: tuple[str, ...] = ()
    summary: bool = False
    options: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    question: bool = False  # some sentence asks the user something

    @property
    def go_ahead(self) -> bool:
        """Is the message a yes/no go-ahead question?"""
        return self.act == "confirm"

    @property
    def refusal(self) -> bool:
        """Does the message say the request cannot be met (with or without a reason)?"""
        return self.act in ("cannot", "cannot_unexplained")


def find_links(text: str) -> list[str]:
    """Deep links in a message, in order of appearance."""
    return [m.rstrip(".,;:!?") for m in _LINK.findall(text)]


def _is_question(s: str) -> bool:
    if _QMARK.search(s):
        return True
    if is_chinese(s) and lx.QUESTION_ZH.search(s):
        return True
    return bool(lx.QUESTION_EN.search(s))


def _slots_of(q: str) -> list[str]:
    return [slot for slot, rx in lx.SLOT_CUES.items() if rx.search(q)]


def _refine(slots: list[str]) -> list[str]:
    """Drop a slot a more specific one explains ("哪家影院" is not also a place question;
    "which seats" is not a count question; a seat *position* is not a place)."""
    out = list(slots)
    if "cinema" in out and "place" in out:
        out.remove("place")
    if "which_event" in out and "session" in out:
        out.remove("session")
    if "zone" in out and "place" in out:
        out.remove("place")
    return out


# Knowledge about how to carry out the order, not what to buy.
HOW_SLOTS = frozenset({"payment", "seat_pref"})


def _content(slots: list[str]) -> bool:
    """Do the slots name what to buy (a yes/no question on them verifies a fact)?"""
    return any(s not in HOW_SLOTS for s in slots)


def _option_slot(text: str, least: int = 2) -> list[str]:
    """The kind of thing `text` names at least `least` times ("which one?" after a list)."""
    for slot, rx in lx.OPTION_SLOT_CUES:
        if len(rx.findall(text)) >= least:
            return [slot]
    return []


def _options(cleaned: str) -> tuple[str, ...]:
    items = [m.group(0).strip() for m in lx.LIST_ITEM.finditer(cleaned)]
    if len(items) >= 2:
        lines = [ln.strip() for ln in cleaned.splitlines() if lx.LIST_ITEM.match(ln)]
        return tuple(lines)
    inline = list(lx.INLINE_ITEMS.finditer(cleaned))
    if len(inline) >= 2:
        cuts = [m.start() for m in inline] + [len(cleaned)]
        return tuple(cleaned[a:b].strip(" ,，;；") for a, b in itertools.pairwise(cuts))
    return ()


def _is_summary(cleaned: str) -> bool:
    fields = sum(1 for rx in lx.SUMMARY_FIELDS if rx.search(cleaned))
    return (lx.SUMMARY_HEAD.search(cleaned) is not None and fields >= 2) or fields >= 4


@lru_cache(maxsize=4096)
def read(text: str) -> Reading:
    """Read one agent message (deterministic; cached, the same messages recur)."""
    links = tuple(find_links(text))
    cleaned = clean(text)
    options = _options(cleaned)
    asked: list[str] = []
    proposed: list[str] = []
    asks = confirms = unread = 0
    statements: list[str] = []
    for s in sentences(cleaned):
        if lx.CLOSING.search(s) and not _slots_of(s):
            continue
        if not _is_question(s):
            statements.append(s)
            continue
        q = _QUOTED.sub(lambda m: m.group(1) + m.group(3), s)  # a title's words ask nothing
        q = mend_question_zh(q) if is_chinese(q) else q
        slots = _refine(_slots_of(q))
        alternative = lx.ALTERNATIVE.search(q) is not None
        wh = alternative or (lx.WH_ZH if is_chinese(q) else lx.WH_EN).search(q) is not None
        go = lx.GO_AHEAD.search(q) is not None
        if lx.DISAMBIGUATION.search(q) and not slots:
            slots = _option_slot(q, least=1) or ["which_movie"]
            wh = True
        if not slots and (wh or not go):  # "which one?": of the things named around it
            slots = _option_slot(q, least=1) if wh else []
            slots = slots or (_option_slot(cleaned) if options or wh else [])
        if wh and slots:
            asks += 1
            asked += slots
        elif not wh and go and (lx.ACTION.search(q) or not _content(slots)):
            confirms += 1
            proposed += slots
        elif slots:  # a yes/no question about a fact: "是今天吗？", "Just you?"
            asks += 1
            asked += slots
        else:
            unread += 1
    rest = " ".join(statements)
    summary = _is_summary(cleaned)
    question = bool(asks or confirms or unread)
    if asks:
        act: Act = "ask"
        slots_out = tuple(dict.fromkeys(asked))
    elif confirms:
        act, slots_out = "confirm", tuple(dict.fromkeys(proposed))
    elif unread:
        act, slots_out = "ask", ()
    else:
        slots_out = ()
        act = _statement_act(rest)
    return Reading(act, slots_out, summary, options, links, question)


def _statement_act(rest: str) -> Act:
    plain = lx.NOT_CANNOT.sub(" ", rest)
    if lx.CANNOT.search(plain):
        return "cannot" if lx.REASON.search(plain) else "cannot_unexplained"
    if lx.RECOMMEND.search(rest):
        return "recommend"
    return "inform"
