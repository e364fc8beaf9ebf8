"""What the commands print: one-line errors on stderr, run tables on stdout."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ticketbench.cli.progress import console


def print_error(err: object) -> None:
    """One line on stderr, whatever the message holds (no markup, no wrapping)."""
    text = " ".join(str(err).split()) if str(err).count("\n") < 3 else str(err)
    console.print(f"[red]error:[/red] {escape(text)}", soft_wrap=True, highlight=False)


def terminal_table(run_dirs: Sequence[Path]) -> Table:
    """The runs side by side, labelled and formatted as in every other table."""
    from ticketbench.results.board import leaderboard_frame, load_run
    from ticketbench.results.render import to_terminal

    runs = [load_run(d) for d in run_dirs]
    return to_terminal(leaderboard_frame(runs, allow_mixed=True))


def stdout_console() -> Console:
    """A console on stdout; piped or in CI it is wide enough for the tables not to wrap."""
    out = Console()
    return out if out.is_terminal else Console(width=160)
