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
from collections.abc import Mapping, Sequence
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


async def _play(tasks: Sequence[Task], agent: Agent) -> list[EpisodeRecord]:
    out: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        out.append(rec)

    settings = RunSettings(concurrency=16, timeout_s=60.0)
    await run_episodes([(t, 0) for t in tasks], agent, settings, load_world(), sink=sink)
    return out


def verify_split(source: TaskSource) -> dict[str, Any]:
    """Oracle, reworded oracle and noop over the tasks of one source (one split), listing
    every broken task with the reason; then the cheap agents (degenerate and gaming),
    listing each over the bound."""
    tasks = list(source.tasks)
    by_id = {t.id: t for t in tasks}
    oracle = asyncio.run(_play(tasks, OracleAgent()))
    noop = asyncio.run(_play(tasks, NoopAgent()))
    broken: list[dict[str, str]] = []
    ok = l4 = 0
    for rec in oracle:
        s = rec.score
        if s is None:
            broken.append({"task_id": rec.task_id, "agent": "oracle", "problem": "infra error"})
            continue
        ok += s.success
        l4 += s.level == 4
        if not s.success or s.level != 4 or s.violations:
            why = "; ".join(s.reasons or s.violations) or f"level L{s.level}"
            broken.append({"task_id": rec.task_id, "agent": "oracle", "problem": why})
    reworded = asyncio.run(_play(tasks, RewordedOracleAgent()))
    by_cat: dict[str, list[EpisodeRecord]] = {}
    for rec in reworded:
        by_cat.setdefault(rec.category, []).append(rec)
    reworded_rates = {
        c: sum(1 for r in recs if r.score is not None and r.score.success) / len(recs)
        for c, recs in sorted(by_cat.items())
    }
    for c, rate in reworded_rates.items():
        if rate < REWORDED_FLOOR:
            for rec in by_cat[c]:
                if rec.score is None or not rec.score.success:
                    why = "; ".join(rec.score.reasons) if rec.score else "infra error"
                    broken.append(
                        {
                            "task_id": rec.task_id,
                            "agent": "oracle-reworded",
                            "problem": f"{c} {rate:.1%} < {REWORDED_FLOOR:.0%}: {why}",
                        }
                    )
    writes = [r for r in noop if by_id[r.task_id].needs_write]
    noop_wins = [r for r in writes if r.score is not None and r.score.success]
    for rec in noop_wins:
        broken.append({"task_id": rec.task_id, "agent": "noop", "problem": "noop succeeded"})
    n = len(oracle)
    degenerate, over = _cheap(tasks, DEGENERATE_AGENTS, frozenset())
    gaming, gaming_over = _cheap(tasks, GAMING_AGENTS, REASON_READERS)
    return {
        "suite": source.label,
        "tasks": n,
        "oracle_success": ok / n if n else 0.0,
        "oracle_l4": l4 / n if n else 0.0,
        "reworded_success": (
            sum(1 for r in reworded if r.score is not None and r.score.success) / n if n else 0.0
        ),
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
    tasks: Sequence[Task], agents: Mapping[str, type[Agent]], unbounded: frozenset[str]
) -> tuple[dict[str, float], list[dict[str, str]]]:
    """Each agent's success over `tasks`, and those over `DEGENERATE_BOUND` (but
    `unbounded`), with the tasks they won."""
    n = len(tasks)
    rates: dict[str, float] = {}
    over: list[dict[str, str]] = []
    for name, cls in agents.items():
        recs = asyncio.run(_play(tasks, cls()))
        wins = sorted(r.task_id for r in recs if r.score is not None and r.score.success)
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
