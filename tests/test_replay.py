"""`replay:RUN_DIR` through the real runner: recorded runs reproduce their scores exactly."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from ticketbench.agents.llm.presets import ConfigError
from ticketbench.agents.registry import load_agent
from ticketbench.agents.replay import ReplayAgent
from ticketbench.protocol import NON_RETRYABLE_KINDS
from ticketbench.records import EpisodeRecord, read_run
from ticketbench.results.lifecycle import start_run
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite

SETTINGS = RunSettings(concurrency=8, timeout_s=30.0, backoff_s=0.0, trials=2)


def _subset() -> str:
    """Two dev tasks of every category (purchases, clarifications, infeasible, events ...)."""
    picked: dict[str, list[str]] = {}
    for t in load_suite("dev"):
        picked.setdefault(t.category, [])
        if len(picked[t.category]) < 2:
            picked[t.category].append(t.id)
    return ",".join(i for ids in picked.values() for i in ids)


def _run(spec: str, out: Path, selection: str, settings: RunSettings = SETTINGS) -> Path:
    asyncio.run(
        start_run(agent_spec=spec, suite="dev", settings=settings, selection=selection, out=out)
    )
    return out


def _scores(records: list[EpisodeRecord]) -> dict[tuple[str, int], tuple[object, ...]]:
    out: dict[tuple[str, int], tuple[object, ...]] = {}
    for r in records:
        assert r.score is not None, r.infra
        s = r.score
        out[r.key] = (s.success, s.level, s.tool_calls, s.turns, s.handoffs, s.user_actions)
    return out


@pytest.fixture(scope="module")
def selection() -> str:
    return _subset()


@pytest.mark.parametrize("baseline", ["oracle", "navigator"])
def test_replay_reproduces_scores(baseline: str, selection: str, tmp_path: Path) -> None:
    source = read_run(_run(baseline, tmp_path / "src", selection))
    replayed = read_run(_run(f"replay:{tmp_path / 'src'}", tmp_path / "replay", selection))
    assert len(source.episodes) == len(replayed.episodes) == 2 * len(selection.split(","))
    assert _scores(replayed.episodes) == _scores(source.episodes)
    src = {r.key: r for r in source.episodes}
    for rec in replayed.episodes:
        # Same end state and same trajectory (apart from nothing: the user is scripted).
        assert rec.final_digest == src[rec.key].final_digest
        assert rec.events == src[rec.key].events
        assert rec.usage.model_calls == 0
    if baseline == "oracle":
        assert all(r.score and r.score.level == 4 for r in replayed.episodes)
    else:  # the navigator's users finished in the app: their actions were re-made
        assert any(r.score and r.score.user_actions > 0 for r in replayed.episodes)
    assert replayed.header.agent["kind"] == "replay"
    assert replayed.header.agent["source"]["agent"] == baseline


def test_replay_missing_recording_is_an_unretried_infra_error(tmp_path: Path) -> None:
    ids = [t.id for t in load_suite("dev")[:3]]
    one = SETTINGS.model_copy(update={"trials": 1, "max_retries": 4, "backoff_s": 5.0})
    _run("oracle", tmp_path / "src", ids[0], one)
    # A wider selection (two more tasks) and one more trial than recorded.
    two = one.model_copy(update={"trials": 2})
    run = read_run(_run(f"replay:{tmp_path / 'src'}", tmp_path / "r", ",".join(ids[:2]), two))
    by_key = {r.key: r for r in run.episodes}
    assert by_key[(ids[0], 0)].status == "ok"
    assert by_key[(ids[0], 0)].score is not None and by_key[(ids[0], 0)].score.success
    for key in [(ids[0], 1), (ids[1], 0), (ids[1], 1)]:
        rec = by_key[key]
        assert rec.status == "infra_error" and rec.infra is not None
        assert rec.infra.kind == "replay_missing" and rec.attempts == 1  # no 5 s backoff
        assert f"{key[0]}#{key[1]}" in rec.infra.message
    assert "replay_missing" in NON_RETRYABLE_KINDS


def test_replay_of_missing_or_damaged_run_dir_fails_before_running(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a run directory"):
        load_agent(f"replay:{tmp_path / 'nope'}")
    run_dir = _run("noop", tmp_path / "src", load_suite("dev")[0].id)
    lines = (run_dir / "episodes.jsonl").read_text().splitlines()
    broken = json.loads(lines[0])
    broken["events"] = [{"kind": "tool_call", "seq": "x"}]
    (run_dir / "episodes.jsonl").write_text(json.dumps(broken) + "\n")
    with pytest.raises(ConfigError, match="line 1 is damaged"):
        load_agent(f"replay:{run_dir}")
    (run_dir / "header.json").write_text("{not json")
    with pytest.raises(ConfigError, match="corrupt run header"):
        ReplayAgent(run_dir)


def test_replay_resends_invalid_json_raw(tmp_path: Path) -> None:
    """A recorded call with invalid JSON arguments is replayed as the same raw string."""
    from ticketbench.trajectory import ToolCall

    task = load_suite("dev")[0]
    once = SETTINGS.model_copy(update={"trials": 1})
    run_dir = _run("oracle", tmp_path / "src", task.id, once)
    rec = read_run(run_dir).episodes[0]
    bad = ToolCall(
        seq=1,
        at=rec.events[0].at,
        name="search_movies",
        raw_args="{oops",
        ok=False,
        error_code="invalid_json",
        content="",
        ran=False,
    )
    events = [rec.events[0], bad, *rec.events[1:]]
    line = rec.model_copy(update={"events": events}).model_dump_json()
    (run_dir / "episodes.jsonl").write_text(line + "\n")
    out = read_run(_run(f"replay:{run_dir}", tmp_path / "r", task.id, once))
    first = out.episodes[0]
    assert first.score is not None and first.score.invalid_json == 1 and first.score.success
    calls = [e for e in first.events if isinstance(e, ToolCall)]
    assert calls[0].raw_args == "{oops" and not calls[0].ran
