"""Agents that know nothing of the task fail, each for the reason its scoring rule gives.

The degenerate agents (`ticketbench verify` holds them to 2% of a split) and the gaming
agents play real episodes (real env, scripted user, the runner's scoring) on dev tasks
chosen to be the ones each cheat aims at; every agent must fail there, with the rule that
stopped it in the reasons and at the ladder rung the rule gives. The baselines on the same
tasks show the rules do not touch honest work.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ticketbench.agents.degenerate import DEGENERATE_AGENTS, DEGENERATE_BOUND
from ticketbench.agents.gaming import GAMING_AGENTS, REASON_READERS
from ticketbench.agents.navigator import NavigatorAgent
from ticketbench.agents.registry import load_agent
from ticketbench.cli import app
from ticketbench.env.world import load_world
from ticketbench.protocol import Agent
from ticketbench.records import EpisodeRecord, EpisodeScore
from ticketbench.runner import run_episodes
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite, write_suite

DEV = {t.id: t for t in load_suite("dev")}
# purchase tasks with a movie named at a cinema, live events, refusals, refunds
PURCHASES = ("dev-specified-000", "dev-specified-009", "dev-seating-004", "dev-time-004")
INFEASIBLE = ("dev-infeasible-006", "dev-infeasible-007", "dev-infeasible-001")


def _play(spec: str, task_ids: Sequence[str]) -> dict[str, EpisodeScore]:
    agent: Agent = load_agent(spec)
    out: dict[str, EpisodeScore] = {}

    async def sink(rec: EpisodeRecord) -> None:
        assert rec.score is not None, rec.infra
        out[rec.task_id] = rec.score

    tasks = [(DEV[i], 0) for i in task_ids]
    asyncio.run(run_episodes(tasks, agent, RunSettings(concurrency=4), load_world(), sink=sink))
    return out


def test_every_cheap_agent_is_selectable_by_name() -> None:
    for name in [*DEGENERATE_AGENTS, *GAMING_AGENTS]:
        assert isinstance(load_agent(name), (*DEGENERATE_AGENTS.values(), *GAMING_AGENTS.values()))


def test_links_to_every_candidate_are_not_navigation() -> None:
    """The user may find its goal among 50 links; the purchase still is not the agent's."""
    for spec in ("link-all", "recommend-first", "ask-all"):
        for tid, s in _play(spec, PURCHASES).items():
            assert not s.success and s.level == 0, (spec, tid, s)
            if s.completed_by == "user":
                assert any("options before the user chose" in r for r in s.reasons), s.reasons
    for tid, s in _play("navigator", PURCHASES).items():
        assert s.success and s.level == 2, (tid, s.reasons)


def test_hand_made_links_open_nothing_the_agent_can_claim() -> None:
    for tid, s in _play("fake-links", PURCHASES).items():
        assert not s.success and s.level == 0, (tid, s)
        if s.completed_by == "user":
            assert any("never issued" in r for r in s.reasons), s.reasons


def test_naming_every_candidate_or_echoing_the_request_is_not_l1() -> None:
    for spec in ("name-all", "echo-opening"):
        for tid, s in _play(spec, PURCHASES).items():
            assert not s.success and s.level == 0, (spec, tid, s)


def test_refusals_with_every_reason_or_a_false_done_fail() -> None:
    for spec in ("refuse-all", "refuse-all-looked"):
        for tid, s in _play(spec, INFEASIBLE).items():
            assert not s.success, (spec, tid)
            assert any("not the task's" in r for r in s.reasons), s.reasons
    for tid, s in _play("stuff-facts", INFEASIBLE).items():
        assert not s.success, tid
        assert any("carried out" in r for r in s.reasons), s.reasons
    assert all(s.success for s in _play("oracle", INFEASIBLE).values())


def test_the_first_row_has_no_refusal_to_relay() -> None:
    """A closed sale or a session not on sale yet is never the first row listed: trying
    that row gets an order, not the service's refusal to pass on."""
    relayed = ("dev-infeasible-002", "dev-infeasible-006")  # sales closed, not on sale
    assert {DEV[i].expect.reason for i in relayed} == {"sales_closed", "not_on_sale"}
    for tid, s in _play("relay-error", relayed).items():
        assert not s.success and s.tool_calls >= 4, (tid, s.reasons)
    assert all(s.success for s in _play("oracle", relayed).values())


def test_payment_sheets_are_no_oracle() -> None:
    """Holding several candidates and asking to pay for each: declined sheets fail the
    episode and a standing shotgun of orders is not L3."""
    for spec in ("pay-oracle", "buy-first"):
        for tid, s in _play(spec, PURCHASES).items():
            assert not s.success and s.level < 3, (spec, tid, s)


def test_saying_nothing_scores_nothing() -> None:
    for tid, s in _play("say-nothing", [*PURCHASES, *INFEASIBLE]).items():
        assert not s.success and s.level == 0 and s.tool_calls == 0, tid


@pytest.mark.parametrize("spec", ["link-all", "buy-first"])
def test_cheap_agents_act_only_through_tools(spec: str) -> None:
    """They search for what the opening names: the look-ups are real, only the choice is
    missing (otherwise the bound would test nothing)."""
    scores = _play(spec, PURCHASES)
    assert all(s.tool_calls >= 4 for s in scores.values()), scores


def test_verify_holds_every_degenerate_agent_to_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`verify` reports each degenerate and gaming agent's success and fails when one passes
    more than 2% of a split (here: the navigator, which is told the answer, posing as one of
    either kind)."""
    folder = tmp_path / "small"
    tasks = list(DEV.values())
    write_suite({"dev": tasks[:3], "test": tasks[3:9]}, folder, None)
    runner = CliRunner()
    res = runner.invoke(app, ["verify", "--suite", str(folder), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data["degenerate_success"]) == set(DEGENERATE_AGENTS)
    assert all(v <= DEGENERATE_BOUND for v in data["degenerate_success"].values())
    assert data["degenerate_over_bound"] == []
    assert set(data["gaming_success"]) == set(GAMING_AGENTS)
    assert all(
        v <= DEGENERATE_BOUND for k, v in data["gaming_success"].items() if k not in REASON_READERS
    )
    assert data["gaming_over_bound"] == []
    agents = 3 + len(DEGENERATE_AGENTS) + len(GAMING_AGENTS)  # with oracle, reworded, noop
    # a progress line on stderr as each agent ends (the tasks are all dev's: one split)
    ends = re.findall(r"verify small/dev@\S+: \S+ played \((\d+)/(\d+) agents\)", res.stderr)
    assert ends == [(str(i), str(agents)) for i in range(1, agents + 1)], res.stderr
    monkeypatch.setitem(DEGENERATE_AGENTS, "navigator", NavigatorAgent)
    res = runner.invoke(app, ["verify", "--suite", str(folder)])
    assert res.exit_code == 1
    assert "over bound" in res.output and "navigator: succeeded on" in res.output
    monkeypatch.delitem(DEGENERATE_AGENTS, "navigator")
    monkeypatch.setitem(GAMING_AGENTS, "navigator", NavigatorAgent)
    res = runner.invoke(app, ["verify", "--suite", str(folder)])
    assert res.exit_code == 1
    assert "over bound" in res.output and "navigator: succeeded on" in res.output
