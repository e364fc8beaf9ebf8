"""`ticketbench bench wire`: what a tool call costs on the wire.

One episode is served, and a client calls `current_time` (the cheapest tool: ~3 us in the
env) over and over; each call's round trip is timed on the client. Four paths:
- `direct`: `session.call` in process, no MCP (the floor);
- `inproc`: the SDK's in-process client against the `EpisodeServer` (MCP's own cost);
- `stdio`: `ticketbench serve` as a child process, over its stdin/stdout;
- `http`: `ticketbench serve --transport http`, streamable HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from ticketbench.env import AGENT_TOOLS, POLICY
from ticketbench.env.world import load_world
from ticketbench.runner.episode import open_episode
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.wire.server import EpisodeServer
from ticketbench.wire.slot import EpisodeSlot

TASK = "dev-specified-000"
PATHS = ("direct", "inproc", "stdio", "http")
Call = Callable[[], Awaitable[object]]


async def _timed(call: Call, n: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        await call()
    times: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        await call()
        times.append(time.perf_counter() - t0)
    times.sort()
    return {
        "p50_us": round(statistics.median(times) * 1e6, 1),
        "p99_us": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1e6, 1),
        "mean_us": round(statistics.fmean(times) * 1e6, 1),
        "calls_per_s": round(len(times) / sum(times), 1),
    }


def _serve_args(steps: int, out: str) -> list[str]:
    """`ticketbench serve` for the benchmark: one task, enough steps, a throwaway run."""
    return ["-m", "ticketbench", "serve", "--tasks", TASK, "--max-steps", str(steps),
            "--out", str(Path(out) / "run")]  # fmt: skip


async def _over_client(client: Client, n: int, warmup: int) -> dict[str, float]:
    start = await client.call_tool("start_episode", {})
    if start.is_error:
        raise RuntimeError(f"the server served no episode: {start.content}")

    async def call() -> object:
        res = await client.call_tool("current_time", {})
        if res.is_error:
            raise RuntimeError(f"current_time failed over the wire: {res.content}")
        return res

    return await _timed(call, n, warmup)


async def _direct_and_inproc(n: int, warmup: int) -> dict[str, dict[str, float]]:
    task = next(t for t in load_suite("dev") if t.id == TASK)
    settings = RunSettings(max_steps=10 * (n + warmup), max_wall_s=3600)
    world = load_world()
    out: dict[str, dict[str, float]] = {}
    _, session = open_episode(task, 0, settings, world)
    out["direct"] = await _timed(lambda: session.call("current_time", {}), n, warmup)
    slot = EpisodeSlot()
    server = EpisodeServer(slot, tools=AGENT_TOOLS.specs(), policy=POLICY)
    _, session = open_episode(task, 0, settings, world)
    playing = asyncio.ensure_future(slot.play(session))
    try:
        async with Client(server) as client:
            out["inproc"] = await _over_client(client, n, warmup)
    finally:
        slot.end()
        await playing
    return out


async def _stdio(n: int, warmup: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        args = _serve_args(10 * (n + warmup), out)
        with open(os.devnull, "w") as quiet:  # the server's log lines are not the benchmark's
            params = StdioServerParameters(command=sys.executable, args=args)
            async with Client(stdio_client(params, errlog=quiet)) as client:
                return await _over_client(client, n, warmup)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _http(n: int, warmup: int) -> dict[str, float]:
    port = _free_port()
    out = tempfile.mkdtemp()
    proc = subprocess.Popen(
        [sys.executable, *_serve_args(10 * (n + warmup), out), "--transport", "http", "--port",
         str(port)],
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        line = await asyncio.to_thread(proc.stderr.readline)
        if "MCP endpoint" not in line:
            raise RuntimeError(f"ticketbench serve did not start: {line.strip()}")
        async with Client(line.split()[-1]) as client:
            return await _over_client(client, n, warmup)
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(out, ignore_errors=True)


async def _all(n: int, warmup: int, paths: tuple[str, ...]) -> dict[str, Any]:
    result: dict[str, Any] = {"tool": "current_time", "calls": n, "warmup": warmup}
    local = await _direct_and_inproc(n, warmup)
    for name in paths:
        if name in local:
            result[name] = local[name]
        elif name == "stdio":
            result[name] = await _stdio(n, warmup)
        elif name == "http":
            result[name] = await _http(n, warmup)
    return result


def run_bench(n: int = 500, warmup: int = 50, paths: tuple[str, ...] = PATHS) -> dict[str, Any]:
    """Per-call round trips of `current_time` on every path (see the module docstring)."""
    return asyncio.run(_all(n, warmup, paths))


def format_table(result: dict[str, Any]) -> list[str]:
    """The result as aligned text lines."""
    lines = [f"{result['tool']}, {result['calls']} calls after {result['warmup']} warm-up calls"]
    lines.append(f"{'path':<8} {'p50 us':>10} {'p99 us':>10} {'mean us':>10} {'calls/s':>10}")
    for name in PATHS:
        r = result.get(name)
        if r is not None:
            lines.append(
                f"{name:<8} {r['p50_us']:>10} {r['p99_us']:>10} {r['mean_us']:>10} "
                f"{r['calls_per_s']:>10}"
            )
    return lines
