"""`ticketbench tasks audit`: an independent brute-force check of every task's ground truth.

`audit_tasks(tasks, world)` reads each request with its own parser (`reading`), enumerates
the world's acceptable answers through the env's public rules and pricing (`movies`,
`events`, `aftersale`) and compares them with the task's spec in both directions
(`check`). It imports nothing from the generator's templates or ground-truth helpers.

Over each split it also checks that no fixed row of a listing (the 2nd showing at the
cinema, the last session, the 2nd paid order) holds the answer of more tasks than a fair
draw would put there (`positions`); each such row is a discrepancy of kind `position`.

Over the whole task list it also checks that the wording of the openings does not give
away which ones cannot be done, or why (`wording`): a leak is a discrepancy of kind
`wording`, its `task_id` naming the locale, domain and reason (`wording:zh:purchase:movie:
over_budget`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ticketbench.env.world import World
from ticketbench.suite.audit.check import audit_task
from ticketbench.suite.audit.findings import Discrepancy
from ticketbench.suite.audit.positions import position_discrepancies
from ticketbench.suite.audit.wording import wording_discrepancies
from ticketbench.suite.spec import Task

__all__ = ["AuditReport", "Discrepancy", "audit_task", "audit_tasks"]


@dataclass
class AuditReport:
    """The audit of a task list: how many were checked and every discrepancy found."""

    checked: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """`{"checked": n, "discrepancies": [{task_id, kind, detail}, ...]}`."""
        return {
            "checked": self.checked,
            "discrepancies": [_row(d) for d in self.discrepancies],
        }


def _row(d: Discrepancy) -> dict[str, str]:
    return {"task_id": d.task_id, "kind": d.kind, "detail": d.detail}


def audit_tasks(
    tasks: Sequence[Task], world: World, progress: Callable[[int], None] | None = None
) -> AuditReport:
    """Audit every task; `progress(done)` is called after each one."""
    report = AuditReport()
    for i, task in enumerate(tasks, 1):
        report.discrepancies += audit_task(task, world)
        report.checked += 1
        if progress is not None:
            progress(i)
    report.discrepancies += position_discrepancies(tasks, world)
    report.discrepancies += wording_discrepancies(tasks, world)
    return report
