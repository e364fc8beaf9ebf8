"""`oracle-reworded`: the oracle, with every clarifying and go-ahead question said in other
words, the way real assistants phrase them.

It checks the simulated user, not the agent: the right actions in the right order must
score the same whatever the wording. The wordings here were written apart from the user's
reader (`ticketbench.users.reading`) and are never tuned to it; each episode draws its
wordings from the episode seed, so a run exercises all of them. `ticketbench verify`
requires ≥ 98% success in every category.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ticketbench.agents.oracle import OracleAgent
from ticketbench.agents.reference import HasReference, RefStep

# {title}: the title the reference searches for (a disambiguation names a candidate).
QUESTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "count": {
        "zh": (
            "就您自己去，还是有朋友一起？",
            "一共几位呀？",
            "需要订几个座位呢",
            "这次是几个人一起看？",
            "好的～请问帮您买多少张？",
            "您这边几位观影？",
            "人数还没说哦，是一个人还是好几个人？",
        ),
        "en": (
            "Is it just you, or is someone coming along?",
            "How many seats do you need?",
            "For how many people?",
            "Quick check - how many tickets should I get?",
            "Will anyone be joining you?",
            "What's the headcount?",
            "got it. how many of you are going",
        ),
    },
    "date": {
        "zh": (
            "是今天看，还是改天？",
            "您打算哪天去？",
            "想约在几号？",
            "具体日期是？",
            "这周哪一天方便？",
            "哪个日子合适呢",
            "刚过零点哦，您说的今晚是指哪个晚上？",
        ),
        "en": (
            "Is that for today, or another day?",
            "What date works for you?",
            "When would you like to go?",
            "Which day are you thinking of?",
            "Do you have a particular day in mind?",
            "It's just past midnight - which evening do you mean by tonight?",
            "Any specific date?",
        ),
    },
    "which_movie": {
        "zh": (
            "您说的是《{title}》，还是另一部？",
            "名字对得上的片子不止一部，您要看的是哪个？",
            "能告诉我完整片名吗？",
            "是哪一部呀？有几部都叫这个。",
            "想确认下：您指的是《{title}》吗？",
        ),
        "en": (
            'Do you mean "{title}", or a different one?',
            "A few films go by that name - which one are you after?",
            "Could you give me the full title?",
            "Which film did you have in mind?",
            'Just to be sure, you mean "{title}"?',
        ),
    },
}
GO_AHEADS: dict[str, tuple[str, ...]] = {
    "zh": (
        "{summary}。没问题的话我就下单付款了？",
        "{summary}。要我现在帮您付款吗？",
        "{summary}。就按这个来？",
        "我帮您整理好了：{summary}。这样可以吗？",
        "**订单信息**\n{summary}\n确认的话我发起支付～",
    ),
    "en": (
        "{summary}. Want me to go ahead and pay?",
        "{summary}. Good to book?",
        "Here's what I've got: {summary}. Does this look right? I'll send the payment "
        "request once you say so.",
        "{summary}. OK to proceed?",
        "**Your order**\n{summary}\nShall I complete the payment?",
    ),
}
_SEARCH_TOOLS = ("search_movies", "search_events")


def _title(steps: Sequence[RefStep]) -> str:
    for s in steps:
        if s.kind == "call" and s.tool in _SEARCH_TOOLS:
            q = s.args.get("query")
            if isinstance(q, str) and q:
                return q
    return "?"


class RewordedOracleAgent(OracleAgent):
    """The oracle with its questions reworded; build one per episode with `for_episode`."""

    def __init__(self, steps: Sequence[RefStep] = (), locale: str = "en", seed: int = 0) -> None:
        super().__init__(steps)
        self._lang = "zh" if locale == "zh" else "en"
        self._seed = seed
        self._said = 0
        self._title = _title(steps)

    def for_episode(self, task: HasReference, trial: int, seed: int) -> RewordedOracleAgent:
        """The reworded oracle for one episode: wordings drawn from the episode seed."""
        return RewordedOracleAgent(task.reference, task.locale, seed)

    def describe(self) -> dict[str, str]:
        return {"kind": "baseline", "reads": "the task's reference solution, reworded"}

    def _pick(self, options: Sequence[str]) -> str:
        self._said += 1
        return options[(self._seed + self._said) % len(options)]

    def question(self, step: RefStep) -> str:
        """A rewording of the reference's clarifying question for its slot."""
        wordings = QUESTIONS.get(step.slot or "", {}).get(self._lang)
        if not wordings:
            return step.text
        return self._pick(wordings).format(title=self._title)

    def go_ahead(self, zh: bool, summary: str) -> str:
        """The order summary with a reworded go-ahead question."""
        summary = re.sub(r"[.。]\s*$", "", summary)
        return self._pick(GO_AHEADS["zh" if zh else "en"]).format(summary=summary)
