"""Typed models of the ticketing world.

Every model is frozen: the base world is shared by all episodes, and an episode
changes state only by writing new objects into its store overlay.
Money is always integer fen (1 yuan = 100 fen); times are timezone-aware.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Fen = int
SeatType = Literal["standard", "vip", "couple", "wheelchair", "companion"]
Format = Literal["2D", "3D", "IMAX", "IMAX 3D", "DOLBY", "4DX"]
EventCategory = Literal["concert", "theatre", "sports", "comedy"]
OrderStatus = Literal[
    "pending_payment", "paid", "cancelled", "expired", "refunded", "exchanged", "transferred"
]
OrderKind = Literal["movie", "event"]
IdType = Literal["id_card", "passport", "hk_macau_permit", "taiwan_permit"]
PaymentKind = Literal["wallet", "bank_card", "alipay", "wechat_pay", "member_card"]
CouponScope = Literal["movie", "event", "any"]

# Seat-map layout characters. A row is a string; each character is one column.
SEAT_CHARS: dict[str, SeatType] = {
    "S": "standard",
    "V": "vip",
    "C": "couple",
    "W": "wheelchair",
    "P": "companion",
}
AISLE = "_"
BROKEN = "X"  # a seat that exists (has a number) but cannot be sold


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__


def evolve(model: M, update: dict[str, Any]) -> M:
    """`model.model_copy(update=update)` without the generic copy machinery.

    Same result (no validation, shallow copy, updated fields marked as set); a hot path
    of every order write. Only for models without extras or private attributes.
    """
    new = model.__class__.__new__(model.__class__)
    values = model.__dict__.copy()
    values.update(update)
    _set(new, "__dict__", values)
    _set(new, "__pydantic_extra__", None)
    _set(new, "__pydantic_fields_set__", model.__pydantic_fields_set__ | update.keys())
    _set(new, "__pydantic_private__", None)
    return new


class Point(Frozen):
    lat: float
    lon: float


class Landmark(Frozen):
    id: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    district: str
    location: Point


class City(Frozen):
    id: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    timezone: str = "Asia/Shanghai"
    districts: tuple[str, ...]
    landmarks: tuple[Landmark, ...] = ()


class Cinema(Frozen):
    id: str
    city_id: str
    brand_zh: str
    brand_en: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    district: str
    address: str
    location: Point
    formats: tuple[Format, ...]
    service_fee_fen: Fen = Field(ge=0)
    # Refund/exchange allowed until this many minutes before the start; None: never.
    refund_cutoff_min: int | None
    exchange_cutoff_min: int | None
    notice: str = ""  # free text shown to agents; may carry injected instructions


class Hall(Frozen):
    id: str
    cinema_id: str
    name: str
    format: Format
    # One string per row, front row first; see SEAT_CHARS, AISLE and BROKEN.
    layout: tuple[str, ...]


class Movie(Frozen):
    id: str
    title_zh: str
    title_en: str
    aliases: tuple[str, ...] = ()
    genres: tuple[str, ...]
    runtime_min: int
    rating: float
    release_date: str
    synopsis: str


class Showtime(Frozen):
    id: str
    movie_id: str
    cinema_id: str
    hall_id: str
    start: datetime
    format: Format
    language: str  # spoken language, e.g. "zh", "en", "ja"
    subtitles: str | None = None
    prices: dict[SeatType, Fen]  # per seat
    sales_cutoff_min: int  # online sales close this many minutes before start
    sold: frozenset[str] = frozenset()  # seat ids already sold in the base world


class PriceZone(Frozen):
    id: str
    name_zh: str
    name_en: str
    price_fen: Fen
    capacity: int  # per session


class RefundTier(Frozen):
    """Refund allowed at least `min_days_before` days before the start, for a fee."""

    min_days_before: int
    fee_percent: int = Field(ge=0, le=100)


class EventSession(Frozen):
    id: str
    start: datetime
    sold: dict[str, int] = {}  # zone id -> tickets already sold in the base world
    # A session added to a run goes on sale on its own date; None: with the event.
    on_sale: datetime | None = None


class LiveEvent(Frozen):
    id: str
    category: EventCategory
    title_zh: str
    title_en: str
    aliases: tuple[str, ...] = ()
    performers: tuple[str, ...] = ()
    city_id: str
    venue_zh: str
    venue_en: str
    district: str
    location: Point
    description: str
    sessions: tuple[EventSession, ...]
    zones: tuple[PriceZone, ...]
    real_name: bool
    per_order_limit: int
    per_id_limit: int  # tickets per attendee ID per session (real-name events)
    seating: Literal["auto", "choose"]
    on_sale: datetime
    sales_cutoff_min: int
    service_fee_fen: Fen
    refund_tiers: tuple[RefundTier, ...] = ()  # empty: no refunds


class MemberCard(Frozen):
    id: str
    brand_en: str  # cinema brand the card belongs to
    brand_zh: str
    discount_percent: int = Field(ge=0, le=100)  # percent off ticket prices
    balance_fen: Fen = Field(ge=0)
    expires: datetime


class Coupon(Frozen):
    id: str
    title: str
    scope: CouponScope
    brand_en: str | None = None  # restricts a movie coupon to one cinema brand
    threshold_fen: Fen
    amount_fen: Fen
    valid_from: datetime
    expires: datetime
    used: bool = False
    terms: str = ""  # free text; may carry injected instructions


class Attendee(Frozen):
    id: str
    name: str
    id_type: IdType
    id_number: str


class PaymentMethod(Frozen):
    id: str
    kind: PaymentKind
    label: str
    balance_fen: Fen = Field(ge=0)


class User(Frozen):
    id: str
    name: str
    phone: str
    city_id: str
    home_district: str
    home: Point
    member_cards: tuple[MemberCard, ...] = ()
    coupons: tuple[Coupon, ...] = ()
    attendees: tuple[Attendee, ...] = ()
    payment_methods: tuple[PaymentMethod, ...] = ()


class OrderItem(Frozen):
    seat_id: str | None = None  # movie seats and chosen event seats
    seat_type: SeatType | None = None
    zone_id: str | None = None
    attendee_id: str | None = None
    price_fen: Fen


class Discount(Frozen):
    kind: Literal["member_card", "coupon"]
    ref_id: str
    amount_fen: Fen


class Order(Frozen):
    id: str
    user_id: str
    kind: OrderKind
    status: OrderStatus
    created_at: datetime
    hold_expires_at: datetime | None = None
    paid_at: datetime | None = None
    showtime_id: str | None = None
    event_id: str | None = None
    session_id: str | None = None
    items: tuple[OrderItem, ...]
    subtotal_fen: Fen
    service_fee_fen: Fen
    discounts: tuple[Discount, ...] = ()
    total_fen: Fen
    card_id: str | None = None
    coupon_id: str | None = None
    payment_method_id: str | None = None
    pickup_code: str | None = None
    refund_fen: Fen | None = None
    refunded_at: datetime | None = None
    exchanged_from: str | None = None
    exchanged_to: str | None = None
    exchange_count: int = 0
