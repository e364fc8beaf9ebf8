"""`ticketbench bench run`: how fast the episode loop is, and how well it scales.

1. Oracle throughput: the oracle over a whole split through the real runner (sessions,
   scripted users, checker, scoring, records appended and fsynced to a temporary run
   directory). `episodes_per_s` and `ms_per_episode` are wall clock. `env_ms_per_episode`
   is the time spent inside the env in the same pass: agent tool calls, user app actions
   and building each episode's env (`make_env`), timed around those calls only.
   `overhead_ms_per_episode` is everything else: what the harness adds (session, user,
   payment gate, checker, scoring, state digest, serialising and fsyncing the record,
   asyncio). Both are process CPU time, so other load on a shared machine does not
   inflate them; `overhead_wall_ms_per_episode` is the wall-clock counterpart.
2. Concurrency: a fake model agent whose every "model call" is `asyncio.sleep(latency)`
   (3 calls per episode, each followed by one cheap tool call, then one message) at several
   concurrency levels. Ideal throughput is concurrency / (3 * latency);
   `concurrency_efficiency` is measured throughput over ideal.
3. Executors: the same fake model through each executor (`local`, `process`, `ray`) at 256
   and 1,024 concurrent episodes, 4 rounds each, every record appended and fsynced by the
   driver. Per executor: `efficiency` and `episodes_per_s` keyed by level,
   `cpu_ms_per_episode` (CPU of the whole process tree: driver, workers, and for Ray its
   own daemons, sampled from /proc: `bench.cpu`), `overhead_ms_per_episode` (that CPU
   less local's: what playing elsewhere costs), and `startup_s` (a first, small run that
   starts the workers: a forkserver with the world loaded, or Ray and its actors; later
   runs reuse them, and the timed passes come after it).
4. Plugins out of process (`proxy`, see `ticketbench.bench.proxy`): the per-call cost of
   the session proxy (`proxy_call_us` p50 / p99) and the per-episode cost of a child.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ticketbench.agents.oracle import OracleAgent
from ticketbench.bench.cpu import TreeCpu
from ticketbench.bench.proxy import proxy_bench
from ticketbench.env import AGENT_TOOLS, APP_ACTIONS
from ticketbench.env.world import load_world
from ticketbench.protocol import Session
from ticketbench.records import EpisodeRecord
from ticketbench.results.store import RunWriter
from ticketbench.runner import (
    EXECUTORS,
    Executor,
    ExecutorError,
    episode,
    make_executor,
    run_episodes,
    scripted_user,
)
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Split, Task

MODEL_CALLS = 3


class FakeModelAgent:
    """An agent whose model calls are sleeps: it measures the harness, not a model."""

    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s

    async def run(self, session: Session) -> None:
        for _ in range(MODEL_CALLS):
            await asyncio.sleep(self.latency_s)
            await session.call("current_time", "{}")
        await session.say("Sorry, I can't help with that.")


async def _oracle_pass(
    tasks: Sequence[Task], concurrency: int
) -> tuple[float, float, list[EpisodeRecord]]:
    world = load_world()
    kept: list[EpisodeRecord] = []
    settings = RunSettings(concurrency=concurrency, timeout_s=None)
    with tempfile.TemporaryDirectory() as tmp, RunWriter(Path(tmp)) as writer:

        def sink(rec: EpisodeRecord) -> Awaitable[None]:
            kept.append(rec)
            return writer.append(rec)

        jobs = [(t, 0) for t in tasks]
        t0, c0 = time.perf_counter(), time.process_time()
        await run_episodes(jobs, OracleAgent(), settings, world, sink=sink)
        return time.perf_counter() - t0, time.process_time() - c0, kept


@contextmanager
def _env_timer() -> Iterator[list[float]]:
    """Accumulate [cpu, wall] seconds spent inside env calls while the block runs."""
    acc = [0.0, 0.0]
    originals: list[tuple[Any, str, Any]] = []

    def timed(fn: Callable[..., Any]) -> Callable[..., Any]:
        def inner(*args: Any, **kwargs: Any) -> Any:
            c0, t0 = time.process_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc[0] += time.process_time() - c0
                acc[1] += time.perf_counter() - t0

        return inner

    for owner, name in ((AGENT_TOOLS, "call"), (APP_ACTIONS, "call"), (episode, "make_env")):
        originals.append((owner, name, getattr(owner, name)))
        setattr(owner, name, timed(getattr(owner, name)))
    try:
        yield acc
    finally:
        for owner, name, fn in originals:
            if owner is episode:
                setattr(owner, name, fn)
            else:
                delattr(owner, name)  # the instance attribute shadowed the method


def oracle_bench(split: Split = "test", concurrency: int = 8) -> dict[str, Any]:
    """Oracle episodes per second over a split, and the harness overhead per episode."""
    tasks = load_suite(split)
    asyncio.run(_oracle_pass(tasks[:50], concurrency))  # warm caches (indices, imports)
    with _env_timer() as env_time:
        wall, cpu, records = asyncio.run(_oracle_pass(tasks, concurrency))
    env_cpu, env_wall = env_time
    n = len(records)
    successes = sum(1 for r in records if r.score is not None and r.score.success)
    return {
        "split": split,
        "episodes": n,
        "oracle_success": successes / n if n else 0.0,
        "wall_s": round(wall, 3),
        "episodes_per_s": round(n / wall, 1),
        "ms_per_episode": round(wall / n * 1000, 3),
        "cpu_ms_per_episode": round(cpu / n * 1000, 3),
        "env_ms_per_episode": round(env_cpu / n * 1000, 3),
        "overhead_ms_per_episode": round((cpu - env_cpu) / n * 1000, 3),
        "overhead_wall_ms_per_episode": round((wall - env_wall) / n * 1000, 3),
    }


async def _fake_pass(tasks: Sequence[Task], concurrency: int, latency_s: float) -> float:
    world = load_world()
    settings = RunSettings(concurrency=concurrency, timeout_s=None)
    jobs = [(t, 0) for t in tasks]
    with tempfile.TemporaryDirectory() as tmp, RunWriter(Path(tmp)) as writer:
        t0 = time.perf_counter()
        await run_episodes(jobs, FakeModelAgent(latency_s), settings, world, sink=writer.append)
        return time.perf_counter() - t0


def concurrency_bench(
    levels: Sequence[int] = (1, 16, 64, 256), latency_s: float = 0.2, rounds: int = 4
) -> dict[str, Any]:
    """Throughput of the fake model agent at each concurrency level, against the ideal."""
    pool = load_suite("test")
    out: dict[str, Any] = {"latency_s": latency_s, "model_calls_per_episode": MODEL_CALLS}
    eff: dict[str, float] = {}
    thr: dict[str, float] = {}
    for c in levels:
        n = c * rounds
        tasks = [pool[i % len(pool)] for i in range(n)]
        wall = asyncio.run(_fake_pass(tasks, c, latency_s))
        ideal = c / (MODEL_CALLS * latency_s)
        thr[str(c)] = round(n / wall, 2)
        eff[str(c)] = round((n / wall) / ideal, 4)
    out["concurrency_episodes_per_s"] = thr
    out["concurrency_efficiency"] = eff
    return out


EXECUTOR_LEVELS = (256, 1024)
EXECUTOR_ROUNDS = 4


async def _executor_pass(
    executor: Executor, tasks: Sequence[Task], concurrency: int, latency_s: float
) -> tuple[float, float]:
    """(wall s, tree CPU s) of one pass of the fake model through `executor`."""
    world = load_world()
    settings = RunSettings(concurrency=concurrency, timeout_s=None)
    jobs = [(t, 0) for t in tasks]
    with tempfile.TemporaryDirectory() as tmp, RunWriter(Path(tmp)) as writer, TreeCpu() as cpu:
        t0 = time.perf_counter()
        await executor.play(
            jobs, FakeModelAgent(latency_s), settings, world, writer=writer,
            users=scripted_user,
        )  # fmt: skip
        wall = time.perf_counter() - t0
    return wall, cpu.seconds


async def _executor_passes(
    executor: Executor, levels: Sequence[int], latency_s: float, rounds: int
) -> dict[str, Any]:
    pool = load_suite("test")
    t0 = time.perf_counter()
    await _executor_pass(executor, pool[:64], 64, latency_s)
    out: dict[str, Any] = {"startup_s": round(time.perf_counter() - t0, 2)}
    eff: dict[str, float] = {}
    rate: dict[str, float] = {}
    cpu_ms: dict[str, float] = {}
    for c in levels:
        n = c * rounds
        tasks = [pool[i % len(pool)] for i in range(n)]
        wall, cpu = await _executor_pass(executor, tasks, c, latency_s)
        ideal = c / (MODEL_CALLS * latency_s)
        rate[str(c)] = round(n / wall, 1)
        eff[str(c)] = round((n / wall) / ideal, 4)
        cpu_ms[str(c)] = round(cpu / n * 1000, 3)
    out.update(efficiency=eff, episodes_per_s=rate, cpu_ms_per_episode_by_level=cpu_ms)
    out["cpu_ms_per_episode"] = round(sum(cpu_ms.values()) / len(cpu_ms), 3)
    return out


def executor_bench(
    names: Sequence[str] = EXECUTORS,
    levels: Sequence[int] = EXECUTOR_LEVELS,
    latency_s: float = 0.2,
    rounds: int = EXECUTOR_ROUNDS,
    workers: int | None = None,
) -> dict[str, Any]:
    """Every executor against the fake model (see the module docstring)."""
    out: dict[str, Any] = {}
    for name in names:
        try:
            executor = make_executor(name, workers=None if name == "local" else workers)
            result = asyncio.run(_executor_passes(executor, levels, latency_s, rounds))
        except ExecutorError as err:  # e.g. Ray not installed: say so, measure the others
            out[name] = {"error": str(err)}
            continue
        result["describe"] = executor.describe()
        out[name] = result
    local = out.get("local", {}).get("cpu_ms_per_episode")
    for result in out.values():
        if local is not None and "cpu_ms_per_episode" in result:
            result["overhead_ms_per_episode"] = round(result["cpu_ms_per_episode"] - local, 3)
    return out


def run_all(
    split: Split = "test", latency_s: float = 0.2, executors: Sequence[str] = EXECUTORS
) -> dict[str, Any]:
    """Every benchmark, with the targets they are held to."""
    oracle = oracle_bench(split)
    conc = concurrency_bench(latency_s=latency_s)
    return {
        **oracle,
        **conc,
        "executors": executor_bench(executors, latency_s=latency_s),
        "proxy": proxy_bench(),
        "targets": {
            "overhead_ms_per_episode_max": 3.0,
            "oracle_1000_episodes_max_s": 10.0,
            "concurrency_efficiency_at_256_min": 0.9,
            "process_efficiency_at_256_min": 0.95,
            "process_vs_local_episodes_per_s_at_1024_min": 1.6,
            "proxy_call_us_max": 500.0,
        },
    }
