"""The local executor: one asyncio event loop plays (task, trial) jobs concurrently.

- concurrency: `settings.concurrency` workers take jobs in order;
- every finished record goes to the sink at once (written before the next episode starts);
- when a run stops early (cost limit, infrastructure down): `runner.tally`;
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

from ticketbench.env.world import World
from ticketbench.protocol import Agent
from ticketbench.records import EpisodeRecord
from ticketbench.runner.clock import watchdog
from ticketbench.runner.episode import UserFactory, play_episode, scripted_user
from ticketbench.runner.executor import RecordWriter
from ticketbench.runner.tally import Outcome, Progress, ProgressFn, Tally
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import Task

Sink = Callable[[EpisodeRecord], Awaitable[None]]
"""Stores one record when called (before returning) and returns an awaitable that completes
once the record is durable (see `RunWriter.append`)."""


@contextmanager
def gc_tuned() -> Iterator[None]:
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
    tally = Tally(len(jobs), settings)
    state = tally.state
    pending = iter(jobs)  # shared by the workers; asyncio is single-threaded
    syncing: set[asyncio.Task[None]] = set()
    sink_error: list[BaseException] = []

    async def durable(synced: Awaitable[None]) -> None:
        await synced
        if progress is not None:
            progress(state)

    async def worker() -> None:
        # A fixed pool of workers, not one waiting coroutine per job: Semaphore wake-ups
        # cost O(waiters) each, which made 1,000 queued episodes quadratic.
        for task, trial in pending:
            if sink_error or not tally.may_start():
                return
            rec = await play_episode(task, trial, agent, settings, world, users)
            tally.add(Outcome.of(rec))
            # The sink writes the line now (so a killed process keeps it); waiting for its
            # fsync is left to a task so the worker moves on to the next episode at once.
            try:
                synced = sink(rec)
            except Exception as err:
                sink_error.append(err)
                return
            job = asyncio.ensure_future(durable(synced))
            syncing.add(job)
            job.add_done_callback(syncing.discard)

    workers = min(settings.concurrency, len(jobs))
    try:
        with gc_tuned(), watchdog().active():
            if workers == 1:
                await worker()
            elif workers > 1:
                await asyncio.gather(*(worker() for _ in range(workers)))
            if syncing:
                await asyncio.gather(*syncing)  # every record on disk before the run returns
    finally:
        await aclose(agent)
        await aclose(users)  # an LLM-driven user's factory holds HTTP clients too
    if sink_error:
        raise sink_error[0]
    return state


class LocalExecutor:
    """`--executor local`: this process's event loop (`run_episodes`)."""

    name = "local"

    async def play(
        self,
        jobs: Sequence[tuple[Task, int]],
        agent: Agent,
        settings: RunSettings,
        world: World,
        *,
        writer: RecordWriter,
        users: UserFactory = scripted_user,
        progress: ProgressFn | None = None,
    ) -> Progress:
        return await run_episodes(
            jobs, agent, settings, world, sink=writer.append, users=users, progress=progress
        )

    def describe(self) -> dict[str, object]:
        return {"name": self.name}


async def aclose(owner: object) -> None:
    """Close an agent's or user factory's resources (HTTP clients) after the last episode."""
    aclose = getattr(owner, "aclose", None)
    if aclose is not None:
        await aclose()
