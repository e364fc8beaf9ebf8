"""The task suite: every reference passes its checker, doing nothing fails, optima are strict,
injected text reaches the agent, no secret leaks through any tool, and the dataset folder
loads offline and regenerates byte for byte."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ticketbench.cli.tasks_cmd import stats_of
from ticketbench.env.app import APP_ACTIONS
from ticketbench.env.state import TicketEnv, payment_requests
from ticketbench.env.tools import AGENT_TOOLS
from ticketbench.env.world import World
from ticketbench.suite.checker import Transcript, check
from ticketbench.suite.dataset import SPLITS, load_suite, suite_path, write_suite
from ticketbench.suite.draft import replay
from ticketbench.suite.setup import judge_sheet, make_env
from ticketbench.suite.spec import CATEGORIES, InjectField, Task, task_from_row, task_to_row
from ticketbench.suite.textmatch import fold

ALL: list[Task] = load_suite("test") + load_suite("dev")


def test_sizes_and_mix() -> None:
    test = load_suite("test")
    assert len(test) >= 800 and len(load_suite("dev")) >= 150
    for cat in CATEGORIES:
        assert sum(t.category == cat for t in test) >= 50, cat
    for loc in ("zh", "en"):
        assert sum(t.locale == loc for t in ALL) >= 0.4 * len(ALL)
    for tmpl in {t.template for t in ALL}:  # one suite, two languages: every template in both
        mine = [t for t in ALL if t.template == tmpl]
        for loc in ("zh", "en"):
            assert sum(t.locale == loc for t in mine) >= 0.4 * len(mine), (tmpl, loc)
    assert sum(t.infeasible for t in ALL) >= 0.15 * len(ALL)
    assert len({t.template for t in ALL}) >= 40
    assert len({t.id for t in ALL}) == len(ALL)
    stats = stats_of(test)
    assert {"total", "by_category", "by_locale", "infeasible_share", "templates"} <= set(stats)
    assert stats["pairs"] == len(test) // 2 and stats["min_template_locale_share"] == 0.5


def test_parallel_pairs() -> None:
    """Every task has its twin in the other language: same situation, same ground truth."""
    from ticketbench.suite.generator import situation

    pairs: dict[str, list[Task]] = {}
    for t in ALL:
        assert t.pair_id is not None, t.id
        pairs.setdefault(t.pair_id, []).append(t)
    assert len(pairs) == len(ALL) // 2
    for pid, (a, b) in pairs.items():
        assert {a.locale, b.locale} == {"zh", "en"}, pid
        assert situation(a) == situation(b), pid
        assert a.opening != b.opening, pid


def test_questions_reach_the_facts() -> None:
    """Each clarifying question of a reference, in any of its wordings, is about a fact the
    simulated user holds for that slot (so the user can answer it)."""
    from ticketbench.users.understand import asked_facts

    for task in ALL:
        for step in task.reference:
            if step.kind == "ask":
                slots = {f.slot for f in asked_facts(step.text, task.knowledge)}
                assert step.slot in slots, (task.id, step.text)


def test_reference_passes_and_noop_fails(world: World) -> None:
    for task in ALL:
        env = make_env(task, world)
        said = Transcript(replay(task, env), heard=(task.opening,))
        res = check(task, env, said, clarified=True)
        assert res.passed, (task.id, res.reasons)
        idle = check(task, make_env(task, world), Transcript([], heard=(task.opening,)))
        assert not idle.passed, task.id  # nothing done: no write, or the message missing
        if task.expect.clarify:  # writing without asking first fails a clarification task
            assert not check(task, env, said, clarified=False).passed, task.id


def test_second_best_fails(world: World) -> None:
    """For cheapest-style tasks an order just above the optimum is refused by the spec."""
    cheapest = [t for t in ALL if t.expect.optimal == "cheapest"]
    assert len(cheapest) >= 50
    for task in cheapest:
        env = make_env(task, world)
        said = Transcript(replay(task, env))
        order = env.order(check(task, env, said).matched_orders[0])
        assert order is not None
        env.put_order(order.model_copy(update={"total_fen": order.total_fen + 1}))
        assert not check(task, env, said).passed, task.id


def test_user_approves_only_the_goal(world: World) -> None:
    """The reference's payment sheets are approved; a no-purchase goal approves nothing."""
    from ticketbench.env.sheets import episode_purchases, payment_sheet

    for task in ALL[::5]:
        env = make_env(task, world)
        for step in task.reference:
            if step.kind == "call":
                AGENT_TOOLS.call(env, step.tool, step.args)
            elif step.kind == "pay":
                assert AGENT_TOOLS.call(env, "request_payment", step.args).ok
                rid = payment_requests(env)[-1].id
                j = judge_sheet(task, payment_sheet(env, rid), episode_purchases(env))
                assert j.ok, (task.id, j.detail)
                assert APP_ACTIONS.call(env, "approve_payment", {"request_id": rid}).ok
        if not task.goal.orders:
            assert not judge_sheet(task, {"kind": "movie", "amount_fen": 1, "items": []}).ok


# --- injected text reaches the agent --------------------------------------------------

# Which agent-facing tool shows each injectable field.
SHOWN_BY: dict[InjectField, str] = {
    "movie.synopsis": "search_movies",
    "cinema.notice": "search_cinemas",
    "event.description": "get_event",
    "coupon.terms": "get_user_profile",
    "attendee.name": "get_user_profile",
}


def _show_call(world: World, env: TicketEnv, field: InjectField, ref: str) -> dict[str, Any]:
    if field == "movie.synopsis":
        return {"query": world.movies[ref].title_en}
    if field == "cinema.notice":
        c = world.cinemas[ref]
        return {"query": c.name_zh, "city": world.cities[c.city_id].name_en, "limit": 50}
    if field == "event.description":
        return {"event_id": ref}
    return {}


def test_injections_reach_tool_output(world: World) -> None:
    """Every injection of the suite shows up, in full, in the tool that reads its field and
    along the task's reference solution (so an agent on the usual path meets it)."""
    tasks = [t for t in ALL if t.setup.injections]
    fields = {inj.field for t in tasks for inj in t.setup.injections}
    assert fields == set(SHOWN_BY)
    for task in tasks:
        env = make_env(task, world)
        for inj in task.setup.injections:
            tool = SHOWN_BY[inj.field]
            res = AGENT_TOOLS.call(env, tool, _show_call(world, env, inj.field, inj.ref))
            assert res.ok, (task.id, res.content)
            assert inj.text in res.content, (task.id, tool, inj.field)
        seen = _reference_outputs(make_env(task, world), task)
        assert all(any(i.text in o for o in seen) for i in task.setup.injections), task.id


# --- no secret reachable through any tool ---------------------------------------------


def _broad_calls(world: World, task: Task) -> list[tuple[str, dict[str, Any]]]:
    """The reference's lookups widened: everything listable, and every entity the spec names."""
    city = world.cities[world.users[task.user_id].city_id].name_en
    calls: list[tuple[str, dict[str, Any]]] = [
        ("current_time", {}),
        ("get_user_profile", {}),
        ("list_orders", {}),
        ("search_movies", {"query": "", "limit": 30}),
        ("search_movies", {"query": "", "city": city, "limit": 30}),
        ("search_cinemas", {"limit": 50}),
        ("search_cinemas", {"near": "home", "limit": 50}),
        ("search_events", {"limit": 30}),
        ("search_events", {"city": city, "limit": 30}),
    ]
    specs = [*task.expect.orders, *(ex.to for ex in task.expect.exchanges)]
    for spec in specs:
        for sid in spec.showtime_ids[:3]:
            movie = world.showtimes[sid].movie_id
            calls += [
                ("seat_map", {"showtime_id": sid}),
                ("recommend_seats", {"showtime_id": sid, "count": min(spec.count, 4)}),
                ("search_showtimes", {"movie_id": movie, "limit": 50}),
            ]
        for ses in spec.session_ids:
            calls.append(("get_event", {"event_id": world.sessions[ses][0].id}))
    return calls


def _secrets(task: Task) -> list[str]:
    """What only the task spec knows and no tool may show."""
    out = [task.id, task.template, task.goal.summary]
    out += [f.answer for f in task.knowledge]
    out += [s.text for s in task.reference if s.kind == "ask"]
    for fen in (task.goal.budget_fen, task.expect.max_combined_fen):
        if fen is not None:  # tools print money as "¥12.00"; a budget is said in yuan
            out += [f"{fen // 100}元", f"{fen // 100} yuan", f"{fen // 100}块"]
    return [fold(s) for s in out if s]


def _reference_outputs(env: TicketEnv, task: Task) -> list[str]:
    """Every agent-facing output along the reference solution (payment sheets included)."""
    out: list[str] = []
    for step in task.reference:
        if step.kind == "call":
            out.append(AGENT_TOOLS.call(env, step.tool, step.args).content)
        elif step.kind == "pay":
            out.append(AGENT_TOOLS.call(env, "request_payment", step.args).content)
            rid = payment_requests(env)[-1].id
            APP_ACTIONS.call(env, "approve_payment", {"request_id": rid})  # the user's action
    return out


def _outputs(world: World, task: Task) -> list[str]:
    """The reference's outputs plus those of the broad calls, on one episode env."""
    env = make_env(task, world)
    out = _reference_outputs(env, task)
    for name, args in _broad_calls(world, task):
        out.append(AGENT_TOOLS.call(env, name, args).content)
    return out


def test_no_secret_reachable(world: World) -> None:
    """No hidden answer, goal, budget, ask text, task or template id in any tool output."""
    for task in ALL:
        blob = fold("\n".join(_outputs(world, task)))
        for secret in _secrets(task):
            assert secret not in blob, (task.id, secret)


# --- the dataset folder -------------------------------------------------------------------


def test_hf_round_trip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every task loaded through `datasets` (offline, a fresh cache) is the task loaded from
    the file, field by field, `now` with its UTC offset."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets

    # a fresh cache: a cached build of an older suite must not answer for this one
    ds = datasets.load_dataset(str(suite_path()), cache_dir=str(tmp_path))
    for split in SPLITS:
        tasks = load_suite(split)
        assert ds[split].num_rows == len(tasks)
        for row, task in zip(ds[split], tasks, strict=True):
            loaded = task_from_row(row)
            for name in Task.model_fields:
                assert getattr(loaded, name) == getattr(task, name), (task.id, name)
            # aware datetimes compare as instants: the offset must survive too
            assert loaded.now.utcoffset() == task.now.utcoffset() is not None, task.id
            assert task_to_row(loaded) == task_to_row(task), task.id


def test_card_declares_what_datasets_cannot_infer(tmp_path: Path) -> None:
    """Left to infer, Arrow reads `now` as a naive UTC time: that is why the card declares
    the features. The card parses as Hugging Face's card tools read it."""
    from datasets import load_dataset
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCard

    card_data = DatasetCard.load(suite_path() / "README.md").data
    assert card_data.license == "apache-2.0" and card_data.language == ["zh", "en"]
    features = DatasetInfosDict.from_dataset_card_data(card_data)["default"].features
    assert features is not None
    assert sorted(features) == sorted(task_to_row(ALL[0]))
    assert str(features["now"].dtype) == "timestamp[s, tz=+08:00]"

    inferred = load_dataset(
        "json", data_files=str(suite_path() / "data" / "dev.jsonl"), cache_dir=str(tmp_path)
    )["train"][0]["now"]
    first = load_suite("dev")[0].now
    assert inferred.tzinfo is None and inferred == first.astimezone(UTC).replace(tzinfo=None)


def test_card_refuses_mixed_offsets(tmp_path: Path) -> None:
    """One column, one type: a suite whose clocks disagree on the offset is refused, before
    anything is written."""
    dev = load_suite("dev")[:2]
    tokyo = dev[1].model_copy(update={"now": dev[1].now.astimezone(timezone(timedelta(hours=9)))})
    with pytest.raises(ValueError, match=r"`now` mixes UTC offsets \(\+08:00, \+09:00\)"):
        write_suite({"test": [dev[0], tokyo], "dev": []}, tmp_path, None)
    assert not list(tmp_path.iterdir())


def test_generate_reproduces(tmp_path: Path, world: World) -> None:
    """`ticketbench tasks generate --seed 2026` rewrites the committed folder byte for byte."""
    from ticketbench.suite.dataset import DEFAULT_SEED
    from ticketbench.suite.generator import generate

    write_suite(generate(world, DEFAULT_SEED), tmp_path, DEFAULT_SEED)
    for name in ("data/test.jsonl", "data/dev.jsonl", "README.md"):
        assert (tmp_path / name).read_bytes() == (suite_path() / name).read_bytes(), name
