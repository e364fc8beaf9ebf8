"""A tiny, hand-made world for unit tests (independent of the committed big world).

One city, two cinemas (brands Wanda and CGV), two halls with aisles, couple, wheelchair,
companion and broken seats, four showtimes, two events (one real-name), two users with
member cards, coupons, attendees and payment methods, and two paid base-world orders.
Use `tiny_world()` (cached) and `make_env()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ticketbench.env.models import (
    Attendee,
    Cinema,
    City,
    Coupon,
    EventSession,
    Hall,
    LiveEvent,
    MemberCard,
    Movie,
    Order,
    OrderItem,
    PaymentMethod,
    Point,
    PriceZone,
    RefundTier,
    Showtime,
    User,
)
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.env.world import World, WorldData

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 1, 10, 0, tzinfo=TZ)  # the default episode start
FAR = NOW + timedelta(days=365)
P0 = Point(lat=31.23, lon=121.47)

# Hall H1 (Wanda): 6 rows, aisles after seat 2 and seat 8. Row 4 seat 2 is broken.
H1_LAYOUT = (
    "SS_SSSSSS_SS",
    "SS_SSSSSS_SS",
    "SS_SVVVVS_SS",
    "SX_SVVVVS_SS",
    "WP_SSSSSS_PW",
    "CC_CCCCCC_CC",
)
H2_LAYOUT = ("SSSS", "SSSS", "CCCC")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, 1 + day, hour, minute, tzinfo=TZ)


def _cinemas() -> tuple[Cinema, ...]:
    common = {"city_id": "sh", "address": "1 Road", "location": P0, "formats": ("2D",)}
    return (
        Cinema(
            id="C1",
            brand_zh="万达",
            brand_en="Wanda",
            name_zh="万达影城",
            name_en="Wanda Cinema",
            district="Huangpu",
            service_fee_fen=300,
            refund_cutoff_min=60,
            exchange_cutoff_min=120,
            **common,
        ),
        Cinema(
            id="C2",
            brand_zh="CGV",
            brand_en="CGV",
            name_zh="CGV影城",
            name_en="CGV Cinema",
            district="Xuhui",
            service_fee_fen=0,
            refund_cutoff_min=None,
            exchange_cutoff_min=None,
            **common,
        ),
    )


def _showtimes() -> tuple[Showtime, ...]:
    p1 = {"standard": 4000, "vip": 6000, "couple": 5000, "wheelchair": 4000}
    p2 = {"standard": 4500, "vip": 6500, "couple": 5500, "wheelchair": 4500}
    return (
        Showtime(
            id="ST1",
            movie_id="M1",
            cinema_id="C1",
            hall_id="H1",
            start=_at(0, 19),
            format="2D",
            language="zh",
            prices=p1,
            sales_cutoff_min=15,
            sold=frozenset({"1-1", "2-5"}),
        ),
        Showtime(
            id="ST2",
            movie_id="M1",
            cinema_id="C1",
            hall_id="H1",
            start=_at(0, 21, 30),
            format="2D",
            language="zh",
            prices=p2,
            sales_cutoff_min=15,
            sold=frozenset({"3-4", "3-5"}),
        ),
        Showtime(
            id="ST3",
            movie_id="M2",
            cinema_id="C1",
            hall_id="H1",
            start=_at(1, 14),
            format="2D",
            language="en",
            prices=p1,
            sales_cutoff_min=30,
        ),
        Showtime(
            id="ST4",
            movie_id="M1",
            cinema_id="C2",
            hall_id="H2",
            start=_at(0, 20),
            format="2D",
            language="zh",
            prices={"standard": 3000, "couple": 3500},
            sales_cutoff_min=0,
        ),
    )


def _events() -> tuple[LiveEvent, ...]:
    common = {
        "city_id": "sh",
        "venue_zh": "体育馆",
        "venue_en": "Stadium",
        "district": "Xuhui",
        "location": P0,
        "description": "",
        "on_sale": NOW - timedelta(days=10),
    }
    return (
        LiveEvent(
            id="E1",
            category="concert",
            title_zh="演唱会",
            title_en="Big Concert",
            sessions=(EventSession(id="S1", start=_at(10, 19, 30), sold={"Z1": 10, "Z2": 4}),),
            zones=(
                PriceZone(id="Z1", name_zh="A区", name_en="Zone A", price_fen=68000, capacity=50),
                PriceZone(id="Z2", name_zh="B区", name_en="Zone B", price_fen=38000, capacity=5),
            ),
            real_name=True,
            per_order_limit=4,
            per_id_limit=1,
            seating="auto",
            sales_cutoff_min=120,
            service_fee_fen=1000,
            refund_tiers=(
                RefundTier(min_days_before=7, fee_percent=0),
                RefundTier(min_days_before=3, fee_percent=20),
            ),
            **common,
        ),
        LiveEvent(
            id="E2",
            category="comedy",
            title_zh="脱口秀",
            title_en="Comedy Night",
            sessions=(
                EventSession(id="S2", start=_at(2, 20)),
                EventSession(id="S3", start=_at(0, 11)),
            ),
            zones=(
                PriceZone(id="Z3", name_zh="普通", name_en="General", price_fen=12000, capacity=8),
            ),
            real_name=False,
            per_order_limit=6,
            per_id_limit=6,
            seating="auto",
            sales_cutoff_min=30,
            service_fee_fen=0,
            **common,
        ),
    )


def _coupon(cid: str, **kw: object) -> Coupon:
    base: dict[str, object] = {
        "id": cid,
        "title": f"coupon {cid}",
        "scope": "movie",
        "threshold_fen": 0,
        "amount_fen": 1000,
        "valid_from": NOW - timedelta(days=30),
        "expires": FAR,
    }
    base.update(kw)
    return Coupon.model_validate(base)


def _users() -> tuple[User, ...]:
    u1 = User(
        id="U1",
        name="Li Lei",
        phone="13800000001",
        city_id="sh",
        home_district="Huangpu",
        home=P0,
        member_cards=(
            MemberCard(
                id="K1",
                brand_en="Wanda",
                brand_zh="万达",
                discount_percent=15,
                balance_fen=20000,
                expires=FAR,
            ),
            MemberCard(
                id="K2",
                brand_en="CGV",
                brand_zh="CGV",
                discount_percent=20,
                balance_fen=50000,
                expires=NOW - timedelta(days=1),
            ),
        ),
        coupons=(
            _coupon("Q1", threshold_fen=5000, amount_fen=1000),
            _coupon("Q2", scope="any", brand_en="Wanda", amount_fen=2000),
            _coupon("Q3", scope="event", threshold_fen=50000, amount_fen=5000),
            _coupon("Q4", expires=NOW - timedelta(hours=1)),
            _coupon("Q5", used=True),
            _coupon("Q6", valid_from=NOW + timedelta(days=1)),
            _coupon("Q7", amount_fen=100000),  # bigger than any order
            _coupon("Q8", expires=NOW + timedelta(minutes=10)),
        ),
        attendees=(
            Attendee(id="A1", name="Li Lei", id_type="id_card", id_number="310101199001010011"),
            Attendee(id="A2", name="Han Meimei", id_type="id_card", id_number="310101199202020022"),
            Attendee(id="A3", name="Jim Green", id_type="passport", id_number="E12345678"),
        ),
        payment_methods=(
            PaymentMethod(id="PM1", kind="wallet", label="Wallet", balance_fen=500000),
            PaymentMethod(id="PM2", kind="bank_card", label="Bank ****1234", balance_fen=3000),
        ),
    )
    u2 = User(
        id="U2",
        name="Wang Fang",
        phone="13800000002",
        city_id="sh",
        home_district="Xuhui",
        home=P0,
        attendees=(
            # same ID number as U1's A2: the per-ID limit spans users
            Attendee(id="B1", name="Han Meimei", id_type="id_card", id_number="310101199202020022"),
        ),
        payment_methods=(
            PaymentMethod(id="PW1", kind="wallet", label="Wallet", balance_fen=500000),
        ),
        coupons=(_coupon("R1"),),
    )
    return (u1, u2)


def _orders() -> tuple[Order, ...]:
    # U1 bought 3-4 and 3-5 of ST2 before the episode (they are in ST2.sold).
    items = (
        OrderItem(seat_id="3-4", seat_type="standard", price_fen=4500),
        OrderItem(seat_id="3-5", seat_type="vip", price_fen=6500),
    )
    return (
        Order(
            id="O0001",
            user_id="U1",
            kind="movie",
            status="paid",
            created_at=NOW - timedelta(days=1),
            paid_at=NOW - timedelta(days=1),
            showtime_id="ST2",
            items=items,
            subtotal_fen=11000,
            service_fee_fen=600,
            total_fen=11600,
            payment_method_id="PM1",
            pickup_code="12345678",
        ),
        # U2 holds a Zone A ticket of S1 for B1, whose ID number U1's A2 shares.
        Order(
            id="O0002",
            user_id="U2",
            kind="event",
            status="paid",
            created_at=NOW - timedelta(days=2),
            paid_at=NOW - timedelta(days=2),
            event_id="E1",
            session_id="S1",
            items=(
                OrderItem(seat_id="A区-1排-1号", zone_id="Z1", attendee_id="B1", price_fen=68000),
            ),
            subtotal_fen=68000,
            service_fee_fen=1000,
            total_fen=69000,
            payment_method_id="PW1",
            pickup_code="87654321",
        ),
    )


@cache
def tiny_data() -> WorldData:
    """The tiny world's data (cached; frozen, so safe to share)."""
    return WorldData(
        version="test",
        seed=0,
        start_date=date(2025, 6, 1),
        days=3,
        cities=(City(id="sh", name_zh="上海", name_en="Shanghai", districts=("Huangpu", "Xuhui")),),
        cinemas=_cinemas(),
        halls=(
            Hall(id="H1", cinema_id="C1", name="Hall 1", format="2D", layout=H1_LAYOUT),
            Hall(id="H2", cinema_id="C2", name="Hall 2", format="2D", layout=H2_LAYOUT),
        ),
        movies=(
            Movie(
                id="M1",
                title_zh="电影一",
                title_en="Movie One",
                genres=("drama",),
                runtime_min=120,
                rating=8.0,
                release_date="2025-05-01",
                synopsis="",
            ),
            Movie(
                id="M2",
                title_zh="电影二",
                title_en="Movie Two",
                genres=("comedy",),
                runtime_min=100,
                rating=7.0,
                release_date="2025-05-20",
                synopsis="",
            ),
        ),
        showtimes=_showtimes(),
        events=_events(),
        users=_users(),
        orders=_orders(),
    )


@cache
def tiny_world() -> World:
    """The tiny world (cached per process)."""
    return World(tiny_data())


def make_env(user_id: str = "U1", now: datetime = NOW) -> TicketEnv:
    """A fresh episode over the tiny world."""
    return TicketEnv(tiny_world(), user_id, now)


def code_of(fn: Callable[..., object], *args: Any) -> str:
    """The EnvError code `fn(*args)` raises (fails the test if it raises none)."""
    with pytest.raises(EnvError) as e:
        fn(*args)
    return e.value.code
