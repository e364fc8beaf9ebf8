"""Blind agents that use the simulated user's answers to proposals as an oracle.

Each knows only the opening and its own searches (`ticketbench.agents.blind`); each tries
to make the user pick the right candidate by yes/no questions. Run one with
`PYTHONPATH=tests ticketbench run --agent probe_agents:NAME --suite dev|test`:

- `ProposeEvery`: proposes every candidate, one per message ("Shall I book the 19:30
  showing at X on December 10?", "给您订X 12月10日 19:30那场可以吗？"), and buys the first
  the user accepts;
- `AnyOfThese`: lists every candidate and asks whether any is fine; buys the one the reply
  names by its start, else (on a yes) the first;
- `DayThenTime`: asks day by day ("Is December 10 okay?") until one is accepted, then
  proposes that day's starts one by one, then buys.

The user's rules (`ticketbench.users.proposal`) hold each to the floor of a blind guess.

Not blind (run with `--privileged`; the harness hands it the task):
- `DayProbeOracle`: the oracle, except that where the reference asks the user which day,
  it asks day by day ("Is December 12 okay?", "12月12日可以吗？") over the days on which
  the showing the opening describes (its movie, cinema and start) is on, from today on,
  and goes on with the reference once the user says yes. Against the `oracle` (which asks
  "Which day?") it measures whether yes/no questions find a hidden day more cheaply than
  the question does. They do not: on the clarify tasks (dev 16, test 78; main db66aba)
  both score 100%, with 3.00 handoffs for the oracle (0.00 excess) and 3.00 / 3.01 for
  the probe (0.25 / 0.26 excess). Every hidden day of the suite is the only day its
  showing is on, so the first guess is right; where it is not, a wrong guess is a
  turned-down proposal and the second ends the conversation, so a probe covers two days
  where the question covers all (`test_user_proposals.test_a_day_probe_tells_no_more_than
  _the_question`). Run: `PYTHONPATH=tests ticketbench run --privileged --suite dev
  --tasks clarify --agent probe_agents:DayProbeOracle`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ticketbench.agents.blind import Candidate, Finds, hold, is_zh, look_around, ticket_count
from ticketbench.agents.oracle import OracleAgent
from ticketbench.agents.reference import RefStep
from ticketbench.env.world import World, load_world
from ticketbench.protocol import Session
from ticketbench.suite.spec import Task

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


class _Probe:
    def describe(self) -> dict[str, str]:
        return {"kind": "redteam"}


def _start(c: Candidate) -> datetime | None:
    """The candidate's start, from its label ("<venue> 2026-12-10 19:30")."""
    try:
        return datetime.strptime(" ".join(c.label.split()[-2:]), "%Y-%m-%d %H:%M")
    except ValueError:
        return None


def _venue(c: Candidate) -> str:
    return " ".join(c.label.split()[:-2])


def _day(start: datetime, zh: bool) -> str:
    return f"{start.month}月{start.day}日" if zh else f"{_MONTHS[start.month - 1]} {start.day}"


def _showing(c: Candidate, zh: bool) -> str:
    start = _start(c)
    if start is None:
        return c.label
    if zh:
        return f"{_venue(c)} {_day(start, zh)} {start:%H:%M}"
    return f"the {start:%H:%M} showing at {_venue(c)} on {_day(start, zh)}"


def _yes(reply: str) -> bool:
    low = reply.casefold()
    no = any(w in low for w in ("no", "not", "不", "别", "which", "哪"))
    return not no and any(w in low for w in ("yes", "ok", "sure", "可以", "好", "行"))


async def _buy(session: Session, finds: Finds, cand: Candidate, count: int) -> None:
    order: Mapping[str, Any] | None = await hold(session, cand, count)
    if order is None or not finds.payment_methods:
        return
    zh = is_zh(session.opening)
    total = order.get("total")
    await session.say(
        f"订单摘要：{_showing(cand, zh)}，合计{total}。确认支付吗？"
        if zh
        else f"Summary: {_showing(cand, zh)}, total {total}. Shall I send the payment request?"
    )
    await session.call(
        "request_payment",
        {"order_id": order["order_id"], "payment_method_id": finds.payment_methods[0]},
    )


def _propose(c: Candidate, zh: bool) -> str:
    showing = _showing(c, zh)
    return f"给您订{showing}那场可以吗？" if zh else f"Shall I book {showing} for you?"


async def _propose_each(
    session: Session, finds: Finds, cands: Sequence[Candidate], zh: bool
) -> None:
    """Propose the candidates one message each; buy the first the user accepts."""
    for cand in cands:
        reply = await session.say(_propose(cand, zh))
        if reply is None:
            return
        if _yes(reply):
            await _buy(session, finds, cand, ticket_count(session.opening))
            return


class ProposeEvery(_Probe):
    """Proposes every candidate in turn; buys the first accepted."""

    async def run(self, session: Session) -> None:
        """Probe one proposal per message."""
        finds = await look_around(session)
        await _propose_each(session, finds, finds.candidates, is_zh(session.opening))


class AnyOfThese(_Probe):
    """Lists every candidate, asks whether any is fine, buys what the reply points at."""

    async def run(self, session: Session) -> None:
        """One list, one question, one purchase."""
        finds = await look_around(session)
        cands = finds.candidates[:20]
        if not cands:
            return
        zh = is_zh(session.opening)
        menu = "\n".join(f"{n}. {_showing(c, zh)}" for n, c in enumerate(cands, 1))
        reply = await session.say(
            f"{menu}\n" + ("这些场次可以吗？" if zh else "Are any of these okay?")
        )
        if reply is None:
            return
        named = [c for c in cands if (s := _start(c)) is not None and f"{s:%H:%M}" in reply]
        if named or _yes(reply):
            await _buy(session, finds, (named or cands)[0], ticket_count(session.opening))


class DayThenTime(_Probe):
    """Finds the day by yes/no questions, then the start, then buys."""

    async def run(self, session: Session) -> None:
        """Day by day, then start by start."""
        finds = await look_around(session)
        zh = is_zh(session.opening)
        days: dict[str, list[Candidate]] = {}
        for c in finds.candidates:
            if (s := _start(c)) is not None:
                days.setdefault(_day(s, zh), []).append(c)
        for day, cands in days.items():
            reply = await session.say(f"{day}可以吗？" if zh else f"Is {day} okay for you?")
            if reply is None:
                return
            if _yes(reply):
                await _propose_each(session, finds, cands, zh)
                return


def _days_on(task: Task, world: World) -> list[datetime]:
    """The starts, one a day from today on, of the showing the reference buys: same movie
    (or event), cinema and clock, whatever the day; what an agent that read the opening
    and searched would find."""
    ids = [str(st.args.get("showtime_id") or st.args.get("session_id") or "")
           for st in task.reference if st.tool == "create_order"]  # fmt: skip
    if not ids:
        return []
    if ids[0] in world.showtimes:
        right = world.showtimes[ids[0]]
        starts = [
            st.start
            for st in world.showtimes_by_cinema[right.cinema_id]
            if st.movie_id == right.movie_id
            and (st.start.hour, st.start.minute) == (right.start.hour, right.start.minute)
        ]
    elif ids[0] in world.sessions:
        event, _ = world.sessions[ids[0]]
        starts = [s.start for s in event.sessions]
    else:
        return []
    days = {s.date(): s for s in sorted(starts) if s.date() >= task.now.date()}
    return list(days.values())


class DayProbeOracle(OracleAgent):
    """The oracle with its question about the day turned into yes/no guesses, one day per
    message, in the order of the calendar (see the module docstring)."""

    def __init__(self, steps: Sequence[RefStep] = (), days: Sequence[datetime] = ()) -> None:
        super().__init__(steps)
        self._days = tuple(days)

    def for_episode(self, task: Task, trial: int, seed: int) -> DayProbeOracle:
        """The reference, and the days the showing is on."""
        return DayProbeOracle(task.reference, _days_on(task, load_world()))

    def describe(self) -> dict[str, str]:
        return {"kind": "redteam", "reads": "the task's reference, less the day"}

    async def ask(self, session: Session, step: RefStep) -> None:
        """Guess the day by yes/no questions; any other question as the oracle asks it."""
        if getattr(step, "slot", None) != "date" or not self._days:
            await super().ask(session, step)
            return
        zh = is_zh(session.opening)
        for start in self._days:
            day = _day(start, zh)
            reply = await session.say(f"{day}那场可以吗？" if zh else f"Is {day} okay for you?")
            if reply is None or _yes(reply):
                return
