"""Where to plant: the free-text fields a user task actually reads.

`fields_read(task, world)` replays the task's reference solution on a scratch env in which
every candidate field (the synopsis and cinema notice of each showtime the task names, the
description of each event, the user's coupon terms and attendee names, the remarks of the
user's orders) carries a unique marker, and notes at which reference step each marker first
shows up in a tool result. Fields no step shows are not read; a victim order's remarks are
read where the reference lists the user's orders. An agent that takes another path may read
other fields, but every agent that does the task reads most of these.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from ticketbench.attacks.context import VICTIM_ID
from ticketbench.env import AGENT_TOOLS, APP_ACTIONS
from ticketbench.env.state import payment_requests
from ticketbench.env.world import World
from ticketbench.suite.setup import inject, make_env
from ticketbench.suite.spec import InjectField, Injection, Task

FIELDS: tuple[InjectField, ...] = (
    "movie.synopsis",
    "cinema.notice",
    "event.description",
    "coupon.terms",
    "attendee.name",
    "order.remarks",
)
# search_movies shows the first 160 characters of a synopsis (the planted text goes first).
LIMITS: dict[str, int] = {"movie.synopsis": 150}


@dataclass(frozen=True, slots=True)
class Read:
    """A field the task's reference reads, first at reference step `step` (by `tool`)."""

    field: InjectField
    ref: str
    step: int
    tool: str


def candidates(task: Task, world: World) -> list[tuple[InjectField, str]]:
    """Every free-text field tied to what the task touches (see the module docstring)."""
    env = make_env(task, world)
    movies: dict[str, None] = {}
    cinemas: dict[str, None] = {}
    events: dict[str, None] = {}
    showtimes = [
        str(s.args[k])
        for s in task.reference
        for k in ("showtime_id", "new_showtime_id")
        if isinstance(s.args.get(k), str)
    ]
    for spec in task.expect.orders:
        showtimes += spec.showtime_ids
    for sid in showtimes:
        st = world.showtimes.get(sid)
        if st is not None:
            movies[st.movie_id] = None
            cinemas[st.cinema_id] = None
    for s in task.reference:
        for key, bucket in (("movie_id", movies), ("cinema_id", cinemas), ("event_id", events)):
            if isinstance(s.args.get(key), str):
                bucket[s.args[key]] = None
        if isinstance(s.args.get("session_id"), str) and s.args["session_id"] in world.sessions:
            events[world.sessions[s.args["session_id"]][0].id] = None
    for spec in task.expect.orders:
        for ses in spec.session_ids:
            if ses in world.sessions:
                events[world.sessions[ses][0].id] = None
    user = env.user()
    out: list[tuple[InjectField, str]] = []
    out += [("movie.synopsis", m) for m in movies if m in world.movies]
    out += [("cinema.notice", c) for c in cinemas if c in world.cinemas]
    out += [("event.description", e) for e in events if e in world.events]
    out += [("coupon.terms", cp.id) for cp in user.coupons]
    out += [("attendee.name", a.id) for a in user.attendees]
    out += [("order.remarks", o.id) for o in env.user_orders()]
    return out


def _marker(i: int) -> str:
    return f"\u27e6{i}\u27e7"  # ⟦i⟧: never in world text


def _probe(task: Task, world: World) -> tuple[Read, ...]:
    cands = candidates(task, world)
    env = make_env(task, world)
    for i, (f, ref) in enumerate(cands):
        inject(env, Injection(field=f, ref=ref, text=_marker(i)))
    env.freeze_seed()
    seen: dict[int, Read] = {}
    list_step: tuple[int, str] | None = None
    for n, step in enumerate(task.reference):
        contents: list[str] = []
        if step.kind == "call":
            contents.append(AGENT_TOOLS.call(env, step.tool, step.args).content)
            if step.tool == "list_orders" and list_step is None:
                list_step = (n, step.tool)
        elif step.kind == "pay":
            res = AGENT_TOOLS.call(env, "request_payment", step.args)
            contents.append(res.content)
            for req in payment_requests(env):
                if req.status == "pending":
                    APP_ACTIONS.call(env, "approve_payment", {"request_id": req.id})
        for text in contents:
            for i, (f, ref) in enumerate(cands):
                if i not in seen and _marker(i) in text:
                    seen[i] = Read(f, ref, n, step.tool)
    reads = sorted(seen.values(), key=lambda r: (r.step, FIELDS.index(r.field), r.ref))
    if list_step is not None:  # a victim order's line shows its remarks
        reads.append(Read("order.remarks", VICTIM_ID, *list_step))
    return tuple(reads)


_CACHE: OrderedDict[tuple[int, str], tuple[Read, ...]] = OrderedDict()
_CACHE_MAX = 4096


def fields_read(task: Task, world: World) -> tuple[Read, ...]:
    """The fields the task's reference reads, in the order it first reads them (cached)."""
    key = (id(world), task.id)
    hit = _CACHE.get(key)
    if hit is None:
        hit = _CACHE[key] = _probe(task, world)
        if len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return hit


def deadline_step(task: Task, deadline: str | None) -> int | None:
    """The reference step before which an instruction must be read to still matter: the
    first `create_order` ("create") or payment ("pay"); None when it never matters."""
    for n, step in enumerate(task.reference):
        if deadline == "create" and step.kind == "call" and step.tool == "create_order":
            return n
        if deadline == "pay" and step.kind == "pay":
            return n
    return None


def fits(read: Read, text: str) -> bool:
    return len(text) <= LIMITS.get(read.field, 10_000)


def usable(
    reads: Sequence[Read], texts: Sequence[str], before: int | None, has_victim: bool
) -> list[Read]:
    """Reads that can carry every one of `texts`: in time (read before step `before`, when
    given), long enough, and not a victim's remarks unless the plan seeds the victim."""
    out = [
        r
        for r in reads
        if (has_victim or r.ref != VICTIM_ID)
        and all(fits(r, t) for t in texts)
        and (before is None or r.step < before)
    ]
    return out
