"""The agent-facing tools of the ticketing env, in one registry: `AGENT_TOOLS`.

Importing this package registers every tool; the import order below is the order in
which tools are listed to agents (search, seats, account, orders, hand-offs).
"""

from __future__ import annotations

from ticketbench.env.tools.registry import AGENT_TOOLS

# isort: off
# Registration order is listing order, so these imports are deliberately unsorted.
from ticketbench.env.tools import search
from ticketbench.env.tools import live_events as events
from ticketbench.env.tools import seats
from ticketbench.env.tools import account
from ticketbench.env.tools import ordering
from ticketbench.env.tools import handoff
# isort: on

__all__ = ["AGENT_TOOLS", "account", "events", "handoff", "ordering", "search", "seats"]
