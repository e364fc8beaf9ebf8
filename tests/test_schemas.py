"""Generated tool schemas: valid JSON Schema in all three flavours, matching the signatures."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from ticketbench.env import AGENT_TOOLS, APP_ACTIONS, POLICY
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
    "pick_card", "submit_order", "approve_payment", "decline_payment", "pay_order",
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
    assert schema.get("additionalProperties") is False
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
    """Annotated bounds (counts, id patterns, list lengths) are in the generated schemas."""
    rec = AGENT_TOOLS.get("recommend_seats")
    assert rec is not None
    count = rec.spec.parameters["properties"]["count"]
    assert (count["minimum"], count["maximum"]) == (1, 4)
    assert "enum" in rec.spec.parameters["properties"]["preference"]
    create = AGENT_TOOLS.get("create_order")
    assert create is not None
    seats = create.spec.parameters["properties"]["seats"]["anyOf"][0]
    assert seats["maxItems"] == 4
    assert "pattern" in seats["items"]
    sid = create.spec.parameters["properties"]["showtime_id"]["anyOf"][0]
    assert "pattern" in sid and sid["maxLength"] <= 48


def test_policy_text() -> None:
    assert 30 < len(POLICY.splitlines()) <= 90
    for needle in ("request_payment", "single", "never", "4 seats", "instructions"):
        assert needle.lower() in POLICY.lower()


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
