"""`ticketbench world ...`: build and inspect the ticketing world."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ticketbench.env.builder.world import DEFAULT_SEED, build_world, check_world, write_world
from ticketbench.env.world import World, load_world, world_path

app = typer.Typer(help="Build and inspect the ticketing world.", no_args_is_help=True)

SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed of the builder.")]


@app.command("build")
def build_cmd(
    seed: SeedOpt = DEFAULT_SEED,
    scale: Annotated[
        int, typer.Option("--scale", min=1, help="Multiply cinemas, halls, showtimes, users.")
    ] = 1,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: the committed world).")
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 unless a fresh build equals the --out file."
        ),
    ] = False,
) -> None:
    """Build the world deterministically and write it as gzip'd canonical JSON."""
    if check:
        problem = check_world(out, seed=seed)
        if problem is not None:
            typer.echo(f"world differs from a fresh build: {problem}", err=True)
            raise typer.Exit(code=1)
        typer.echo(f"{out or world_path()} matches a fresh build (seed {seed})")
        return
    started = time.perf_counter()
    data = build_world(seed=seed, scale=scale)
    path = write_world(data, out)
    counts = World(data).counts()
    took = time.perf_counter() - started
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    typer.echo(f"wrote {path} ({path.stat().st_size:,} bytes) in {took:.1f}s: {summary}")


@app.command("stats")
def stats_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    scale: Annotated[
        int | None,
        typer.Option("--scale", min=1, help="Build this scale in memory instead of loading."),
    ] = None,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    """Print entity counts of the committed world (or of a fresh build with --scale)."""
    world = load_world() if scale is None else World(build_world(seed=seed, scale=scale))
    counts = world.counts()
    if as_json:
        typer.echo(json.dumps(counts, sort_keys=True))
        return
    source = str(world_path()) if scale is None else f"fresh build, seed {seed}, scale {scale}"
    table = Table(title=f"world {world.version}", caption=source)
    table.add_column("entity")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key, f"{value:,}")
    Console().print(table)
