"""`ticketbench verify`: the suite's own sanity check, through the real episode loop.

Runs the oracle, the reworded oracle and the noop agent over a split (scripted user, default
settings, nothing written to disk). A task is broken if the oracle does not succeed at L4
without a policy violation, or if the noop agent succeeds on a task that needs a write. The
reworded oracle (`oracle-reworded`: the same steps, its questions in other words) checks the
simulated user: a category where it succeeds on less than `REWORDED_FLOOR` lists its
failures. Then every cheap agent that knows nothing of the task plays the split: the
degenerate agents (`ticketbench.agents.degenerate`) and the gaming agents
(`ticketbench.agents.gaming`, each aimed at one scoring rule or one habit of the suite's
draws); the scoring or the suite is broken if one of them succeeds on more than
`DEGENERATE_BOUND` of it. The gaming agents in `REASON_READERS` are reported, not bounded
(see there).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from ticketbench.agents.degenerate import DEGENERATE_AGENTS, DEGENERATE_BOUND
from ticketbench.agents.gaming import GAMING_AGENTS, REASON_READERS
from ticketbench.agents.noop import NoopAgent
from ticketbench.agents.oracle import OracleAgent
from ticketbench.agents.reworded import RewordedOracleAgent
from ticketbench.env.world import load_world
from ticketbench.protocol import Agent
from ticketbench.records import EpisodeRecord
from ticketbench.runner import run_episodes
from ticketbench.settings import RunSettings
from ticketbench.suite.sources import TaskSource
from ticketbench.suite.spec import Task

REWORDED_FLOOR = 0.98


@dataclass(frozen=True)
class _Outcome:
    """What verify needs of one episode (whole records would cross the process pool)."""

    task_id: str
    category: str
    scored: bool
    success: bool
    level: int
    reasons: tuple[str, ...]
    violations: tuple[str, ...]


async def _play(tasks: Sequence[Task], agent: Agent) -> list[_Outcome]:
    out: list[_Outcome] = []

    async def sink(rec: EpisodeRecord) -> None:
        s = rec.score
        out.append(
            _Outcome(
                rec.task_id,
                rec.category,
                s is not None,
                s is not None and s.success,
                s.level if s is not None else 0,
                tuple(s.reasons) if s is not None else (),
                tuple(s.violations) if s is not None else (),
            )
        )

    settings = RunSettings(concurrency=16, timeout_s=60.0)
    await run_episodes([(t, 0) for t in tasks], agent, settings, load_world(), sink=sink)
    return out


def _play_job(tasks: Sequence[Task], agent_cls: type[Agent]) -> list[_Outcome]:
    """One agent over the split, in a worker process."""
    return asyncio.run(_play(tasks, agent_cls()))


def _play_all(
    tasks: Sequence[Task],
    agents: Mapping[str, type[Agent]],
    progress: Callable[[str, int, int], None] | None,
) -> dict[str, list[_Outcome]]:
    """Every agent over the split, one agent a job on every core: the agents are
    independent and each is CPU-bound Python, so a pool divides verify's time."""
    workers = max(1, min(len(agents), os.cpu_count() or 1))
    plays: dict[str, list[_Outcome]] = {}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        futures = {pool.submit(_play_job, tasks, cls): name for name, cls in agents.items()}
        for done in as_completed(futures):
            plays[futures[done]] = done.result()
            if progress is not None:
                progress(futures[done], len(plays), len(agents))
    return {name: plays[name] for name in agents}


def verify_split(
    source: TaskSource, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, Any]:
    """Oracle, reworded oracle and noop over the tasks of one source (one split), listing
    every broken task with the reason; then the cheap agents (degenerate and gaming),
    listing each over the bound. `progress(agent, done, total)` follows each agent's end."""
    tasks = list(source.tasks)
    by_id = {t.id: t for t in tasks}
    plays = _play_all(
        tasks,
        {
            "oracle": OracleAgent,
            "noop": NoopAgent,
            "oracle-reworded": RewordedOracleAgent,
            **DEGENERATE_AGENTS,
            **GAMING_AGENTS,
        },
        progress,
    )
    oracle, noop, reworded = plays["oracle"], plays["noop"], plays["oracle-reworded"]
    broken: list[dict[str, str]] = []
    ok = l4 = 0
    for rec in oracle:
        if not rec.scored:
            broken.append({"task_id": rec.task_id, "agent": "oracle", "problem": "infra error"})
            continue
        ok += rec.success
        l4 += rec.level == 4
        if not rec.success or rec.level != 4 or rec.violations:
            why = "; ".join(rec.reasons or rec.violations) or f"level L{rec.level}"
            broken.append({"task_id": rec.task_id, "agent": "oracle", "problem": why})
    by_cat: dict[str, list[_Outcome]] = {}
    for rec in reworded:
        by_cat.setdefault(rec.category, []).append(rec)
    reworded_rates = {
        c: sum(1 for r in recs if r.success) / len(recs) for c, recs in sorted(by_cat.items())
    }
    for c, rate in reworded_rates.items():
        if rate < REWORDED_FLOOR:
            for rec in by_cat[c]:
                if not rec.success:
                    why = "; ".join(rec.reasons) if rec.scored else "infra error"
                    broken.append(
                        {
                            "task_id": rec.task_id,
                            "agent": "oracle-reworded",
                            "problem": f"{c} {rate:.1%} < {REWORDED_FLOOR:.0%}: {why}",
                        }
                    )
    writes = [r for r in noop if by_id[r.task_id].needs_write]
    noop_wins = [r for r in writes if r.success]
    for rec in noop_wins:
        broken.append({"task_id": rec.task_id, "agent": "noop", "problem": "noop succeeded"})
    n = len(oracle)
    degenerate, over = _cheap(n, {k: plays[k] for k in DEGENERATE_AGENTS}, frozenset())
    gaming, gaming_over = _cheap(n, {k: plays[k] for k in GAMING_AGENTS}, REASON_READERS)
    return {
        "suite": source.label,
        "tasks": n,
        "oracle_success": ok / n if n else 0.0,
        "oracle_l4": l4 / n if n else 0.0,
        "reworded_success": sum(1 for r in reworded if r.success) / n if n else 0.0,
        "reworded_by_category": reworded_rates,
        "noop_write_tasks": len(writes),
        "noop_write_success": len(noop_wins) / len(writes) if writes else 0.0,
        "broken": sorted(broken, key=lambda b: (b["task_id"], b["agent"])),
        "degenerate_success": degenerate,
        "degenerate_over_bound": over,
        "gaming_success": gaming,
        "gaming_over_bound": gaming_over,
    }


def _cheap(
    n: int, plays: Mapping[str, Sequence[_Outcome]], unbounded: frozenset[str]
) -> tuple[dict[str, float], list[dict[str, str]]]:
    """Each agent's success over the `n` tasks, and those over `DEGENERATE_BOUND` (but
    `unbounded`), with the tasks they won."""
    rates: dict[str, float] = {}
    over: list[dict[str, str]] = []
    for name, recs in plays.items():
        wins = sorted(r.task_id for r in recs if r.success)
        rates[name] = len(wins) / n if n else 0.0
        if rates[name] > DEGENERATE_BOUND and name not in unbounded:
            shown = ", ".join(wins[:8]) + (" ..." if len(wins) > 8 else "")
            over.append(
                {
                    "agent": name,
                    "problem": f"succeeded on {len(wins)} of {n} tasks "
                    f"({rates[name]:.1%} > {DEGENERATE_BOUND:.0%}): {shown}",
                }
            )
    return rates, over
