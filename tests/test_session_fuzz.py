"""Property-based fuzz of the public session API (hypothesis; the 100,000-call run is the
`ticketbench bench fuzz` benchmark): nothing escapes `session.call`, and after every call
the world's invariants hold (see `ticketbench.bench.fuzz.check_call`)."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from ticketbench.bench.fuzz import FuzzResult, _purchase, fuzz_calls, new_session, world_ids
from ticketbench.env import AGENT_TOOLS
from ticketbench.env.world import load_world
from ticketbench.suite.dataset import load_suite
from ticketbench.trajectory import Event

WORLD = load_world()
TASKS = load_suite("dev")
TOOLS = [t.name for t in AGENT_TOOLS]
POOL = world_ids(WORLD, TASKS[0]).ids

json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.sampled_from(POOL),
    st.sampled_from(["\ud83d", "a\udc00", "长" * 500, "x" * 50_000]),
)  # fmt: skip
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)  # fmt: skip


@st.composite
def deep(draw: st.DrawFn) -> Any:
    value: Any = draw(json_scalar)
    for _ in range(draw(st.integers(200, 1500))):
        value = [value] if draw(st.booleans()) else {"k": value}
    return value


def _tool_args(name: str) -> st.SearchStrategy[dict[str, Any]]:
    tool = AGENT_TOOLS.get(name)
    params = list(tool.spec.parameters.get("properties", {})) if tool is not None else []
    return st.fixed_dictionaries({}, optional={p: json_value for p in params})


call = st.one_of(
    st.sampled_from(TOOLS).flatmap(lambda n: st.tuples(st.just(n), _tool_args(n))),
    st.tuples(st.sampled_from(TOOLS), json_value),
    st.tuples(st.sampled_from(TOOLS), st.text()),  # raw strings: truncated, non-JSON, ...
    st.tuples(st.sampled_from(TOOLS), deep()),
    st.tuples(st.one_of(st.text(), st.integers(), st.none()), json_value),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    task_index=st.integers(0, len(TASKS) - 1),
    buy_first=st.booleans(),
    calls=st.lists(call, min_size=1, max_size=25),
)
def test_hostile_calls_never_escape_and_keep_the_world_invariants(
    task_index: int, buy_first: bool, calls: list[tuple[object, object]]
) -> None:
    task = TASKS[task_index]
    session, env = new_session(task, WORLD)
    pools = world_ids(WORLD, task)
    result = FuzzResult()

    async def main() -> None:
        if buy_first:
            await _purchase(session, env, task, random.Random(task_index))
        await fuzz_calls(session, env, pools, calls, result)

    asyncio.run(main())
    assert result.escapes == 0 and result.breaks == 0, result.examples
    trajectory = session.trajectory()
    assert trajectory.tool_calls >= len(calls)
    # every event can be written to a record and read back
    events = TypeAdapter(list[Event])
    assert len(events.validate_json(events.dump_json(trajectory.events))) == len(trajectory.events)
