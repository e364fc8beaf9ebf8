"""`ticketbench tasks audit`: the independent brute-force check of the suite's ground truth.

It finds nothing wrong in the committed suite, finds every defect class the issue reported
in the old suite's tasks (kept in tests/data with world v1, the world they were drawn on),
and flags specs broken on purpose in both
directions: accepting what the request rules out, refusing what it allows.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.env.world import World, read_world_data
from ticketbench.suite.audit import audit_task, audit_tasks
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Task
from ticketbench.suite.taskfile import parse_tasks

ROOT = Path(__file__).resolve().parents[1]
DEFECTS = Path(__file__).parent / "data" / "audit_defects.jsonl"
# The world the old suite's tasks were drawn on (world v2 reused its ids for other showings).
WORLD_V1 = Path(__file__).parent / "data" / "world-v1.json.gz"
ALL: list[Task] = load_suite("dev") + load_suite("test")


def _kinds(task: Task, world: World) -> set[str]:
    return {d.kind for d in audit_task(task, world)}


def test_committed_suite_has_no_discrepancy(world: World) -> None:
    report = audit_tasks(ALL, world)
    assert report.checked == len(ALL) >= 1098
    assert report.discrepancies == [], report.discrepancies[:5]


# The defects the issue reported, in tasks of the suite before the fix (version 1.2.0).
REPORTED = {
    "dev-pricing-004": "rejects_right",  # a ¥70.00 option with the user's coupon refused
    "dev-adversarial-002": "rejects_right",  # the opening's time fits two showings
    "test-pricing-070": "accepts_wrong",  # "cheapest" over a window too short: ¥89.80
    "dev-infeasible-015": "feasible",  # "no 4 seats together" beside 4 couple seats
    "dev-composite-004": "count",  # "我和爱人…1张"
    "dev-seating-000": "accepts_wrong",  # "centre" seats in the front row
    "test-constrained-000": "rejects_right",  # an IMAX 3D showing refused for "IMAX"
}


def test_reported_defects_are_found() -> None:
    world = World(read_world_data(WORLD_V1))
    tasks = {t.id: t for t in parse_tasks(DEFECTS.read_bytes(), DEFECTS)}
    assert set(tasks) == set(REPORTED)
    for tid, kind in REPORTED.items():
        assert kind in _kinds(tasks[tid], world), tid
    budget = [d.detail for d in audit_task(tasks["dev-pricing-004"], world)]
    assert any("¥70.00" in d for d in budget), budget
    cheapest = [d.detail for d in audit_task(tasks["test-pricing-070"], world)]
    assert any("¥89.80" in d and "¥77.80" in d for d in cheapest), cheapest


# --- specs broken on purpose ------------------------------------------------------------


def _first(template: str, pred: Callable[[Task], bool] = lambda t: True) -> Task:
    return next(t for t in ALL if t.template == template and pred(t))


def _with_order(task: Task, **changes: Any) -> Task:
    """`task` with the first order spec changed, in the expect and the goal alike."""
    spec = task.expect.orders[0]
    new = spec.model_copy(update=changes)
    expect = task.expect.model_copy(update={"orders": (new, *task.expect.orders[1:])})
    goal = task.goal.model_copy(update={"orders": (new, *task.goal.orders[1:])})
    return task.model_copy(update={"expect": expect, "goal": goal})


def _with_seats(task: Task, **changes: Any) -> Task:
    spec = task.expect.orders[0]
    return _with_order(task, seats=spec.seats.model_copy(update=changes))


def _no_seat_types(task: Task, world: World) -> Task:
    return _with_seats(task, types=())


def _other_day_showtime(world: World, task: Task) -> str:
    st = world.showtimes[task.expect.orders[0].showtime_ids[0]]
    return next(
        s.id
        for s in world.showtimes_by_movie[st.movie_id]
        if s.start.date() != st.start.date()
        and s.start - timedelta(minutes=s.sales_cutoff_min) > task.now  # still on sale
        and world.cinemas[s.cinema_id].city_id == world.cinemas[st.cinema_id].city_id
    )  # fmt: skip


def _later_zone(task: Task, world: World) -> tuple[str, ...]:
    """A zone of the task's event listed after the zone its spec wants (none if last)."""
    zones = [z.id for z in world.sessions[task.expect.orders[0].session_ids[0]][0].zones]
    return tuple(zones[zones.index(task.expect.orders[0].zone_ids[0]) + 1 :][:1])


# The templates asking for a named showing in the words of `suite/templates/stated.py`.
STATED = ("spec_together", "spec_terse", "time_starting_soon")

BROKEN: list[tuple[str, str, Callable[[Task, World], Task]]] = [
    # (template, kind the audit must report, how the spec is broken)
    ("price_budget_evening", "rejects_right",
     lambda t, w: _with_order(t, showtime_ids=t.expect.orders[0].showtime_ids[1:])),
    ("price_hidden_budget", "rejects_right",
     lambda t, w: _with_order(t, max_total_fen=(t.expect.orders[0].max_total_fen or 0) - 5000)),
    ("spec_together", "accepts_wrong",
     lambda t, w: _with_order(t, showtime_ids=(*t.expect.orders[0].showtime_ids,
                                               _other_day_showtime(w, t)))),
    ("price_cheapest_day", "accepts_wrong", lambda t, w: _with_order(t, max_total_fen=10**7)),
    ("price_best_discount", "rejects_right",
     lambda t, w: _with_order(t, max_total_fen=(t.expect.orders[0].max_total_fen or 0) - 1)),
    ("seat_back_rows", "accepts_wrong", lambda t, w: _with_seats(t, rows=())),
    ("seat_centre", "accepts_wrong", lambda t, w: _with_seats(t, rows=(), centre=False)),
    ("seat_aisle", "accepts_wrong", lambda t, w: _with_seats(t, aisle=False)),
    ("spec_together", "accepts_wrong", _no_seat_types),
    ("con_nearest_home", "accepts_wrong",
     lambda t, w: _with_order(t, showtime_ids=(*t.expect.orders[0].showtime_ids,
                                               _other_day_showtime(w, t)))),
    ("spec_exact_seats", "count",
     lambda t, w: _with_order(t, count=t.expect.orders[0].count + 1)),
    ("ev_cheapest_zone", "accepts_wrong",
     lambda t, w: _with_order(t, zone_ids=(), max_total_fen=None)),
    ("ev_real_name", "rejects_right",  # a zone listed after the right one: the audit
     lambda t, w: _with_order(t, zone_ids=_later_zone(t, w))),  # stops at the first finding
]  # fmt: skip


@pytest.mark.parametrize(("template", "kind", "brake"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_specs_are_caught(world: World, template: str, kind: str, brake: Any) -> None:
    def fits(t: Task) -> bool:
        spec = t.expect.orders[0]
        if template == "price_budget_evening":
            return len(spec.showtime_ids) > 1
        if template == "ev_real_name":
            return bool(_later_zone(t, world))
        if brake is _no_seat_types:
            # lifting the seat types lets in a wheelchair space only where one is free
            # beside its companion seat for the party: find such a task
            return kind in _kinds(brake(t, world), world)
        return True

    # which draw of a named showing has a free wheelchair space beside its companion seat
    # is the suite's luck: look among every template asking for one that way
    family = STATED if brake is _no_seat_types else (template,)
    task = next(t for name in family for t in ALL if t.template == name and fits(t))
    assert _kinds(task, world) == set(), task.id  # the committed task is clean
    assert kind in _kinds(brake(task, world), world), task.id


def test_feasibility_reason_clarify_and_aftersale_are_checked(world: World) -> None:
    feasible = _first("spec_together")
    infeasible = feasible.model_copy(
        update={"expect": feasible.expect.model_copy(
            update={"feasible": False, "reason": "not_enough_seats", "orders": ()})}
    )  # fmt: skip
    assert "feasible" in _kinds(infeasible, world)
    closed = _first("inf_sales_closed")
    wrong = closed.model_copy(
        update={"expect": closed.expect.model_copy(update={"reason": "over_budget"})}
    )
    assert _kinds(wrong, world) == {"reason"}
    elsewhere = closed.model_copy(
        update={"expect": closed.expect.model_copy(update={"reason_about": ("S00001",)})}
    )
    assert _kinds(elsewhere, world) == {"reason"}
    asks = _first("clar_missing_count")
    silent = asks.model_copy(update={"expect": asks.expect.model_copy(update={"clarify": ()})})
    assert "clarify" in _kinds(silent, world)
    told = _first("spec_together")
    needless = told.model_copy(
        update={"expect": told.expect.model_copy(update={"clarify": ("count",)})}
    )
    assert "clarify" in _kinds(needless, world)
    refund = _first("after_refund_movie")
    r = refund.expect.refunds[0]
    off = refund.model_copy(
        update={"expect": refund.expect.model_copy(
            update={"refunds": (r.model_copy(update={"refund_fen": r.refund_fen + 100}),)})}
    )  # fmt: skip
    assert "aftersale" in _kinds(off, world)
    code = _first("after_pickup_code")
    m = code.expect.must_tell[0]
    wrong_code = code.model_copy(
        update={"expect": code.expect.model_copy(
            update={"must_tell": (m.model_copy(update={"any_of": ("00000000",)}),)})}
    )  # fmt: skip
    assert "aftersale" in _kinds(wrong_code, world)
    hidden = _first("price_hidden_budget")
    loose = hidden.model_copy(update={"goal": hidden.goal.model_copy(update={"budget_fen": None})})
    assert "goal" in _kinds(loose, world)


def test_party_words_must_match_the_count(world: World) -> None:
    task = _first("comp_movie_and_show", lambda t: t.locale == "zh" and "我和爱人" in t.opening)
    assert _kinds(task, world) == set()
    n = task.expect.orders[1].count
    wrong = task.model_copy(update={"opening": task.opening.replace(f"{n}张", f"{n + 1}张")})
    assert "count" in _kinds(wrong, world)


# --- independence, CLI ------------------------------------------------------------------

GENERATOR = ("templates", "ground_truth", "generator", "draft")


def test_audit_imports_nothing_of_the_generator() -> None:
    for path in (ROOT / "ticketbench" / "suite" / "audit").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                assert not any(f"suite.{g}" in name for g in GENERATOR), (path.name, name)


def test_cli_json_and_exit_status(world: World, tmp_path: Path) -> None:
    broken = {t: brake(_first(t), world) for t, _, brake in BROKEN[:3]}
    path = tmp_path / "broken.jsonl"
    path.write_text("".join(t.model_dump_json() + "\n" for t in broken.values()), "utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["tasks", "audit", "--suite", str(path), "--json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout)
    assert data["checked"] == len(broken)
    assert {d["task_id"] for d in data["discrepancies"]} == {t.id for t in broken.values()}
    assert all(set(d) == {"task_id", "kind", "detail"} for d in data["discrepancies"])
    res = runner.invoke(app, ["tasks", "audit", "--suite", "dev"])
    assert res.exit_code == 0, res.output
    assert "188 tasks" in res.output and "0 discrepancies" in res.output
