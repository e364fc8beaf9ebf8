"""The generator's cap on where answers sit in the listings an agent gets.

A template pins its answer by what the user says (day, time, format, seats), so where that
answer falls in a listing (the 2nd showing at the cinema, the last session) follows from
the draw, and draws cluster: requests for "the next showing" or "tonight" sit near the
front, an event of three sessions puts a third of its answers at each. An agent that
always takes row k would win that cluster for nothing. So each split is drawn under a cap
(`Balance`), situation by situation (a zh/en pair is one):
- the listing a blind search gives first, the movie's showings at the cinema or the
  event's sessions, holds at least `MIN_ROWS` rows where it holds the answer: one of a
  handful of rows is a guess worth taking;
- no rule ("row k of L", "row j from the end of L", `suite/listings.py`) holds more
  situations than `listings.limit(expected, n, generous=False)`: what a uniform draw of
  every answer among its listing's rows would put there, with a small margin.
A draw that breaks the cap is drawn again, like a `Skip`; a pair that finds no draw under
the cap in `generator.STRICT_ATTEMPTS` tries (a template whose answers all sit in short
listings, early in a small split) is held to the audit's limit alone. Counts run in
generation order, and a rule's limits only grow as situations are added, so the finished
split is under the audit's limit (`suite/audit/positions.py`) whatever the seed.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ticketbench.env.world import World
from ticketbench.suite.listings import Placement, limit, placement, task_listings
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task

MIN_ROWS = 8
FIRST_LISTINGS = ("showtimes at the cinema", "sessions of the event")


class Balance:
    """The cap over one split: `admit(task)` says why a situation does not fit (None when
    it does); `add(task)` counts one that was kept."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.situations = 0
        self.counts: Counter[str] = Counter()
        self.expected: defaultdict[str, float] = defaultdict(float)
        self._seen: dict[str, Placement] = {}

    def _place(self, task: Task) -> Placement:
        key = task.model_dump_json(include={"user_id", "now", "setup", "expect"})
        if key not in self._seen:
            self._seen = {key: placement(task, task_listings(task, make_env(task, self.world)))}
        return self._seen[key]

    def admit(self, task: Task, strict: bool = True) -> str | None:
        """Why `task`'s situation would break the cap, or None. Not `strict`: only the
        audit's limit holds (for a pair that found no draw under the cap in many tries)."""
        where = self._place(task)
        for name in FIRST_LISTINGS:
            if strict and where.rows.get(name, MIN_ROWS) < MIN_ROWS:
                return f"the answer sits among {where.rows[name]} {name}"
        n = self.situations + 1
        for rule in sorted(where.hits):
            most = limit(self.expected[rule] + where.odds[rule], n, generous=not strict)
            if self.counts[rule] + 1 > most:
                return f"{rule} already holds {self.counts[rule]} answers (cap {most})"
        return None

    def add(self, task: Task) -> None:
        """Count `task`'s situation."""
        where = self._place(task)
        self.situations += 1
        self.counts.update(where.hits)
        for rule, chance in where.odds.items():
            self.expected[rule] += chance
