"""Micro-benchmark of the env: per-tool latency over realistic arguments, and reset cost.

`run_bench()` returns a JSON-able dict with at least `reset_us`, `reset_us_10x`,
`tool_p50_us` and `tool_p99_us` (tool name -> microseconds). Tools are called through
`AGENT_TOOLS.call`, so argument validation and result building are included. Write tools
are timed on fresh episodes (setup not timed). Run it with `ticketbench bench env`.

Each tool runs over the same `n` arguments several times, with the garbage collector set
as the runner sets it (`runner.local.gc_tuned`: the world frozen out of collections). The
first pass pays the one-time work of a process: tables derived from a hall's layout or a
showtime (seat maps, ranked seat runs, search rows) are built on first use and shared by
every later episode; its p50 is `tool_first_p50_us`. The next `passes` are what an episode
of a running harness sees; the one with the lowest p50 (the least disturbed by other load
on a shared machine, as `timeit` takes the best of its repeats) gives `tool_p50_us`,
`tool_p99_us` and the CPU-time `tool_p50_cpu_us`.
"""

from __future__ import annotations

import importlib
import random
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from ticketbench.env import AGENT_TOOLS, TicketEnv, World, load_world
from ticketbench.env.orders.booking import pay_order, seat_availability
from ticketbench.env.seats.recommend import rank_selections
from ticketbench.runner.local import gc_tuned

Args = dict[str, Any]
Case = Callable[[random.Random], tuple[TicketEnv, Args]]


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class _Fixture:
    """Realistic argument pools drawn from one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        users = [u for u in world.data.users if u.payment_methods]
        self.user = users[0]
        self.other = users[1]  # the recipient of ticket transfers
        sts = sorted(world.data.showtimes, key=lambda s: s.start)
        self.now = sts[0].start - timedelta(hours=2)
        self.showtimes = [s for s in sts if s.start > self.now][:2000]
        self.movies = list(world.data.movies)
        self.cinemas = list(world.data.cinemas)
        self.events = list(world.data.events)
        self.sessions = [s.id for e in self.events for s in e.sessions]
        self.city = world.cities[self.user.city_id]
        self.places = ["家", "home", *[lm.name_zh for lm in self.city.landmarks]]
        self.places += [lm.name_en for lm in self.city.landmarks]
        self.queries = [m.title_zh[:3] for m in self.movies] + [m.title_en for m in self.movies]
        self.base_env = self.env()

    def env(self) -> TicketEnv:
        return TicketEnv(self.world, self.user.id, self.now)

    def seats(self, rng: random.Random, env: TicketEnv, showtime_id: str) -> list[str] | None:
        sm, unavailable = seat_availability(env, showtime_id)
        opts = rank_selections(sm, unavailable, rng.choice((1, 2, 2, 3, 4)), "centre", 1)
        return opts[0] if opts else None

    def movie_order(self, rng: random.Random) -> tuple[TicketEnv, str] | None:
        env = self.env()
        st = rng.choice(self.showtimes[:300])
        seats = self.seats(rng, env, st.id)
        if not seats:
            return None
        res = AGENT_TOOLS.call(env, "create_order", {"showtime_id": st.id, "seats": seats})
        if not res.ok:
            return None
        return env, res.data["order_id"]

    def cases(self) -> Mapping[str, Case]:
        base = self.base_env
        pm = self.user.payment_methods[0].id

        def fixed(args: Callable[[random.Random], Args]) -> Case:
            return lambda r: (base, args(r))

        def order_case(paid: bool, extra: Args) -> Case:
            def make(r: random.Random) -> tuple[TicketEnv, Args]:
                made = None
                while made is None:
                    made = self.movie_order(r)
                env, oid = made
                if paid:
                    pay_order(env, oid, pm)
                return env, {"order_id": oid, **extra}

            return make

        def create(r: random.Random) -> tuple[TicketEnv, Args]:
            env = self.env()
            while True:
                st = r.choice(self.showtimes[:300])
                seats = self.seats(r, env, st.id)
                if seats:
                    return env, {"showtime_id": st.id, "seats": seats}

        return {
            "current_time": fixed(lambda r: {}),
            "search_movies": fixed(lambda r: {"query": r.choice(self.queries)}),
            "search_cinemas": fixed(
                lambda r: r.choice(
                    [{"near": r.choice(self.places)}, {"brand": r.choice(self.cinemas).brand_zh}]
                )
            ),
            "search_showtimes": fixed(
                lambda r: {
                    "movie_id": r.choice(self.movies).id,
                    **r.choice(
                        [
                            {},
                            {"date": self.now.date().isoformat()},
                            {"near": r.choice(self.places)},
                            {"after": "18:00", "format": "2D"},
                        ]
                    ),
                }
            ),
            "search_events": fixed(
                lambda r: r.choice([{"query": r.choice(self.events).title_zh[:2]}, {}])
            ),
            "get_event": fixed(lambda r: {"event_id": r.choice(self.events).id}),
            "seat_map": fixed(lambda r: {"showtime_id": r.choice(self.showtimes).id}),
            "recommend_seats": fixed(
                lambda r: {"showtime_id": r.choice(self.showtimes).id, "count": r.randint(1, 4)}
            ),
            "get_user_profile": fixed(lambda r: {}),
            "quote_price": create,
            "create_order": create,
            "get_order": order_case(False, {}),
            "list_orders": fixed(lambda r: {}),
            "cancel_order": order_case(False, {}),
            "request_payment": order_case(False, {"payment_method_id": pm}),
            "refund_order": order_case(True, {}),
            "transfer_ticket": order_case(True, {"recipient_phone": self.other.phone}),
            "booking_link": fixed(lambda r: {"showtime_id": r.choice(self.showtimes).id}),
            "transfer_to_human": fixed(lambda r: {"reason": "user wants to file a complaint"}),
        }


def _time_tool(
    name: str, case: Case, rng: random.Random, n: int
) -> tuple[list[float], list[float]]:
    """(wall, cpu) microseconds per call. CPU time (this thread only) is reported too
    because wall time on a shared machine mostly measures the neighbours."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(n):
        env, args = case(rng)
        c0 = time.thread_time_ns()
        t0 = time.perf_counter_ns()
        res = AGENT_TOOLS.call(env, name, args)
        wall.append((time.perf_counter_ns() - t0) / 1000)
        cpu.append((time.thread_time_ns() - c0) / 1000)
        if not res.ok and res.error is not None and res.error.code == "internal":
            raise RuntimeError(f"{name} failed in the benchmark: {res.content}")
    return wall, cpu


def reset_cost(world: World, n: int = 2000) -> float:
    """Median microseconds to create a fresh episode (TicketEnv) over `world`."""
    user = world.data.users[0].id
    now = datetime.fromisoformat("2025-06-01T10:00:00+08:00")
    samples: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        TicketEnv(world, user, now)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    return statistics.median(samples)


def _world_10x(seed: int) -> World | None:
    try:
        builder = importlib.import_module("ticketbench.env.builder.world")
    except ImportError:
        return None
    build: Callable[..., Any] = builder.build_world
    data = build(seed, scale=10)
    return data if isinstance(data, World) else World(data)


def run_bench(
    n: int = 300, seed: int = 0, world: World | None = None, passes: int = 3
) -> dict[str, Any]:
    """Benchmark every tool `n` times per pass; see the module docstring for the keys."""
    world = world or load_world()
    fx = _Fixture(world)
    cases = fx.cases()
    p50: dict[str, float] = {}
    p99: dict[str, float] = {}
    cpu50: dict[str, float] = {}
    first50: dict[str, float] = {}
    with gc_tuned():
        for name, case in cases.items():
            # The same arguments each pass: first calls, then calls a running harness makes.
            first, _ = _time_tool(name, case, random.Random(f"{seed}:{name}"), n)
            wall, cpu = min(
                (_time_tool(name, case, random.Random(f"{seed}:{name}"), n) for _ in range(passes)),
                key=lambda wc: _pct(wc[0], 0.5),
            )
            first50[name] = round(_pct(first, 0.5), 1)
            p50[name] = round(_pct(wall, 0.5), 1)
            p99[name] = round(_pct(wall, 0.99), 1)
            cpu50[name] = round(_pct(cpu, 0.5), 1)
    big = _world_10x(world.data.seed)
    out: dict[str, Any] = {
        "world": world.counts(),
        "calls_per_tool": n,
        "passes": passes,
        "reset_us": round(reset_cost(world), 2),
        "reset_us_10x": round(reset_cost(big), 2) if big is not None else None,
        "tool_p50_us": p50,
        "tool_p99_us": p99,
        "tool_p50_cpu_us": cpu50,
        "tool_first_p50_us": first50,
        "tools_over_50us_p50": sorted(k for k, v in p50.items() if v > 50),
    }
    if big is not None:
        out["world_10x"] = big.counts()
    out.update(_prompt_size())
    return out


def _prompt_size() -> dict[str, Any]:
    """`prompt_tokens` of the first request (see `bench/prompt.py`), or why it is missing."""
    from ticketbench.bench.prompt import TokenizerMissing, first_request_tokens

    try:
        return first_request_tokens()
    except TokenizerMissing as err:
        return {"prompt_tokens": None, "prompt_tokens_missing": str(err)}


def format_table(result: Mapping[str, Any]) -> Iterator[str]:
    """Human-readable lines for the CLI."""
    yield f"reset: {result['reset_us']} us (10x world: {result['reset_us_10x']} us)"
    if result.get("prompt_tokens") is None:
        yield f"prompt tokens: not counted ({result.get('prompt_tokens_missing')})"
    else:
        yield (
            f"prompt tokens (first request, {result['tokenizer']}): {result['prompt_tokens']} "
            f"= system {result['system_tokens']} + tool schemas {result['tool_schema_tokens']}"
        )
    yield f"{'tool':<20} {'p50 us':>9} {'p99 us':>9} {'p50 cpu us':>11} {'first p50 us':>13}"
    for name, v in result["tool_p50_us"].items():
        p99, cpu = result["tool_p99_us"][name], result["tool_p50_cpu_us"][name]
        first = result["tool_first_p50_us"][name]
        yield f"{name:<20} {v:>9.1f} {p99:>9.1f} {cpu:>11.1f} {first:>13.1f}"
