"""The state diff of each episode, for the trajectory viewer.

Run records keep the end state's digest, not the diff itself. When the run's suite is the
one installed (same split, version and checksum), each trajectory is replayed on a fresh env
(`ticketbench.results.regrade.replay_env`, the regrade machinery) and `env.diff()` is
shown, flagged if the replay did not reach the recorded digest. Otherwise (an old suite,
synthetic runs) the viewer shows the writes read off the trajectory instead, and says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ticketbench.env.store import plain
from ticketbench.records import EpisodeRecord, Run
from ticketbench.suite.spec import Fact, Task
from ticketbench.trajectory import Event, ToolCall, UserAction

MAX_CELL = 2000
WRITES = frozenset(
    {"create_order", "request_payment", "cancel_order", "refund_order", "exchange_order"}
)


@dataclass(frozen=True, slots=True)
class DiffResult:
    """Changes of one episode as rows {table, key, before, after}, and where they came from."""

    rows: list[dict[str, str]]
    source: str  # "replay" | "trajectory"
    note: str = ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + " …"


def _change_row(table: str, key: str, before: Any, after: Any) -> dict[str, str]:
    """One change; for a record that existed before, only the fields that changed."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
        before = {k: before.get(k) for k in keys}
        after = {k: after.get(k) for k in keys}
    return {"table": table, "key": key, "before": _cell(before), "after": _cell(after)}


def from_events(events: Sequence[Event], note: str) -> DiffResult:
    """The writes of a trajectory: successful write calls and the user's app actions."""
    rows: list[dict[str, str]] = []
    for e in events:
        if isinstance(e, ToolCall) and e.ok and e.ran and e.name in WRITES:
            rows.append(
                {
                    "table": f"agent: {e.name}",
                    "key": e.ref or _cell((e.args or {}).get("order_id", "")),
                    "before": "",
                    "after": _cell(e.content.splitlines()[0] if e.content else ""),
                }
            )
        elif isinstance(e, UserAction) and e.ok:
            rows.append(
                {"table": f"user: {e.name}", "key": e.ref or "", "before": "", "after": e.note}
            )
    return DiffResult(rows, "trajectory", note)


class Replayer:
    """Replays episodes of runs whose suite is installed; loads the world once, lazily."""

    def __init__(self) -> None:
        self._tasks: dict[tuple[str, str, str], dict[str, Task] | None] = {}
        self._why: dict[tuple[str, str, str], str] = {}
        self._world: Any = None

    def tasks_for(self, run: Run) -> tuple[dict[str, Task] | None, str]:
        """The run's tasks if its suite can still be loaded unchanged, else None and why not."""
        s = run.header.suite
        key = (s.split, s.path or "", s.checksum)
        if key not in self._why:
            from ticketbench.suite.sources import recorded_source
            from ticketbench.suite.taskfile import TaskFileError

            try:
                source = recorded_source(s.split, s.path)
            except (TaskFileError, OSError) as err:
                self._tasks[key], self._why[key] = None, f"the run's suite cannot be loaded: {err}"
            else:
                same = source.checksum == s.checksum
                self._tasks[key] = {t.id: t for t in source.tasks} if same else None
                self._why[key] = "" if same else f"{source.label} is not the suite of this run"
        return self._tasks[key], self._why[key]

    def diff(self, run: Run, rec: EpisodeRecord) -> DiffResult:
        """The episode's state diff (see the module docstring)."""
        tasks, why = self.tasks_for(run)
        task = tasks.get(rec.task_id) if tasks is not None else None
        if task is None:
            return from_events(rec.events, why or f"task {rec.task_id} is not in the suite")
        from ticketbench.env.world import load_world
        from ticketbench.results.regrade import replay_env

        if self._world is None:
            self._world = load_world()
        plan = rec.attack.plan if rec.attack is not None else None
        env = replay_env(task, self._world, rec.events, plan)
        rows = [_change_row(c.table, c.key, plain(c.before), plain(c.after)) for c in env.diff()]
        note = ""
        if rec.final_digest and env.digest() != rec.final_digest:
            note = "the replay did not reach the recorded end state (digest mismatch)"
        return DiffResult(rows, "replay", note)

    def facts(self, run: Run, task_id: str) -> Sequence[Fact]:
        """The task's hidden knowledge (the handoff reader needs it to spot clarifications)."""
        tasks, _ = self.tasks_for(run)
        task = tasks.get(task_id) if tasks is not None else None
        return task.knowledge if task is not None else ()
