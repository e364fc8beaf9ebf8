"""The solver: each Inspect sample is one ticketbench episode, played by the runner.

`play_episode` builds the env, the simulated user and the session and plays an
`InspectAgent` (the sample's model) in it, exactly as `ticketbench run` plays any agent:
the same limits, timeout, seeds (the trial is the Inspect epoch, from 0), scoring and record.
The record goes into the sample's store (`RECORD_KEY`, JSON), where the scorer and the log
viewer find it, and, with a run directory, into `episodes.jsonl`.

Inspect retries model calls itself, so the runner does not retry an episode: an
infrastructure error fails the sample (Inspect's `--retry-on-error` plays it again) instead
of being scored against the model.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from inspect_ai.solver import Generate, Solver, TaskState, solver

from ticketbench.env.world import load_world
from ticketbench.inspect_eval.agent import InspectAgent
from ticketbench.inspect_eval.rundir import RunSink
from ticketbench.records import EpisodeRecord
from ticketbench.results.lifecycle import select_tasks
from ticketbench.runner import play_episode
from ticketbench.settings import RunSettings
from ticketbench.suite.sources import TaskSource, resolve_suite
from ticketbench.suite.spec import Task

__all__ = ["RECORD_KEY", "episode_record", "load_tasks", "ticketbench_solver"]

RECORD_KEY = "ticketbench:record"


@lru_cache(maxsize=8)
def load_tasks(suite: str, selection: str | None) -> tuple[TaskSource, tuple[Task, ...]]:
    """The source a suite reference names and its tasks filtered by `selection` (ids,
    categories or templates, comma-separated, as `--tasks`)."""
    source = resolve_suite(suite, single=True)
    return source, tuple(select_tasks(source, selection))


class EpisodeInfraError(RuntimeError):
    """The episode ended in an infrastructure error: the sample fails, it is not scored."""


@solver
def ticketbench_solver(
    suite: str,
    selection: str | None = None,
    settings: dict[str, Any] | None = None,
    user_tools: bool = True,
    out: str | None = None,
) -> Solver:
    """Play each sample's task as a ticketbench episode with the sample's model.

    Args:
        suite: The suite reference the samples come from (as `--suite`).
        selection: The `--tasks` filter the samples were selected with.
        settings: `RunSettings` fields (limits, timeout, seed, attack).
        user_tools: Offer `talk_to_user` and `end_episode` besides the env tools.
        out: A ticketbench run directory to append each episode's record to.
    """
    source, tasks = load_tasks(suite, selection)
    by_id = {t.id: t for t in tasks}
    run_settings = RunSettings(**{**(settings or {}), "max_retries": 0})
    world = load_world()
    sink = RunSink(out, source, selection, tasks, run_settings) if out else None

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        task = by_id.get(str(state.sample_id))
        if task is None:
            raise KeyError(f"sample {state.sample_id!r} is not a task of {source.label}")
        agent = InspectAgent(state, user_tools=user_tools)
        trial = state.epoch - 1
        if sink is not None:
            sink.check(task.id, trial, agent.describe())
        record = await play_episode(task, trial, agent, run_settings, world)
        if record.status != "ok":
            info = record.infra
            detail = f"{info.kind}: {info.message}" if info is not None else record.status
            raise EpisodeInfraError(f"{task.id}: infrastructure error, not scored: {detail}")
        state.store.set(RECORD_KEY, record.model_dump(mode="json"))
        if sink is not None:
            await sink.add(record, agent.describe())
        return state

    return solve


def episode_record(state: TaskState) -> EpisodeRecord | None:
    """The record the solver stored for this sample, if it finished the episode."""
    raw = state.store.get(RECORD_KEY)
    return None if raw is None else EpisodeRecord.model_validate(raw)
