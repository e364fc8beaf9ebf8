"""A small in-test Session implementing ticketbench.protocol.Session, until the real one lands.

Tools are real toolkit tools (schemas generated from signatures, arguments validated), over a
dict "env". `say` answers from a scripted list; running out of replies (or a None in the
list) means the user left. `max_steps` tool calls end the episode, like the real limit.
To switch a test to the real session, build that instead: agents only use the protocol.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ticketbench.env.toolkit import ToolRegistry, ToolResult, error_result
from ticketbench.protocol import SessionFacts, Usage

TOOLS: ToolRegistry[dict[str, Any]] = ToolRegistry()


@TOOLS.tool
def search_showtimes(env: dict[str, Any], movie: str, city: str = "Shanghai") -> Any:
    """Find showtimes of a movie.

    Args:
        movie: Movie title.
        city: City name.
    """
    return {"showtimes": [{"id": "st-1", "movie": movie, "city": city, "time": "19:30"}]}


@TOOLS.tool
def create_order(env: dict[str, Any], showtime_id: str, seats: list[str]) -> Any:
    """Create an order that holds the seats.

    Args:
        showtime_id: Showtime ID from search_showtimes.
        seats: Seat labels like "F7".
    """
    env.setdefault("orders", []).append({"showtime": showtime_id, "seats": seats})
    return {"order_id": f"o-{len(env['orders'])}", "status": "pending_payment"}


@TOOLS.tool
def request_payment(env: dict[str, Any], order_id: str) -> Any:
    """Hand the payment sheet to the user.

    Args:
        order_id: Order to pay.
    """
    env["paid"] = order_id
    return {"order_id": order_id, "status": "paid"}


class FakeSession(SessionFacts):
    """Records calls, messages and usage; see the module docstring."""

    def __init__(
        self,
        replies: list[str | None] | None = None,
        *,
        opening: str = "Two tickets for Dune tonight please.",
        policy: str = "# Policy\nConfirm before paying.",
        max_steps: int = 30,
    ) -> None:
        super().__init__(TOOLS.specs(), policy, opening)
        self.env: dict[str, Any] = {}
        self._replies = list(replies or [])
        self.max_steps = max_steps
        self.calls: list[tuple[str, Any]] = []
        self.results: list[ToolResult] = []
        self.said: list[str] = []
        self.usage: list[Usage] = []
        self.faults: list[tuple[str, str]] = []
        self.left = False

    @property
    def done(self) -> bool:
        return self.left or len(self.calls) >= self.max_steps

    async def call(self, name: str, args: Mapping[str, Any] | str | None) -> ToolResult:
        if self.done:
            raise AssertionError("tool call after the episode ended")
        self.calls.append((name, args))
        parsed: Any = args
        if isinstance(args, str):
            try:
                parsed = json.loads(args) if args.strip() else {}
            except ValueError as err:
                result = error_result("invalid_json", f"arguments are not valid JSON: {err}")
                self.results.append(result)
                return result
        result = TOOLS.call(self.env, name, parsed)
        self.results.append(result)
        return result

    async def say(self, text: str) -> str | None:
        if self.done:
            raise AssertionError("say after the episode ended")
        self.said.append(text)
        reply = self._replies.pop(0) if self._replies else None
        if reply is None:
            self.left = True
        return reply

    def record_usage(self, usage: Usage) -> None:
        self.usage.append(usage)

    def record_fault(self, kind: str, detail: str) -> None:
        self.faults.append((kind, detail))
