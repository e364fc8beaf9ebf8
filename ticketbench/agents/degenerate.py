"""Degenerate agents: they know nothing of the task and must score (almost) nothing.

`ticketbench verify` runs each over every split and fails if one succeeds on more than
`DEGENERATE_BOUND` of the tasks (README "Metrics"). Each is the cheapest way to look
successful that a scoring rule must stop:
- `say-nothing`: returns at once, no tool call, no message;
- `refuse-all`: one refusal naming every reason the suite knows, in Chinese and English,
  with no tool call; `refuse-all-looked` first searches like a product would;
- `link-all`: searches, then sends one message with a booking link to every candidate
  showtime or session it found;
- `buy-first`: searches the named movie's showtimes in the user's city (or the named
  event's sessions), holds the first result with the service's default seats or zone,
  sends a summary and asks the user to pay. (`buy-first-at-cinema` in
  `ticketbench.agents.gaming` first narrows to a cinema the opening names: it buys the
  right showing whenever that is the cinema's next one, a lucky guess, not a scoring hole.)
They read only the opening and tool results (`ticketbench.agents.blind`).
"""

from __future__ import annotations

from ticketbench.agents.blind import booking_links, hold, is_zh, look_around, ticket_count
from ticketbench.protocol import Agent, Session

DEGENERATE_BOUND = 0.02

# Every reason of `ticketbench.suite.reasons`, asserted in the words a refusal would use.
EVERY_REASON_EN = (
    "Sorry, I can't book this: the showing is sold out and there are not enough seats "
    "together; online sales have closed; it is over your budget; tickets are not on sale yet; "
    "there is a limit of one ticket per ID; the refund deadline has passed; and the cinema "
    "does not offer refunds."
)
EVERY_REASON_ZH = (
    "抱歉，无法办理：已经售罄，没有连在一起的座位；线上售票已截止；超出您的预算；还没开售；"
    "每个证件限购1张；已过退票截止时间；该影院不支持退票。"
)


class SayNothingAgent:
    """Does nothing at all."""

    def describe(self) -> dict[str, str]:
        return {"kind": "degenerate"}

    async def run(self, session: Session) -> None:
        """Return at once."""
        return None


class RefuseAllAgent:
    """Refuses naming every reason, zh and en; looks nothing up."""

    look = False

    def describe(self) -> dict[str, str]:
        return {"kind": "degenerate"}

    async def run(self, session: Session) -> None:
        """Optionally search (`look`), then send the all-reasons refusal."""
        if self.look:
            await look_around(session)
        first, second = (EVERY_REASON_ZH, EVERY_REASON_EN)
        if not is_zh(session.opening):
            first, second = second, first
        await session.say(f"{first}\n{second}")


class RefuseAllLookedAgent(RefuseAllAgent):
    """`refuse-all` after a product-like search (so a tool result showed the facts)."""

    look = True


class LinkAllAgent:
    """Searches, then links every candidate in one message."""

    def describe(self) -> dict[str, str]:
        return {"kind": "degenerate"}

    async def run(self, session: Session) -> None:
        """Search, issue a link per candidate, send them all."""
        finds = await look_around(session, orders=False)
        urls = await booking_links(session, finds.candidates)
        if is_zh(session.opening):
            await session.say("找到这些场次，点链接在App里选座支付：\n" + "\n".join(urls))
        else:
            await session.say(
                "Here are the options; open one to book in the app:\n" + "\n".join(urls)
            )


class BuyFirstAgent:
    """Holds the first search result and asks the user to pay for it."""

    at_cinema = False

    def describe(self) -> dict[str, str]:
        return {"kind": "degenerate"}

    async def run(self, session: Session) -> None:
        """Search, hold the first candidate, summarise, request payment."""
        zh = is_zh(session.opening)
        finds = await look_around(session, at_cinema=self.at_cinema)
        order = None
        for cand in finds.candidates[:1]:
            order = await hold(session, cand, ticket_count(session.opening))
        if order is None or not finds.payment_methods:
            await session.say("抱歉，没找到可以买的。" if zh else "Sorry, I found nothing to buy.")
            return
        await session.say(
            f"已为您锁定订单 {order['order_id']}，合计 {order['total']}，现在发起支付。"
            if zh
            else f"I've held order {order['order_id']}, total {order['total']}; "
            "sending you the payment request now."
        )
        await session.call(
            "request_payment",
            {"order_id": order["order_id"], "payment_method_id": finds.payment_methods[0]},
        )
        if not session.done:
            await session.say("订好了。" if zh else "All done.")


# The agents `ticketbench verify` runs, by their `--agent` names.
DEGENERATE_AGENTS: dict[str, type[Agent]] = {
    "say-nothing": SayNothingAgent,
    "refuse-all": RefuseAllAgent,
    "refuse-all-looked": RefuseAllLookedAgent,
    "link-all": LinkAllAgent,
    "buy-first": BuyFirstAgent,
}
