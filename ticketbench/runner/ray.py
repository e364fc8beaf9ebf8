"""The Ray executor: episodes shard over actors of a Ray cluster (the `ray` extra).

- cluster: `ray.init()` starts a local one when none is running (Ray stops it when the
  process exits); `--ray-address` joins an existing cluster (ticketbench must be
  importable on its nodes, e.g. installed in the image or through a runtime environment);
- actors: `--workers N` (default: the cluster's CPU count). An actor loads the world once
  and keeps it; each run ships its agent, user and jobs through the object store to a
  `Player` (`runner.remote`) on every actor. Actors outlive a run and serve the next one
  of the same executor (the three baselines back to back, a sweep); an actor plays its
  share of `settings.concurrency` episodes at a time on its own event loop;
- every episode is one actor call whose result (the encoded line and its `Outcome`) the
  driver awaits, so records stream back as episodes finish; jobs are handed out as calls
  return, which keeps the cost limit and the stop rules global, as in one process;
- an actor that dies loses only its in-flight episodes: they are played again on a new
  actor (`MAX_RESTARTS` per actor).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from typing import Any

from ticketbench.env.world import World, load_world
from ticketbench.protocol import Agent
from ticketbench.runner.episode import UserFactory
from ticketbench.runner.executor import ExecutorError, RecordWriter
from ticketbench.runner.local import aclose
from ticketbench.runner.remote import MAX_RESTARTS, Dispatch, Finished, Player, ship
from ticketbench.runner.tally import Progress, ProgressFn
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import Task


def _ray() -> Any:
    try:
        import ray
    except ImportError as err:
        raise ExecutorError("--executor ray needs Ray: pip install 'ticketbench[ray]'") from err
    return ray


def _dead(ray: Any) -> tuple[type[BaseException], ...]:
    """The errors that mean an actor is gone (its in-flight calls are lost)."""
    kinds = [ray.exceptions.RayActorError]
    unavailable = getattr(ray.exceptions, "ActorUnavailableError", None)
    if unavailable is not None:
        kinds.append(unavailable)
    return tuple(kinds)


class EpisodeActor:
    """One Ray actor: the world, and a `Player` per run (decorated by `RayExecutor`)."""

    def __init__(self) -> None:
        gc.freeze()  # the world and the tasks live as long as the actor (see local.gc_tuned)
        gc.set_threshold(50_000, 20, 100)
        load_world()
        self._player: Player | None = None

    def load(self, shipment: bytes) -> None:
        self._player = Player(shipment)

    async def play(self, index: int, task: Task, trial: int) -> Finished:
        if self._player is None:
            raise RuntimeError("play before load")
        return await self._player.play(index, task, trial)

    async def unload(self) -> None:
        if self._player is not None:
            await self._player.close()
            self._player = None


class RayExecutor:
    """`--executor ray` (see the module docstring)."""

    name = "ray"

    def __init__(self, workers: int | None = None, *, address: str | None = None) -> None:
        self.workers = workers
        self.address = address
        self._actors: list[Any] = []  # alive after the last run, ready for the next
        _ray()  # fail before the run starts if Ray is missing

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "workers": self.workers, "address": self.address}

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
        ray = _ray()
        dispatch = Dispatch(len(jobs), settings, writer, progress)
        if jobs:
            shipment = ship(agent, users, settings)
            if not ray.is_initialized():
                try:
                    ray.init(
                        address=self.address,
                        include_dashboard=False,
                        log_to_driver=False,
                        configure_logging=False,
                    )
                except (ConnectionError, RuntimeError, ValueError) as err:
                    where = self.address or "a local cluster"
                    raise ExecutorError(f"cannot start Ray on {where}: {err}") from err
            actors = _Actors(ray, jobs, self._actors, self.workers, settings.concurrency, dispatch)
            self._actors = []
            try:
                await actors.run(shipment)
                self._actors = await actors.release()
            finally:
                actors.kill()  # whatever was not released: an interrupted or failed run
        await aclose(agent)
        await aclose(users)
        return await dispatch.drain()


class _Actors:
    """The driver's view of its actors and their in-flight calls during one run."""

    def __init__(
        self,
        ray: Any,
        jobs: Sequence[tuple[Task, int]],
        actors: list[Any],
        workers: int | None,
        concurrency: int,
        dispatch: Dispatch,
    ) -> None:
        self._ray = ray
        cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        self._n = workers if workers is not None else cpus
        self._slots = max(1, -(-concurrency // self._n))
        self._cls = ray.remote(num_cpus=min(1.0, cpus / self._n), max_concurrency=10_000)(
            EpisodeActor
        )
        self._reused = actors[: self._n]
        for extra in actors[self._n :]:
            ray.kill(extra)
        self._dispatch = dispatch
        self._restarts = MAX_RESTARTS * self._n
        self._in_flight: dict[Any, set[int]] = {}
        self._calls: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._shipment: Any = None
        self._booting = 0
        self._jobs = jobs
        self._task_refs: dict[str, Any] = {}  # each task in the object store once

    def _start(self, actor: Any | None = None) -> None:
        boot = asyncio.ensure_future(self._boot(actor or self._cls.remote()))
        self._calls.add(boot)
        boot.add_done_callback(self._calls.discard)

    async def _boot(self, actor: Any) -> None:
        # An async actor runs calls concurrently, not in order: the run's shipment must be
        # loaded before its first episode starts.
        self._booting += 1
        try:
            await actor.load.remote(self._shipment)
        except _dead(self._ray):
            self._booting -= 1
            self._in_flight[actor] = set()
            self._died(actor)
            return
        self._booting -= 1
        self._in_flight[actor] = set()
        self._fill(actor)
        self._wake.set()

    def _fill(self, actor: Any) -> None:
        mine = self._in_flight.get(actor)
        while mine is not None and len(mine) < self._slots:
            index = self._dispatch.take()
            if index is None:
                return
            mine.add(index)
            task, trial = self._jobs[index]
            ref = self._task_refs.get(task.id)
            if ref is None:
                ref = self._task_refs[task.id] = self._ray.put(task)
            call = asyncio.ensure_future(self._call(actor, index, ref, trial))
            self._calls.add(call)
            call.add_done_callback(self._calls.discard)

    async def _call(self, actor: Any, index: int, task: Any, trial: int) -> None:
        ray = self._ray
        try:
            done: Finished = await actor.play.remote(index, task, trial)
        except _dead(ray):
            self._died(actor)
        except ray.exceptions.RayTaskError as err:  # a harness bug inside the actor
            self._in_flight.get(actor, set()).discard(index)
            self._dispatch.lost([index])
            self._dispatch.fail(ExecutorError(f"an actor failed playing job {index}: {err}"))
        else:
            mine = self._in_flight.get(actor)
            if mine is not None:
                mine.discard(index)
            self._dispatch.finished(done)  # a late result of a dead actor: recorded once
            self._fill(actor)
        self._wake.set()

    def _died(self, actor: Any) -> None:
        lost = self._in_flight.pop(actor, None)
        if lost is None:
            return  # already handled through another of its calls
        self._dispatch.lost(lost)
        if self._dispatch.over:
            return
        if self._restarts > 0:
            self._restarts -= 1
            self._start()
        elif not self._in_flight and not self._booting:
            self._dispatch.fail(ExecutorError("Ray actors keep dying; stopping"))

    async def run(self, shipment: bytes) -> None:
        """Until every job is recorded or the run stops (in-flight episodes finish)."""
        self._shipment = self._ray.put(shipment)
        for actor in self._reused:
            self._start(actor)
        for _ in range(self._n - len(self._reused)):
            self._start()
        while not self._dispatch.over:
            await self._wake.wait()
            self._wake.clear()
            for actor in list(self._in_flight):
                self._fill(actor)  # jobs re-queued from a dead actor

    async def release(self) -> list[Any]:
        """The live actors, their run's agent closed, for the next run."""
        actors = list(self._in_flight)
        self._in_flight.clear()
        for actor in actors:
            await actor.unload.remote()
        return actors

    def kill(self) -> None:
        for call in self._calls:
            call.cancel()
        for actor in self._in_flight:
            self._ray.kill(actor)
        self._in_flight.clear()
