"""The `ticketbench` command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ticketbench.cli import (
    attacks_cmd,
    bench_cmd,
    results_cmd,
    run_cmd,
    serve_cmd,
    tasks_cmd,
    users_cmd,
    verify_cmd,
    world_cmd,
)
from ticketbench.env.world import DATA_ENV

app = typer.Typer(
    name="ticketbench",
    help="Benchmark AI ticketing agents: navigation vs agency.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main(
    data_root: Annotated[
        Path | None,
        typer.Option(
            "--data-root",
            help=f"Folder with world/ and suite/ to use instead of the shipped data ({DATA_ENV}).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Benchmark AI ticketing agents: navigation vs agency."""
    if data_root is not None:
        os.environ[DATA_ENV] = str(data_root.resolve())


app.add_typer(world_cmd.app, name="world")
app.add_typer(bench_cmd.app, name="bench")
app.add_typer(tasks_cmd.app, name="tasks")
app.add_typer(users_cmd.app, name="users")
app.command("leaderboard")(results_cmd.leaderboard)
app.command("gate")(results_cmd.gate_cmd)
app.add_typer(results_cmd.baseline_app, name="baseline")
app.command("report")(results_cmd.report)
app.command("run")(run_cmd.run)
app.command("verify")(verify_cmd.verify)
app.command("attacks")(attacks_cmd.attacks)
app.command("regrade")(run_cmd.regrade_cmd)
app.command("serve")(serve_cmd.serve)
