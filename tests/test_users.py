"""The scripted user and the reader it shares with scoring (Chinese and English)."""

from __future__ import annotations

import asyncio

import pytest
from appkit import RecordingApp

from ticketbench.env import AGENT_TOOLS
from ticketbench.env.state import TicketEnv
from ticketbench.env.world import load_world
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Fact, Task
from ticketbench.users import ScriptedUser, finish_in_app
from ticketbench.users.understand import (
    asked_facts,
    classify,
    find_links,
    is_confirm,
    is_question,
    says_infeasible,
)

FACTS = (
    Fact(slot="date", triggers=("哪天", "日期", "which day", "date"), answer="周六 / Saturday"),
    Fact(slot="count", triggers=("几张", "几位", "how many"), answer="两张 / two"),
)


def issue(env: TicketEnv, target: str) -> str:
    """A deep link to `target` issued by the agent's `booking_link` in this env."""
    res = AGENT_TOOLS.call(env, "booking_link", {"showtime_id": target})
    assert res.ok and isinstance(res.data, dict), res.content
    return str(res.data["url"])


def _task(category: str, locale: str | None = None) -> Task:
    return next(
        t
        for t in load_suite("dev")
        if t.category == category and (locale is None or t.locale == locale)
    )


def test_reader_bilingual() -> None:
    assert is_question("请问您想看哪天的场次") and is_question("Which day?")
    assert not is_question("已完成支付，取票码 1234。") and not is_question("Paid, code 1234.")
    assert is_confirm("确认下单吗？") and is_confirm("Shall I book it?")
    assert not is_confirm("Which day do you want?")
    assert says_infeasible("抱歉，这场已经售罄。") and says_infeasible("Sorry, it is sold out.")
    assert not says_infeasible("Your tickets are booked.")
    assert [f.slot for f in asked_facts("您要几张票？哪天？", FACTS)] == ["date", "count"]
    assert [f.slot for f in asked_facts("How many tickets?", FACTS)] == ["count"]
    link = "ticketbench://app/showtime/S00012?seats=5-7,5-8"
    assert find_links(f"链接：{link}。请打开") == [link]
    assert find_links(f"Open {link}.") == [link]
    assert classify(f"Here: {link}") == "navigate"
    assert classify("Which day?", FACTS) == "clarify"
    assert classify("Shall I go ahead and pay?") == "confirm"
    assert classify("Done, pickup code 1234.") == "inform"


def test_answers_only_from_knowledge() -> None:
    for locale, dont_know in (("zh", "我不确定"), ("en", "not sure")):
        task = _task("clarify", locale).model_copy(update={"knowledge": FACTS})
        user = ScriptedUser(task)
        app = RecordingApp(make_env(task, load_world()))
        r = asyncio.run(user.reply("您要几张票？ How many?", app))
        assert "两张" in r.text and r.slots == ("count",) and r.intent == "clarify"
        r = asyncio.run(user.reply("What is your favourite colour?", app))
        assert dont_know in r.text and r.leave is None
        assert app.actions == []


def test_confirm_and_infeasible_and_patience() -> None:
    task = _task("specified", "en")
    user = ScriptedUser(task, patience=3)
    app = RecordingApp(make_env(task, load_world()))
    assert "yes" in asyncio.run(user.reply("Shall I book it?", app)).text.lower()
    r = asyncio.run(user.reply("Let me look.", app))
    assert r.leave is None and "book" in r.text.lower()  # nudges the agent to act
    r = asyncio.run(user.reply("Still looking.", app))
    assert r.leave == "patience"
    user2 = ScriptedUser(task)
    assert asyncio.run(user2.reply("Sorry, it is sold out.", app)).leave == "told_infeasible"


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_go_ahead_is_answered_from_the_request_never_from_feasibility(locale: str) -> None:
    """A person asking for a sold-out show still says yes to "shall I book it?": the answer
    must not tell the agent which requests can be met (red team F14, GoAheadOracle). Only
    a lookup (a pickup code) says no to a write it never asked for."""
    ask = "我这就帮您下单，可以吗？" if locale == "zh" else "Shall I go ahead and book it for you?"
    yes = "可以" if locale == "zh" else "Yes"
    dev = load_suite("dev")
    for task in (_task("infeasible", locale), _task("specified", locale)):
        r = asyncio.run(ScriptedUser(task).reply(ask, RecordingApp(make_env(task, load_world()))))
        assert r.text.startswith(yes) and r.leave is None, (task.id, r)
    lookup = next(t for t in dev if t.locale == locale and t.template.startswith("after_pickup"))
    r = asyncio.run(ScriptedUser(lookup).reply(ask, RecordingApp(make_env(lookup, load_world()))))
    assert not r.text.startswith(yes), r


def test_payment_outcome_mentioned_then_leaves_when_goal_met() -> None:
    task = _task("specified", "zh")
    user = ScriptedUser(task)
    app = RecordingApp(make_env(task, load_world()))
    user.on_payment("PR0001", True, "我已经确认支付了。")
    r = asyncio.run(user.reply("已完成支付，取票码 1234。", app))
    assert "确认支付" in r.text and r.leave == "goal_met"


def test_follows_deep_link_and_pays_in_app() -> None:
    task = _task("specified", "en")
    env = make_env(task, load_world())
    target = next(s.args["showtime_id"] for s in task.reference if s.tool == "create_order")
    app = RecordingApp(env)
    out = finish_in_app(task, app, issue(env, target))
    assert out.paid, out.detail
    assert app.actions[0] == "open_link" and app.actions[-2:] == ["submit_order", "pay_order"]
    paid = [o for o in env.user_orders() if o.status == "paid" and o.showtime_id == target]
    assert len(paid) == 1


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_user_who_gives_up_at_checkout_leaves_no_hold_of_its_own(locale: str) -> None:
    """The right link, but none of the user's payment methods covers the total: the user
    submits, gives up and cancels its order, so the checker finds no stray hold to charge
    the agent with, only the purchase that did not happen."""
    from ticketbench.suite.checker import Transcript, check

    task = _task("specified", locale)
    env = make_env(task, load_world())
    user = env.user()
    env.put_user(user.model_copy(update={
        "payment_methods": tuple(p.model_copy(update={"balance_fen": 0})
                                 for p in user.payment_methods)}))  # fmt: skip
    target = next(s.args["showtime_id"] for s in task.reference if s.tool == "create_order")
    app = RecordingApp(env)
    out = finish_in_app(task, app, issue(env, target))
    assert not out.paid and out.trouble == "checkout", out
    assert app.actions[-2:] == ["submit_order", "leave_checkout"]
    assert [o.status for o in env.user_orders() if o.showtime_id == target] == ["cancelled"]
    reasons = check(task, env, Transcript(["ok"], heard=(task.opening,))).reasons
    assert not any("stray hold" in r for r in reasons), reasons
    assert any("expected 1 new paid order" in r for r in reasons), reasons


def test_wrong_link_is_not_bought() -> None:
    task = _task("specified", "en")
    env = make_env(task, load_world())
    wanted = set(task.goal.orders[0].showtime_ids)
    other = next(s for s in env.world.data.showtimes if s.id not in wanted)
    app = RecordingApp(env)
    out = finish_in_app(task, app, issue(env, other.id))
    assert not out.paid and app.actions == ["open_link"] and out.trouble == "not_wanted"
    assert not finish_in_app(task, app, "https://example.com/x").paid


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_link_is_answered_alike_whether_or_not_the_request_can_be_met(locale: str) -> None:
    """A user who asked to buy opens the agent's link in a task that cannot be done too, and
    answers as it answers a wrong link in one that can: the reply must not say which
    requests can be met (red team R2: "please just book it", never trying the link, told a
    twin its task could not be done, whichever showing it linked)."""
    say = "推荐这场：{}" if locale == "zh" else "I recommend this one: {}"
    replies = []
    dev = [t for t in load_suite("dev") if t.locale == locale]
    infeasible = [t for t in dev if t.category == "infeasible" and not t.goal.orders]
    about = next(  # one about a showing it names: link exactly that one
        (t, str(s.args["showtime_id"]))
        for t in infeasible
        for s in t.reference
        if s.args and "showtime_id" in s.args
    )
    feasible = _task("specified", locale)
    env = make_env(feasible, load_world())
    wanted = set(feasible.goal.orders[0].showtime_ids)
    wrong = next(s.id for s in env.world.data.showtimes if s.id not in wanted)
    for task, target in (about, (feasible, wrong)):
        env = make_env(task, load_world())
        app = RecordingApp(env)
        reply = asyncio.run(ScriptedUser(task).reply(say.format(issue(env, target)), app))
        assert app.actions[0] == "open_link", (task.id, app.actions)
        replies.append((reply.text, reply.leave))
    assert replies[0] == replies[1], replies
    assert replies[0][1] == "declined"


def test_link_to_another_acceptable_showtime_is_bought_with_smart_pick() -> None:
    """A real agent may link a different optimum than the reference; the user still buys."""
    from ticketbench.suite.checker import Transcript, check

    def alternative(t: Task) -> str | None:
        if len(t.goal.orders) != 1 or t.goal.orders[0].kind != "movie":
            return None
        spec = t.goal.orders[0]
        if spec.seats.exact or spec.seat_types:
            return None
        ref = {s.args.get("showtime_id") for s in t.reference if s.tool == "create_order"}
        return next((s for s in spec.showtime_ids if s not in ref), None)

    task, target = next((t, alt) for t in load_suite("dev") if (alt := alternative(t)) is not None)
    env = make_env(task, load_world())
    app = RecordingApp(env)
    out = finish_in_app(task, app, issue(env, target))
    assert out.paid, out.detail
    assert "smart_pick_seats" in app.actions
    said = ["ok"] + [s.text for s in task.reference if s.kind == "say"]
    result = check(task, env, Transcript(said, heard=(task.opening,)))
    assert result.state_ok, result.reasons


def test_go_ahead_question_that_mentions_payment_gets_a_yes() -> None:
    from ticketbench.users.understand import classify

    for locale, ask in (
        # (no seats or total named: a named one the user did not ask for gets a no, see
        # tests/test_user_proposals.py)
        ("en", "I've held the seats for you. Shall I send the payment request?"),
        ("zh", "已为您锁定座位，确认后我发起支付可以吗？"),
    ):
        task = next(
            t
            for t in load_suite("dev")
            if t.locale == locale
            and t.expect.feasible
            and any(f.slot == "payment" for f in t.knowledge)
        )
        user = ScriptedUser(task)
        r = asyncio.run(user.reply(ask, RecordingApp(make_env(task, load_world()))))
        yes = "请继续" if locale == "zh" else "go ahead"
        assert yes in r.text and r.intent == "confirm", r
        assert classify(ask, task.knowledge) == "confirm"
        # a question about what to buy is still a clarification
        which = "请问要买几张？" if locale == "zh" else "How many tickets would you like?"
        assert classify(which, task.knowledge) == "clarify"


def test_keyword_stuffing_does_not_make_a_question_or_a_refusal() -> None:
    """An agent gains nothing by stuffing slot or refusal words into statements: the reader
    sees a question only where one is asked, and a refusal only where one is made."""
    from ticketbench.users.understand import read

    statements = [
        "Done! Date, count, cinema, budget and payment all confirmed.",
        "已完成：日期、人数、影院、预算都按您说的办好了。",
        "Booked: 2 tickets for Saturday at UME, row 7, paid with your wallet.",
        "I can't wait for you to see it - order placed and paid.",
        "不能错过的好片！已为您下单并支付。",
        "No problem, the payment went through.",
        "Which day, how many, which cinema: all handled, order N0001 is paid.",
    ]
    for text in statements:
        r = read(text)
        assert r.act in ("inform", "recommend") and not r.slots, (text, r)
        assert classify(text) == "inform"
    # a real question is still one, and a stated refusal is still a refusal
    assert read("Booked Saturday for you. Oh - how many tickets?").slots == ("count",)
    assert read("抱歉，这场已经售罄，没法下单。").act == "cannot"


def test_clarification_needs_a_question_not_the_slot_word() -> None:
    """Scoring's "asked before writing" reads the same questions: naming the slot in a
    statement does not count as asking it."""
    from ticketbench.scoring.episode import clarified
    from ticketbench.trajectory import AgentMessage, ToolCall

    task = next(
        t for t in load_suite("dev") if t.category == "clarify" and "date" in t.expect.clarify
    )

    def run(text: str) -> bool | None:
        events = [
            AgentMessage(seq=0, at=task.now, text=text),
            ToolCall(seq=1, at=task.now, name="create_order", args={}, ok=True, content=""),
        ]
        return clarified(task, events)

    assert run("I'll pick the date for you (the date matters) and book now.") is False
    assert run("Is that for today, or another day?") is True
    assert run("您打算哪天去？") is True
