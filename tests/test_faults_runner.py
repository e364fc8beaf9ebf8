"""Fault injection on the runner and the LLM agents, through the real CLI and the real SDKs
against the local fake server: every failure lands on the right side (agent or
infrastructure), is counted, and never takes the whole run down unless it should."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from fakeserver import CHAT, MESSAGES, FakeServer, Reply, oai_call, oai_completion
from faultkit import SELECTION, error_lines, invoke
from llmkit import dev_task, fake_agent, play
from runkit import report_text

from ticketbench.records import EPISODES, read_run
from ticketbench.settings import RunSettings

KEY = "sk-test-secret-7f3a9c21"
ONE = "dev-specified-000"
FAST = RunSettings(concurrency=1, timeout_s=20.0, backoff_s=0.0, max_retries=1)


def llm_run(server: FakeServer, out: Path, *extra: str, tasks: str = ONE) -> object:
    return invoke(
        "run", "--agent", "openai:gpt-4.1-mini", "--base-url", server.openai_url,
        "--agent-opt", "max_retries=0", "--agent-opt", "request_timeout=5",
        "--tasks", tasks, "--concurrency", "1", "--out", str(out), *extra,
        env={"OPENAI_API_KEY": KEY},
    )  # fmt: skip


def test_cancelled_error_and_system_exit_fail_only_their_episode(tmp_path: Path) -> None:
    out = tmp_path / "run"
    first, second = (dev_task(i).opening for i in ("dev-specified-000", "dev-specified-001"))
    res = invoke("run", "--agent", "faultkit:Chaos", "--agent-opt", f"cancel={json.dumps(first)}",
                 "--agent-opt", f"leave={json.dumps(second)}", "--tasks", SELECTION,
                 "--out", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    run = read_run(out)
    assert len(run.episodes) == 16 and all(r.status == "ok" for r in run.episodes)
    errors = sorted(r.score.agent_error or "" for r in run.episodes if r.score)
    assert sum(e.startswith("CancelledError") for e in errors) == 1
    assert sum(e.startswith("SystemExit") for e in errors) == 1
    assert errors.count("") == 14


@pytest.mark.parametrize("where", [[], ["--privileged"]], ids=["isolated", "in-process"])
def test_agent_blocking_the_event_loop_is_cut_at_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: list[str]
) -> None:
    monkeypatch.setenv("FAULTKIT_BLOCK", "90")  # in process, the watchdog cuts it
    out = tmp_path / "run"
    # 12 s: out of process, the episode's time includes importing and building the agent in
    # its fork, which took over 2 s on a machine loaded 12 times over and, at load 16, used
    # up a 6 s timeout before the agent's first tool call
    res = invoke("run", "--agent", "faultkit:Blocker", "--tasks", ONE, "--timeout", "12",
                 "--out", str(out), *where)  # fmt: skip
    assert res.exit_code == 0, res.output
    (rec,) = read_run(out).episodes
    assert rec.timing.wall_s < 45  # not the agent's 90 s
    assert rec.score is not None and (rec.score.agent_error or "").startswith("timeout")
    assert [e.kind for e in rec.events][:2] == ["user_message", "tool_call"]  # events kept


def test_401_at_the_endpoint_check_fails_fast_with_one_line(
    server: FakeServer, tmp_path: Path
) -> None:
    server.models_reply = Reply(status=401, json={"error": {"message": "invalid api key"}})
    try:
        res = llm_run(server, tmp_path / "run", tasks=SELECTION)
    finally:
        server.models_reply = Reply(json={"object": "list", "data": []})
    assert res.exit_code == 2  # type: ignore[attr-defined]
    (line,) = error_lines(res.stderr)  # type: ignore[attr-defined]
    assert "rejected the key" in line and "OPENAI_API_KEY" in line
    assert server.count(CHAT) == 0 and not (tmp_path / "run").exists()


def test_401_on_every_completion_stops_the_run_after_one_episode(
    server: FakeServer, tmp_path: Path
) -> None:
    server.script(CHAT, Reply(status=401, json={"error": {"message": "bad key"}}))
    out = tmp_path / "run"
    res = llm_run(server, out, tasks=SELECTION)
    assert res.exit_code == 3  # type: ignore[attr-defined]
    (line,) = error_lines(res.stderr)  # type: ignore[attr-defined]
    assert "run stopped: auth" in line and "--resume" in line
    run = read_run(out)
    assert len(run.episodes) == 1 and run.episodes[0].status == "infra_error"


def test_slow_429s_are_waiting_not_an_agent_timeout(server: FakeServer, tmp_path: Path) -> None:
    limited = Reply(status=429, json={"error": {"message": "slow down"}},
                    headers={"retry-after": "1"})  # fmt: skip
    server.script(CHAT, limited, limited, Reply(json=oai_completion("Which day?")),
                  Reply(json=oai_completion("Thanks")))  # fmt: skip
    out = tmp_path / "run"
    res = invoke(
        "run", "--agent", "openai:gpt-4.1-mini", "--base-url", server.openai_url,
        "--agent-opt", "max_retries=2", "--tasks", ONE, "--timeout", "0.5", "--max-turns", "1",
        "--out", str(out), env={"OPENAI_API_KEY": KEY},
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    (rec,) = read_run(out).episodes
    assert rec.status == "ok" and rec.score is not None and rec.score.agent_error is None
    assert rec.timing.wall_s >= 2.0  # two Retry-After waits, none of it the agent's


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_context_overflow_mid_episode_is_the_agents_failure(
    api: str, server: FakeServer, tmp_path: Path, close_agents: None
) -> None:
    path = CHAT if api == "openai" else MESSAGES
    call = (
        Reply(json=oai_completion(None, [oai_call("current_time", {}, "c1")]))
        if api == "openai"
        else Reply(json=_anth_call())
    )
    overflow = Reply(status=400, json={"error": {"type": "invalid_request_error",
                     "message": "prompt is too long: 9000 tokens > 8192 maximum"}})  # fmt: skip
    server.script(path, call, overflow)
    (rec,), _ = await play([dev_task()], fake_agent(api, server, tmp_path), FAST)
    assert rec.status == "ok" and rec.score is not None  # scored, not excluded
    assert (rec.score.agent_error or "").startswith("context_overflow")
    assert any(e.kind == "tool_call" for e in rec.events)  # the events are kept
    assert rec.usage.model_calls == 1 and rec.usage.input_tokens == 100 and rec.usage.cost_usd > 0
    # the very first request overflowing is a configuration problem: infrastructure
    server.script(path, overflow)
    (first,), _ = await play([dev_task()], fake_agent(api, server, tmp_path), FAST)
    assert first.status == "infra_error" and first.infra is not None
    assert first.infra.kind == "context_overflow"


def _anth_call() -> dict[str, object]:
    from fakeserver import anth_message, anth_tool_use

    return anth_message(anth_tool_use("current_time", {}, "t1"))


async def test_400_for_the_models_own_arguments_is_its_failure_others_are_infra(
    server: FakeServer, tmp_path: Path, close_agents: None
) -> None:
    bad_args = Reply(status=400, json={"error": {"message": "Invalid 'messages[2].tool_calls[0]"
                     ".function.arguments': not valid JSON"}})  # fmt: skip
    server.script(CHAT, Reply(json=oai_completion(None, [oai_call("current_time", "{", "c")])),
                  bad_args)  # fmt: skip
    (rec,), _ = await play([dev_task()], fake_agent("openai", server, tmp_path), FAST)
    assert rec.status == "ok" and rec.score is not None
    assert (rec.score.agent_error or "").startswith("invalid_model_output")
    server.script(CHAT, Reply(status=400, json={"error": {"message": "Unrecognized request "
                  "parameter supplied: frobnicate"}}))  # fmt: skip
    (rec,), _ = await play([dev_task()], fake_agent("openai", server, tmp_path), FAST)
    assert rec.status == "infra_error" and rec.infra is not None
    assert rec.infra.kind == "bad_request" and rec.attempts == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_dead_server_is_checked_before_the_first_episode(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"
    start = time.monotonic()
    res = invoke("run", "--agent", "openai:gpt-4.1-mini", "--base-url", url, "--tasks", SELECTION,
                 "--out", str(tmp_path / "run"), env={"OPENAI_API_KEY": KEY})  # fmt: skip
    assert res.exit_code == 2 and time.monotonic() - start < 15
    (line,) = error_lines(res.stderr)
    assert f"cannot reach {url}" in line
    assert not (tmp_path / "run").exists()


def test_same_infra_failure_on_every_episode_stops_then_resume_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outage = tmp_path / "outage"
    outage.touch()
    monkeypatch.setenv("FAULTKIT_OUTAGE", str(outage))
    out = tmp_path / "run"
    res = invoke("run", "--agent", "faultkit:FlakyInfra", "--tasks", SELECTION,
                 "--concurrency", "1", "--out", str(out))  # fmt: skip
    assert res.exit_code == 3
    (line,) = error_lines(res.stderr)
    assert "3 episodes in a row failed with bad_request" in line
    assert [r.status for r in read_run(out).episodes] == ["infra_error"] * 3
    outage.unlink()
    kept = invoke("run", "--resume", str(out), "--keep-infra-errors")
    assert kept.exit_code == 0, kept.output
    run = read_run(out)
    assert len(run.episodes) == 16 and sum(r.status == "infra_error" for r in run.episodes) == 3
    retried = invoke("run", "--resume", str(out))
    assert retried.exit_code == 0, retried.output
    run = read_run(out)
    assert len(run.episodes) == 16 and all(r.status == "ok" for r in run.episodes)
    assert len(run.superseded) == 3  # the old infra records stay on disk, superseded


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_tools_go_with_tool_choice_auto_and_a_max_tokens(
    api: str, server: FakeServer, tmp_path: Path, close_agents: None
) -> None:
    path = CHAT if api == "openai" else MESSAGES
    text = (
        Reply(json=oai_completion("Hello")) if api == "openai" else Reply(json=_anth_text("Hello"))
    )
    server.script(path, text)
    settings = FAST.model_copy(update={"max_turns": 1})
    server.script(path, text)
    await play([dev_task()], fake_agent(api, server, tmp_path), settings)
    body = server.bodies(path)[-1]
    assert body["tools"]
    assert body["tool_choice"] == ("auto" if api == "openai" else {"type": "auto"})
    limit = body.get("max_tokens", body.get("max_completion_tokens"))
    assert limit == 4096


def _anth_text(text: str) -> dict[str, object]:
    from fakeserver import anth_message
    from fakeserver import anth_text as block

    return anth_message(block(text))


async def test_failed_attempts_are_counted_and_the_cost_limit_sees_them(
    server: FakeServer, tmp_path: Path, close_agents: None
) -> None:
    boom = Reply(status=503, json={"error": {"message": "overloaded"}})
    server.script(
        CHAT,
        Reply(json=oai_completion(None, [oai_call("current_time", {}, "c1")])),  # attempt 1
        Reply(json=oai_completion(None, [oai_call("current_time", {}, "c2")])),
        boom,  # attempt 1 ends in an infrastructure error after 2 served completions
        Reply(json=oai_completion("Which day?")),  # attempt 2
        Reply(json=oai_completion("Thanks")),
    )
    settings = FAST.model_copy(update={"max_turns": 1, "cost_limit_usd": 1e-9})
    recs, progress = await play(
        [dev_task(), dev_task()], fake_agent("openai", server, tmp_path), settings
    )
    (rec,) = recs  # the cost limit stopped the second episode from starting
    assert rec.status == "ok" and rec.attempts == 2
    assert rec.usage.model_calls == 4 and rec.usage.input_tokens == 400
    assert rec.usage.retried is not None and rec.usage.retried.model_calls == 2
    assert rec.score is not None and rec.score.cost_usd == pytest.approx(rec.usage.cost_usd)
    assert progress.cost_usd == pytest.approx(rec.usage.cost_usd) and progress.cost_usd > 0
    assert progress.stopped == "cost_limit"


def test_secrets_echoed_by_the_server_are_scrubbed(server: FakeServer, tmp_path: Path) -> None:
    server.script(
        CHAT, Reply(status=400, json={"error": {"message": f"bad request from key {KEY}"}})
    )
    out = tmp_path / "run"
    res = llm_run(server, out)
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    data = (out / EPISODES).read_text(encoding="utf-8")
    assert KEY not in data and "[REDACTED]" in data
    report = invoke("report", str(out), "-o", str(tmp_path / "r.html"), env={"OPENAI_API_KEY": KEY})
    assert report.exit_code == 0
    html = report_text((tmp_path / "r.html").read_text(encoding="utf-8"))  # episodes unpacked
    assert KEY not in html and KEY not in (out / "header.json").read_text(encoding="utf-8")


def test_plain_progress_lines_when_not_a_terminal(tmp_path: Path) -> None:
    res = invoke("run", "--agent", "oracle", "--tasks", SELECTION, "--out", str(tmp_path / "r"))
    assert res.exit_code == 0
    assert "oracle: 16 episodes to play" in res.stderr
    assert "oracle: 16/16 episodes, ok 16, infra errors 0" in res.stderr


def test_plain_progress_keeps_talking_during_long_episodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ticketbench.cli import progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.3)
    monkeypatch.setenv("FAULTKIT_DELAY", "1.5")
    res = invoke("run", "--agent", "faultkit:Slow", "--tasks", ONE, "--out", str(tmp_path / "r"))
    assert res.exit_code == 0, res.output
    assert res.stderr.count("faultkit:Slow: 0/1 episodes") >= 2  # while the one episode runs
    assert "faultkit:Slow: 1/1 episodes" in res.stderr
