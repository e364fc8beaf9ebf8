"""The user's real app over an env, for tests that drive a simulated user through it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ticketbench.env import APP_ACTIONS, payment_sheet
from ticketbench.env.sheets import episode_purchases
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import ToolResult


class RecordingApp:
    """A real app over an env that also remembers the actions taken."""

    def __init__(self, env: TicketEnv) -> None:
        self.env = env
        self.actions: list[str] = []

    def act(self, name: str, args: Mapping[str, Any], note: str = "") -> ToolResult:
        self.actions.append(name)
        return APP_ACTIONS.call(self.env, name, args)

    def payment_sheet(self, request_id: str) -> dict[str, Any]:
        return payment_sheet(self.env, request_id)

    def purchases(self) -> list[dict[str, Any]]:
        return episode_purchases(self.env)
