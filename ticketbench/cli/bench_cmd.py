"""`ticketbench bench ...`: micro-benchmarks of the harness itself."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="Micro-benchmarks of the harness (env tool latency, reset cost).")


@app.callback()
def _group() -> None:
    """Micro-benchmarks of the harness."""


@app.command("env")
def env_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    calls: Annotated[int, typer.Option("--calls", min=10, help="Calls per tool.")] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the argument mix.")] = 0,
) -> None:
    """Per-tool p50/p99 latency (us) over realistic arguments, and episode reset cost at the
    committed world and at a 10x world."""
    from ticketbench.bench.env import format_table, run_bench  # heavy: loads and builds worlds

    result = run_bench(n=calls, seed=seed)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for line in format_table(result):
        typer.echo(line)
    slow = result["tools_over_50us_p50"]
    typer.echo(f"tools over 50 us p50: {', '.join(slow) if slow else 'none'}")
