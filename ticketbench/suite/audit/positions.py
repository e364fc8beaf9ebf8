"""Where each task's answer sits in the listings an agent gets, over a whole split.

An agent that reads nothing of the request can still search for what the opening names and
take the k-th row of whatever the service lists: the 2nd showing at the cinema, the last
session of the event, the 2nd paid order. If one such position held the answer of many
tasks, "take row k" would score for nothing (one link to the 2nd or 3rd showing listed at
the named cinema scored 9.6% and 17.0% on dev on suite 2.2.0). This check knows no agent's
rule: for every listing order the tools offer and every position k, counted from the front
and from the back, it counts the tasks whose answer is the row at k, and reports every
(listing, k) holding more than `BOUND` of the split.

The listings are asked of the env's own tools, at the task's time and with its setup:
- `search_showtimes` of the answer's movie at its cinema, in its city, and nearest the
  user's home first; each also with only the rows still on sale (the `open` column); back
  positions on the default page (20 rows) and on the largest (50);
- `get_event`'s sessions of the answer's event: all of them as listed, the upcoming ones,
  the ones on sale;
- `list_orders`: all the user's orders oldest first, and the paid ones.

A task's answer: the showtimes and sessions its order specs accept (exchange targets too),
the orders it must refund or exchange, and for a refusal the ids the reason is about, plus
every row that shows the same state when the reason is one a row states by itself (a
closed sale, a sale not yet open): "try row k and relay the service's error" wins there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ticketbench.env.state import TicketEnv
from ticketbench.env.tools.registry import AGENT_TOOLS
from ticketbench.env.world import World
from ticketbench.suite.audit.findings import Discrepancy
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task

BOUND = 0.02  # the share of a split one fixed position may hold (the cheap agents' bound)
PAGES = (20, 50)  # search_showtimes' default and largest page: the "last row" of each


@dataclass(frozen=True)
class Row:
    """One row of a listing: its id and the state it shows ("" when none matters)."""

    id: str
    state: str = ""


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
    return {
        "the user's orders": rows,
        "the user's paid orders": [r for r in rows if r.state == "paid"],
    }


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


def positions(task: Task, listings: Mapping[str, Sequence[Row]]) -> set[str]:
    """The fixed-position rules ("row k of listing L", from the front or from the back)
    that land on the task's answer."""
    ids = answer_ids(task)
    states = _STATES.get(task.expect.reason or "", frozenset())
    out: set[str] = set()
    for name, rows in listings.items():
        hits = [k for k, r in enumerate(rows) if r.id in ids or r.state in states]
        for k in hits:
            out.add(f"row {k + 1} of {name}")
        pages = PAGES if name.startswith("showtimes") else (len(rows),)
        for page in pages:
            n = min(page, len(rows))
            for k in hits:
                if k < n:
                    out.add(f"row {n - k} from the end of {name}")
    return out


def _splits(tasks: Iterable[Task]) -> dict[str, list[Task]]:
    out: dict[str, list[Task]] = defaultdict(list)
    for t in tasks:
        out[t.split].append(t)
    return out


def position_shares(tasks: Sequence[Task], world: World) -> dict[str, dict[str, list[str]]]:
    """Per split: each fixed-position rule -> the ids of the tasks whose answer it lands on."""
    out: dict[str, dict[str, list[str]]] = {}
    for split, part in _splits(tasks).items():
        rules: dict[str, list[str]] = defaultdict(list)
        for task in part:
            for rule in positions(task, task_listings(task, make_env(task, world))):
                rules[rule].append(task.id)
        out[split] = dict(rules)
    return out


def position_discrepancies(
    tasks: Sequence[Task], world: World, bound: float = BOUND
) -> list[Discrepancy]:
    """One discrepancy per (split, fixed-position rule) landing on more than `bound` of the
    split's tasks, worst first; `task_id` is the first such task."""
    sizes = {s: len(p) for s, p in _splits(tasks).items()}
    found: list[tuple[float, Discrepancy]] = []
    for split, rules in position_shares(tasks, world).items():
        for rule, ids in rules.items():
            share = len(ids) / sizes[split]
            if share > bound:
                detail = (
                    f"{rule}: the answer of {len(ids)} of {sizes[split]} {split} tasks "
                    f"({share:.1%}, bound {bound:.0%}), e.g. {', '.join(ids[:4])}"
                )
                found.append((share, Discrepancy(ids[0], "position", detail)))
    return [d for _, d in sorted(found, key=lambda x: -x[0])]
