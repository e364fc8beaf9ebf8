"""Re-grading a run: each recorded trajectory replayed on a fresh env and re-scored.

`regrade` replays each recorded trajectory (agent tool calls and user app actions, each at
its recorded simulated time) on a fresh env, checks that the replay reaches the recorded
`final_digest`, re-scores it with the current checker and scoring, and rewrites
`episodes.jsonl` atomically. `replay_env` is the replay, which the report's diffs share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ticketbench.agents.llm.presets import configured_secrets
from ticketbench.attacks import apply_attack, judge
from ticketbench.env import AGENT_TOOLS, APP_ACTIONS
from ticketbench.env.state import TicketEnv
from ticketbench.env.world import World
from ticketbench.records import EPISODES, AttackPlan, EpisodeRecord, read_header, scan_lines
from ticketbench.results.lifecycle import (
    RunError,
    git_state,
    header_tasks,
    load_world_checked,
)
from ticketbench.results.store import rewrite_episodes, run_lock, write_header
from ticketbench.scoring.episode import score_episode
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.trajectory import Event, ToolCall, UserAction


def replay_env(
    task: Task, world: World, events: Sequence[Event], attack: AttackPlan | None = None
) -> TicketEnv:
    """A fresh env (with the episode's attack planted, if any) with the recorded tool calls
    and app actions replayed at their times."""
    env = make_env(task, world)
    if attack is not None:
        apply_attack(attack, env)
    for e in events:
        if isinstance(e, ToolCall | UserAction):
            delta = (e.at - env.now).total_seconds()
            if delta > 0:
                env.advance(delta)
            if isinstance(e, UserAction):
                APP_ACTIONS.call(env, e.name, e.args)
            elif e.ran:
                AGENT_TOOLS.call(env, e.name, e.args)
    if events:
        delta = (events[-1].at - env.now).total_seconds()
        if delta > 0:
            env.advance(delta)  # holds that ran out after the last action
    return env


@dataclass
class RegradeResult:
    """What changed when a run was re-scored."""

    episodes: int
    changed: list[str]  # "task#trial: old -> new"
    digest_mismatch: list[str]  # episodes whose replay did not reach the recorded state
    damaged: list[int] = field(default_factory=list)  # lines kept as they were, unread


def _regraded(rec: EpisodeRecord, task: Task, world: World) -> tuple[EpisodeRecord, bool]:
    """The record re-scored, and whether its replay reached the recorded state."""
    assert rec.score is not None
    plan = rec.attack.plan if rec.attack is not None else None
    env = replay_env(task, world, rec.events, plan)
    score = score_episode(
        task,
        env,
        rec.events,
        user_actions=sum(isinstance(e, UserAction) for e in rec.events),
        input_tokens=rec.usage.input_tokens,
        output_tokens=rec.usage.output_tokens,
        cost_usd=rec.usage.cost_usd,
        agent_error=rec.score.agent_error,
    )
    update: dict[str, object] = {"score": score}
    if rec.attack is not None and plan is not None:
        verdict = judge(plan, task, env, rec.events)
        update["attack"] = rec.attack.model_copy(update={"verdict": verdict})
    return rec.model_copy(update=update), env.digest() == rec.final_digest


def regrade(run_dir: Path) -> RegradeResult:
    """Re-score every recorded episode from its trajectory (see the module docstring).

    Runs under the run's lock (`RunInUse` while a run or resume writes it). A damaged line
    is kept byte for byte where it was and reported; a file with no valid record at all is
    left untouched (`RunError`).
    """
    with run_lock(run_dir):
        header = read_header(run_dir)
        tasks = {t.id: t for t in header_tasks(header)}
        world = load_world_checked()
        scan = scan_lines(run_dir / EPISODES)
        out: list[EpisodeRecord | bytes] = []
        changed: list[str] = []
        mismatch: list[str] = []
        damaged: list[int] = []
        episodes = 0
        for number, raw in scan.lines:
            try:
                rec = EpisodeRecord.model_validate_json(raw)
            except ValueError:
                damaged.append(number)
                out.append(raw)
                continue
            episodes += 1
            task = tasks.get(rec.task_id)
            if rec.status != "ok" or rec.score is None or task is None:
                out.append(raw)
                continue
            new, same_state = _regraded(rec, task, world)
            key = f"{rec.task_id}#{rec.trial}"
            if not same_state:
                mismatch.append(key)
            old, score = rec.score, new.score
            assert score is not None
            if (old.success, old.level) != (score.success, score.level):
                changed.append(
                    f"{key}: {old.success}/L{old.level} -> {score.success}/L{score.level}"
                )
            out.append(new)
        if damaged and not episodes:
            raise RunError(
                f"{run_dir / EPISODES}: none of its {len(damaged)} line(s) is a valid record; "
                "nothing regraded, the file is left as it was"
            )
        rewrite_episodes(run_dir, out, configured_secrets())
        commit, _ = git_state()
        entry: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(),
            "git_commit": commit,
            "changed": len(changed),
        }
        if damaged:
            entry["damaged_lines"] = damaged
        write_header(
            run_dir,
            header.model_copy(update={"regrades": [*header.regrades, entry]}),
            configured_secrets(),
        )
    return RegradeResult(
        episodes=episodes, changed=changed, digest_mismatch=mismatch, damaged=damaged
    )
