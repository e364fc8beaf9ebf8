"""Generate the suite from the templates, deterministically from one seed.

Every task gets its own `random.Random` seeded by (seed, split, category, index,
attempt), so one template's draws never shift another's. A draw that cannot make a
task (`Skip`) is retried with the next attempt. Each finished task is replayed on a
fresh env and must pass its own checker; a failure is a template bug and raises.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from ticketbench.env.world import World
from ticketbench.suite.checker import Transcript, check
from ticketbench.suite.dataset import DEFAULT_SEED
from ticketbench.suite.draft import Skip, replay
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import CATEGORIES, Category, Locale, Split, Task
from ticketbench.suite.templates import TEMPLATES, Ctx, Template

MAX_ATTEMPTS = 40
# Tasks per category and split. The infeasible category gets more so that, with the
# infeasible after-purchase and adversarial templates, about 18% of the suite is infeasible.
PLAN: dict[Split, dict[Category, int]] = {
    "test": {c: (130 if c == "infeasible" else 78) for c in CATEGORIES},
    "dev": {c: (28 if c == "infeasible" else 16) for c in CATEGORIES},
}


def templates_of(category: Category) -> list[Template]:
    """The registered templates of a category, in registration order."""
    return [t for t in TEMPLATES.values() if t.category == category]


def _one(world: World, seed: int | str, split: Split, cat: Category, i: int) -> Task:
    tmpls = templates_of(cat)
    if not tmpls:
        raise ValueError(f"no templates for category {cat}")
    locale: Locale = "zh" if i % 2 == 0 else "en"
    last: Exception | None = None
    for attempt in range(MAX_ATTEMPTS):
        tmpl = tmpls[(i + attempt * 7) % len(tmpls)] if attempt >= 10 else tmpls[i % len(tmpls)]
        rng = random.Random(f"{seed}|{split}|{cat}|{i}|{attempt}")
        ctx = Ctx(world=world, rng=rng, locale=locale, template=tmpl.id, category=cat)
        try:
            task = tmpl.build(ctx)
        except Skip as err:
            last = err
            continue
        return task.model_copy(update={"id": f"{split}-{cat}-{i:03d}", "split": split})
    raise RuntimeError(f"{split}/{cat}/{i}: no task after {MAX_ATTEMPTS} attempts ({last})")


def verify(task: Task, world: World) -> None:
    """Raise unless the task's reference solution, replayed, passes its own checker."""
    env = make_env(task, world)
    said = replay(task, env)
    res = check(task, env, Transcript(said, heard=(task.opening,)), clarified=True)
    if not res.passed:
        raise RuntimeError(f"{task.id} ({task.template}): reference fails: {res.reasons}")


def iter_split(world: World, seed: int | str, split: Split) -> Iterator[Task]:
    """The tasks of one split in order, each verified against its own checker."""
    for cat in CATEGORIES:
        for i in range(PLAN[split][cat]):
            task = _one(world, seed, split, cat, i)
            verify(task, world)
            yield task


def generate(world: World, seed: int | str = DEFAULT_SEED) -> dict[Split, list[Task]]:
    """The whole suite: tasks per split, in a stable order."""
    return {split: list(iter_split(world, seed, split)) for split in ("test", "dev")}
