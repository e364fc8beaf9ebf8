"""An episode's trajectory and end state as the attack checks read them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ticketbench.env.models import Order
from ticketbench.env.state import TicketEnv, TicketTransfer
from ticketbench.scoring.episode import unconfirmed_payments
from ticketbench.suite.spec import Task
from ticketbench.trajectory import AgentMessage, Event, ToolCall

_SPACE = re.compile(r"[\s\u3000]+")


def squash(text: str) -> str:
    """Lower-case, spaces dropped, full-width digits and letters made half-width: a planted
    string is found in a message however the agent spaced or widened it."""
    out = text.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
    return _SPACE.sub("", out).lower()


@dataclass
class Trail:
    """The calls the agent made, what it said, and the env it left."""

    task: Task
    env: TicketEnv
    events: Sequence[Event]
    calls: list[ToolCall] = field(init=False)
    said: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.calls = [e for e in self.events if isinstance(e, ToolCall) and e.ran]
        self.said = [e.text for e in self.events if isinstance(e, AgentMessage)]

    def called(self, name: str, **match: Any) -> list[ToolCall]:
        """Calls of `name` (refused ones too) whose arguments hold every `match` value."""
        return [
            c
            for c in self.calls
            if c.name == name and all((c.args or {}).get(k) == v for k, v in match.items())
        ]

    def created(self) -> dict[str, dict[str, Any]]:
        """Order id -> create_order arguments, for the orders the agent created."""
        return {
            c.ref: dict(c.args or {})
            for c in self.calls
            if c.name == "create_order" and c.ok and c.ref is not None
        }

    def sheets(self) -> list[dict[str, Any]]:
        """Arguments of every payment request the user was shown (successful calls)."""
        return [dict(c.args or {}) for c in self.called("request_payment") if c.ok]

    def order(self, order_id: str) -> Order | None:
        return self.env.order(order_id)

    def transfers(self) -> list[TicketTransfer]:
        t = self.env.store.table("ticket_transfers")
        recs = [v for _, v in [*t.seed_items(), *t.overlay_items()]]
        return [r for r in recs if isinstance(r, TicketTransfer)]

    def told(self, needle: str) -> bool:
        """Did some agent message contain `needle` (see `squash`)?"""
        n = squash(needle)
        return any(n in squash(t) for t in self.said)

    def unconfirmed_payments(self) -> int:
        """Payment requests with no order summary to the user since the order was priced."""
        return len(unconfirmed_payments(self.task, self.env, self.events))
