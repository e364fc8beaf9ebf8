"""How the simulated user behaves, and the cheapest agents that try to exploit it.

Links: only links issued in the episode open; several links make the user ask which one;
in the app it buys by its own wishes, never the reference. The payment gate approves at
most the orders the user wants, says why it declines like a person (in the user's
language, naming no value), and after two declined sheets the user leaves. "Cannot" ends
the conversation when the reason is given; otherwise the user asks why once.

The attacker's view: agents that know the right answer is among their candidates (they are
handed it out of band, more than a real cheater knows) but not which one, and try to make
the user pick it for them. Each must fail.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from appkit import RecordingApp

from ticketbench.agents.oracle import OracleAgent
from ticketbench.agents.reference import HasReference, RefStep
from ticketbench.env import AGENT_TOOLS
from ticketbench.env.sheets import episode_purchases
from ticketbench.env.state import TicketEnv
from ticketbench.env.world import World, load_world
from ticketbench.protocol import Session
from ticketbench.records import EpisodeRecord
from ticketbench.runner import play_episode
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.trajectory import AgentMessage, UserAction, UserLeft, UserMessage
from ticketbench.users import ScriptedUser
from ticketbench.users.gate import OBJECTIONS
from ticketbench.users.links import LinkChoice, named_choice, recommended
from ticketbench.users.understand import read

LOCALES = ("zh", "en")


@pytest.fixture(scope="module")
def dev() -> list[Task]:
    return load_suite("dev")


def movie_tasks(tasks: Sequence[Task], locale: str | None = None) -> list[Task]:
    """Feasible tasks that buy one movie order."""
    return [
        t
        for t in tasks
        if len(t.goal.orders) == 1
        and t.goal.orders[0].kind == "movie"
        and t.expect.outcome == "purchase"
        and not t.expect.clarify
        and (locale is None or t.locale == locale)
    ]


def right_showtime(task: Task) -> str:
    return next(str(s.args["showtime_id"]) for s in task.reference if s.tool == "create_order")


def wrong_showtimes(task: Task, world: World, n: int) -> list[str]:
    """Other showtimes of the same movie the user would not accept."""
    right = right_showtime(task)
    movie = world.showtimes[right].movie_id
    ok = set(task.goal.orders[0].showtime_ids)
    soon = task.now + timedelta(hours=2)  # still on sale when the agent gets to it
    out = [
        s.id
        for s in world.data.showtimes
        if s.movie_id == movie and s.id not in ok and s.start > soon
    ]
    return out[:n]


def issue(env: TicketEnv, showtime_id: str) -> str:
    res = AGENT_TOOLS.call(env, "booking_link", {"showtime_id": showtime_id})
    assert res.ok and isinstance(res.data, dict), res.content
    return str(res.data["url"])


def reply(user: ScriptedUser, text: str, app: RecordingApp) -> Any:
    return asyncio.run(user.reply(text, app))


# --- links ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_a_link_the_app_never_issued_does_not_open(locale: str, dev: list[Task]) -> None:
    task = movie_tasks(dev, locale)[0]
    env = make_env(task, load_world())
    app = RecordingApp(env)
    made_up = f"ticketbench://app/showtime/{right_showtime(task)}"  # right target, not issued
    r = reply(ScriptedUser(task), f"Here: {made_up}", app)
    assert app.actions == ["open_link"] and r.leave == "declined"
    assert ("打不开" if locale == "zh" else "doesn't open") in r.text
    assert not episode_purchases(env)
    # the same link once issued opens and is bought
    env2 = make_env(task, load_world())
    app2 = RecordingApp(env2)
    r2 = reply(ScriptedUser(task), f"Here: {issue(env2, right_showtime(task))}", app2)
    assert r2.leave == "goal_met" and len(episode_purchases(env2)) == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_several_links_make_the_user_ask_which(locale: str, dev: list[Task], world: World) -> None:
    task = movie_tasks(dev, locale)[0]
    env = make_env(task, world)
    app = RecordingApp(env)
    links = [issue(env, s) for s in [*wrong_showtimes(task, world, 2), right_showtime(task)]]
    user = ScriptedUser(task)
    r = reply(user, "Options:\n" + "\n".join(links), app)
    assert app.actions == [] and r.leave is None and r.intent == "navigate"
    assert ("哪个" if locale == "zh" else "which one") in r.text
    # the agent names the third: the user opens that one only, and buys it
    r = reply(user, "第三个" if locale == "zh" else "The third one.", app)
    assert app.actions.count("open_link") == 1 and r.leave == "goal_met"


def test_the_user_opens_only_the_link_it_is_pointed_to(dev: list[Task], world: World) -> None:
    task = movie_tasks(dev, "en")[0]
    env = make_env(task, world)
    app = RecordingApp(env)
    links = [issue(env, s) for s in [right_showtime(task), *wrong_showtimes(task, world, 2)]]
    user = ScriptedUser(task)
    reply(user, " ".join(links), app)
    r = reply(user, "Try the second one.", app)  # a wrong one: it gives up, tries no other
    assert app.actions == ["open_link"] and r.leave == "declined"
    assert "isn't for what I asked" in r.text


def test_a_clearly_recommended_link_is_opened(dev: list[Task], world: World) -> None:
    task = movie_tasks(dev, "zh")[0]
    env = make_env(task, world)
    app = RecordingApp(env)
    wrong = [issue(env, s) for s in wrong_showtimes(task, world, 2)]
    right = issue(env, right_showtime(task))
    text = f"备选：{wrong[0]}\n最推荐这个：{right}\n还有：{wrong[1]}"
    r = reply(ScriptedUser(task), text, app)
    assert r.leave == "goal_met" and app.actions.count("open_link") == 1


def test_link_reading_helpers() -> None:
    a, b = "ticketbench://app/showtime/S1", "ticketbench://app/showtime/S2"
    assert recommended(f"I recommend this one: {a}\nAlso possible: {b}", [a, b]) == a
    assert recommended(f"{a} {b}", [a, b]) is None
    assert recommended(f"Both are great: best options {a} and {b}", [a, b]) is None
    assert named_choice("the second one please", [a, b]) == b
    assert named_choice("第一个吧", [a, b]) == a
    assert named_choice("option 2", [a, b]) == b
    assert named_choice("the last one", [a, b]) == b
    assert named_choice("either the first or the second", [a, b]) is None
    assert named_choice("sounds good", [a, b]) is None
    assert recommended(f"{a}\n{b}\nI would go with the second one.", [a, b]) == b
    assert recommended(f"选项：{a}；{b}。我建议选第一个。", [a, b]) == a
    assert recommended(f"{a}\n{b}\nBoth are fine; the first is earlier.", [a, b]) is None
    c = "ticketbench://app/showtime/S3"
    listing = (
        f"Options:\n1. CGV Guomao, 19:30: {a}\n2. Wanda Daning, 21:10: {b}\n3. UME, 21:10: {c}"
    )
    ctx = ["CGV Guomao, 19:30", "Wanda Daning, 21:10", "UME, 21:10"]
    assert named_choice("The 7:30pm one please", [a, b, c], ctx) == a
    assert named_choice("Wanda, please", [a, b, c], ctx) == b
    assert named_choice("the 21:10 one", [a, b, c], ctx) is None  # two at 21:10
    assert named_choice("CGV or Wanda, either", [a, b, c], ctx) is None
    assert named_choice("万达那个吧", [a, b], ["万达影城 19:30", "CGV影城 21:10"]) == a
    choice = LinkChoice()
    assert choice.take(listing, wanted=1) == ([], True)
    assert choice.take("UME please", wanted=1) == ([c], False)
    assert choice.take(f"{a} {b}", wanted=1) == ([], True)
    assert choice.take("the first", wanted=1) == ([a], False)
    assert choice.take("the first", wanted=1) == ([], False)  # asked once, answered once
    assert choice.take(f"{a} {b} {a}", wanted=2) == ([a, b], False)  # one link per order


def test_in_the_app_the_user_never_reads_the_reference(dev: list[Task], world: World) -> None:
    """With the reference solution removed, the user still buys what it wants from a link:
    its choices come from its own wishes and the app's tools."""
    from ticketbench.suite.checker import Transcript, check

    bought = 0
    tasks = [t for t in dev if t.expect.outcome == "purchase" and len(t.goal.orders) == 1]
    for task in tasks[:40]:
        target = next(
            (s.args.get("showtime_id") or s.args.get("session_id"))
            for s in task.reference
            if s.tool == "create_order"
        )
        kind = "showtime_id" if task.goal.orders[0].kind == "movie" else "session_id"
        blind = task.model_copy(update={"reference": ()})
        env = make_env(task, world)
        res = AGENT_TOOLS.call(env, "booking_link", {kind: target})
        assert res.ok and isinstance(res.data, dict)
        r = reply(ScriptedUser(blind), str(res.data["url"]), RecordingApp(env))
        if r.leave == "goal_met":
            bought += 1
            result = check(task, env, Transcript(["ok"], heard=(task.opening,)))
            assert result.state_ok, (task.id, result.reasons)
    assert bought >= 30


# --- the payment gate ------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_one_request_gets_its_orders_and_no_more(locale: str, dev: list[Task]) -> None:
    """After the order it wanted is paid, a sheet for another such order is declined."""
    task = next(t for t in movie_tasks(dev, locale) if not t.goal.orders[0].seats.exact)
    world = load_world()

    class BuysTwice:
        async def run(self, session: Session) -> None:
            count = task.goal.orders[0].count
            for _ in range(2):
                oid = await order_at(session, right_showtime(task), count)
                assert oid is not None and await show_sheet(session, oid)

    async def go() -> EpisodeRecord:
        return await play_episode(task, 0, BuysTwice(), RunSettings(), world)  # type: ignore[arg-type]

    rec = asyncio.run(go())
    acts = [e for e in rec.events if isinstance(e, UserAction)]
    assert [a.name for a in acts] == ["approve_payment", "decline_payment"], acts
    assert "already have every order" in acts[-1].note


def test_decline_words_are_the_users_language_and_name_no_value() -> None:
    for aspect, zh in OBJECTIONS["zh"].items():
        assert not re.search(r"[A-Za-z0-9]", zh), aspect
        assert not re.search(r"[0-9¥$]", OBJECTIONS["en"][aspect]), aspect


# --- the cheapest exploits, played through the real runner ------------------------------


class _Cheater:
    """Base of the exploit agents: each is handed the right showtime and a few wrong ones
    (more than a real cheater knows), never which is which."""

    def __init__(self, task: Task | None = None, world: World | None = None) -> None:
        self.task = task
        self.world = world

    def for_episode(self, task: Task, trial: int, seed: int) -> _Cheater:
        return type(self)(task, self.world)

    def describe(self) -> dict[str, str]:
        return {"kind": "exploit"}

    def candidates(self) -> list[str]:
        assert self.task is not None and self.world is not None
        return [*wrong_showtimes(self.task, self.world, 3), right_showtime(self.task)]

    async def run(self, session: Session) -> None:
        raise NotImplementedError


async def show_sheet(session: Session, order_id: str) -> bool:
    """Request payment of an order with the first of the user's methods that covers it."""
    profile = await session.call("get_user_profile", {})
    methods = profile.data.get("payment_methods", []) if isinstance(profile.data, dict) else []
    for m in methods:
        res = await session.call(
            "request_payment", {"order_id": order_id, "payment_method_id": m["id"]}
        )
        if res.ok:
            return True
    return False


async def order_at(session: Session, showtime_id: str, count: int) -> str | None:
    """An order at `showtime_id` on the app's recommended seats (None: none possible)."""
    seats = await session.call("recommend_seats", {"showtime_id": showtime_id, "count": count})
    options = seats.data.get("options") if isinstance(seats.data, dict) else None
    if not options:
        return None
    order = await session.call(
        "create_order", {"showtime_id": showtime_id, "seats": options[0]["seats"]}
    )
    return str(order.data["order_id"]) if order.ok and isinstance(order.data, dict) else None


class ShotgunLinks(_Cheater):
    """Links every candidate, then "the first one", then "the second one", ..."""

    async def run(self, session: Session) -> None:
        links = []
        for st in self.candidates():
            res = await session.call("booking_link", {"showtime_id": st})
            if res.ok and isinstance(res.data, dict):
                links.append(str(res.data["url"]))
        await session.say("Here are your options:\n" + "\n".join(links))
        for nth in ("first", "second", "third", "fourth"):
            if await session.say(f"The {nth} one.") is None:
                return


class LinksOneByOne(_Cheater):
    """One candidate link per message until the user stops."""

    async def run(self, session: Session) -> None:
        for st in self.candidates():
            res = await session.call("booking_link", {"showtime_id": st})
            url = str(res.data["url"]) if res.ok and isinstance(res.data, dict) else ""
            if await session.say(f"Try this: {url}") is None:
                return


class UnissuedLink(_Cheater):
    """Writes the right link itself instead of asking `booking_link`."""

    async def run(self, session: Session) -> None:
        assert self.task is not None
        await session.say(f"Book here: ticketbench://app/showtime/{right_showtime(self.task)}")


class SheetOracle(_Cheater):
    """Creates an order for each candidate and shows the user every payment sheet, reading
    the declines to find the right one (the right one comes last)."""

    async def run(self, session: Session) -> None:
        assert self.task is not None
        for st in self.candidates():
            oid = await order_at(session, st, self.task.goal.orders[0].count)
            if oid is None:
                continue
            if not await show_sheet(session, oid) or session.done:
                return
            await session.say("Please check the payment request.")


class Reasker(_Cheater):
    """Shows a wrong sheet, then asks again and again after each decline."""

    async def run(self, session: Session) -> None:
        assert self.task is not None
        oid = await order_at(session, self.candidates()[0], self.task.goal.orders[0].count)
        assert oid is not None
        for _ in range(5):
            await show_sheet(session, oid)
            if await session.say("Please approve it, it is the right one.") is None:
                return


class CannotSpam(_Cheater):
    """Says it cannot help, again and again, never giving a reason."""

    async def run(self, session: Session) -> None:
        for _ in range(10):
            if await session.say("Sorry, I can't do that.") is None:
                return


def play(agent: _Cheater, tasks: Sequence[Task], world: World) -> list[EpisodeRecord]:
    async def go() -> list[EpisodeRecord]:
        settings = RunSettings()
        out = []
        for task in tasks:
            out.append(await play_episode(task, 0, agent.for_episode(task, 0, 0), settings, world))
        return out

    return asyncio.run(go())


def _cheat_tasks(dev: list[Task], world: World) -> list[Task]:
    return [t for t in movie_tasks(dev) if len(wrong_showtimes(t, world, 3)) == 3][:24]


@pytest.mark.parametrize("agent", [ShotgunLinks, LinksOneByOne, UnissuedLink, SheetOracle])
def test_exploits_that_know_the_candidates_fail(
    agent: type[_Cheater], dev: list[Task], world: World
) -> None:
    tasks = _cheat_tasks(dev, world)
    assert len(tasks) >= 12
    records = play(agent(None, world), tasks, world)
    wins = [r.task_id for r in records if r.score is not None and r.score.success]
    assert wins == [], wins
    for r in records:
        opened = [e for e in r.events if isinstance(e, UserAction) and e.name == "open_link"]
        assert len(opened) <= 1, r.task_id  # never searches through the links
        approved = [
            e for e in r.events if isinstance(e, UserAction) and e.name == "approve_payment"
        ]
        assert not approved, r.task_id
        declined = [
            e for e in r.events if isinstance(e, UserAction) and e.name == "decline_payment"
        ]
        assert len(declined) <= 2, r.task_id  # two declines, then it leaves


def test_the_sheet_oracle_learns_nothing_it_could_tell_apart(dev: list[Task], world: World) -> None:
    """Two wrong showings draw the same words; then the user has left."""
    tasks = _cheat_tasks(dev, world)
    for r in play(SheetOracle(None, world), tasks, world):
        said = [e.text for e in r.events if isinstance(e, UserMessage) and e.intent != "opening"]
        left = [e for e in r.events if isinstance(e, UserLeft)]
        assert left and left[0].reason == "declined", r.task_id
        declines = [s for s in said if "没有确认" in s or "didn't approve" in s]
        assert declines, r.task_id
        assert not any(re.search(r"[0-9]", s) for s in declines), declines


def test_reasking_after_a_decline_ends_the_conversation(dev: list[Task], world: World) -> None:
    tasks = _cheat_tasks(dev, world)[:8]
    for r in play(Reasker(None, world), tasks, world):
        acts = [e.name for e in r.events if isinstance(e, UserAction)]
        assert "approve_payment" not in acts, r.task_id
        assert r.score is not None and not r.score.success
        left = [e for e in r.events if isinstance(e, UserLeft)]
        assert left and left[0].reason == "declined", r.task_id


def test_cannot_spam_gets_one_why_then_the_user_leaves(dev: list[Task], world: World) -> None:
    tasks = movie_tasks(dev)[:6]
    for r in play(CannotSpam(None, world), tasks, world):
        said = [e.text for e in r.events if isinstance(e, UserMessage) and e.intent != "opening"]
        assert len(said) == 2, said  # "why?", then goodbye
        assert r.score is not None and not r.score.success


# --- natural replies -------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_cannot_with_a_reason_ends_it_without_asks_why(locale: str, dev: list[Task]) -> None:
    task = movie_tasks(dev, locale)[0]
    app = RecordingApp(make_env(task, load_world()))
    with_reason = (
        "抱歉，这场已经售罄了，无法购买。" if locale == "zh" else "Sorry, I can't: it is sold out."
    )
    r = reply(ScriptedUser(task), with_reason, app)
    assert r.leave == "told_infeasible"
    user = ScriptedUser(task)
    r = reply(user, "抱歉，我无法完成。" if locale == "zh" else "Sorry, I can't do this.", app)
    assert r.leave is None and ("为什么" if locale == "zh" else "Why") in r.text
    r = reply(user, "抱歉，还是不能。" if locale == "zh" else "Sorry, still can't.", app)
    assert r.leave == "told_infeasible"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_refusal_that_offers_more_is_taken_as_a_refusal(locale: str, dev: list[Task]) -> None:
    """ "Sold out; want me to look at other showings?" states why it cannot: the user
    acknowledges and leaves, as after the refusal alone (not "yes, go ahead", nor its own
    words again); without a reason it asks why, once; "still can't" after that ends it."""
    task = movie_tasks(dev, locale)[0]
    app = RecordingApp(make_env(task, load_world()))
    zh = locale == "zh"
    for text in (
        "抱歉，这场已经售罄了，没有足够的连座。要我帮您看看别的场次吗？"
        if zh
        else "Sorry, that showing is sold out: there aren't enough seats together. "
        "Shall I check the other showings?",
        "很遗憾，这场已经停止售票了。需要我再找找吗？"
        if zh
        else "Unfortunately online sales for that showing have closed. Shall I keep looking?",
    ):
        r = reply(ScriptedUser(task), text, app)
        assert r.leave == "told_infeasible", (text, r.text)
        assert r.text == ("好的，知道了，谢谢。" if zh else "OK, thanks for letting me know.")
    user = ScriptedUser(task)
    bare = "抱歉，我没能办成。还有别的需要吗？" if zh else "Sorry, I couldn't do it. Anything else?"
    r = reply(user, bare, app)
    assert r.leave is None and ("为什么" if zh else "Why") in r.text, r.text
    r = reply(user, "抱歉，还是办不了。" if zh else "Sorry, still no luck.", app)
    assert r.leave == "told_infeasible", r.text


@pytest.mark.parametrize("locale", LOCALES)
def test_a_question_beside_a_refusal_is_still_answered(locale: str, dev: list[Task]) -> None:
    """A question for something the user holds is answered even when the message also
    reports a failure ("that one didn't work; how many tickets?")."""
    task = next(
        t for t in dev if t.locale == locale and any(f.slot == "count" for f in t.knowledge)
    )
    count = next(f.answer for f in task.knowledge if f.slot == "count")
    text = (
        "抱歉，刚才那个没能办成。请问您要买几张？"
        if locale == "zh"
        else "Sorry, that didn't work. How many tickets do you need?"
    )
    r = reply(ScriptedUser(task), text, RecordingApp(make_env(task, load_world())))
    assert r.leave is None and count in r.text, r.text


@pytest.mark.parametrize("locale", LOCALES)
def test_anything_else_is_no_new_request(locale: str, dev: list[Task]) -> None:
    """ "Anything else?" asks nothing of the order. After a refund it gets a thank-you and
    the user leaves (no "I'm not sure"); while a purchase is still owed, the user waits for
    it (no doubt flagged: it read the message right)."""
    zh = locale == "zh"
    refund = next(t for t in dev if t.locale == locale and t.expect.outcome == "refund")
    app = RecordingApp(make_env(refund, load_world()))
    done = "已为您退款，还有别的需要吗？" if zh else "Refund submitted. Is there anything else?"
    r = reply(ScriptedUser(refund), done, app)
    assert r.leave == "said_goodbye" and r.text == ("好的，谢谢！" if zh else "Great, thanks!")
    purchase = movie_tasks(dev, locale)[0]
    app = RecordingApp(make_env(purchase, load_world()))
    r = reply(ScriptedUser(purchase), "还有别的需要吗？" if zh else "Anything else?", app)
    assert r.leave is None and r.doubts == ()
    assert ("订" in r.text) if zh else ("book" in r.text), r.text


@pytest.mark.parametrize("locale", LOCALES)
def test_wishes_asked_in_general_get_no_hidden_answer_and_no_doubt(
    locale: str, dev: list[Task]
) -> None:
    """ "还有其他要求吗？" / "Any other requirements?" names no slot: like "Anything else?" the
    user waits for its booking, without "I'm not sure" (which it said, and flagged, when the
    reader could not place it) and without volunteering a hidden wish (one question that
    names nothing must not buy every hidden answer)."""
    zh = locale == "zh"
    task = next(
        t
        for t in movie_tasks(dev, locale)
        if any(f.slot in ("seat_pref", "payment") for f in t.knowledge)
    )
    hidden = [f.answer for f in task.knowledge]
    for text in (
        ("还有其他要求吗？", "好的，两张。还有什么特别的需求吗？", "您还有别的偏好吗？")
        if zh
        else ("Any other requirements?", "Got it. Any special requests?", "Any other preferences?")
    ):
        r = reply(ScriptedUser(task), text, RecordingApp(make_env(task, load_world())))
        assert r.leave is None and r.doubts == (), (text, r)
        assert ("订" in r.text) if zh else ("book" in r.text), (text, r.text)
        assert not any(a in r.text for a in hidden), (text, r.text)


@pytest.mark.parametrize("locale", LOCALES)
def test_an_extra_beside_the_tickets_gets_no_thanks(locale: str, dev: list[Task]) -> None:
    """Popcorn, snacks, parking, a receipt: the user never asked for one and says no. It
    does not answer with its film ("Snacks for the movie?" once read as which film), nor
    take "Want popcorn?" for a go-ahead, nor say "I'm not sure"."""
    zh = locale == "zh"
    task = movie_tasks(dev, locale)[0]
    for text in (
        ("要加爆米花吗？", "看电影要不要带点零食饮料？", "需要停车位吗？", "需要开发票吗？")
        if zh
        else ("popcorn?", "Snacks for the movie?", "Want popcorn with the movie?", "Parking?")
    ):
        r = reply(ScriptedUser(task), text, RecordingApp(make_env(task, load_world())))
        assert r.text == ("不用了，谢谢。" if zh else "No, thanks."), (text, r.text)
        assert r.leave is None and r.doubts == ()
    # a question about the order beside the offer is still asked
    both = "几张票？需要停车位吗？" if zh else "How many tickets, and any snacks?"
    assert read(both).slots == ("count",)


@pytest.mark.parametrize("locale", LOCALES)
def test_an_offer_to_look_further_is_a_go_ahead(locale: str, dev: list[Task]) -> None:
    """ "Want me to check other showings?" asks to go on looking, not which day (it was read
    as a day question, and the user answered with its day): a user who asked to buy says
    yes. After a refusal with its reason the same offer is the refusal's
    (`test_a_refusal_that_offers_more_is_taken_as_a_refusal`)."""
    zh = locale == "zh"
    task = movie_tasks(dev, locale)[0]
    for text in (
        ("要我帮您看看其他场次吗？", "需要我再帮您找找别的影院吗？")
        if zh
        else ("Want me to check other showings?", "Would you like me to look at other cinemas?")
    ):
        r = reply(ScriptedUser(task), text, RecordingApp(make_env(task, load_world())))
        assert r.intent == "confirm" and r.leave is None, (text, r)
        assert r.text == ("可以，请继续。" if zh else "Yes, please go ahead."), (text, r.text)


@pytest.mark.parametrize("locale", LOCALES)
def test_what_was_done_instead_is_no_refusal(locale: str, dev: list[Task]) -> None:
    """ "Row 5 was sold out, so I went with row 6." reports what the agent did instead: the
    user does not take it for a refusal and leave (it did: "sold out")."""
    zh = locale == "zh"
    task = movie_tasks(dev, locale)[0]
    for text in (
        ("5排已经卖完了，给您换成了6排。", "19:30那场满了，帮您改成了20:10那场。")
        if zh
        else (
            "Row 5 was sold out, so I went with row 6.",
            "The 19:30 was full, so I switched you to the 20:10 at the same cinema.",
        )
    ):
        r = reply(ScriptedUser(task), text, RecordingApp(make_env(task, load_world())))
        assert r.leave is None, (text, r)
    told = "抱歉，5排已经卖完了。" if zh else "Sorry, row 5 is sold out."
    r = reply(ScriptedUser(task), told, RecordingApp(make_env(task, load_world())))
    assert r.leave == "told_infeasible"  # the refusal alone is still one


@pytest.mark.parametrize("locale", LOCALES)
def test_go_ahead_question_is_not_answered_with_the_budget(locale: str, dev: list[Task]) -> None:
    task = next(
        t for t in dev if t.locale == locale and any(f.slot == "budget" for f in t.knowledge)
    )
    budget = next(f.answer for f in task.knowledge if f.slot == "budget")
    ask = (
        "订单N0001，总价68元，价格在范围内。要我现在发起支付吗？"
        if locale == "zh"
        else "Order N0001, total price ¥68. Shall I send the payment request?"
    )
    r = reply(ScriptedUser(task), ask, RecordingApp(make_env(task, load_world())))
    assert r.intent == "confirm" and budget not in r.text, r.text
    assert ("请继续" if locale == "zh" else "go ahead") in r.text


def test_no_second_request_after_an_approved_payment(dev: list[Task], world: World) -> None:
    """The oracle's composite episodes: after approving the first order the user does not
    ask to "just book it"; after the last it thanks and leaves."""
    from ticketbench.agents.oracle import OracleAgent

    tasks = [t for t in dev if t.category == "composite"]
    assert tasks

    async def go() -> list[EpisodeRecord]:
        return [await play_episode(t, 0, OracleAgent(), RunSettings(), world) for t in tasks]

    for r in asyncio.run(go()):
        said = " ".join(e.text for e in r.events if isinstance(e, UserMessage))
        assert "请直接帮我订" not in said and "just book it" not in said, r.task_id
        assert r.score is not None and r.score.success


@pytest.mark.parametrize("locale", LOCALES)
def test_replies_stay_in_the_users_language(locale: str, dev: list[Task], world: World) -> None:
    """Every reply of a Chinese user is Chinese (ids and links aside); declines included."""
    tasks = [t for t in _cheat_tasks(dev, world) if t.locale == locale][:6]
    for agent in (SheetOracle, ShotgunLinks, CannotSpam):
        for r in play(agent(None, world), tasks, world):
            for e in r.events:
                if isinstance(e, UserMessage) and e.intent != "opening" and locale == "zh":
                    assert not re.search(r"[A-Za-z]{3,}", e.text), e.text


def test_preselected_seats_are_kept_only_when_they_look_right(
    dev: list[Task], world: World
) -> None:
    """Seats side by side the user asked for: a link preselecting two seats in different
    rows is re-picked with the app's picker; the reference's own seats are kept."""
    from ticketbench.suite.checker import Transcript, check

    task = next(
        t
        for t in movie_tasks(dev)
        if t.goal.orders[0].seats.together
        and not (t.goal.orders[0].seats.centre or t.goal.orders[0].seats.aisle)
        and t.goal.orders[0].count == 2
    )
    create = next(s.args for s in task.reference if s.tool == "create_order")
    st, seats = str(create["showtime_id"]), list(create["seats"])
    from ticketbench.env.orders import seat_availability

    sm, taken = seat_availability(make_env(task, world), st)
    rows = sorted({s.row for s in sm.seats.values()})
    apart = [
        next(
            s.id
            for s in sm.seats.values()
            if s.row == r and s.type == "standard" and s.id not in taken
        )
        for r in (rows[2], rows[-2])
    ]
    for preselect, kept in ((seats, True), (apart, False)):
        env = make_env(task, world)
        res = AGENT_TOOLS.call(env, "booking_link", {"showtime_id": st, "seats": preselect})
        assert res.ok, res.content
        app = RecordingApp(env)
        r = reply(ScriptedUser(task), str(res.data["url"]), app)  # type: ignore[index]
        assert r.leave == "goal_met", (task.id, r.text)
        assert ("smart_pick_seats" not in app.actions) == kept, app.actions
        assert check(task, env, Transcript(["ok"], heard=(task.opening,))).state_ok


class _BookOrSelf(OracleAgent):
    """The oracle, asking before paying whether to book it or leave it to the user's app
    (how assistants offer to hand over): the either/or is a go-ahead."""

    ZH = (
        "{summary}。要我直接帮你订，还是你自己在App里完成？",
        "{summary}。您是想自己在App里下单，还是我帮您直接订好？",
    )
    EN = (
        "{summary}. Finish in the app yourself, or shall I book it?",
        "{summary}. Want me to book it for you, or would you rather do it in the app?",
    )

    def __init__(self, wording: str = "", steps: Sequence[RefStep] = ()) -> None:
        super().__init__(steps)
        self._wording = wording

    def for_episode(self, task: HasReference, trial: int, seed: int) -> _BookOrSelf:
        return _BookOrSelf(self._wording, task.reference)

    def go_ahead(self, zh: bool, summary: str) -> str:
        return self._wording.format(summary=summary.rstrip("。."))


@pytest.mark.parametrize("locale", LOCALES)
def test_book_it_or_do_it_yourself_is_answered_as_a_go_ahead(
    locale: str, dev: list[Task], world: World
) -> None:
    """ "要我直接帮你订，还是你自己在App里完成？" offers to book: the user, who asked the agent to
    buy, says go ahead (it answered 我不确定, and in English "As I said: 2 tickets.", reading
    "yourself" as how many go). Played as whole episodes: the agent then books and the
    order is paid by the agent, with no reply the simulator may own."""
    zh = locale == "zh"
    task = movie_tasks(dev, locale)[0]
    for wording in _BookOrSelf.ZH if zh else _BookOrSelf.EN:
        agent = _BookOrSelf(wording)  # reads the task: a privileged run
        record = asyncio.run(play_episode(task, 0, agent, RunSettings(privileged=True), world))
        events = record.events
        asked = next(n for n, e in enumerate(events) if isinstance(e, AgentMessage))
        answer = next(e for e in events[asked:] if isinstance(e, UserMessage))
        assert answer.text == ("可以，请继续。" if zh else "Yes, please go ahead."), wording
        assert record.score is not None and record.score.success, wording
        assert record.score.completed_by == "agent" and not record.score.simulator_suspect
