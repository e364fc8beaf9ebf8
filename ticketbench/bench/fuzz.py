"""Fuzz the public session API: hostile tool calls, and the world's invariants after each.

`fuzz(calls, seed)` plays episodes of real tasks through `EpisodeSession` (the object an
agent gets) and sends each a stream of calls: valid and unknown tool names, arguments of
every JSON type, raw JSON strings (valid, truncated, non-objects), lone surrogates, nesting
hundreds of levels deep, huge strings, and real ids of the world, other users' orders
included. Mixed in are plausible purchases (search, order, request payment), so that the
money paths run too. It counts:

- escapes: exceptions out of `session.call` (every input must come back as a result);
- invariant breaks, checked after every call (`check_call`):
  - no seat sold twice: every seat of an active order is booked to that order;
  - money is conserved: the user's funds move by exactly the refunds minus the charges of
    the orders that call paid or exchanged;
  - a coupon is used at most once (one active order per coupon);
  - refunds free seats: no seat stays booked to a refunded, cancelled or exchanged order;
  - other users' orders are neither shown (in a successful result) nor changed;
  - no payment without the user's approval: an order paid during the call has an approved
    payment request (an exchange that costs more, an approved exchange sheet).

`tests/test_session_fuzz.py` drives the same checks with hypothesis; `ticketbench bench
fuzz` runs the 100,000-call benchmark.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

from ticketbench.env import AGENT_TOOLS, APP_ACTIONS, POLICY, payment_sheet
from ticketbench.env.models import Order
from ticketbench.env.orders.refunds import exchange_charge_fen
from ticketbench.env.state import ExchangeRequest, TicketEnv, payment_requests
from ticketbench.env.world import World, load_world
from ticketbench.session import EpisodeSession, Limits
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.users import PaymentGate, ScriptedUser

ACTIVE = frozenset({"pending_payment", "paid"})
FREED = frozenset({"refunded", "cancelled", "exchanged", "expired"})
CALLS_PER_EPISODE = 40


def funds(env: TicketEnv) -> int:
    """Everything the user can pay with: payment methods and member-card balances."""
    u = env.user()
    return sum(p.balance_fen for p in u.payment_methods) + sum(
        c.balance_fen for c in u.member_cards
    )


@dataclass(frozen=True, slots=True)
class Snapshot:
    funds: int
    orders: dict[str, Order]


def snapshot(env: TicketEnv) -> Snapshot:
    return Snapshot(funds(env), {o.id: o for o in env.user_orders()})


def check_call(
    env: TicketEnv, before: Snapshot, ok: bool, content: str, others: frozenset[str]
) -> list[str]:
    """The invariants broken by the call that led from `before` to `env` (see the module)."""
    breaks: list[str] = []
    after = snapshot(env)
    orders = after.orders
    expected = before.funds
    approved = {r.order_id for r in payment_requests(env) if r.status == "approved"}
    approved_ex = {
        r.order_id
        for r in payment_requests(env)
        if isinstance(r, ExchangeRequest) and r.status == "approved"
    }
    for o in orders.values():
        old = before.orders.get(o.id)
        if o.status == "refunded" and (old is None or old.status != "refunded"):
            expected += o.refund_fen or 0
        newly_paid = o.paid_at is not None and (old is None or old.paid_at is None)
        if not newly_paid:
            continue
        if o.exchanged_from is None:
            expected -= o.total_fen
            if o.id not in approved:
                breaks.append(f"payment without approval: {o.id}")
        else:
            source = before.orders.get(o.exchanged_from)
            charge = exchange_charge_fen(source.total_fen, o.total_fen) if source else 0
            expected -= charge
            if charge and o.exchanged_from not in approved_ex:
                breaks.append(f"exchange charged without approval: {o.id}")
    if after.funds != expected:
        breaks.append(f"money not conserved: funds {after.funds}, expected {expected}")
    coupons: dict[str, int] = {}
    for o in orders.values():
        seats = [i.seat_id for i in o.items if i.seat_id]
        if o.showtime_id and seats:
            taken = env.taken_seats(o.showtime_id)
            if o.status in ACTIVE and any(taken.get(s) != o.id for s in seats):
                breaks.append(f"seat of active order {o.id} not booked to it")
            if o.status in FREED and any(taken.get(s) == o.id for s in seats):
                breaks.append(f"seat of {o.status} order {o.id} still booked")
        if o.coupon_id and o.status in ACTIVE:
            coupons[o.coupon_id] = coupons.get(o.coupon_id, 0) + 1
    breaks += [f"coupon {c} on {n} active orders" for c, n in coupons.items() if n > 1]
    for change in env.diff():
        for value in (change.before, change.after):
            owner = getattr(value, "user_id", None) if change.table == "orders" else None
            if owner is not None and owner != env.user_id:
                breaks.append(f"another user's order changed: {change.key}")
        if change.table == "users" and change.key != env.user_id:
            breaks.append(f"another user changed: {change.key}")
    if ok and others:
        shown = [oid for oid in others if oid in content]
        if shown:
            breaks.append(f"another user's order shown: {shown[0]}")
    return breaks


# --- hostile input ---------------------------------------------------------------------


@dataclass
class Pools:
    """Real ids of the world to mix into arguments."""

    ids: list[str]
    others: frozenset[str]  # other users' order ids (for the user of the episode)
    tools: list[str]


def _deep(rng: random.Random) -> object:
    value: object = rng.choice(["x", 1, None, "\ud83d"])
    for _ in range(rng.choice([20, 100, 300, 1200])):
        value = {"a": value} if rng.random() < 0.5 else [value]
    return value


def _scalar(rng: random.Random, pools: Pools) -> object:
    kind = rng.randrange(12)
    if kind == 0:
        return rng.choice(pools.ids)
    if kind == 1:
        return "\ud83d" + rng.choice(pools.ids)
    if kind == 2:
        return "长" * rng.choice([10, 401, 5000, 100_000])
    if kind == 3:
        return rng.choice([0, -1, 1, 2**63, -(2**70), 3.5, float("nan"), float("inf"), 1e308])
    if kind == 4:
        return rng.choice([True, False, None])
    if kind == 5:
        return rng.choice(["", " ", "\x00", "'; DROP TABLE orders;--", "{{x}}", "%s%n"])
    if kind == 6:
        return rng.choice(["2026-03-14", "2026-02-30", "25:99", "19:30", "1-1", "99-99"])
    if kind == 7:
        return [rng.choice(pools.ids) for _ in range(rng.randrange(0, 6))]
    if kind == 8:
        return {"nested": rng.choice(pools.ids)}
    if kind == 9:
        return rng.choice(["\udc00", "a\ud800b", "\U0001f600", "é" * 3])
    if kind == 10:
        return rng.randrange(0, 10)
    return rng.choice([*pools.ids, "u-000", "O-00001", "ST-1"])


def hostile_args(rng: random.Random, name: str, pools: Pools) -> object:
    """Arguments for one call: mostly the tool's own parameter names with hostile values."""
    kind = rng.randrange(10)
    if kind == 0:
        return _deep(rng)
    if kind == 1:
        raw = json.dumps({"query": rng.choice(pools.ids)})
        return raw[: rng.randrange(0, len(raw))]  # truncated JSON
    if kind == 2:
        return rng.choice(["[1,2]", "null", "42", '"s"', "{", "", "[" * 3000 + "]" * 3000])
    if kind == 3:
        return rng.choice([[1, 2], 42, None, b"bytes", ("t",), {1: 2}, {"a": {1, 2}}])
    tool = AGENT_TOOLS.get(name)
    params = list(tool.spec.parameters.get("properties", {})) if tool is not None else ["x"]
    args: dict[str, object] = {}
    for p in params:
        if rng.random() < 0.7:
            args[p] = _scalar(rng, pools)
    if rng.random() < 0.2:
        args[rng.choice(["extra", "\ud83d", "", "a" * 500])] = _scalar(rng, pools)
    if kind == 4:
        return json.dumps(args, default=str)  # as a raw string
    return args


def _name(rng: random.Random, pools: Pools) -> object:
    r = rng.random()
    if r < 0.9:
        return rng.choice(pools.tools)
    return rng.choice(["", "nope", "search_\ud83dmovies", 42, None, "x" * 10_000, "__class__"])


# --- plausible purchases, so the money paths run ---------------------------------------


async def _purchase(
    session: EpisodeSession, env: TicketEnv, task: Task, rng: random.Random
) -> None:
    ref = [s for s in task.reference if s.kind in ("call", "pay") and s.tool]
    for step in ref:
        args = dict(step.args)
        if rng.random() < 0.3 and args:  # a wrong value in a real call
            key = rng.choice(list(args))
            args[key] = rng.choice([None, "", 0, "O-00001", "\ud83d"])
        await session.call(step.tool, args)


# --- the loop ----------------------------------------------------------------------------


@dataclass
class FuzzResult:
    calls: int = 0
    episodes: int = 0
    escapes: int = 0
    breaks: int = 0
    examples: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "episodes": self.episodes,
            "escapes": self.escapes,
            "invariant_breaks": self.breaks,
            "examples": self.examples[:10],
            "wall_s": round(self.wall_s, 1),
            "calls_per_s": round(self.calls / self.wall_s) if self.wall_s else 0,
        }


def new_session(task: Task, world: World) -> tuple[EpisodeSession, TicketEnv]:
    env = make_env(task, world)
    session = EpisodeSession(
        env,
        ScriptedUser(task),
        tools=AGENT_TOOLS,
        actions=APP_ACTIONS,
        payment_sheet=payment_sheet,
        payment_gate=PaymentGate(task),
        policy=POLICY,
        limits=Limits(max_steps=10**9, max_turns=10**9, max_wall_s=10**9),
    )
    return session, env


def world_ids(world: World, task: Task) -> Pools:
    rng = random.Random(task.id)
    orders = list(world.orders.values())
    others = frozenset(o.id for o in orders if o.user_id != task.user_id)
    ids = [o.id for o in rng.sample(orders, min(30, len(orders)))]
    ids += [s.id for s in rng.sample(list(world.showtimes.values()), 30)]
    ids += [m.id for m in list(world.movies.values())[:10]]
    ids += [e.id for e in list(world.events.values())[:10]]
    u = world.users[task.user_id]
    ids += [p.id for p in u.payment_methods] + [c.id for c in u.coupons]
    ids += [c.id for c in u.member_cards] + [task.user_id]
    return Pools(ids=ids, others=others, tools=[t.name for t in AGENT_TOOLS])


async def fuzz_calls(
    session: EpisodeSession,
    env: TicketEnv,
    pools: Pools,
    calls: list[tuple[object, object]],
    result: FuzzResult,
) -> None:
    """Send `calls` (name, args) to one session, checking the invariants after each."""
    for name, args in calls:
        before = snapshot(env)
        try:
            res = await session.call(name, args)  # type: ignore[arg-type]
        except Exception as err:  # counted: the thing this fuzz looks for
            result.escapes += 1
            result.examples.append(f"escape: {type(err).__name__}: {str(err)[:120]}")
            continue
        finally:
            result.calls += 1
        problems = check_call(env, before, res.ok, res.content, pools.others)
        if problems:
            result.breaks += len(problems)
            result.examples.extend(problems)


def fuzz(calls: int = 100_000, seed: int = 0, split: str = "dev") -> FuzzResult:
    """Play `calls` fuzzed calls over episodes of the split's tasks (see the module)."""
    world = load_world()
    tasks = load_suite("dev" if split == "dev" else "test")
    rng = random.Random(seed)
    result = FuzzResult()
    t0 = time.perf_counter()

    async def main() -> None:
        while result.calls < calls:
            task = rng.choice(tasks)
            session, env = new_session(task, world)
            pools = world_ids(world, task)
            result.episodes += 1
            if rng.random() < 0.5:
                before = snapshot(env)
                await _purchase(session, env, task, rng)
                problems = check_call(env, before, False, "", pools.others)
                result.breaks += len(problems)
                result.examples.extend(problems)
            n = min(CALLS_PER_EPISODE, calls - result.calls)
            batch = []
            for _ in range(n):
                name = _name(rng, pools)
                batch.append((name, hostile_args(rng, str(name), pools)))
            await fuzz_calls(session, env, pools, batch, result)
            if rng.random() < 0.2:
                await session.say(rng.choice(["好的", "\ud83d", "ok " * 1000]))

    asyncio.run(main())
    result.wall_s = time.perf_counter() - t0
    return result


def as_json(result: FuzzResult) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False, indent=2)
