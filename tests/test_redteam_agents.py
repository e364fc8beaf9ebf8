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
# Agents that raise InfraError on purpose (the runner scores them once the user answered).
CLAIMS_OUTAGES = {"InfraDodge", "PickyDodge", "RetryLottery", "RetryLotteryDodge"}


@pytest.mark.parametrize("name", sorted(redteam_agents.ALL))
@pytest.mark.filterwarnings("ignore:agent 'redteam_agents.*' defines for_episode")
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
        if name in CLAIMS_OUTAGES and rec.score is None:  # declared before the user spoke
            assert rec.infra is not None and rec.infra.kind == "replay_missing", rec.infra
            continue
        assert rec.score is not None, rec.infra
        if name in CLAIMS_OUTAGES and rec.score.agent_error is not None:
            assert "after the user had answered (not retried)" in rec.score.agent_error
            continue
        assert rec.score.agent_error is None, (rec.task_id, rec.score.agent_error)


def test_an_outage_claimed_after_the_user_answered_is_scored() -> None:
    # Through the real plugin boundary: the dodges neither hide a failure from the rates
    # nor buy another life with the same user (README "Durability and faults").
    dev = {t.id: t for t in load_suite("dev")}
    records: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        records.append(rec)

    settings = RunSettings(concurrency=2, backoff_s=0.0, max_retries=3)
    for name in ("InfraDodge", "RetryLottery"):
        agent = load_agent(f"redteam_agents:{name}")
        jobs = [(dev["dev-infeasible-006"], 0)]  # no purchase: the user never buys the link
        asyncio.run(run_episodes(jobs, agent, settings, load_world(), sink=sink))
    assert [r.status for r in records] == ["ok", "ok"]
    assert [r.attempts for r in records] == [1, 1]
    assert all(r.score is not None and not r.score.success for r in records)
