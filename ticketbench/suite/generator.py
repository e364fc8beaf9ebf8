"""Generate the suite from the templates, deterministically from one seed.

The suite is made of parallel pairs: pair j of a category is one situation (user, time,
showing, ground truth) drawn from a `random.Random` seeded by (seed, split, category, j,
attempt), asked once in Chinese and once in English with wording drawn from a second rng
per language. The two tasks share a `pair_id`; a pair whose versions differ in more than
wording is a template bug and raises. A draw that cannot make a task (`Skip`) is retried
with the next attempt, and so is one whose answer would sit where too many of the split's
answers already sit in the listings an agent gets (`balance`). Each finished task is
replayed on a fresh env and must pass its own checker; a failure is a template bug and
raises.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from ticketbench.env.world import World
from ticketbench.suite.balance import Balance
from ticketbench.suite.checker import Transcript, check
from ticketbench.suite.dataset import DEFAULT_SEED
from ticketbench.suite.draft import Skip, replay
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import CATEGORIES, Category, Locale, Split, Task
from ticketbench.suite.templates import TEMPLATES, Ctx, Template

MAX_ATTEMPTS = 120
STRICT_ATTEMPTS = 40  # draws held to the balance's cap; later ones to the audit's limit
LOCALES: tuple[Locale, Locale] = ("zh", "en")
# Tasks per category and split (even: every task has its parallel twin). The infeasible
# category gets more so that, with the infeasible after-purchase and adversarial templates,
# about 18% of the suite is infeasible.
PLAN: dict[Split, dict[Category, int]] = {
    "test": {c: (130 if c == "infeasible" else 78) for c in CATEGORIES},
    "dev": {c: (28 if c == "infeasible" else 16) for c in CATEGORIES},
}


def templates_of(category: Category) -> list[Template]:
    """The registered templates of a category, in registration order."""
    return [t for t in TEMPLATES.values() if t.category == category]


def situation(task: Task) -> dict[str, object]:
    """What a parallel pair shares: user, time, setup, ground truth and approval (not the
    wording, the reference's search queries, or the words a must-tell fact may take)."""
    return {
        "user": task.user_id,
        "now": task.now,
        "seeded": task.setup.orders,
        "injected": [(i.field, i.ref) for i in task.setup.injections],
        "expect": task.expect.model_dump(exclude={"must_tell"}),
        "must_tell": [m.what for m in task.expect.must_tell],
        "goal": task.goal.model_dump(exclude={"summary"}),
        "template": task.template,
    }


def _pair(
    world: World, seed: int | str, split: Split, cat: Category, j: int, balance: Balance
) -> list[Task]:
    """Pair `j` of a category: one situation (drawn once, within the split's `balance`)
    asked in Chinese and in English; only the wording is drawn per language."""
    tmpls = templates_of(cat)
    if not tmpls:
        raise ValueError(f"no templates for category {cat}")
    last: Exception | None = None
    for attempt in range(MAX_ATTEMPTS):
        # the planned template first (held to the balance's cap, then to the audit's limit
        # alone), then any template of the category
        late = attempt >= 2 * STRICT_ATTEMPTS
        tmpl = tmpls[(j + attempt * 7) % len(tmpls)] if late else tmpls[j % len(tmpls)]
        key = f"{seed}|{split}|{cat}|{j}|{attempt}"
        pair: list[Task] = []
        try:
            for k, locale in enumerate(LOCALES):
                ctx = Ctx(
                    world=world,
                    rng=random.Random(key),
                    say=random.Random(f"{key}|{locale}"),
                    locale=locale,
                    template=tmpl.id,
                    category=cat,
                )
                task = tmpl.build(ctx)
                unfit = balance.admit(task, attempt < STRICT_ATTEMPTS) if k == 0 else None
                if unfit is not None:
                    raise Skip(unfit)
                pair.append(
                    task.model_copy(
                        update={
                            "id": f"{split}-{cat}-{2 * j + k:03d}",
                            "split": split,
                            "pair_id": f"{split}-{cat}-p{j:03d}",
                        }
                    )
                )
        except Skip as err:
            last = err
            continue
        if situation(pair[0]) != situation(pair[1]):
            raise RuntimeError(
                f"{tmpl.id}: the zh and en versions of {key} differ in more than wording"
            )
        balance.add(pair[0])
        return pair
    raise RuntimeError(f"{split}/{cat}/pair {j}: no task after {MAX_ATTEMPTS} attempts ({last})")


def verify(task: Task, world: World) -> None:
    """Raise unless the task's reference solution, replayed, passes its own checker."""
    env = make_env(task, world)
    said = replay(task, env)
    res = check(task, env, Transcript(said, heard=(task.opening,)), clarified=True)
    if not res.passed:
        raise RuntimeError(f"{task.id} ({task.template}): reference fails: {res.reasons}")


def iter_split(world: World, seed: int | str, split: Split) -> Iterator[Task]:
    """The tasks of one split in order, each verified against its own checker."""
    balance = Balance(world)
    for cat in CATEGORIES:
        for j in range(PLAN[split][cat] // 2):
            for task in _pair(world, seed, split, cat, j, balance):
                verify(task, world)
                yield task


def generate(world: World, seed: int | str = DEFAULT_SEED) -> dict[Split, list[Task]]:
    """The whole suite: tasks per split, in a stable order."""
    return {split: list(iter_split(world, seed, split)) for split in ("test", "dev")}
