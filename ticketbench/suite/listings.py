"""Where a task's answer sits in the listings an agent gets, and where a fair draw puts it.

An agent that reads nothing of the request can still search for what the opening names and
take the k-th row of whatever the service lists: the 2nd showing at the cinema, the last
session of the event, the 2nd paid order. A placement rule names such a row: "row k of L"
from the front, "row j from the end of L" from the back (and "... of the first 20 of L" for
a showtime listing longer than the tool's default page).

The listings are asked of the env's own tools, at the task's time and with its setup:
- `search_showtimes` of the answer's movie at its cinema, in its city, and nearest the
  user's home first; each also with only the rows still on sale (the `open` column); the
  largest page (50 rows), and from the back also the default page (20);
- `get_event`'s sessions of the answer's event: all of them as listed, the upcoming ones,
  the ones on sale;
- `list_orders`: all the user's orders oldest first, and the paid ones.

A task's answer: the showtimes and sessions its order specs accept (exchange targets too),
the orders it must refund or exchange, and for a refusal the ids the reason is about, plus
every row that shows the same state when the reason is one a row states by itself (a
closed sale, a sale not yet open): "try row k and relay the service's error" wins there.

`placement(task, listings)` gives both sides of the comparison the audit and the generator
make: the rules that land on the task's answer, and for every rule of a listing holding it,
the chance that an answer drawn uniformly among that listing's rows would land there.
Summed over a split's situations, those chances are a rule's `expected` count under a fair
draw, and `limit` the most situations it may hold: the audit's limit, which a fair draw
passes, and the generator's tighter cap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ticketbench.env.state import TicketEnv
from ticketbench.env.tools.registry import AGENT_TOOLS
from ticketbench.suite.spec import Task

PAGE = 20  # search_showtimes' default page; the listings are fetched with its largest, 50
ORDERS = ("the user's orders", "the user's paid orders")
BOUND = 0.02  # a rule may always hold this share of a split (the cheap agents' bound)
ALPHA = 1e-6  # the audit reports a count a fair draw reaches less often than this
# The generator's cap: expected x (1 + MARGIN) + SLACK situations, never above the audit's.
MARGIN = 0.2
SLACK = 1.0


def poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean)."""
    if count <= 0:
        return 1.0
    term = math.exp(-mean)
    below = term
    for k in range(1, count):
        term *= mean / k
        below += term
    return max(0.0, 1.0 - below)


def limit(expected: float, situations: int, generous: bool = True) -> int:
    """The most situations a rule may hold in a split of `situations`: the audit's limit
    (`generous`: what a fair draw stays under but with chance < ALPHA), or the generator's
    cap (expected x (1 + MARGIN) + SLACK, and never above the audit's)."""
    floor = math.floor(BOUND * situations)
    top = math.ceil(expected)
    while poisson_tail(top + 1, expected) >= ALPHA:
        top += 1
    audit = max(floor, top)
    if generous:
        return audit
    return min(audit, max(floor, math.floor(expected * (1 + MARGIN) + SLACK)))


@dataclass(frozen=True)
class Row:
    """One row of a listing: its id and the state it shows ("" when none matters)."""

    id: str
    state: str = ""


@dataclass
class Placement:
    """Where one task's answer sits: `hits`, the rules landing on it; `odds`, every rule of
    each listing that holds it -> the chance a uniform draw of as many answer rows among
    the listing's rows but the first lands there; `rows`, each such listing's length."""

    hits: set[str] = field(default_factory=set)
    odds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _call(env: TicketEnv, tool: str, args: Mapping[str, Any]) -> Mapping[str, Any]:
    res = AGENT_TOOLS.call(env, tool, args)
    return res.data if res.ok and isinstance(res.data, Mapping) else {}


def _showtime_listings(env: TicketEnv, showtime_id: str) -> dict[str, list[Row]]:
    world = env.world
    st = world.showtimes[showtime_id]
    cinema = world.cinemas[st.cinema_id]
    searches = {
        "showtimes at the cinema": {"cinema_id": cinema.id},
        "showtimes in the city": {"city": cinema.city_id},
        "showtimes nearest home": {"city": cinema.city_id, "near": "home"},
    }
    out: dict[str, list[Row]] = {}
    for name, args in searches.items():
        data = _call(env, "search_showtimes", {"movie_id": st.movie_id, "limit": 50, **args})
        rows = [
            Row(str(r["id"]), "open" if r.get("open") else "closed")
            for r in data.get("showtimes", ())
        ]
        out[name] = rows
        out[f"{name}, on sale"] = [r for r in rows if r.state == "open"]
    return out


def _session_listings(env: TicketEnv, session_id: str) -> dict[str, list[Row]]:
    event = env.world.sessions[session_id][0]
    data = _call(env, "get_event", {"event_id": event.id})
    rows = [Row(str(s["id"]), str(s["state"])) for s in data.get("sessions", ())]
    return {
        "sessions of the event": rows,
        "upcoming sessions": [r for r in rows if r.state != "over"],
        "sessions on sale": [r for r in rows if r.state == "on sale"],
    }


def _order_listings(env: TicketEnv) -> dict[str, list[Row]]:
    lines = [str(x).split() for x in _call(env, "list_orders", {}).get("orders", ())]
    rows = [Row(p[0], p[1]) for p in lines if len(p) >= 2]
    return {ORDERS[0]: rows, ORDERS[1]: [r for r in rows if r.state == "paid"]}


# The row states that say a refusal's reason by themselves (as get_event and
# search_showtimes word them).
_STATES: Mapping[str, frozenset[str]] = {
    "sales_closed": frozenset({"closed", "sales closed"}),
    "not_on_sale": frozenset({"not on sale yet"}),
}


def answer_ids(task: Task) -> set[str]:
    """What a task's answer is made of: accepted showtimes and sessions, the orders to
    refund or exchange, the ids a refusal's reason is about."""
    exp = task.expect
    out: set[str] = set(exp.reason_about)
    for spec in (*exp.orders, *(x.to for x in exp.exchanges)):
        out |= {*spec.showtime_ids, *spec.session_ids}
    out |= {r.order_id for r in exp.refunds} | {x.order_id for x in exp.exchanges}
    return out


def task_listings(task: Task, env: TicketEnv) -> dict[str, list[Row]]:
    """Every listing an agent can get about the task's answer (see the module docstring)."""
    world = env.world
    out: dict[str, list[Row]] = {}
    ids = answer_ids(task)
    for i in sorted(ids):
        if i in world.showtimes:
            out.update(_showtime_listings(env, i))
        elif i in world.sessions:
            out.update(_session_listings(env, i))
        elif i in world.events and world.events[i].sessions:
            out.update(_session_listings(env, world.events[i].sessions[0].id))
    orders = {o.id for o in env.user_orders()}
    if ids & orders:
        out.update(_order_listings(env))
    return out


def _hits(task: Task, rows: Sequence[Row]) -> list[int]:
    ids = answer_ids(task)
    states = _STATES.get(task.expect.reason or "", frozenset())
    return [k for k, r in enumerate(rows) if r.id in ids or r.state in states]


def _rules(name: str, n: int) -> list[tuple[str, int]]:
    """Every rule of a listing of `n` rows named `name`, with the row (from 0) it takes."""
    out = [(f"row {k + 1} of {name}", k) for k in range(n)]
    out += [(f"row {n - k} from the end of {name}", k) for k in range(n)]
    if name.startswith("showtimes") and n > PAGE:
        out += [
            (f"row {PAGE - k} from the end of the first {PAGE} of {name}", k) for k in range(PAGE)
        ]
    return out


def placement(task: Task, listings: Mapping[str, Sequence[Row]]) -> Placement:
    """The rules landing on the task's answer, and each rule's odds under a uniform draw
    (only listings that hold the answer count: a task adds nothing to the others)."""
    out = Placement()
    for name, rows in listings.items():
        hits = _hits(task, rows)
        if not hits:
            continue
        out.rows[name] = len(rows)
        # uniform among the rows but the first, which no answer is (`templates/guesses.py`);
        # the first is given the same chance, a generous reading
        chance = min(1.0, len(hits) / max(1, len(rows) - 1))
        for rule, k in _rules(name, len(rows)):
            out.odds[rule] = chance
            if k in hits:
                out.hits.add(rule)
    return out
