"""The agent-facing policy text (`policy.md`, shipped as package data)."""

from __future__ import annotations

from importlib.resources import files

POLICY: str = files("ticketbench.env").joinpath("policy.md").read_text(encoding="utf-8")
