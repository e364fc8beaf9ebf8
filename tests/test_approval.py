"""No money without the user's approval, anywhere: every agent tool, alone or in any order,
leaves every balance where it was or higher; only the user's approval of a sheet (a payment
or an exchange that costs more) charges anything. Also the transfer tool's rules."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.worldkit import make_env
from ticketbench.env import AGENT_TOOLS, APP_ACTIONS, TicketEnv
from ticketbench.env.sheets import payment_sheet
from ticketbench.env.state import ExchangeRequest, payment_requests
from ticketbench.suite.spec import Task

# Calls that succeed on the tiny world (in this order), so each tool really acts.
DRIVE: list[tuple[str, dict[str, Any]]] = [
    ("current_time", {}),
    ("search_movies", {"query": "movie"}),
    ("search_cinemas", {"near": "home"}),
    ("search_showtimes", {"movie_id": "M1"}),
    ("search_events", {"query": "concert"}),
    ("get_event", {"event_id": "E2"}),
    ("seat_map", {"showtime_id": "ST1"}),
    ("recommend_seats", {"showtime_id": "ST1", "count": 2}),
    ("get_user_profile", {}),
    ("quote_price", {"showtime_id": "ST1", "seats": ["3-5", "3-6"]}),
    ("create_order", {"showtime_id": "ST1", "seats": ["2-3", "2-4"]}),
    ("request_payment", {"order_id": "N0001", "payment_method_id": "PM1"}),
    ("create_order", {"showtime_id": "ST3", "seats": ["2-3", "2-4"]}),
    ("cancel_order", {"order_id": "N0002"}),
    # ST2 (11,600) -> two VIP seats of ST1 (12,600): an exchange that costs 10 yuan more
    ("exchange_order", {"order_id": "O0001", "new_showtime_id": "ST1", "seats": ["3-5", "3-6"]}),
    ("get_order", {"order_id": "O0001"}),
    ("list_orders", {}),
    ("booking_link", {"showtime_id": "ST1"}),
    ("transfer_to_human", {"reason": "the user wants to file a complaint"}),
    ("transfer_ticket", {"order_id": "N0001", "recipient_phone": "13800000002"}),
    ("refund_order", {"order_id": "O0001"}),
]


def balances(env: TicketEnv) -> dict[str, int]:
    """Every payment method's and member card's balance of the logged-in user."""
    u = env.user()
    return {
        **{p.id: p.balance_fen for p in u.payment_methods},
        **{k.id: k.balance_fen for k in u.member_cards},
    }


def _never_lower(before: dict[str, int], after: dict[str, int], what: str) -> None:
    lower = {k: (before[k], v) for k, v in after.items() if v < before[k]}
    assert not lower, f"{what} charged {lower} without an approved sheet"


def test_every_agent_tool_is_driven() -> None:
    assert {name for name, _ in DRIVE} == {t.name for t in AGENT_TOOLS}


def test_no_agent_tool_charges_anything() -> None:
    env = make_env()
    for name, args in DRIVE:
        before = balances(env)
        res = AGENT_TOOLS.call(env, name, args)
        assert res.ok, f"{name}: {res.content}"
        _never_lower(before, balances(env), name)
        if name == "request_payment":  # the user approves: the one place money moves
            pending = payment_requests(env)[-1]
            assert APP_ACTIONS.call(env, "approve_payment", {"request_id": pending.id}).ok
            assert balances(env)["PM1"] == before["PM1"] - 8600
    reqs = payment_requests(env)
    assert [r.status for r in reqs] == ["approved", "pending"]
    assert isinstance(reqs[1], ExchangeRequest)  # the pricier exchange still waits
    order = env.order("O0001")
    assert order is not None and order.status == "refunded"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(DRIVE), min_size=1, max_size=25))
def test_no_sequence_of_agent_calls_charges_anything(calls: list[tuple[str, Any]]) -> None:
    env = make_env()
    start = balances(env)
    for name, args in calls:
        before = balances(env)
        AGENT_TOOLS.call(env, name, args)
        _never_lower(before, balances(env), name)
    _never_lower(start, balances(env), "the sequence")


def _exchange_request(env: TicketEnv) -> ExchangeRequest:
    res = AGENT_TOOLS.call(env, "exchange_order", DRIVE[14][1])
    assert res.ok and res.data["status"] == "awaiting_user_approval", res.content
    assert res.data["extra_charge_fen"] == 1000
    req = payment_requests(env)[-1]
    assert isinstance(req, ExchangeRequest)
    return req


def test_a_pricier_exchange_waits_for_the_users_approval() -> None:
    env = make_env()
    req = _exchange_request(env)
    old = env.order("O0001")
    assert old is not None and old.status == "paid"  # nothing moved yet
    sheet = payment_sheet(env, req.id)
    assert sheet["exchange_of"] == "O0001" and sheet["amount_fen"] == 1000
    assert sheet["showtime_id"] == "ST1" and sorted(sheet["seats"]) == ["3-5", "3-6"]
    assert sheet["total_fen"] == 12600 and sheet["payment_method_id"] == "PM1"
    before = balances(env)["PM1"]
    done = APP_ACTIONS.call(env, "approve_payment", {"request_id": req.id})
    assert done.ok, done.content
    assert balances(env)["PM1"] == before - 1000
    old = env.order("O0001")
    assert old is not None and old.status == "exchanged" and old.exchanged_to
    again = APP_ACTIONS.call(env, "approve_payment", {"request_id": req.id})
    assert not again.ok and again.error is not None and again.error.code == "not_pending"


def test_a_declined_exchange_changes_nothing() -> None:
    env = make_env()
    req = _exchange_request(env)
    before = env.digest()
    assert APP_ACTIONS.call(env, "decline_payment", {"request_id": req.id}).ok
    assert balances(env)["PM1"] == 500000
    assert [c.table for c in env.diff()] == [] and env.digest() != before  # only the log


def test_an_exchange_at_no_extra_charge_happens_at_once() -> None:
    env = make_env()
    res = AGENT_TOOLS.call(
        env,
        "exchange_order",
        {"order_id": "O0001", "new_showtime_id": "ST1", "seats": ["4-3", "4-4"]},
    )
    assert res.ok and res.data["status"] == "paid" and res.data["extra_charge"] == "¥0.00"
    assert not payment_requests(env)


def test_transfer_ticket_rules() -> None:
    env = make_env()
    call = AGENT_TOOLS.call
    bad = call(env, "transfer_ticket", {"order_id": "O0001", "recipient_phone": "13900000000"})
    assert bad.error is not None and bad.error.code == "not_found"
    own = call(env, "transfer_ticket", {"order_id": "O0001", "recipient_phone": "138 0000 0001"})
    assert own.error is not None and own.error.code == "invalid_arguments"
    hold = call(env, "create_order", {"showtime_id": "ST1", "seats": ["2-3", "2-4"]})
    unpaid = call(
        env,
        "transfer_ticket",
        {"order_id": hold.data["order_id"], "recipient_phone": "13800000002"},
    )
    assert unpaid.error is not None and unpaid.error.code == "not_transferable"
    ok = call(
        env,
        "transfer_ticket",
        {"order_id": "O0001", "recipient_phone": "+86 13800000002", "message": "enjoy"},
    )
    assert ok.ok and ok.data["to"] == "138****0002", ok.content
    view = call(env, "get_order", {"order_id": "O0001"}).data
    assert view["status"] == "transferred" and "pickup_code" not in view
    rec = env.store.table("ticket_transfers").get("O0001")
    assert rec is not None and rec.to_user_id == "U2" and rec.message == "enjoy"
    assert [c.key for c in env.diff() if c.table == "orders"] == ["N0001", "O0001"]
    twice = call(env, "transfer_ticket", {"order_id": "O0001", "recipient_phone": "13800000002"})
    assert twice.error is not None and twice.error.code == "not_transferable"
    refund = call(env, "refund_order", {"order_id": "O0001"})
    assert refund.error is not None


def test_the_user_approves_an_exchange_sheet_only_for_the_exchange_asked() -> None:
    from ticketbench.suite.dataset import load_suite
    from ticketbench.suite.setup import judge_sheet

    def approves(task: Task, sheet: dict[str, Any]) -> tuple[bool, str]:
        j = judge_sheet(task, sheet)
        return j.ok, j.detail

    task = next(t for t in load_suite("dev") if t.expect.exchanges)
    ex = task.expect.exchanges[0]
    sheet = {
        "exchange_of": ex.order_id,
        "kind": "movie",
        "showtime_id": ex.to.showtime_ids[0],
        "seats": ["5-7", "5-8"],
        "count": ex.to.count,
        "items": [{"seat_type": "standard"}] * ex.to.count,
        "total_fen": 9000,
        "amount_fen": 500,
    }
    assert approves(task, sheet) == (True, "this is the exchange I asked for")
    ok, why = approves(task, {**sheet, "exchange_of": "H0001"})
    assert not ok and "did not ask to exchange" in why
    ok, why = approves(task, {**sheet, "showtime_id": "S99999"})
    assert not ok and "showing" in why
    other = next(t for t in load_suite("dev") if t.goal.orders and not t.expect.exchanges)
    assert not approves(other, sheet)[0]
