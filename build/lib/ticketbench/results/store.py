"""Run directories on disk: the durable appender, the one-writer lock, atomic rewrites.

Durability: each line is written with one `write` and flushed the moment its episode
finishes, so a run killed at any moment (Ctrl-C, kill -9) keeps every finished episode;
an fsync (shared by the lines written meanwhile) follows in a worker thread, and the run
waits for it before it returns. A torn last line (a kill mid-write) is ignored by
`read_run` and cut off by `RunWriter` when the run resumes.

The record types and the reader are `ticketbench.records`.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable
from pathlib import Path

from filelock import FileLock, Timeout

from ticketbench.records import EPISODES, HEADER, EpisodeRecord, RunHeader, scan_lines

LOCK = ".lock"


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


def finished_keys(run_dir: Path) -> set[tuple[str, int]]:
    """(task id, trial) of every episode already recorded."""
    out: set[tuple[str, int]] = set()
    for _, raw in scan_lines(run_dir / EPISODES).lines:
        try:
            obj = json.loads(raw)
            out.add((str(obj["task_id"]), int(obj["trial"])))
        except (ValueError, KeyError, TypeError):
            continue  # a damaged line holds no finished episode: it is played again
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
        self._lock = FileLock(run_dir / LOCK)
        try:
            self._lock.acquire(timeout=0)
        except Timeout as err:
            raise RunInUse(
                f"{run_dir} is being written by another ticketbench process; "
                "let it finish or stop it before resuming"
            ) from err
        scan = scan_lines(self.path)
        if scan.torn_tail:
            with open(self.path, "r+b") as fh:
                fh.truncate(scan.complete_bytes)
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
        self._lock.release()

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
