"""Scoring on hand-made inputs: Wilson CI, pass^k, ladder, gap, summarize, handoffs."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from ticketbench.results.metrics import (
    EpisodeRow,
    gap,
    ladder,
    pass_hat_k,
    success_tally,
    summarize,
    wilson,
)
from ticketbench.scoring.episode import (
    EpisodeScore,
    count_handoffs,
    needed_handoffs,
    payment_asks,
    payment_summaries,
)
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Task
from ticketbench.trajectory import AgentMessage, Event, ToolCall


def test_wilson_known_values() -> None:
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4)
    assert hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)
    lo, hi = wilson(0, 20)
    assert lo == 0.0 and 0.1 < hi < 0.2
    lo, hi = wilson(20, 20)
    assert hi == 1.0 and 0.8 < lo < 0.9


def test_pass_hat_k_unbiased_estimator() -> None:
    # one task, 4 trials, 2 successes: pass^1 = 2/4, pass^2 = C(2,2)/C(4,2) = 1/6
    assert pass_hat_k([(4, 2)], 1) == pytest.approx(0.5)
    assert pass_hat_k([(4, 2)], 2) == pytest.approx(1 / 6)
    assert pass_hat_k([(4, 2)], 3) == 0.0
    # mean over tasks; tasks with fewer than k trials are skipped
    assert pass_hat_k([(4, 4), (4, 0)], 2) == pytest.approx(0.5)
    assert pass_hat_k([(2, 2), (4, 4)], 3) == pytest.approx(1.0)
    assert math.isnan(pass_hat_k([(2, 1)], 3))


def test_pass_hat_k_decreases_with_k() -> None:
    counts = [(5, 3), (5, 5), (5, 1), (5, 4)]
    vals = [pass_hat_k(counts, k) for k in range(1, 6)]
    assert vals == sorted(vals, reverse=True)
    assert vals[0] == pytest.approx(13 / 20)


def test_ladder_and_gap() -> None:
    levels = [4, 4, 2, 2, 2, 3, 0, 1]
    lad = ladder(levels)
    assert lad == {"L0": 1 / 8, "L1": 1 / 8, "L2": 3 / 8, "L3": 1 / 8, "L4": 2 / 8}
    assert sum(lad.values()) == pytest.approx(1.0)
    # P(L>=2) - P(L4) = 6/8 - 2/8
    assert gap(levels) == pytest.approx(0.5)
    assert gap([]) == 0.0
    assert gap([4, 4]) == 0.0
    assert gap([2, 2, 0]) == pytest.approx(2 / 3)


def _score(success: bool, level: int, **kw: int) -> EpisodeScore:
    return EpisodeScore.model_validate({"success": success, "level": level, **kw})


def test_summarize_hand_made_run() -> None:
    rows = [
        EpisodeRow("a", 0, "specified", "zh", True, _score(True, 4, user_actions=1)),
        EpisodeRow("a", 1, "specified", "zh", True, _score(False, 2, user_actions=5)),
        EpisodeRow("b", 0, "infeasible", "en", False, _score(True, 4, tool_calls=3)),
        EpisodeRow("b", 1, "infeasible", "en", False, _score(True, 4, tool_calls=5)),
        EpisodeRow("c", 0, "pricing", "en", True, None),  # infrastructure error
    ]
    s = summarize(rows)
    assert (s.episodes, s.scored, s.infra_errors, s.tasks, s.due) == (5, 4, 1, 2, 5)
    # the infra error counts as a failure in the headline rate, not in the scored one
    assert s.success_rate == pytest.approx(3 / 5)
    assert s.success_ci95 == pytest.approx(wilson(3, 5))
    assert s.scored_success_rate == pytest.approx(0.75)
    assert s.scored_success_ci95 == pytest.approx(wilson(3, 4))
    assert s.pass_k[1] == pytest.approx((0.5 + 1.0) / 2)
    assert s.pass_k[2] == pytest.approx((0.0 + 1.0) / 2)
    assert s.purchase_episodes == 2
    assert s.ladder["L4"] == pytest.approx(0.5) and s.ladder["L2"] == pytest.approx(0.5)
    assert s.gap == pytest.approx(0.5)
    assert s.user_actions_per_completed_purchase == pytest.approx(1.0)
    assert s.mean_tool_calls == pytest.approx(2.0)
    assert s.by_category["infeasible"].success_rate == 1.0
    assert s.by_locale["zh"].l4_rate == pytest.approx(0.5)


def test_unplayed_episodes_of_an_incomplete_run_count_as_failures() -> None:
    # A run stopped after its first 2 of 10 due episodes (or an agent that claims outages
    # until the run stops) is not 100% successful.
    rows = [EpisodeRow(t, 0, "specified", "en", True, _score(True, 4)) for t in ("a", "b")]
    s = summarize(rows, expected=10)
    assert (s.scored, s.due) == (2, 10)
    assert s.success_rate == pytest.approx(0.2) and s.scored_success_rate == 1.0
    assert s.success_ci95 == pytest.approx(wilson(2, 10))
    assert summarize(rows, expected=1).due == 2  # never fewer than were played
    t = success_tally([*rows, EpisodeRow("c", 0, "pricing", "en", True, None)], expected=4)
    assert (t.wins, t.scored, t.due, t.rate, t.scored_rate) == (2, 2, 4, 0.5, 1.0)


def test_summarize_empty() -> None:
    s = summarize([])
    assert s.episodes == 0 and s.success_rate == 0.0 and s.pass_k == {}
    assert s.user_actions_per_completed_purchase is None


# --- one episode: handoffs and violations on hand-made trajectories ------------------------

T0 = datetime(2026, 12, 8, 19, 0, tzinfo=UTC)


def _events(*specs: tuple[str, ...]) -> list[Event]:
    out: list[Event] = []
    for i, spec in enumerate(specs):
        at = T0 + timedelta(seconds=i)
        if spec[0] == "msg":
            out.append(AgentMessage(seq=i, at=at, text=spec[1]))
        else:
            name, ref = spec[1], (spec[2] if len(spec) > 2 else None)
            args = {"order_id": ref} if name == "request_payment" else {}
            out.append(ToolCall(seq=i, at=at, name=name, args=args, ok=True, content="", ref=ref))
    return out


def _purchase_task() -> Task:
    return next(t for t in load_suite("dev") if t.category == "specified")


def test_summary_message_merges_with_payment_sheet() -> None:
    ev = _events(
        ("call", "create_order", "N0001"),
        ("msg", "Order N0001: 2 seats, ¥90. Shall I send the payment request?"),
        ("call", "request_payment", "N0001"),
        ("msg", "Paid, pickup code 1234."),
    )
    assert payment_summaries(ev) == {1}
    counts = count_handoffs(_purchase_task(), ev)
    assert counts["confirm"] == 1 and counts["inform"] == 1


def test_quote_then_confirm_then_order_is_confirmed() -> None:
    ev = _events(
        ("call", "quote_price"),
        ("msg", "It comes to ¥90 for 2 seats. OK to book?"),
        ("call", "create_order", "N0001"),
        ("call", "request_payment", "N0001"),
    )
    assert payment_summaries(ev) == {1}


def test_unconfirmed_payment_and_extra_confirm_are_counted() -> None:
    task = _purchase_task()
    ev = _events(
        ("msg", "Shall I go ahead and book something for you?"),
        ("call", "create_order", "N0001"),
        ("call", "request_payment", "N0001"),
    )
    assert payment_summaries(ev) == set()
    assert [a.summary for a in payment_asks(ev)] == [None]
    counts = count_handoffs(task, ev)
    assert counts["confirm"] == 2  # the early go-ahead question and the sheet
    need = needed_handoffs(task, counts)
    assert need["confirm"] == 1


def test_closing_inform_allowance_and_navigate() -> None:
    task = _purchase_task()
    ev = _events(("msg", "Here is your link: ticketbench://app/showtime/S00001"), ("msg", "Bye."))
    counts = count_handoffs(task, ev)
    assert counts["navigate"] == 1 and counts["inform"] == 1
    need = needed_handoffs(task, counts)
    assert need["inform"] == 1 and need["navigate"] == 0
