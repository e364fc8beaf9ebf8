"""Order lifecycle on the tiny world: holds, payment, cancel, expiry, refunds, exchanges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from worldkit import NOW, make_env

from ticketbench.env import orders as O
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError


def rejects(env: TicketEnv, fn: Callable[..., Any], *args: Any, **kw: Any) -> str:
    """Assert the call raises EnvError and leaves the store untouched; return the code."""
    before = env.store.digest()
    with pytest.raises(EnvError) as e:
        fn(env, *args, **kw)
    assert env.store.digest() == before
    return e.value.code


def balance(env: TicketEnv, source: str) -> int:
    u = env.user()
    for p in u.payment_methods:
        if p.id == source:
            return p.balance_fen
    for c in u.member_cards:
        if c.id == source:
            return c.balance_fen
    raise KeyError(source)


def test_movie_hold_pay_refund_roundtrip() -> None:
    env = make_env()
    o = O.create_movie_order(env, "ST1", ["3-5", "3-6"], card_id="K1", coupon_id="Q1")
    assert o.status == "pending_payment" and o.id == "N0001"
    assert o.hold_expires_at == NOW + timedelta(minutes=15)
    assert o.total_fen == 12000 - 1800 + 600 - 1000
    _, un = O.seat_availability(env, "ST1")
    assert {"3-5", "3-6"} <= un
    paid = O.pay_order(env, o.id, "PM1")
    assert paid.status == "paid" and paid.pickup_code and len(paid.pickup_code) == 8
    assert balance(env, "PM1") == 500000 - o.total_fen
    assert next(c for c in env.user().coupons if c.id == "Q1").used
    assert rejects(env, O.pay_order, o.id, "PM1") == "already_paid"
    assert rejects(env, O.cancel_order, o.id) == "not_cancellable"
    done = O.refund_order(env, o.id)
    assert done.status == "refunded" and done.refund_fen == o.total_fen
    assert balance(env, "PM1") == 500000
    assert not next(c for c in env.user().coupons if c.id == "Q1").used
    _, un = O.seat_availability(env, "ST1")
    assert not {"3-5", "3-6"} & un
    changed = {(c.table, c.key) for c in env.diff()}
    # seats went back to their start (absent); user back to start except nothing
    assert changed == {("orders", "N0001")}


def test_hold_expires_exactly_at_15_minutes() -> None:
    env = make_env()
    o = O.create_movie_order(env, "ST1", ["3-3", "3-4"])
    env.advance(15 * 60 - 1)
    assert env.order(o.id).status == "pending_payment"  # type: ignore[union-attr]
    env.advance(1)
    assert env.order(o.id).status == "expired"  # type: ignore[union-attr]
    _, un = O.seat_availability(env, "ST1")
    assert "3-3" not in un
    assert rejects(env, O.pay_order, o.id, "PM1") == "hold_expired"


def test_cancel_releases_and_rejections_change_nothing() -> None:
    env = make_env()
    o = O.create_movie_order(env, "ST1", ["3-3", "3-4"], coupon_id="Q2")
    assert rejects(env, O.create_movie_order, "ST1", ["3-4", "3-5"]) == "seat_taken"
    assert rejects(env, O.create_movie_order, "ST1", ["4-5", "4-6"], coupon_id="Q2") == (
        "coupon_in_use"
    )
    assert rejects(env, O.create_movie_order, "STX", ["1-1"]) == "not_found"
    assert rejects(env, O.create_movie_order, "ST1", ["1-4"]) == "gap_rule"
    assert rejects(env, O.create_movie_order, "ST1", ["4-5"], coupon_id="Q4") == "coupon_expired"
    assert rejects(env, O.create_movie_order, "ST1", ["4-5"], coupon_id="Q5") == "coupon_used"
    assert rejects(env, O.create_movie_order, "ST1", ["4-5"], coupon_id="Q6") == (
        "coupon_not_yet_valid"
    )
    assert rejects(env, O.create_movie_order, "ST4", ["1-1"], card_id="K1") == (
        "card_not_applicable"
    )
    assert rejects(env, O.create_movie_order, "ST1", ["4-5"], card_id="K9") == "not_found"
    assert rejects(env, O.pay_order, o.id, "PM9") == "not_found"
    c = O.cancel_order(env, o.id)
    assert c.status == "cancelled"
    assert rejects(env, O.cancel_order, o.id) == "not_cancellable"
    assert [x.key for x in env.diff()] == [o.id]


def test_insufficient_balance_and_member_card_payment() -> None:
    env = make_env()
    o = O.create_movie_order(env, "ST1", ["3-5", "3-6"])
    assert rejects(env, O.pay_order, o.id, "PM2") == "insufficient_balance"
    paid = O.pay_order(env, o.id, "K1")  # card balance 20000 covers 12600
    assert balance(env, "K1") == 20000 - paid.total_fen
    O.refund_order(env, o.id)
    assert balance(env, "K1") == 20000
    o2 = O.create_movie_order(env, "ST4", ["1-1", "1-2"])
    assert rejects(env, O.pay_order, o2.id, "K2") == "card_expired"
    assert rejects(env, O.refund_order, o2.id) == "not_paid"


def test_other_users_orders_are_unknown() -> None:
    env = make_env("U2")
    assert rejects(env, O.refund_order, "O0001") == "not_found"
    assert rejects(env, O.pay_order, "O0001", "PW1") == "not_found"


def test_refund_of_base_order_frees_base_seats() -> None:
    env = make_env()
    _, un = O.seat_availability(env, "ST2")
    assert {"3-4", "3-5"} <= un
    done = O.refund_order(env, "O0001")
    assert done.refund_fen == 11600 and balance(env, "PM1") == 500000 + 11600
    _, un = O.seat_availability(env, "ST2")
    assert not {"3-4", "3-5"} & un
    o = O.create_movie_order(env, "ST2", ["3-3", "3-4"])
    _, un = O.seat_availability(env, "ST2")
    assert {"3-3", "3-4"} <= un and "3-5" not in un
    O.cancel_order(env, o.id)


def test_exchange_lower_price_keeps_difference() -> None:
    env = make_env()
    new = O.exchange_order(env, "O0001", "ST1", ["4-3", "4-4"])
    old = env.order("O0001")
    assert old is not None and old.status == "exchanged" and old.exchanged_to == new.id
    assert new.status == "paid" and new.exchanged_from == "O0001" and new.exchange_count == 1
    assert new.total_fen == 4000 + 6000 + 600
    assert balance(env, "PM1") == 500000  # lower total: nothing back, nothing charged
    _, un2 = O.seat_availability(env, "ST2")
    assert not {"3-4", "3-5"} & un2
    assert rejects(env, O.exchange_order, new.id, "ST2", ["4-4", "4-5"]) == "exchange_limit"
    assert O.refund_order(env, new.id).refund_fen == new.total_fen


def test_exchange_higher_price_charges_original_method() -> None:
    env = make_env()
    o = O.create_movie_order(env, "ST1", ["3-3"], coupon_id="Q2")
    O.pay_order(env, o.id, "PM2")  # 4000 + 300 - 2000 = 2300
    assert balance(env, "PM2") == 700
    assert rejects(env, O.exchange_order, o.id, "ST2", ["3-6"]) == "insufficient_balance"
    assert rejects(env, O.exchange_order, o.id, "ST3", ["3-3"]) == "exchange_mismatch"
    assert rejects(env, O.exchange_order, o.id, "ST2", ["1-3", "1-4"]) == "exchange_seat_count"
    new = O.exchange_order(env, o.id, "ST2", ["3-3"])  # 4500 + 300 - 2000 = 2800
    assert new.total_fen == 2800 and balance(env, "PM2") == 200
    assert new.coupon_id == "Q2"


def test_event_order_real_name_and_refund_tiers() -> None:
    env = make_env()
    assert rejects(env, O.create_event_order, "S1", "Z1", 1, ["A2"]) == "id_limit"  # base O0002
    o = O.create_event_order(env, "S1", "Z1", 2, ["A1", "A3"], coupon_id="Q3")
    assert [it.seat_id for it in o.items] == ["A区-1排-11号", "A区-1排-12号"]
    assert o.total_fen == 2 * 68000 + 2 * 1000 - 5000
    assert rejects(env, O.create_event_order, "S1", "Z1", 1, ["A1"]) == "id_limit"
    assert O.event_availability(env, "S1") == {"Z1": 38, "Z2": 1}
    assert rejects(env, O.create_event_order, "S1", "Z2", 2, ["A2", "A1"]) == "not_enough_tickets"
    assert rejects(env, O.create_event_order, "S1", "Z2", 1, ["A3"]) == "id_limit"
    assert rejects(env, O.create_event_order, "S1", "Z9", 1, ["A2"]) == "not_found"
    O.pay_order(env, o.id, "PM1")
    env.advance(6 * 86400)  # 4 days and 9.5 hours before the session: 20% fee tier
    done = O.refund_order(env, o.id)
    assert done.refund_fen == o.total_fen - o.total_fen * 20 // 100
    assert O.event_availability(env, "S1")["Z1"] == 40
    o2 = O.create_event_order(env, "S1", "Z1", 1, ["A1"])
    assert o2.items[0].seat_id == "A区-1排-11号"  # the freed seat is reused


def test_event_non_real_name_and_windows() -> None:
    env = make_env()
    assert rejects(env, O.create_event_order, "S2", "Z3", 7) == "order_limit"
    assert rejects(env, O.create_event_order, "S2", "Z3", 1, ["A1"]) == "attendees_not_needed"
    o = O.create_event_order(env, "S3", "Z3", 6)
    assert rejects(env, O.create_event_order, "S3", "Z3", 3) == "not_enough_tickets"
    O.cancel_order(env, o.id)
    env.advance(30 * 60)  # S3 starts at 11:00, sales close 30 min before
    assert rejects(env, O.create_event_order, "S3", "Z3", 1) == "sales_closed"
    assert rejects(env, O.refund_order, "O0002") == "not_found"


def test_coupon_expiring_during_hold() -> None:
    env = make_env()
    o = O.create_movie_order(env, "ST1", ["4-5"], coupon_id="Q8")
    env.advance(11 * 60)
    assert rejects(env, O.pay_order, o.id, "PM1") == "coupon_expired"


def test_seed_helpers_and_freeze() -> None:
    env = make_env()
    at = NOW - timedelta(days=1)
    o = O.seed_paid_movie_order(env, "ST1", ["3-5", "3-6"], "PM1", at, card_id="K1")
    assert o.paid_at == at and env.now == NOW
    e = O.seed_paid_event_order(env, "S1", "Z1", 1, "PM1", at, attendee_ids=["A1"])
    env.freeze_seed()
    assert env.diff() == [] and env.store.digest() == make_env().store.digest()
    O.refund_order(env, o.id)
    e_done = O.refund_order(env, e.id)
    assert {c.key for c in env.diff() if c.table == "orders"} == {o.id, e.id}
    assert e_done.refund_fen is not None
    assert balance(env, "PM1") == 500000 - e.total_fen + e_done.refund_fen
