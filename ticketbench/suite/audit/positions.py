"""Where each task's answer sits in the listings an agent gets, over a whole split.

An agent that reads nothing of the request can take the k-th row of whatever the service
lists (`suite/listings.py` names the listings and the rules "row k of L", "row j from the
end of L"). If one such row held the answer of many more tasks than chance puts there,
"take row k" would score for nothing (one link to the 2nd or 3rd showing listed at the
named cinema scored 9.6% and 17.0% on dev on suite 2.2.0). This check knows no agent's
rule: for every rule it counts the situations (a zh/en pair is one: its twins share the
answer) whose answer it lands on, and compares the count with what a fair draw gives.

The fair draw: each situation's answer rows placed uniformly among the rows of each listing
that holds them, so a rule's count is a sum of independent chances (`Placement.odds`) with
mean `expected`. A rule is reported when its count is both
- above `listings.BOUND` of the split (below it, no agent gains more than the cheap agents' bound),
- and improbable for a fair draw: P(count >= observed) < `ALPHA` under a Poisson law of
  the same mean, which bounds the upper tail of such a sum (Anderson and Samuels 1967).
A split has at most ~2,000 rules with any chance, so a fair draw passes the whole check
with probability above 99.8% (union bound), on every split and any seed.

The generator holds its draws to a tighter cap (`listings.limit(..., generous=False)`,
`suite/balance.py`); this check is the safety net, so it must pass any fair draw.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ticketbench.env.world import World
from ticketbench.suite.audit.findings import Discrepancy
from ticketbench.suite.listings import limit, placement, task_listings
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task


@dataclass
class RuleCount:
    """One rule over a split: the situations it lands on, and the fair draw's mean."""

    hits: list[str] = field(default_factory=list)  # task ids, one per situation
    expected: float = 0.0


def situation_key(task: Task) -> str:
    """One key per situation: a zh/en pair's twins share it."""
    return task.pair_id or task.id


def _splits(tasks: Iterable[Task]) -> dict[str, list[Task]]:
    out: dict[str, list[Task]] = defaultdict(list)
    seen: set[str] = set()
    for t in tasks:
        if situation_key(t) not in seen:
            seen.add(situation_key(t))
            out[t.split].append(t)
    return out


def rule_counts(tasks: Sequence[Task], world: World) -> dict[str, dict[str, RuleCount]]:
    """Per split: each rule -> the situations whose answer it lands on, and its mean
    under the fair draw."""
    out: dict[str, dict[str, RuleCount]] = {}
    for split, part in _splits(tasks).items():
        rules: dict[str, RuleCount] = defaultdict(RuleCount)
        for task in part:
            where = placement(task, task_listings(task, make_env(task, world)))
            for rule, chance in where.odds.items():
                rules[rule].expected += chance
            for rule in where.hits:
                rules[rule].hits.append(task.id)
        out[split] = dict(rules)
    return out


def position_discrepancies(tasks: Sequence[Task], world: World) -> list[Discrepancy]:
    """One discrepancy per (split, rule) holding more situations than a fair draw would
    (see the module docstring), worst first; `task_id` is the first such task."""
    sizes = {s: len(p) for s, p in _splits(tasks).items()}
    found: list[tuple[float, Discrepancy]] = []
    for split, rules in rule_counts(tasks, world).items():
        for rule, rc in rules.items():
            n, most = len(rc.hits), limit(rc.expected, sizes[split])
            if n > most:
                detail = (
                    f"{rule}: the answer of {n} of {sizes[split]} {split} situations "
                    f"({n / sizes[split]:.1%}; a fair draw: {rc.expected:.1f}, at most "
                    f"{most}), e.g. {', '.join(rc.hits[:4])}"
                )
                found.append((n / sizes[split], Discrepancy(rc.hits[0], "position", detail)))
    return [d for _, d in sorted(found, key=lambda x: -x[0])]
