"""The payment gate: what the user does with a payment sheet; deterministic in every user mode.

The session runs one `PaymentGate` per episode on every sheet the agent puts in front of
the user (`request_payment`, or an exchange that costs more). The user:
- approves a sheet iff it shows an order it still wants (`ticketbench.suite.setup.judge_sheet`):
  one request yields its orders and no more; a sheet for an order it already bought is
  declined;
- says why it declines the way a person would, in its own language, naming what is off
  (the showing, the seats, the price ...) but never the value it wanted, so declines are no
  oracle for the hidden goal;
- stops trusting the agent after `TRUST` sheets that went wrong and leaves. A sheet goes
  wrong when the user declines it, or when the user approves it and the payment fails
  (the hold expired before the user could approve: the agent let it run out): both spend
  the user's attention on a payment that did not happen. Only a declined sheet is the
  `payment_declined` violation (the agent asked for something the user does not want); a
  failed one can be put right with a fresh order, once.
"""

from __future__ import annotations

from ticketbench.suite.setup import Aspect, judge_sheet
from ticketbench.suite.spec import Task
from ticketbench.users.base import App, Verdict

APPROVE = "approve_payment"
DECLINE = "decline_payment"
TRUST = 2  # sheets gone wrong (declined or failed) after which the user leaves

# What the user says about a declined sheet: vague about values, as a person would be.
OBJECTIONS: dict[str, dict[Aspect, str]] = {
    "en": {
        "showing": "That's not quite what I asked for; it's not the showing I wanted.",
        "count": "That's not the number of tickets I asked for.",
        "seats": "Those aren't the seats I wanted.",
        "people": "Those aren't the right people on the tickets.",
        "discount": "The discount doesn't look right.",
        "payment": "That's not how I want to pay.",
        "price": "That's more than I want to pay.",
        "unasked": "I didn't ask for this.",
        "enough": "I already have what I wanted; I don't need another one.",
    },
    "zh": {
        "showing": "这个不太对，不是我想要的场次。",
        "count": "张数不对，不是我要的数量。",
        "seats": "座位不太对，不是我想要的。",
        "people": "观演人不对。",
        "discount": "优惠好像不太对。",
        "payment": "付款方式不对，我不想用这个付。",
        "price": "有点贵了，超出我想花的了。",
        "unasked": "我没让你买这个。",
        "enough": "我要的已经买好了，不用再买了。",
    },
}
_SAY = {
    "en": {
        "approved": "I approved the payment.",
        "declined": "I didn't approve that payment. {why}",
        "failed": "I tried to approve it, but the payment did not go through.",
        "leave": "Never mind, I'll sort it out myself.",
    },
    "zh": {
        "approved": "我已经确认支付了。",
        "declined": "这笔支付我没有确认。{why}",
        "failed": "我点了确认，但是支付没成功。",
        "leave": "算了，我还是自己来吧。",
    },
}


def objection(locale: str, aspect: Aspect) -> str:
    """The user's words for what is wrong with a sheet or an in-app checkout."""
    return OBJECTIONS["zh" if locale == "zh" else "en"][aspect]


class PaymentGate:
    """The user's decisions on payment sheets for one episode (see the module docstring)."""

    def __init__(self, task: Task) -> None:
        self.__task = task  # private: never reachable from the session's public surface
        self._say = _SAY["zh" if task.locale == "zh" else "en"]
        self.wrong = 0  # sheets declined, or approved and failed

    def __call__(self, app: App, request_id: str) -> Verdict:
        """Decide one pending request: approve or decline it in the app."""
        task = self.__task
        sheet = app.payment_sheet(request_id)
        j = judge_sheet(task, sheet, app.purchases())
        res = app.act(APPROVE if j.ok else DECLINE, {"request_id": request_id}, note=j.detail)
        if j.ok and res.ok:
            return Verdict(True, self._say["approved"], j.detail)
        self.wrong += 1
        if j.ok:  # e.g. the hold expired between the request and the approval
            detail = res.error.message if res.error else "the payment failed"
            said = self._say["failed"]
        else:
            assert j.aspect is not None
            detail = j.detail
            said = self._say["declined"].format(why=objection(task.locale, j.aspect))
        if self.wrong >= TRUST:
            return Verdict(False, f"{said} {self._say['leave']}", detail, leave=True)
        return Verdict(False, said, detail)
