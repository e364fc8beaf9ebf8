"""What the process and Ray executors share: the worker's player and the driver's dispatch.

Worker side, `Player`: unpacks a run's `shipment` (agent, user factory and settings,
pickled once by the driver), uses the world the worker loaded, and plays the jobs it is
sent (each job names its task; a task travels to a worker once). A finished episode comes
back as a `Finished`: the record already encoded as its JSONL line (the worker encodes, so
the driver only appends bytes) and its `Outcome`.

Driver side, `Dispatch`: hands out job indices while the tally allows (cost limit,
infrastructure stop), appends each finished line with the run's one writer, and keeps the
totals and progress. A job whose worker died goes back to the front of the queue and is
played again; if a record of it arrives anyway (a worker that was only slow), the second
one is dropped: a job is never recorded twice.
"""

from __future__ import annotations

import asyncio
import pickle
from collections import deque
from collections.abc import Awaitable, Iterable
from typing import NamedTuple

from ticketbench.env.world import load_world
from ticketbench.protocol import Agent
from ticketbench.records import encode_record
from ticketbench.runner.episode import UserFactory, play_episode
from ticketbench.runner.executor import ExecutorError, RecordWriter
from ticketbench.runner.local import aclose
from ticketbench.runner.tally import Outcome, Progress, ProgressFn, Tally
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import Task

MAX_RESTARTS = 3  # per worker slot: workers that keep dying mean a broken setup, not bad luck


class Finished(NamedTuple):
    """One finished job, as a worker sends it back."""

    job: int
    line: bytes
    outcome: Outcome


def ship(agent: Agent, users: UserFactory, settings: RunSettings) -> bytes:
    """Pickle what every worker needs for a run, once; a clear error if the agent cannot
    travel. Tasks travel with the jobs, each at most once per worker."""
    try:
        return pickle.dumps((agent, users, settings), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as err:
        raise ExecutorError(
            f"the agent or user cannot be sent to worker processes ({err}); an agent must be "
            "picklable (an instance of a class defined at module level); use --executor local"
        ) from err


class Player:
    """A worker's side for one run: plays the jobs it is sent (see the module docstring)."""

    def __init__(self, shipment: bytes) -> None:
        agent, users, settings = pickle.loads(shipment)
        self.agent: Agent = agent
        self.users: UserFactory = users
        self.settings: RunSettings = settings
        self.world = load_world()

    async def play(self, index: int, task: Task, trial: int) -> Finished:
        rec = await play_episode(task, trial, self.agent, self.settings, self.world, self.users)
        return Finished(index, encode_record(rec), Outcome.of(rec))

    async def close(self) -> None:
        await aclose(self.agent)
        await aclose(self.users)


class Dispatch:
    """The driver's side (see the module docstring)."""

    def __init__(
        self,
        jobs: int,
        settings: RunSettings,
        writer: RecordWriter,
        progress: ProgressFn | None,
    ) -> None:
        self.tally = Tally(jobs, settings)
        self._writer = writer
        self._progress = progress
        self._queue: deque[int] = deque(range(jobs))
        self._recorded: set[int] = set()
        self._syncing: set[asyncio.Task[None]] = set()
        self.in_flight = 0
        self.error: BaseException | None = None

    def take(self) -> int | None:
        """The next job to play, or None (nothing left, or the run is stopping)."""
        if self.error is not None or not self._queue or not self.tally.may_start():
            return None
        self.in_flight += 1
        return self._queue.popleft()

    def finished(self, done: Finished) -> None:
        """Record a job's episode (once) and count it."""
        self.in_flight -= 1
        if done.job in self._recorded or self.error is not None:
            return
        try:
            synced = self._writer.append_raw(done.line)
        except Exception as err:  # a full disk: stop handing out jobs, raise at the end
            self.error = err
            return
        self._recorded.add(done.job)
        self.tally.add(done.outcome)
        job = asyncio.ensure_future(self._durable(synced))
        self._syncing.add(job)
        job.add_done_callback(self._syncing.discard)

    def lost(self, indices: Iterable[int]) -> None:
        """Jobs of a worker that died: played again, first."""
        for index in sorted(indices, reverse=True):
            self.in_flight -= 1
            if index not in self._recorded:
                self._queue.appendleft(index)

    def fail(self, err: BaseException) -> None:
        """Stop handing out jobs; `drain` raises `err`."""
        if self.error is None:
            self.error = err

    @property
    def over(self) -> bool:
        """Nothing in flight and nothing more to start."""
        if self.in_flight:
            return False
        return self.error is not None or not self._queue or not self.tally.may_start()

    async def _durable(self, synced: Awaitable[None]) -> None:
        await synced
        if self._progress is not None:
            self._progress(self.tally.state)

    async def drain(self) -> Progress:
        """Every appended record on disk; the run's totals (or the error that stopped it)."""
        if self._syncing:
            await asyncio.gather(*self._syncing)
        if self.error is not None:
            raise self.error
        return self.tally.state
