"""Episodes of a seeded task start from a cached setup; each must still be independent."""

from __future__ import annotations

from harness.env import AGENT_TOOLS
from harness.env.state import TicketEnv
from harness.env.world import load_world
from harness.suite.prepare import apply_setup, make_env
from harness.suite.store import load_suite


def test_cached_setup_equals_fresh_setup_and_envs_are_independent() -> None:
    world = load_world()
    task = next(t for t in load_suite("dev") if t.setup.orders)
    first, second = make_env(task, world), make_env(task, world)  # second: from the cache
    fresh = TicketEnv(world, task.user_id, task.now)
    apply_setup(task, fresh)
    for env in (first, second):
        assert (
            env.now == fresh.now and env.diff() == [] and env.user_orders() == fresh.user_orders()
        )
    seeded = first.user_orders()[-1]
    res = AGENT_TOOLS.call(first, "refund_order", {"order_id": seeded.id})
    assert res.ok, res.content
    assert first.order(seeded.id).status == "refunded"  # type: ignore[union-attr]
    assert second.order(seeded.id).status == "paid"  # type: ignore[union-attr]
    assert make_env(task, world).order(seeded.id).status == "paid"  # type: ignore[union-attr]
    assert second.diff() == [] and first.diff() != []
