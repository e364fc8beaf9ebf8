"""Fault classification through the real SDKs, plus presets, prices and the agent loader."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest
from fakeserver import (
    CHAT,
    FakeServer,
    Reply,
    anth_message,
    anth_text,
    oai_completion,
)
from fakesession import FakeSession
from llmkit import PATH, llm_agent

from ticketbench.agents.llm.anthropic_agent import AnthropicAgent
from ticketbench.agents.llm.base import LLMAgentBase
from ticketbench.agents.llm.faults import classify, parse_retry_after
from ticketbench.agents.llm.openai_agent import OpenAIAgent
from ticketbench.agents.llm.presets import ConfigError, build_config
from ticketbench.agents.llm.prices import load_prices
from ticketbench.agents.registry import describe_agent, load_agent
from ticketbench.protocol import InfraError

pytestmark = pytest.mark.filterwarnings("ignore:The model:DeprecationWarning")

ERR_500 = {"error": {"type": "server_error", "message": "boom"}}
FAST = {"retry-after-ms": "10"}  # keeps the SDK's backoff short in tests


def agent_for(api: str, server: FakeServer, tmp_path: Path, **options: Any) -> LLMAgentBase:
    options.setdefault("max_retries", 2)
    options.setdefault("request_timeout", 5)
    return llm_agent(api, server, cache_dir=str(tmp_path), **options)


def ok_reply(api: str) -> Reply:
    if api == "openai":
        return Reply(json=oai_completion("Hello!"))
    return Reply(json=anth_message(anth_text("Hello!")))


APIS = ["openai", "anthropic"]


async def run_agent(agent: LLMAgentBase, session: FakeSession | None = None) -> FakeSession:
    session = session or FakeSession([None])
    assert isinstance(agent, OpenAIAgent | AnthropicAgent)
    try:
        await agent.run(session)
    finally:
        await agent.aclose()
    return session


@pytest.mark.parametrize("api", APIS)
async def test_429_with_retry_after_then_success(
    api: str, server: FakeServer, tmp_path: Path
) -> None:
    n0 = server.count(PATH[api])
    limited = Reply(
        status=429, json={"error": {"message": "slow down"}}, headers={"retry-after": "0.3"}
    )
    server.script(PATH[api], limited, ok_reply(api))
    start = time.monotonic()
    session = await run_agent(agent_for(api, server, tmp_path))
    assert time.monotonic() - start >= 0.3  # the SDK waited as told
    assert session.said == ["Hello!"]
    assert server.count(PATH[api]) - n0 == 2


@pytest.mark.parametrize("api", APIS)
async def test_rate_limit_exhausted_carries_retry_after(
    api: str, server: FakeServer, tmp_path: Path
) -> None:
    limited = Reply(
        status=429, json={"error": {"message": "quota"}}, headers={"retry-after": "0.05"}
    )
    server.script(PATH[api], limited, limited)
    with pytest.raises(InfraError) as info:
        await run_agent(agent_for(api, server, tmp_path, max_retries=1))
    assert info.value.kind == "rate_limit"
    assert info.value.retry_after == pytest.approx(0.05)


@pytest.mark.parametrize("api", APIS)
async def test_repeated_500s_end_as_server_error(
    api: str, server: FakeServer, tmp_path: Path
) -> None:
    n0 = server.count(PATH[api])
    server.script(PATH[api], *[Reply(status=500, json=ERR_500, headers=FAST) for _ in range(3)])
    session = FakeSession([None])
    agent = agent_for(api, server, tmp_path, max_retries=2)
    assert isinstance(agent, OpenAIAgent | AnthropicAgent)
    with pytest.raises(InfraError) as info:
        await run_agent(agent, session)
    assert info.value.kind == "server_error"
    assert server.count(PATH[api]) - n0 == 3  # first try + 2 SDK retries
    assert session.usage == []


@pytest.mark.parametrize("api", APIS)
async def test_timeout(api: str, server: FakeServer, tmp_path: Path) -> None:
    server.script(PATH[api], Reply(json=oai_completion("late"), delay=1.0))
    with pytest.raises(InfraError) as info:
        await run_agent(agent_for(api, server, tmp_path, request_timeout=0.2, max_retries=0))
    assert info.value.kind == "timeout"


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (401, {"error": {"type": "authentication_error", "message": "bad key"}}, "auth"),
        (
            400,
            {"error": {"code": "context_length_exceeded", "message": "maximum context length"}},
            "context_overflow",
        ),
        (400, {"error": {"type": "invalid_request_error", "message": "bad tools"}}, "bad_request"),
        (529, {"error": {"type": "overloaded_error", "message": "overloaded"}}, "server_error"),
    ],
)
@pytest.mark.parametrize("api", APIS)
async def test_status_kinds(
    api: str, status: int, body: dict[str, Any], kind: str, server: FakeServer, tmp_path: Path
) -> None:
    server.script(PATH[api], Reply(status=status, json=body, headers=FAST))
    with pytest.raises(InfraError) as info:
        await run_agent(agent_for(api, server, tmp_path, max_retries=0))
    assert info.value.kind == kind


@pytest.mark.parametrize("api", APIS)
async def test_non_json_200_is_a_server_error(api: str, server: FakeServer, tmp_path: Path) -> None:
    server.script(PATH[api], Reply(text="<html>gateway</html>"))
    with pytest.raises(InfraError) as info:
        await run_agent(agent_for(api, server, tmp_path, max_retries=0))
    assert info.value.kind == "server_error"


async def test_error_object_in_a_200_response(server: FakeServer, tmp_path: Path) -> None:
    body = {"error": {"message": "This model's maximum context length is 8192 tokens"}}
    server.script(CHAT, Reply(json=body))
    with pytest.raises(InfraError) as info:
        await run_agent(agent_for("openai", server, tmp_path, max_retries=0))
    assert info.value.kind == "context_overflow"


async def test_connection_refused(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = build_config(
        "vllm:m", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0, cache_dir=str(tmp_path)
    )
    with pytest.raises(InfraError) as info:
        await run_agent(OpenAIAgent(config))
    assert info.value.kind == "connection"


def test_parse_retry_after() -> None:
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None
    assert classify(ValueError("not an SDK error")) is None


# ---- presets, keys, prices, loader ---------------------------------------------------------


def test_missing_api_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="DASHSCOPE_API_KEY"):
        load_agent("dashscope:qwen-plus")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        load_agent("anthropic:claude-sonnet-4-5")


def test_presets_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-test")
    qwen = load_agent("qwen:qwen-plus", temperature=0.0, seed=1)
    assert isinstance(qwen, OpenAIAgent)
    assert qwen.config.base_url == "https://dashscope.aliyuncs.com/compatible-mode/v1"
    assert qwen.config.api_key_env == "DASHSCOPE_API_KEY"
    header = describe_agent(qwen, "qwen:qwen-plus")
    assert header["spec"] == "qwen:qwen-plus" and header["temperature"] == 0.0
    assert "sk-test" not in str(header)

    for name in ("VLLM_API_KEY", "OLLAMA_API_KEY", "LLAMACPP_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    vllm = load_agent("vllm:Qwen/Qwen3-8B")  # no key needed locally
    assert isinstance(vllm, OpenAIAgent)
    assert vllm.config.model == "Qwen/Qwen3-8B"
    assert vllm.config.base_url == "http://localhost:8000/v1"
    assert vllm.describe()["price_known"] is True  # local: free, not "unknown"
    assert isinstance(load_agent("ollama:qwen3:8b"), OpenAIAgent)
    # An openai: spec pointed at a local server needs no OpenAI key either.
    local = load_agent("openai:my-model", base_url="http://127.0.0.1:8080/v1")
    assert isinstance(local, OpenAIAgent) and local.config.local
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        load_agent("openai:gpt-4.1-mini")
    with pytest.raises(ConfigError, match="unknown agent"):
        load_agent("gpt-4.1")
    with pytest.raises(ConfigError, match="bad options"):
        load_agent("vllm:m", temprature=0.1)


class GoodPlugin:
    def __init__(self, greeting: str = "hi") -> None:
        self.greeting = greeting

    async def run(self, session: Any) -> None:
        await session.say(self.greeting)


class BadPlugin:
    def run(self, session: Any) -> None:  # not async
        return None


def test_plugins() -> None:
    agent = load_agent(f"{__name__}:GoodPlugin", privileged=True, greeting="hello")
    assert isinstance(agent, GoodPlugin) and agent.greeting == "hello"
    isolated = load_agent(f"{__name__}:GoodPlugin", greeting="hello")  # out of process
    assert not isinstance(isolated, GoodPlugin)
    assert describe_agent(isolated, "x")["class"] == f"{__name__}.GoodPlugin"
    # The same checks run in the plugin's process (one is in tests/test_isolation.py).
    with pytest.raises(ConfigError, match="not an agent"):
        load_agent(f"{__name__}:BadPlugin", privileged=True)
    with pytest.raises(ConfigError, match="no attribute"):
        load_agent(f"{__name__}:Missing", privileged=True)
    with pytest.raises(ConfigError, match="cannot import"):
        load_agent("no_such_module_xyz:Agent", privileged=True)
    with pytest.raises(ConfigError, match="cannot build"):
        load_agent(f"{__name__}:GoodPlugin", privileged=True, colour="red")


def test_price_override_file(tmp_path: Path) -> None:
    toml = tmp_path / "prices.toml"
    toml.write_text(
        '[models."my-model"]\ninput = 1.0\noutput = 2.0\n\n[models."gpt-4.1"]\n'
        "input = 9.0\noutput = 9.0\ncached = 1.0\n"
    )
    table = load_prices(toml)
    assert table.cost("my-model", 1_000_000, 1_000_000, 0) == pytest.approx(3.0)
    assert table.cost("gpt-4.1-2025-04-14", 1_000_000, 0, 500_000) == pytest.approx(5.0)
    assert table.cost("gpt-4.1-mini", 1_000_000, 0, 0) == pytest.approx(0.40)
    js = tmp_path / "prices.json"
    js.write_text('{"models": {"m": {"input": 0.5, "output": 0.5}}}')
    assert load_prices(js).lookup("m") is not None
    js.write_text('{"models": {"m": {"input": "free"}}}')
    with pytest.raises(ValueError, match="bad price"):
        load_prices(js)
