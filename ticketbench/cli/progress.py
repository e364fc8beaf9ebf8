"""Progress of a run on stderr: a rich bar on a terminal, plain lines elsewhere (CI, a pipe)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ticketbench.results.lifecycle import RunResult
from ticketbench.runner import Progress as RunProgress

__all__ = ["PLAIN_EVERY_S", "console", "with_progress"]

console = Console(stderr=True)
PLAIN_EVERY_S = 10.0  # a plain progress line at most this often (and every 10% of the run)


async def with_progress(label: str, total: int, job: Any) -> RunResult:
    """Run `job(progress_fn)` under a rich progress bar (ETA, successes, tokens, cost), or,
    when stderr is not a terminal (CI, a pipe), with a plain progress line every few
    seconds and every tenth of the run."""
    if not console.is_terminal:
        return await _with_plain_progress(label, total, job)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("ok {task.fields[ok]}  tok {task.fields[tok]}  ${task.fields[cost]:.4f}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tid = bar.add_task(label, total=total, ok=0, tok=0, cost=0.0)

        def update(p: RunProgress) -> None:
            tokens = p.input_tokens + p.output_tokens
            bar.update(tid, completed=p.done, ok=p.successes, tok=tokens, cost=p.cost_usd)

        result: RunResult = await job(update)
        return result


async def _with_plain_progress(label: str, total: int, job: Any) -> RunResult:
    t0 = time.monotonic()
    last = [t0, 0]
    latest: list[RunProgress] = []  # the last progress seen, for the heartbeat
    step = max(1, total // 10)

    def line(p: RunProgress | None) -> str:
        elapsed = time.monotonic() - t0
        if p is None:
            return f"{label}: 0/{total} episodes, {elapsed:.0f} s elapsed"
        eta = (total - p.done) * elapsed / p.done if p.done else 0.0
        return (
            f"{label}: {p.done}/{total} episodes, ok {p.successes}, infra errors "
            f"{p.infra_errors}, tokens {p.input_tokens + p.output_tokens:,}, "
            f"${p.cost_usd:.4f}, {elapsed:.0f} s elapsed, ETA {eta:.0f} s"
        )

    def show(p: RunProgress | None) -> None:
        last[0] = time.monotonic()
        console.print(line(p), highlight=False, soft_wrap=True)

    def update(p: RunProgress) -> None:
        latest[:] = [p]
        if p.done == last[1]:
            return  # several records became durable at once: one line for them
        now = time.monotonic()
        if p.done == total or now - last[0] >= PLAIN_EVERY_S or p.done - last[1] >= step:
            last[1] = p.done
            show(p)

    async def heartbeat() -> None:
        # Long episodes (a slow model) finish rarely: say every few seconds that it runs.
        while True:
            await asyncio.sleep(PLAIN_EVERY_S)
            if time.monotonic() - last[0] >= PLAIN_EVERY_S:
                show(latest[0] if latest else None)

    console.print(f"{label}: {total} episodes to play", highlight=False)
    beat = asyncio.ensure_future(heartbeat())
    try:
        result: RunResult = await job(update)
    finally:
        beat.cancel()
    return result
