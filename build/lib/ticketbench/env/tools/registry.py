"""The one registry of agent tools (a module of its own so tool modules can import it)."""

from __future__ import annotations

from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import ToolRegistry

AGENT_TOOLS: ToolRegistry[TicketEnv] = ToolRegistry()
