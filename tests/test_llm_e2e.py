"""LLM agents end to end: real SDK -> fake server on 127.0.0.1, real session, runner, scoring.

The fake server plays an ideal model for one real dev task (its reference solution as tool
calls); the scripted user answers. Faults go through the runner's retry and timeout logic.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fakeserver import CHAT, FakeServer, Reply, oai_call, oai_completion
from llmkit import PATH, dev_task, llm_agent, play, reference_script, reference_tools

from ticketbench.agents.llm.anthropic_agent import AnthropicAgent
from ticketbench.agents.llm.openai_agent import OpenAIAgent
from ticketbench.settings import RunSettings
from ticketbench.trajectory import LimitHit, ToolCall

FAST = RunSettings(concurrency=1, timeout_s=20.0, backoff_s=0.0, max_retries=2)
ERR_500 = {"error": {"type": "server_error", "message": "boom"}}


def agent_for(
    api: str, server: FakeServer, tmp_path: Path, **options: Any
) -> OpenAIAgent | AnthropicAgent:
    options.setdefault("cache", "off")
    options.setdefault("max_retries", 0)  # the runner's retries are under test here
    return llm_agent(
        api,
        server,
        spec=None if api == "openai" else "anthropic:claude-haiku-4-5",
        request_timeout=5,
        cache_dir=str(tmp_path / "cache"),
        local=False,  # priced like the real API
        **options,
    )


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_full_purchase_reaches_l4(api: str, server: FakeServer, tmp_path: Path) -> None:
    task = dev_task()
    script = reference_script(task, api)
    n0 = server.count(PATH[api])
    server.script(PATH[api], *script)
    agent = agent_for(api, server, tmp_path)
    (rec,), progress = await play([task], agent, FAST)
    assert rec.status == "ok" and rec.score is not None
    assert rec.score.success and rec.score.level == 4, rec.score.reasons
    assert rec.score.completed_by == "agent" and rec.score.agent_error is None
    calls = [e.name for e in rec.events if isinstance(e, ToolCall)]
    assert calls == reference_tools(task)
    assert rec.score.tool_calls == len(calls)
    assert rec.score.handoffs.get("confirm") == 1
    assert server.count(PATH[api]) - n0 == len(script) == rec.usage.model_calls
    assert rec.usage.input_tokens == 100 * len(script)  # the fake usage of every response
    assert rec.usage.output_tokens == 20 * len(script)
    assert rec.usage.cost_usd > 0 and progress.cost_usd == rec.usage.cost_usd
    assert agent._clients == {}  # the runner closed the agent's client after the run


async def test_429_retry_after_then_success(server: FakeServer, tmp_path: Path) -> None:
    task = dev_task()
    limited = Reply(status=429, json={"error": {"message": "slow"}}, headers={"retry-after": "0.3"})
    server.script(CHAT, limited, *reference_script(task, "openai"))
    start = time.monotonic()
    (rec,), _ = await play([task], agent_for("openai", server, tmp_path), FAST)
    assert time.monotonic() - start >= 0.3  # the runner's backoff honoured Retry-After
    assert rec.attempts == 2 and rec.status == "ok"
    assert rec.score is not None and rec.score.success and rec.score.level == 4


async def test_repeated_500s_are_an_infra_error_out_of_the_score(
    server: FakeServer, tmp_path: Path
) -> None:
    task = dev_task()
    server.script(CHAT, *[Reply(status=500, json=ERR_500) for _ in range(3)])
    (rec,), progress = await play([task], agent_for("openai", server, tmp_path), FAST)
    assert rec.status == "infra_error" and rec.score is None
    assert rec.infra is not None and rec.infra.kind == "server_error" and rec.attempts == 3
    assert progress.infra_errors == 1 and progress.successes == 0


async def test_auth_error_is_not_retried(server: FakeServer, tmp_path: Path) -> None:
    server.script(CHAT, Reply(status=401, json={"error": {"message": "bad key"}}))
    (rec,), _ = await play([dev_task()], agent_for("openai", server, tmp_path), FAST)
    assert rec.status == "infra_error" and rec.infra is not None
    assert rec.infra.kind == "auth" and rec.attempts == 1


async def test_slow_api_is_not_an_agent_timeout(server: FakeServer, tmp_path: Path) -> None:
    # The model takes 1.5 s to answer, the episode timeout is 0.4 s: waiting on the API is
    # not the agent's time, so the episode goes on (and ends at the turn limit).
    server.script(
        CHAT, Reply(json=oai_completion("late"), delay=1.5), Reply(json=oai_completion("again"))
    )
    settings = FAST.model_copy(update={"timeout_s": 0.4, "max_turns": 1})
    start = time.monotonic()
    (rec,), _ = await play([dev_task()], agent_for("openai", server, tmp_path), settings)
    assert time.monotonic() - start >= 1.5
    assert rec.status == "ok" and rec.score is not None and rec.score.agent_error is None
    assert rec.usage.model_calls == 2


async def test_step_limit_ends_the_episode(server: FakeServer, tmp_path: Path) -> None:
    now = [
        Reply(json=oai_completion(None, [oai_call("current_time", {}, f"c{i}")])) for i in range(4)
    ]
    server.script(CHAT, *now)
    settings = FAST.model_copy(update={"max_steps": 3})
    (rec,), _ = await play([dev_task()], agent_for("openai", server, tmp_path), settings)
    assert rec.score is not None and rec.score.tool_calls == 3 and not rec.score.success
    limits = [e for e in rec.events if isinstance(e, LimitHit)]
    assert [e.limit for e in limits] == ["steps"]
    assert rec.usage.model_calls == 4  # the 4th call was refused; the agent then stopped


async def test_empty_completion_and_bad_json_are_counted_in_the_record(
    server: FakeServer, tmp_path: Path
) -> None:
    bad = Reply(json=oai_completion(None, [oai_call("search_movies", "{nope", "c1")]))
    empty = Reply(json=oai_completion(""))
    server.script(CHAT, bad, empty, empty)
    (rec,), _ = await play([dev_task()], agent_for("openai", server, tmp_path), FAST)
    assert rec.faults == {"invalid_json_args": 1, "empty_completions": 2, "gave_up": 1}
    assert any(n.startswith("invalid_json_args: search_movies") for n in rec.fault_notes)
    assert rec.score is not None and rec.score.invalid_json == 1


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_cache_hit_on_rerun(api: str, server: FakeServer, tmp_path: Path) -> None:
    task = dev_task()
    server.script(PATH[api], *reference_script(task, api))
    n0 = server.count(PATH[api])
    (first,), _ = await play([task], agent_for(api, server, tmp_path, cache="on"), FAST)
    n1 = server.count(PATH[api])
    assert n1 > n0
    (second,), _ = await play([task], agent_for(api, server, tmp_path, cache="on"), FAST)
    assert server.count(PATH[api]) == n1  # zero HTTP requests on the rerun
    # Same episode apart from timing and cost: cached responses cost nothing.
    assert first.usage.cost_usd > 0 and second.usage.cost_usd == 0.0
    assert first.score is not None and second.score is not None
    assert second.score.cost_usd == 0.0
    skip = {"timing": True, "usage": {"cost_usd"}, "score": {"cost_usd"}}
    assert first.model_dump(exclude=skip) == second.model_dump(exclude=skip)
    assert second.score.success and second.score.level == 4
