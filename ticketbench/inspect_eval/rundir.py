"""`-T out=DIR`: an Inspect eval also written as a ticketbench run directory.

The leaderboard, the report, `regrade` and the gate read it like any run: `header.json`
(suite, settings, the agent `inspect/<model>`) and one `EpisodeRecord` line per finished
sample. The header is written with the first record and rewritten (atomically) when a later
epoch raises the number of trials, so it always covers the records. Records are appended
one at a time under the run's lock, which is held only while writing, so one eval writes a
directory at a time and `ticketbench regrade` waits for no one.

A directory that already holds a run is taken up only if it is the same eval: an Inspect
agent, the same suite, tasks and settings, and (checked at its first episode) the same
model; then `inspect eval-retry` adds the samples that failed. An episode already recorded
there stops its sample before it is played, so nothing is recorded twice. Such a run cannot
be resumed by `ticketbench run --resume` (the agent is an Inspect model): retry the eval.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ticketbench.agents.llm.presets import configured_secrets
from ticketbench.env.world import WORLD_VERSION
from ticketbench.records import EPISODES, HEADER, EpisodeRecord, RunHeader, SuiteRef, read_run
from ticketbench.results.lifecycle import RunError, describe_user, git_state, prepare_dir
from ticketbench.results.store import RunWriter, run_lock
from ticketbench.runner import scripted_user
from ticketbench.settings import RunSettings
from ticketbench.suite.sources import TaskSource
from ticketbench.suite.spec import Task

__all__ = ["RunSink"]


class RunSink:
    """Appends the episodes of one Inspect eval to a ticketbench run directory."""

    def __init__(
        self,
        out: str | Path,
        source: TaskSource,
        selection: str | None,
        tasks: Sequence[Task],
        settings: RunSettings,
    ) -> None:
        self.run_dir = Path(out)
        prepare_dir(self.run_dir)
        self._suite = SuiteRef(
            name=source.name,
            split=source.split,
            version=source.version,
            checksum=source.checksum,
            path=str(source.path) if source.path is not None else None,
            selection=selection,
            task_ids=[t.id for t in tasks],
        )
        self._settings = settings
        self._header: RunHeader | None = None  # as last written (None: not yet)
        self._recorded: set[tuple[str, int]] = set()
        self._lock = asyncio.Lock()
        self._take_up()

    def _take_up(self) -> None:
        """Adopt the run already in the directory if it is this eval's; else refuse."""
        episodes = self.run_dir / EPISODES
        if not (self.run_dir / HEADER).exists():
            if episodes.exists() and episodes.stat().st_size:
                raise RunError(f"out={self.run_dir}: holds episodes but no header; not adopted")
            return
        with run_lock(self.run_dir):
            run = read_run(self.run_dir)
        header = run.header
        mine = self._settings.model_copy(update={"trials": header.settings.trials})
        if (
            header.agent.get("backend") != "inspect"
            or header.suite != self._suite
            or header.settings != mine
        ):
            raise RunError(
                f"out={self.run_dir}: holds another run (agent, suite, tasks or settings "
                "differ); choose another directory"
            )
        self._header = header
        self._recorded = {r.key for r in run.episodes}

    def check(self, task_id: str, trial: int, agent: dict[str, Any]) -> None:
        """Before an episode is played: `RunError` if the directory already holds it, or holds
        a run of another model."""
        if (task_id, trial) in self._recorded:
            raise RunError(f"out={self.run_dir}: {task_id} trial {trial} is already recorded")
        header = self._header
        if header is not None and header.agent.get("model") != agent.get("model"):
            raise RunError(
                f"out={self.run_dir}: holds a run of {header.agent.get('model')}, "
                f"not {agent.get('model')}; choose another directory"
            )

    async def add(self, record: EpisodeRecord, agent: dict[str, Any]) -> None:
        """Append one record (writing or widening the header first when needed)."""
        async with self._lock:
            self.check(record.task_id, record.trial, agent)
            header = self._header
            with RunWriter(self.run_dir, secrets=configured_secrets()) as writer:
                trials = record.trial + 1
                if header is None or trials > header.settings.trials:
                    header = self._widened(header, agent, trials)
                    writer.write_header(header)
                    self._header = header
                await writer.append(record)
            self._recorded.add(record.key)

    def _widened(self, header: RunHeader | None, agent: dict[str, Any], trials: int) -> RunHeader:
        if header is not None:
            settings = header.settings.model_copy(update={"trials": trials})
            return header.model_copy(update={"settings": settings})
        commit, dirty = git_state()
        model = str(agent.get("model", ""))
        return RunHeader(
            run_id=self.run_dir.name,
            created_at=datetime.now(UTC),
            git_commit=commit,
            git_dirty=dirty,
            suite=self._suite,
            world_version=WORLD_VERSION,
            agent={"spec": f"inspect/{model}", **agent},
            user=describe_user(scripted_user, "scripted", self._settings),
            settings=self._settings.model_copy(update={"trials": trials}),
        )
