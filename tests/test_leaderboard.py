"""The leaderboard frame and its renderers, on synthetic runs (tests/runkit.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from runkit import make_run, task_ids
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.results.board import (
    MixedSuitesError,
    RunLoadError,
    leaderboard_frame,
    load_runs,
)
from ticketbench.results.metrics import wilson
from ticketbench.results.render import to_csv, to_html, to_json, to_markdown


@pytest.fixture
def results(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    make_run(root / "baselines", "oracle", style="oracle")
    make_run(root / "baselines", "navigator", style="navigator")
    make_run(root / "baselines", "noop", style="noop")
    make_run(root, "gpt-a", style="llm", agent="openai:gpt-x", model="gpt-x", trials=3)
    make_run(
        root,
        "gpt-b",
        style="llm",
        agent="openai:gpt-x",
        model="gpt-x",
        trials=3,
        seed=1,
        infra=[("dev-pricing-000", 0), ("dev-time-001", 2)],
    )
    return root


def test_one_row_per_configuration_with_pooled_trials(results: Path) -> None:
    df = leaderboard_frame(load_runs([results]))
    assert list(df["agent"]) == ["oracle", "navigator", "openai:gpt-x", "noop"]
    gpt = df[df["agent"] == "openai:gpt-x"].iloc[0]
    n_tasks = len(task_ids())
    assert gpt["trials"] == 6  # two comparable runs pooled
    assert gpt["episodes"] == 6 * n_tasks - 2
    assert gpt["infra_errors"] == 2  # counted apart, not scored
    assert gpt["runs"] == "gpt-a-0,gpt-b-1"
    assert {f"pass^{k}" for k in range(1, 6)} <= set(df.columns)
    assert gpt["due"] == 6 * n_tasks  # the 2 infra errors count as failures in success
    hits = round(gpt["success_scored"] * gpt["episodes"])
    assert math.isclose(gpt["success"], hits / gpt["due"])
    lo, hi = wilson(hits, int(gpt["due"]))
    assert math.isclose(gpt["success_lo"], lo) and math.isclose(gpt["success_hi"], hi)
    lo, hi = wilson(hits, int(gpt["episodes"]))
    assert math.isclose(gpt["success_scored_lo"], lo)
    assert math.isclose(gpt["success_scored_hi"], hi)


def test_ladder_gap_and_breakdowns(results: Path) -> None:
    df = leaderboard_frame(load_runs([results])).set_index("agent")
    assert df.loc["oracle", "L4"] == 1.0 and df.loc["oracle", "gap"] == 0.0
    assert df.loc["navigator", "L2"] == 1.0 and df.loc["navigator", "gap"] == 1.0
    assert df.loc["noop", "L0"] == 1.0
    assert df.loc["noop", "cat:infeasible"] == 1.0 and df.loc["noop", "cat:pricing"] == 0.0
    assert df.loc["navigator", "mean_user_actions"] > df.loc["oracle", "mean_user_actions"]
    for col in ("mean_tool_calls", "mean_handoffs", "mean_excess_handoffs", "violations"):
        assert col in df.columns
    assert {"loc:zh", "loc:en", "cost_usd", "input_tokens"} <= set(df.columns)
    ladder = df[["L0", "L1", "L2", "L3", "L4"]].sum(axis=1)
    assert all(math.isclose(v, 1.0) for v in ladder)


def test_json_rows_have_the_documented_keys(results: Path) -> None:
    rows = json.loads(to_json(leaderboard_frame(load_runs([results]))))
    for row in rows:
        for key in ("agent", "success", "pass_k", "ladder", "gap", "mean_tool_calls"):
            assert key in row
        assert set(row["ladder"]) == {"L0", "L1", "L2", "L3", "L4"}
        assert "mean_handoffs" in row and "mean_user_actions" in row
        assert len(row["success_ci95"]) == 2
    oracle = rows[0]
    assert oracle["agent"] == "oracle" and oracle["success"] == 1.0
    assert oracle["pass_k"] == {"1": 1.0, "2": 1.0}  # only the k that were run


def test_markdown_csv_html(results: Path) -> None:
    df = leaderboard_frame(load_runs([results]))
    md = to_markdown(df)
    assert "| oracle" in md and "100.0 [" in md and "Success % by category" in md
    assert "suite dev@1.0.0" in md
    csv = to_csv(df)
    assert csv.splitlines()[0].startswith("agent,model,user,suite,trials")
    assert len(csv.splitlines()) == 5


def test_html_fragment_escapes_labels(tmp_path: Path) -> None:
    make_run(tmp_path, "evil", style="oracle", agent="<script>alert(1)</script>")
    html = to_html(leaderboard_frame(load_runs([tmp_path])))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_mixed_suites_are_refused_unless_allowed(tmp_path: Path) -> None:
    make_run(tmp_path, "a", style="oracle")
    make_run(tmp_path, "b", style="noop", version="2.0.0", checksum="beef")
    runs = load_runs([tmp_path])
    with pytest.raises(MixedSuitesError, match=r"(?s)different suites.*--allow-mixed"):
        leaderboard_frame(runs)
    df = leaderboard_frame(runs, allow_mixed=True)
    assert sorted(df["suite"]) == ["dev@1.0.0", "dev@2.0.0"]


def test_incomparable_runs_of_one_configuration_stay_apart(tmp_path: Path) -> None:
    make_run(tmp_path, "a", style="oracle", tasks=task_ids()[:10])
    make_run(tmp_path, "b", style="oracle", tasks=task_ids()[10:])
    df = leaderboard_frame(load_runs([tmp_path]), allow_mixed=True)  # two task sets
    assert len(df) == 2 and set(df["runs"]) == {"a-0", "b-0"}
    assert set(df["agent"]) == {"oracle [a-0]", "oracle [b-0]"}


def test_a_tasks_selection_is_an_exam_of_its_own(tmp_path: Path) -> None:
    # A run on the easy templates alone is not ranked beside runs on the whole suite.
    make_run(tmp_path, "whole", style="noop")
    picked = make_run(tmp_path, "picked", style="oracle", tasks=task_ids()[:5])
    header = json.loads((picked / "header.json").read_text())
    header["suite"]["selection"] = "specified"
    (picked / "header.json").write_text(json.dumps(header))
    runs = load_runs([tmp_path])
    with pytest.raises(MixedSuitesError, match=r"--tasks specified \(5 tasks\): picked-0"):
        leaderboard_frame(runs)
    df = leaderboard_frame(runs, allow_mixed=True).set_index("runs")
    assert df.loc["picked-0", "agent"] == "oracle (--tasks specified: 5 tasks)"


def test_unscored_episodes_rank_as_failures(tmp_path: Path) -> None:
    # An agent that raises InfraError on every task it would fail shows 100% success over
    # the episodes it kept; it is ranked as if the others failed, and the footer says so.
    ids = task_ids()
    make_run(tmp_path, "honest", style="llm", agent="honest", skill=0.5)
    make_run(tmp_path, "dodger", style="oracle", agent="dodger",
             infra=[(t, k) for t in ids[: len(ids) * 3 // 4] for k in range(2)])  # fmt: skip
    df = leaderboard_frame(load_runs([tmp_path]))
    assert list(df["runs"]) == ["honest-0", "dodger-0"]
    dodged = len(ids) * 3 // 4 * 2
    assert df.iloc[1]["infra_errors"] == dodged
    # its success counts the dodged episodes as failures; over the scored ones it is 100%
    assert df.iloc[1]["success"] == pytest.approx(1 - dodged / (2 * len(ids)))
    assert df.iloc[1]["success"] < df.iloc[0]["success"]
    assert df.iloc[1]["success_scored"] == 1.0 and df.iloc[1]["due"] == 2 * len(ids)
    md = to_markdown(df)
    assert "infra-error episode or one an incomplete run did not play counting as a failure" in md
    assert "Success of scored" in md


def test_unplayed_episodes_of_an_incomplete_run_rank_as_failures(tmp_path: Path) -> None:
    # A run stopped (by a claimed outage) after the suite's first, easiest tasks is ranked
    # over all the tasks it was to play, not over the few it kept.
    ids = task_ids()
    make_run(tmp_path, "honest", style="llm", agent="honest", skill=0.5)
    stopped = make_run(tmp_path, "stopped", style="oracle", agent="stopped")
    header = json.loads((stopped / "header.json").read_text())
    header["suite"]["task_ids"] = ids + [f"dev-extra-{i:03d}" for i in range(4 * len(ids))]
    (stopped / "header.json").write_text(json.dumps(header))
    df = leaderboard_frame(load_runs([tmp_path]), allow_mixed=True)
    assert list(df["runs"]) == ["honest-0", "stopped-0"]
    assert df.iloc[1]["success"] == pytest.approx(1 / 5) and "incomplete" in df.iloc[1]["agent"]
    assert df.iloc[1]["success_scored"] == 1.0


def test_other_generation_settings_are_not_pooled(tmp_path: Path) -> None:
    for name, temp in (("t0", 0.0), ("t1", 1.0), ("t1b", 1.0)):
        run = make_run(tmp_path, name, style="llm", agent="openai:gpt-x", seed=len(name))
        header = json.loads((run / "header.json").read_text())
        header["agent"]["temperature"] = temp
        (run / "header.json").write_text(json.dumps(header))
    df = leaderboard_frame(load_runs([tmp_path]))
    assert sorted(df["runs"]) == ["t0-2", "t1-2,t1b-3"]


def test_load_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(RunLoadError, match="no such file"):
        load_runs([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(RunLoadError, match="no run found"):
        load_runs([tmp_path / "empty"])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "header.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RunLoadError, match="corrupt run"):
        load_runs([bad])


def test_cli_leaderboard_formats_and_errors(results: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "board.json"
    res = runner.invoke(app, ["leaderboard", str(results), "--format", "json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())[0]["agent"] == "oracle"
    res = runner.invoke(app, ["leaderboard", str(results / "baselines")])
    assert res.exit_code == 0 and "| navigator" in res.output
    make_run(results, "other", style="noop", version="9.9.9")
    res = runner.invoke(app, ["leaderboard", str(results)])
    assert res.exit_code == 1 and "--allow-mixed" in res.output
    res = runner.invoke(app, ["leaderboard", str(results), "--allow-mixed", "-f", "csv"])
    assert res.exit_code == 0 and "dev@9.9.9" in res.output
    res = runner.invoke(app, ["leaderboard", str(tmp_path / "nope")])
    assert res.exit_code == 1 and "no such file" in res.output


def test_readme_names_every_metric_as_the_tables_do() -> None:
    from pathlib import Path

    from ticketbench.results.labels import METRICS, SECURITY

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [
        m.label for m in (*METRICS, *SECURITY) if f"| {m.label} | {m.meaning} |" not in readme
    ]
    assert not missing, f"README's table columns lack: {missing}"
