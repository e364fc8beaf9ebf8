"""The process executor: episodes shard over N worker processes on this machine.

- workers: `--workers N` processes (default: the CPU count), forked by a `forkserver`
  (a clean process started once per driver, not a fork of the driver's event loop,
  threads and locks) that has imported the harness and loaded the world (`runner.boot`):
  a worker only unpacks the shipment (`runner.remote`);
- concurrency: `settings.concurrency` episodes in flight in all, split evenly over the
  workers; each worker plays its share on its own event loop (as `--executor local`
  does), with the episode watchdog;
- jobs are handed out one at a time as slots free up, so the cost limit and the stop
  rules act across workers exactly as in one process; finished episodes come back as
  encoded lines over a pipe (batched per event-loop turn) and the driver appends them;
- a worker that dies (killed, out of memory) loses only its in-flight episodes: they are
  played again by a new worker (`MAX_RESTARTS` per worker slot);
- the driver stopping (Ctrl-C, an error) kills the workers; a worker whose driver is gone
  (its pipe closes) stops by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from ticketbench.env.world import World
from ticketbench.protocol import Agent
from ticketbench.runner.clock import watchdog
from ticketbench.runner.episode import UserFactory
from ticketbench.runner.executor import ExecutorError, RecordWriter
from ticketbench.runner.local import aclose, gc_tuned
from ticketbench.runner.remote import MAX_RESTARTS, Dispatch, Finished, Player, ship
from ticketbench.runner.tally import Progress, ProgressFn
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import Task

STOP = None  # the driver's "no more jobs": finish and exit
JOIN_S = 10.0  # a stopping worker's grace before it is killed


@dataclass(frozen=True, slots=True)
class _Failure:
    """A worker's report that playing a job raised (a harness bug, not an agent error)."""

    job: int
    detail: str


class ProcessExecutor:
    """`--executor process` (see the module docstring)."""

    name = "process"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers if workers is not None else (os.cpu_count() or 1)

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "workers": self.workers}

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
    ) -> Progress:
        dispatch = Dispatch(len(jobs), settings, writer, progress)
        if jobs:
            n = min(self.workers, len(jobs))
            pool = _Pool(ship(agent, users, settings, jobs), n, settings.concurrency, dispatch)
            try:
                await pool.run()
            finally:
                await pool.shutdown()
        await aclose(agent)  # the driver's copies played nothing, but may hold clients
        await aclose(users)
        return await dispatch.drain()


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    in_flight: set[int] = field(default_factory=set)


class _Pool:
    """The driver's view of its worker processes."""

    def __init__(self, shipment: bytes, workers: int, concurrency: int, dispatch: Dispatch):
        self._shipment = shipment
        self._slots = max(1, -(-concurrency // workers))  # ceil: never fewer in flight
        self._dispatch = dispatch
        self._restarts = MAX_RESTARTS * workers
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["ticketbench.runner.boot"])  # before its first start
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._workers: list[_Worker] = []
        for _ in range(workers):
            self._spawn()

    def _spawn(self) -> None:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main, args=(child, self._shipment), name="ticketbench-worker"
        )
        proc.daemon = True
        proc.start()
        child.close()  # the worker holds the only other end: its exit is EOF here
        worker = _Worker(proc, parent)
        self._workers.append(worker)
        self._loop.add_reader(parent.fileno(), self._on_readable, worker)
        self._fill(worker)

    def _fill(self, worker: _Worker) -> None:
        batch: list[int] = []
        while len(worker.in_flight) < self._slots:
            index = self._dispatch.take()
            if index is None:
                break
            worker.in_flight.add(index)
            batch.append(index)
        if batch:
            # If it died meanwhile, its reader sees EOF and the batch is queued again.
            with contextlib.suppress(OSError):
                worker.conn.send(batch)

    def _on_readable(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                for item in worker.conn.recv():
                    if isinstance(item, _Failure):
                        worker.in_flight.discard(item.job)
                        self._dispatch.lost([item.job])
                        failed = f"a worker failed playing job {item.job}: {item.detail}"
                        self._dispatch.fail(ExecutorError(failed))
                        continue
                    worker.in_flight.discard(item.job)
                    self._dispatch.finished(item)
        except (EOFError, OSError):
            self._died(worker)
        else:
            self._fill(worker)
        self._wake.set()

    def _died(self, worker: _Worker) -> None:
        self._forget(worker)
        worker.process.join(timeout=1.0)
        lost = sorted(worker.in_flight)
        worker.in_flight.clear()
        self._dispatch.lost(lost)
        if self._dispatch.over:
            return
        if self._restarts > 0:
            self._restarts -= 1
            self._spawn()
        elif not self._workers:
            code = worker.process.exitcode
            self._dispatch.fail(
                ExecutorError(f"worker processes keep dying (last exit code {code}); stopping")
            )

    def _forget(self, worker: _Worker) -> None:
        if worker in self._workers:
            self._workers.remove(worker)
            self._loop.remove_reader(worker.conn.fileno())
            worker.conn.close()

    async def run(self) -> None:
        """Until every job is recorded or the run stops (in-flight episodes finish)."""
        while not self._dispatch.over:
            await self._wake.wait()
            self._wake.clear()
            for worker in list(self._workers):
                self._fill(worker)  # jobs re-queued from a dead worker

    async def shutdown(self) -> None:
        """Ask idle workers to exit; kill any still running (an interrupted run)."""
        for worker in list(self._workers):
            if not worker.in_flight:
                with contextlib.suppress(OSError):
                    worker.conn.send(STOP)
        for worker in list(self._workers):
            if worker.in_flight:
                worker.process.kill()
            await asyncio.to_thread(worker.process.join, JOIN_S)
            if worker.process.is_alive():
                worker.process.kill()
                await asyncio.to_thread(worker.process.join, JOIN_S)
            self._forget(worker)


# --- the worker process ------------------------------------------------------------------


def _worker_main(conn: Connection, shipment: bytes) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the driver decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_serve(conn, Player(shipment)))


async def _serve(conn: Connection, player: Player) -> None:
    loop = asyncio.get_running_loop()
    outbox: list[Finished | _Failure] = []
    playing: set[asyncio.Task[None]] = set()
    stop = asyncio.Event()
    orphaned = False

    def flush() -> None:
        if outbox:
            batch = outbox.copy()
            outbox.clear()
            try:
                conn.send(batch)
            except OSError:
                stop.set()  # the driver is gone

    def deliver(item: Finished | _Failure) -> None:
        if not outbox:
            loop.call_soon(flush)  # one send for every episode finished in this turn
        outbox.append(item)

    async def one(index: int) -> None:
        try:
            deliver(await player.play(index))
        except Exception:
            deliver(_Failure(index, traceback.format_exc(limit=8)))

    def on_readable() -> None:
        nonlocal orphaned
        try:
            message = conn.recv()
        except (EOFError, OSError):
            orphaned = True
            stop.set()
            return
        if message is STOP:
            stop.set()
            return
        for index in message:
            task = loop.create_task(one(index))
            playing.add(task)
            task.add_done_callback(playing.discard)

    loop.add_reader(conn.fileno(), on_readable)
    try:
        with gc_tuned(), watchdog().active():
            await stop.wait()
            if orphaned:
                for task in playing:
                    task.cancel()
            if playing:
                await asyncio.gather(*playing, return_exceptions=True)
            flush()
    finally:
        loop.remove_reader(conn.fileno())
        await player.close()
        conn.close()
