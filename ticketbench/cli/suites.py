"""The `--suite` option of every command, resolved in one place (`suite.sources`)."""

from __future__ import annotations

import typer
from rich.console import Console

from ticketbench.suite.sources import TaskSource, resolve_suite
from ticketbench.suite.taskfile import TaskFileError

SUITE_HELP = (
    "dev, test, all, a suite folder (`tasks generate --out DIR` writes one) or a task file "
    "(JSON lines, one task a line)."
)


def load_source(ref: str, *, single: bool = False) -> TaskSource:
    """Resolve a `--suite` value; a reference that cannot be used is a one-line error
    and exit status 2."""
    try:
        return resolve_suite(ref, single=single)
    except TaskFileError as err:
        Console(stderr=True).print(f"[red]error:[/red] {err}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
