"""`run --agent mcp:COMMAND`: external programs played like any agent, end to end through the
CLI: records identical in form to a built-in agent's, the leaderboard, process lifetimes,
crashes, timeouts and resume."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.records import read_run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = f"{sys.executable} {ROOT / 'examples' / 'mcp_agent.py'}"
PROGRAM = f"{sys.executable} {ROOT / 'tests' / 'wire_program.py'}"
TASKS = "dev-specified-000,dev-infeasible-000,dev-clarify-001,dev-after_purchase-000"


def _run(*args: str) -> str:
    res = CliRunner().invoke(app, ["run", *args])
    assert res.exit_code == 0, res.output
    return res.output


def test_the_example_agent_runs_like_a_builtin_one(tmp_path: Path) -> None:
    ext, noop = tmp_path / "ext", tmp_path / "noop"
    _run("--agent", f"mcp:{EXAMPLE}", "--tasks", TASKS, "--out", str(ext), "--concurrency", "2")
    _run("--agent", "noop", "--tasks", TASKS, "--out", str(noop))
    a, b = read_run(ext), read_run(noop)
    assert a.header.agent["spec"] == f"mcp:{EXAMPLE}"
    assert a.header.agent["kind"] == "external" and a.header.agent["lifetime"] == "episode"
    # the same record form: every field of the header and of each record
    assert a.header.model_dump().keys() == b.header.model_dump().keys()
    ea = {e.task_id: e for e in a.episodes}
    eb = {e.task_id: e for e in b.episodes}
    assert ea.keys() == eb.keys() == set(TASKS.split(","))
    for task_id, rec in ea.items():
        ref = eb[task_id]
        assert rec.model_dump().keys() == ref.model_dump().keys()
        assert rec.score is not None and ref.score is not None
        assert rec.score.agent_error is None
        # the example plays noop's move plus two look-ups: the same outcome
        assert (rec.score.success, rec.score.level, rec.score.turns) == (
            ref.score.success, ref.score.level, ref.score.turns
        )  # fmt: skip
        assert rec.score.tool_calls == 2
    board = json.loads(
        CliRunner().invoke(app, ["leaderboard", str(ext), str(noop), "--format", "json"]).output
    )
    rows = board if isinstance(board, list) else board.get("rows", board)
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("lifetime", "concurrency", "processes"), [("episode", 1, 3), ("run", 1, 1), ("run", 2, 2)]
)
def test_a_process_per_episode_or_one_per_run_slot(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lifetime: str,
    concurrency: int,
    processes: int,
) -> None:
    pids = tmp_path / "pids"
    monkeypatch.setenv("WIRE_PIDS", str(pids))
    monkeypatch.setenv("TICKETBENCH_DATA", str(ROOT / "ticketbench" / "data"))
    out = tmp_path / "run"
    _run("--agent", f"mcp:{PROGRAM}", "--agent-opt", f"lifetime={lifetime}", "--tasks",
         "dev-specified-000,dev-seating-000,dev-infeasible-000", "--concurrency",
         str(concurrency), "--out", str(out))  # fmt: skip
    lines = [line.split() for line in pids.read_text().splitlines()]
    seen = [pid for pid, _ in lines]
    assert len(seen) == 3 and len(set(seen)) == processes
    assert all(told == "0" for _, told in lines)  # not told where the data lives
    run = read_run(out)
    assert run.header.agent_options == ({"lifetime": lifetime})
    assert all(e.score is not None and e.score.agent_error is None for e in run.episodes)
    assert all(e.score is not None and e.score.turns == 1 for e in run.episodes)
    for pid in set(seen):  # every program is gone once the run is over
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)


@pytest.mark.parametrize(
    ("mode", "timeout", "error"),
    [
        ("crash", "120", "the agent process exited with code 3: wire_program: something broke"),
        ("hang", "12", "timeout: the episode exceeded 12 s"),
        ("quit", "120", None),
        (
            "silent",
            "120",
            "the agent process exited without joining the episode (it sent no "
            "request to TICKETBENCH_MCP_URL): wire_program: nothing to do",
        ),
    ],
)
def test_crashes_hangs_and_quits_are_the_agents_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, timeout: str, error: str | None
) -> None:
    monkeypatch.setenv("WIRE_MODE", mode)
    pids = tmp_path / "pids"
    monkeypatch.setenv("WIRE_PIDS", str(pids))
    out = tmp_path / "run"
    _run("--agent", f"mcp:{PROGRAM}", "--tasks", "dev-specified-000", "--timeout", timeout,
         "--out", str(out))  # fmt: skip
    (rec,) = read_run(out).episodes
    assert rec.status == "ok" and rec.score is not None and not rec.score.success
    assert rec.score.agent_error == error
    if mode != "silent":
        with pytest.raises(ProcessLookupError):  # the hanging program was killed
            os.kill(int(pids.read_text().split()[0]), 0)


def test_resume_plays_what_is_missing_with_the_recorded_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    _run("--agent", f"mcp:{PROGRAM}", "--agent-opt", "lifetime=run", "--tasks",
         "dev-specified-000,dev-seating-000,dev-infeasible-000", "--out", str(out))  # fmt: skip
    lines = (out / "episodes.jsonl").read_bytes().splitlines(keepends=True)
    (out / "episodes.jsonl").write_bytes(b"".join(lines[:1]))  # two episodes lost
    pids = tmp_path / "pids"
    monkeypatch.setenv("WIRE_PIDS", str(pids))
    _run("--resume", str(out))
    assert len(pids.read_text().splitlines()) == 2  # only the missing ones were played
    run = read_run(out)
    assert sorted(e.task_id for e in run.episodes) == [
        "dev-infeasible-000", "dev-seating-000", "dev-specified-000"
    ]  # fmt: skip
    assert run.header.agent_options == {"lifetime": "run"}


@pytest.mark.parametrize(
    ("spec", "opts", "message"),
    [
        ("mcp:no-such-program --flag", [], "command not found: no-such-program"),
        ("mcp:", [], "unknown agent"),
        (f"mcp:{PROGRAM}", ["--agent-opt", "lifetime=forever"], "lifetime must be episode or run"),
        (f"mcp:{PROGRAM}", ["--agent-opt", "colour=blue"], "colour"),
    ],
)
def test_a_bad_command_stops_the_run_before_it_starts(
    tmp_path: Path, spec: str, opts: list[str], message: str
) -> None:
    res = CliRunner().invoke(app, ["run", "--agent", spec, *opts, "--out", str(tmp_path / "r")])
    assert res.exit_code == 2, res.output
    assert message in " ".join(res.output.split())
    assert not (tmp_path / "r").exists()
