"""AnthropicAgent over the real `anthropic` SDK, talking HTTP to the scripted fake server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakeserver import MESSAGES, FakeServer, Reply, anth_message, anth_text, anth_tool_use
from fakesession import FakeSession
from llmkit import fake_agent

from ticketbench.agents.llm.anthropic_agent import AnthropicAgent

# The SDK warns about deprecated model names; the tests only need a known-priced one.
pytestmark = [
    pytest.mark.filterwarnings("ignore:The model:DeprecationWarning"),
    pytest.mark.usefixtures("close_agents"),
]


def make_agent(server: FakeServer, tmp_path: Path, **options: Any) -> AnthropicAgent:
    agent = fake_agent("anthropic", server, tmp_path, **options)
    assert isinstance(agent, AnthropicAgent)
    return agent


async def test_purchase_loop_with_parallel_tool_use(server: FakeServer, tmp_path: Path) -> None:
    n0 = server.count(MESSAGES)
    server.script(
        MESSAGES,
        Reply(
            json=anth_message(
                anth_text("Let me look."),
                anth_tool_use("search_showtimes", {"movie": "Dune"}, "tu1"),
                anth_tool_use("search_showtimes", {"movie": "Dune", "city": 5}, "tu2"),
            )
        ),
        Reply(json=anth_message(anth_text("Dune at 19:30. Book F7 and F8?"))),
        Reply(
            json=anth_message(
                anth_tool_use("create_order", {"showtime_id": "st-1", "seats": ["F7", "F8"]}, "t3")
            )
        ),
        Reply(json=anth_message(anth_tool_use("request_payment", {"order_id": "o-1"}, "t4"))),
        Reply(json=anth_message(anth_text("Paid. Enjoy!"), usage=(10, 5, 80, 20))),
    )
    session = FakeSession(["Yes.", None])
    agent = make_agent(server, tmp_path)
    await agent.run(session)

    assert [c[0] for c in session.calls] == [
        "search_showtimes",
        "search_showtimes",
        "create_order",
        "request_payment",
    ]
    assert session.env["paid"] == "o-1"
    assert session.said == ["Dune at 19:30. Book F7 and F8?", "Paid. Enjoy!"]

    sent = server.bodies(MESSAGES)[n0:]
    assert len(sent) == 5
    first = sent[0]
    assert first["system"].startswith("# Policy")
    assert first["max_tokens"] == 4096
    assert first["messages"] == [{"role": "user", "content": session.opening}]
    assert {t["name"] for t in first["tools"]} >= {"search_showtimes", "create_order"}
    assert "input_schema" in first["tools"][0]

    msgs = sent[1]["messages"]
    assert msgs[1]["role"] == "assistant"
    assert [b["type"] for b in msgs[1]["content"]] == ["text", "tool_use", "tool_use"]
    # Both tool_use blocks are answered in ONE user message, in order; errors flagged.
    results = msgs[2]["content"]
    assert msgs[2]["role"] == "user" and len(msgs) == 3
    assert [r["tool_use_id"] for r in results] == ["tu1", "tu2"]
    assert "is_error" not in results[0]
    assert results[1]["is_error"] is True
    assert json.loads(results[1]["content"])["error"]["code"] == "invalid_arguments"
    assert agent.faults.tool_errors == 1

    last = session.usage[-1]
    assert (last.input_tokens, last.output_tokens, last.cached_tokens) == (110, 5, 80)
    expected = (10 * 3.0 + 20 * 3.0 + 80 * 0.30 + 5 * 15.0) / 1e6
    assert last.cost_usd == pytest.approx(expected)


async def test_unhandled_blocks_are_counted_and_thinking_echoed(
    server: FakeServer, tmp_path: Path
) -> None:
    n0 = server.count(MESSAGES)
    thinking = {"type": "thinking", "thinking": "hmm", "signature": "sig"}
    server_tool = {"type": "server_tool_use", "id": "s1", "name": "web_search", "input": {}}
    server.script(
        MESSAGES,
        Reply(
            json=anth_message(
                thinking, server_tool, anth_tool_use("search_showtimes", {"movie": "X"}, "t1")
            )
        ),
        Reply(json=anth_message(anth_text("Found it."))),
    )
    session = FakeSession([None])
    agent = make_agent(server, tmp_path)
    await agent.run(session)
    echo = server.bodies(MESSAGES)[n0 + 1]["messages"][1]["content"]
    assert [b["type"] for b in echo] == ["thinking", "tool_use"]
    assert echo[0]["signature"] == "sig"
    assert agent.faults.unsupported_blocks == 1
    assert ("unsupported_blocks", "content block 'server_tool_use'") in session.faults


async def test_empty_refusal_and_truncation(server: FakeServer, tmp_path: Path) -> None:
    server.script(
        MESSAGES,
        Reply(json=anth_message()),
        Reply(json=anth_message(anth_text("Hi, how can I help?"), stop_reason="max_tokens")),
        Reply(json=anth_message(stop_reason="refusal")),
        Reply(json=anth_message(anth_text(""), stop_reason="refusal")),
    )
    session = FakeSession(["Something bad.", "unused"])
    agent = make_agent(server, tmp_path)
    await agent.run(session)  # never raises on agent-side faults
    assert session.said == ["Hi, how can I help?"]
    f = agent.faults
    assert (f.empty_completions, f.truncated, f.refusals, f.gave_up) == (3, 1, 2, 1)


async def test_step_limit_and_settings(server: FakeServer, tmp_path: Path) -> None:
    n0 = server.count(MESSAGES)
    tool = anth_tool_use("search_showtimes", {"movie": "Dune"}, "t")
    server.script(MESSAGES, *[Reply(json=anth_message(tool)) for _ in range(2)])
    session = FakeSession([], max_steps=2)
    agent = make_agent(
        server, tmp_path, temperature=0.2, max_tokens=300, extra={"top_k": 5}, seed=3
    )
    await agent.run(session)
    assert session.done and len(session.calls) == 2
    body = server.bodies(MESSAGES)[n0]
    assert (body["temperature"], body["max_tokens"], body["top_k"]) == (0.2, 300, 5)
    assert "seed" not in body  # the Messages API has no seed
    assert agent.describe()["backend"] == "anthropic-messages"
