"""The audit's positional check: which fixed row of which listing holds each task's answer,
and every row holding the answers of too many tasks of a split."""

from __future__ import annotations

from ticketbench.env.world import World
from ticketbench.suite.audit.positions import (
    answer_ids,
    position_discrepancies,
    position_shares,
    positions,
    task_listings,
)
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task

DEV = {t.id: t for t in load_suite("dev")}


def _one_showing(template: str) -> Task:
    return next(
        t
        for t in DEV.values()
        if t.template == template and len({i for o in t.expect.orders for i in o.showtime_ids}) == 1
    )


def test_the_answer_is_placed_from_the_front_and_from_the_end(world: World) -> None:
    task = _one_showing("spec_together")
    (answer,) = answer_ids(task)
    listings = task_listings(task, make_env(task, world))
    rows = [r.id for r in listings["showtimes at the cinema"]]
    # the listing is the tool's own, in its order: soonest first, at the answer's cinema
    st = world.showtimes[answer]
    starts = [world.showtimes[i].start for i in rows]
    assert starts == sorted(starts)
    assert all(world.showtimes[i].cinema_id == st.cinema_id for i in rows)
    k = rows.index(answer)
    found = positions(task, listings)
    assert f"row {k + 1} of showtimes at the cinema" in found
    assert f"row {len(rows) - k} from the end of showtimes at the cinema" in found
    assert not any(r.startswith("row") and "sessions" in r for r in found)


def test_refunds_and_refusals_are_placed_in_their_listings(world: World) -> None:
    refund = next(t for t in DEV.values() if t.expect.refunds)
    found = positions(refund, task_listings(refund, make_env(refund, world)))
    assert any("the user's paid orders" in r for r in found), found
    # a closed sale: every row the service marks closed is an answer (relaying its error wins)
    closed = next(t for t in DEV.values() if t.expect.reason == "sales_closed")
    listings = task_listings(closed, make_env(closed, world))
    found = positions(closed, listings)
    shut = [k for k, r in enumerate(listings["showtimes at the cinema"]) if r.state == "closed"]
    assert shut and {f"row {k + 1} of showtimes at the cinema" for k in shut} <= found


def test_a_row_holding_many_answers_is_reported(world: World) -> None:
    task = _one_showing("spec_together")
    many = [task.model_copy(update={"id": f"dev-copy-{i:03d}"}) for i in range(10)]
    found = position_discrepancies(many, world)
    assert found and all(d.kind == "position" for d in found)
    assert any("row" in d.detail and "10 of 10 dev tasks" in d.detail for d in found)
    # the same rows, diluted below the bound by tasks answered elsewhere, are not reported
    shares = position_shares(many[:1], world)["dev"]
    assert all(ids == ["dev-copy-000"] for ids in shares.values())
    assert position_discrepancies(many[:1], world, bound=1.0) == []
