"""The process executor: episodes shard over N worker processes on this machine.

- workers: `--workers N` processes (default: the CPU count), forked by a `forkserver`
  (a clean process started once per driver, not a fork of the driver's event loop,
  threads and locks) that has imported the harness and loaded the world (`runner.boot`).
  Workers outlive a run and serve the next one of the same executor (the three baselines
  back to back, a sweep); each run sends them its shipment (`runner.remote`);
- concurrency: `settings.concurrency` episodes in flight in all, split evenly over the
  workers; each worker plays its share on its own event loop (as `--executor local`
  does), with the episode watchdog;
- jobs are handed out one at a time as slots free up, so the cost limit and the stop
  rules act across workers exactly as in one process; a job carries its task the first
  time a worker gets that task. Finished episodes come back as encoded lines over a pipe
  (batched per event-loop turn) and the driver appends them;
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
import weakref
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

STOP = None  # the driver's "no more runs": exit
JOIN_S = 10.0  # a stopping worker's grace before it is killed
# A job as sent: (index, trial, task id, the task itself the first time this worker gets it)
_Job = tuple[int, int, str, Task | None]


@dataclass(frozen=True, slots=True)
class _Run:
    """The driver's "a new run starts": its shipment."""

    shipment: bytes


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
        self._idle: list[_Worker] = []  # alive after the last run, ready for the next
        weakref.finalize(self, _kill, self._idle)  # an executor dropped without close()

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
            shipment = ship(agent, users, settings)
            n = min(self.workers, len(jobs))
            idle = self._idle.copy()
            self._idle.clear()  # the same list object: the finalizer holds it
            pool = _Pool(jobs, shipment, idle, n, settings.concurrency, dispatch)
            try:
                await pool.run()
                self._idle.extend(pool.release())
            finally:
                await pool.shutdown()  # whatever was not released: an interrupted run
        await aclose(agent)  # the driver's copies played nothing, but may hold clients
        await aclose(users)
        return await dispatch.drain()

    async def close(self) -> None:
        """Stop the idle workers kept for the next run."""
        pool = self._idle.copy()
        self._idle.clear()
        for worker in pool:
            with contextlib.suppress(OSError):
                worker.conn.send(STOP)
        for worker in pool:
            await asyncio.to_thread(worker.process.join, JOIN_S)
            if worker.process.is_alive():
                worker.process.kill()
            worker.conn.close()


def _kill(workers: list[_Worker]) -> None:
    for worker in workers:
        worker.process.kill()
        worker.conn.close()


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    in_flight: set[int] = field(default_factory=set)
    has: set[str] = field(default_factory=set)  # task ids this worker holds


class _Pool:
    """The driver's view of its worker processes during one run."""

    def __init__(
        self,
        jobs: Sequence[tuple[Task, int]],
        shipment: bytes,
        idle: list[_Worker],
        workers: int,
        concurrency: int,
        dispatch: Dispatch,
    ) -> None:
        self._jobs = jobs
        self._shipment = shipment
        self._slots = max(1, -(-concurrency // workers))  # ceil: never fewer in flight
        self._dispatch = dispatch
        self._restarts = MAX_RESTARTS * workers
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["ticketbench.runner.boot"])  # before its first start
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._workers: list[_Worker] = []
        for worker in idle[workers:]:
            worker.process.kill()
        for worker in idle[:workers]:
            self._adopt(worker)
        while len(self._workers) < workers:
            self._spawn()

    def _spawn(self) -> None:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child,), name="ticketbench-worker")
        proc.daemon = True
        proc.start()
        child.close()  # the worker holds the only other end: its exit is EOF here
        self._adopt(_Worker(proc, parent))

    def _adopt(self, worker: _Worker) -> None:
        worker.has.clear()  # a new run: its tasks are sent again
        self._workers.append(worker)
        self._loop.add_reader(worker.conn.fileno(), self._on_readable, worker)
        try:
            worker.conn.send(_Run(self._shipment))
        except OSError:
            return  # it died: its reader sees EOF
        self._fill(worker)

    def _fill(self, worker: _Worker) -> None:
        batch: list[_Job] = []
        while len(worker.in_flight) < self._slots:
            index = self._dispatch.take()
            if index is None:
                break
            task, trial = self._jobs[index]
            first = task.id not in worker.has
            worker.has.add(task.id)
            worker.in_flight.add(index)
            batch.append((index, trial, task.id, task if first else None))
        if batch:
            # If it died meanwhile, its reader sees EOF and the batch is queued again.
            with contextlib.suppress(OSError):
                worker.conn.send(batch)

    def _on_readable(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                for item in worker.conn.recv():
                    worker.in_flight.discard(item.job)
                    if isinstance(item, _Failure):
                        self._dispatch.lost([item.job])
                        failed = f"a worker failed playing job {item.job}: {item.detail}"
                        self._dispatch.fail(ExecutorError(failed))
                        continue
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

    async def run(self) -> None:
        """Until every job is recorded or the run stops (in-flight episodes finish)."""
        while not self._dispatch.over:
            await self._wake.wait()
            self._wake.clear()
            for worker in list(self._workers):
                self._fill(worker)  # jobs re-queued from a dead worker

    def release(self) -> list[_Worker]:
        """The live, idle workers, for the next run."""
        kept = [w for w in self._workers if not w.in_flight and w.process.is_alive()]
        for worker in kept:
            self._forget(worker)
        return kept

    async def shutdown(self) -> None:
        """Kill the workers not released (an interrupted or failed run)."""
        for worker in list(self._workers):
            self._forget(worker)
            worker.process.kill()
            await asyncio.to_thread(worker.process.join, JOIN_S)
            worker.conn.close()


# --- the worker process ------------------------------------------------------------------


def _worker_main(conn: Connection) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the driver decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_serve(conn))


async def _serve(conn: Connection) -> None:
    loop = asyncio.get_running_loop()
    outbox: list[Finished | _Failure] = []
    playing: set[asyncio.Task[None]] = set()
    tasks: dict[str, Task] = {}
    player: Player | None = None
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

    async def one(run: Player, index: int, task: Task, trial: int) -> None:
        try:
            deliver(await run.play(index, task, trial))
        except Exception:
            deliver(_Failure(index, traceback.format_exc(limit=8)))

    async def switch(old: Player | None) -> None:
        if old is not None:
            await old.close()

    def on_readable() -> None:
        nonlocal orphaned, player
        try:
            message = conn.recv()
        except (EOFError, OSError):
            orphaned = True
            stop.set()
            return
        if message is STOP:
            stop.set()
        elif isinstance(message, _Run):
            closing = loop.create_task(switch(player))  # the last run's agent: close it
            playing.add(closing)
            closing.add_done_callback(playing.discard)
            player = Player(message.shipment)
            tasks.clear()
        else:
            assert player is not None, "jobs before a run"
            for index, trial, task_id, task in message:
                if task is not None:
                    tasks[task_id] = task
                job = loop.create_task(one(player, index, tasks[task_id], trial))
                playing.add(job)
                job.add_done_callback(playing.discard)

    loop.add_reader(conn.fileno(), on_readable)
    try:
        with gc_tuned(), watchdog().active():
            await stop.wait()
            if orphaned:
                for job in playing:
                    job.cancel()
            if playing:
                await asyncio.gather(*playing, return_exceptions=True)
            flush()
    finally:
        loop.remove_reader(conn.fileno())
        if player is not None:
            await player.close()
        conn.close()
