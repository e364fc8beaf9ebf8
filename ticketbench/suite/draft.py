"""A task under construction: templates *run* their reference solution while writing it.

`Draft` owns a scratch env prepared exactly as an episode would be. Every reference step
a template adds is executed on that env at once, so literal ids (new orders, payment
requests) are the ones a replay will see, and a step the service refuses is a template
bug caught at generation time, not in the suite.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ticketbench.env.models import User
from ticketbench.env.state import TicketEnv
from ticketbench.env.tools import AGENT_TOOLS
from ticketbench.env.world import World
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import (
    Category,
    Difficulty,
    Expect,
    Fact,
    Goal,
    Locale,
    Setup,
    Slot,
    Step,
    Task,
)


class Skip(Exception):
    """This draw of a template cannot make a task (no candidate); the generator redraws."""


def run_payment(env: TicketEnv, args: dict[str, Any]) -> str:
    """Request payment as the agent would, then approve it as the user would (app action).

    Returns the payment request id. Used by drafts and by reference replays alike.
    """
    from ticketbench.env.app import APP_ACTIONS
    from ticketbench.env.state import payment_requests

    res = AGENT_TOOLS.call(env, "request_payment", args)
    if not res.ok:
        raise RuntimeError(f"request_payment refused: {res.content}")
    open_ = [
        r for r in payment_requests(env) if r.order_id == args["order_id"] and r.status == "pending"
    ]
    rid = open_[-1].id
    ok = APP_ACTIONS.call(env, "approve_payment", {"request_id": rid})
    if not ok.ok:
        raise RuntimeError(f"approve_payment refused: {ok.content}")
    return rid


def replay(task: Task, env: TicketEnv) -> list[str]:
    """Run a task's reference solution on `env`; returns the agent's messages."""
    said: list[str] = []
    for step in task.reference:
        if step.kind == "call":
            res = AGENT_TOOLS.call(env, step.tool, step.args)
            if not res.ok:
                raise RuntimeError(f"{task.id}: {step.tool} refused: {res.content}")
        elif step.kind == "pay":
            run_payment(env, dict(step.args))
        else:
            said.append(step.text)
    return said


class Draft:
    """Builder of one task; see the module docstring."""

    def __init__(
        self,
        world: World,
        wording: random.Random,
        *,
        template: str,
        category: Category,
        locale: Locale,
        user: User,
        now: datetime,
        setup: Setup | None = None,
        difficulty: Difficulty = "medium",
    ) -> None:
        self.world = world
        self.wording = wording  # the wording rng (see `templates.base.Ctx`)
        self.template = template
        self.category = category
        self.locale: Locale = locale
        self.user = user
        self.now = now
        self.setup = setup or Setup()
        self.difficulty: Difficulty = difficulty
        self.steps: list[Step] = []
        self.facts: list[Fact] = []
        self.tags: list[str] = []
        self.env = make_env(self._shell(), world)

    @property
    def zh(self) -> bool:
        """True for a Chinese task."""
        return self.locale == "zh"

    def t(self, zh: str, en: str) -> str:
        """The text in the task's locale."""
        return zh if self.zh else en

    def pick(self, zh: Sequence[str], en: Sequence[str]) -> str:
        """One of several wordings in the task's locale (drawn from the wording rng)."""
        options = zh if self.zh else en
        return options[self.wording.randrange(len(options))]

    def _task(self, **fields: Any) -> Task:
        """A task of this draft's template, user and time, with `fields` for the rest."""
        return Task(
            split="test",
            category=self.category,
            locale=self.locale,
            template=self.template,
            difficulty=self.difficulty,
            user_id=self.user.id,
            now=self.now,
            setup=self.setup,
            **fields,
        )

    def _shell(self) -> Task:
        return self._task(
            id="draft",
            opening="",
            goal=Goal(summary=""),
            expect=Expect(outcome="no_purchase"),
            reference=(),
        )

    # --- reference steps (executed now) ---------------------------------------------
    def call(self, tool: str, **args: Any) -> Any:
        """Run a tool on the scratch env and record it; returns the result data."""
        clean = {k: v for k, v in args.items() if v is not None}
        res = AGENT_TOOLS.call(self.env, tool, clean)
        if not res.ok:
            raise RuntimeError(f"{self.template}: {tool}({clean}) refused: {res.content}")
        self.steps.append(Step(kind="call", tool=tool, args=clean))
        return res.data

    def ask(self, slot: Slot, text: str) -> None:
        """Record a clarifying question about `slot` (a clarify handoff)."""
        self.steps.append(Step(kind="ask", slot=slot, text=text))

    def say(self, text: str) -> None:
        """Record a message to the user (it carries must-tell facts)."""
        self.steps.append(Step(kind="say", text=text))

    def pay(self, order_id: str, payment_method_id: str) -> None:
        """Request payment and approve it as the user would; record the step."""
        args = {"order_id": order_id, "payment_method_id": payment_method_id}
        run_payment(self.env, args)
        self.steps.append(Step(kind="pay", tool="request_payment", args=args))

    # --- hidden knowledge -----------------------------------------------------------
    def fact(self, slot: Slot, triggers: tuple[str, ...], answer: str) -> None:
        """Add what the user answers when asked about `slot`."""
        self.facts.append(Fact(slot=slot, triggers=triggers, answer=answer))

    def finish(self, opening: str, goal: Goal, expect: Expect) -> Task:
        """The finished task (id and split are set by the generator)."""
        return self._task(
            id="",
            opening=opening,
            knowledge=tuple(self.facts),
            goal=goal,
            expect=expect,
            reference=tuple(self.steps),
            tags=tuple(sorted(set(self.tags))),
        )
