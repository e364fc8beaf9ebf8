"""Plugin agents that misbehave on purpose, and helpers to run the real CLI around them.

The agents are loaded by the CLI as `faultkit:Name` (tests/ is on the path of the test
process, and `cli()` puts it on PYTHONPATH for subprocesses). Each misbehaviour is keyed to
a task id or an environment variable, so one run mixes good and bad episodes.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner, Result

from ticketbench import Session
from ticketbench.cli import app
from ticketbench.protocol import InfraError

TESTS = Path(__file__).resolve().parent
SELECTION = "specified"  # 16 dev tasks


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """The CLI in this process (stderr kept apart from stdout)."""
    return CliRunner().invoke(app, list(args), env=env)


def cli(*args: str) -> list[str]:
    """argv of the CLI in a fresh process."""
    return [sys.executable, "-c", "from ticketbench.cli import app; app()", *args]


def env_with_tests(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def run_cli(*args: str, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(*args), capture_output=True, text=True, timeout=timeout, env=env_with_tests(**extra)
    )


def error_lines(text: str) -> list[str]:
    """The error lines of a CLI's stderr (progress lines aside); a traceback fails the test."""
    assert "Traceback" not in text, text
    return [line for line in text.splitlines() if line.startswith("error:")]


class Slow:
    """Checks the time, waits `FAULTKIT_DELAY` seconds (default 0.05) and gives up politely."""

    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        await asyncio.sleep(float(os.environ.get("FAULTKIT_DELAY", "0.05")))
        await session.say("Sorry, I cannot book this.")


class Polite:
    """Calls one tool and says it cannot help (a quick, valid episode)."""

    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        await session.say("Sorry, I cannot book this.")


class Chaos:
    """The episode whose opening is `cancel` raises CancelledError, the one whose opening is
    `leave` raises SystemExit; the rest are polite. (Keyed on the task, not on what the
    process saw before: out of process, every episode starts afresh.)"""

    def __init__(self, cancel: str = "", leave: str = "") -> None:
        self.cancel = cancel
        self.leave = leave

    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        if session.opening == self.cancel:
            raise asyncio.CancelledError("the agent cancelled itself")
        if session.opening == self.leave:
            raise SystemExit(3)
        await session.say("Sorry, I cannot book this.")


class Blocker:
    """Blocks the event loop with time.sleep (a synchronous SDK, a busy loop ...)."""

    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        time.sleep(float(os.environ.get("FAULTKIT_BLOCK", "20")))
        await session.say("done")


class Hostile:
    """Sends what no encoder likes: lone surrogates, deep nesting, odd names and values."""

    async def run(self, session: Session) -> None:
        deep: object = "x"
        for _ in range(300):
            deep = {"a": deep}
        deep_list: object = 1
        for _ in range(300):
            deep_list = [deep_list]
        await session.call("search_movies", {"query": "\ud83d"})
        await session.call("search_movies", '{"query": "\\ud83d"}')
        await session.call("search_movies", deep)  # type: ignore[arg-type]
        await session.call("search_movies", "[" * 5000 + "]" * 5000)
        await session.call("search_movies", [1, 2])  # type: ignore[arg-type]
        await session.call("search_\udc00movies", {})
        await session.call(42, {})  # type: ignore[arg-type]
        await session.call("search_movies", {"query": deep_list})
        await session.say("I can't help \ud83d with that")


class FlakyInfra:
    """Fails with a non-retryable infrastructure error while the file FAULTKIT_OUTAGE exists."""

    async def run(self, session: Session) -> None:
        flag = os.environ.get("FAULTKIT_OUTAGE", "")
        if flag and Path(flag).exists():
            raise InfraError("bad_request", "the provider is down for maintenance")
        await session.call("current_time", {})
        await session.say("Sorry, I cannot book this.")


class Crashy:
    """Calls a tool, then raises (an agent bug)."""

    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        raise ValueError("agent bug 42")


class StepHog:
    """Calls a harmless tool until the step limit stops it."""

    async def run(self, session: Session) -> None:
        while not session.done:
            await session.call("current_time", {})


class Silent:
    """Never says a word and writes nothing."""

    async def run(self, session: Session) -> None:
        return None


class Keyed:
    """Takes a token as an option (`--agent-opt token=...`) and leaks it into what it says."""

    def __init__(self, token: str = "") -> None:
        self.token = token

    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        await session.say(f"Sorry, I cannot book this (token {self.token}).")
