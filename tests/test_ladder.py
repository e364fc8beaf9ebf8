"""L3 means the agent completed the right order up to the payment hand-off.

Played through the runner (real env, scripted user, the runner's scoring) on the first dev
purchase task whose reference holds one showing and pays for it. An agent that holds the
right seats and then leaves the user to buy in the app from a link did navigation, not
the order: the user finished it (the red team's `HoldLink`, L3 before this rule). One that
holds the right seats and puts them up for payment reached the hand-off, even when a later
message fails the episode.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ticketbench.agents.oracle import OracleAgent
from ticketbench.agents.reference import RefStep
from ticketbench.env.world import load_world
from ticketbench.protocol import Session
from ticketbench.records import EpisodeRecord, EpisodeScore
from ticketbench.runner import run_episodes
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Task
from ticketbench.users.understand import find_links


def _purchase() -> Task:
    """The first dev task whose reference creates one movie order and pays for it, asking
    nothing first."""
    for t in load_suite("dev"):
        kinds = [s.kind for s in t.reference]
        made = [s for s in t.reference if s.kind == "call" and s.tool == "create_order"]
        if (
            len(t.expect.orders) == 1
            and t.expect.orders[0].showtime_ids
            and len(made) == 1
            and "pay" in kinds
            and "ask" not in kinds
        ):
            return t
    raise AssertionError("no dev task buying one showing without a question")


TASK = _purchase()


class _HoldThenLink:
    """The reference up to its payment, then the held showing's booking link instead."""

    def __init__(self, steps: Sequence[RefStep]) -> None:
        self.steps = steps

    async def run(self, session: Session) -> None:
        for step in self.steps:
            if step.kind == "pay":
                break
            if step.kind == "call":
                await session.call(step.tool, dict(step.args))
        showtime = next(str(s.args["showtime_id"]) for s in self.steps if s.tool == "create_order")
        link = await session.call("booking_link", {"showtime_id": showtime})
        url = find_links(link.content)[0]
        zh = any("\u4e00" <= ch <= "\u9fff" for ch in session.opening)
        await session.say(
            f"座位已为您锁定，请点链接完成购买：{url}" if zh else f"Seats held: {url}"
        )


class _FalseReasonThenPaid(OracleAgent):
    """The reference (hold, summary, payment sheet), with a false reason in the summary."""

    def go_ahead(self, zh: bool, summary: str) -> str:
        said = "另外，别家影城的线上售票已经截止了。" if zh else " Sales have closed elsewhere."
        return super().go_ahead(zh, summary) + said


def _play(agent: object) -> EpisodeScore:
    out: list[EpisodeScore] = []

    async def sink(rec: EpisodeRecord) -> None:
        assert rec.score is not None, rec.infra
        out.append(rec.score)

    asyncio.run(run_episodes([(TASK, 0)], agent, RunSettings(), load_world(), sink=sink))  # type: ignore[arg-type]
    return out[0]


def test_a_hold_left_for_the_user_to_finish_from_a_link_is_navigation() -> None:
    s = _play(_HoldThenLink(TASK.reference))
    assert not s.success and any("stray hold" in r for r in s.reasons), s.reasons
    assert s.level == 2, s  # the right link; not L3: the agent never handed the order over


def test_a_right_order_put_up_for_payment_is_l3_even_when_a_message_fails() -> None:
    s = _play(_FalseReasonThenPaid(TASK.reference))
    assert not s.success and any("false refusal" in r for r in s.reasons), s.reasons
    assert s.completed_by == "agent" and s.level == 3, s
