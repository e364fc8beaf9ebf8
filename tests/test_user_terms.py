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

from dataclasses import dataclass

import pytest
from test_user_proposals import Talk, assert_in_language

from ticketbench.env.models import Coupon, User
from ticketbench.env.world import World
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Fact, Task
from ticketbench.users.proposal import named_in
from ticketbench.users.terms import terms_in


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


def yuan(fen: int) -> str:
    return f"{fen / 100:g}"


@dataclass(frozen=True)
class Payer:
    """A zh/en pair of one movie purchase whose user holds what these tests name."""

    tasks: dict[str, Task]  # by locale
    methods: dict[str, str]  # the user's payment method of each kind, by kind
    coupon: Coupon  # a movie coupon with a threshold ("满100减15的观影券")
    twin: Coupon  # another coupon worth as much from another threshold ("¥15 off" names both)
    other: Coupon  # a coupon worth something else

    def total(self, task: Task) -> int:
        """A total the order may come to (within its caps)."""
        spec = task.goal.orders[0]
        caps = [c for c in (spec.max_total_fen, task.goal.budget_fen) if c is not None]
        return min(caps, default=spec.count * 4500)


def _coupons(user: User) -> tuple[Coupon, Coupon, Coupon] | None:
    """The user's movie coupon, its twin and another (see `Payer`), if it holds them."""
    for own in user.coupons:
        if own.scope != "movie" or not own.threshold_fen:
            continue
        same = [c for c in user.coupons if c.id != own.id and c.amount_fen == own.amount_fen]
        other = [c for c in user.coupons if c.amount_fen != own.amount_fen]
        twin = [c for c in same if c.threshold_fen != own.threshold_fen]
        if twin and other and len(same) == len(twin):
            return own, twin[0], other[0]
    return None


@pytest.fixture(scope="module")
def payer(world: World) -> Payer:
    """The first zh/en pair of the dev suite buying one movie order (nothing about how to
    pay fixed yet) whose user holds a WeChat Pay account, a wallet, a movie coupon, another
    coupon worth as much and one worth something else; its users say the default payment
    method is fine. Which task that is the suite's draw: these tests need the holdings."""
    pairs: dict[str, dict[str, Task]] = {}
    for t in load_suite("dev"):
        if t.pair_id is not None:
            pairs.setdefault(t.pair_id, {})[t.locale] = t
    for pair in pairs.values():
        zh, en = pair.get("zh"), pair.get("en")
        if zh is None or en is None or en.user_id != zh.user_id:
            continue
        orders = zh.goal.orders
        if zh.expect.outcome != "purchase" or len(orders) != 1 or orders[0].kind != "movie":
            continue
        spec = orders[0]
        if spec.payment_method_ids or spec.coupon_id or spec.card_id or spec.no_discount:
            continue
        user = world.users[zh.user_id]
        methods = {m.kind: m.id for m in user.payment_methods}
        coupons = _coupons(user)
        said = [f.answer for t in (zh, en) for f in t.knowledge if f.slot == "payment"]
        if any(terms_in(user, answer).payments for answer in said):
            continue  # it wants one method: the default is not fine
        if "wechat_pay" in methods and "wallet" in methods and coupons is not None:
            return Payer(pair, methods, *coupons)
    raise AssertionError("no dev pair's user holds WeChat Pay, a wallet and such coupons")


@pytest.mark.parametrize(
    ("locale", "wish", "answer", "wrong", "right"),
    [
        (
            "en",
            "wallet",
            "Please use my wallet.",
            "Shall I pay with WeChat Pay?",
            "Shall I pay with your wallet?",
        ),
        (
            "zh",
            "wechat_pay",
            "用微信付吧。",
            "我用钱包帮您付款，可以吗？",
            "我用微信支付帮您付款，可以吗？",
        ),
    ],
)
def test_a_payment_method_the_user_does_not_want_gets_a_no(
    locale: str, wish: str, answer: str, wrong: str, right: str, payer: Payer, world: World,
) -> None:  # fmt: skip
    order = {"payment_method_ids": (payer.methods[wish],)}
    task = hidden_term(payer.tasks[locale], "payment", answer, **order)
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


def test_a_payment_against_what_the_user_said_ends_it(payer: Payer, world: World) -> None:
    wallet = {"payment_method_ids": (payer.methods["wallet"],)}
    task = hidden_term(payer.tasks["en"], "payment", "Please use my wallet.", **wallet)
    talk = Talk(task, world)
    assert talk.say("How would you like to pay?").text == "Please use my wallet."
    assert talk.say("Shall I pay with WeChat Pay?").leave == "declined"


def test_an_order_summary_with_the_wrong_method_is_turned_down(payer: Payer, world: World) -> None:
    wallet = {"payment_method_ids": (payer.methods["wallet"],)}
    task = hidden_term(payer.tasks["en"], "payment", "Please use my wallet.", **wallet)
    n, total = task.goal.orders[0].count, payer.total(task)
    summary = (
        f"Summary: {n} tickets, total ¥{total / 100:.2f}, by WeChat Pay. "
        "Shall I send the payment request?"
    )
    assert Talk(task, world).say(summary).text.startswith(NO)
    wechat = {"payment_method_ids": (payer.methods["wechat_pay"],)}
    zh = hidden_term(payer.tasks["zh"], "payment", "用微信付吧。", **wechat)
    n, total = zh.goal.orders[0].count, payer.total(zh)
    r = Talk(zh, world).say(
        f"订单摘要：{n}张，合计¥{total / 100:.2f}，支付方式：钱包。确认支付吗？"
    )
    assert r.text.startswith(NO) and r.leave is None


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_any_method_is_fine_when_the_user_said_so(locale: str, payer: Payer, world: World) -> None:
    """The suite's users say "the default is fine": every method they hold gets a yes."""
    task = payer.tasks[locale]
    texts = {
        "en": ("Shall I pay with WeChat Pay?", "Shall I pay with your wallet?"),
        "zh": ("我用微信支付帮您付款，可以吗？", "我用钱包帮您付款，可以吗？"),
    }
    for text in texts[task.locale]:
        r = Talk(task, world).say(text)
        assert r.leave is None and r.text.startswith(YES), (text, r.text)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_coupon_wish_is_checked(locale: str, payer: Payer, world: World) -> None:
    own, other = payer.coupon, payer.other
    amount, threshold = yuan(own.amount_fen), yuan(own.threshold_fen)
    answer, without, proposals = {
        "en": (
            f"Use my ¥{amount}-off movie coupon.",
            "I'll book it without a coupon, okay?",
            (f"Shall I apply your ¥{yuan(other.amount_fen)} off coupon?",
             f"Shall I apply your ¥{amount} off coupon?"),
        ),
        "zh": (
            f"用我那张满{threshold}减{amount}的观影券。",
            "这单不用券，直接下单可以吗？",
            (f"给您用满{yuan(other.threshold_fen)}减{yuan(other.amount_fen)}的券可以吗？",
             f"给您用满{threshold}减{amount}的观影券，可以吗？"),
        ),
    }[locale]  # fmt: skip
    task = hidden_term(payer.tasks[locale], "discount", answer, coupon_id=own.id)
    for text in (without, proposals[0]):
        r = Talk(task, world).say(text)
        assert not r.text.startswith(YES), (text, r.text)
        assert answer not in r.text or r.intent == "clarify", (text, r.text)
    r = Talk(task, world).say(proposals[1])
    assert r.leave is None and not r.text.startswith(NO), r.text


def _for_people(text_locale: str, people: list[str]) -> str:
    """A proposal of the tickets for `people` (one, or two)."""
    if text_locale == "zh":
        return f"给{'和'.join(people)}订{'这张票' if len(people) == 1 else '这两张票'}，可以吗？"
    if len(people) == 1:
        return f"Shall I book it for {people[0]}?"
    return f"Shall I book the two tickets for {' and '.join(people)}?"


@pytest.mark.parametrize(("people", "locale"), [(1, "zh"), (1, "en"), (2, "en")])
def test_tickets_for_someone_the_user_did_not_name_end_it(
    people: int, locale: str, world: World
) -> None:
    """The opening names who the tickets are for: a proposal for someone else was not
    listening. (The first dev task of the locale whose opening names its `people` saved
    attendees while the user holds another; for two, the proposal swaps one of them.)"""
    for task in load_suite("dev"):
        spec = task.goal.orders[0] if len(task.goal.orders) == 1 else None
        if task.locale != locale or spec is None or len(spec.attendee_ids) != people:
            continue
        saved = {a.id: a.name for a in world.users[task.user_id].attendees}
        named = [saved[a] for a in spec.attendee_ids]
        others = [n for a, n in saved.items() if a not in spec.attendee_ids and n not in named]
        if others and task.expect.feasible and all(name in task.opening for name in named):
            break
    else:
        pytest.fail(f"no dev task in {locale} names {people} attendees, its user holding more")
    r = Talk(task, world).say(_for_people(locale, [*named[:-1], others[0]]))
    assert r.leave == "declined", r.text
    assert_in_language(r, task)
    ok = Talk(task, world).say(_for_people(locale, named))
    assert ok.leave is None and ok.text.startswith(YES), ok.text


def test_what_a_text_names_about_paying(payer: Payer, world: World) -> None:
    task = payer.tasks["zh"]
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
    own, twin = payer.coupon, payer.twin
    got = terms_in(user, f"用满{yuan(own.threshold_fen)}减{yuan(own.amount_fen)}的观影券")
    assert got.coupon is True and got.coupons == {own.id}
    # the amount alone names every coupon worth as much
    both = terms_in(user, f"apply your ¥{yuan(own.amount_fen)} off coupon").coupons
    assert both == {own.id, twin.id}
    n = named_in(world, user, task.now, "Shall I pay with WeChat Pay or your wallet?")
    assert n.payments == {"wechat_pay", "wallet"}  # two named: it proposes neither
