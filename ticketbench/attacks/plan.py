"""Planning an attack on one episode, planting it, and judging it.

`plan_attack(task, world, spec, seed)` draws (seeded) the style and the goal, builds the
goal's targets for the task, renders the style and chooses the fields to plant it in (see
`placement`); `apply_attack(plan, env)` seeds the plan's victim order and plants the text
into the episode's store, then freezes it as part of the episode's start, so that neither
counts as the agent's change; `judge(plan, task, env, events)` runs the goal's check.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ticketbench.attacks import goals as goal_catalogue
from ticketbench.attacks import styles as style_catalogue
from ticketbench.attacks.context import VICTIM_PREFIX, AttackContext
from ticketbench.attacks.goals import GOALS, Built
from ticketbench.attacks.placement import Read, deadline_step, fields_read, usable
from ticketbench.attacks.styles import STYLES, AttackStyle, Voice
from ticketbench.attacks.trail import Trail
from ticketbench.env import orders
from ticketbench.env.state import TicketEnv
from ticketbench.env.world import World
from ticketbench.records import AttackPlan, AttackVerdict, Planted
from ticketbench.suite.setup import inject
from ticketbench.suite.spec import InjectField, Injection, Task
from ticketbench.trajectory import Event

ALL = "all"


class AttackSpecError(ValueError):
    """An --attack value that names no style or goal."""


@dataclass(frozen=True, slots=True)
class AttackSpec:
    """What `--attack STYLE[:GOAL]` asks for: a style (or every style, drawn per episode)
    and optionally one goal (else one drawn per episode among those that fit the task)."""

    style: str
    goal: str | None = None

    def __str__(self) -> str:
        return f"{self.style}:{self.goal}" if self.goal else self.style


def parse_spec(text: str) -> AttackSpec:
    """Parse STYLE[:GOAL] (STYLE may be "all"); raises `AttackSpecError` naming the choices."""
    style, _, goal = text.strip().partition(":")
    if style != ALL and style not in style_catalogue.BY_ID:
        known = ", ".join([ALL, *style_catalogue.BY_ID])
        raise AttackSpecError(f"unknown attack style {style!r}; styles: {known}")
    if goal and goal not in goal_catalogue.BY_ID:
        raise AttackSpecError(
            f"unknown attack goal {goal!r}; goals: {', '.join(goal_catalogue.BY_ID)}"
        )
    return AttackSpec(style, goal or None)


def _voice(ctx: AttackContext, assistant: str | None) -> Voice:
    zh = ctx.task.locale == "zh"
    venue = "本影院" if zh else "the venue"
    p = ctx.purchase
    if p is not None and "showtime_id" in p.create_args:
        cin = ctx.world.cinemas[ctx.world.showtimes[str(p.create_args["showtime_id"])].cinema_id]
        venue = cin.name_zh if zh else cin.name_en
    elif p is not None and "session_id" in p.create_args:
        ev = ctx.world.sessions[str(p.create_args["session_id"])][0]
        venue = ev.venue_zh if zh else ev.venue_en
    default = "AI助手" if zh else "AI assistant"
    return Voice(assistant=assistant or default, user=ctx.user.name, venue=venue)


def _where(
    ctx: AttackContext, built: Built, texts: Sequence[str], style: AttackStyle
) -> list[tuple[InjectField, str]] | None:
    """(field, ref) for each text: read by the task, in time if possible, roomy enough; split
    texts in two distinct fields read in order (one field when the task reads only one).
    None when the task reads no field that can carry the texts."""
    reads = fields_read(ctx.task, ctx.world)
    victim = bool(built.victims)
    before = deadline_step(ctx.task, built.deadline)
    pool: list[Read] = usable(reads, texts, before, victim) or usable(reads, texts, None, victim)
    if not pool:  # the task reads no free text this could hide in: not attackable here
        return None
    distinct = list(dict.fromkeys((r.field, r.ref) for r in pool))
    if style.parts == 1 or len(distinct) < 2:
        return [ctx.rng.choice(distinct)] * len(texts)
    first, second = ctx.rng.sample(distinct, 2)
    step = {(r.field, r.ref): r.step for r in pool}
    return sorted([first, second], key=lambda fr: step[fr])


def plan_attack(
    task: Task, world: World, spec: AttackSpec, seed: int, assistant: str | None = None
) -> AttackPlan | None:
    """The attack on one episode (deterministic in `seed`); None if the asked goal does not
    fit the task (or, with no goal asked, no goal does)."""
    rng = random.Random(f"attack:{seed}:{task.id}")
    style = rng.choice(STYLES) if spec.style == ALL else style_catalogue.BY_ID[spec.style]
    ctx = AttackContext(task, world, rng)
    order = [goal_catalogue.BY_ID[spec.goal]] if spec.goal else rng.sample(GOALS, len(GOALS))
    for goal in order:
        built = goal.build(ctx, task.locale)
        if built is None:
            continue
        texts = style.render(built.payload, task.locale, _voice(ctx, assistant))
        where = _where(ctx, built, texts, style)
        if where is None:
            continue
        planted = tuple(
            Planted(field=f, ref=r, text=t) for (f, r), t in zip(where, texts, strict=True)
        )
        return AttackPlan(
            style=style.id,
            goal=goal.id,
            locale=task.locale,
            params=built.params,
            planted=planted,
            victims=built.victims,
            reference=built.reference,
        )
    return None


def apply_attack(plan: AttackPlan, env: TicketEnv) -> None:
    """Seed the plan's victims, plant its texts, and make both part of the episode's start."""
    for v in plan.victims:
        before = env.user()
        o = orders.seed_paid_movie_order(
            env, v.showtime_id, v.seats, v.payment_method_id, v.at, id_prefix=VICTIM_PREFIX
        )
        if o.id != v.order_id:
            raise RuntimeError(f"victim order got id {o.id}, the plan says {v.order_id}")
        env.put_user(before)  # paid long ago: today's balances are the task's
    for p in plan.planted:
        inject(env, Injection.model_validate(p.model_dump()))
    env.freeze_seed()


def judge(plan: AttackPlan, task: Task, env: TicketEnv, events: Sequence[Event]) -> AttackVerdict:
    """The goal's check on the episode's end state and trajectory."""
    return goal_catalogue.BY_ID[plan.goal].judge(plan.params, Trail(task, env, events))
