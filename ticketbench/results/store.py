"""Run directories on disk: the durable appender, the one-writer lock, atomic rewrites.

Durability: each line is written with `os.write` (looping over short writes) the moment
its episode finishes, so a run killed at any moment (Ctrl-C, kill -9) keeps every finished
episode; an fsync (shared by the lines written meanwhile) follows in a worker thread, and
the run waits for it before it returns. A torn last line (a kill mid-write) is ignored by
`read_run` and cut off by `RunWriter` when the run resumes. A write that fails (a full
disk, a dead mount) is undone to the last complete line and raises `StoreError`: the file
never holds a half line followed by more lines.

One writer per run directory: `RunWriter` holds the directory's lock from the moment it
opens, and everything that reads the directory to decide what to write (is there a header?
which episodes are done?) does so through the open writer, after the lock is taken.
`rewrite_episodes` (regrade) takes the same lock, so it never swaps the file under a live
writer.

Secrets: every line and header is scrubbed of the given secret strings before it is
written (an error body that echoes an API key must not land on disk).

The record types and the reader are `ticketbench.records`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ticketbench.records import (
    EPISODES,
    HEADER,
    EpisodeRecord,
    Run,
    RunHeader,
    encode_record,
    read_run,
    scan_lines,
)

LOCK = ".lock"
REDACTED = "[REDACTED]"
MIN_SECRET = 6  # shorter strings would scrub ordinary words


class RunInUse(RuntimeError):
    """Another process is writing this run directory."""


class StoreError(OSError):
    """A run directory cannot be written (full disk, read-only or missing path ...)."""

    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(code, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def scrubber(secrets: Iterable[str]) -> list[tuple[bytes, bytes]]:
    """(needle, replacement) pairs for every secret, raw and as it appears JSON-escaped."""
    pairs: list[tuple[bytes, bytes]] = []
    for secret in {s for s in secrets if len(s) >= MIN_SECRET}:
        for form in {
            secret,
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
        }:
            pairs.append((form.encode("utf-8", "replace"), REDACTED.encode()))
    pairs.sort(key=lambda p: -len(p[0]))  # a longer form first: it may contain a shorter one
    return pairs


def scrub(data: bytes, pairs: Sequence[tuple[bytes, bytes]]) -> bytes:
    """`data` with every secret replaced."""
    for needle, repl in pairs:
        if needle in data:
            data = data.replace(needle, repl)
    return data


def scrubbed(run: Run, secrets: Iterable[str]) -> Run:
    """`run` with every secret replaced (for readers that show records: the report)."""
    pairs = scrubber(secrets)
    if not pairs:
        return run
    data = run.model_dump_json().encode()
    clean = scrub(data, pairs)
    return run if clean == data else Run.model_validate_json(clean)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.EIO, "write made no progress")
        view = view[n:]


def _describe(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "no space left on the device"
    if err.errno == errno.EROFS:
        return "the file system is read-only"
    return err.strerror or str(err)


def write_header(run_dir: Path, header: RunHeader, secrets: Iterable[str] = ()) -> None:
    """Write `header.json` atomically (a temp file of this process, fsync, rename).

    Callers hold the run's lock (`RunWriter`): the header of a run is written by its writer.
    """
    data = scrub(header.model_dump_json(indent=2).encode(), scrubber(secrets))
    tmp = run_dir / f"{HEADER}.{os.getpid()}.tmp"
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, run_dir / HEADER)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise StoreError(err.errno, f"cannot write {run_dir / HEADER}: {_describe(err)}") from err


def finished_keys(run_dir: Path, *, retry_infra: bool = True) -> set[tuple[str, int]]:
    """(task id, trial) of every episode that a resume must not play again.

    Only valid records count (a damaged line holds no finished episode: it is played again);
    with `retry_infra`, episodes whose record is an `infra_error` are played again too.
    """
    if not (run_dir / HEADER).is_file():
        return set()
    run = read_run(run_dir)
    return {r.key for r in run.episodes if r.status == "ok" or not retry_infra}


class RunWriter:
    """Appends episode records durably; opening it takes the run's lock and cuts off a torn
    last line.

    `append` writes one line before its first await (from then on a killed process cannot
    lose it: it is in the OS), and returns once an fsync covering it has completed (safe
    from a machine crash too). The fsync runs in a worker thread and is shared by every line
    written while it was pending (group commit), so concurrent episodes do not queue behind
    one fsync each and the event loop never blocks on the disk.
    """

    def __init__(self, run_dir: Path, *, secrets: Iterable[str] = ()) -> None:
        self.run_dir = run_dir
        self.path = run_dir / EPISODES
        self._secrets = list(secrets)
        self._scrub = scrubber(self._secrets)
        # One writer per run: a second process (say, a resume while the run still goes on)
        # would record the same (task, trial) twice.
        self._lock = take_lock(run_dir)
        try:
            self._fd = self._open()
        except OSError as err:
            self._lock.release()
            if isinstance(err, StoreError):
                raise
            raise StoreError(err.errno, f"cannot open {self.path}: {_describe(err)}") from err
        self.written = 0
        self._synced = 0
        self._syncing: asyncio.Future[None] | None = None
        self._failed: StoreError | None = None

    def _open(self) -> int:
        scan = scan_lines(self.path)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        if scan.torn_tail:
            os.ftruncate(fd, scan.complete_bytes)
            os.fsync(fd)
        self._size = scan.complete_bytes
        return fd

    # --- reading, under the lock ----------------------------------------------------------
    def has_header(self) -> bool:
        return (self.run_dir / HEADER).is_file()

    def write_header(self, header: RunHeader) -> None:
        """Write the run's header (scrubbed of the writer's secrets)."""
        write_header(self.run_dir, header, self._secrets)

    def finished_keys(self, *, retry_infra: bool = True) -> set[tuple[str, int]]:
        """See `finished_keys`; read under the lock, so no other writer adds to it."""
        return finished_keys(self.run_dir, retry_infra=retry_infra)

    # --- writing ------------------------------------------------------------------------
    def append(self, record: EpisodeRecord) -> Awaitable[None]:
        """Write one record as one line now; await the result for the covering fsync."""
        return self.append_raw(encode_record(record))

    def append_raw(self, line: bytes) -> Awaitable[None]:
        """Write one complete line now (scrubbed); raises `StoreError` if it cannot."""
        if self._failed is not None:
            raise self._failed
        data = scrub(line, self._scrub)
        try:
            _write_all(self._fd, data)
        except OSError as err:
            # Undo a partial write, so that the next line never lands after half a line.
            # (if even that fails, the torn tail is cut off when the run is resumed)
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
            self._failed = StoreError(
                err.errno,
                f"cannot write {self.path}: {_describe(err)}; the {self.written} episodes "
                "written before are kept",
            )
            raise self._failed from err
        self._size += len(data)
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
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._lock.release()

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def take_lock(run_dir: Path) -> FileLock:
    """The run directory's lock, taken at once, or `RunInUse`."""
    lock = FileLock(run_dir / LOCK)
    try:
        lock.acquire(timeout=0)
    except Timeout as err:
        raise RunInUse(
            f"{run_dir} is being written by another ticketbench process; "
            "let it finish or stop it first"
        ) from err
    except OSError as err:
        raise StoreError(err.errno, f"cannot lock {run_dir}: {_describe(err)}") from err
    return lock


@contextmanager
def run_lock(run_dir: Path) -> Iterator[None]:
    """Hold the run directory's lock (`RunInUse` if another process writes it)."""
    lock = take_lock(run_dir)
    try:
        yield
    finally:
        lock.release()


def rewrite_episodes(
    run_dir: Path, lines: Sequence[EpisodeRecord | bytes], secrets: Iterable[str] = ()
) -> None:
    """Replace `episodes.jsonl` atomically (regrade; callers hold `run_lock`).

    `lines` are records, or raw lines kept as they were (a damaged line is never dropped).
    """
    pairs = scrubber(secrets)
    tmp = run_dir / f"{EPISODES}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for item in lines:
                raw = encode_record(item) if isinstance(item, EpisodeRecord) else item
                if not raw.endswith(b"\n"):
                    raw += b"\n"
                _write_all(fd, scrub(raw, pairs))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, run_dir / EPISODES)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        where = run_dir / EPISODES
        raise StoreError(err.errno, f"cannot rewrite {where}: {_describe(err)}") from err
