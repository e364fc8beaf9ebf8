"""`ticketbench gate` / `baseline save`: exit codes 0/1/2/3 and the markdown verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runkit import make_run, task_ids
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.env.world import WORLD_VERSION
from ticketbench.results.board import load_run
from ticketbench.results.gate import (
    Proportion,
    check,
    diff_interval,
    load_baseline,
    make_baseline,
)

runner = CliRunner()


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    run = make_run(tmp_path, "base", style="llm", agent="openai:gpt-x", skill=0.8, trials=3)
    out = tmp_path / "baselines" / "gpt.json"
    res = runner.invoke(app, ["baseline", "save", str(run), str(out)])
    assert res.exit_code == 0, res.output
    return out


def _check(run: Path, base: Path, *extra: str) -> tuple[int, str]:
    res = runner.invoke(app, ["gate", str(run), "--baseline", str(base), *extra])
    return res.exit_code, res.output


def test_baseline_file_contents(baseline: Path) -> None:
    data = json.loads(baseline.read_text())
    assert data["format"] == "ticketbench-baseline/1"
    assert data["suite"] == {"split": "dev", "version": "1.0.0", "checksum": "c0ffee"}
    assert data["task_ids"] == sorted(task_ids())
    assert data["tasks"]["dev-specified-000"]["trials"] == 3
    assert data["proportions"]["success"]["n"] == 3 * len(task_ids())
    assert data["agent"]["spec"] == "openai:gpt-x" and "pass^3" in data["metrics"]


def test_identical_run_passes(tmp_path: Path, baseline: Path) -> None:
    same = make_run(tmp_path / "ci", "base", style="llm", agent="openai:gpt-x", skill=0.8, trials=3)
    code, out = _check(same, baseline)
    assert code == 0, out
    assert "no regression" in out and "| Success |" in out


def test_clearly_worse_run_regresses_and_lists_flips(tmp_path: Path, baseline: Path) -> None:
    base = json.loads(baseline.read_text())
    always = sorted(t for t, c in base["tasks"].items() if c["passed"] == c["trials"])
    assert always
    worse = make_run(
        tmp_path / "ci",
        "worse",
        style="llm",
        agent="openai:gpt-x",
        skill=0.25,
        trials=3,
        fail_tasks=always[:2],
    )
    code, out = _check(worse, baseline)
    assert code == 1, out
    assert "❌ regression" in out
    assert "Tasks that flipped" in out
    for tid in always[:2]:
        assert f"`{tid}`: 3/3 → 0/3" in out


def test_infra_errors_count_as_failures_in_the_gated_success(tmp_path: Path) -> None:
    # An agent cannot keep its success by claiming outages on the tasks it would fail.
    base_run = make_run(tmp_path, "oracle", style="oracle", trials=2)
    base_file = tmp_path / "oracle.json"
    assert runner.invoke(app, ["baseline", "save", str(base_run), str(base_file)]).exit_code == 0
    ids = task_ids()
    dodged = [(t, 1) for t in ids]  # one trial of every task lost to a claimed outage
    dodger = make_run(tmp_path / "ci", "oracle", style="oracle", trials=2, infra=dodged)
    verdict = check(load_run(dodger), load_baseline(base_file))
    success = next(m for m in verdict.metrics if m.name == "success")
    assert (success.run.hits, success.run.n) == (len(ids), 2 * len(ids))
    assert verdict.code == 1 and success.regressed
    assert any("count as failures in Success" in n for n in verdict.notes)


def test_one_flipped_task_is_a_regression_even_if_rates_hold(tmp_path: Path) -> None:
    base_run = make_run(tmp_path, "oracle", style="oracle", trials=1)
    base_file = tmp_path / "oracle.json"
    assert runner.invoke(app, ["baseline", "save", str(base_run), str(base_file)]).exit_code == 0
    one = make_run(tmp_path / "ci", "oracle", style="oracle", trials=1, fail_tasks=["dev-time-001"])
    code, out = _check(one, base_file)
    assert code == 1 and "`dev-time-001`: 1/1 → 0/1" in out
    assert "| Success | 100.0% (22/22) | 95.5% (21/22)" in out and "| ok |" in out


def test_max_drop_is_a_tolerance(tmp_path: Path) -> None:
    base_run = make_run(tmp_path, "b", style="llm", skill=0.9, trials=8)
    base_file = tmp_path / "b.json"
    runner.invoke(app, ["baseline", "save", str(base_run), str(base_file)])
    lower = make_run(tmp_path / "ci", "b", style="llm", skill=0.72, trials=8, seed=5)
    run, base = load_run(lower), make_baseline(load_run(base_run))
    strict = check(run, base, max_drop=0.0)
    loose = check(run, base, max_drop=0.5)
    success = next(m for m in strict.metrics if m.name == "success")
    assert success.regressed, success
    assert not any(m.regressed for m in loose.metrics)


def test_other_suite_or_task_set_is_not_comparable(tmp_path: Path, baseline: Path) -> None:
    other = make_run(tmp_path / "ci", "v2", style="llm", version="2.0.0", trials=3)
    code, out = _check(other, baseline)
    assert code == 2 and "not comparable" in out and "suite differs" in out
    fewer = make_run(tmp_path / "ci", "few", style="llm", tasks=task_ids()[:5], trials=3)
    code, out = _check(fewer, baseline)
    assert code == 2 and "task set differs" in out
    changed = make_run(tmp_path / "ci", "sum", style="llm", checksum="0ther", trials=3)
    code, out = _check(changed, baseline)
    assert code == 2 and "checksum differs" in out
    ids = task_ids()
    broken = make_run(
        tmp_path / "ci", "infra", style="llm", trials=1, infra=[(ids[0], 0)], tasks=ids
    )
    code, out = _check(broken, baseline)
    assert code == 2 and "no scored episode" in out


def test_a_run_on_another_world_is_not_comparable(tmp_path: Path, baseline: Path) -> None:
    same = make_run(tmp_path / "ci", "same", style="llm", agent="openai:gpt-x", skill=0.8, trials=3)
    old = json.loads(baseline.read_text(encoding="utf-8"))
    assert old["world_version"] == WORLD_VERSION
    old["world_version"] = f"{WORLD_VERSION}-other"  # the same task ids on another world
    other = tmp_path / "other-world.json"
    other.write_text(json.dumps(old), encoding="utf-8")
    code, out = _check(same, other)
    assert code == 2 and "world differs" in out, out
    assert _check(same, baseline)[0] == 0


def test_missing_or_corrupt_inputs(tmp_path: Path, baseline: Path) -> None:
    run = make_run(tmp_path, "r", style="oracle")
    code, out = _check(run, tmp_path / "missing.json")
    assert code == 3 and "baseline file not found" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, out = _check(run, bad)
    assert code == 3 and "not valid JSON" in out
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    code, out = _check(run, bad)
    assert code == 3 and "not a ticketbench baseline" in out
    code, out = _check(tmp_path / "no-run", baseline)
    assert code == 3 and "not a run directory" in out
    res = runner.invoke(app, ["baseline", "save", str(tmp_path / "no-run"), str(bad)])
    assert res.exit_code == 1 and "not a run directory" in res.output


def test_difference_interval() -> None:
    d, lo, hi = diff_interval(Proportion(hits=50, n=100), Proportion(hits=80, n=100))
    assert d == pytest.approx(-0.3) and lo < d < hi < 0
    d, lo, hi = diff_interval(Proportion(hits=79, n=100), Proportion(hits=80, n=100))
    assert lo < 0 < hi
