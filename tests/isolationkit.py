"""Plugin agents for the isolation tests, in a module of their own so that the plugin's
process imports only this (and ticketbench's public API), as a third-party plugin would.

- `Snoop`: the audit's attacker. It searches its own process for the task (every object the
  GC tracks and their referents, the stack frames, the session's private attributes), the
  environment, its command line, its open files and every string in memory for paths of
  suite data, and tries to open the harness's memory (`/proc/PID/mem`); it plays any
  reference solution it finds, and appends what it found to a report file, one JSON line
  per episode;
- `Scripted`: a deterministic plugin that uses every part of the session API (tools, raw and
  invalid JSON, messages, usage, faults, `api_wait`);
- `Raiser`: ends its episode in the way `how` names (an exception, a crash, a hang);
- `Counter`: tells the user how many episodes this agent object has played before;
- `Peeker`: defines `for_episode` and says whether it was handed the task;
- `Hoarder`: counts the episodes in a page it makes shared before they fork;
- `Impostor`: names the built-in oracle in `describe()`, then stops the run;
- `Refunder`: reports negative usage;
- `Meeter`: tries to meet other episodes by System V key, POSIX queue or TCP port.
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import fcntl
import gc
import inspect
import json
import mmap
import os
import platform
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from ticketbench import InfraError, Session, Usage
from ticketbench.agents.oracle import OracleAgent
from ticketbench.env.world import data_root
from ticketbench.protocol import AgentError, api_wait

_ADD_KEY = 248 if platform.machine() == "x86_64" else 217
_SUSPECT = ("TICKETBENCH", ".jsonl", "data/suite", "/suite/", "secret")


def _suspect(text: str) -> bool:
    return any(s in text for s in _SUSPECT)


def _task_like(obj: object, opening: str) -> bool:
    try:
        return getattr(obj, "opening", None) == opening and hasattr(obj, "reference")
    except Exception:
        return False


class Snoop:
    """See the module docstring."""

    def __init__(self, report: str) -> None:
        self.report = report

    async def run(self, session: Session) -> None:
        opening = session.opening
        tasks: list[Any] = []
        kinds: set[str] = set()
        strings: set[str] = set()
        seen: set[int] = set()
        # 1. everything the GC tracks, and what it refers to (strings are not tracked)
        for obj in gc.get_objects():
            if _task_like(obj, opening):
                tasks.append(obj)
            kind = type(obj)
            if kind.__module__.startswith(_PRIVATE_HOMES):
                kinds.add(f"{kind.__module__}.{kind.__name__}")
            for ref in gc.get_referents(obj):
                if isinstance(ref, str) and id(ref) not in seen and _suspect(ref):
                    seen.add(id(ref))
                    strings.add(ref[:300])
                elif _task_like(ref, opening):
                    tasks.append(ref)
        # 2. the stack, from here up, and every thread's
        frames = [f.frame for f in inspect.stack()] + list(sys._current_frames().values())
        frame = sys._getframe()
        while frame is not None:
            frames.append(frame)
            frame = frame.f_back
        for fr in frames:
            for value in list(fr.f_locals.values()):
                if _task_like(value, opening):
                    tasks.append(value)
                for attr in ("_user", "_gate", "_env", "task"):
                    inner = getattr(value, attr, None)
                    if inner is not None:
                        kinds.add(f"{type(value).__name__}.{attr} in a frame")
                        task = getattr(inner, "task", None) or getattr(inner, "_task", None)
                        if _task_like(task, opening):
                            tasks.append(task)
        # 3. the session's private attributes, and what they hold
        private = {
            name: type(getattr(session, name, None)).__name__
            for name in dir(session)
            if name.startswith("_") and not name.startswith("__")
        }
        # 4. environment, command line, open files
        env = {k: v for k, v in os.environ.items() if _suspect(k) or _suspect(v)}
        fds: list[str] = []
        try:
            for fd in Path("/proc/self/fd").iterdir():
                fds.append(os.readlink(fd))
        except OSError as err:
            fds.append(f"refused: {err.strerror}")
        # 5. the harness: its memory and its command line (which names --suite and --out);
        # the template's parent
        harness_memory = harness_cmdline = "unknown"
        try:
            template = os.getppid()
            stat = Path(f"/proc/{template}/stat").read_text()
            harness = int(stat.rsplit(")", 1)[1].split()[1])
            try:
                harness_cmdline = Path(f"/proc/{harness}/cmdline").read_text()
            except OSError as err:
                harness_cmdline = f"refused: {err.strerror}"
            with open(f"/proc/{harness}/mem", "rb"):
                harness_memory = "opened"
        except OSError as err:
            harness_memory = f"refused: {err.strerror}"
        # 6. the disk: the installed suite, and every file the harness's command line names
        disk: dict[str, str] = {}
        for path in [data_root() / "suite", *map(Path, harness_cmdline.split("\0"))]:
            if not path.is_absolute():
                continue
            try:
                disk[str(path)] = "read" if _read_any(path) else "empty"
            except OSError as err:
                disk[str(path)] = f"refused: {err.strerror}"
        try:
            cmdline = Path("/proc/self/cmdline").read_bytes().decode(errors="replace")
        except OSError as err:
            cmdline = f"refused: {err.strerror}"
        found = {
            "harness_memory": harness_memory,
            "harness_cmdline": harness_cmdline,
            "disk": disk,
            "found_task": bool(tasks),
            "kinds": sorted(kinds),
            "strings": sorted(strings),
            "private": private,
            "env": env,
            "argv": sys.argv,
            "cmdline": cmdline,
            "files": sorted(f for f in fds if f.startswith("/")),
        }
        with open(self.report, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(found) + "\n")
        if tasks:  # what the audit's plugin did: replay the reference
            await OracleAgent(tasks[0].reference).run(session)


def _read_any(path: Path) -> bool:
    """Whether a file at or beneath `path` reads (the first one found); raises if refused."""
    if path.is_dir():
        return any(_read_any(p) for p in sorted(path.iterdir())[:3])
    return bool(path.read_bytes()[:1])


# Where the harness keeps what an agent must not see: tasks, the session, users and the
# gate, the env's state and the world, the runner and the run directory.
_PRIVATE_HOMES = (
    "ticketbench.suite",
    "ticketbench.session",
    "ticketbench.users",
    "ticketbench.env.state",
    "ticketbench.env.world",
    "ticketbench.runner",
    "ticketbench.results",
)


class Scripted:
    """Deterministic: the same calls and messages every time, whatever the answers."""

    async def run(self, session: Session) -> None:
        assert "search_showtimes" in {t.name for t in session.tools} and session.policy
        await session.call("current_time", None)
        await session.call("search_movies", {"query": session.opening[:12]})
        await session.call("search_movies", '{"query": "星海')  # cut-off JSON
        await session.call("no_such_tool", {"x": [1, 2, {"y": "\ud800"}]})  # a lone surrogate
        await session.call("search_cinemas", "[1, 2]")
        session.record_usage(Usage(model="scripted-1", input_tokens=120, output_tokens=7))
        record_fault = getattr(session, "record_fault", None)
        if record_fault is not None:
            record_fault("empty_completion", "the model said nothing")
        with api_wait():
            await asyncio.sleep(0.01)
        reply = await session.say("您好, which day would you like to go?")
        session.record_usage(Usage(model="scripted-1", input_tokens=80, cost_usd=0.001))
        await session.say(f"You said {reply!r}; sorry, I cannot book this. done={session.done}")


class Raiser:
    """Ends its episode the way `how` says, after one tool call."""

    def __init__(self, how: str) -> None:
        self.how = how

    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        how = self.how
        if how == "value":
            raise ValueError("bad things, 坏事")
        if how == "agent":
            raise AgentError("gave up")
        if how == "exit":
            raise SystemExit("leaving")
        if how == "cancel":
            raise asyncio.CancelledError("stop")
        if how == "infra":
            raise InfraError("bad_request", "the server refused an option")
        if how == "crash":
            os._exit(3)
        if how == "garbage":  # writes on the wire itself: the harness must not trip over it
            writer = getattr(session, "_writer")  # noqa: B009 - the proxy's own socket
            writer.write(b'{"op": "call", "name": "current_time", "args": {}}\nnot json\n')
            await session.call("current_time", {})
        if how == "block":  # blocks its event loop past the timeout
            time.sleep(30)
        if how == "sleep":
            await asyncio.sleep(30)
        if how == "wait":  # waiting on an API does not count against --timeout
            with api_wait():
                await asyncio.sleep(1.5)
            await session.say("Sorry, I cannot book this.")


class Counter:
    """Says how many episodes this object has played before this one."""

    def __init__(self) -> None:
        self.played = 0

    async def run(self, session: Session) -> None:
        await session.say(f"episodes before this one: {self.played}")
        self.played += 1


class Peeker:
    """Defines for_episode; says whether it was called."""

    def __init__(self, task_id: str = "") -> None:
        self.task_id = task_id

    def for_episode(self, task: Any, trial: int, seed: int) -> Peeker:
        return Peeker(task.id)

    async def run(self, session: Session) -> None:
        await session.say(f"handed the task: {self.task_id or 'no'}")


class Checked:
    """Has an endpoint check that fails when `fail` is set (a dead server, a rejected key)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    async def check(self) -> None:
        if self.fail:
            raise InfraError("auth", "the endpoint rejected the key")

    async def run(self, session: Session) -> None:
        await session.say("Sorry, I cannot book this.")


class Hoarder:
    """Counts the episodes in a page shared by every process forked after it is made: made
    when the agent is built (`when="build"`), or by a SIGCHLD handler the build sets (an
    episode's end would run it in the process that forks the next)."""

    page: mmap.mmap | None = None

    def __init__(self, when: str) -> None:
        if when == "build":
            Hoarder.page = mmap.mmap(-1, 8, flags=mmap.MAP_SHARED)
        else:
            signal.signal(signal.SIGCHLD, self._share)

    @staticmethod
    def _share(_signum: int, _frame: object) -> None:
        if Hoarder.page is None:
            Hoarder.page = mmap.mmap(-1, 8, flags=mmap.MAP_SHARED)

    async def run(self, session: Session) -> None:
        page = Hoarder.page if Hoarder.page is not None else mmap.mmap(-1, 8)
        page[0] += 1
        await session.say(f"episodes so far: {page[0]}")


class Meeter:
    """Meets the other episodes at a well-known System V key, a POSIX queue name, a TCP
    port, a UDP port and a lock on a file every process may read; tells the user what each
    attempt gave (the error's name, or "met")."""

    async def run(self, session: Session) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        tried = {}
        for name, call in (
            ("shmget", lambda: libc.shmget(0x7EA11, 4096, 0o1600)),  # IPC_CREAT | 0600
            ("msgget", lambda: libc.msgget(0x7EA12, 0o1600)),
            ("semget", lambda: libc.semget(0x7EA13, 1, 0o1600)),
            # add_key("user", ..., KEY_SPEC_USER_KEYRING): a key every process of the user sees
            ("add_key", lambda: libc.syscall(_ADD_KEY, b"user", b"tb-meet", b"1", 1, -4)),
            (
                "mq_open",
                lambda: libc.mq_open(b"/ticketbench-meet", os.O_CREAT | os.O_RDWR, 0o600, None),
            ),
        ):
            made = call()
            tried[name] = "met" if made >= 0 else errno.errorcode[ctypes.get_errno()]
            if made >= 0:  # in process it works: leave nothing behind on the machine
                _remove(libc, name, made)
        listener = socket.socket()
        try:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            tried["bind"] = "met"
        except OSError as err:
            tried["bind"] = errno.errorcode[err.errno or 0]
        finally:
            listener.close()
        tried["udp"] = _datagram()
        tried["lock"] = _lock(os.__file__)
        await session.say(json.dumps(tried))


def _datagram() -> str:
    """A datagram between two UDP sockets on loopback, the receiver bound by its first send."""
    try:
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as a,
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b,
        ):
            a.sendto(b"", ("127.0.0.1", 9))  # autobind: a port without bind()
            b.sendto(b"hi", ("127.0.0.1", a.getsockname()[1]))
            a.settimeout(5)
            return "met" if a.recv(2) == b"hi" else "lost"
    except OSError as err:
        return errno.errorcode[err.errno or 0]


def _lock(path: str) -> str:
    """A shared lock on one byte of a read-only file (what a twin's F_GETLK would see)."""
    with open(path, "rb") as f:
        try:
            fcntl.lockf(f, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, 4242)
        except OSError as err:
            return errno.errorcode[err.errno or 0]
        fcntl.lockf(f, fcntl.LOCK_UN, 1, 4242)
        return "met"


def _remove(libc: ctypes.CDLL, name: str, made: int) -> None:
    """Undo a successful meeting attempt (IPC_RMID, the queue's name, the key)."""
    if name == "shmget":
        libc.shmctl(made, 0, None)
    elif name == "msgget":
        libc.msgctl(made, 0, None)
    elif name == "semget":
        libc.semctl(made, 0, 0)
    elif name == "add_key":
        libc.syscall(_ADD_KEY + 2, 21, made)  # keyctl(KEYCTL_INVALIDATE, key)
    elif name == "mq_open":
        libc.mq_close(made)
        libc.mq_unlink(b"/ticketbench-meet")


class Impostor:
    """Names another agent in `describe()`: the built-in oracle, in process, unconfined."""

    def describe(self) -> dict[str, Any]:
        return {"spec": "oracle", "class": "ticketbench.agents.oracle.OracleAgent",
                "isolated": False, "confined": "none", "model": "impostor-1"}  # fmt: skip

    async def run(self, session: Session) -> None:
        raise InfraError("auth", "401 invalid api key")


class Refunder:
    """Reports usage that pays the run back (built past validation, as a wire could send it)."""

    async def run(self, session: Session) -> None:
        session.record_usage(Usage.model_construct(input_tokens=-1_000_000, cost_usd=-12.5))
        await session.say("Sorry, I cannot book this.")
