"""Agents for the executor tests. They live in a module of their own so that worker
processes and Ray actors can import them (an agent travels to workers by pickle).

- `SlowOracle`: the oracle, each episode preceded by a short sleep (a run to kill midway);
- `Spender`: reports a fixed model cost per episode, then says it cannot help (cost limit);
- `Crasher`: the oracle, except that the first episode of one task kills the process that
  plays it (a worker dying with episodes in flight); every episode played is logged to a
  file, one line per start, so a test can count what was played twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

from ticketbench.agents.oracle import OracleAgent
from ticketbench.protocol import Agent, Session, Usage


class _Delayed:
    def __init__(self, inner: Agent, delay_s: float) -> None:
        self.inner = inner
        self.delay_s = delay_s

    async def run(self, session: Session) -> None:
        await asyncio.sleep(self.delay_s)
        await self.inner.run(session)


class SlowOracle:
    def __init__(self, delay_s: float = 0.05) -> None:
        self.delay_s = float(delay_s)

    def for_episode(self, task: Any, trial: int, seed: int) -> Agent:
        return _Delayed(OracleAgent().for_episode(task, trial, seed), self.delay_s)

    async def run(self, session: Session) -> None:  # an agent needs one; episodes use for_episode
        raise RuntimeError("SlowOracle plays through for_episode")


class Spender:
    def __init__(self, cost_usd: float = 0.01, delay_s: float = 0.02) -> None:
        self.cost_usd = float(cost_usd)
        self.delay_s = float(delay_s)

    async def run(self, session: Session) -> None:
        await asyncio.sleep(self.delay_s)
        session.record_usage(Usage(model="fake", input_tokens=10, cost_usd=self.cost_usd))
        await session.say("Sorry, I cannot help with that.")


class _Logged:
    def __init__(self, inner: Agent, log: Path, key: str, die: bool) -> None:
        self.inner, self.log, self.key, self.die = inner, log, key, die

    async def run(self, session: Session) -> None:
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(f"{self.key} {os.getpid()}\n")
        await asyncio.sleep(0.05)  # let the other slots of this worker start their episodes
        if self.die:
            os.kill(os.getpid(), signal.SIGKILL)
        await self.inner.run(session)


class Crasher:
    def __init__(self, log: str, victim: str) -> None:
        self.log = Path(log)
        self.victim = victim  # task id whose first episode kills its process
        self.driver_pid = os.getpid()

    def for_episode(self, task: Any, trial: int, seed: int) -> Agent:
        marker = self.log.with_suffix(".died")
        die = (
            task.id == self.victim
            and os.getpid() != self.driver_pid  # never the test process itself
            and not marker.exists()
        )
        if die:
            marker.touch()
        inner = OracleAgent().for_episode(task, trial, seed)
        return _Logged(inner, self.log, f"{task.id}#{trial}", die)
