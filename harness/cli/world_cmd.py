"""`ticketbench world ...`: build and inspect the ticketing world."""

from __future__ import annotations

import typer

app = typer.Typer(help="Build and inspect the ticketing world.", no_args_is_help=True)
