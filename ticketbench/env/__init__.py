"""The sandboxed ticketing world: its public API.

An episode is a `TicketEnv` over a shared, immutable `World`; agents act through
`AGENT_TOOLS`, the simulated user through `APP_ACTIONS`, and both get structured
`ToolResult`s that never raise.
"""

from __future__ import annotations

from ticketbench.env.app import APP_ACTIONS
from ticketbench.env.policy import POLICY
from ticketbench.env.sheets import payment_sheet
from ticketbench.env.state import LOG_TABLES, PaymentRequest, TicketEnv
from ticketbench.env.toolkit import EnvError, ToolError, ToolRegistry, ToolResult, ToolSpec
from ticketbench.env.tools import AGENT_TOOLS
from ticketbench.env.world import World, WorldData, load_world

__all__ = [
    "AGENT_TOOLS",
    "APP_ACTIONS",
    "LOG_TABLES",
    "POLICY",
    "EnvError",
    "PaymentRequest",
    "TicketEnv",
    "ToolError",
    "ToolRegistry",
    "ToolResult",
    "ToolSpec",
    "World",
    "WorldData",
    "load_world",
    "payment_sheet",
]
