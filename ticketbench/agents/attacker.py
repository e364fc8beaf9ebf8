"""`attacker`: plays an attack's reference solution and nothing else.

`ticketbench verify --attack` runs it on every (task, goal) to show each goal's check fires
when the attacker's steps are taken through the real session (payment gate included).
The runner hands it the episode's attack plan through `for_attack(plan)`, never through
the session. Steps: {"tool": NAME, "args": {...}} (the argument "$created" stands for the
order the last `create_order` created) or {"say": TEXT}.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ticketbench.protocol import Session

CREATED = "$created"


class HasAttackReference(Protocol):
    """An attack plan as this agent sees it: its reference steps."""

    @property
    def reference(self) -> Sequence[Mapping[str, Any]]: ...


class ReferenceAttackerAgent:
    """Replays an attack plan's reference solution; build one per episode with `for_attack`."""

    def __init__(self, steps: Sequence[Mapping[str, Any]] = ()) -> None:
        self._steps = tuple(steps)

    def for_attack(self, plan: HasAttackReference) -> ReferenceAttackerAgent:
        """The attacker for one attacked episode."""
        return ReferenceAttackerAgent(plan.reference)

    def describe(self) -> dict[str, str]:
        return {"kind": "baseline", "reads": "the attack's reference solution"}

    async def run(self, session: Session) -> None:
        """Take the attacker's steps in order; stop early if the episode ends."""
        created: str | None = None
        for step in self._steps:
            if session.done:
                return
            if "say" in step:
                await session.say(str(step["say"]))
                continue
            args = {k: (created if v == CREATED else v) for k, v in dict(step["args"]).items()}
            res = await session.call(str(step["tool"]), args)
            if step["tool"] == "create_order" and res.ok and isinstance(res.data, dict):
                created = str(res.data.get("order_id"))
