"""Run records on disk: the contract between the runner and every reader of results.

A run is a directory:

    RUN_DIR/header.json      one `RunHeader` (JSON object), written atomically at the start
    RUN_DIR/episodes.jsonl   one `EpisodeRecord` per line, appended as each episode finishes

`header.json` fields: `format` ("ticketbench-run/1"), `run_id`, `created_at` (wall clock,
UTC), `git_commit` and `git_dirty`, `suite` (`split`, `version`, `checksum`, `selection`:
the --tasks filter, `task_ids`: the selected ids in run order), `world_version`, `agent`
(its spec plus what the agent describes of itself, never secrets), `agent_options` (the
options the agent was built with, so `resume` can rebuild it), `user` (`spec`,
`patience`), `settings` (`RunSettings`: trials, concurrency, timeout, limits, pace, seed,
retries, cost limit), `regrades` (one entry per `ticketbench regrade`).

Each `EpisodeRecord` line holds: `task_id`, `trial`, `seed`; task metadata copied from the
suite (`category`, `locale`, `template`, `outcome`, `purchase`: the task expects orders,
`needs_write`); `status` (`ok`, or `infra_error`: retries exhausted, excluded from scores);
`attempts`; `events` (the trajectory, see `ticketbench.trajectory`: user / agent messages, tool
calls, user app actions, limits, the user leaving, each with its simulated time `at`);
`final_digest` (hash of the env's end state: `regrade` replays the events on a fresh env and
must reach the same digest); `score` (`ticketbench.scoring.episode.EpisodeScore`, None for infra
errors); `infra` (the infrastructure error, if any); `usage` (model calls and tokens of the
agent; `usage.user`: those of an LLM-driven user, kept apart, None for the scripted user);
`faults` (agent-side faults by kind: malformed tool calls, refusals, empty completions ...)
and `fault_notes` (the first few, with details);
`timing` (the only wall-clock fields: `started_at`, `wall_s`). Two runs with the same
settings produce identical lines apart from `timing`.

Durability: each line is written with one `write` and flushed the moment its episode
finishes, so a run killed at any moment (Ctrl-C, kill -9) keeps every finished episode;
an fsync (shared by the lines written meanwhile) follows in a worker thread, and the run
waits for it before it returns. A torn last line (a kill mid-write) is ignored by
`read_run` and cut off by `RunWriter` when the run resumes.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
from collections.abc import Awaitable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ticketbench.scoring.episode import EpisodeScore
from ticketbench.settings import RunSettings
from ticketbench.trajectory import Event

FORMAT = "ticketbench-run/1"
HEADER = "header.json"
EPISODES = "episodes.jsonl"
LOCK = ".lock"


class SuiteRef(BaseModel):
    """Which tasks a run covers."""

    split: str
    version: str = ""
    checksum: str = ""
    selection: str | None = None
    task_ids: list[str] = []


class RunHeader(BaseModel):
    """The first thing written to a run directory (`header.json`)."""

    model_config = ConfigDict(extra="allow")
    format: str = FORMAT
    run_id: str
    created_at: datetime
    git_commit: str | None = None
    git_dirty: bool = False
    suite: SuiteRef
    world_version: str = ""
    agent: dict[str, Any] = {}
    agent_options: dict[str, Any] = {}  # what `load_agent(spec, **options)` got (no secrets)
    user: dict[str, Any] = {}
    settings: RunSettings
    regrades: list[dict[str, Any]] = []


class InfraInfo(BaseModel):
    """The infrastructure error that ended an episode (after the runner's retries)."""

    kind: str
    message: str
    attempts: int


class UserUsage(BaseModel):
    """Model use of an LLM-driven user in one episode (not the agent's cost)."""

    model: str = ""
    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class EpisodeUsage(BaseModel):
    """Model use of one episode, as the agent reported it through `record_usage`."""

    model: str = ""
    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    user: UserUsage | None = None


class Timing(BaseModel):
    """Wall-clock facts of one episode (the only non-deterministic part of a record)."""

    started_at: datetime
    wall_s: float


class EpisodeRecord(BaseModel):
    """One finished episode: configuration, trajectory and scores (one JSONL line)."""

    task_id: str
    trial: int
    seed: int
    category: str
    locale: str
    template: str = ""
    outcome: str = ""
    purchase: bool = False
    needs_write: bool = False
    status: Literal["ok", "infra_error"] = "ok"
    attempts: int = 1
    events: list[Event] = Field(default_factory=list)
    final_digest: str = ""
    score: EpisodeScore | None = None
    infra: InfraInfo | None = None
    usage: EpisodeUsage = EpisodeUsage()
    faults: dict[str, int] = {}
    fault_notes: list[str] = []
    timing: Timing

    @property
    def key(self) -> tuple[str, int]:
        return (self.task_id, self.trial)


class Run(BaseModel):
    """A run as read back from disk."""

    header: RunHeader
    episodes: list[EpisodeRecord]
    torn_tail: bool = False  # the last line was cut off mid-write (and ignored)


def write_header(run_dir: Path, header: RunHeader) -> None:
    """Write `header.json` atomically (temp file, fsync, rename)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    tmp = run_dir / (HEADER + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(header.model_dump_json(indent=2))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, run_dir / HEADER)


class RunInUse(RuntimeError):
    """Another process is writing this run directory."""


class NotARun(ValueError):
    """`run_dir` holds no readable run (missing or corrupt header.json)."""


def read_header(run_dir: Path) -> RunHeader:
    """The run's header; raises NotARun if `run_dir` is not a readable run."""
    path = run_dir / HEADER
    if not path.is_file():
        raise NotARun(f"{run_dir} is not a run directory (no {HEADER})")
    try:
        return RunHeader.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as err:  # pydantic's ValidationError is a ValueError
        raise NotARun(f"{path}: corrupt run header: {err}") from err


def _scan(path: Path) -> tuple[list[bytes], int, bool]:
    """Complete lines, the byte length they span, and whether a torn tail follows."""
    if not path.exists():
        return [], 0, False
    data = path.read_bytes()
    lines: list[bytes] = []
    good = 0
    for raw in data.splitlines(keepends=True):
        if not raw.endswith(b"\n"):
            break
        try:
            json.loads(raw)
        except ValueError:
            break
        lines.append(raw)
        good += len(raw)
    return lines, good, good < len(data)


def iter_records(run_dir: Path) -> Iterator[EpisodeRecord]:
    """Every complete episode record of a run, in file order."""
    lines, _, _ = _scan(run_dir / EPISODES)
    for raw in lines:
        yield EpisodeRecord.model_validate_json(raw)


def read_run(run_dir: str | Path) -> Run:
    """Read a run directory (header and every complete episode record)."""
    path = Path(run_dir)
    header = read_header(path)
    lines, _, torn = _scan(path / EPISODES)
    episodes = [EpisodeRecord.model_validate_json(raw) for raw in lines]
    return Run(header=header, episodes=episodes, torn_tail=torn)


def finished_keys(run_dir: Path) -> set[tuple[str, int]]:
    """(task id, trial) of every episode already recorded."""
    out: set[tuple[str, int]] = set()
    lines, _, _ = _scan(run_dir / EPISODES)
    for raw in lines:
        obj = json.loads(raw)
        out.add((str(obj["task_id"]), int(obj["trial"])))
    return out


class RunWriter:
    """Appends episode records durably; opening it cuts off a torn last line.

    `append` writes and flushes one line before its first await (from then on a killed
    process cannot lose it: it is in the OS), and returns once an fsync covering it has
    completed (safe from a machine crash too). The fsync runs in a worker thread and is
    shared by every line written while it was pending (group commit), so concurrent
    episodes do not queue behind one fsync each and the event loop never blocks on the disk.
    """

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / EPISODES
        # One writer per run: a second process (say, a resume while the run still goes on)
        # would record the same (task, trial) twice.
        self._lock = open(run_dir / LOCK, "a+b")  # noqa: SIM115 - closed in close()
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            self._lock.close()
            raise RunInUse(
                f"{run_dir} is being written by another ticketbench process; "
                "let it finish or stop it before resuming"
            ) from err
        _, good, torn = _scan(self.path)
        if torn:
            with open(self.path, "r+b") as fh:
                fh.truncate(good)
                fh.flush()
                os.fsync(fh.fileno())
        self._fh = open(self.path, "ab")  # noqa: SIM115 - closed in close()
        self._fd = self._fh.fileno()
        self.written = 0
        self._synced = 0
        self._syncing: asyncio.Future[None] | None = None

    def append(self, record: EpisodeRecord) -> Awaitable[None]:
        """Write one record as one line now; await the result for the covering fsync."""
        return self.append_raw(record.model_dump_json().encode() + b"\n")

    def append_raw(self, line: bytes) -> Awaitable[None]:
        self._fh.write(line)
        self._fh.flush()  # one write(2) per line: a kill leaves at most a torn last line
        self.written += 1
        return self._synced_past(self.written)

    async def _synced_past(self, mine: int) -> None:
        while self._synced < mine:
            fut = self._syncing
            if fut is None:
                fut = self._syncing = asyncio.ensure_future(self._fsync(self.written))
            await asyncio.shield(fut)  # a cancelled waiter must not cancel the shared fsync

    async def _fsync(self, target: int) -> None:
        """One fsync covering every line written up to `target`; updates the state itself."""
        try:
            await asyncio.to_thread(os.fsync, self._fd)
            self._synced = max(self._synced, target)
        finally:
            self._syncing = None

    def close(self) -> None:
        self._fh.close()
        self._lock.close()  # releases the flock

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rewrite_episodes(run_dir: Path, records: list[EpisodeRecord]) -> None:
    """Replace `episodes.jsonl` atomically (used by regrade)."""
    tmp = run_dir / (EPISODES + ".tmp")
    with open(tmp, "wb") as fh:
        for rec in records:
            fh.write(rec.model_dump_json().encode() + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, run_dir / EPISODES)
