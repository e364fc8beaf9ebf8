"""The local executor: one asyncio event loop plays (task, trial) jobs concurrently.

- concurrency: `settings.concurrency` workers take jobs in order;
- every finished record goes to the sink at once (written before the next episode starts);
- cost limit: once the reported cost reaches `settings.cost_limit_usd` no new episode
  starts; in-flight ones finish and are recorded, so the run can be resumed. The cost of
  every attempt counts, retried ones too;
- the infrastructure is down: an `auth` error (a rejected key: every request will fail
  the same way) stops the run at once; so do `infra_streak(concurrency)` episodes in a row
  that failed with the same infrastructure error kind (a dead server, an outage). In-flight
  episodes finish and are recorded; `--resume` plays the rest, infra errors included;
- a sink that fails (a full disk) stops the run; its error is raised once the in-flight
  episodes are done;
- the episode watchdog (`runner.clock`) runs while episodes play, so that an agent that
  blocks the event loop is still stopped at its timeout.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from ticketbench.env.world import World
from ticketbench.protocol import Agent
from ticketbench.records import EpisodeRecord
from ticketbench.runner.clock import watchdog
from ticketbench.runner.episode import UserFactory, play_episode, scripted_user
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import Task

Sink = Callable[[EpisodeRecord], Awaitable[None]]
"""Stores one record when called (before returning) and returns an awaitable that completes
once the record is durable (see `RunWriter.append`)."""


@dataclass
class Progress:
    """Running totals, passed to the progress callback after every episode."""

    total: int
    done: int = 0
    successes: int = 0
    infra_errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    stopped: str | None = None  # why the run stopped early: "cost_limit" or "infra"
    stop_reason: str = ""  # one line saying why, for the user


ProgressFn = Callable[[EpisodeRecord, Progress], None]

FATAL_KINDS = frozenset({"auth"})  # one is enough: every later request fails the same way
# Per-episode by design (a replay that lacks some episodes): never a reason to stop a run.
_NOT_AN_OUTAGE = frozenset({"replay_missing"})


def infra_streak(concurrency: int) -> int:
    """Episodes in a row failing with one infrastructure error kind that stop a run."""
    return max(3, min(concurrency, 10))


@contextmanager
def _gc_tuned() -> Iterator[None]:
    """Keep the cyclic GC off the hot path while a run plays.

    The world and the suite are large, long-lived and immutable: `gc.freeze()` takes them out
    of every collection. Episodes allocate many short-lived, rarely cyclic objects: a higher
    young-generation threshold collects them less often. Together this is ~30% of the CPU of
    a cheap episode at high concurrency. Both are restored afterwards.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


async def run_episodes(
    jobs: Sequence[tuple[Task, int]],
    agent: Agent,
    settings: RunSettings,
    world: World,
    *,
    sink: Sink,
    users: UserFactory = scripted_user,
    progress: ProgressFn | None = None,
) -> Progress:
    """Play every (task, trial) of `jobs`, handing each finished record to `sink` at once."""
    state = Progress(total=len(jobs))
    limit = settings.cost_limit_usd
    pending = iter(jobs)  # shared by the workers; asyncio is single-threaded
    syncing: set[asyncio.Task[None]] = set()
    streak_kind: str | None = None
    streak = 0
    stop_after = infra_streak(settings.concurrency)
    sink_error: list[BaseException] = []

    async def durable(rec: EpisodeRecord, synced: Awaitable[None]) -> None:
        await synced
        if progress is not None:
            progress(rec, state)

    def watch_infra(rec: EpisodeRecord) -> None:
        nonlocal streak_kind, streak
        info = rec.infra
        if rec.status != "infra_error" or info is None or info.kind in _NOT_AN_OUTAGE:
            streak_kind, streak = None, 0
            return
        streak = streak + 1 if info.kind == streak_kind else 1
        streak_kind = info.kind
        if state.stopped is not None:
            return
        if info.kind in FATAL_KINDS:
            state.stopped = "infra"
            state.stop_reason = f"{info.kind}: {info.message}"
        elif streak >= stop_after:
            state.stopped = "infra"
            state.stop_reason = (
                f"{streak} episodes in a row failed with {info.kind}: {info.message}"
            )

    async def worker() -> None:
        # A fixed pool of workers, not one waiting coroutine per job: Semaphore wake-ups
        # cost O(waiters) each, which made 1,000 queued episodes quadratic.
        for task, trial in pending:
            if state.stopped is not None or sink_error:
                return
            if limit is not None and state.cost_usd >= limit:
                state.stopped = "cost_limit"
                return
            rec = await play_episode(task, trial, agent, settings, world, users)
            state.done += 1
            if rec.status == "infra_error":
                state.infra_errors += 1
            elif rec.score is not None and rec.score.success:
                state.successes += 1
            state.input_tokens += rec.usage.input_tokens
            state.output_tokens += rec.usage.output_tokens
            state.cost_usd += rec.usage.cost_usd
            if rec.usage.user is not None:  # the cost limit covers the simulated user too
                state.cost_usd += rec.usage.user.cost_usd
            watch_infra(rec)
            # The sink writes the line now (so a killed process keeps it); waiting for its
            # fsync is left to a task so the worker moves on to the next episode at once.
            try:
                synced = sink(rec)
            except Exception as err:
                sink_error.append(err)
                return
            job = asyncio.ensure_future(durable(rec, synced))
            syncing.add(job)
            job.add_done_callback(syncing.discard)

    workers = min(settings.concurrency, len(jobs))
    try:
        with _gc_tuned(), watchdog().active():
            if workers == 1:
                await worker()
            elif workers > 1:
                await asyncio.gather(*(worker() for _ in range(workers)))
            if syncing:
                await asyncio.gather(*syncing)  # every record on disk before the run returns
    finally:
        await _aclose(agent)
        await _aclose(users)  # an LLM-driven user's factory holds HTTP clients too
    if sink_error:
        raise sink_error[0]
    return state


async def _aclose(owner: object) -> None:
    """Close an agent's or user factory's resources (HTTP clients) after the last episode."""
    aclose = getattr(owner, "aclose", None)
    if aclose is not None:
        await aclose()
