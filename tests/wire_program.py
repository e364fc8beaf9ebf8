"""An external agent program for the `mcp:COMMAND` tests, steered by its environment.

WIRE_MODE (default `noop`):
- `noop`: the built-in noop agent, played through `RemoteSession` (scores as `noop`);
- `crash`: prints a line and exits with code 3 once the episode started;
- `hang`: joins the episode and sleeps (the run's timeout must kill it);
- `quit`: joins the episode and exits 0 without a word;
- `silent`: exits 0 at once, never connecting.
WIRE_PIDS: a file the program appends a line to per episode it joins: its pid, and whether
it was told where the data lives (TICKETBENCH_DATA).
"""

from __future__ import annotations

import asyncio
import os
import sys

from mcp import Client

from ticketbench.agents.noop import NoopAgent
from ticketbench.wire.remote import RemoteSession
from ticketbench.wire.slot import NoEpisode


async def main() -> int:
    mode = os.environ.get("WIRE_MODE", "noop")
    pids = os.environ.get("WIRE_PIDS")
    per_run = os.environ["TICKETBENCH_MCP_LIFETIME"] == "run"
    if mode == "silent":
        print("wire_program: nothing to do", flush=True)
        return 0
    async with Client(os.environ["TICKETBENCH_MCP_URL"]) as client:
        while True:
            try:
                session = await RemoteSession.join(client)
            except NoEpisode:
                return 0
            if pids:
                with open(pids, "a", encoding="utf-8") as f:
                    f.write(f"{os.getpid()} {int('TICKETBENCH_DATA' in os.environ)}\n")
            if mode == "crash":
                print("wire_program: something broke", file=sys.stderr, flush=True)
                return 3
            if mode == "hang":
                await asyncio.sleep(3600)
            if mode == "quit":
                return 0
            await NoopAgent().run(session)
            await session.finish()
            if not per_run:
                return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
