"""What the audit reports: discrepancies between a task's spec and the world's answers,
collected per task; and which order spec of a task describes a part of its request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ticketbench.env.state import TicketEnv
from ticketbench.suite.audit.reading import Part
from ticketbench.suite.spec import OrderSpec, Task

Kind = Literal[
    "unread",  # the request names nothing the audit can find in the world
    "accepts_wrong",  # the spec accepts an answer the request rules out
    "rejects_right",  # the spec rejects an answer the request allows
    "feasible",  # the spec says (in)feasible, the world says otherwise
    "reason",  # the infeasibility reason is not the world's
    "clarify",  # the clarification slots are not what the opening leaves open
    "count",  # the opening's count contradicts itself or the spec
    "goal",  # the payment approval (goal) disagrees with the spec or the request
    "aftersale",  # a refund amount, exchange target or pickup code is not the world's
    "position",  # one fixed row of a listing holds the answer of too many tasks of a split
    "wording",  # an opening's wording predicts whether, and why, it cannot be done
]


@dataclass(frozen=True)
class Discrepancy:
    """One disagreement between a task's spec and the world (JSON: task_id, kind, detail)."""

    task_id: str
    kind: Kind
    detail: str


class Findings:
    """The discrepancies of one task, as they are found."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.items: list[Discrepancy] = []

    def add(self, kind: Kind, detail: str) -> None:
        """Record one discrepancy of this task."""
        self.items.append(Discrepancy(self.task.id, kind, detail))


def spec_for(env: TicketEnv, part: Part, specs: Sequence[OrderSpec]) -> OrderSpec | None:
    """The order spec that describes this part (same kind and movie or event)."""
    world = env.world
    for spec in specs:
        if spec.kind != part.target:
            continue
        if part.target == "movie":
            named = {world.showtimes[s].movie_id for s in spec.showtime_ids if s in world.showtimes}
            if not part.movies or named & part.movies:
                return spec
        else:
            named = {world.sessions[s][0].id for s in spec.session_ids if s in world.sessions}
            if not part.events or named & part.events:
                return spec
    return None
