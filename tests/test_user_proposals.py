"""The user checks a proposed option against what it wants, and guessing costs the agent.

"Is the 19:30 one okay?" gets a no (in the user's language, naming no value) when it
contradicts the user's opening or hidden answers, and a yes when it fits; a yes never tells
more than the user knows (a "nearest" or "cheapest" it cannot judge); "any of these?" gets
no yes. A proposal against what the user already said makes it leave at once; against a
hidden wish, the second such proposal does. Probes that know the right showing is among
their candidates and propose them in turn fail.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import timedelta

import pytest
from appkit import RecordingApp
from test_user_behaviour import (
    _Cheater,
    movie_tasks,
    order_at,
    play,
    right_showtime,
    show_sheet,
    wrong_showtimes,
)

from ticketbench.agents.registry import load_agent
from ticketbench.env.models import MemberCard, Showtime
from ticketbench.env.world import World, load_world
from ticketbench.protocol import Session
from ticketbench.records import EpisodeRecord
from ticketbench.runner import run_episodes
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.trajectory import UserMessage
from ticketbench.users import ScriptedUser
from ticketbench.users.base import Reply
from ticketbench.users.proposal import named_in

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def dev() -> dict[str, Task]:
    return {t.id: t for t in load_suite("dev")}


def label(world: World, st: Showtime, zh: bool) -> str:
    """A showing as an assistant would name it: cinema, day, start."""
    cinema = world.cinemas[st.cinema_id]
    if zh:
        return f"{cinema.name_zh} {st.start.month}月{st.start.day}日 {st.start:%H:%M}"
    return f"{cinema.name_en} on {st.start:%B} {st.start.day} at {st.start:%H:%M}"


def propose(world: World, st: Showtime, zh: bool) -> str:
    showing = label(world, st, zh)
    return f"给您订{showing}那场可以吗？" if zh else f"Shall I book {showing} for you?"


class Talk:
    """One user in one episode, spoken to message by message."""

    def __init__(self, task: Task, world: World) -> None:
        self.user = ScriptedUser(task, world=world)
        self.app = RecordingApp(make_env(task, world))

    def say(self, text: str) -> Reply:
        return asyncio.run(self.user.reply(text, self.app))


def assert_in_language(r: Reply, task: Task) -> None:
    assert bool(CJK.search(r.text)) == (task.locale == "zh"), r.text
    assert not re.search(r"\d", r.text), r.text  # it names what is off, never the value


def other_showing(task: Task, world: World, *, day: bool) -> Showtime:
    """A showing of the same movie at the same cinema on another day (day=True) or on the
    same day at another time."""
    right = world.showtimes[right_showtime(task)]
    for st in world.showtimes_by_cinema[right.cinema_id]:
        if st.movie_id != right.movie_id or st.id == right.id:
            continue
        same_day = st.start.date() == right.start.date()
        if same_day != day and (st.start.hour, st.start.minute) != (
            right.start.hour,
            right.start.minute,
        ):
            return st
    pytest.skip(f"{task.id}: no other showing at the cinema")


SPECIFIED = ("dev-specified-010", "dev-specified-011", "dev-specified-012", "dev-specified-013")


@pytest.mark.parametrize("task_id", SPECIFIED)
def test_the_showing_the_user_asked_for_gets_a_yes(
    task_id: str, dev: dict[str, Task], world: World
) -> None:
    task = dev[task_id]
    r = Talk(task, world).say(
        propose(world, world.showtimes[right_showtime(task)], task.locale == "zh")
    )
    assert r.leave is None and r.intent == "confirm"
    assert ("可以" if task.locale == "zh" else "Yes") in r.text


@pytest.mark.parametrize("task_id", SPECIFIED)
@pytest.mark.parametrize("day", [True, False])
def test_a_proposal_against_what_the_user_said_ends_it(
    task_id: str, day: bool, dev: dict[str, Task], world: World
) -> None:
    task = dev[task_id]
    r = Talk(task, world).say(
        propose(world, other_showing(task, world, day=day), task.locale == "zh")
    )
    assert r.leave == "declined"
    assert_in_language(r, task)
    what = {"zh": ("那天", "时间"), "en": ("day", "time")}[task.locale][0 if day else 1]
    assert what in r.text


def test_other_named_values_are_checked(dev: dict[str, Task], world: World) -> None:
    zh, en = dev["dev-specified-010"], dev["dev-specified-011"]  # a stated count and clock
    n = zh.goal.orders[0].count
    assert Talk(zh, world).say(f"给您订{n + 1}张可以吗？").leave == "declined"
    assert Talk(en, world).say(f"Shall I book {n + 1} tickets then?").leave == "declined"
    zh_start = world.showtimes[right_showtime(zh)].start
    assert (zh_start.date() - zh.now.date()).days != 1 or zh_start.hour != 10
    assert Talk(zh, world).say("给您订明早10点那场可以吗？").leave == "declined"
    start = world.showtimes[right_showtime(en)].start
    wrong = (start.hour + 3) % 24
    r = Talk(en, world).say(f"How about the {wrong:02d}:{start.minute:02d} one?")
    assert r.leave == "declined" and "time" in r.text
    ok = f"Shall I book {en.goal.orders[0].count} tickets at {start:%H:%M}?"
    assert Talk(en, world).say(ok).leave is None


@pytest.mark.parametrize("task_id", ["dev-clarify-000", "dev-clarify-001"])
def test_a_hidden_wish_is_answered_truthfully_and_guessing_costs(
    task_id: str, dev: dict[str, Task], world: World
) -> None:
    """The count is hidden (2): a wrong count gets a no, not a leave (the agent could not
    know); the second wrong guess ends the conversation; the right count gets a yes."""
    task = dev[task_id]

    def offer(n: int) -> str:
        return f"给您订{n}张可以吗？" if task.locale == "zh" else f"Shall I book {n} tickets?"

    talk = Talk(task, world)
    first = talk.say(offer(3))
    assert first.leave is None and first.intent == "confirm"
    assert_in_language(first, task)
    assert talk.say(offer(4)).leave == "declined"
    right = Talk(task, world).say(offer(2))
    assert right.leave is None and ("可以" in right.text or "Yes" in right.text)
    # once the user told the count, a proposal against it was not listening
    told = Talk(task, world)
    told.say("几张？" if task.locale == "zh" else "How many tickets?")
    assert told.say(offer(3)).leave == "declined"


@pytest.mark.parametrize("task_id", ["dev-constrained-010", "dev-constrained-011"])
def test_a_yes_tells_no_more_than_the_user_knows(
    task_id: str, dev: dict[str, Task], world: World
) -> None:
    """The user wants the nearest cinema: it cannot tell which that is, so a showing that
    fits its words elsewhere gets the same yes as the right one."""
    task = dev[task_id]
    zh = task.locale == "zh"
    right = world.showtimes[right_showtime(task)]
    spec = set(task.goal.orders[0].showtime_ids)
    elsewhere = next(
        st
        for st in world.showtimes_by_movie[right.movie_id]
        if st.id not in spec
        and st.start.date() == right.start.date()
        and st.start.hour >= 18
        and world.cinemas[st.cinema_id].city_id == world.cinemas[right.cinema_id].city_id
    )
    yes_right = Talk(task, world).say(propose(world, right, zh))
    yes_other = Talk(task, world).say(propose(world, elsewhere, zh))
    assert yes_right.text == yes_other.text and yes_other.leave is None


@pytest.mark.parametrize("task_id", ["dev-specified-010", "dev-specified-011"])
def test_any_of_these_gets_no_yes(task_id: str, dev: dict[str, Task], world: World) -> None:
    task = dev[task_id]
    zh = task.locale == "zh"
    right = world.showtimes[right_showtime(task)]
    other = other_showing(task, world, day=False)
    listing = "\n".join(f"{n}. {label(world, st, zh)}" for n, st in enumerate((other, right), 1))
    for text in (
        ("有这几场：\n" + listing + "\n可以吗？") if zh else ("Options:\n" + listing + "\nOkay?"),
        f"{label(world, other, zh)}或者{label(world, right, zh)}，都可以吗？"
        if zh
        else f"Is {label(world, other, zh)} or {label(world, right, zh)} fine?",
    ):
        r = Talk(task, world).say(text)
        assert r.leave is None and "可以" not in r.text and "Yes" not in r.text, (text, r.text)


def test_a_total_over_the_budget_is_turned_down(world: World) -> None:
    task = next(
        t
        for t in load_suite("dev")
        if t.locale == "en" and t.goal.budget_fen and t.expect.outcome == "purchase"
    )
    budget = task.goal.budget_fen
    assert budget is not None
    r = Talk(task, world).say(f"Summary: total ¥{budget // 100 + 30}.00. Shall I pay?")
    assert r.leave is not None or "spend" in r.text


def test_what_a_proposal_names(dev: dict[str, Task], world: World) -> None:
    task = dev["dev-specified-010"]
    user = world.users[task.user_id]
    n = named_in(
        world, user, task.now, "订单：CGV 2026-12-10 12:30-14:40，合计¥95.00，请在12:15前支付"
    )
    assert n.clocks == {(12, 30)} and n.totals == {9500} and len(n.days) == 1
    n = named_in(world, user, task.now, "Row 3, seats 3-4 and 3-5, two tickets")
    assert n.rows == {3} and n.seats == {"3-4", "3-5"} and n.counts == {2}


@pytest.mark.parametrize("task_id", SPECIFIED)
def test_the_hold_deadline_names_no_showing(
    task_id: str, dev: dict[str, Task], world: World
) -> None:
    """The service writes a hold's deadline as "hold_until": "2026-12-10 12:15 (15 min
    left)". It is no second showing: a summary carrying it names one clock, so the user
    still checks the proposed time (with the stamp's clock beside it, two clocks named
    checked none, and a summary of the wrong time got a yes)."""
    task = dev[task_id]
    zh = task.locale == "zh"
    user = world.users[task.user_id]
    wrong = other_showing(task, world, day=False)
    deadline = (wrong.start - timedelta(minutes=15)).strftime("%Y-%m-%d %H:%M")
    for stamp in (
        f'"hold_until": "{deadline} (15 min left)"',
        f"hold until {deadline}",
        f"please pay by {deadline}",
        f"请在{deadline}前支付",
        f"保留到 {deadline}",
    ):
        summary = f"{label(world, wrong, zh)}，{stamp}"
        assert named_in(world, user, task.now, summary).clocks == {
            (wrong.start.hour, wrong.start.minute)
        }, summary
        r = Talk(task, world).say(
            f"{summary}。确认下单吗？" if zh else f"{summary}. Shall I book it?"
        )
        assert r.leave == "declined", (stamp, r.text)
        assert ("时间" if zh else "time") in r.text


# --- probes that know the right showing is among their candidates ----------------------


class ProposeEach(_Cheater):
    """Proposes each candidate in turn ("Is X okay?") and buys the first the user accepts
    (the right one comes last)."""

    async def run(self, session: Session) -> None:
        assert self.task is not None and self.world is not None
        zh = self.task.locale == "zh"
        for sid in self.candidates():
            reply = await session.say(propose(self.world, self.world.showtimes[sid], zh))
            if reply is None:
                return
            if "可以" in reply or "Yes" in reply:
                oid = await order_at(session, sid, self.task.goal.orders[0].count)
                if oid is not None:
                    await session.say("订单摘要如上，确认支付吗？" if zh else "Shall I pay?")
                    await show_sheet(session, oid)
                return


class AnyOfThese(_Cheater):
    """Lists every candidate and asks whether any is fine, then buys what the reply names
    or, on a yes, the first."""

    async def run(self, session: Session) -> None:
        assert self.task is not None and self.world is not None
        zh = self.task.locale == "zh"
        cands = self.candidates()
        listing = "\n".join(
            f"{n}. {label(self.world, self.world.showtimes[s], zh)}" for n, s in enumerate(cands, 1)
        )
        reply = await session.say(f"{listing}\n" + ("这些可以吗？" if zh else "Any of these okay?"))
        if reply is None:
            return
        pick = next((s for s in cands if self.world.showtimes[s].start.strftime("%H:%M") in reply),
                    cands[0])  # fmt: skip
        oid = await order_at(session, pick, self.task.goal.orders[0].count)
        if oid is not None:
            await show_sheet(session, oid)


def _probe_tasks(tasks: Sequence[Task], world: World) -> list[Task]:
    return [t for t in movie_tasks(tasks) if len(wrong_showtimes(t, world, 3)) == 3][:24]


@pytest.mark.parametrize("agent", [ProposeEach, AnyOfThese])
def test_probes_that_know_the_candidates_fail(agent: type[_Cheater], world: World) -> None:
    tasks = _probe_tasks(load_suite("dev"), world)
    assert len(tasks) >= 12 and {t.locale for t in tasks} == {"zh", "en"}
    records = play(agent(None, world), tasks, world)
    wins = [r.task_id for r in records if r.score is not None and r.score.success]
    assert wins == [], wins
    for r in records:
        if agent is AnyOfThese:
            said = [e for e in r.events if isinstance(e, UserMessage) and e.intent == "confirm"]
            assert not any("可以" in e.text or "Yes" in e.text for e in said), r.task_id


@pytest.mark.parametrize("name", ["ProposeEvery", "DayThenTime", "AnyOfThese"])
def test_a_blind_probe_wins_only_where_its_first_guess_was_right(name: str) -> None:
    """The user's no leads a blind prober nowhere: every episode it wins, it won with the
    first proposal the user heard (a correct proposal deserves its yes), and no episode goes
    on after a second turned-down proposal."""
    tasks = [t for t in load_suite("dev") if t.category in ("specified", "clarify", "time")]
    records: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        records.append(rec)

    agent = load_agent(f"probe_agents:{name}")
    jobs = [(t, 0) for t in tasks]
    asyncio.run(run_episodes(jobs, agent, RunSettings(concurrency=4), load_world(), sink=sink))
    assert len(records) == len(tasks)
    turned_down = ("不行", "不对", "No, ")
    for rec in records:
        said = [e.text for e in rec.events if isinstance(e, UserMessage) and e.intent == "confirm"]
        noes = [s for s in said if s.startswith(turned_down)]
        assert len(noes) <= 2, rec.task_id
        if rec.score is not None and rec.score.success:
            assert not noes, (rec.task_id, said)


def _card_task(world: World, locale: str) -> tuple[Task, MemberCard, MemberCard]:
    """The first dev task of `locale` whose opening asks for one of the user's member
    cards by its brand, that card, and a card of another brand (some user's)."""
    for task in load_suite("dev"):
        card_id = task.goal.orders[0].card_id if len(task.goal.orders) == 1 else None
        if task.locale != locale or card_id is None:
            continue
        card = next(c for c in world.users[task.user_id].member_cards if c.id == card_id)
        if (card.brand_zh if locale == "zh" else card.brand_en) in task.opening:
            break
    else:
        pytest.fail(f"no {locale} dev task asks for a member card by its brand")
    other = next(
        c for u in world.users.values() for c in u.member_cards if c.brand_en != card.brand_en
    )
    return task, card, other


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_card_other_than_the_one_asked_for_is_turned_down(locale: str, world: World) -> None:
    task, card, other = _card_task(world, locale)  # "用我的X会员卡打折" / "with my X member card"

    def apply(c: MemberCard) -> str:
        if locale == "zh":
            return f"给您用{c.brand_zh}会员卡打折，可以吗？"
        return f"Shall I apply your {c.brand_en} member card?"

    r = Talk(task, world).say(apply(other))
    assert r.leave == "declined"
    assert_in_language(r, task)
    assert Talk(task, world).say(apply(card)).leave is None


@pytest.mark.parametrize("task_id", ["dev-specified-010", "dev-specified-011"])
def test_a_list_then_the_nth_one_is_checked_as_that_one(
    task_id: str, dev: dict[str, Task], world: World
) -> None:
    task = dev[task_id]
    zh = task.locale == "zh"
    right = world.showtimes[right_showtime(task)]
    other = other_showing(task, world, day=False)
    listing = "\n".join(f"{n}. {label(world, st, zh)}" for n, st in enumerate((other, right), 1))
    head = "有这几场：\n" if zh else "Options:\n"
    second = "给您订第二个可以吗？" if zh else "Shall I book the second one?"
    first = "给您订第一个可以吗？" if zh else "Shall I book the first one?"
    assert Talk(task, world).say(f"{head}{listing}\n{second}").leave is None
    assert Talk(task, world).say(f"{head}{listing}\n{first}").leave == "declined"


@pytest.mark.parametrize("task_id", ["dev-clarify-002", "dev-clarify-003"])
def test_a_day_probe_tells_no_more_than_the_question(
    task_id: str, dev: dict[str, Task], world: World
) -> None:
    """The day is hidden (December 13). "Is December 11 okay?" gets either a no that names
    no day, a strike (the second ends the conversation), or the answer "Which day?" would
    have got, a clarification; never a yes. So guessing the day costs at least what asking
    costs (`probe_agents.DayProbeOracle` measures it)."""
    task = dev[task_id]
    zh = task.locale == "zh"
    answer = next(f.answer for f in task.knowledge if f.slot == "date")

    def probe(day: int) -> str:
        return f"12月{day}日那场可以吗？" if zh else f"Is December {day} okay for you?"

    talk = Talk(task, world)
    first = talk.say(probe(11))
    assert not first.text.startswith(("Yes", "可以")), first.text
    if first.intent == "clarify":  # read as "which day?": answered as that question
        assert first.text == answer and first.leave is None
        return
    assert first.leave is None and not re.search(r"\d", first.text)
    assert talk.say(probe(12)).leave == "declined"
    assert Talk(task, world).say(probe(13)).text.startswith(("Yes", "可以"))
