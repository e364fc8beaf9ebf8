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
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ticketbench.env.models import Coupon, Showtime
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
    """The showing the task is about: its order's, or its refusal's."""
    if task.expect.orders:
        return task.expect.orders[0].showtime_ids[0]
    return task.expect.reason_about[0]


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


# --- an infeasible task's refusal that explains the other options too ----------------------


def _infeasible_pair(reason: str) -> tuple[Task, Task]:
    """The first zh/en pair of dev tasks that cannot be done for `reason`, about a showtime
    whose cinema plays the movie at another time that day, with a budget in the opening."""
    from ticketbench.suite.audit.reading import read_request

    world = load_world()
    by_pair: dict[str, list[Task]] = {}
    for t in load_suite("dev"):
        x = t.expect.reason_about[0] if t.expect.reason_about else ""
        if t.expect.reason == reason and x in world.showtimes:
            by_pair.setdefault(t.pair_id or t.id, []).append(t)
    for tasks in by_pair.values():
        t = tasks[0]
        req = read_request(world, world.users[t.user_id], t.now, t.opening)
        if (
            {x.locale for x in tasks} == {"zh", "en"}
            and req.budget_fen is not None
            and _other(world.showtimes, t)
        ):
            return next(x for x in tasks if x.locale == "zh"), next(
                x for x in tasks if x.locale == "en"
            )
    raise AssertionError(f"no zh/en pair of {reason} tasks with another showing and a budget")


OVER = _infeasible_pair("over_budget")


def _refuse(task: Task, prepare: Callable[[_Episode, Showtime], str]) -> CheckResult:
    """Play the reference (which looks at the task's showing and refuses), then the message
    `prepare` writes after doing what it does on the episode."""
    ep = _Episode(task)
    other = _other(ep.env.world.showtimes, task)
    assert other is not None
    ep.book_target()  # an infeasible task's reference looks and refuses: no order
    ep.said = [prepare(ep, other)]
    return ep.result()


def _own(task: Task) -> str:
    return _clock(load_world().showtimes[_target(task)])


EXPLAINED = {
    "zh": "{own}那场最便宜也超出您的预算，{o}那场已售罄，所以没有下单。",
    "en": "The {own} is over your budget even at its cheapest, and the {o} is sold out, "
    "so I did not book.",
}


@pytest.mark.parametrize("task", OVER, ids=lambda t: t.locale)
def test_a_refusal_explaining_another_option_with_its_own_true_reason_succeeds(
    task: Task,
) -> None:
    def honest(ep: _Episode, other: Showtime) -> str:
        ep.fill(other)
        assert ep.call("seat_map", {"showtime_id": other.id}).ok  # it looked
        return EXPLAINED[task.locale].format(own=_own(task), o=_clock(other))

    res = _refuse(task, honest)
    assert res.passed, res.reasons


def _contradicted(res: CheckResult) -> bool:
    return not res.passed and any("not the task's" in r for r in res.reasons)


@pytest.mark.parametrize("task", OVER, ids=lambda t: t.locale)
def test_the_cheapest_ways_around_the_alternatives_rule_fail(task: Task) -> None:
    """Blind agents that would pass a rule accepting any extra reason on any named option:
    every reason pinned on every option; a true reason on an option never looked up; a true
    reason plus an invented one."""
    stuffed = {
        "zh": "{own}那场和{o}那场都已售罄，线上售票已经截止，超出您的预算，"
        "还没开售，每个证件限购1张。",
        "en": "The {own} and the {o} are sold out, sales have closed, it is over your budget, "
        "not on sale yet, one ticket per ID.",
    }[task.locale]

    def every_reason_everywhere(ep: _Episode, other: Showtime) -> str:
        ep.fill(other)
        ep.call("seat_map", {"showtime_id": other.id})
        return stuffed.format(own=_own(task), o=_clock(other))

    def never_looked(ep: _Episode, other: Showtime) -> str:
        ep.fill(other)  # true, but no tool result of the episode showed it
        return EXPLAINED[task.locale].format(own=_own(task), o=_clock(other))

    def invented(ep: _Episode, other: Showtime) -> str:
        ep.call("seat_map", {"showtime_id": other.id})  # seen: seats are left
        return EXPLAINED[task.locale].format(own=_own(task), o=_clock(other))

    for prepare in (every_reason_everywhere, never_looked, invented):
        res = _refuse(task, prepare)
        assert _contradicted(res), (prepare.__name__, res.reasons)


@pytest.mark.parametrize("task", OVER, ids=lambda t: t.locale)
def test_the_tasks_reason_must_be_stated_of_the_option_asked_for(task: Task) -> None:
    def elsewhere(ep: _Episode, other: Showtime) -> str:
        ep.fill(other)
        ep.call("seat_map", {"showtime_id": other.id})
        # a true, seen reason about the other showing, and the task's own pinned on it too
        return {
            "zh": f"{_clock(other)}那场已售罄，也超出您的预算。",
            "en": f"The {_clock(other)} is sold out and over your budget.",
        }[task.locale]

    res = _refuse(task, elsewhere)
    assert not res.passed
    assert any("only of other options" in r for r in res.reasons), res.reasons


@pytest.mark.parametrize("task", OVER, ids=lambda t: t.locale)
def test_a_refusal_of_the_request_alone_still_scores(task: Task) -> None:
    """No option named: the reason is the request's, as the reference words it."""
    res = _refuse(task, lambda ep, other: ep.said[-1])
    assert res.passed, res.reasons


# --- live events: zones, and coupons that bring a session under the budget ------------------


def _event_pair() -> tuple[Task, Task]:
    """The first zh/en pair of dev tasks buying tickets of one zone of a session, within a
    cap (made the user's budget), of an event that is not real-name (a quote needs no
    attendee), has another session and a zone over the cap, for a user holding no coupon
    for events."""
    world = load_world()
    by_pair: dict[str, list[Task]] = {}
    for t in load_suite("dev"):
        specs = t.expect.orders
        if not (t.expect.feasible and len(specs) == 1 and specs[0].session_ids):
            continue
        spec = specs[0]
        event, _ = world.sessions[spec.session_ids[0]]
        over = [
            z for z in event.zones if (z.price_fen + event.service_fee_fen) * spec.count
            > (spec.max_total_fen or 10**9)
        ]  # fmt: skip
        if (
            spec.max_total_fen is not None
            and spec.zone_ids
            and over
            and not event.real_name
            and len(event.sessions) > 1
            and all(c.scope == "movie" for c in world.users[t.user_id].coupons)
        ):
            by_pair.setdefault(t.pair_id or t.id, []).append(t)
    for tasks in by_pair.values():
        if {t.locale for t in tasks} == {"zh", "en"}:
            zh = next(t for t in tasks if t.locale == "zh")
            en = next(t for t in tasks if t.locale == "en")
            return _with_budget(zh), _with_budget(en)
    raise AssertionError("no zh/en pair of event tasks with a cap and another session")


def _with_budget(task: Task) -> Task:
    """`task` with its order's cap as the user's own budget (a "cheapest" task's cap is the
    optimum, which the user never stated: no reason is over it)."""
    cap = task.expect.orders[0].max_total_fen
    return task.model_copy(update={"goal": task.goal.model_copy(update={"budget_fen": cap})})


EVENT = _event_pair()


def _session_play(task: Task, prepare: Callable[[_Episode, str], str]) -> CheckResult:
    """Book the task's session by its reference, then say what `prepare` writes about
    another session of the event (named by id: the sessions of a run share a start time)."""
    ep = _Episode(task)
    spec = task.expect.orders[0]
    event, _ = ep.env.world.sessions[spec.session_ids[0]]
    other = next(s.id for s in event.sessions if s.id not in spec.session_ids)
    message = prepare(ep, other)
    ep.book_target()
    ep.said.append(message)
    return ep.result()


def _fill_zone(ep: _Episode, session_id: str, zone_id: str) -> None:
    event, _ = ep.env.world.sessions[session_id]
    zone = next(z for z in event.zones if z.id == zone_id)
    ep.env.set_zone_taken(session_id, zone_id, zone.capacity)


def _false_refusal(res: CheckResult) -> bool:
    return any(FALSE_REFUSAL in r for r in res.reasons)


@pytest.mark.parametrize("task", EVENT, ids=lambda t: t.locale)
def test_a_session_whose_wanted_zone_is_sold_out_may_be_called_sold_out(task: Task) -> None:
    spec = task.expect.orders[0]
    event, _ = load_world().sessions[spec.session_ids[0]]
    says = {"zh": "{s}场次想要的区域已售罄。", "en": "Session {s} is sold out in your zone."}

    def wanted_zone_full(ep: _Episode, other: str) -> str:
        for z in spec.zone_ids:
            _fill_zone(ep, other, z)
        assert ep.call("get_event", {"event_id": event.id}).ok  # it looked
        return says[task.locale].format(s=other)

    def another_zone_full(ep: _Episode, other: str) -> str:
        _fill_zone(ep, other, next(z.id for z in event.zones if z.id not in spec.zone_ids))
        assert ep.call("get_event", {"event_id": event.id}).ok
        return says[task.locale].format(s=other)

    res = _session_play(task, wanted_zone_full)
    assert res.passed, res.reasons
    res = _session_play(task, another_zone_full)  # the zone the user wants has tickets
    assert not res.passed and _false_refusal(res), res.reasons


@pytest.mark.parametrize("task", EVENT, ids=lambda t: t.locale)
def test_a_session_is_over_budget_only_if_no_coupon_brings_it_under(task: Task) -> None:
    """Every zone within the budget is full in the other session, so its cheapest way in is
    over the budget; then the user holds a coupon that brings it back under."""
    spec = task.expect.orders[0]
    budget = spec.max_total_fen
    assert budget is not None
    says = {"zh": "{s}场次最便宜也超出您的预算了。", "en": "Session {s} is over your budget."}

    def only_dear_zones(ep: _Episode, other: str, coupon: int) -> str:
        event, _ = ep.env.world.sessions[other]
        left = [
            z for z in event.zones
            if (z.price_fen + event.service_fee_fen) * spec.count > budget
        ]  # fmt: skip
        for z in event.zones:
            if z not in left:
                _fill_zone(ep, other, z.id)
        dear = min(left, key=lambda z: z.price_fen)
        if coupon:
            user = ep.env.user()
            gift = Coupon(
                id=f"{user.id}-CPX", title="event coupon", scope="event", threshold_fen=0,
                amount_fen=(dear.price_fen + event.service_fee_fen) * spec.count - budget,
                valid_from=task.now - timedelta(days=1), expires=task.now + timedelta(days=90),
            )  # fmt: skip
            ep.env.put_user(user.model_copy(update={"coupons": (*user.coupons, gift)}))
        quote = {"session_id": other, "zone_id": dear.id, "quantity": spec.count}
        assert ep.call("quote_price", quote).ok  # it looked
        return says[task.locale].format(s=other)

    res = _session_play(task, lambda ep, other: only_dear_zones(ep, other, coupon=0))
    assert res.passed, res.reasons
    res = _session_play(task, lambda ep, other: only_dear_zones(ep, other, coupon=1))
    assert _false_refusal(res), res.reasons  # the user's coupon brings it to the budget


def _cheapest_pair() -> tuple[Task, Task]:
    """The first zh/en pair of dev "cheapest" tasks buying a showing, whose user states no
    budget, with a dearer showing of the movie at that cinema that day."""
    by_pair: dict[str, list[Task]] = {}
    for t in load_suite("dev"):
        specs = t.expect.orders
        if (
            t.expect.optimal == "cheapest"
            and t.goal.budget_fen is None
            and len(specs) == 1
            and specs[0].showtime_ids
        ):
            by_pair.setdefault(t.pair_id or t.id, []).append(t)
    for tasks in by_pair.values():
        if {t.locale for t in tasks} == {"zh", "en"} and _dearer(_Episode(tasks[0])):
            return next(t for t in tasks if t.locale == "zh"), next(
                t for t in tasks if t.locale == "en"
            )
    raise AssertionError("no zh/en pair of cheapest tasks with a dearer showing")


def _dearer(ep: _Episode) -> tuple[Showtime, tuple[str, ...]] | None:
    """A showing of the task's movie at its cinema that day dearer than the optimum, with
    the seats of its cheapest way in."""
    from ticketbench.suite.ground_truth import lowest_total
    from ticketbench.suite.spec import SeatRule

    spec = ep.task.expect.orders[0]
    st = ep.env.world.showtimes[spec.showtime_ids[0]]
    for s in ep.env.world.showtimes.values():
        if (s.cinema_id, s.movie_id, s.start.date()) != (
            st.cinema_id,
            st.movie_id,
            st.start.date(),
        ):
            continue
        best = lowest_total(ep.env, s.id, spec.count, SeatRule(), ("standard", "vip", "couple"))
        if best is not None and best[0] > (spec.max_total_fen or 0):
            return s, best[1]
    return None


@pytest.mark.parametrize("task", _cheapest_pair(), ids=lambda t: t.locale)
def test_nothing_is_over_a_budget_the_user_never_stated(task: Task) -> None:
    """A "cheapest" task's cap is the optimum: a dearer showing is dearer, not over budget."""
    ep = _Episode(task)
    found = _dearer(ep)
    assert found is not None
    dear, seats = found
    assert ep.call("quote_price", {"showtime_id": dear.id, "seats": list(seats)}).ok
    ep.book_target()
    ep.said.append(
        {
            "zh": f"{_clock(dear)}那场超出您的预算了。",
            "en": f"The {_clock(dear)} is over your budget.",
        }[task.locale]
    )
    res = ep.result()
    assert not res.passed and _false_refusal(res), res.reasons
