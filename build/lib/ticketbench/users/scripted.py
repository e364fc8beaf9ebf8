"""`ScriptedUser`: the default simulated user; deterministic, no API.

How it answers one agent message (first rule that applies):
1. the message carries a deep link and the user still wants to buy: it follows the link and
   finishes in the app (`finish_in_app`), then leaves (goal met, or gave up);
2. its goal is met (every order it wants was paid): it thanks the agent and leaves;
3. a question: it answers from its hidden knowledge (facts whose bilingual trigger keywords
   occur in the question); a yes/no go-ahead gets "yes" if the user wants a write (a
   purchase, refund or exchange) and "no" otherwise; anything else "I don't know";
4. the message says the request cannot be met: it acknowledges and leaves;
5. any other statement: if it still wants to buy, it asks the agent to go ahead (this uses up
   patience); otherwise (lookups, refunds, no-purchase tasks) it thanks and leaves.
It leaves with "patience" after `patience` messages without its goal met.
The outcome of a payment request is mentioned at the start of its next reply.
"""

from __future__ import annotations

from ticketbench.suite.spec import Fact, Task
from ticketbench.users.base import App, Reply
from ticketbench.users.gate import finish_in_app
from ticketbench.users.understand import (
    HOW_SLOTS,
    asked_facts,
    find_links,
    is_confirm,
    is_question,
    says_infeasible,
)

DEFAULT_PATIENCE = 8

_TEXT = {
    "en": {
        "dont_know": "I'm not sure, sorry.",
        "yes": "Yes, please go ahead.",
        "no": "No, thanks.",
        "thanks": "Great, thanks!",
        "ok_bye": "OK, thanks for letting me know.",
        "nudge": "Please just book it for me.",
        "patience": "This is taking too long; I'll sort it out myself.",
        "approved": "I approved the payment.",
        "declined": "I declined the payment: {why}.",
        "bought": "I finished it in the app myself.",
        "gave_up": "I tried the link but gave up: {why}.",
    },
    "zh": {
        "dont_know": "我不确定。",
        "yes": "可以，请继续。",
        "no": "不用了，谢谢。",
        "thanks": "好的，谢谢！",
        "ok_bye": "好的，知道了，谢谢。",
        "nudge": "请直接帮我订好吧。",
        "patience": "太久了，我自己来吧。",
        "approved": "我已经确认支付了。",
        "declined": "我拒绝了这笔支付：{why}。",
        "bought": "我自己在App里买好了。",
        "gave_up": "我试了链接，但没买成：{why}。",
    },
}


class ScriptedUser:
    """A deterministic user holding one task's hidden knowledge and goal."""

    def __init__(self, task: Task, patience: int = DEFAULT_PATIENCE) -> None:
        self.__task = task  # private: never reachable from the session's public surface
        self._t = _TEXT["zh" if task.locale == "zh" else "en"]
        self._patience = patience
        self._heard = 0
        self._paid = 0
        self._note: str | None = None

    @property
    def opening(self) -> str:
        """The task's request."""
        return self.__task.opening

    def on_payment(self, request_id: str, approved: bool, reason: str) -> None:
        """Remember the gate's decision, to mention it in the next reply."""
        if approved:
            self._paid += 1
            self._note = self._t["approved"]
        else:
            self._note = self._t["declined"].format(why=reason)

    def _goal_met(self) -> bool:
        want = len(self.__task.goal.orders)
        return want > 0 and self._paid >= want

    def _wants_write(self) -> bool:
        return self.__task.expect.outcome != "no_purchase" and self.__task.expect.feasible

    async def reply(self, text: str, app: App) -> Reply:
        """Answer one agent message (see the module docstring)."""
        task = self.__task
        self._heard += 1
        note, self._note = self._note, None
        reply = self._answer(text, app, task)
        if note:
            reply = Reply(f"{note} {reply.text}", reply.intent, reply.slots, reply.leave)
        if reply.leave is None and self._heard >= self._patience:
            return Reply(
                f"{reply.text} {self._t['patience']}", reply.intent, reply.slots, "patience"
            )
        return reply

    def _answer(self, text: str, app: App, task: Task) -> Reply:
        t = self._t
        links = find_links(text)
        if links and task.goal.orders and not self._goal_met():
            why = ""
            for url in dict.fromkeys(links):  # one purchase per link, until the goal is met
                out = finish_in_app(task, app, url)
                if out.paid:
                    self._paid += 1
                    if self._goal_met():
                        return Reply(t["bought"], "navigate", leave="goal_met")
                else:
                    why = out.why
            return Reply(t["gave_up"].format(why=why or "?"), "navigate", leave="declined")
        if self._goal_met():
            return Reply(t["thanks"], "inform", leave="goal_met")
        if is_question(text):
            facts = asked_facts(text, task.knowledge)
            slots = tuple(dict.fromkeys(f.slot for f in facts))
            if facts and is_confirm(text) and set(slots) <= HOW_SLOTS:
                # "Shall I send the payment request?" is a go-ahead question that merely
                # mentions payment: say yes, and add how the user wants it done.
                yes = t["yes"] if self._wants_write() else t["no"]
                return Reply(f"{yes} {_answers(facts)}", "confirm", slots)
            if facts:
                return Reply(_answers(facts), "clarify", slots)
            if is_confirm(text):
                return Reply(t["yes"] if self._wants_write() else t["no"], "confirm")
            return Reply(t["dont_know"], "clarify")
        if says_infeasible(text):
            return Reply(t["ok_bye"], "inform", leave="told_infeasible")
        if task.goal.orders:
            return Reply(t["nudge"], "inform")
        return Reply(t["thanks"], "inform", leave="said_goodbye")


def _answers(facts: list[Fact]) -> str:
    seen: dict[str, None] = {}
    for f in facts:
        seen.setdefault(f.answer, None)
    return " ".join(seen)
