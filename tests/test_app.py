"""User-side app actions: deep link -> pick -> submit -> pay, and payment sheets."""

from __future__ import annotations

from typing import Any

import pytest

from tests.worldkit import make_env
from ticketbench.env import AGENT_TOOLS, APP_ACTIONS, TicketEnv, payment_sheet
from ticketbench.env.app import cart
from ticketbench.env.links import DeepLink, parse_link
from ticketbench.env.toolkit import EnvError


def _app(env: TicketEnv, name: str, **args: Any) -> Any:
    res = APP_ACTIONS.call(env, name, args)
    assert res.ok, f"{name}: {res.content}"
    return res.data


def _app_err(env: TicketEnv, name: str, code: str | None = None, **args: Any) -> str:
    before = env.digest()
    res = APP_ACTIONS.call(env, name, args)
    assert not res.ok and res.error is not None
    assert env.digest() == before
    if code is not None:
        assert res.error.code == code, res.content
    return res.error.code


def _agent(env: TicketEnv, name: str, **args: Any) -> Any:
    res = AGENT_TOOLS.call(env, name, args)
    assert res.ok, f"{name}: {res.content}"
    return res.data


def test_link_pick_submit_pay_movie() -> None:
    env = make_env()
    url = _agent(env, "booking_link", showtime_id="ST3")["url"]
    screen = _app(env, "open_link", url=url)
    assert "SCREEN" in screen["screen"] and screen["cart"]["showtime_id"] == "ST3"
    _app_err(env, "submit_order", "incomplete_cart")
    _app_err(env, "pick_seats", "gap_rule", showtime_id="ST3", seats=["4-4", "4-5"])
    picked = _app(env, "pick_seats", showtime_id="ST3", seats=["4-5", "4-6"])
    assert picked["price"]["total_fen"] == 2 * 6000 + 2 * 300
    _app_err(env, "pick_coupon", "not_found", coupon_id="NOPE")
    _app(env, "pick_coupon", coupon_id="Q2")
    _app(env, "pick_card", card_id="K1")
    out = _app(env, "submit_order")
    sheet = out["sheet"]
    assert sheet["seats"] == ["4-5", "4-6"] and sheet["coupon_id"] == "Q2"
    assert sheet["card_id"] == "K1" and sheet["count"] == 2
    oid = sheet["order_id"]
    _app_err(env, "submit_order", "already_submitted")
    _app_err(env, "pay_order", "insufficient_balance", order_id=oid, payment_method_id="PM2")
    paid = _app(env, "pay_order", order_id=oid, payment_method_id="PM1")
    assert paid["status"] == "paid" and paid["pickup_code"]
    assert env.order(oid).status == "paid"  # type: ignore[union-attr]
    # the cart is a log entry; the order and the user's balance are the world changes
    tables = {c.table for c in env.diff()}
    assert "orders" in tables and "app" not in tables
    assert "app" in {c.table for c in env.diff(include_logs=True)}


def test_link_with_preselected_seats_and_event_link() -> None:
    env = make_env()
    url = _agent(env, "booking_link", showtime_id="ST1", seats=["3-5", "3-6"])["url"]
    screen = _app(env, "open_link", url=url)
    assert screen["cart"]["seats"] == ["3-5", "3-6"] and "* *" in screen["screen"]
    sheet = _app(env, "submit_order")["sheet"]
    assert sheet["showtime_id"] == "ST1" and sheet["seats"] == ["3-5", "3-6"]

    env2 = make_env()
    url = _agent(env2, "booking_link", session_id="S2", zone_id="Z3", quantity=2)["url"]
    screen = _app(env2, "open_link", url=url)
    assert screen["cart"] == {"kind": "event", "session_id": "S2", "zone_id": "Z3", "quantity": 2}
    sheet = _app(env2, "submit_order")["sheet"]
    assert sheet["kind"] == "event" and sheet["zone_id"] == "Z3" and sheet["count"] == 2
    _app(env2, "pay_order", order_id=sheet["order_id"], payment_method_id="PM1")


def test_pick_tickets_real_name() -> None:
    env = make_env()
    _app_err(env, "pick_tickets", "not_found", session_id="S1", zone_id="Z9", quantity=1)
    _app_err(env, "pick_tickets", "attendees_required", session_id="S1", zone_id="Z1", quantity=1)
    out = _app(env, "pick_tickets", session_id="S1", zone_id="Z1", quantity=1, attendee_ids=["A1"])
    assert out["price"]["total_fen"] == 68000 + 1000
    _app_err(env, "pick_card", "card_not_applicable", card_id="K1")
    sheet = _app(env, "submit_order")["sheet"]
    assert sheet["items"][0]["attendee_id"] == "A1"


def test_payment_request_approve_and_decline() -> None:
    env = make_env()
    oid = _agent(env, "create_order", showtime_id="ST1", seats=["3-5", "3-6"])["order_id"]
    _agent(env, "request_payment", order_id=oid, payment_method_id="PM1")
    sheet = payment_sheet(env, "PR0001")
    assert sheet["order_id"] == oid and sheet["payment_method_id"] == "PM1"
    assert sheet["amount_fen"] == sheet["total_fen"] and sheet["request_status"] == "pending"
    assert sheet["seats"] == ["3-5", "3-6"] and sheet["hold_expires_at"]
    _app(env, "decline_payment", request_id="PR0001")
    assert env.order(oid).status == "pending_payment"  # type: ignore[union-attr]
    _app_err(env, "approve_payment", "not_pending", request_id="PR0001")
    _agent(env, "request_payment", order_id=oid, payment_method_id="PM1")
    paid = _app(env, "approve_payment", request_id="PR0002")
    assert paid["status"] == "paid"
    assert payment_sheet(env, "PR0002")["request_status"] == "approved"
    _app_err(env, "approve_payment", "not_found", request_id="PR0404")
    with pytest.raises(EnvError):
        payment_sheet(env, "PR0404")


def test_superseded_request_cannot_be_approved() -> None:
    env = make_env()
    oid = _agent(env, "create_order", showtime_id="ST1", seats=["3-5", "3-6"])["order_id"]
    _agent(env, "request_payment", order_id=oid, payment_method_id="PM1")
    _agent(env, "request_payment", order_id=oid, payment_method_id="K1")
    _app_err(env, "approve_payment", "not_pending", request_id="PR0001")
    assert _app(env, "approve_payment", request_id="PR0002")["paid_with"] == "K1"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://example.com/showtime/ST1",
        "ticketbench://app/showtime/",
        "ticketbench://app/movie/ST1",
        "ticketbench://app/showtime/ST1?seats=5-7;rm",
        "ticketbench://app/showtime/ST1?zone=Z1",
        "ticketbench://app/session/S1?qty=0",
        "ticketbench://app/session/S1?qty=abc",
        "ticketbench://app/showtime/ST404",
        "ticketbench://app/showtime/" + "A" * 5000,
    ],
)
def test_bad_links(url: str) -> None:
    env = make_env()
    code = _app_err(env, "open_link", url=url)
    assert code in ("invalid_link", "not_found", "invalid_arguments", "link_not_issued")
    assert cart(env) is None


def test_link_round_trip() -> None:
    link = DeepLink(kind="showtime", target_id="ST1", seats=("5-7", "5-8"))
    assert parse_link(link.url) == link
    ev = DeepLink(kind="session", target_id="S1", zone_id="Z1", quantity=3)
    assert parse_link(ev.url) == ev


def test_no_cart_errors() -> None:
    env = make_env()
    _app_err(env, "submit_order", "no_cart")
    _app_err(env, "pick_coupon", "no_cart", coupon_id="Q1")
    _app_err(env, "pay_order", "not_found", order_id="N404", payment_method_id="PM1")
