"""`IsolatedAgent`: the harness's side of a plugin agent that plays out of process.

One template process per `IsolatedAgent` and harness process (started when the agent is
built, so a plugin that cannot be imported or built fails before any episode; started again
in each worker of `--executor process` or `ray`). Per episode the harness makes a socket
pair, hands one end to the template over its control socket (`SCM_RIGHTS`), and the
template forks a process that plays the episode on it. The harness serves the real session
on the other end (`wire.proxy.serve_session`) until the agent returns or raises.

Timeouts and cancellation: the runner's clock stops the episode as for any agent (the
child's `api_wait()` stops that clock too); the harness then has the template kill the
episode's process, which cannot block the harness: it never runs in it. An episode process
that dies without ending the episode is the agent's failure (`PluginExited`).
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import socket
import subprocess
import sys
import warnings
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ticketbench.agents.isolation.landlock import allowed_reads
from ticketbench.agents.llm.presets import ConfigError
from ticketbench.env.world import DATA_ENV, data_root
from ticketbench.protocol import API_WAIT_HOOK, InfraError, Session, api_wait
from ticketbench.wire.proxy import MAX_FRAME, WireError, read_frame, remote_error, serve_session

__all__ = [
    "CHILD_MODULE",
    "WRITABLE_ENV",
    "IsolatedAgent",
    "PluginExited",
    "child_environment",
]

CHILD_MODULE = "ticketbench.agents.isolation.child"
WRITABLE_ENV = "TICKETBENCH_PLUGIN_WRITABLE"
START_TIMEOUT_S = 120.0  # importing a plugin (and its SDKs) on a loaded machine
CONTROL_MAX = 1 << 16  # bytes of one control message


class PluginExited(Exception):
    """The episode's process ended (killed, crashed, `os._exit`) before the episode did."""


def child_environment() -> dict[str, str]:
    """The parent's environment less what points at the harness's data: `TICKETBENCH_*`
    variables and any variable whose value names the data root; `PYTHONPATH` is the
    parent's `sys.path`, so that the child imports the same plugin module; `RES_OPTIONS`
    asks for name lookups over TCP."""
    hidden = [str(p) for p in data_roots()]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith("TICKETBENCH") and not any(h in v for h in hidden)
    }
    # glibc's resolver over TCP: the plugin may open no UDP socket (`seccomp`).
    env["RES_OPTIONS"] = " ".join(filter(None, (env.get("RES_OPTIONS"), "use-vc")))
    paths = [p or os.getcwd() for p in sys.path]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if not any(h in p for h in hidden))
    return env


@dataclass(frozen=True)
class _Launch:
    """What a template is started with: the plugin, its options, and where it may not read
    (beside the data) and may write (beside its private tmp)."""

    module: str
    attr: str
    spec: str
    options: dict[str, Any]
    keep_out: list[Path]
    writable: list[Path]


class _Template:
    """The child process that forks one process per episode (each builds the agent)."""

    def __init__(self, launch: _Launch) -> None:
        module, attr, spec = launch.module, launch.attr, launch.spec
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._ctrl = mine
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", CHILD_MODULE, str(theirs.fileno())],
                env=child_environment(),
                stdin=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
            )
        finally:
            theirs.close()
        hello = {
            "module": module,
            "attr": attr,
            "spec": spec,
            "options": launch.options,
            "readable": [str(p) for p in allowed_reads(module, launch.keep_out)],
            "writable": [str(Path(w).resolve()) for w in launch.writable],
        }
        mine.sendall(json.dumps(hello).encode())
        ready, _, _ = select.select([mine], [], [], START_TIMEOUT_S)
        answer = mine.recv(CONTROL_MAX) if ready else b""
        if not answer:
            self.close()
            why = "did not start in time" if not ready else "exited while starting"
            raise ConfigError(f"agent {spec!r}: the plugin's process {why} (see its stderr)")
        reply = json.loads(answer)
        if "error" in reply:
            self.close()
            raise ConfigError(str(reply["error"]))
        self.info: dict[str, Any] = reply["describe"]
        self.has_for_episode = bool(reply.get("for_episode"))
        self.has_check = bool(reply.get("check"))
        self.confined = str(reply.get("confined", ""))

    def episode(self, op: str = "episode") -> socket.socket:
        """A new episode process (or one running the agent's `check()`: `op="check"`); the
        harness's end of its socket."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(self._ctrl, [json.dumps({"op": op}).encode()], [theirs.fileno()])
        except OSError as err:
            mine.close()
            raise InfraError("other", f"the plugin's process is gone: {err}") from err
        finally:
            theirs.close()
        return mine

    def kill(self, pid: int) -> None:
        """Stop an episode's process (the template kills it only if it is its own)."""
        try:
            self._ctrl.send(json.dumps({"op": "kill", "pid": pid}).encode())
        except OSError:
            return  # the template is gone, and with it its episodes (PDEATHSIG)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Stop the template; its episode processes die with it."""
        self._ctrl.close()  # EOF: the template exits
        try:
            self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def data_roots() -> list[Path]:
    """The harness's data: the installed data and a `--data-root` / `TICKETBENCH_DATA` one."""
    shipped = resources.files("ticketbench") / "data"
    roots = [data_root()] + ([shipped] if isinstance(shipped, Path) else [])
    custom = os.environ.get(DATA_ENV)
    if custom:
        roots.append(Path(custom).resolve())
    return roots


def writable_dirs() -> list[Path]:
    """Directories named by `TICKETBENCH_PLUGIN_WRITABLE` (os.pathsep-separated) that plugins
    may write beside their private tmp, e.g. for logs. Episodes can read each other's files
    there, so a run that sets it is noted in the header's `agent.confined`."""
    raw = os.environ.get(WRITABLE_ENV, "")
    return [Path(p) for p in raw.split(os.pathsep) if p]


class IsolatedAgent:
    """A `module:Class` agent that plays every episode in its own child process.

    `keep_out`: paths its processes must not read, beside the harness's data (the suite's
    folder, the run directories); `writable`: folders they may write beside their private
    tmp, with those of `TICKETBENCH_PLUGIN_WRITABLE`. See `isolation.landlock`."""

    def __init__(
        self,
        module: str,
        attr: str,
        spec: str,
        options: dict[str, Any],
        keep_out: Sequence[Path] = (),
        writable: Sequence[Path] = (),
    ) -> None:
        try:
            json.dumps(options)
        except (TypeError, ValueError) as err:
            raise ConfigError(f"agent {spec!r}: its options must be JSON values ({err})") from None
        self._module, self._attr = module, attr
        kept = [Path(p).resolve() for p in (*data_roots(), *keep_out)]
        self._launch = _Launch(module, attr, spec, options, kept, [*writable, *writable_dirs()])
        self._template: _Template | None = _Template(self._launch)
        self._info = self._template.info
        self._confined = self._template.confined
        weakref.finalize(self, _close, self.__dict__)  # an agent dropped without aclose()
        if self._template.has_for_episode:
            warnings.warn(
                f"agent {spec!r} defines for_episode, which is not called: plugins play out "
                "of process and never get the task (run --privileged to hand it the task; "
                "the run is then marked privileged and not ranked)",
                stacklevel=3,
            )
        self._starting: asyncio.Lock | None = None

    def describe(self) -> dict[str, Any]:
        """The plugin's own `describe()`, its class, and that it plays out of process (these
        three the harness's, whatever the plugin says)."""
        return {
            **self._info,
            "class": f"{self._module}.{self._attr}",
            "isolated": True,
            "confined": self._confined,
        }

    def __getstate__(self) -> dict[str, Any]:  # a worker process starts its own template
        state = dict(self.__dict__)
        state.update(_template=None, _starting=None)
        return state

    async def _ready(self) -> _Template:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            template = self._template
            if template is None or not template.alive:
                if template is not None:
                    template.close()
                self._template = None
                try:
                    template = await asyncio.to_thread(_Template, self._launch)
                except ConfigError as err:  # it worked once: the machine, not the plugin
                    raise InfraError("other", str(err)) from err
                self._template = template
            return template

    async def run(self, session: Session) -> None:
        """Play one episode in a fresh child process, serving it `session`."""
        template = await self._ready()
        sock = template.episode()
        reader, writer = await asyncio.open_unix_connection(sock=sock, limit=MAX_FRAME)
        pid: int | None = None
        over = False
        try:
            first = await read_frame(reader)
            if first is None or first.get("op") != "pid" or not isinstance(first.get("pid"), int):
                raise PluginExited("the agent's process did not start its episode")
            pid = first["pid"]
            hook = API_WAIT_HOOK.get()
            await serve_session(session, reader, writer, hook if hook is not None else api_wait)
            over = True
        except (WireError, ConnectionError) as err:
            raise PluginExited(str(err)) from None
        finally:
            if pid is not None and not over:
                template.kill(pid)
            writer.close()

    async def check(self) -> None:
        """The plugin's own endpoint `check()`, if it has one, run in a fork of the template
        (the runner calls it once before the first episode); raises what it raised."""
        template = await self._ready()
        if not template.has_check:
            return
        reader, writer = await asyncio.open_unix_connection(sock=template.episode("check"))
        try:
            frame = await read_frame(reader)
        except WireError as err:
            raise PluginExited(str(err)) from None
        finally:
            writer.close()
        if frame is None:
            raise PluginExited("the agent's process ended during its check()")
        if frame.get("op") == "raise":
            raise remote_error(frame)

    async def aclose(self) -> None:
        """Stop the template after the last episode."""
        template, self._template = self._template, None
        if template is not None:
            await asyncio.to_thread(template.close)


def _close(state: dict[str, Any]) -> None:
    template = state.get("_template")
    if template is not None:
        template.close()
