"""The one registry of agent tools (a module of its own so tool modules can import it)."""

from __future__ import annotations

from harness.env.state import TicketEnv
from harness.env.toolkit import ToolRegistry

AGENT_TOOLS: ToolRegistry[TicketEnv] = ToolRegistry()
