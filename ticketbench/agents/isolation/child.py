"""The plugin's process: `python -m ticketbench.agents.isolation.child FD`.

FD is a control socket (`SOCK_SEQPACKET`) to the harness. The process is a *template*: it
reads the plugin's spec and options, imports and builds the agent once (answering with its
`describe()` or the error), and then waits. For each episode the harness sends a socket;
the template forks a process that plays that one episode through a `SessionProxy` on it and
exits (the agent's endpoint `check()`, before a run, is played the same way). The template
never plays: every episode starts from the agent as built, and nothing one episode saw
reaches the next. The template kills an episode's process when asked (only
its own children, not yet reaped, so a pid is never mistaken) and exits when the harness
closes the control socket; episode processes die with it (`PR_SET_PDEATHSIG`).
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import json
import os
import signal
import socket
import sys
import traceback
from typing import Any

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


# Landlock (Linux >= 5.13): the syscall numbers are the same on every architecture.
_LANDLOCK_CREATE_RULESET = 444
_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_ACCESS_FS_MAKE_CHAR = 1 << 6
_ACCESS_FS_MAKE_BLOCK = 1 << 11
_PR_SET_NO_NEW_PRIVS = 38


def _confine() -> str:
    """Put this process in a Landlock domain of its own, nested in its parent's.

    A process in a domain cannot ptrace, nor read the memory (`/proc/PID/mem`,
    `process_vm_readv`) of, a process outside it: not the harness, not another episode's
    process, even as root. The ruleset itself only forbids creating device files, which no
    agent needs. Returns what was done, for the run header."""
    if not sys.platform.startswith("linux"):
        return "none (not Linux)"
    libc = ctypes.CDLL(None, use_errno=True)
    abi = libc.syscall(_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                       _LANDLOCK_CREATE_RULESET_VERSION)  # fmt: skip
    if abi < 1:
        return "none (this kernel has no Landlock)"
    handled = ctypes.c_uint64(_ACCESS_FS_MAKE_CHAR | _ACCESS_FS_MAKE_BLOCK)
    ruleset = libc.syscall(_LANDLOCK_CREATE_RULESET, ctypes.byref(handled),
                           ctypes.c_size_t(ctypes.sizeof(handled)), 0)  # fmt: skip
    if ruleset < 0:
        return f"none (landlock_create_ruleset: errno {ctypes.get_errno()})"
    try:
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return f"none (no_new_privs: errno {ctypes.get_errno()})"
        if libc.syscall(_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            return f"none (landlock_restrict_self: errno {ctypes.get_errno()})"
    finally:
        os.close(ruleset)
    return f"landlock (ABI {abi})"


def _build(ctrl: socket.socket, confined: str) -> Agent | None:
    hello = json.loads(ctrl.recv(CONTROL_MAX))
    try:
        agent = build_plugin(hello["module"], hello["attr"], hello["spec"], hello["options"])
    except ConfigError as err:
        ctrl.send(json.dumps({"error": str(err)}).encode())
        return None
    except Exception as err:  # the plugin's own failure, reported as the agent's ConfigError
        detail = (
            f"agent {hello['spec']!r}: building it raised "
            + "".join(traceback.format_exception_only(err)).strip()
        )
        ctrl.send(json.dumps({"error": detail}).encode())
        return None
    describe = getattr(agent, "describe", None)
    info = describe() if callable(describe) else None
    reply = {
        "describe": info if isinstance(info, dict) else {},
        "for_episode": hasattr(agent, "for_episode"),
        "check": callable(getattr(agent, "check", None)),
        "confined": confined,
    }
    ctrl.send(json.dumps(reply, default=str).encode())
    return agent


def _serve(ctrl: socket.socket, agent: Agent) -> None:
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
        order: dict[str, Any] = json.loads(msg)
        if order.get("op") in ("episode", "check") and fds:
            play = _episode if order["op"] == "episode" else _check
            pid = os.fork()
            if pid == 0:  # the episode's process
                code = 1
                try:
                    ctrl.close()  # it must not see other episodes' sockets
                    _die_with_parent()
                    _confine()  # a domain of its own: no reading other episodes' memory
                    asyncio.run(play(fds[0], agent))
                    code = 0
                finally:
                    os._exit(code)
            children.add(pid)
        elif order.get("op") == "kill" and order.get("pid") in children:
            os.kill(int(order["pid"]), signal.SIGKILL)
        for fd in fds:
            os.close(fd)


async def _episode(fd: int, agent: Agent) -> None:
    """Play one episode through the proxy; report how the agent ended."""
    reader, writer = await asyncio.open_unix_connection(
        sock=socket.socket(fileno=fd), limit=MAX_FRAME
    )
    writer.write(encode({"op": "pid", "pid": os.getpid()}))
    start = await read_frame(reader)
    if start is None:
        return
    proxy = SessionProxy(reader, writer, start)
    API_WAIT_HOOK.set(proxy.api_wait)
    try:
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


async def _check(fd: int, agent: Agent) -> None:
    """Run the agent's endpoint `check()` (in a fork, like an episode); report how it ended."""
    _reader, writer = await asyncio.open_unix_connection(sock=socket.socket(fileno=fd))
    check = getattr(agent, "check", None)
    try:
        if check is not None:
            await check()
    except BaseException as err:  # reported as the harness would see it in process
        writer.write(encode(raised_frame(err)))
    else:
        writer.write(encode({"op": "end"}))
    await writer.drain()
    writer.close()


def main(argv: list[str]) -> None:
    """Entry point: argv[1] is the control socket's descriptor."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the harness's to handle
    ctrl = socket.socket(fileno=int(argv[1]))
    _die_with_parent()
    confined = _confine()  # before any of the plugin's code runs
    agent = _build(ctrl, confined)
    if agent is not None:
        # Everything built so far is shared with the episode forks: keep the GC from touching
        # it (and so copying its pages) in every fork.
        gc.collect()
        gc.freeze()
        _serve(ctrl, agent)


if __name__ == "__main__":
    main(sys.argv)
