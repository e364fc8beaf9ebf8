"""`navigator`: behaves like the reported product; finds the right option, hands over a link.

It replays the reference solution's searches (`current_time`, `search_*`, `get_event`),
then calls `booking_link` for the showtime or session of each order the reference creates
and sends the links to the user with a short note, and stops: the user picks seats, coupon
and payment in the app. It never creates an order.

Because it takes the right showtime from the task's reference (via `for_episode`, never
through the session), it is an *upper bound on navigation*: a real navigation product can
do no better than point at the right option. It acts only through tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ticketbench.agents.reference import HasReference, RefStep
from ticketbench.protocol import Session

SEARCHES = frozenset({"current_time", "search_movies", "search_cinemas", "search_showtimes",
                      "search_events", "get_event"})  # fmt: skip

_TEXT = {
    "en": (
        "Here is the booking link: {links}. Open it to pick your seats and pay in the app.",
        "I couldn't find a booking for this; please check the app.",
    ),
    "zh": (
        "这是购票链接：{links}。打开后在App里选座并支付即可。",
        "抱歉，我没有找到可以直接购票的场次，请在App里看看。",
    ),
}


def _targets(steps: Sequence[RefStep]) -> list[dict[str, Any]]:
    """booking_link arguments for each order the reference creates."""
    out: list[dict[str, Any]] = []
    for step in steps:
        if step.kind == "call" and step.tool == "create_order":
            if step.args.get("showtime_id"):
                out.append({"showtime_id": step.args["showtime_id"]})
            elif step.args.get("session_id"):
                out.append({"session_id": step.args["session_id"]})
    return out


class NavigatorAgent:
    """Searches, then hands the user deep links; build one per episode with `for_episode`."""

    def __init__(self, steps: Sequence[RefStep] = (), locale: str = "en") -> None:
        self._steps = tuple(steps)
        self._locale = "zh" if locale == "zh" else "en"

    def for_episode(self, task: HasReference, trial: int, seed: int) -> NavigatorAgent:
        """The navigator for one episode (it reads the reference's target showtimes)."""
        return NavigatorAgent(task.reference, task.locale)

    def describe(self) -> dict[str, str]:
        return {"kind": "baseline", "reads": "the reference's target showtimes (upper bound)"}

    async def run(self, session: Session) -> None:
        """Search like the product, then send the links (or a shrug) and stop."""
        for step in self._steps:
            if step.kind == "call" and step.tool == "create_order":
                break
            if step.kind == "call" and step.tool in SEARCHES:
                await session.call(step.tool, dict(step.args))
        links: list[str] = []
        for args in _targets(self._steps):
            res = await session.call("booking_link", args)
            if res.ok and isinstance(res.data, dict) and isinstance(res.data.get("url"), str):
                links.append(res.data["url"])
        found, none = _TEXT[self._locale]
        await session.say(found.format(links=" ".join(links)) if links else none)
