"""ticketbench: a benchmark harness for AI ticketing agents.

Write an agent against the public contract:

    from ticketbench import Session

    class MyAgent:
        async def run(self, session: Session) -> None: ...

and run it with `ticketbench run --agent my_module:MyAgent`.
"""

from ticketbench.protocol import Agent, InfraError, Session, ToolResult, ToolSpec, Usage

__all__ = ["Agent", "InfraError", "Session", "ToolResult", "ToolSpec", "Usage"]
