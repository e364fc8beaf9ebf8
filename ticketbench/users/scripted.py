"""`ScriptedUser`: the default simulated user; deterministic, no API.

How it answers one agent message (first rule that applies):
1. links, while it still wants an order: as many links as orders it still wants (usually
   one) are opened and bought in the app (`finish_in_app`); of more links it opens the one
   the agent clearly recommends, or asks which one (`ticketbench.users.links`) and opens
   the one the agent's next message names. It never tries links in turn until one fits
   its hidden goal. A link that does not open or is not what it wants ends its patience
   with the agent's links: it says what went wrong and leaves (goal met, or declined);
2. its goal is met (every order it wants was paid): it thanks the agent and leaves;
3. a question (read by `ticketbench.users.reading`): a yes/no go-ahead that names an option
   (a showing, a count, seats, a total, a card or coupon, a payment method, the people on
   the tickets) is checked against what the user wants
   (`ticketbench.users.proposal`): it says no, naming what is off but not the value, when
   the option contradicts its opening or hidden answers, leaves at once when it contradicts
   what it already told the agent, and leaves at the `TRUST`-th proposal it turned down; a
   proposal of several options at once gets "which one do you suggest?". Otherwise a
   go-ahead gets "yes" if the user asked for something done (a purchase, refund or
   exchange; whether it can be done it does not know) and "no" to a lookup, plus only how
   it wants it done (payment, seats); an offer of an extra (popcorn, parking, a receipt)
   gets "no, thanks"; a question for information gets each asked slot from its hidden
   knowledge, else its own words from its opening (it knows what it said: what it stated
   exactly, the clauses that said it, impatiently when asked again for it and not read
   back, `ticketbench.users.restate`); anything else "I'm not sure", flagged as a
   doubt (the simulator may be the one at fault: `Reply.doubts`) only when the agent's
   own question names something of the task (a trigger of a fact it holds:
   `dont_know_while_held`; a word of its opening: `unread_question`);
4. the message says the request cannot be met: with a reason it acknowledges and leaves;
   without one it asks why, once, and leaves at the next "cannot". So does a refusal with
   a question beside it that asks about nothing of the order and proposes nothing it can
   check ("Sold out; want me to look at other showings?"); a question that does is
   answered (rule 3);
5. any other statement (a closing offer, "Anything else?", is one: it asks nothing of the
   order): right after a payment sheet, what it decided (a short
   acknowledgement, or why it declined); if it still wants something done, it asks the
   agent to go ahead, in other words the second time (a doubt if the message had a
   question mark or an apology the reader did not place);
   otherwise (lookups, refunds, exchanges) it thanks and leaves.
It leaves with "patience" after `patience` messages without its goal met (a doubt,
`left_on_patience`, only after a reply that carried one). The payment gate
(`ticketbench.users.gate.PaymentGate`) decides sheets; its words start the next reply.
"""

from __future__ import annotations

import re

from ticketbench.env.world import World, load_world
from ticketbench.suite.audit.reading import Intent
from ticketbench.suite.spec import Fact, Task
from ticketbench.users.app_flow import finish_in_app
from ticketbench.users.base import App, Reply
from ticketbench.users.gate import TRUST
from ticketbench.users.links import LinkChoice
from ticketbench.users.proposal import Off, judge
from ticketbench.users.reading.said import as_said, said_in
from ticketbench.users.restate import exactly_stated, reasked, restatement
from ticketbench.users.understand import (
    HOW_SLOTS,
    asked_facts,
    closes_only,
    gives_reason,
    is_confirm,
    is_question,
    offers_extras_only,
    read,
    refusal_beside_questions,
    says_infeasible,
)
from ticketbench.users.wishes import Wishes, request_intent, wishes_of

DEFAULT_PATIENCE = 8

_TEXT = {
    "en": {
        "dont_know": "I'm not sure, sorry.",
        "yes": "Yes, please go ahead.",
        "no": "No, thanks.",
        "thanks": "Great, thanks!",
        "ok_bye": "OK, thanks for letting me know.",
        "why": "Why not? What's the problem?",
        "ack": "OK.",
        "nudge": "Please just book it for me.",
        "nudge_again": "OK, and then? I'm still waiting for the booking.",
        "patience": "This is taking too long; I'll sort it out myself.",
        "which_link": "There are several links here; which one should I open?",
        "bought": "I finished it in the app myself.",
        "bought_one": "I bought that one in the app.",
        "gave_up": "I tried the link, but it didn't work out: {why} I'll leave it there.",
        "which_option": "Which one of those do you suggest?",
        "distrust": "We're going round in circles; I'll sort it out myself.",
        "ignored": "That's not what I asked for. I'll sort it out myself.",
    },
    "zh": {
        "dont_know": "我不确定。",
        "yes": "可以，请继续。",
        "no": "不用了，谢谢。",
        "thanks": "好的，谢谢！",
        "ok_bye": "好的，知道了，谢谢。",
        "why": "为什么不行呢？是什么问题？",
        "ack": "好的。",
        "nudge": "请直接帮我订好吧。",
        "nudge_again": "嗯，然后呢？我还等着订票呢。",
        "patience": "太久了，我自己来吧。",
        "which_link": "这里有好几个链接，我该点哪个？",
        "bought": "我自己在App里买好了。",
        "bought_one": "这个我在App里买好了。",
        "gave_up": "我试了链接，但是没买成：{why}先这样吧。",
        "which_option": "这几个里你推荐哪一个？",
        "distrust": "感觉说不到一块去，我还是自己来吧。",
        "ignored": "这跟我说的不一样，我还是自己来吧。",
    },
}


# What the user says turning a proposal down: what is off, never the value it wants.
_TURN_DOWN: dict[str, dict[Off, str]] = {
    "en": {
        "title": "No, that's not the one I want to see.",
        "cinema": "No, not at that cinema.",
        "day": "No, that day doesn't work for me.",
        "time": "No, that time doesn't suit me.",
        "format": "No, that's not the version I want.",
        "count": "No, that's not how many tickets I need.",
        "seats": "No, I don't want those seats.",
        "price": "No, that's more than I want to spend.",
        "discount": "No, that's not the discount I want to use.",
        "payment": "No, I don't want to pay that way.",
        "people": "No, the tickets aren't for those people.",
    },
    "zh": {
        "title": "不对，不是我想看的那个。",
        "cinema": "不行，不是这家影院。",
        "day": "不行，那天我不方便。",
        "time": "不行，这个时间不合适。",
        "format": "不对，不是我想要的版本。",
        "count": "不对，张数不是这个。",
        "seats": "不行，我不想要这个座位。",
        "price": "不行，超出我想花的了。",
        "discount": "不对，不是我想用的优惠。",
        "payment": "不行，我不想用这个付款。",
        "people": "不对，观演人不是这几位。",
    },
}


class ScriptedUser:
    """A deterministic user holding one task's hidden knowledge and goal."""

    def __init__(
        self, task: Task, patience: int = DEFAULT_PATIENCE, world: World | None = None
    ) -> None:
        self.__task = task  # private: never reachable from the session's public surface
        self._world = world
        self._said: dict[str, tuple[str, ...]] | None = None  # read from the opening lazily
        self._t = _TEXT["zh" if task.locale == "zh" else "en"]
        self._patience = patience
        self._heard = 0
        self._paid = 0
        self._note: str | None = None
        self._just_paid = False  # a payment sheet was approved since the last message
        self._just_declined = False  # a payment sheet was declined since the last message
        self._links = LinkChoice()
        self._asked_why = False
        self._nudged = False
        self._wishes: Wishes | None = None  # all it wants, read lazily
        self._told: list[Fact] = []  # hidden answers it has given the agent
        self._turned_down = 0  # proposals declined: after TRUST it stops trusting the agent
        self._doubted = False  # some reply may have been the simulator's mistake
        self._asked_for: Intent | None = None  # read from the opening lazily

    @property
    def opening(self) -> str:
        """The task's request."""
        return self.__task.opening

    def on_payment(self, request_id: str, approved: bool, reason: str) -> None:
        """Remember the gate's decision, to mention it in the next reply."""
        if approved:
            self._paid += 1
        self._just_paid = approved
        self._just_declined = not approved
        self._note = f"{self._note} {reason}" if self._note else reason

    def _goal_met(self) -> bool:
        want = len(self.__task.goal.orders)
        return want > 0 and self._paid >= want

    def _intent(self) -> Intent:
        """What it asked for (read once from its opening); never whether that can be done:
        it does not know."""
        if self._asked_for is None:
            self._asked_for = request_intent(self.__task, self._world or load_world())
        return self._asked_for

    def _wants_write(self) -> bool:
        """Did it ask for something done, not only for information?"""
        return self._intent() != "pickup"

    async def reply(self, text: str, app: App) -> Reply:
        """Answer one agent message (see the module docstring)."""
        task = self.__task
        self._heard += 1
        note, self._note = self._note, None
        reply = self._answer(text, app, task)
        self._just_paid = self._just_declined = False
        if note:
            said = f"{note} {reply.text}".strip()
            reply = Reply(said, reply.intent, reply.slots, reply.leave, doubts=reply.doubts)
        self._doubted = self._doubted or bool(reply.doubts)
        if reply.leave is None and self._heard >= self._patience:
            # leaving on patience is the simulator's possible fault only after a reply it
            # may have got wrong; an agent that just stalls owns its stalling
            doubts = (*reply.doubts, "left_on_patience") if self._doubted else reply.doubts
            return Reply(
                f"{reply.text} {self._t['patience']}",
                reply.intent,
                reply.slots,
                "patience",
                doubts=doubts,
            )
        return reply

    def _opening_words(self) -> dict[str, tuple[str, ...]]:
        """What its opening said, slot by slot (read once)."""
        if self._said is None:
            task = self.__task
            world = self._world or load_world()
            self._said = said_in(world, task.user_id, task.now, task.opening)
        return self._said

    def _own_words(self, slots: tuple[str, ...]) -> str:
        """The user's answer from its own opening for `slots` ("" if it said none)."""
        if not slots:
            return ""
        return as_said(self._opening_words(), slots, self.__task.locale == "zh")

    def _proposal(self, text: str, facts: list[Fact]) -> Reply | None:
        """A go-ahead question naming an option: checked against what the user wants
        (`ticketbench.users.proposal`). None: it names nothing to check."""
        task = self.__task
        world = self._world or load_world()
        if self._wishes is None:
            self._wishes = wishes_of(task, world)
        view = judge(task, world, wishes_of(task, world, self._told), self._wishes, text)
        t = self._t
        if view.options:
            return Reply(t["which_option"], "confirm")
        if view.off is not None:
            self._turned_down += 1
            said = _TURN_DOWN["zh" if task.locale == "zh" else "en"][view.off]
            if view.ignored:  # it contradicts what the user said: the agent is not listening
                return Reply(f"{said} {t['ignored']}", "confirm", leave="declined")
            if self._turned_down >= TRUST:
                return Reply(f"{said} {t['distrust']}", "confirm", leave="declined")
            return Reply(said, "confirm")
        if not view.names:
            return None
        how = self._tell([f for f in facts if f.slot in HOW_SLOTS])
        slots = tuple(dict.fromkeys(f.slot for f in how))
        return Reply(f"{t['yes']} {_answers(how)}".strip(), "confirm", slots)

    def _tell(self, facts: list[Fact]) -> list[Fact]:
        """Remember hidden answers given to the agent (a proposal that then contradicts
        them was not listening)."""
        self._told += [f for f in facts if f not in self._told]
        return facts

    def _answer(self, text: str, app: App, task: Task) -> Reply:
        t = self._t
        wanted = len(task.goal.orders) - self._paid
        if not task.goal.orders and self._intent() in ("purchase", "pay_hold"):
            # It asked to buy and does not know that cannot be done: it opens a link as it
            # would in any task, and meets what the app shows (red team R2: a user who
            # never tried links in these tasks told a twin which requests cannot be met).
            wanted = 1
        if wanted > 0:
            links, ask = self._links.take(text, wanted)
            if ask:
                return Reply(t["which_link"], "navigate")
            if links:
                return self._open(links, app, task)
        if self._goal_met():
            return Reply(t["thanks"], "inform", leave="goal_met")
        asks = is_question(text)
        closing = asks and closes_only(text)  # "Anything else?": no question about the order
        refusal = refusal_beside_questions(text) if asks else None
        if asks and not closing:
            answer = self._answer_question(text, refusing=refusal is not None)
            if answer is not None:
                return answer
        if refusal is not None:  # "Sold out. Want me to look further?", "…Anything else?"
            return self._told_cannot(refusal)
        if says_infeasible(text):
            return self._told_cannot(gives_reason(text))
        if self._just_paid:
            return Reply(t["ack"], "inform")
        if self._just_declined:
            return Reply("", "inform")  # what it declined and why is all it has to say
        if self._intent() in ("purchase", "pay_hold"):
            # it asked to buy (whether or not that can be done): it waits for the booking;
            # had the message been a question or a refusal, it would matter
            nudge = t["nudge_again"] if self._nudged else t["nudge"]
            self._nudged = True
            return Reply(nudge, "inform", doubts=() if closing else _statement_doubts(text))
        return Reply(t["thanks"], "inform", leave="said_goodbye")

    def _told_cannot(self, why: bool) -> Reply:
        """The request cannot be met: with a reason (or after it asked why once) the user
        acknowledges and leaves; without one it asks why."""
        t = self._t
        if why or self._asked_why:
            return Reply(t["ok_bye"], "inform", leave="told_infeasible")
        self._asked_why = True
        return Reply(t["why"], "inform")

    def _open(self, links: list[str], app: App, task: Task) -> Reply:
        """Open each link in turn (no more than the orders it still wants) and buy."""
        t = self._t
        for url in links:
            out = finish_in_app(task, app, url)
            if not out.paid:
                why = out.said(task.locale)
                return Reply(t["gave_up"].format(why=why), "navigate", leave="declined")
            self._paid += 1
        if self._goal_met():
            return Reply(t["bought"], "navigate", leave="goal_met")
        return Reply(t["bought_one"], "navigate")

    def _answer_question(self, text: str, refusing: bool = False) -> Reply | None:
        """The reader looks only at the questions: an order summary before "Shall I pay?"
        is information, not a question. `refusing`: the message also says the request
        cannot be met; a question about the order ("which day, then?") or an option it
        can check is answered as ever, a go-ahead naming nothing ("want me to look
        further?") or a question about nothing is not, and None says so: the refusal is
        what the user answers."""
        t = self._t
        task = self.__task
        facts = asked_facts(text, task.knowledge)
        slots = tuple(dict.fromkeys(f.slot for f in facts))
        if not facts and offers_extras_only(text):
            return Reply(t["no"], "inform")  # popcorn, parking, a receipt: never asked for
        if is_confirm(text) and self._wants_write():
            judged = self._proposal(text, facts)
            if judged is not None:
                return judged
        if refusing and not facts and (is_confirm(text) or not read(text).slots):
            return None  # an offer or a closing word beside the refusal: no question to it
        if is_confirm(text) and set(slots) <= HOW_SLOTS:
            # "Shall I send the payment request?" is a go-ahead question that merely
            # mentions payment: say yes, and add only how the user wants it done.
            yes = t["yes"] if self._wants_write() else t["no"]
            return Reply(f"{yes} {_answers(self._tell(facts))}".strip(), "confirm", slots)
        asked = read(text).slots
        rest = tuple(s for s in asked if s not in slots)
        # what its opening stated exactly, asked again or read back: the clauses that said
        # it, as it said them (never a tidier list than the opening)
        world = self._world or load_world()
        again = tuple(s for s in reasked(task, world, text) if s in rest)
        exact = {x.slot for x in exactly_stated(task, world)}
        quoted = tuple(s for s in rest if s in exact)
        restated = restatement(task, world, quoted, again=bool(again))
        own = self._own_words(tuple(s for s in rest if s not in exact))
        said = tuple(s for s in rest if s in exact or (self._said and self._said.get(s)))
        if facts or own or restated:
            answer = " ".join(x for x in (_answers(self._tell(facts)), restated, own) if x)
            return Reply(answer, "clarify", (*slots, *said))
        questions = _agents_questions(text, task.opening)
        if _held(questions, task, asked):
            return Reply(t["dont_know"], "clarify", doubts=("dont_know_while_held",))
        if not asked and self._about_task(questions):
            return Reply(t["dont_know"], "clarify", doubts=("unread_question",))
        # asked what it never knew, echoed the user's own question, or asked about nothing
        # of the task ("Let me look into that?"): not the reader's fault
        return Reply(t["dont_know"], "clarify")

    def _about_task(self, questions: list[str]) -> bool:
        """Does a question name something of the task (a word its opening used for a
        slot, a trigger of a fact it holds)? Only then may "I'm not sure" be the reader's
        fault; a question about nothing ("我这边看看哈？") is one no person could answer."""
        said = [w.casefold() for words in self._opening_words().values() for w in words]
        words = [w for w in said if len(w) > 1] + [
            t.casefold() for f in self.__task.knowledge for t in f.triggers if len(t) > 2
        ]
        return any(w in q for q in questions for w in words)


_APOLOGY = re.compile(r"sorry|apologi[sz]e|抱歉|不好意思|遗憾|对不起", re.I)


_SENTENCE = re.compile(r"(?<=[?？!！。;；\n])|(?<=\.)\s+")


def _agents_questions(text: str, opening: str) -> list[str]:
    """The message's question sentences (casefolded) that are not the user's own words
    echoed back ("在吗？" copied from its opening asks the user nothing)."""
    own = opening.casefold()
    out = []
    for s in _SENTENCE.split(text):
        q = s.strip().casefold()
        asking = re.split(r"[:：]", q)[-1].strip()  # "Done as you asked: <its words>?"
        if q.endswith(("?", "？")) and asking not in own:
            out.append(q)
    return out


def _held(questions: list[str], task: Task, placed: tuple[str, ...]) -> bool:
    """A second opinion on "I'm not sure": does a question the agent wrote hold the task's
    own trigger words for a fact the user holds (of a slot other than those the reader
    placed, which it would have answered)? Then the reader likely misread the question."""
    triggers = [
        t.casefold()
        for f in task.knowledge
        if f.slot not in placed
        for t in f.triggers
        if len(t) > 2
    ]
    return any(t in q for q in questions for t in triggers)


def _statement_doubts(text: str) -> tuple[str, ...]:
    """Why a message read as a plain statement may have been misread."""
    out: list[str] = []
    if "?" in text or "？" in text:
        out.append("missed_question")
    if _APOLOGY.search(text):
        out.append("missed_refusal")
    return tuple(out)


def _answers(facts: list[Fact]) -> str:
    seen: dict[str, None] = {}
    for f in facts:
        seen.setdefault(f.answer, None)
    return " ".join(seen)
