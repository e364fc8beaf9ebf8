"""Episodes of a seeded task start from a cached setup; each must still be independent."""

from __future__ import annotations

from ticketbench.env import AGENT_TOOLS
from ticketbench.env.state import TicketEnv
from ticketbench.env.world import load_world
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import apply_setup, make_env


def test_cached_setup_equals_fresh_setup_and_envs_are_independent() -> None:
    world = load_world()
    task = next(t for t in load_suite("dev") if t.setup.orders and t.expect.refunds)
    first, second = make_env(task, world), make_env(task, world)  # second: from the cache
    fresh = TicketEnv(world, task.user_id, task.now)
    apply_setup(task, fresh)
    for env in (first, second):
        assert (
            env.now == fresh.now and env.diff() == [] and env.user_orders() == fresh.user_orders()
        )
    seeded = first.order(task.expect.refunds[0].order_id)  # a seeded order it may refund
    assert seeded is not None
    res = AGENT_TOOLS.call(first, "refund_order", {"order_id": seeded.id})
    assert res.ok, res.content
    assert first.order(seeded.id).status == "refunded"  # type: ignore[union-attr]
    assert second.order(seeded.id).status == "paid"  # type: ignore[union-attr]
    assert make_env(task, world).order(seeded.id).status == "paid"  # type: ignore[union-attr]
    assert second.diff() == [] and first.diff() != []
