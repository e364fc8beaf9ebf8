"""A reason given in a task that can be done must be a fact the agent saw about another option.

Played on real dev tasks with the real world and tools: the task's reference solution
books the target, and a message beside it tells the user why something cannot be done.
"The 19:30 is sold out, so I booked the 21:00" (true, seen, about another showing) passes;
"Sorry, it's sold out; if you still want to try, here's the link" (`Hedge`) fails, and so
do its cheaper disguises: naming the showing it hands over, naming another showing that is
not sold out, or one it never looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ticketbench.env.models import Showtime
from ticketbench.env.state import TicketEnv
from ticketbench.env.tools import AGENT_TOOLS
from ticketbench.env.world import load_world
from ticketbench.suite.checker import CheckResult, Transcript, check
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.draft import run_payment
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.trajectory import ToolCall

FALSE_REFUSAL = "(a false refusal)"


def _pair() -> tuple[Task, Task]:
    """The first zh/en pair of dev 'specified' tasks buying one showtime whose cinema
    plays the movie at another time that day (the showing the agent reports on)."""
    world = load_world()
    by_pair: dict[str, list[Task]] = {}
    for t in load_suite("dev"):
        if (
            t.category == "specified"
            and len(t.expect.orders) == 1
            and t.expect.orders[0].showtime_ids
        ):
            by_pair.setdefault(t.pair_id or t.id, []).append(t)
    for tasks in by_pair.values():
        if {t.locale for t in tasks} == {"zh", "en"} and _other(world.showtimes, tasks[0]):
            zh = next(t for t in tasks if t.locale == "zh")
            en = next(t for t in tasks if t.locale == "en")
            return zh, en
    raise AssertionError("no zh/en pair of specified tasks with another showing")


def _target(task: Task) -> str:
    return task.expect.orders[0].showtime_ids[0]


def _other(showtimes: Any, task: Task) -> Showtime | None:
    """Another showing of the target's movie at its cinema, on its day, at another time."""
    st = showtimes[_target(task)]
    for s in showtimes.values():
        if (s.cinema_id, s.movie_id, s.start.date()) == (
            st.cinema_id,
            st.movie_id,
            st.start.date(),
        ) and s.start != st.start:
            return s  # type: ignore[no-any-return]
    return None


def _elsewhere(showtimes: Any, task: Task) -> Showtime:
    """A showing at another cinema, at a time of day no showing of the target's day at the
    target's cinema has (the reference's search lists those)."""
    st = showtimes[_target(task)]
    near = {
        _clock(s)
        for s in showtimes.values()
        if (s.cinema_id, s.start.date()) == (st.cinema_id, st.start.date())
    }
    return next(
        s for s in showtimes.values() if s.cinema_id != st.cinema_id and _clock(s) not in near
    )  # type: ignore[no-any-return]


def _clock(st: Showtime) -> str:
    return st.start.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")


class _Episode:
    """An agent's side of one episode on a real env: tool calls recorded as the runner does."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.env: TicketEnv = make_env(task, load_world())
        self.calls: list[ToolCall] = []
        self.said: list[str] = []

    def call(self, name: str, args: dict[str, Any]) -> ToolCall:
        res = AGENT_TOOLS.call(self.env, name, args)
        tc = ToolCall(
            seq=len(self.calls), at=datetime.now(UTC), name=name, args=args, ok=res.ok,
            error_code=res.error.code if res.error else None, content=res.content,
        )  # fmt: skip
        self.calls.append(tc)
        return tc

    def book_target(self) -> None:
        """The task's reference solution (its payment approved, as the user would)."""
        for step in self.task.reference:
            if step.kind == "call":
                assert self.call(step.tool, dict(step.args)).ok, step
            elif step.kind == "pay":
                run_payment(self.env, dict(step.args))
                self.calls.append(
                    ToolCall(seq=len(self.calls), at=datetime.now(UTC), name="request_payment",
                             args=dict(step.args), ok=True, content="payment requested")
                )  # fmt: skip
            else:
                self.said.append(step.text)

    def fill(self, st: Showtime) -> None:
        """Sell every seat of `st` (the world's state before the agent looks)."""
        sm = self.env.world.halls[st.hall_id]
        from ticketbench.env.seats.seatmap import seat_map

        self.env.set_taken_seats(st.id, {s: "O-other" for s in seat_map(sm).seats})

    def result(self) -> CheckResult:
        talk = Transcript(self.said, heard=(self.task.opening,), calls=self.calls)
        return check(self.task, self.env, talk, clarified=True)


PAIR = _pair()
SOLD_OUT = {
    "zh": "{t}那场已售罄，我给您订了{b}那场。",
    "en": "The {t} is sold out, so I booked the {b} for you.",
}


def _play(task: Task, prepare: Callable[[_Episode, Showtime], str]) -> CheckResult:
    ep = _Episode(task)
    other = _other(ep.env.world.showtimes, task)
    assert other is not None
    message = prepare(ep, other)
    ep.book_target()
    ep.said.append(message)
    return ep.result()


@pytest.mark.parametrize("task", PAIR, ids=lambda t: t.locale)
def test_a_true_seen_report_on_another_showing_beside_the_purchase_succeeds(task: Task) -> None:
    def honest(ep: _Episode, other: Showtime) -> str:
        ep.fill(other)
        assert ep.call("seat_map", {"showtime_id": other.id}).ok  # it looked
        booked = ep.env.world.showtimes[_target(task)]
        return SOLD_OUT[task.locale].format(t=_clock(other), b=_clock(booked))

    res = _play(task, honest)
    assert res.passed, res.reasons


@pytest.mark.parametrize("task", PAIR, ids=lambda t: t.locale)
def test_a_hedge_fails_a_task_that_can_be_done(task: Task) -> None:
    def hedge(ep: _Episode, other: Showtime) -> str:
        link = ep.call("booking_link", {"showtime_id": _target(task)})
        assert link.ok
        return {
            "zh": f"抱歉，连座不够了。\n如果您还想试试，最推荐这个：{link.content}",
            "en": "Sorry, it is sold out.\nIf you still want to try, I recommend this one: "
            + link.content,
        }[task.locale]

    res = _play(task, hedge)
    assert not res.passed and any(FALSE_REFUSAL in r for r in res.reasons), res.reasons
    assert res.state_ok  # the purchase itself was right: the words alone fail it


@pytest.mark.parametrize("task", PAIR, ids=lambda t: t.locale)
def test_the_reason_must_be_about_a_named_option_not_handed_over(task: Task) -> None:
    def about_the_target(ep: _Episode, other: Showtime) -> str:
        target = ep.env.world.showtimes[_target(task)]
        ep.fill(other)
        ep.call("seat_map", {"showtime_id": other.id})
        # the sold-out showing was seen, but the message is about the one it books
        return {
            "zh": f"抱歉，{_clock(target)}那场已售罄。",
            "en": f"Sorry, the {_clock(target)} is sold out.",
        }[task.locale]

    res = _play(task, about_the_target)
    assert not res.passed and any(FALSE_REFUSAL in r for r in res.reasons), res.reasons


@pytest.mark.parametrize("task", PAIR, ids=lambda t: t.locale)
def test_a_false_or_unseen_claim_about_another_showing_fails(task: Task) -> None:
    booked_clock = _clock(load_world().showtimes[_target(task)])

    def false_claim(ep: _Episode, other: Showtime) -> str:
        ep.call("seat_map", {"showtime_id": other.id})  # seen, but seats are left
        return SOLD_OUT[task.locale].format(t=_clock(other), b=booked_clock)

    def unseen_claim(ep: _Episode, other: Showtime) -> str:
        # true of a showing at another cinema, which no tool result of the episode showed
        away = _elsewhere(ep.env.world.showtimes, task)
        ep.fill(away)
        return SOLD_OUT[task.locale].format(t=_clock(away), b=booked_clock)

    for prepare in (false_claim, unseen_claim):
        res = _play(task, prepare)
        assert not res.passed and any(FALSE_REFUSAL in r for r in res.reasons), res.reasons


@pytest.mark.parametrize("task", PAIR, ids=lambda t: t.locale)
def test_a_reason_inside_a_report_of_the_purchase_refuses_nothing(task: Task) -> None:
    def report(ep: _Episode, other: Showtime) -> str:
        return {
            "zh": "第3排已经没有2个连在一起的座位了，所以已为您订好5排的座位。",
            "en": "Row 3 had no 2 seats together, so I've booked row 5 for you.",
        }[task.locale]

    res = _play(task, report)
    assert res.passed, res.reasons
