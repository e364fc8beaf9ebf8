"""The process and Ray executors against the local one: the same records, resume after a
kill, the cost limit across workers, and a worker that dies mid-run. Ray runs on a real
local cluster started here."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from execkit import Crasher, Spender

from ticketbench.records import EPISODES, read_run
from ticketbench.results.lifecycle import resume, start_run
from ticketbench.runner import Executor, LocalExecutor, make_executor
from ticketbench.runner.process import ProcessExecutor
from ticketbench.runner.ray import RayExecutor
from ticketbench.settings import RunSettings

TESTS = Path(__file__).resolve().parent
SELECTION = "specified,seating,after_purchase,live_event,infeasible"


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """A real local Ray cluster for this module; actors import the test agents too."""
    import ray

    path = os.pathsep.join([str(TESTS), str(TESTS.parent)])
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    try:
        yield
    finally:
        ray.shutdown()


def _executor(name: str) -> Executor:
    return {
        "local": LocalExecutor(),
        "process": ProcessExecutor(2),
        "ray": RayExecutor(2),
    }[name]


def _records(run_dir: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Records by (task, trial), without the wall-clock fields; each key exactly once."""
    run = read_run(run_dir)
    keys = Counter((r.task_id, r.trial) for r in run.episodes)
    assert max(keys.values()) == 1, "a (task, trial) was recorded twice"
    return {
        (r.task_id, r.trial): r.model_dump(mode="json", exclude={"timing"}) for r in run.episodes
    }


@pytest.mark.slow
@pytest.mark.parametrize("agent", ["oracle", "navigator"])
async def test_every_executor_writes_the_same_records(
    agent: str, tmp_path: Path, ray_cluster: None
) -> None:
    settings = RunSettings(trials=2, concurrency=6)
    runs = {}
    for name in ("local", "process", "ray"):
        res = await start_run(
            agent_spec=agent,
            settings=settings,
            selection=SELECTION,
            out=tmp_path / name,
            executor=_executor(name),
        )
        assert res.progress.done == res.progress.total > 40
        runs[name] = _records(tmp_path / name)
    assert len(runs["local"]) == res.progress.total
    assert runs["process"] == runs["local"]
    assert runs["ray"] == runs["local"]
    if agent == "oracle":
        assert all(r["score"]["success"] for r in runs["local"].values())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["local", "process", "ray"])
async def test_the_cost_limit_holds_across_workers(
    name: str, tmp_path: Path, ray_cluster: None
) -> None:
    """Once the recorded cost reaches the limit no episode starts; in-flight ones finish,
    and a resume plays the rest: the same rule whatever the executor."""
    concurrency, cost, limit = 4, 0.01, 0.05
    settings = RunSettings(concurrency=concurrency, cost_limit_usd=limit)
    res = await start_run(
        agent_spec="execkit:Spender",
        agent=Spender(cost),
        settings=settings,
        selection="specified",
        out=tmp_path / "run",
        executor=_executor(name),
    )
    p = res.progress
    assert p.stopped == "cost_limit"
    # at least the limit's worth, at most what was in flight when it was reached
    assert limit / cost <= p.done <= limit / cost + concurrency
    assert len(read_run(tmp_path / "run").episodes) == p.done < p.total
    more = await resume(tmp_path / "run", agent=Spender(0.0), executor=_executor(name))
    assert more.progress.done == p.total - p.done
    assert len(_records(tmp_path / "run")) == p.total


@pytest.mark.slow
@pytest.mark.parametrize("name", ["process", "ray"])
async def test_a_dead_worker_loses_only_its_in_flight_episodes(
    name: str, tmp_path: Path, ray_cluster: None
) -> None:
    log = tmp_path / "played.log"
    victim = "dev-specified-003"
    settings = RunSettings(concurrency=4, privileged=True)  # Crasher reads the task
    res = await start_run(
        agent_spec="execkit:Crasher",
        agent=Crasher(str(log), victim),
        settings=settings,
        selection="specified,seating",
        out=tmp_path / "run",
        executor=_executor(name),
    )
    assert (tmp_path / "played.died").exists(), "no worker died: the test tested nothing"
    records = _records(tmp_path / "run")
    assert len(records) == res.progress.total == res.progress.done
    assert all(r["score"]["success"] for r in records.values())
    starts = Counter(line.split()[0] for line in log.read_text().splitlines())
    again = {k for k, n in starts.items() if n > 1}
    assert f"{victim}#0" in again
    # only the dead worker's in-flight episodes ran twice: at most its share of slots
    assert len(again) <= -(-settings.concurrency // 2)
    if name == "process":
        pids = {line.split()[1] for line in log.read_text().splitlines()}
        assert str(os.getpid()) not in pids  # episodes played in workers, not the driver


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from ticketbench.cli import app; app()", *args]


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _children(pid: int) -> set[int]:
    """Live descendants of `pid` (from /proc)."""
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        nxt: set[int] = set()
        for p in Path("/proc").iterdir():
            if not p.name.isdigit():
                continue
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid in frontier and stat.rsplit(")", 1)[1].split()[0] != "Z":
                nxt.add(int(p.name))
        out |= nxt
        frontier = nxt
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["process", "ray"])
def test_sigkill_the_driver_then_resume(name: str, tmp_path: Path) -> None:
    """A driver killed with SIGKILL mid-run: its workers go away, `--resume` (with the same
    executor) records every episode exactly once, identical to a local run."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    run_dir = tmp_path / "run"
    flags = ["--tasks", "specified,pricing", "--trials", "2", "--concurrency", "4"]
    where = ["--executor", name, "--workers", "2"]
    agent = ["--agent", "execkit:SlowOracle", "--privileged"]  # it reads the task
    cmd = _cli("run", *agent, *flags, *where, "--out", str(run_dir))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 180
    while _lines(run_dir / EPISODES) < 10:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.05)
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _records(run_dir)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = {w for w in workers if Path(f"/proc/{w}").exists()}
    for w in left:  # the test's own leftovers: never leak processes into the session
        os.kill(w, signal.SIGKILL)
    if name == "process":  # our workers stop when their driver's pipe closes
        assert workers and not left, "worker processes outlived their driver"
    done = subprocess.run(
        _cli("run", "--resume", str(run_dir), *where, "--json"),
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["resumed"]
    after = _records(run_dir)
    assert summary["success_rate"] == 1.0 and len(after) == summary["episodes"] > len(before)
    assert all(after[k] == v for k, v in before.items())  # what was finished is kept
    local = tmp_path / "local"
    ran = subprocess.run(
        _cli("run", "--agent", "oracle", *flags, "--out", str(local)),
        capture_output=True,
        timeout=300,
        env=env,
    )
    assert ran.returncode == 0, ran.stderr
    assert after == _records(local)


def test_executor_flags_are_checked() -> None:
    from ticketbench.runner import ExecutorError

    for bad in (
        lambda: make_executor("gpu"),
        lambda: make_executor("local", workers=2),
        lambda: make_executor("process", workers=0),
        lambda: make_executor("process", ray_address="auto"),
    ):
        with pytest.raises(ExecutorError):
            bad()
    assert make_executor("process", workers=3).describe() == {"name": "process", "workers": 3}
