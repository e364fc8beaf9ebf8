"""OpenAIAgent over the real `openai` SDK, talking HTTP to the scripted fake server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakeserver import CHAT, FakeServer, Reply, oai_call, oai_completion
from fakesession import FakeSession
from llmkit import OPENED, fake_agent

from ticketbench.agents.llm.openai_agent import OpenAIAgent
from ticketbench.agents.llm.presets import build_config

pytestmark = pytest.mark.usefixtures("close_agents")


def make_agent(server: FakeServer, tmp_path: Path, **options: Any) -> OpenAIAgent:
    agent = fake_agent("openai", server, tmp_path, **options)
    assert isinstance(agent, OpenAIAgent)
    return agent


def requests(server: FakeServer, start: int = 0) -> list[dict[str, Any]]:
    return [b for b in server.bodies(CHAT)][start:]


async def test_purchase_loop(server: FakeServer, tmp_path: Path) -> None:
    n0 = server.count(CHAT)
    server.script(
        CHAT,
        Reply(json=oai_completion(None, [oai_call("search_showtimes", {"movie": "Dune"}, "c1")])),
        Reply(json=oai_completion("Dune at 19:30. Book seats F7 and F8?")),
        Reply(
            json=oai_completion(
                "Holding the seats.",
                [oai_call("create_order", {"showtime_id": "st-1", "seats": ["F7", "F8"]}, "c2")],
            )
        ),
        Reply(json=oai_completion(None, [oai_call("request_payment", {"order_id": "o-1"}, "c3")])),
        Reply(json=oai_completion("Paid. Enjoy the movie!")),
    )
    session = FakeSession(["Yes please.", None])
    agent = make_agent(server, tmp_path)
    await agent.run(session)

    assert [c[0] for c in session.calls] == ["search_showtimes", "create_order", "request_payment"]
    assert session.env["paid"] == "o-1"
    assert session.said == ["Dune at 19:30. Book seats F7 and F8?", "Paid. Enjoy the movie!"]
    assert session.left

    sent = requests(server, n0)
    assert len(sent) == 5
    first = sent[0]
    assert first["model"] == "gpt-4.1-mini"
    assert first["messages"][0]["role"] == "system"
    assert first["messages"][0]["content"].startswith("# Policy")
    assert first["messages"][1] == {"role": "user", "content": session.opening}
    assert {t["function"]["name"] for t in first["tools"]} == {
        "search_showtimes",
        "create_order",
        "request_payment",
    }
    last = sent[-1]["messages"]
    # Every assistant message carries `content`, "" when the model sent none.
    for m in last:
        if m["role"] == "assistant":
            assert isinstance(m["content"], str)
    tool_turn = last[2]
    assert tool_turn["content"] == ""
    assert tool_turn["tool_calls"][0]["id"] == "c1"
    assert last[3]["role"] == "tool" and last[3]["tool_call_id"] == "c1"
    assert json.loads(last[3]["content"])["showtimes"][0]["id"] == "st-1"
    assert last[5] == {"role": "user", "content": "Yes please."}
    # Text sent alongside tool calls stays in the history.
    assert last[6]["content"] == "Holding the seats."

    assert len(session.usage) == 5
    u = session.usage[0]
    assert (u.model, u.input_tokens, u.output_tokens) == ("gpt-4.1-mini", 100, 20)
    assert u.cost_usd == pytest.approx((100 * 0.40 + 20 * 1.60) / 1e6)
    assert agent.faults.tool_errors == 0


async def test_parallel_tool_calls_all_run_in_order(server: FakeServer, tmp_path: Path) -> None:
    n0 = server.count(CHAT)
    calls = [
        oai_call("search_showtimes", {"movie": "Dune"}, "a"),
        oai_call("search_showtimes", {"movie": "Alien"}, "b"),
        oai_call("create_order", {"showtime_id": "st-1", "seats": ["A1"]}, "c"),
    ]
    server.script(CHAT, Reply(json=oai_completion(None, calls)), Reply(json=oai_completion("ok")))
    session = FakeSession([None])
    await make_agent(server, tmp_path).run(session)
    assert [json.loads(a)["movie"] for n, a in session.calls[:2]] == ["Dune", "Alien"]
    assert session.calls[2][0] == "create_order"
    msgs = requests(server, n0)[1]["messages"]
    assert [m["tool_call_id"] for m in msgs[3:6]] == ["a", "b", "c"]
    assert [c["id"] for c in msgs[2]["tool_calls"]] == ["a", "b", "c"]


async def test_invalid_json_arguments_go_back_as_tool_error(
    server: FakeServer, tmp_path: Path
) -> None:
    n0 = server.count(CHAT)
    server.script(
        CHAT,
        Reply(json=oai_completion(None, [oai_call("search_showtimes", '{"movie": "Du', "x")])),
        Reply(json=oai_completion(None, [oai_call("search_showtimes", {"film": "Dune"}, "y")])),
        Reply(json=oai_completion("Which movie?")),
    )
    session = FakeSession([None])
    agent = make_agent(server, tmp_path)
    await agent.run(session)
    msgs = requests(server, n0)[2]["messages"]
    bad_json, bad_args = json.loads(msgs[3]["content"]), json.loads(msgs[5]["content"])
    assert bad_json["error"]["code"] == "invalid_json"
    assert bad_args["error"]["code"] == "invalid_arguments"
    assert msgs[2]["tool_calls"][0]["function"]["arguments"] == '{"movie": "Du'
    assert agent.faults.invalid_json_args == 1
    assert agent.faults.tool_errors == 2
    assert ("invalid_json_args", 'search_showtimes: {"movie": "Du') in session.faults


async def test_empty_completion_is_retried_once(server: FakeServer, tmp_path: Path) -> None:
    server.script(
        CHAT,
        Reply(json=oai_completion("")),
        Reply(json=oai_completion("Hello!")),
        Reply(json={**oai_completion(None), "choices": []}),
        Reply(json=oai_completion("Bye!")),
    )
    session = FakeSession(["hi", None])
    agent = make_agent(server, tmp_path)
    await agent.run(session)
    # Each empty completion (empty text; no choices at all) is re-asked once.
    assert session.said == ["Hello!", "Bye!"]
    assert agent.faults.empty_completions == 2
    assert agent.faults.gave_up == 0


async def test_repeated_empty_completion_ends_the_agent_turn(
    server: FakeServer, tmp_path: Path
) -> None:
    server.script(CHAT, Reply(json=oai_completion(None)), Reply(json=oai_completion("  ")))
    session = FakeSession(["unused"])
    agent = make_agent(server, tmp_path)
    await agent.run(session)  # no crash, nothing said
    assert session.said == []
    assert agent.faults.empty_completions == 2
    assert agent.faults.gave_up == 1


async def test_step_limit_stops_the_loop(server: FakeServer, tmp_path: Path) -> None:
    n0 = server.count(CHAT)
    loop_call = [oai_call("search_showtimes", {"movie": "Dune"}, "s")]
    server.script(CHAT, *[Reply(json=oai_completion(None, loop_call)) for _ in range(3)])
    session = FakeSession([], max_steps=3)
    await make_agent(server, tmp_path).run(session)
    assert session.done and len(session.calls) == 3
    assert server.count(CHAT) - n0 == 3


async def test_parallel_calls_after_the_limit_are_answered_not_run(
    server: FakeServer, tmp_path: Path
) -> None:
    calls = [oai_call("search_showtimes", {"movie": m}, m) for m in ("A", "B", "C")]
    server.script(CHAT, Reply(json=oai_completion(None, calls)))
    session = FakeSession([], max_steps=2)
    await make_agent(server, tmp_path).run(session)
    assert [json.loads(a)["movie"] for _, a in session.calls] == ["A", "B"]


async def test_settings_reach_the_request_and_header(server: FakeServer, tmp_path: Path) -> None:
    n0 = server.count(CHAT)
    server.script(CHAT, Reply(json=oai_completion("hi", refusal=None)))
    agent = make_agent(
        server,
        tmp_path,
        temperature=0.0,
        seed=7,
        max_tokens=256,
        extra={"top_k": 20, "chat_template_kwargs": {"enable_thinking": False}},
        guidance="Be brief.",
    )
    await agent.run(FakeSession([None]))
    body = requests(server, n0)[0]
    assert body["temperature"] == 0.0 and body["seed"] == 7
    assert body["max_completion_tokens"] == 256
    assert body["top_k"] == 20 and body["chat_template_kwargs"] == {"enable_thinking": False}
    assert body["messages"][0]["content"].endswith("Be brief.\n")
    info = agent.describe()
    assert info["model"] == "gpt-4.1-mini" and info["seed"] == 7 and info["price_known"]
    assert "test-key" not in json.dumps(info)


async def test_refusal_and_missing_ids(server: FakeServer, tmp_path: Path) -> None:
    n0 = server.count(CHAT)
    no_id = oai_call("search_showtimes", {"movie": "Dune"})
    server.script(
        CHAT,
        Reply(json=oai_completion(None, [no_id])),
        Reply(json=oai_completion(None, refusal="I can't help with that.")),
    )
    session = FakeSession([None])
    agent = make_agent(server, tmp_path)
    await agent.run(session)
    msgs = requests(server, n0)[1]["messages"]
    assert msgs[2]["tool_calls"][0]["id"] == msgs[3]["tool_call_id"] != ""
    assert session.said == ["I can't help with that."]
    assert agent.faults.refusals == 1


async def test_unknown_model_costs_zero_and_is_flagged(server: FakeServer, tmp_path: Path) -> None:
    server.script(CHAT, Reply(json=oai_completion("hi")))
    config = build_config(
        "openai:my-finetune",
        base_url=server.openai_url,
        max_retries=0,
        local=False,
        cache_dir=str(tmp_path),
    )
    agent = OpenAIAgent(config, api_key="k")
    OPENED.append(agent)
    session = FakeSession([None])
    await agent.run(session)
    assert session.usage[0].cost_usd == 0.0
    info = agent.describe()
    assert info["price_known"] is False and "warning" in info
    assert info["unknown_price_models"] == ["my-finetune"]


async def test_reasoning_content_echo_is_opt_in(server: FakeServer, tmp_path: Path) -> None:
    n0 = server.count(CHAT)
    thought = oai_completion(None, [oai_call("search_showtimes", {"movie": "Dune"}, "r1")])
    thought["choices"][0]["message"]["reasoning_content"] = "I should search."
    for echo in (True, False):
        server.script(CHAT, Reply(json=thought), Reply(json=oai_completion("Found it.")))
        await make_agent(server, tmp_path, echo_reasoning=echo).run(FakeSession([None]))
    with_echo, without = requests(server, n0)[1], requests(server, n0)[3]
    assert with_echo["messages"][2]["reasoning_content"] == "I should search."
    assert "reasoning_content" not in without["messages"][2]
