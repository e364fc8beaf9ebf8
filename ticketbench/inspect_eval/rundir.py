"""`-T out=DIR`: an Inspect eval also written as a ticketbench run directory.

The leaderboard, the report, `regrade` and the gate read it like any run: `header.json`
(suite, settings, the agent `inspect/<model>`) and one `EpisodeRecord` line per finished
sample. The header is written with the first record and rewritten (atomically) when a later
epoch raises the number of trials, so it always covers the records. Records are appended
one at a time under the run's lock, which is held only while writing, so one eval writes a
directory at a time and `ticketbench regrade` waits for no one. Such a run cannot be
resumed by `ticketbench run --resume` (the agent is an Inspect model): re-run the eval.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ticketbench.agents.llm.presets import configured_secrets
from ticketbench.env.world import WORLD_VERSION
from ticketbench.records import EPISODES, EpisodeRecord, RunHeader, SuiteRef, read_header
from ticketbench.results.lifecycle import RunError, describe_user, git_state, prepare_dir
from ticketbench.results.store import RunWriter
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
        episodes = self.run_dir / EPISODES
        if (self.run_dir / "header.json").exists() or (
            episodes.exists() and episodes.stat().st_size
        ):
            raise RunError(f"out={self.run_dir}: already holds a run; choose another directory")
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
        self._trials = 0  # trials the written header covers (0: no header yet)
        self._lock = asyncio.Lock()

    async def add(self, record: EpisodeRecord, agent: dict[str, Any]) -> None:
        """Append one record (writing or widening the header first when needed)."""
        async with self._lock:
            with RunWriter(self.run_dir, secrets=configured_secrets()) as writer:
                trials = record.trial + 1
                if trials > self._trials:
                    writer.write_header(self._header(agent, trials))
                    self._trials = trials
                await writer.append(record)

    def _header(self, agent: dict[str, Any], trials: int) -> RunHeader:
        if self._trials:
            previous = read_header(self.run_dir)
            settings = previous.settings.model_copy(update={"trials": trials})
            return previous.model_copy(update={"settings": settings})
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
