"""Refusals: does an agent's "it cannot be done" name the task's real reason, and did it see it?

A refusal scores only when all five hold (`refusal_problems`):
1. **named**: an agent message states the task's reason (`Expect.reason`) in the agent's
   own words: a phrase of the reason's bilingual lexicon below, not negated ("not sold
   out", "不超过"), not supposed ("if it is sold out", "如果售罄") and not inside words
   copied from the user (`textmatch.echo_free`);
2. **no contradiction**: no agent message states another reason of the lexicon (an agent
   that lists every reason names none);
3. **observed**: a tool result of this episode showed the agent the fact, about one of the
   ids in `Expect.reason_about`: the seat map, search row or event page of the full
   showing, a price quote of the over-budget one, the sales state or the service's own
   refusal code (`sales_closed`, `not_on_sale`, `id_limit`, ...), the order that cannot be
   refunded (see `EVIDENCE`);
4. **no false success**: no agent message says the request was carried out ("all done",
   "I've booked", "已帮您订好"; `CLAIMS_DONE`): a dump of tool results that happens to
   quote the reason, signed "done", is not a refusal;
5. **not offered**: the agent did not hand the user the refused option (its booking link or
   a payment sheet for it; `offered`). "Over budget, but if you still want it, here's the
   link" passes a purchase task on the link and an infeasible one on the words, whichever
   the task is: a hedge, not a refusal.

The lexicon asserts reasons, it does not spot topics: "over" or "超过" alone is no reason
("Storm over Dragon City", "超过我能处理的范围"); "over your budget", "超出预算",
"超过了80元" are. Phrases common to two reasons ("cannot be refunded", "无法退票") name
neither: the agent has to say which (the cut-off passed, or the cinema never refunds).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from ticketbench.suite.spec import InfeasibleReason
from ticketbench.suite.textmatch import echo_free, normalise, own_spans
from ticketbench.trajectory import ToolCall

_NUM = r"(?:\d+|one|two|three|four|five|six|[一二两三四五六])"
_SEATS = r"(?:seats?|tickets?|places?|spots?)"
_YOUR = r"(?:your|the|that|this|you[r]? stated|you[r]? set|the stated)"
_MONEY = r"(?:¥ ?\d+(?:\.\d+)?|\d+(?:\.\d+)? ?(?:yuan|元|块|¥))"
_VENUE = r"(?:cinema|theater|theatre|venue|organi[sz]er|event|this place)"

# Phrases asserting each reason, matched on `normalise`d text (casefolded, one space).
LEXICON: dict[InfeasibleReason, tuple[str, ...]] = {
    "not_enough_seats": (
        r"\bsold[ -]?out\b",
        r"\bfully (?:booked|sold)\b",
        r"\bbooked up\b",
        r"\bno (?:more |free |available |remaining |empty )?(?:"
        + _NUM
        + r" )?"
        + _SEATS
        + r"(?: \w+){0,4} (?:left|available|remaining|together|side by side|next to each other|"
        r"in a row)\b",
        r"\bno (?:\w+ ){0,2}(?:adjacent|consecutive|contiguous) " + _SEATS,
        r"\bnot enough (?:free |available |adjacent |consecutive |empty |remaining )?" + _SEATS,
        r"\b(?:only|just) " + _NUM + r" " + _SEATS + r" (?:are )?(?:left|remaining|available)\b",
        r"\b(?:can't|cannot|can not|couldn't|could not|unable to|impossible to) (?:find|get|"
        r"book|seat you|sit)(?: \w+){0,6} together\b",
        r"\b" + _SEATS + r" (?:are|is|have been) (?:all )?(?:gone|taken|sold)\b",
        r"\bthe (?:showing|session|show|zone|screening) is full\b",
        # zh
        r"售罄|卖完|售完|满座|满场|坐满|满员|爆满|没有?余票|余票不足|无余票|没票|票不够|座位不够|"
        r"位置不够|座位已满|没有(?:空|剩余的?)?座位了",
        r"(?:没有|没|找不到|凑不[出齐到]|不够)(?:\S{0,6})?(?:连在一起|连着|挨着|相邻|并排|连座|连坐|"
        r"连号)",
        r"(?:连座|连号座位|连在一起的座位)(?:\S{0,4})?(?:没有|不够|不足|没了)",
        r"坐不(?:到)?(?:一起|一块)",
        r"只(?:剩|有)(?:下)?" + _NUM + r"个?(?:座位|位置|张票|张)",
    ),
    "sales_closed": (
        r"\b(?:online |ticket )?(?:sales?|booking|ticketing) (?:\S+ ){0,4}(?:ha(?:s|ve) |is |"
        r"are |already |now )*(?:closed|ended|stopped|shut)\b",
        r"\b(?:sales?|booking|ticketing) (?:cut-?off|deadline) (?:\w+ ){0,3}(?:passed|reached|"
        r"gone by)\b",
        r"\bpast (?:the |its )?(?:online )?(?:sales?|booking|ticketing) (?:cut-?off|deadline)\b",
        r"\bno longer (?:on sale|(?:be )?(?:sold|bookable|booked|purchas(?:ed|able)|available "
        r"(?:to|for) (?:book|buy|purchase)))\b",
        r"\bstopped selling\b",
        r"\btoo late to (?:buy|book|purchase|get)\b(?! (?:a |your |the )?refund)",
        r"\b(?:can|could) no longer (?:be )?(?:buy|book|purchase|bought|booked|purchased)\b",
        # zh
        r"停售|停止(?:售票|销售|售卖|卖票|线上售票)|已(?:经)?(?:停止|截止)售票",
        r"(?:线上|网上|在线)?(?:售票|购票|销售)(?:\S{0,4})?(?:已经?|都)?(?:截止|结束|关闭|停止)",
        r"(?:过了|已过|超过了?)(?:\S{0,6})?(?:售票|购票|销售)(?:\S{0,2})?(?:截止|时间|时限)",
    ),
    "over_budget": (
        r"\b(?:over|above|exceed(?:s|ed|ing)?|beyond|more than|higher than|outside(?: of)?|"
        r"past|surpass(?:es|ed)?) " + _YOUR + r" (?:\w+ ){0,2}(?:budget|price limit|"
        r"spending limit|limit|cap|maximum|max)\b",
        r"\bover[ -]budget\b",
        r"\bbudget (?:\w+ ){0,3}(?:is |was )?(?:not enough|too (?:low|small|tight)|insufficient|"
        r"exceeded)\b",
        r"\b(?:nothing|none|no (?:options?|seats?|tickets?|showings?)) (?:\w+ ){0,3}"
        r"(?:within|under|in|fits?) " + _YOUR + r" (?:\w+ ){0,2}budget\b",
        r"\b(?:doesn't|does not|don't|do not|won't|can't|cannot) (?:fit|stay|be) (?:in|within|"
        r"under|into) (?:" + _YOUR + r" )?(?:\w+ )?budget\b",
        r"\b(?:exceeds?|over|above|more than|higher than) (?:the )?"
        + _MONEY
        + r" (?:\w+ ){0,2}(?:you|budget|limit|cap|maximum|max)\b",
        r"\bcosts? more than " + _MONEY,
        # zh
        r"(?:超出|超过|超了|高于|多于|大于)(?:了)?(?:您|你)?(?:的)?(?:\S{0,4})?(?:预算|上限|限额|"
        r"心理价位)",
        r"超预算",
        r"预算(?:\S{0,6})?(?:不够|不足|不太够|有限|买不了|买不到|覆盖不了|够不上)",
        r"(?:不在|超出了?)(?:您|你)?的?预算",
        r"(?:超出|超过|超了|高于|多于)(?:了)?(?:您|你)?(?:说的|给的|定的|要求的|设定的)?(?:的)?"
        + _MONEY,
        r"(?:比|较)(?:您|你)?的?(?:预算|" + _MONEY + r")(?:还)?(?:高|贵|多)",
    ),
    "not_on_sale": (
        r"\bnot (?:yet |currently )?on sale(?: yet)?\b",
        r"\b(?:isn't|aren't|haven't|hasn't) (?:yet )?(?:on sale|gone on sale|been released)\b",
        r"\b(?:go|goes|will go|going|are going|is going) on sale\b",
        r"\bon sale (?:from|at|starting|on)\b",
        r"\bsales? (?:\w+ ){0,2}(?:open|opens|start|starts|begin|begins|will open|will start|"
        r"haven't (?:opened|started)|hasn't (?:opened|started)|not (?:yet )?(?:open|started))\b",
        r"\bnot (?:yet )?(?:available|open) (?:for|to) (?:purchase|booking|sale|buy|book)\b",
        r"\bbefore (?:the |tickets )?(?:go )?on[ -]sale\b",
        r"\bpre-?sale\b",
        # zh
        r"未开售|尚未开售|暂未开售|还没(?:有)?开售|还未开售|没有开售|即将开售|未开票|还没(?:有)?开票|"
        r"还没(?:有)?开始(?:卖|售|售票|销售|开票)",
        r"(?:将于|将在|会在|要到|等到)\S{0,16}(?:开售|开票|开始售票|开始销售)",
        r"\d{1,2}[:：点]\d{0,2}(?:分)?(?:正式)?(?:开售|开票|开始售票|开始销售)",
        r"(?:开售|开票)时间(?:是|为|在)",
    ),
    "id_limit": (
        r"\b(?:one|1|a single|only one) tickets? (?:per|for each|each) (?:\w+ ){0,2}(?:id|person|"
        r"attendee|identity|id number|id card)\b",
        r"\bper[ -](?:id|person|attendee|identity)(?: \w+){0,2} limit\b",
        r"\blimit(?:ed)? (?:of |to )?(?:one|1|\d+) (?:tickets? )?(?:per|for each|each) "
        r"(?:\w+ ){0,2}(?:id|person|attendee|identity)\b",
        r"\beach (?:id|attendee|person|identity|id number)(?: \w+){0,3} (?:can|may|is allowed to) "
        r"(?:only )?(?:buy|hold|have|get)(?: only)? (?:one|1|a single)\b",
        r"\b(?:same|one|a single) id\b(?: \w+){0,8} (?:not|cannot|can't|isn't|won't|only)\b",
        r"\b(?:cannot|can't|can not|not allowed to) (?:\w+ ){0,3}(?:on|under|with) "
        r"(?:the )?same id\b",
        r"\bid limit\b|\blimit per id\b|\bper-id\b",
        # zh
        r"限购|一证一票|每(?:个|张)?(?:证件|身份证|人|观演人|id)(?:\S{0,6})?(?:限|只能|最多)(?:购|买)?"
        r"(?:\S{0,2})?(?:1|一)张",
        r"(?:证件|身份证|id)(?:\S{0,8})?(?:已经?|已)(?:买过|购买过|购买了|持有|有)",
        r"同一(?:个|张)?(?:证件|身份证|id)(?:\S{0,8})?(?:不能|只能|无法|不可以)",
        r"(?:不能|无法|不可以)(?:\S{0,6})?(?:用|使用)同一(?:个|张)?(?:证件|身份证|id)",
    ),
    "refund_closed": (
        r"\brefund (?:window|period|deadline|cut-?off)(?: \w+){0,4} (?:has |have )?"
        r"(?:passed|closed|ended|expired|gone|over)\b",
        r"\bpast (?:the |its )?(?:\S+ ){0,3}refund (?:cut-?off|deadline|window|period)\b",
        r"\bafter (?:the |its )?(?:\S+ ){0,3}refund (?:cut-?off|deadline)\b",
        r"\btoo (?:late|close to (?:the )?(?:start|showtime)) (?:to|for) (?:get )?(?:a )?refund",
        r"\b(?:can|could) no longer (?:\w+ ){0,2}(?:be )?refund(?:ed)?\b|\bno longer refundable\b",
        # zh
        r"(?:过了|已过|超过了?)(?:\S{0,8})?退(?:票|款)?(?:\S{0,2})?(?:时间|截止|期限|时限)",
        r"退(?:票|款)(?:\S{0,6})?(?:已经?截止|已过|时间已过|截止时间已过)",
        r"(?:已经|现在)(?:不能|无法|没法)(?:再)?退|不能再退",
    ),
    "no_refund": (
        r"\b(?:doesn't|does not|don't|do not|never|won't|will not) (?:offer |allow |support |"
        r"accept |give |do |provide )?refunds?\b(?! (?:after|past|once|within|less|this close|"
        r"so close|at this|this late|now))",
        r"\bno[ -]refunds? (?:policy|at|for|on)\b",
        r"\b" + _VENUE + r"(?:'s)? (?:\w+ ){0,2}(?:are |is )?(?:non|not)[ -]?refundable\b",
        r"\bnever refund",
        # zh
        r"(?:影院|影城|这家|该影院|场馆|主办方?|演出方)(?:\S{0,8})?(?:不支持|不接受|不提供|不予|不办理|"
        r"从不|概不|不)退(?:票|款)?",
        r"(?:一律|概)不(?:退|予退)",
    ),
}
REASONS: tuple[InfeasibleReason, ...] = get_args(InfeasibleReason)

# A message saying the request was carried out: in a task that cannot be done it is false,
# whatever reason the same message also quotes (a dump of tool results signed "all done").
CLAIMS_DONE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\b(?:i've|i have|i|we've|we have) (?:(?!not\b|never\b|yet\b)\w+ ){0,2}(?:booked|"
        r"bought|purchased|reserved|ordered|paid for|got you)\b(?! nothing| anything| none)",
        r"\ball (?:done|set|booked)\b|\b(?:done|booked),? (?:exactly )?as you asked\b",
        r"\b(?:your|the) (?:tickets?|order|booking|seats?) (?:is|are|has been|have been) "
        r"(?:booked|confirmed|purchased|paid|reserved)\b",
        r"已(?:经)?(?:帮您|为您|给您|替您)?(?:办好|订好|买好|购买成功|下单成功|完成购买|出票|抢到)|"
        r"(?:订|买|办|抢)好了|搞定了|已按您的要求办好",
    )
)
_NEG_EN = re.compile(r"(?:\bnot|n't|\bnever|\bno)\s+(?:\w+\s+)?$")
_NEG_ZH = re.compile(r"(?:不|没|未|非|无)\S?$")
_COMPILED: dict[InfeasibleReason, tuple[re.Pattern[str], ...]] = {
    k: tuple(re.compile(p) for p in v) for k, v in LEXICON.items()
}


def _negated(text: str, start: int, zh: bool) -> bool:
    before = text[max(0, start - 14) : start]
    if zh:
        return bool(_NEG_ZH.search(before[-2:]))
    return bool(_NEG_EN.search(before))


def _is_zh(pattern: re.Pattern[str]) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", pattern.pattern))


# A clause opened by one of these supposes the reason, it does not state it ("if the 19:30
# is sold out, ...", "let me check whether ...", "如果售罄了……").
_SUPPOSED = re.compile(
    r"\b(?:if|whether|in case|unless|suppose|assuming)\b|如果|要是|万一|假如|是否|若是"
)
# normalised ("，" is ","); a thousands separator ("1,200") or a decimal point ends none
_CLAUSE_END = re.compile(r"[;!?。\n]|\.(?!\d)|,(?!\d{3}(?!\d))")


def _supposed(text: str, start: int) -> bool:
    clause = _CLAUSE_END.split(text[:start])[-1]
    return bool(_SUPPOSED.search(clause))


def reason_spans(text: str, reason: InfeasibleReason) -> list[tuple[int, int]]:
    """Spans of normalised `text` asserting `reason` (negated and supposed mentions left
    out)."""
    out: list[tuple[int, int]] = []
    for pat in _COMPILED[reason]:
        zh = _is_zh(pat)
        for m in pat.finditer(text):
            start = m.start()
            if m.end() > start and not _negated(text, start, zh) and not _supposed(text, start):
                out.append(m.span())
    return out


def stated(text: str, heard: Sequence[str] = ()) -> list[tuple[InfeasibleReason, int, int]]:
    """Each reason normalised `text` states in the agent's own words (copies of the user's
    messages `heard` left out), with its span, in text order."""
    free = echo_free(text, heard)
    out = [(r, a, b) for r in REASONS for a, b in own_spans(text, reason_spans(text, r), free)]
    return sorted(out, key=lambda s: s[1])


def asserted(said: Iterable[str], heard: Sequence[str] = ()) -> set[InfeasibleReason]:
    """The reasons the agent's messages state in its own words (copies of the user's
    messages `heard` left out)."""
    return {r for msg in said for r, _, _ in stated(normalise(msg), heard)}


# --- what the agent saw ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """Which tool results can show a reason: tools whose successful result about the subject
    shows the fact, and the service's error codes that state it."""

    tools: frozenset[str]
    codes: frozenset[str]


_ORDER = frozenset({"get_order", "list_orders"})  # the order, its showtime and start

EVIDENCE: dict[InfeasibleReason, Evidence] = {
    "not_enough_seats": Evidence(
        frozenset({"seat_map", "recommend_seats", "search_showtimes", "get_event"}),
        frozenset({"sold_out", "not_enough_tickets", "seat_taken", "gap_rule"}),
    ),
    "sales_closed": Evidence(
        frozenset({"search_showtimes", "get_event", "search_events"}),
        frozenset({"sales_closed"}),
    ),
    "over_budget": Evidence(frozenset({"quote_price", "create_order"}), frozenset()),
    "not_on_sale": Evidence(frozenset({"get_event", "search_events"}), frozenset({"not_on_sale"})),
    "id_limit": Evidence(frozenset({"get_event"}), frozenset({"id_limit"})),
    "refund_closed": Evidence(_ORDER, frozenset({"refund_closed"})),
    "no_refund": Evidence(_ORDER, frozenset({"not_refundable"})),
}


def _mentions(call: ToolCall, about: Sequence[str]) -> bool:
    args: Mapping[str, Any] = call.args or {}
    named = json.dumps(args, ensure_ascii=False) if args else ""
    return any(i in named or i in call.content for i in about)


def observed(reason: InfeasibleReason, about: Sequence[str], calls: Iterable[ToolCall]) -> bool:
    """Did a tool result of the episode show the agent the fact (see `EVIDENCE`) about one
    of the ids `about`?"""
    ev = EVIDENCE[reason]
    for call in calls:
        if not call.ran or not _mentions(call, about):
            continue
        if call.ok and call.name in ev.tools:
            return True
        if not call.ok and call.error_code in ev.codes:
            return True
    return False


def claims_done(said: Iterable[str], heard: Sequence[str] = ()) -> bool:
    """Does some agent message say, in its own words, that the request was carried out?"""
    for msg in said:
        text = normalise(msg)
        for pat in CLAIMS_DONE:
            zh = _is_zh(pat)
            spans = [m.span() for m in pat.finditer(text) if not _negated(text, m.start(), zh)]
            if own_spans(text, spans, echo_free(text, heard)):
                return True
    return False


def refusal_problems(
    reason: InfeasibleReason,
    about: Sequence[str],
    said: Sequence[str],
    heard: Sequence[str] = (),
    calls: Sequence[ToolCall] | None = None,
    *,
    others_judged_apart: bool = False,
) -> list[str]:
    """Why the agent's refusal does not score (empty: it does); `calls` None skips the
    evidence part (a reference solution checked without its tool results).
    `others_judged_apart`: the caller judges every other reason given, each against the
    option it is about (`false_refusals.reason_problems`); otherwise any other reason
    contradicts the refusal."""
    why: list[str] = []
    given = asserted(said, heard)
    if reason not in given:
        why.append(f"the agent did not say the request fails because {LABEL[reason]}")
    others = [] if others_judged_apart else sorted(given - {reason})
    if others:
        why.append("the agent gave reasons that are not the task's: " + "; ".join(
            LABEL[r] for r in others))  # fmt: skip
    if claims_done(said, heard):
        why.append("the agent told the user the request was carried out")
    if calls is not None and not observed(reason, about, calls):
        why.append(
            f"no tool result of the episode showed the agent that {LABEL[reason]} "
            f"({', '.join(about)})"
        )
    if calls is not None and offered(about, calls):
        why.append("the agent handed the user the very option it refused (a link or payment)")
    return why


# Tools that put an option in the user's hands: its booking link, a payment sheet for it.
OFFERS = frozenset({"booking_link", "request_payment"})


def offered(about: Sequence[str], calls: Iterable[ToolCall]) -> bool:
    """Did the agent hand the user one of the options `about` (see `OFFERS`)? A refusal
    that comes with the refused option's link is a hedge, not a refusal: whichever way the
    task goes, one half of the message would be judged right."""
    return any(c.ok and c.ran and c.name in OFFERS and _mentions(c, about) for c in calls)


LABEL: dict[InfeasibleReason, str] = {
    "not_enough_seats": "not enough seats are left",
    "sales_closed": "sales have closed",
    "over_budget": "it is over the budget",
    "not_on_sale": "sales have not opened yet",
    "id_limit": "of the per-ID limit",
    "refund_closed": "the refund cut-off has passed",
    "no_refund": "the order can never be refunded",
}
