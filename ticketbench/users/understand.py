"""How a simulated user reads an agent's message (Chinese and English).

The face of `ticketbench.users.reading`, shared by the scripted user (to decide what to
answer) and by scoring (to classify each agent message as a handoff kind, and to see which
slots a clarification asked). Keeping both on one reader means a message counts as a
clarification exactly when the user treats it as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

from ticketbench.env.names import normalise
from ticketbench.suite.spec import Fact
from ticketbench.users.reading.acts import ACTS, Act, Reading
from ticketbench.users.reading.lexicon import CLOSING, EXTRAS
from ticketbench.users.reading.reader import read
from ticketbench.users.reading.rules import find_links
from ticketbench.users.reading.statements import statement_act
from ticketbench.users.reading.text import clean, sentences

MessageKind = Literal["navigate", "clarify", "confirm", "inform"]
# Knowledge about how to carry out the order, not what to buy: a go-ahead question that
# touches only these ("Shall I pay with your wallet?") is still a go-ahead question.
HOW_SLOTS = frozenset({"payment", "seat_pref"})

__all__ = [
    "ACTS",
    "HOW_SLOTS",
    "Act",
    "MessageKind",
    "Reading",
    "asked_facts",
    "asked_slots",
    "classify",
    "closes_only",
    "find_links",
    "gives_reason",
    "is_confirm",
    "is_question",
    "offers_extras_only",
    "read",
    "refusal_beside_questions",
    "says_infeasible",
]

_QMARK = re.compile(r"[?？]\s*$")


def is_question(text: str) -> bool:
    """Does the message ask the user something?"""
    return read(text).question


def is_confirm(text: str) -> bool:
    """Does the message ask for a yes/no go-ahead (rather than for information)?"""
    return read(text).act == "confirm"


def says_infeasible(text: str) -> bool:
    """Does the message say the request cannot be met (with or without a reason)?"""
    return read(text).refusal


def gives_reason(text: str) -> bool:
    """Does a message that says the request cannot be met also say why?"""
    return read(text).act == "cannot"


def refusal_beside_questions(text: str) -> bool | None:
    """Do the sentences of the message that ask nothing say the request cannot be met?
    True with a reason, False without one, None if they do not ("Sorry, that showing is
    sold out. Want me to look at other days?": True). A message that only states is
    `says_infeasible`'s."""
    told = " ".join(s for s in sentences(clean(text)) if not _QMARK.search(s))
    act = statement_act(told) if told else "inform"
    return {"cannot": True, "cannot_unexplained": False}.get(act)


def closes_only(text: str) -> bool:
    """Is every question of the message a closing offer ("Anything else?", "还有别的需要
    吗？") that names nothing of the order?"""
    asked = [s for s in sentences(clean(text)) if _QMARK.search(s)]
    return bool(asked) and all(CLOSING.search(s) for s in asked) and not read(text).slots


def offers_extras_only(text: str) -> bool:
    """Does every question of the message offer an extra beside the tickets ("Popcorn?",
    "需要发票吗？", "Want parking too?") and ask nothing of the order?"""
    asked = [s for s in sentences(clean(text)) if _QMARK.search(s)]
    return bool(asked) and all(EXTRAS.search(s) for s in asked) and not read(text).slots


def asked_slots(text: str) -> tuple[str, ...]:
    """The slots the message's questions ask about or propose a value for."""
    return read(text).slots


def asked_facts(text: str, facts: Iterable[Fact]) -> list[Fact]:
    """The facts whose slot the message's questions name.

    A fact of slot `other` has no reading of its own: its trigger keywords decide, and only
    inside a question.
    """
    r = read(text)
    if not r.question:
        return []
    key: str | None = None
    out = []
    for f in facts:
        if f.slot in r.slots:
            out.append(f)
        elif f.slot == "other":
            key = normalise(text) if key is None else key
            if any(t in key for t in _triggers(f.triggers)):
                out.append(f)
    return out


@lru_cache(maxsize=4096)
def _triggers(triggers: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in map(normalise, triggers) if t)


def classify(text: str, facts: Sequence[Fact] = ()) -> MessageKind:
    """The handoff kind of one agent message.

    A message with a deep link navigates; a question seeking information clarifies; a yes/no
    go-ahead question confirms; anything else (a refusal, a recommendation, a status)
    informs. `facts` is accepted for callers that pass the task's knowledge; the reading
    does not depend on it.
    """
    r = read(text)
    if r.links:
        return "navigate"
    if r.act == "ask":
        return "clarify"
    if r.act == "confirm":
        return "confirm"
    return "inform"
