"""Whether the wording of an opening gives away that it cannot be done, and why.

A blind agent that refuses whenever an opening holds some word or shape ("不超过80元",
"starting soon", "4张", "in X's name") scores on every infeasible task whose reason that
word predicts. The check is computed from the suite itself, not from any agent's rule:
each opening becomes a set of features, and a feature leaks a reason when a refusal with
that reason, given on every opening of its domain holding it, would be right far more
often than the reason's base rate in that domain.

Features (per opening, compared only within one locale and domain, so the two halves of a
zh/en pair are never counted twice):
- `kind:*`: what the audit's parser reads (`reading.scan`): a budget, a count and its value,
  "together", "starting shortly", an attendee, one ID for all, a day, a clock, an optimum...;
  `no:*` its absence; and every pair of them (`kind:a & kind:b`), as a depth-two rule would
  learn them;
- `word:*`: the surface, names masked and digits folded: Chinese character bigrams and
  trigrams, English words and word pairs;
- `shape:*`: how many things the opening states, and its length (among the longest or
  shortest 5, 10 or 20% of its domain).

The domain is what the parser reads the request to be (a purchase of a movie, of an event,
of both; a refund; an exchange...), since an agent knows that much without any leak.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ticketbench.env.world import World
from ticketbench.suite.audit.findings import Discrepancy
from ticketbench.suite.audit.phrases import scan
from ticketbench.suite.audit.reading import read_request
from ticketbench.suite.spec import Task

# A feature leaks reason R in a domain when the openings holding it are infeasible with R
# on at least MIN_TASKS tasks and at least PRECISION of the openings holding it, and the
# feature moves R's share of the domain by a factor LIFT: R at least LIFT times as likely,
# or the other labels at most 1/LIFT as likely (a domain where R is common already).
# PRECISION is about what a crude honest reading earns on a feasible task (one link to the
# best number match scored ~26%): above it, refusing on the word beats doing the work.
# R is also "infeasible", any reason, held to PRECISION_ANY: a word that says "cannot be
# done" more often than not leaves the agent to find why by a glance at the tool results
# (the refund requests only refusable ones used: 17 of 17). Where several reasons share
# the words, a refusal on them must still name the right one, which the per-reason bar
# bounds. And the excess must be no chance: the binomial tail of that many hits among the
# feature's openings at the base rate is below CHANCE over the number of features tried in
# the group (thousands of words are tried; a word drawn for politeness lands on four tasks
# of one reason now and then). So a leak needs a test-sized split to show: on dev's three
# tasks a template, it is no more than chance. A pair of kinds is held to the rate its
# likelier part already gives: a part that leaks is a leak of its own, and a pair that
# only narrows a part's openings to those that happen to hold some other kind (a count of
# 3, a clock) is the luck of one draw, which no agent can learn from another split (of
# three private seeds, two had such a pair and no other finding).
MIN_TASKS = 3
PRECISION = 0.4
PRECISION_ANY = 0.6
LIFT = 2.0
CHANCE = 0.01
LENGTH_SHARES = (5, 10, 20)
FEASIBLE = "feasible"
INFEASIBLE = "infeasible"

_CJK = re.compile(r"[\u4e00-\u9fff]")
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|#")
_DIGITS = re.compile(r"\d+")
# phrase kinds whose value matters as much as their presence (how many tickets)
_VALUED = {"count", "each_count", "one_more", "party"}


@dataclass(frozen=True)
class Opening:
    """One opening as the check sees it: where it is compared, what it holds, its label."""

    task_id: str
    group: str  # "zh purchase:movie"
    label: str  # an infeasibility reason, or "feasible"
    features: frozenset[str]
    length: int


@dataclass(frozen=True)
class Leak:
    """A feature that predicts one reason in one group far above the reason's base rate."""

    group: str
    reason: str
    feature: str
    hits: int  # openings with the feature and the reason
    holding: int  # openings with the feature
    of_reason: int  # openings with the reason
    size: int  # openings in the group

    @property
    def precision(self) -> float:
        """How often a refusal with the reason, on every opening holding it, is right."""
        return self.hits / self.holding

    @property
    def base(self) -> float:
        """The reason's share of the group."""
        return self.of_reason / self.size


def _words(masked: str, locale: str) -> set[str]:
    text = _DIGITS.sub("#", masked.lower())
    if locale == "zh":
        chunks = [c for c in re.split(r"[\x01\x02\s]+", text) if c]
        out: set[str] = set()
        for chunk in chunks:
            for n in (2, 3):
                out |= {
                    chunk[i : i + n]
                    for i in range(len(chunk) - n + 1)
                    if _CJK.search(chunk[i : i + n])
                }
        return out
    toks = _EN_WORD.findall(re.sub(r"[\x01\x02]+", " ", text))
    return set(toks) | {f"{a} {b}" for a, b in itertools.pairwise(toks)}


def read_opening(world: World, task: Task) -> Opening:
    """The features of one task's opening (see the module docstring)."""
    user = world.users[task.user_id]
    text, mentions = scan(world, user, task.now, task.opening)
    req = read_request(world, user, task.now, task.opening)
    targets = "+".join(sorted({p.target for p in req.parts})) or "nothing"
    group = f"{task.locale} {req.intent}:{targets}"
    kinds: set[str] = set()
    for ph in text.phrases:
        kinds.add(ph.kind)
        if ph.kind in _VALUED and isinstance(ph.value, int):
            kinds.add(f"{ph.kind}={min(ph.value, 6)}")
    for m in mentions:
        kinds |= {str(k) for k, ids in m.names.items() if ids and k != "zone"} & {
            "attendee",
            "cinema",
            "landmark",
            "brand",
            "performer",
        }
    feats = {f"kind:{k}" for k in kinds}
    feats |= {f"kind:{a} & kind:{b}" for a, b in itertools.combinations(sorted(kinds), 2)}
    feats |= {f"word:{w}" for w in _words(text.masked, task.locale)}
    feats.add(f"shape:states {min(len({k.split('=')[0] for k in kinds}), 7)}")
    label = FEASIBLE if task.expect.feasible else str(task.expect.reason)
    return Opening(task.id, group, label, frozenset(feats), len(task.opening))


def _kinds_of(openings: Sequence[Opening]) -> set[str]:
    return {f[5:] for o in openings for f in o.features if f.startswith("kind:") and " & " not in f}


def _complete(openings: Sequence[Opening]) -> list[frozenset[str]]:
    """Each opening's features plus what only the group can say: the parsed kinds it lacks
    (`no:*`) and where its length stands (among the longest or shortest 5, 10 or 20%)."""
    kinds = _kinds_of(openings)
    lengths = sorted(o.length for o in openings)
    n = len(lengths)
    longest = [(q, lengths[min(n - 1, n * (100 - q) // 100)]) for q in LENGTH_SHARES]
    shortest = [(q, lengths[max(0, n * q // 100 - 1)]) for q in LENGTH_SHARES]
    out = []
    for o in openings:
        has = {f[5:] for f in o.features if f.startswith("kind:")}
        extra = {f"no:{k}" for k in kinds - has}
        extra |= {f"shape:longest {q}%" for q, cut in longest if o.length >= cut}
        extra |= {f"shape:shortest {q}%" for q, cut in shortest if o.length <= cut}
        out.append(o.features | extra)
    return out


def _parts(feature: str) -> list[str]:
    """The two kinds a pair feature joins (none for a single feature)."""
    return feature.split(" & ") if " & " in feature else []


def _tail(k: int, n: int, p: float) -> float:
    """P(at least k successes in n draws at rate p)."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def find_leaks(openings: Iterable[Opening]) -> list[Leak]:
    """Every (group, reason, feature) that predicts the reason far above its base rate."""
    groups: dict[str, list[Opening]] = defaultdict(list)
    for o in openings:
        groups[o.group].append(o)
    leaks: list[Leak] = []
    for group, members in sorted(groups.items()):
        labels = Counter(o.label for o in members)
        reasons = [r for r in labels if r != FEASIBLE]
        if not reasons:
            continue
        if len(reasons) > 1:
            labels[INFEASIBLE] = len(members) - labels[FEASIBLE]
            reasons.append(INFEASIBLE)
        holding: Counter[str] = Counter()
        hits: dict[str, Counter[str]] = {r: Counter() for r in reasons}
        for o, feats in zip(members, _complete(members), strict=True):
            holding.update(feats)
            if o.label != FEASIBLE:
                hits[o.label].update(feats)
                if INFEASIBLE in hits:
                    hits[INFEASIBLE].update(feats)
        tried = sum(1 for k in holding.values() if k >= MIN_TASKS)
        for reason in reasons:
            base = labels[reason] / len(members)
            floor = PRECISION_ANY if reason == INFEASIBLE else PRECISION
            bar = max(floor, min(LIFT * base, 1 - (1 - base) / LIFT))
            for feat, k in hits[reason].items():
                n = holding[feat]
                null = max([base] + [hits[reason][p] / holding[p] for p in _parts(feat)])
                if k >= MIN_TASKS and k / n >= bar and _tail(k, n, null) < CHANCE / tried:
                    leaks.append(Leak(group, reason, feat, k, n, labels[reason], len(members)))
    return leaks


def wording_discrepancies(tasks: Sequence[Task], world: World) -> list[Discrepancy]:
    """One discrepancy per group and reason whose openings' wording gives the reason away,
    naming the strongest features (`task_id` is `wording:<group>:<reason>`)."""
    leaks = find_leaks(read_opening(world, t) for t in tasks if t.opening)
    by: dict[tuple[str, str], list[Leak]] = defaultdict(list)
    for leak in leaks:
        by[leak.group, leak.reason].append(leak)
    out = []
    for (group, reason), found in sorted(by.items()):
        found.sort(key=lambda x: (-x.hits * x.precision, x.feature))
        top = found[0]
        named = "; ".join(
            f"'{x.feature}' {x.hits}/{x.holding}" for x in found[:4]
        )  # the strongest few
        out.append(
            Discrepancy(
                f"wording:{group.replace(' ', ':')}:{reason}",
                "wording",
                f"{len(found)} features predict {reason} in {group} openings (base rate "
                f"{top.base:.0%}, {top.of_reason} of {top.size}): {named}",
            )
        )
    return out
