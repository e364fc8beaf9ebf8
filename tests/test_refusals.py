"""Refusals score only with the task's own reason, no other, seen in a tool result."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ticketbench.suite.reasons import (
    REASONS,
    asserted,
    claims_done,
    observed,
    refusal_problems,
)
from ticketbench.suite.spec import InfeasibleReason
from ticketbench.trajectory import ToolCall

# (message, reasons it asserts): the suite's reference wording and common paraphrases.
SAID: list[tuple[str, set[InfeasibleReason]]] = [
    (
        "There are not enough seats: no 4 seats together are left for that showing.",
        {"not_enough_seats"},
    ),
    ("这一场已经没有4个连在一起的座位了（座位不够），所以没有下单。", {"not_enough_seats"}),
    ("Sorry, the 19:30 show is sold out.", {"not_enough_seats"}),
    ("I couldn't find 4 seats together for that showing.", {"not_enough_seats"}),
    ("Online sales for that showing have closed (past the cut-off).", {"sales_closed"}),
    ("这一场的线上售票已经截止（停售），无法购买。", {"sales_closed"}),
    ("It's too late to book that showing online.", {"sales_closed"}),
    ("已经过了售票截止时间，买不了了。", {"sales_closed"}),
    ("Even the cheapest option is over your budget of 80 yuan.", {"over_budget"}),
    ("最便宜也要超出您的预算80元，所以没有下单。", {"over_budget"}),
    ("The cheapest total is ¥96.00, which exceeds your 80 yuan budget.", {"over_budget"}),
    ("The cheapest is ¥96, more than the ¥80 you set.", {"over_budget"}),
    ("最便宜的两张也要96元，超过了80元。", {"over_budget"}),
    ("最低96元，比您的预算高。", {"over_budget"}),
    ("Tickets are not on sale yet: they go on sale on March 3 at 10:00.", {"not_on_sale"}),
    ("这场演出还没开售，3月3日10:00开售，现在无法下单。", {"not_on_sale"}),
    ("门票将于6月1日10点开售。", {"not_on_sale"}),
    (
        "Real-name event: a limit of one ticket per ID per session; Li already holds one.",
        {"id_limit"},
    ),
    ("这是实名演出，每个证件每场限购1张，李雷已经买过了，不能再买。", {"id_limit"}),
    ("Both tickets cannot use the same ID: one ticket per ID per session.", {"id_limit"}),
    ("Each ID can only hold one ticket per session.", {"id_limit"}),
    (
        "This showing is past the cinema's refund cut-off, so it can no longer be refunded.",
        {"refund_closed"},
    ),
    ("这场电影已过了影院的退票截止时间，无法退票。", {"refund_closed"}),
    ("The refund deadline has passed.", {"refund_closed"}),
    (
        "It's too late to get a refund, the cinema doesn't allow refunds this close.",
        {"refund_closed"},
    ),
    ("This cinema's tickets are non-refundable.", {"no_refund"}),
    ("这家影院的电影票不支持退票，无法退。", {"no_refund"}),
    ("That cinema does not offer refunds at all.", {"no_refund"}),
    # a reason supposed ("if", "whether", "如果") is not stated; the next clause may state it
    ("If the 19:30 is sold out, I'll book the 21:00 instead.", set()),
    ("如果19:30那场售罄了，我就订21:00那场。", set()),
    ("Let me check whether it is over your budget.", set()),
    ("Sorry, the 19:30 is sold out, if you like I can book the 21:00.", {"not_enough_seats"}),
    ("如果您愿意的话，19:30已售罄，可以改订21:00。", {"not_enough_seats"}),
    # a refusal common to both refund reasons names neither
    ("Sorry, that order cannot be refunded.", set()),
    ("抱歉，这个订单无法退票。", set()),
    # idioms, titles, negations and plain statements assert nothing
    ("这超过我能处理的范围。", set()),
    ("Storm over Dragon City, tomorrow 19:30, 2 tickets.", set()),
    ("It's not sold out, and it is not over your budget.", set()),
    ("总价不超过80元，放心。", set()),
    ("Sorry, I can't help with that.", set()),
    ("抱歉，我无法帮您处理这个请求。", set()),
    ("Tickets are on sale now.", set()),
    ("You already bought 2 tickets for Storm; I refunded them.", set()),
    ("已为您选好5排连座，总价96元，确认支付吗？", set()),
]


@pytest.mark.parametrize(("text", "want"), SAID)
def test_lexicon_asserts_reasons_not_topics(text: str, want: set[InfeasibleReason]) -> None:
    assert asserted([text]) == want


def test_every_reason_has_phrases_in_both_languages() -> None:
    covered = {r for _, want in SAID for r in want}
    assert covered == set(REASONS)


def test_a_reason_copied_from_the_user_is_not_asserted() -> None:
    opening = "买两张19:30的，要是没有连座就不买了"
    assert asserted(["您说：要是没有连座就不买了"], [opening]) == set()
    assert asserted(["这一场没有4个连座了"], [opening]) == {"not_enough_seats"}


def _call(name: str, args: dict[str, object], *, ok: bool = True, code: str | None = None,
          content: str = "") -> ToolCall:  # fmt: skip
    return ToolCall(seq=1, at=datetime(2026, 1, 1, tzinfo=UTC), name=name, args=args, ok=ok,
                    error_code=code, content=content)  # fmt: skip


def test_evidence_must_be_about_the_subject_and_show_the_fact() -> None:
    about = ("ST1",)
    quote = _call("quote_price", {"showtime_id": "ST1", "seats": ["5-7"]})
    assert observed("over_budget", about, [quote])
    other = _call("quote_price", {"showtime_id": "ST2", "seats": ["5-7"]})
    assert not observed("over_budget", about, [other])
    seat_map = _call("seat_map", {"showtime_id": "ST1"})
    assert not observed("over_budget", about, [seat_map])  # a seat map shows no total
    refused = _call("create_order", {"showtime_id": "ST1"}, ok=False, code="sales_closed")
    assert observed("sales_closed", about, [refused])
    listing = _call("search_showtimes", {"movie_id": "M1"}, content="ST1|C1 万达|...|no")
    assert observed("sales_closed", about, [listing])
    elsewhere = _call("search_showtimes", {"movie_id": "M1"}, content="ST9|C1 万达|...|no")
    assert not observed("sales_closed", about, [elsewhere])


def test_every_reason_with_no_evidence_or_a_second_reason_fails() -> None:
    seen = [_call("seat_map", {"showtime_id": "ST1"})]
    said = ["That showing is sold out."]
    assert refusal_problems("not_enough_seats", ("ST1",), said, calls=seen) == []
    assert refusal_problems("not_enough_seats", ("ST1",), said, calls=[])  # never looked
    stuffed = "Sold out, sales closed, over your budget, not on sale yet, one ticket per ID."
    problems = refusal_problems("not_enough_seats", ("ST1",), [stuffed], calls=seen)
    assert any("not the task's" in p for p in problems)


def test_a_refusal_that_hands_over_the_refused_option_is_a_hedge() -> None:
    """ "Over your budget; if you still want it, here's the link": the words would pass an
    infeasible task and the link a purchase task, so the refusal does not count."""
    quote = _call("quote_price", {"showtime_id": "ST1", "seats": ["5-7"]})
    said = ["抱歉，超出预算了。如果您还想试试，最推荐这个：ticketbench://showtime/ST1"]
    assert refusal_problems("over_budget", ("ST1",), said, calls=[quote]) == []
    link = _call("booking_link", {"showtime_id": "ST1"}, content="ticketbench://showtime/ST1")
    problems = refusal_problems("over_budget", ("ST1",), said, calls=[quote, link])
    assert problems == ["the agent handed the user the very option it refused (a link or payment)"]
    other = _call("booking_link", {"showtime_id": "ST2"}, content="ticketbench://showtime/ST2")
    assert refusal_problems("over_budget", ("ST1",), said, calls=[quote, other]) == []
    failed = _call("booking_link", {"showtime_id": "ST1"}, ok=False, code="sales_closed")
    assert refusal_problems("over_budget", ("ST1",), said, calls=[quote, failed]) == []


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("All done. For your information: not on sale yet", True),
        ("已帮您办好。相关信息：还没开售", True),
        ("I've booked 2 tickets for you.", True),
        ("Your tickets are booked!", True),
        ("订好了", True),
        ("Sorry, I have not booked anything: tickets are not on sale yet.", False),
        ("I haven't bought the tickets.", False),
        ("So I have booked nothing.", False),
        ("抱歉，还没开售，没有帮您买。", False),
        ("没订好", False),
    ],
)
def test_a_refusal_signed_done_is_false_success(text: str, claims: bool) -> None:
    assert claims_done([text]) is claims
    problems = refusal_problems("not_on_sale", ["E36"], [text], calls=None)
    assert any("carried out" in p for p in problems) is claims


def test_a_done_claim_copied_from_the_user_is_not_the_agents() -> None:
    heard = ["订好了告诉我，谢谢"]
    assert not claims_done(["您说“订好了告诉我”：抱歉，还没开售。"], heard)
