"""The plugin's process: `python -m ticketbench.agents.isolation.child FD`.

FD is a control socket (`SOCK_SEQPACKET`) to the harness. The process is a *template*: it
reads the plugin's spec and options and then runs none of the plugin's code itself. A fork
of it imports and builds the agent once, answers with its `describe()` (or the error) and
exits. For each episode the harness sends a socket; the template forks a process that
imports and builds the agent afresh and plays that one episode through a `SessionProxy` on
it (the agent's endpoint `check()`, before a run, is played the same way). Since nothing of
the plugin ever ran in the template, no episode inherits anything another saw or left: no
state on the agent, no shared memory or descriptor it opened, no handler or hook it set.
The template kills an episode's process when asked (only its own children, not yet reaped,
so a pid is never mistaken) and exits when the harness closes the control socket; episode
processes die with it (`PR_SET_PDEATHSIG`).
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from ticketbench.agents.isolation.landlock import confine
from ticketbench.agents.isolation.seccomp import deny_meeting_points
from ticketbench.agents.registry import ConfigError, build_plugin
from ticketbench.protocol import API_WAIT_HOOK, Agent
from ticketbench.wire.proxy import (
    MAX_FRAME,
    SessionProxy,
    encode,
    raised_frame,
    read_frame,
)

CONTROL_MAX = 1 << 16
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """SIGKILL this process when its parent exits (Linux; elsewhere a closed socket ends it)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the setting took
        os._exit(1)


class _Confinement:
    """Where the plugin's processes may read (what the harness allows: `allowed_reads`) and
    write: a private temporary directory, one per episode beneath the template's, and any
    folder the operator made writable."""

    def __init__(self, readable: list[str], writable: list[str]) -> None:
        self.readable = [Path(r) for r in readable]
        self.extra_writable = [Path(w) for w in writable]
        self.tmp = self._private_tmp(None)

    @staticmethod
    def _private_tmp(under: Path | None) -> Path:
        if under is None:
            tmp = Path(tempfile.mkdtemp(prefix="ticketbench-plugin-"))
        else:
            tmp = under / f"episode-{os.getpid()}"
            tmp.mkdir(mode=0o700)
        os.environ["TMPDIR"] = tempfile.tempdir = str(tmp)
        return tmp

    def episode_tmp(self, pid: int) -> Path:
        """The private tmp of the template's episode process `pid`."""
        return self.tmp / f"episode-{pid}"

    def enter(self, episode: bool) -> str:
        """The template's domain, or (`episode`) an episode's, nested in the template's."""
        tmp = self._private_tmp(self.tmp) if episode else self.tmp
        try:
            done = confine(self.readable, [tmp, *self.extra_writable])
        except OSError as err:
            return f"none ({err})"
        if self.extra_writable and done.startswith("landlock"):
            shared = ", ".join(str(w) for w in self.extra_writable)
            done += f" and in {shared} (shared by the episodes)"
        if not episode:  # inherited by every episode's fork
            done += "; " + deny_meeting_points()
        return done


def _build(ctrl: socket.socket, hello: dict[str, Any], confined: str) -> bool:
    """Build the agent and answer the harness: its `describe()`, or why it cannot be built;
    whether it was built."""
    try:
        agent = _agent(hello)
    except ConfigError as err:
        ctrl.send(json.dumps({"error": str(err)}).encode())
        return False
    except Exception as err:  # the plugin's own failure, reported as the agent's ConfigError
        detail = (
            f"agent {hello['spec']!r}: building it raised "
            + "".join(traceback.format_exception_only(err)).strip()
        )
        ctrl.send(json.dumps({"error": detail}).encode())
        return False
    describe = getattr(agent, "describe", None)
    info = describe() if callable(describe) else None
    reply = {
        "describe": info if isinstance(info, dict) else {},
        "for_episode": hasattr(agent, "for_episode"),
        "check": callable(getattr(agent, "check", None)),
        "confined": confined,
    }
    ctrl.send(json.dumps(reply, default=str).encode())
    return True


def _serve(ctrl: socket.socket, hello: dict[str, Any], confinement: _Confinement) -> None:
    """The template's loop: fork an episode per socket received, kill on request."""
    children: set[int] = set()
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctrl, CONTROL_MAX, 1)
        except OSError:
            return
        if not msg:
            return  # the harness is done (or gone)
        for pid in list(children):
            if os.waitpid(pid, os.WNOHANG)[0]:
                children.discard(pid)
                shutil.rmtree(confinement.episode_tmp(pid), ignore_errors=True)  # its files
        order: dict[str, Any] = json.loads(msg)
        if order.get("op") in ("episode", "check") and fds:
            play = _episode if order["op"] == "episode" else _check
            pid = os.fork()
            if pid == 0:  # the episode's process
                code = 1
                try:
                    ctrl.close()  # it must not see other episodes' sockets
                    _die_with_parent()
                    confinement.enter(episode=True)  # nothing of other episodes: memory, files
                    asyncio.run(play(fds[0], hello))
                    code = 0
                finally:
                    os._exit(code)
            children.add(pid)
        elif order.get("op") == "kill" and order.get("pid") in children:
            os.kill(int(order["pid"]), signal.SIGKILL)
        for fd in fds:
            os.close(fd)


def _agent(hello: dict[str, Any]) -> Agent:
    """The agent, imported and built in this episode's process."""
    return build_plugin(hello["module"], hello["attr"], hello["spec"], hello["options"])


async def _episode(fd: int, hello: dict[str, Any]) -> None:
    """Build the agent and play one episode through the proxy; report how the agent ended."""
    reader, writer = await asyncio.open_unix_connection(
        sock=socket.socket(fileno=fd), limit=MAX_FRAME
    )
    writer.write(encode({"op": "pid", "pid": os.getpid()}))
    start = await read_frame(reader)
    if start is None:
        return
    proxy = SessionProxy(reader, writer, start)
    API_WAIT_HOOK.set(proxy.api_wait)
    agent: Agent | None = None
    try:
        agent = _agent(hello)
        await agent.run(proxy)
    except BaseException as err:  # every way an agent can end is reported, as in process
        writer.write(encode(raised_frame(err)))
    else:
        writer.write(encode({"op": "end"}))
    try:
        await writer.drain()
    except ConnectionError:
        return  # the harness stopped the episode meanwhile
    aclose = getattr(agent, "aclose", None)
    if aclose is not None:
        await aclose()  # this episode's copy of the agent's clients
    writer.close()


async def _check(fd: int, hello: dict[str, Any]) -> None:
    """Run the agent's endpoint `check()` (in a fork, like an episode); report how it ended."""
    _reader, writer = await asyncio.open_unix_connection(sock=socket.socket(fileno=fd))
    try:
        check = getattr(_agent(hello), "check", None)
        if check is not None:
            await check()
    except BaseException as err:  # reported as the harness would see it in process
        writer.write(encode(raised_frame(err)))
    else:
        writer.write(encode({"op": "end"}))
    await writer.drain()
    writer.close()


def _probe(ctrl: socket.socket, hello: dict[str, Any], confinement: _Confinement) -> bool:
    """Build the agent once in a fork, which answers the harness (its `describe()`, or why it
    cannot be built); whether it was built."""
    confined = confinement.enter(episode=False)  # the template's domain, before any fork
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            confinement.enter(episode=True)
            code = 0 if _build(ctrl, hello, confined) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    shutil.rmtree(confinement.episode_tmp(pid), ignore_errors=True)
    return os.waitstatus_to_exitcode(status) == 0


def main(argv: list[str]) -> None:
    """Entry point: argv[1] is the control socket's descriptor."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the harness's to handle
    ctrl = socket.socket(fileno=int(argv[1]))
    _die_with_parent()
    hello: dict[str, Any] = json.loads(ctrl.recv(CONTROL_MAX))
    confinement = _Confinement(hello.pop("readable"), hello.pop("writable"))
    try:
        if _probe(ctrl, hello, confinement):
            _serve(ctrl, hello, confinement)
    finally:
        shutil.rmtree(confinement.tmp, ignore_errors=True)  # every episode's tmp with it


if __name__ == "__main__":
    main(sys.argv)
