"""Unit tests of the money rules: pricing (cards, coupons, rounding), refunds and exchanges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from worldkit import NOW, code_of, tiny_data

from ticketbench.env.models import Coupon, MemberCard, Order, OrderItem, RefundTier
from ticketbench.env.orders.pricing import build_quote, card_discount_fen, check_coupon, yuan
from ticketbench.env.orders.refunds import (
    check_exchange,
    days_before,
    event_refund_fen,
    exchange_charge_fen,
    movie_refund_fen,
    refund_tier,
)
from ticketbench.env.toolkit import EnvError

W = tiny_data()


# --- pricing ---------------------------------------------------------------------------


def _card(**kw: object) -> MemberCard:
    base: dict[str, object] = {
        "id": "K",
        "brand_en": "Wanda",
        "brand_zh": "万达",
        "discount_percent": 15,
        "balance_fen": 0,
        "expires": NOW + timedelta(days=1),
    }
    base.update(kw)
    return MemberCard.model_validate(base)


def _coupon(**kw: object) -> Coupon:
    base: dict[str, object] = {
        "id": "Q",
        "title": "t",
        "scope": "movie",
        "threshold_fen": 0,
        "amount_fen": 1000,
        "valid_from": NOW - timedelta(days=1),
        "expires": NOW + timedelta(days=1),
    }
    base.update(kw)
    return Coupon.model_validate(base)


def _items(*prices: int) -> list[OrderItem]:
    return [
        OrderItem(seat_id=f"1-{i}", seat_type="standard", price_fen=p)
        for i, p in enumerate(prices, 1)
    ]


def test_card_discount_rounds_down() -> None:
    assert card_discount_fen(3333, 15) == 499
    assert card_discount_fen(100, 0) == 0
    q = build_quote("movie", _items(1111, 2222), 300, NOW, brand_en="Wanda", card=_card())
    assert q.subtotal_fen == 3333 and q.service_fee_fen == 600
    assert q.discounts[0].amount_fen == 499  # of tickets only, not the fee
    assert q.total_fen == 3333 - 499 + 600
    assert yuan(4590) == "¥45.90" and yuan(-5) == "-¥0.05"


def test_card_rules() -> None:
    it = _items(4000)
    assert code_of(lambda: build_quote("movie", it, 0, NOW, brand_en="CGV", card=_card())) == (
        "card_not_applicable"
    )
    expired = _card(expires=NOW)
    assert (
        code_of(lambda: build_quote("movie", it, 0, NOW, brand_en="Wanda", card=expired))
        == "card_expired"
    )
    assert code_of(lambda: build_quote("event", it, 0, NOW, card=_card())) == "card_not_applicable"


def test_coupon_threshold_after_card() -> None:
    it = _items(5000)
    c = _coupon(threshold_fen=5000)
    q = build_quote("movie", it, 300, NOW, brand_en="Wanda", coupon=c)
    assert q.total_fen == 5000 + 300 - 1000
    with pytest.raises(EnvError) as e:
        build_quote("movie", it, 300, NOW, brand_en="Wanda", card=_card(), coupon=c)
    assert e.value.code == "coupon_threshold"


@pytest.mark.parametrize(
    ("kw", "kind", "brand", "code"),
    [
        ({"used": True}, "movie", "Wanda", "coupon_used"),
        ({"valid_from": NOW + timedelta(seconds=1)}, "movie", "Wanda", "coupon_not_yet_valid"),
        ({"expires": NOW}, "movie", "Wanda", "coupon_expired"),
        ({"scope": "event"}, "movie", "Wanda", "coupon_not_applicable"),
        ({"scope": "movie"}, "event", None, "coupon_not_applicable"),
        ({"scope": "any", "brand_en": "Wanda"}, "movie", "CGV", "coupon_not_applicable"),
        ({"scope": "any", "brand_en": "Wanda"}, "event", None, "coupon_not_applicable"),
    ],
)
def test_coupon_rejections(kw: dict[str, object], kind: str, brand: str | None, code: str) -> None:
    assert code_of(check_coupon, _coupon(**kw), kind, brand, NOW, 10**6) == code


def test_coupon_valid_edges_and_cap() -> None:
    check_coupon(_coupon(valid_from=NOW), "movie", "Wanda", NOW, 0)
    check_coupon(_coupon(scope="any"), "event", None, NOW, 0)
    q = build_quote(
        "movie", _items(3000), 300, NOW, brand_en="Wanda", coupon=_coupon(amount_fen=99999)
    )
    assert q.total_fen == 0 and q.discounts[0].amount_fen == 3300


# --- refunds and exchanges -------------------------------------------------------------


def _order(**kw: object) -> Order:
    base: dict[str, object] = {
        "id": "N1",
        "user_id": "U1",
        "kind": "movie",
        "status": "paid",
        "created_at": NOW,
        "items": _items(4000, 4000),
        "subtotal_fen": 8000,
        "service_fee_fen": 0,
        "total_fen": 8001,
        "showtime_id": "ST1",
    }
    base.update(kw)
    return Order.model_validate(base)


def test_days_before_and_tiers() -> None:
    start = NOW + timedelta(days=3)
    assert days_before(start, NOW) == 3
    assert days_before(start, NOW + timedelta(seconds=1)) == 2
    assert days_before(start, start + timedelta(hours=1)) == -1
    tiers = (
        RefundTier(min_days_before=7, fee_percent=0),
        RefundTier(min_days_before=3, fee_percent=20),
    )
    assert refund_tier(tiers, 10) == tiers[0] and refund_tier(tiers, 7) == tiers[0]
    assert refund_tier(tiers, 6) == tiers[1] and refund_tier(tiers, 2) is None


def test_event_refund_fee_rounds_down() -> None:
    ev = W.events[0]
    s = ev.sessions[0]
    o = _order(kind="event", total_fen=13333, session_id="S1")
    assert event_refund_fen(o, ev, s, s.start - timedelta(days=7)) == 13333
    # 20% of 13333 = 2666.6 -> fee 2666
    assert event_refund_fen(o, ev, s, s.start - timedelta(days=4)) == 13333 - 2666
    assert code_of(event_refund_fen, o, ev, s, s.start - timedelta(days=2)) == "refund_closed"
    assert code_of(event_refund_fen, o, W.events[1], s, NOW) == "not_refundable"
    assert code_of(event_refund_fen, _order(status="pending_payment"), ev, s, NOW) == "not_paid"


def test_movie_refund_cutoff() -> None:
    c1, c2 = W.cinemas
    st = W.showtimes[0]
    o = _order()
    assert movie_refund_fen(o, c1, st, st.start - timedelta(minutes=61)) == 8001
    assert code_of(movie_refund_fen, o, c1, st, st.start - timedelta(minutes=60)) == (
        "refund_closed"
    )
    assert code_of(movie_refund_fen, o, c2, st, NOW) == "not_refundable"
    assert code_of(movie_refund_fen, _order(status="refunded"), c1, st, NOW) == "not_refundable"


def test_exchange_rules() -> None:
    c1, c2 = W.cinemas
    st1, st2, st3, st4 = W.showtimes
    o = _order()
    check_exchange(o, c1, st1, st2, 2, NOW)
    assert code_of(check_exchange, o, c1, st1, st3, 2, NOW) == "exchange_mismatch"  # movie
    assert code_of(check_exchange, o, c1, st1, st4, 2, NOW) == "exchange_mismatch"  # cinema
    assert code_of(check_exchange, o, c1, st1, st1, 2, NOW) == "same_showtime"
    assert code_of(check_exchange, o, c1, st1, st2, 3, NOW) == "exchange_seat_count"
    late = st1.start - timedelta(minutes=120)
    assert code_of(check_exchange, o, c1, st1, st2, 2, late) == "exchange_closed"
    assert code_of(check_exchange, _order(exchange_count=1), c1, st1, st2, 2, NOW) == (
        "exchange_limit"
    )
    assert code_of(check_exchange, o, c2, st1, st2, 2, NOW) == "not_exchangeable"


def test_exchange_price_difference() -> None:
    assert exchange_charge_fen(8000, 9000) == 1000
    assert exchange_charge_fen(9000, 8000) == 0
    assert exchange_charge_fen(8000, 8000) == 0
