"""The on-disk response cache: a rerun with the same settings makes no HTTP request."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from fakeserver import (
    CHAT,
    MESSAGES,
    FakeServer,
    Reply,
    anth_message,
    anth_text,
    anth_tool_use,
    oai_call,
    oai_completion,
)
from fakesession import FakeSession
from llmkit import llm_agent

from ticketbench.agents.llm.anthropic_agent import AnthropicAgent
from ticketbench.agents.llm.cache import ResponseCache, request_key
from ticketbench.agents.llm.openai_agent import OpenAIAgent
from ticketbench.agents.llm.presets import build_config

pytestmark = pytest.mark.filterwarnings("ignore:The model:DeprecationWarning")


def openai_agent(
    server: FakeServer, cache_dir: Path, mode: str, **options: Any
) -> OpenAIAgent | AnthropicAgent:
    return llm_agent(
        "openai",
        server,
        max_retries=0,
        cache=mode,
        cache_dir=str(cache_dir),
        local=False,
        **options,
    )


def script_openai(server: FakeServer) -> None:
    server.script(
        CHAT,
        Reply(json=oai_completion(None, [oai_call("search_showtimes", {"movie": "Dune"}, "c1")])),
        Reply(json=oai_completion("")),  # empty: re-asked once (a separate cache entry)
        Reply(json=oai_completion("Dune at 19:30. OK?")),
        Reply(json=oai_completion("Done.")),
    )


async def play(
    agent: OpenAIAgent | AnthropicAgent, replies: list[str | None] | None = None
) -> FakeSession:
    session = FakeSession(["yes", None] if replies is None else replies)
    try:
        await agent.run(session)
    finally:
        await agent.aclose()
    return session


async def test_rerun_hits_the_cache_and_makes_no_request(
    server: FakeServer, tmp_path: Path
) -> None:
    script_openai(server)
    n0 = server.count()
    first = await play(openai_agent(server, tmp_path, "on"))
    assert server.count() - n0 == 4
    assert sum(u.cost_usd for u in first.usage) > 0

    n1 = server.count()
    agent = openai_agent(server, tmp_path, "on")
    second = await play(agent)
    assert server.count() == n1  # zero HTTP requests
    assert agent.model_calls == 0 and agent.cache.hits == 4
    assert second.said == first.said and second.calls == first.calls
    assert [u.input_tokens for u in second.usage] == [u.input_tokens for u in first.usage]
    assert all(u.cost_usd == 0.0 for u in second.usage)  # cached responses cost nothing


async def test_other_settings_miss_and_refresh_refetches(
    server: FakeServer, tmp_path: Path
) -> None:
    script_openai(server)
    await play(openai_agent(server, tmp_path, "on"))
    # A different temperature is a different request.
    script_openai(server)
    n0 = server.count()
    await play(openai_agent(server, tmp_path, "on", temperature=0.5))
    assert server.count() - n0 == 4
    # refresh: asks again and overwrites, never reads.
    server.script(
        CHAT,
        Reply(json=oai_completion(None, [oai_call("search_showtimes", {"movie": "Dune"}, "c1")])),
        Reply(json=oai_completion("Fresh answer?")),
        Reply(json=oai_completion("Bye.")),
    )
    refreshed = await play(openai_agent(server, tmp_path, "refresh"))
    assert refreshed.said == ["Fresh answer?", "Bye."]
    n2 = server.count()
    again = await play(openai_agent(server, tmp_path, "on"))
    assert again.said == ["Fresh answer?", "Bye."] and server.count() == n2


async def test_off_writes_nothing(server: FakeServer, tmp_path: Path) -> None:
    server.script(CHAT, Reply(json=oai_completion("hi")))
    await play(openai_agent(server, tmp_path / "c", "off"), [None])
    assert not (tmp_path / "c").exists()


async def test_anthropic_rerun_hits_the_cache(server: FakeServer, tmp_path: Path) -> None:
    server.script(
        MESSAGES,
        Reply(json=anth_message(anth_tool_use("search_showtimes", {"movie": "Dune"}, "t1"))),
        Reply(json=anth_message(anth_text("Found Dune."))),
        Reply(json=anth_message(anth_text("Bye."))),
    )
    config = build_config(
        "anthropic:claude-sonnet-4-5",
        base_url=server.anthropic_url,
        max_retries=0,
        cache="on",
        cache_dir=str(tmp_path),
    )
    first = await play(AnthropicAgent(config, api_key="k"))
    n0 = server.count()
    second = await play(AnthropicAgent(config, api_key="k"))
    assert server.count() == n0
    assert second.said == first.said == ["Found Dune.", "Bye."]


def test_cache_store_is_atomic_and_tolerant(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, "on")
    key = request_key({"model": "m", "messages": [{"role": "user", "content": "hi"}]})
    assert key == request_key({"messages": [{"content": "hi", "role": "user"}], "model": "m"})
    assert cache.get(key) is None

    def writer(i: int) -> None:
        for _ in range(20):
            cache.put(key, {"n": i}, {"model": "m"})

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = cache.get(key)
    assert got is not None and got["n"] in range(8)
    files = list(tmp_path.rglob("*"))
    assert not [f for f in files if f.suffix == ".tmp"]  # no temp files left behind

    path = tmp_path / key[:2] / f"{key}.json"
    path.write_text('{"response": ')  # damaged entry (e.g. edited by hand)
    assert cache.get(key) is None
    path.write_text(json.dumps({"response": [1, 2]}))
    assert cache.get(key) is None
    assert ResponseCache(tmp_path, "refresh").get(key) is None
