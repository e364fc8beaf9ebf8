"""`bench run`'s `proxy`: what playing a plugin out of process costs.

- `proxy_call_us`: the round trip of one `session.call("current_time", {})` as a plugin in
  its own process times it (`ProxyProbe`, loaded by `--agent`-spec as any plugin is):
  encode, the socket both ways, the harness serving the call on the real session, decode.
  p50 and p99 over every timed call of several episodes; `inprocess_call_us` is the same
  call on the session itself, and `proxy_overhead_us` the difference of the p50s. Target:
  p50 and p99 under 500 us.
- `episode_ms`: a one-call episode out of process against in process, per episode at the
  run's default concurrency (8): wall time, and CPU of the whole process tree (the
  template and its episode forks included); `startup_s`: building the agent (starting the
  template process, which imports the plugin).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ticketbench.agents.isolation.host import IsolatedAgent
from ticketbench.bench.cpu import TreeCpu
from ticketbench.env.world import load_world
from ticketbench.protocol import Agent, Session
from ticketbench.records import EpisodeRecord
from ticketbench.runner import run_episodes
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite

PROBE = "ticketbench.bench.proxy:ProxyProbe"
WARMUP_CALLS = 50


class ProxyProbe:
    """Times `calls` tool calls through its session and appends them (seconds, as JSON) to
    the file `out`; then tells the user it cannot help."""

    def __init__(self, out: str, calls: int = 1000) -> None:
        self.out = out
        self.calls = calls

    async def run(self, session: Session) -> None:
        """Time the calls (after a warm-up), record them, say goodbye."""
        for _ in range(WARMUP_CALLS if self.calls else 0):
            await session.call("current_time", {})
        times: list[float] = []
        for _ in range(self.calls):
            t0 = time.perf_counter()
            await session.call("current_time", {})
            times.append(time.perf_counter() - t0)
        if times:
            with open(self.out, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(times) + "\n")
        await session.say("Sorry, I cannot help with that.")


def _quantile(xs: Sequence[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))]


async def _play(agent: Agent, episodes: int, calls: int, concurrency: int) -> None:
    pool = load_suite("dev")
    jobs = [(pool[i % len(pool)], 0) for i in range(episodes)]
    settings = RunSettings(concurrency=concurrency, timeout_s=None, max_steps=calls + 200)
    kept: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        kept.append(rec)

    await run_episodes(jobs, agent, settings, load_world(), sink=lambda r: sink(r))
    failed = [r.score.agent_error for r in kept if r.score is not None and r.score.agent_error]
    if failed:
        raise RuntimeError(f"the probe failed: {failed[0]}")


def _isolated_probe(out: Path, calls: int) -> Agent:
    """The probe as a plugin, allowed to write its timings beside its private tmp."""
    module, _, attr = PROBE.partition(":")
    options = {"out": str(out), "calls": calls}
    return IsolatedAgent(module, attr, PROBE, options, writable=[out.parent])


def _call_times(out: Path) -> list[float]:
    return [t for line in out.read_text().splitlines() for t in json.loads(line)]


def proxy_bench(episodes: int = 5, calls: int = 1000, trivial: int = 100) -> dict[str, Any]:
    """The proxy's per-call cost and the per-episode cost of a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "calls.jsonl"
        t0 = time.perf_counter()
        isolated = _isolated_probe(out, calls)
        startup = time.perf_counter() - t0
        asyncio.run(_play(isolated, episodes, calls, 1))
        proxied = _call_times(out)
        out.unlink()
        asyncio.run(_play(ProxyProbe(str(out), calls), episodes, calls, 1))
        direct = _call_times(out)
        per_episode: dict[str, dict[str, float]] = {}
        for where, agent in (
            ("isolated", _isolated_probe(out, 0)),
            ("in_process", ProxyProbe(str(out), 0)),
        ):
            asyncio.run(_play(agent, 16, 0, 8))  # warm: imports, the template's first fork
            with TreeCpu() as cpu:
                t0 = time.perf_counter()
                asyncio.run(_play(agent, trivial, 0, 8))
                wall = time.perf_counter() - t0
            per_episode[where] = {
                "wall": round(wall / trivial * 1000, 2),
                "cpu": round(cpu.seconds / trivial * 1000, 2),
            }
    p50, p99 = _quantile(proxied, 0.5) * 1e6, _quantile(proxied, 0.99) * 1e6
    d50 = _quantile(direct, 0.5) * 1e6
    return {
        "calls": len(proxied),
        "proxy_call_us": {"p50": round(p50, 1), "p99": round(p99, 1)},
        "inprocess_call_us": {"p50": round(d50, 1), "p99": round(_quantile(direct, 0.99) * 1e6, 1)},
        "proxy_overhead_us": round(p50 - d50, 1),
        "episode_ms": per_episode,
        "startup_s": round(startup, 2),
        "target_call_us_max": 500.0,
    }
