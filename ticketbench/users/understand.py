"""How a simulated user reads an agent's message (Chinese and English).

Pure, deterministic keyword reading shared by the scripted user (to decide what to answer)
and by scoring (to classify each agent message as a handoff kind). Keeping both on one
reader means a message counts as a clarification exactly when the user treats it as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

from ticketbench.env.names import normalise
from ticketbench.suite.spec import Fact

MessageKind = Literal["navigate", "clarify", "confirm", "inform"]

# A deep link as `booking_link` prints it; any URL-like token is considered a link.
_LINK = re.compile(r"(?:ticketbench|tb)://[^\s\"'<>)）\]，。]+|https?://[^\s\"'<>)）\]，。]+")

# Chinese questions often end without "？"; these markers rarely occur in statements.
_QUESTION_ZH = (
    "请问",
    "是否",
    "要不要",
    "哪",
    "吗",
    "几张",
    "几位",
    "几点",
    "几号",
    "什么时候",
    "多少张",
)
_CONFIRM_EN = re.compile(
    r"\b(confirm|shall i|should i|proceed|go ahead|ok to|okay to|want me to|"
    r"would you like me to|do you want me to|is that (?:ok|okay|fine|right)|book (?:it|them|this)|"
    r"place the order|send (?:you )?the payment)\b",
    re.I,
)
_CONFIRM_ZH = (
    "确认",
    "要不要",
    "是否",
    "可以吗",
    "好吗",
    "行吗",
    "下单吗",
    "购买吗",
    "支付吗",
    "帮您",
)
_INFEASIBLE_EN = re.compile(
    r"\b(cannot|can't|can not|unable|not possible|impossible|sold out|unavailable|"
    r"not available|no (?:seats|tickets|showtimes?) (?:left|available)|exceeds?|over (?:your|the) "
    r"budget|not (?:yet )?on sale|sales (?:have )?closed|no longer|not allowed|isn't possible|"
    r"is not possible|won't be able)\b",
    re.I,
)
_INFEASIBLE_ZH = (
    "无法",
    "不能",
    "没法",
    "不可以",
    "售罄",
    "卖完",
    "已满",
    "满座",
    "超出",
    "超过",
    "未开售",
    "还没开售",
    "停售",
    "已截止",
    "不支持",
    "没有余票",
    "没有场次",
)


def find_links(text: str) -> list[str]:
    """Deep links in a message, in order of appearance."""
    return [m.rstrip(".,;:!?") for m in _LINK.findall(text)]


def is_question(text: str) -> bool:
    """Does the message ask the user something?"""
    return "?" in text or "？" in text or any(k in text for k in _QUESTION_ZH)


def is_confirm(text: str) -> bool:
    """Does the message ask for a yes/no go-ahead (rather than for information)?"""
    return bool(_CONFIRM_EN.search(text)) or any(k in text for k in _CONFIRM_ZH)


def says_infeasible(text: str) -> bool:
    """Does the message say the request cannot be met?"""
    return bool(_INFEASIBLE_EN.search(text)) or any(k in text for k in _INFEASIBLE_ZH)


def asked_facts(text: str, facts: Iterable[Fact]) -> list[Fact]:
    """The facts whose trigger keywords occur in the message (normalised match)."""
    key = normalise(text)
    return [f for f in facts if any(t in key for t in _triggers(f.triggers))]


@lru_cache(maxsize=4096)
def _triggers(triggers: tuple[str, ...]) -> tuple[str, ...]:
    """Normalised, non-empty trigger keywords (cached: the same facts recur every turn)."""
    return tuple(t for t in map(normalise, triggers) if t)


# Knowledge about how to carry out the order, not what to buy: a go-ahead question that
# touches only these ("Shall I send the payment request?") is still a go-ahead question.
HOW_SLOTS = frozenset({"payment", "seat_pref"})


def classify(text: str, facts: Sequence[Fact] = ()) -> MessageKind:
    """The handoff kind of one agent message.

    A message with a deep link navigates; a question asking about something the user
    knows, or for information, clarifies; a yes/no go-ahead question confirms; anything
    else informs.
    """
    if find_links(text):
        return "navigate"
    if not is_question(text):
        return "inform"
    asked = asked_facts(text, facts) if facts else []
    if asked and not (is_confirm(text) and {f.slot for f in asked} <= HOW_SLOTS):
        return "clarify"
    return "confirm" if is_confirm(text) else "clarify"


# Why a request cannot be met, when a "cannot" message says so (a cause, not just "no").
_REASON_EN = re.compile(
    r"\b(because|since|due to|as the|sold out|fully booked|no (?:more )?(?:seats|tickets)|"
    r"(?:seats|tickets) (?:left|remaining)|budget|costs? (?:more|over)|too expensive|"
    r"closed|cut-?off|deadline|not (?:yet )?on sale|goes on sale|sales? (?:open|start)|"
    r"limit|per (?:id|person)|already (?:bought|have|used|started|passed)|expired|"
    r"refund (?:window|period)|non-?refundable|no refunds?|has (?:already )?started|passed)\b",
    re.I,
)
_REASON_ZH = (
    "因为", "由于", "售罄", "卖完", "满座", "已满", "余票", "预算", "超出", "超过", "太贵",
    "停售", "截止", "关闭", "未开售", "还没开售", "开售", "限购", "每个身份证", "身份证",
    "已过", "过了", "已经开始", "已开场", "不支持退", "不能退", "不可退", "不退",
)  # fmt: skip


def gives_reason(text: str) -> bool:
    """Does a message that says the request cannot be met also say why?"""
    return bool(_REASON_EN.search(text)) or any(k in text for k in _REASON_ZH)
