"""The simulated-user contract: what the session asks of a user and offers it.

A user (scripted or LLM-driven) holds the task's hidden knowledge and goal. The session
hands it an `App`: the user-side app (deep links, seat picks, payment) whose every action
the session records and counts. Two decisions are taken out of the user's hands so that no
user mode can change a grade at the decisive step:

- the payment gate (`ticketbench.users.gate.PaymentGate`: approve iff
  `ticketbench.suite.setup.judge_sheet`), run by the session when the agent requests payment;
- buying in the app after a deep link (`ticketbench.users.app_flow.finish_in_app`), which a
  user may call when it decides to open a link, and which ends at the same judgement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ticketbench.env.toolkit import ToolResult
from ticketbench.protocol import Usage
from ticketbench.trajectory import LeaveReason


class App(Protocol):
    """The user-side app as the session exposes it to a user (every action is recorded)."""

    def act(self, name: str, args: Mapping[str, Any], note: str = "") -> ToolResult:
        """Perform one app action (counted as a user action)."""
        ...

    def payment_sheet(self, request_id: str) -> dict[str, Any]:
        """The structured summary of a payment request, as the app shows it."""
        ...

    def purchases(self) -> list[dict[str, Any]]:
        """Sheets of the orders paid since the conversation started ("my orders")."""
        ...


@dataclass(frozen=True, slots=True)
class Verdict:
    """The payment gate's decision on one sheet.

    `said` is what the user tells the agent about it, in the user's language; `detail` the
    reason in English for the record; `leave` set means the user stops trusting the agent
    and leaves at once.
    """

    approved: bool
    said: str
    detail: str
    leave: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """A user's answer to one agent message.

    `intent` is how the user read the message (clarify / confirm / navigate / inform);
    `slots` the knowledge slots it answered; `leave` set means the user leaves after
    this reply (its text is still delivered); `usage` is the model use of an LLM-driven
    user for this reply (the session records it apart from the agent's); `doubts` why this
    reply may be the simulator's mistake rather than the agent's (e.g. "unread_question":
    it could not tell what a question asked), recorded so failures can be attributed.
    """

    text: str
    intent: str = ""
    slots: tuple[str, ...] = ()
    leave: LeaveReason | None = None
    usage: Usage | None = None
    doubts: tuple[str, ...] = ()


class User(Protocol):
    """A simulated user for one episode."""

    @property
    def opening(self) -> str:
        """The first message (the task's request)."""
        ...

    async def reply(self, text: str, app: App) -> Reply:
        """Answer one agent message; may act in the app (e.g. follow a deep link)."""
        ...

    def on_payment(self, request_id: str, approved: bool, reason: str) -> None:
        """Told the outcome of the payment gate the session ran for a payment request."""
        ...
