"""`python -m ticketbench`: the command line."""

from ticketbench.cli import app

app()
