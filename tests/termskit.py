"""Tasks whose user wants one payment method it does not name: the suite's purchases, each
with a hidden "pay with WeChat Pay" / "用支付宝付" instead of "the default is fine".

The shipped suite never constrains the payment method (every user says any is fine), so
an agent that learns the method by proposing each in turn gains nothing there. These
variants are where it could: each keeps its task's showing, seats and reference, wants a
method that is not the first on the account, and answers with its kind when asked how to
pay. Write a task file and run agents on it:

    python tests/termskit.py --split dev /tmp/pay-dev.jsonl
    PYTHONPATH=tests ticketbench run --suite /tmp/pay-dev.jsonl --agent redteam_agents:PayProbe
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from pathlib import Path

from ticketbench.env.models import PaymentKind, User
from ticketbench.env.world import World, load_world
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Fact, Step, Task

SAY: dict[PaymentKind, tuple[str, str]] = {
    "wechat_pay": ("用微信付吧。", "Please pay with WeChat Pay."),
    "alipay": ("用支付宝付。", "Use Alipay, please."),
    "wallet": ("用平台钱包付。", "Please use my wallet."),
    "bank_card": ("用我的银行卡付。", "Pay with my bank card."),
    "member_card": ("用会员卡余额付。", "Pay with my member card balance."),
}


RICH = 200_000  # fen: a method that pays for any of the suite's single orders


def _wanted(user: User) -> str | None:
    """A method of another kind than the account's first (a blind agent's default) that
    can pay; None when there is none."""
    first = user.payment_methods[0] if user.payment_methods else None
    others = [
        m
        for m in user.payment_methods
        if first is not None and m.kind != first.kind and m.balance_fen >= RICH
    ]
    return others[0].id if others else None


def hidden_payment(task: Task, world: World) -> Task | None:
    """`task` with a hidden payment method (see the module docstring); None when it is no
    single paid purchase or its user holds one kind of method."""
    user = world.users.get(task.user_id)
    pays = [s for s in task.reference if s.kind == "pay"]
    if user is None or len(task.goal.orders) != 1 or len(pays) != 1:
        return None
    method = _wanted(user)
    if method is None:
        return None
    kind = next(m.kind for m in user.payment_methods if m.id == method)
    answer = SAY[kind][0 if task.locale == "zh" else 1]
    old = next((f for f in task.knowledge if f.slot == "payment"), None)
    triggers = old.triggers if old else ("支付", "付款", "pay", "payment")
    facts = (*(f for f in task.knowledge if f.slot != "payment"),
             Fact(slot="payment", triggers=triggers, answer=answer))  # fmt: skip
    orders = tuple(o.model_copy(update={"payment_method_ids": (method,)}) for o in task.goal.orders)
    expect = tuple(
        o.model_copy(update={"payment_method_ids": (method,)}) for o in task.expect.orders
    )
    reference = tuple(_pay_with(s, method) for s in task.reference)
    return task.model_copy(
        update={
            "id": f"{task.id}-pay",
            "knowledge": facts,
            "goal": task.goal.model_copy(update={"orders": orders}),
            "expect": task.expect.model_copy(update={"orders": expect}),
            "reference": reference,
        }
    )


def _pay_with(step: Step, method: str) -> Step:
    if step.kind != "pay":
        return step
    return step.model_copy(update={"args": {**step.args, "payment_method_id": method}})


def variants(tasks: Iterable[Task], world: World) -> Iterator[Task]:
    """The tasks that have a hidden-payment variant, as variants."""
    for t in tasks:
        v = hidden_payment(t, world)
        if v is not None:
            yield v


def main() -> None:
    """Write the variants of a split as a task file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    tasks = list(variants(load_suite(args.split), load_world()))
    args.out.write_text("".join(t.model_dump_json() + "\n" for t in tasks), encoding="utf-8")
    print(f"{len(tasks)} tasks -> {args.out}")


if __name__ == "__main__":
    main()
