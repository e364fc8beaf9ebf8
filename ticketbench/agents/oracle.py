"""`oracle`: replays the task's reference solution through the session.

The runner hands it each episode's task via `for_episode` (never through the session).
Steps: "call" runs a tool, "ask" and "say" send the step's text to the user (an ask is the
clarification the task needs), "pay" calls `request_payment` (the user's payment gate then
approves the sheet). When the reference says nothing between creating an order and paying
it, the oracle first sends the order summary, as the policy asks ("confirm before paying").
It must score success and L4 on every task; `ticketbench verify` checks exactly that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ticketbench.agents.reference import HasReference, RefStep
from ticketbench.protocol import Session

_CJK = re.compile(r"[\u3400-\u9fff]")


class OracleAgent:
    """Replays a reference solution; build one per episode with `for_episode`."""

    def __init__(self, steps: Sequence[RefStep] = ()) -> None:
        self._steps = tuple(steps)

    def for_episode(self, task: HasReference, trial: int, seed: int) -> OracleAgent:
        """The oracle for one episode: the task's own reference solution."""
        return OracleAgent(task.reference)

    def describe(self) -> dict[str, str]:
        return {"kind": "baseline", "reads": "the task's reference solution"}

    async def run(self, session: Session) -> None:
        """Play the reference steps in order; stop early if the episode ends."""
        summaries: dict[str, str] = {}  # order id -> the summary create_order returned
        for step in self._steps:
            if session.done:
                return
            if step.kind == "call":
                res = await session.call(step.tool, dict(step.args))
                if step.tool == "create_order" and isinstance(res.data, dict):
                    summaries[str(res.data.get("order_id"))] = res.content
            elif step.kind == "pay":
                summary = summaries.pop(str(step.args.get("order_id")), None)
                if summary is not None:  # the policy: confirm the order summary before paying
                    await session.say(
                        self.go_ahead(_CJK.search(session.opening) is not None, summary)
                    )
                await session.call(step.tool or "request_payment", dict(step.args))
            elif step.kind == "ask":
                summaries.clear()  # the reference asked the user itself
                await self.ask(session, step)
            else:
                summaries.clear()  # the reference told the user itself
                await session.say(step.text)

    async def ask(self, session: Session, step: RefStep) -> None:
        """Ask what the reference asks at `step` (in `question`'s words)."""
        await session.say(self.question(step))

    def question(self, step: RefStep) -> str:
        """The words of a clarifying question (the reference's own)."""
        return step.text

    def go_ahead(self, zh: bool, summary: str) -> str:
        """The order summary and the go-ahead question before a payment request."""
        return _confirm_text("中" if zh else "", summary)


def _confirm_text(opening: str, summary: str) -> str:
    """The reference wording of the summary and go-ahead, in the opening's language."""
    if _CJK.search(opening):
        return f"订单摘要：{summary}。确认无误的话我现在发起支付，可以吗？"
    return f"Order summary: {summary}. Shall I send you the payment request now?"
