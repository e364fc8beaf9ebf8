"""The runner over the real suite: baselines, determinism, retries, timeouts, cost limit."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from ticketbench.agents.navigator import NavigatorAgent
from ticketbench.agents.noop import NoopAgent
from ticketbench.agents.oracle import OracleAgent
from ticketbench.env.world import load_world
from ticketbench.protocol import Agent, InfraError, Session, Usage
from ticketbench.records import EpisodeRecord
from ticketbench.results.metrics import EpisodeRow, summarize
from ticketbench.runner import episode_seed, run_episodes
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Task
from ticketbench.users import ScriptedUser, User
from ticketbench.users.base import App, Reply

FAST = RunSettings(concurrency=16, timeout_s=30.0, backoff_s=0.0)


def play(
    tasks: Sequence[Task], agent: Agent, settings: RunSettings = FAST, trials: int = 1
) -> list[EpisodeRecord]:
    out: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        out.append(rec)

    jobs = [(t, k) for k in range(trials) for t in tasks]
    asyncio.run(run_episodes(jobs, agent, settings, load_world(), sink=sink))
    return sorted(out, key=lambda r: (r.task_id, r.trial))


@pytest.fixture(scope="module")
def dev() -> list[Task]:
    return load_suite("dev")


@pytest.fixture(scope="module")
def oracle_dev(dev: list[Task]) -> list[EpisodeRecord]:
    return play(dev, OracleAgent())


@pytest.mark.parametrize("split", ["dev", "test"])
def test_oracle_success_and_l4_on_every_task(
    split: str, dev: list[Task], oracle_dev: list[EpisodeRecord]
) -> None:
    records = oracle_dev if split == "dev" else play(load_suite("test"), OracleAgent())
    bad = [
        (r.task_id, r.score.level if r.score else None, r.score.reasons if r.score else r.infra)
        for r in records
        if r.score is None or not r.score.success or r.score.level != 4 or r.score.violations
    ]
    assert not bad, bad[:5]
    assert all(r.score is not None and r.score.completed_by == "agent" for r in records)


def test_noop_fails_every_task_needing_a_write(dev: list[Task]) -> None:
    by_id = {t.id: t for t in dev}
    records = play(dev, NoopAgent())
    wins = [
        r.task_id for r in records if by_id[r.task_id].needs_write and r.score and r.score.success
    ]
    assert wins == []


def test_navigator_gives_links_never_completes(
    dev: list[Task], oracle_dev: list[EpisodeRecord]
) -> None:
    records = play(dev, NavigatorAgent())
    purchase = [r for r in records if r.purchase]
    assert purchase
    levels = [r.score.level for r in purchase if r.score is not None]
    assert sum(lv == 2 for lv in levels) / len(levels) >= 0.9
    assert 4 not in levels
    nav = summarize(
        [EpisodeRow(r.task_id, r.trial, r.category, r.locale, r.purchase, r.score) for r in records]
    )
    orc = summarize(
        [
            EpisodeRow(r.task_id, r.trial, r.category, r.locale, r.purchase, r.score)
            for r in oracle_dev
        ]
    )
    # the headline: the user does the work after a link
    assert nav.user_actions_per_completed_purchase is not None
    assert orc.user_actions_per_completed_purchase is not None
    nav_ua, orc_ua = (
        nav.user_actions_per_completed_purchase,
        orc.user_actions_per_completed_purchase,
    )
    print(f"user actions per completed purchase: navigator {nav_ua:.2f}, oracle {orc_ua:.2f}")
    assert nav.user_actions_per_completed_purchase > orc.user_actions_per_completed_purchase + 2
    assert nav.gap >= 0.9 and orc.gap == 0.0


def _strip_wall(r: EpisodeRecord) -> str:
    return r.model_copy(update={"timing": None}).model_dump_json()


def test_same_run_twice_gives_identical_records(dev: list[Task]) -> None:
    tasks = dev[::6]
    a = play(tasks, OracleAgent(), trials=2)
    b = play(tasks, NavigatorAgent(), trials=2)
    a2 = play(tasks, OracleAgent(), RunSettings(concurrency=3, timeout_s=30.0), trials=2)
    b2 = play(tasks, NavigatorAgent(), RunSettings(concurrency=1, timeout_s=30.0), trials=2)
    assert [_strip_wall(r) for r in a] == [_strip_wall(r) for r in a2]
    assert [_strip_wall(r) for r in b] == [_strip_wall(r) for r in b2]
    assert episode_seed(0, "x", 1) == episode_seed(0, "x", 1) != episode_seed(0, "x", 2)


class Flaky:
    """Raises InfraError on the first `fails` attempts, then does the noop."""

    def __init__(self, fails: int, retry_after: float | None = None) -> None:
        self.fails = fails
        self.calls = 0
        self.retry_after = retry_after

    async def run(self, session: Session) -> None:
        self.calls += 1
        session.record_usage(Usage(model="m", input_tokens=10, output_tokens=2, cost_usd=0.5))
        await session.call("current_time", {})
        if self.calls <= self.fails:
            raise InfraError("rate_limit", "slow down", retry_after=self.retry_after)
        await session.say("Sorry, I can't help.")


def test_infra_errors_are_retried_then_kept_apart(dev: list[Task]) -> None:
    settings = RunSettings(concurrency=1, timeout_s=10.0, max_retries=2, backoff_s=0.0)
    ok = play(dev[:1], Flaky(fails=2, retry_after=0.01), settings)
    assert ok[0].status == "ok" and ok[0].attempts == 3 and ok[0].score is not None
    # every attempt was served and paid for: the record counts all three
    assert ok[0].usage.input_tokens == 30 and ok[0].usage.model_calls == 3
    assert ok[0].usage.retried is not None and ok[0].usage.retried.input_tokens == 20
    assert ok[0].score.input_tokens == 30
    failed = play(dev[:1], Flaky(fails=5), settings)
    assert failed[0].status == "infra_error" and failed[0].score is None
    assert failed[0].infra is not None and failed[0].infra.kind == "rate_limit"
    s = summarize(
        [EpisodeRow(r.task_id, 0, r.category, r.locale, r.purchase, r.score) for r in failed]
    )
    assert s.infra_errors == 1 and s.scored == 0


class OutageAfterReply:
    """Asks the user something, then claims an outage (`kind`) on every attempt."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.calls = 0

    async def run(self, session: Session) -> None:
        self.calls += 1
        await session.call("current_time", {})
        await session.say("Which showing would you like?")
        raise InfraError(self.kind, "the provider is down")


@pytest.mark.parametrize("kind", ["rate_limit", "replay_missing"])
def test_an_outage_after_the_user_answered_is_scored_not_retried(
    dev: list[Task], kind: str
) -> None:
    # Retrying would give the agent a second life informed by the user's answer; keeping it
    # out of the scores would let an agent hide any failure it has seen coming.
    agent = OutageAfterReply(kind)
    settings = RunSettings(concurrency=1, timeout_s=10.0, max_retries=2, backoff_s=0.0)
    (rec,) = play(dev[:1], agent, settings)
    assert agent.calls == 1 and rec.attempts == 1
    assert rec.status == "ok" and rec.score is not None and not rec.score.success
    assert rec.score.agent_error is not None
    assert rec.score.agent_error.startswith(f"{kind} after the user had answered")


class TwoTurns:
    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        await session.say("Which showing would you like?")
        await session.say("And how many tickets?")


def test_an_outage_of_the_simulated_user_is_retried_after_it_answered(dev: list[Task]) -> None:
    # The LLM-driven user's API failing mid-conversation is the harness's outage, never the
    # agent's failure, however far the conversation got.
    built: list[ScriptedUser] = []

    class FailingUser(ScriptedUser):
        async def reply(self, text: str, app: App) -> Reply:
            if self._heard >= 1:  # answers once, then its API fails
                raise InfraError("server_error", "the user's model is down")
            return await super().reply(text, app)

    def users(task: Task, seed: int, settings: RunSettings) -> User:
        built.append(FailingUser(task))
        return built[-1]

    settings = RunSettings(concurrency=1, timeout_s=10.0, max_retries=2, backoff_s=0.0)
    out: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        out.append(rec)

    jobs = [(dev[0], 0)]
    asyncio.run(run_episodes(jobs, TwoTurns(), settings, load_world(), sink=sink, users=users))
    (rec,) = out
    assert len(built) == 3 and rec.attempts == 3
    assert rec.status == "infra_error" and rec.infra is not None
    assert rec.infra.kind == "server_error"


class Crashy:
    async def run(self, session: Session) -> None:
        await session.call("current_time", {})
        raise ValueError("agent bug")


class Sleepy:
    async def run(self, session: Session) -> None:
        await asyncio.sleep(5)


def test_agent_failures_are_scored_not_retried(dev: list[Task]) -> None:
    rec = play(dev[:1], Crashy())[0]
    assert rec.status == "ok" and rec.score is not None and not rec.score.success
    assert rec.score.agent_error == "ValueError: agent bug" and rec.attempts == 1
    slow = play(dev[:1], Sleepy(), RunSettings(timeout_s=0.05))[0]
    assert slow.score is not None and slow.score.agent_error is not None
    assert slow.score.agent_error.startswith("timeout")


def test_cost_limit_stops_cleanly(dev: list[Task]) -> None:
    out: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        out.append(rec)

    settings = RunSettings(concurrency=1, timeout_s=10.0, cost_limit_usd=1.2)
    state = asyncio.run(
        run_episodes([(t, 0) for t in dev[:6]], Flaky(fails=0), settings, load_world(), sink=sink)
    )
    assert state.stopped == "cost_limit" and len(out) == 3 and state.cost_usd == pytest.approx(1.5)
