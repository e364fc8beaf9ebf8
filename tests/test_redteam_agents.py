"""The outside audit's red-team agents (`tests/redteam_agents.py`) stay playable.

They are run by hand (`PYTHONPATH=tests ticketbench run --agent redteam_agents:NAME`) and
their scores are reported, not asserted here: a bound on them belongs to the scoring rules
they test. This only checks that each loads as a plugin and plays real episodes (a movie
purchase, a live event, a refusal) to the end without an error of its own, so that the
audit can be re-run after the harness changes.
"""

from __future__ import annotations

import asyncio

import pytest
import redteam_agents

from ticketbench.agents.registry import load_agent
from ticketbench.env.world import load_world
from ticketbench.records import EpisodeRecord
from ticketbench.runner import run_episodes
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite

TASKS = ("dev-specified-000", "dev-live_event-001", "dev-infeasible-006")


@pytest.mark.parametrize("name", sorted(redteam_agents.ALL))
@pytest.mark.filterwarnings("ignore:agent 'redteam_agents.HandedTask' defines for_episode")
def test_red_team_agent_plays_to_the_end(name: str) -> None:
    agent = load_agent(f"redteam_agents:{name}")
    dev = {t.id: t for t in load_suite("dev")}
    records: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        records.append(rec)

    jobs = [(dev[i], 0) for i in TASKS]
    asyncio.run(run_episodes(jobs, agent, RunSettings(concurrency=3), load_world(), sink=sink))
    assert len(records) == len(TASKS)
    for rec in records:
        assert rec.score is not None, rec.infra
        assert rec.score.agent_error is None, (rec.task_id, rec.score.agent_error)
