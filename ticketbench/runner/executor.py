"""Where a run's episodes play: the `Executor` contract (`runner.factory` makes one by name).

- `local` (`runner.local`): this process's event loop;
- `process` (`runner.process`): N worker processes on this machine;
- `ray` (`runner.ray`): actors on a Ray cluster (a local one unless an address is given).

Whatever the executor, episodes are played by `runner.episode.play_episode` with the same
settings and seeds, every finished record comes back to the driver and is appended by its
one writer, and the driver alone keeps the totals and the stop rules (`runner.tally`), so
records, resume, the run lock, the cost limit and progress are the same for all three.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Protocol

from ticketbench.env.world import World
from ticketbench.protocol import Agent
from ticketbench.records import EpisodeRecord
from ticketbench.runner.episode import UserFactory
from ticketbench.runner.tally import Progress, ProgressFn
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import Task


class RecordWriter(Protocol):
    """The driver's one writer (`results.store.RunWriter`): a call writes one line at once
    and returns an awaitable that completes when the line is durable."""

    def append(self, record: EpisodeRecord) -> Awaitable[None]: ...

    def append_raw(self, line: bytes) -> Awaitable[None]:
        """Append one record already encoded as a JSONL line (`records.encode_record`)."""
        ...


class Executor(Protocol):
    """Plays (task, trial) jobs and streams each finished record to `writer`."""

    name: str

    async def play(
        self,
        jobs: Sequence[tuple[Task, int]],
        agent: Agent,
        settings: RunSettings,
        world: World,
        *,
        writer: RecordWriter,
        users: UserFactory,
        progress: ProgressFn | None = None,
    ) -> Progress: ...

    def describe(self) -> dict[str, object]:
        """What the executor is, for humans (never part of a record)."""
        ...


class ExecutorError(RuntimeError):
    """An executor cannot be made or cannot start (one line, for the CLI)."""
