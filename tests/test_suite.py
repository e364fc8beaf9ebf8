"""The task suite: every reference passes its checker, doing nothing fails, optima are strict,
the dataset folder loads offline and regenerates byte for byte, and no secret leaks."""

from __future__ import annotations

import pytest

from harness.env.tools import AGENT_TOOLS
from harness.env.world import load_world
from harness.suite.checker import check
from harness.suite.draft import replay
from harness.suite.prepare import make_env
from harness.suite.spec import CATEGORIES, Task
from harness.suite.store import load_suite, suite_path

ALL: list[Task] = load_suite("test") + load_suite("dev")


def test_sizes_and_mix() -> None:
    test = load_suite("test")
    assert len(test) >= 800 and len(load_suite("dev")) >= 150
    for cat in CATEGORIES:
        assert sum(t.category == cat for t in test) >= 50, cat
    for loc in ("zh", "en"):
        assert sum(t.locale == loc for t in ALL) >= 0.4 * len(ALL)
    assert sum(t.infeasible for t in ALL) >= 0.15 * len(ALL)
    assert len({t.template for t in ALL}) >= 40


def test_reference_passes_and_noop_fails() -> None:
    world = load_world()
    for task in ALL:
        env = make_env(task, world)
        said = replay(task, env)
        res = check(task, env, said, clarified=True)
        assert res.passed, (task.id, res.reasons)
        idle = check(task, make_env(task, world), [])
        assert not idle.passed, task.id  # nothing done: no write, or the message missing


def test_second_best_fails() -> None:
    """For cheapest-style tasks an order just above the optimum is refused by the spec."""
    world = load_world()
    for task in ALL:
        if task.expect.optimal != "cheapest":
            continue
        env = make_env(task, world)
        said = replay(task, env)
        order = env.order(check(task, env, said).matched_orders[0])
        assert order is not None
        worse = order.model_copy(update={"total_fen": order.total_fen + 1})
        env.put_order(worse)
        assert not check(task, env, said).passed, task.id


def test_no_secret_reachable() -> None:
    """Hidden answers and goal summaries never appear in any tool output."""
    world = load_world()
    for task in ALL[::7]:
        env = make_env(task, world)
        outputs: list[str] = []
        for step in task.reference:
            if step.kind == "call":
                outputs.append(AGENT_TOOLS.call(env, step.tool, step.args).content)
        outputs.append(AGENT_TOOLS.call(env, "get_user_profile", {}).content)
        outputs.append(AGENT_TOOLS.call(env, "list_orders", {}).content)
        blob = "\n".join(outputs)
        for fact in task.knowledge:
            assert fact.answer not in blob, (task.id, fact.answer)
        assert task.goal.summary not in blob, task.id
        assert task.id not in blob


def test_hf_folder_loads_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets

    ds = datasets.load_dataset(str(suite_path()))
    assert ds["test"].num_rows == len(load_suite("test"))
    assert ds["dev"].num_rows == len(load_suite("dev"))


@pytest.mark.slow
def test_generate_reproduces(tmp_path: object) -> None:
    from pathlib import Path

    from harness.suite.generator import generate
    from harness.suite.store import write_suite

    out = Path(str(tmp_path))
    write_suite(generate(load_world()), out, 2026)
    for name in ("data/test.jsonl", "data/dev.jsonl", "README.md"):
        assert (out / name).read_bytes() == (suite_path() / name).read_bytes(), name
