"""The user checks the payment method, coupon and people a proposal names, as it checks the
showing.

A user who wants to pay with its wallet, use its ¥15-off coupon, or have the tickets for
one saved attendee turns down (in its language, naming what is off but not the value) a
proposal that contradicts it, says yes to one that fits, and says yes to anything when it
said any way is fine. Guessing costs what guessing the showing costs: a proposal against
what the user already said ends the conversation, and the second wrong guess at a hidden
wish does too, so proposing each payment method in turn learns nothing a question would
not have told.
"""

from __future__ import annotations

import pytest
from test_user_proposals import Talk, assert_in_language

from ticketbench.env.world import World
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Fact, Task
from ticketbench.users.proposal import named_in
from ticketbench.users.terms import terms_in


@pytest.fixture(scope="module")
def dev() -> dict[str, Task]:
    return {t.id: t for t in load_suite("dev")}


def hidden_term(task: Task, slot: str, answer: str, **order: object) -> Task:
    """`task` with a hidden wish about how to pay: the order spec holds `order`'s fields
    and the user answers `answer` when asked about `slot`."""
    spec = task.goal.orders[0].model_copy(update=order)
    facts = [f for f in task.knowledge if f.slot != slot]
    facts.append(Fact(slot=slot, triggers=("pay", "coupon", "支付", "券"), answer=answer))  # type: ignore[arg-type]
    goal = task.goal.model_copy(update={"orders": (spec, *task.goal.orders[1:])})
    return task.model_copy(update={"goal": goal, "knowledge": tuple(facts)})


YES = ("Yes", "可以")
NO = ("No,", "不行", "不对")

# dev-specified-010/011: user U0157, a WeChat Pay account (PM1) and a wallet (PM2); coupons
# ¥50 off ¥1000+ (shows), ¥15 off ¥100+ (movies), ¥15 off ¥300+ (shows).
WALLET = {"payment_method_ids": ("U0157-PM2",)}
WECHAT = {"payment_method_ids": ("U0157-PM1",)}


@pytest.mark.parametrize(
    ("task_id", "order", "answer", "wrong", "right"),
    [
        (
            "dev-specified-011",
            WALLET,
            "Please use my wallet.",
            "Shall I pay with WeChat Pay?",
            "Shall I pay with your wallet?",
        ),
        (
            "dev-specified-010",
            WECHAT,
            "用微信付吧。",
            "我用钱包帮您付款，可以吗？",
            "我用微信支付帮您付款，可以吗？",
        ),
    ],
)
def test_a_payment_method_the_user_does_not_want_gets_a_no(
    task_id: str, order: dict[str, object], answer: str, wrong: str, right: str,
    dev: dict[str, Task], world: World,
) -> None:  # fmt: skip
    task = hidden_term(dev[task_id], "payment", answer, **order)
    talk = Talk(task, world)
    no = talk.say(wrong)
    assert no.leave is None and no.text.startswith(NO), no.text
    assert_in_language(no, task)
    assert answer not in no.text  # a no tells what is off, not what it wants
    yes = talk.say(right)
    assert yes.leave is None and yes.text.startswith(YES), yes.text
    # the second wrong guess ends it, as with showings
    guesser = Talk(task, world)
    assert guesser.say(wrong).leave is None
    assert guesser.say(wrong.replace("WeChat Pay", "Alipay").replace("钱包", "支付宝")).leave == (
        "declined"
    )


def test_a_payment_against_what_the_user_said_ends_it(dev: dict[str, Task], world: World) -> None:
    task = hidden_term(dev["dev-specified-011"], "payment", "Please use my wallet.", **WALLET)
    talk = Talk(task, world)
    assert talk.say("How would you like to pay?").text == "Please use my wallet."
    assert talk.say("Shall I pay with WeChat Pay?").leave == "declined"


def test_an_order_summary_with_the_wrong_method_is_turned_down(
    dev: dict[str, Task], world: World
) -> None:
    summary = "Summary: 2 tickets, total ¥90.00, by WeChat Pay. Shall I send the payment request?"
    task = hidden_term(dev["dev-specified-011"], "payment", "Please use my wallet.", **WALLET)
    assert Talk(task, world).say(summary).text.startswith(NO)
    zh = hidden_term(dev["dev-specified-010"], "payment", "用微信付吧。", **WECHAT)
    r = Talk(zh, world).say("订单摘要：2张，合计¥90.00，支付方式：钱包。确认支付吗？")
    assert r.text.startswith(NO) and r.leave is None


@pytest.mark.parametrize("task_id", ["dev-specified-010", "dev-specified-011"])
def test_any_method_is_fine_when_the_user_said_so(
    task_id: str, dev: dict[str, Task], world: World
) -> None:
    """The suite's users say "the default is fine": every method they hold gets a yes."""
    task = dev[task_id]
    texts = {
        "en": ("Shall I pay with WeChat Pay?", "Shall I pay with your wallet?"),
        "zh": ("我用微信支付帮您付款，可以吗？", "我用钱包帮您付款，可以吗？"),
    }
    for text in texts[task.locale]:
        r = Talk(task, world).say(text)
        assert r.leave is None and r.text.startswith(YES), (text, r.text)


@pytest.mark.parametrize(
    ("task_id", "answer", "without", "other", "own"),
    [
        (
            "dev-specified-011",
            "Use my ¥15-off movie coupon.",
            "I'll book it without a coupon, okay?",
            "Shall I apply your ¥50 off coupon?",
            "Shall I apply your ¥15 off coupon?",
        ),
        (
            "dev-specified-010",
            "用我那张满100减15的观影券。",
            "这单不用券，直接下单可以吗？",
            "给您用满1000减50的券可以吗？",
            "给您用满100减15的观影券，可以吗？",
        ),
    ],
)
def test_a_coupon_wish_is_checked(
    task_id: str, answer: str, without: str, other: str, own: str,
    dev: dict[str, Task], world: World,
) -> None:  # fmt: skip
    task = hidden_term(dev[task_id], "discount", answer, coupon_id="U0157-CP2")
    for text in (without, other):
        r = Talk(task, world).say(text)
        assert not r.text.startswith(YES), (text, r.text)
        assert answer not in r.text or r.intent == "clarify", (text, r.text)
    r = Talk(task, world).say(own)
    assert r.leave is None and not r.text.startswith(NO), r.text


@pytest.mark.parametrize(
    ("task_id", "other", "own"),
    [
        ("dev-live_event-012", "给陆凯订这张票，可以吗？", "给石明订这张票，可以吗？"),
        ("dev-live_event-013", "Shall I book it for 陆凯?", "Shall I book it for 石明?"),
        (
            "dev-adversarial-009",
            "Shall I book the two tickets for Emma Murphy and Henry O'Brien?",
            "Shall I book the two tickets for Emma Murphy and Ella Murphy?",
        ),
    ],
)
def test_tickets_for_someone_the_user_did_not_name_end_it(
    task_id: str, other: str, own: str, dev: dict[str, Task], world: World
) -> None:
    """The opening names who the tickets are for: a proposal for someone else was not
    listening."""
    task = dev[task_id]
    r = Talk(task, world).say(other)
    assert r.leave == "declined", r.text
    assert_in_language(r, task)
    ok = Talk(task, world).say(own)
    assert ok.leave is None and ok.text.startswith(YES), ok.text


def test_what_a_text_names_about_paying(dev: dict[str, Task], world: World) -> None:
    task = dev["dev-specified-010"]
    user = world.users[task.user_id]
    assert terms_in(user, "用微信支付").payments == {"wechat_pay"}
    assert terms_in(user, "会员卡余额支付").payments == {"member_card"}  # not the wallet
    assert terms_in(user, "pay with your China Merchants Bank debit card").payments == {"bank_card"}
    assert terms_in(user, "不用券").coupon is False
    assert terms_in(user, "without a coupon").coupon is False
    assert terms_in(user, "Seats 6-12, 6-13. Coupon: none. Total ¥90.").coupon is False
    assert terms_in(user, "座位：6排12、13座；优惠券：无；合计¥90").coupon is False
    assert terms_in(user, "whatever card or coupon saves the most").coupon is None
    assert terms_in(user, "原价¥90，券后¥75").coupon is True  # a price label is no "none"
    got = terms_in(user, "用满100减15的观影券")
    assert got.coupon is True and got.coupons == {"U0157-CP2"}
    assert terms_in(user, "apply your ¥15 off coupon").coupons == {"U0157-CP2", "U0157-CP3"}
    n = named_in(world, user, task.now, "Shall I pay with WeChat Pay or your wallet?")
    assert n.payments == {"wechat_pay", "wallet"}  # two named: it proposes neither
