"""The `ticketbench` command line."""

from __future__ import annotations

import typer

from ticketbench.cli import bench_cmd, board_cmd, run_cmd, tasks_cmd, world_cmd

app = typer.Typer(
    name="ticketbench",
    help="Benchmark AI ticketing agents: navigation vs agency.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(world_cmd.app, name="world")
app.add_typer(bench_cmd.app, name="bench")
app.add_typer(tasks_cmd.app, name="tasks")
app.command("leaderboard")(board_cmd.leaderboard)
app.command("gate")(board_cmd.gate_cmd)
app.add_typer(board_cmd.baseline_app, name="baseline")
app.command("report")(board_cmd.report)
app.command("run")(run_cmd.run)
app.command("verify")(run_cmd.verify)
app.command("regrade")(run_cmd.regrade_cmd)
