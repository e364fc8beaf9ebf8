"""`ticketbench bench run`: throughput and concurrency benchmark of the episode loop."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def bench_run(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    suite: Annotated[str, typer.Option("--suite", help="Split for the oracle pass.")] = "test",
    latency: Annotated[float, typer.Option("--latency", help="Fake model latency (s).")] = 0.2,
) -> None:
    """Oracle episodes/s and harness overhead per episode over a split, and concurrency
    efficiency against a fake 200 ms model at 1, 16, 64 and 256 concurrent episodes."""
    from ticketbench.bench.episodes import run_all

    result = run_all("dev" if suite == "dev" else "test", latency_s=latency)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"oracle: {result['episodes']} episodes in {result['wall_s']} s "
        f"({result['episodes_per_s']} episodes/s; {result['ms_per_episode']} ms each, "
        f"env {result['env_ms_per_episode']} ms, overhead {result['overhead_ms_per_episode']} ms)"
    )
    for c, eff in result["concurrency_efficiency"].items():
        rate = result["concurrency_episodes_per_s"][c]
        typer.echo(f"concurrency {c:>4}: {rate} episodes/s, efficiency {eff}")
