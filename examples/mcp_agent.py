"""An external agent: a plain script that plays ticketbench episodes over MCP.

    ticketbench run --agent mcp:"python examples/mcp_agent.py" --tasks dev-specified-000
    ticketbench run --agent mcp:"python examples/mcp_agent.py" --agent-opt lifetime=run

It imports nothing of ticketbench: only the `mcp` SDK's client. The harness starts it with
the episode's endpoint in `TICKETBENCH_MCP_URL` (streamable HTTP) and the lifetime in
`TICKETBENCH_MCP_LIFETIME` (`episode`: this process plays one episode; `run`: it plays one
after another until `start_episode` says the run is over).

Its strategy is deliberately simple (a protocol example, not a contender): look the user
up, check the clock, tell the user in their language that it cannot complete the request,
and end the episode. It scores like the built-in `noop` baseline, with two tool calls.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from typing import Any

from mcp import Client

CJK = re.compile(r"[\u3400-\u9fff]")


def text_of(result: Any) -> str:
    return "".join(getattr(c, "text", "") for c in result.content)


async def play_one(client: Client) -> bool:
    """Play the next episode; False once the server says there are no more."""
    start = await client.call_tool("start_episode", {})
    info = start.structured_content or {}
    if start.is_error or not isinstance(info.get("opening"), str):
        print(f"no episode: {text_of(start)}", file=sys.stderr)
        return not info.get("run_over")
    opening: str = info["opening"]
    print(f"episode {info.get('episode')}: {opening[:60]!r}", file=sys.stderr)
    await client.call_tool("get_user_profile", {})
    await client.call_tool("current_time", {})
    if CJK.search(opening):
        message = "抱歉，我无法帮您处理这个请求。"
    else:
        message = "Sorry, I can't help with that."
    said = await client.call_tool("talk_to_user", {"message": message})
    if not (said.structured_content or {}).get("episode_over"):
        await client.call_tool("end_episode", {})
    return True


async def main() -> int:
    url = os.environ.get("TICKETBENCH_MCP_URL")
    if not url:
        print("TICKETBENCH_MCP_URL is not set: run me with ticketbench run --agent mcp:...")
        return 2
    per_run = os.environ.get("TICKETBENCH_MCP_LIFETIME") == "run"
    async with Client(url) as client:
        while await play_one(client) and per_run:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
