"""Agent tools: bad-input matrix (never raises, structured errors, no state change),
order flows, bilingual search, place resolution and compact seat maps."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.worldkit import NOW, make_env
from ticketbench.env import AGENT_TOOLS, TicketEnv

GOOD: dict[str, dict[str, Any]] = {
    "current_time": {},
    "search_movies": {"query": "movie"},
    "search_cinemas": {"near": "home"},
    "search_showtimes": {"movie_id": "M1"},
    "search_events": {"query": "concert"},
    "get_event": {"event_id": "E1"},
    "seat_map": {"showtime_id": "ST1"},
    "recommend_seats": {"showtime_id": "ST1", "count": 2},
    "get_user_profile": {},
    "quote_price": {"showtime_id": "ST1", "seats": ["3-5", "3-6"]},
    "create_order": {"showtime_id": "ST1", "seats": ["3-5", "3-6"]},
    "get_order": {"order_id": "O0001"},
    "list_orders": {},
    "cancel_order": {"order_id": "O0001"},
    "refund_order": {"order_id": "O0001"},
    "exchange_order": {"order_id": "O0001", "new_showtime_id": "ST1", "seats": ["1-3", "1-4"]},
    "request_payment": {"order_id": "O0001", "payment_method_id": "PM1"},
    "booking_link": {"showtime_id": "ST1"},
    "transfer_to_human": {"reason": "the user wants to file a complaint"},
    "transfer_ticket": {"order_id": "O0001", "recipient_phone": "13800000002"},
}
READ_ONLY = [
    "current_time", "search_movies", "search_cinemas", "search_showtimes", "search_events",
    "get_event", "seat_map", "recommend_seats", "get_user_profile", "quote_price", "get_order",
    "list_orders",
]  # fmt: skip
HUGE = "x" * 100_000


def _bad(env: TicketEnv, name: str, args: Any, code: str | None = None) -> str:
    """Call a tool expecting an error; check nothing changed; return the error code."""
    before = env.digest()
    res = AGENT_TOOLS.call(env, name, args)
    assert not res.ok, f"{name}({str(args)[:80]}) unexpectedly succeeded: {res.content[:200]}"
    assert res.error is not None and res.error.code and res.error.message
    assert json.loads(res.content)["error"]["code"] == res.error.code
    assert env.digest() == before, f"{name} changed state while failing"
    if code is not None:
        assert res.error.code == code, f"{name}: {res.error.code} {res.error.message}"
    return res.error.code


def _ok(env: TicketEnv, name: str, **args: Any) -> Any:
    res = AGENT_TOOLS.call(env, name, args)
    assert res.ok, f"{name}: {res.content}"
    return res.data


def test_every_tool_has_good_args() -> None:
    assert set(GOOD) == {t.name for t in AGENT_TOOLS}


@pytest.mark.parametrize("name", READ_ONLY)
def test_read_tools_succeed_without_writing(name: str) -> None:
    env = make_env()
    before = env.digest()
    res = AGENT_TOOLS.call(env, name, GOOD[name])
    assert res.ok, res.content
    assert env.digest() == before


@pytest.mark.parametrize("name", sorted(GOOD))
def test_bad_input_matrix(name: str) -> None:
    env = make_env()
    tool = AGENT_TOOLS.get(name)
    assert tool is not None
    good = GOOD[name]
    props = tool.spec.parameters["properties"]
    required = tool.spec.parameters.get("required", [])
    _bad(env, name, {**good, "bogus": 1}, "invalid_arguments")
    _bad(env, name, "not an object", "invalid_arguments")
    _bad(env, name, [1, 2], "invalid_arguments")
    for p in props:
        _bad(env, name, {**good, p: {"nested": ["object"]}}, "invalid_arguments")
        _bad(env, name, {**good, p: HUGE}, "invalid_arguments")
        _bad(env, name, {**good, p: [HUGE]}, "invalid_arguments")
    for p in required:
        _bad(env, name, {k: v for k, v in good.items() if k != p}, "invalid_arguments")
    for p in props:
        if p.endswith("_id"):
            for malformed in ("", "a b", "../../etc/passwd", "ST1;DROP", "🎬"):
                _bad(env, name, {**good, p: malformed}, "invalid_arguments")
            unknown = "ZZ9999"
            msg_code = _bad(env, name, {**good, p: unknown})
            # an id of the mode in use (not one that switches movie <-> event) is not_found
            if p in good or p in ("card_id", "coupon_id"):
                assert msg_code == "not_found", f"{name}.{p}: {msg_code}"


def test_unknown_ids_are_named() -> None:
    env = make_env()
    res = AGENT_TOOLS.call(env, "seat_map", {"showtime_id": "ST404"})
    assert res.error is not None and res.error.code == "not_found" and "ST404" in res.error.message
    res = AGENT_TOOLS.call(env, "quote_price", {**GOOD["quote_price"], "coupon_id": "QQ"})
    assert res.error is not None and res.error.code == "not_found" and "QQ" in res.error.message
    assert AGENT_TOOLS.call(env, "nope", {}).error.code == "unknown_tool"  # type: ignore[union-attr]


def test_order_rule_errors_leave_state_unchanged() -> None:
    env = make_env()
    _bad(env, "create_order", {"showtime_id": "ST1", "seats": ["99-99"]}, "unknown_seat")
    _bad(env, "create_order", {"showtime_id": "ST1", "seats": ["1-1"]}, "seat_taken")
    _bad(env, "create_order", {"showtime_id": "ST1", "seats": ["3-4", "3-5"]}, "gap_rule")
    _bad(env, "create_order", {"showtime_id": "ST1", "seats": ["1-3"] * 2}, "duplicate_seat")
    _bad(env, "create_order", {"showtime_id": "ST1", "seats": ["1-3", "1-4", "1-5", "1-6", "1-7"]})
    _bad(env, "create_order", {"showtime_id": "ST1"}, "invalid_arguments")
    _bad(env, "create_order", {"showtime_id": "ST1", "seats": ["1-3"], "zone_id": "Z1"})
    _bad(env, "create_order", {"session_id": "S1", "zone_id": "Z1", "quantity": 1, "card_id": "K1"})
    _bad(env, "create_order", {}, "invalid_arguments")
    _bad(env, "create_order", {"session_id": "S1", "zone_id": "Z404", "quantity": 1}, "not_found")
    # another user's order does not exist for this user
    other = make_env("U2")
    _bad(other, "get_order", {"order_id": "O0001"}, "not_found")
    _bad(other, "refund_order", {"order_id": "O0001"}, "not_found")


def test_double_hold_cancel_and_payment_errors() -> None:
    env = make_env()
    order = _ok(env, "create_order", showtime_id="ST1", seats=["3-5", "3-6"])
    oid = order["order_id"]
    assert order["status"] == "pending_payment" and order["total_fen"] > 0
    assert "hold_until" in order
    _bad(env, "create_order", {"showtime_id": "ST1", "seats": ["3-5", "3-6"]}, "seat_taken")
    _bad(env, "refund_order", {"order_id": oid}, "not_paid")
    _bad(env, "request_payment", {"order_id": oid, "payment_method_id": "PM2"})
    _bad(env, "request_payment", {"order_id": oid, "payment_method_id": "PM9"}, "not_found")
    _ok(env, "cancel_order", order_id=oid)
    _bad(env, "cancel_order", {"order_id": oid}, "not_cancellable")
    _bad(env, "request_payment", {"order_id": oid, "payment_method_id": "PM1"}, "not_payable")
    # the cancelled hold freed the seats
    assert _ok(env, "create_order", showtime_id="ST1", seats=["3-5", "3-6"])["order_id"] != oid


def test_request_payment_logs_and_does_not_charge() -> None:
    env = make_env()
    oid = _ok(env, "create_order", showtime_id="ST1", seats=["3-5", "3-6"])["order_id"]
    balance = env.user().payment_methods[0].balance_fen
    text = _ok(env, "request_payment", order_id=oid, payment_method_id="PM1")
    assert "wait for their answer" in text
    assert env.order(oid).status == "pending_payment"  # type: ignore[union-attr]
    assert env.user().payment_methods[0].balance_fen == balance
    reqs = [c for c in env.diff(include_logs=True) if c.table == "payment_requests"]
    assert len(reqs) == 1 and reqs[0].after.order_id == oid
    assert not [c for c in env.diff() if c.table == "payment_requests"]
    # the same request again is idempotent
    assert "already open" in _ok(env, "request_payment", order_id=oid, payment_method_id="PM1")
    # an expired hold cannot be paid
    env.advance(16 * 60)
    _bad(env, "request_payment", {"order_id": oid, "payment_method_id": "PM1"}, "hold_expired")


def test_event_order_and_refund_amount() -> None:
    env = make_env()
    _bad(env, "create_order", {"session_id": "S1", "zone_id": "Z1", "quantity": 2})
    _bad(
        env,
        "create_order",
        {"session_id": "S1", "zone_id": "Z1", "quantity": 1, "attendee_ids": ["A9"]},
        "not_found",
    )
    o = _ok(
        env, "create_order", session_id="S1", zone_id="Z1", quantity=2, attendee_ids=["A1", "A3"]
    )
    assert o["kind"] == "event" and o["total_fen"] == 2 * 68000 + 2 * 1000
    from ticketbench.env.orders.booking import pay_order

    pay_order(env, o["order_id"], "PM1")
    refunded = _ok(env, "refund_order", order_id=o["order_id"])
    assert refunded["status"] == "refunded" and refunded["refund_fen"] == o["total_fen"]
    assert refunded["refund_fee"] == "¥0.00"


def test_profile_masks_ids_and_shows_only_own_data() -> None:
    env = make_env()
    prof = _ok(env, "get_user_profile")
    text = json.dumps(prof, ensure_ascii=False)
    assert "310101199001010011" not in text and "310***********0011" in text
    assert "Wang Fang" not in text and "PW1" not in text
    states = {c["id"]: c["state"] for c in prof["coupons"]}
    assert states["Q1"] == "usable" and states["Q4"] == "expired" and states["Q5"] == "used"


def test_links_and_transfers_are_logged() -> None:
    env = make_env()
    link = _ok(env, "booking_link", showtime_id="ST1", seats=["3-5", "3-6"])
    assert link["url"] == "ticketbench://app/showtime/ST1?seats=3-5,3-6"
    _bad(env, "booking_link", {"showtime_id": "ST1", "seats": ["1-1"]}, "seat_taken")
    _bad(env, "booking_link", {"showtime_id": "ST1", "session_id": "S1"}, "invalid_arguments")
    ev_link = _ok(env, "booking_link", session_id="S1", zone_id="Z1", quantity=2)
    assert ev_link["url"] == "ticketbench://app/session/S1?zone=Z1&qty=2"
    _ok(env, "transfer_to_human", reason="lost ticket")
    tables = {c.table for c in env.diff(include_logs=True)}
    assert {"links", "transfers"} <= tables
    assert env.diff() == []


def test_search_showtimes_filters() -> None:
    env = make_env()
    rows = _ok(env, "search_showtimes", movie_id="M1", after="20:00")["showtimes"]
    assert [r["id"] for r in rows] == ["ST4", "ST2"]
    rows = _ok(env, "search_showtimes", movie_id="M1", date="2025-06-02")["showtimes"]
    assert rows == []
    rows = _ok(env, "search_showtimes", movie_id="M1", cinema_id="C2")["showtimes"]
    assert [r["id"] for r in rows] == ["ST4"] and rows[0]["open"] is True
    assert _ok(env, "search_showtimes", movie_id="M1", limit=1)["more"] is True
    _bad(env, "search_showtimes", {"movie_id": "M1", "date": "2025-13-45"}, "invalid_arguments")
    _bad(env, "search_showtimes", {"movie_id": "M1", "after": "25:00"}, "invalid_arguments")
    late = make_env(now=NOW + timedelta(hours=10))  # 20:00: ST1 started, ST2 still ahead
    ids = [r["id"] for r in _ok(late, "search_showtimes", movie_id="M1")["showtimes"]]
    assert ids == ["ST2"]


def test_seat_map_compact_in_committed_world() -> None:
    from ticketbench.env.world import world_path

    if not world_path().exists():
        pytest.skip("committed world not built yet")
    from ticketbench.env import load_world

    world = load_world()
    biggest = max(world.data.halls, key=lambda h: sum(len(r) for r in h.layout))
    st = next(s for s in world.data.showtimes if s.hall_id == biggest.id)
    env = TicketEnv(world, world.data.users[0].id, st.start - timedelta(days=1))
    text = _ok(env, "seat_map", showtime_id=st.id)
    assert len(text.encode()) < 3 * 1024, len(text.encode())


# --- fuzz: nothing raises --------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(GOOD)),
    overrides=st.dictionaries(
        st.sampled_from(
            [
                "showtime_id",
                "seats",
                "count",
                "query",
                "order_id",
                "near",
                "date",
                "quantity",
                "zone_id",
                "session_id",
                "coupon_id",
                "limit",
                "x",
            ]
        ),
        _json,
        max_size=3,
    ),
)
def test_fuzz_never_raises(name: str, overrides: dict[str, Any]) -> None:
    env = make_env()
    before = env.digest()
    res = AGENT_TOOLS.call(env, name, {**GOOD[name], **overrides})
    assert res.ok or (res.error is not None and res.error.code)
    if not res.ok:
        assert env.digest() == before
