"""`mcp:COMMAND`: an external agent, any program that speaks MCP, played like any agent.

For each episode the runner hands `McpAgent.run` a session; the agent puts it in a slot
served by an `EpisodeServer` on streamable HTTP at 127.0.0.1 (a secret path), starts
COMMAND with the endpoint in its environment, and returns when the episode ends: the
program calls `end_episode`, the user leaves, a limit is reached, or the program exits.
The runner then scores and records it as for any agent; its timeout cancels `run`, which
kills the program (its whole process group).

The program's environment:
- `TICKETBENCH_MCP_URL`: the MCP endpoint (streamable HTTP);
- `TICKETBENCH_MCP_LIFETIME`: `episode` or `run` (below).

Lifetime (`--agent-opt lifetime=episode|run`, recorded in the run header):
- `episode` (default): a fresh process per episode, stopped once the episode is over (after
  `grace_s` to exit by itself);
- `run`: one process per concurrent slot, kept for the whole run; it calls `start_episode`
  again for each next episode (a result with `run_over: true` means there are no more).
  A process that dies is started again for the next episode.

A process that exits with a non-zero code while its episode is live fails the episode with
the tail of its output, and so does one that exits without having reached the episode;
exiting with 0 after that ends the episode as an in-process agent's `run` returning does.
A command that cannot be found stops the run before its first episode.

Trust: nothing of the task reaches the program over the wire, and it is not told where the
data lives (`TICKETBENCH_DATA` is dropped from its environment), but it runs as the user
who started the run: it can read any file that user can, the shipped suite included. For
an evaluation that must hold against a program that looks, run the program in a sandbox
without read access to the suite, or play a held-out suite kept out of its reach.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import signal
from collections import deque
from typing import Any

from ticketbench.agents.llm.presets import ConfigError
from ticketbench.env.world import DATA_ENV
from ticketbench.protocol import AgentError, Session
from ticketbench.wire.http import LocalHttp
from ticketbench.wire.server import EpisodeServer
from ticketbench.wire.slot import EpisodeSlot

__all__ = ["ENV_LIFETIME", "ENV_URL", "LIFETIMES", "McpAgent"]

ENV_URL = "TICKETBENCH_MCP_URL"
ENV_LIFETIME = "TICKETBENCH_MCP_LIFETIME"
LIFETIMES = ("episode", "run")
TAIL_CHARS = 2000  # of the program's output, kept for the error of a failed episode
KILL_WAIT_S = 2.0  # after SIGTERM, before SIGKILL
RUN_OVER = "the run is over: no more episodes"


class McpAgent:
    """Plays each episode through an external MCP client program (see the module doc)."""

    def __init__(self, command: str, lifetime: str = "episode", grace_s: float = 2.0) -> None:
        try:
            argv = shlex.split(command)
        except ValueError as err:
            raise ConfigError(f"agent mcp:{command}: cannot split the command: {err}") from None
        if not argv:
            raise ConfigError("agent mcp:COMMAND needs a command, e.g. mcp:'python my_agent.py'")
        if shutil.which(argv[0]) is None:
            raise ConfigError(f"agent mcp:{command}: command not found: {argv[0]}")
        if lifetime not in LIFETIMES:
            raise ConfigError(f"agent mcp: lifetime must be episode or run, got {lifetime!r}")
        if not grace_s >= 0:
            raise ConfigError(f"agent mcp: grace_s must be >= 0, got {grace_s!r}")
        self.command = command
        self.argv = argv
        self.lifetime = lifetime
        self.grace_s = float(grace_s)
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "external",
            "transport": "mcp/streamable-http",
            "command": self.command,
            "lifetime": self.lifetime,
        }

    def __getstate__(self) -> dict[str, Any]:
        # Travels to worker processes (`--executor process|ray`) without its live workers.
        return {"command": self.command, "lifetime": self.lifetime, "grace_s": self.grace_s}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["command"], state["lifetime"], state["grace_s"])  # type: ignore[misc]

    async def run(self, session: Session) -> None:
        """Serve `session` to the program until the episode ends (see the module doc)."""
        worker = self._idle.pop() if self._idle else None
        if worker is None:
            worker = _Worker(self, session)
            self._all.append(worker)
            await worker.http.start()
        try:
            await worker.play(session)
        finally:
            self._idle.append(worker)

    async def aclose(self) -> None:
        """End every program (told first that the run is over) and stop every server."""
        workers, self._all, self._idle = self._all, [], []
        for w in workers:
            w.slot.close(RUN_OVER)
        await asyncio.gather(*(w.close() for w in workers))


class _Worker:
    """One slot, its server and endpoint, and the program process serving it."""

    def __init__(self, agent: McpAgent, session: Session) -> None:
        self.agent = agent
        self.slot = EpisodeSlot()
        self.server = EpisodeServer(self.slot, tools=session.tools, policy=session.policy)
        self.http = LocalHttp(self.server)
        self.proc: asyncio.subprocess.Process | None = None
        self.tail: deque[str] = deque()
        self._tail_len = 0
        self._drain: asyncio.Task[None] | None = None

    async def play(self, session: Session) -> None:
        agent = self.agent
        proc = self.proc
        if proc is None or proc.returncode is not None:
            proc = await self._spawn()
        playing = asyncio.ensure_future(self.slot.play(session))
        exited = asyncio.ensure_future(proc.wait())
        try:
            await asyncio.wait({playing, exited}, return_when=asyncio.FIRST_COMPLETED)
            if not playing.done():  # the program exited while its episode was live
                self.slot.end()
                await playing
                code = proc.returncode
                if code:
                    raise AgentError(
                        f"the agent process exited with code {code}: {self._tail_text()}"
                    )
                if not self.slot.joined:  # a program that never connected is broken
                    raise AgentError(
                        f"the agent process exited without joining the episode (it sent no "
                        f"request to {ENV_URL}): {self._tail_text()}"
                    )
                return
            playing.result()  # an infrastructure error of the user is the runner's to retry
        except BaseException:
            playing.cancel()
            await self._stop(0.0)  # timed out or failed: the program goes at once
            raise
        finally:
            exited.cancel()
        if agent.lifetime == "episode":
            await self._stop(agent.grace_s)

    async def close(self) -> None:
        await self._stop(self.agent.grace_s)
        await self.http.stop()

    async def _spawn(self) -> asyncio.subprocess.Process:
        env = {k: v for k, v in os.environ.items() if k != DATA_ENV}  # not where the suite is
        env.update({ENV_URL: self.http.url, ENV_LIFETIME: self.agent.lifetime})
        self.tail.clear()
        self._tail_len = 0
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.agent.argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group: a kill takes its children too
            )
        except OSError as err:
            raise AgentError(f"cannot start the agent process: {err}") from None
        self.proc = proc
        assert proc.stdout is not None
        self._drain = asyncio.ensure_future(self._keep_tail(proc.stdout))
        return proc

    async def _keep_tail(self, stream: asyncio.StreamReader) -> None:
        """Read the program's output as it comes (a full pipe would block it), keeping the
        last TAIL_CHARS characters."""
        while chunk := await stream.read(4096):
            text = chunk.decode("utf-8", "replace")
            self.tail.append(text)
            self._tail_len += len(text)
            while self._tail_len - len(self.tail[0]) >= TAIL_CHARS:
                self._tail_len -= len(self.tail.popleft())

    def _tail_text(self) -> str:
        text = "".join(self.tail)[-TAIL_CHARS:].strip()
        return text if text else "(no output)"

    async def _stop(self, grace_s: float) -> None:
        """Let the program exit within `grace_s`, then SIGTERM its group, then SIGKILL."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.returncode is None and grace_s > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), grace_s)
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.wait(), KILL_WAIT_S)
        # whatever is left of its group (children it started) goes too
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        drain, self._drain = self._drain, None
        if drain is not None:  # a grandchild that left the group may hold the pipe open
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(drain, KILL_WAIT_S)
