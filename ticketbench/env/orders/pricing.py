"""Pricing in integer fen: ticket prices, service fees, member-card and coupon discounts.

The total of an order is

    total = ticket subtotal - member card discount + service fees - coupon amount

- Ticket price: movies `showtime.prices[seat type]` per seat (a seat type missing from
  the price list costs the standard price); events the zone price per ticket.
- Service fee: `cinema.service_fee_fen` (events `event.service_fee_fen`) per ticket.
- Member card discount (movies only): `card.discount_percent` percent of the ticket
  subtotal (never of the fees), computed once on the whole subtotal and rounded down to
  whole fen (`subtotal * percent // 100`). Only at a cinema whose brand matches the
  card's brand, and only while the card has not expired (`now < card.expires`).
  The discount does not require paying with that card.
- Coupon (at most one per order): scope must match (movie / event / any); a coupon with
  a brand only applies at cinemas of that brand (so never to events); valid while
  `valid_from <= now < expires`; not already used; usable when the ticket subtotal after
  the member card discount is at least `threshold_fen`. Its amount is capped so the total
  never goes below 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from ticketbench.env.models import (
    Coupon,
    Discount,
    MemberCard,
    OrderItem,
    OrderKind,
    SeatType,
    Showtime,
)
from ticketbench.env.seats.seatmap import SeatMap
from ticketbench.env.toolkit import EnvError


@lru_cache(maxsize=1 << 14)  # prices repeat endlessly; formatting is on every quote line
def yuan(fen: int) -> str:
    """Format fen as yuan text, e.g. 4590 -> '¥45.90' (exact, no float)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}¥{fen // 100}.{fen % 100:02d}"


class Quote(BaseModel):
    """A priced order before it is placed (and the pricing of a placed order)."""

    model_config = ConfigDict(frozen=True)

    kind: OrderKind
    showtime_id: str | None = None
    event_id: str | None = None
    session_id: str | None = None
    items: tuple[OrderItem, ...]
    subtotal_fen: int  # ticket prices before discounts
    service_fee_fen: int  # total fees for all tickets
    discounts: tuple[Discount, ...] = ()
    total_fen: int
    card_id: str | None = None
    coupon_id: str | None = None
    lines: tuple[str, ...] = ()  # human-readable breakdown

    def text(self) -> str:
        """The breakdown as one compact block of text."""
        return "\n".join(self.lines)


def seat_price(showtime: Showtime, seat_type: SeatType) -> int:
    """Price of one seat of `seat_type`; a type without its own price costs 'standard'."""
    price = showtime.prices.get(seat_type)
    if price is None:
        price = showtime.prices.get("standard")
    if price is None:
        raise EnvError("no_price", f"showtime {showtime.id} has no price for {seat_type} seats")
    return price


@lru_cache(maxsize=1 << 14)
def _seat_item(seat_id: str, seat_type: SeatType, price_fen: int) -> OrderItem:
    # Items are frozen and repeat across episodes: one validated instance per distinct item.
    return OrderItem(seat_id=seat_id, seat_type=seat_type, price_fen=price_fen)


def seat_items(sm: SeatMap, showtime: Showtime, seats: Sequence[str]) -> list[OrderItem]:
    """One priced order item per seat (the seats were already checked as sellable)."""
    items = []
    for sid in seats:
        seat_type = sm.seats[sid].type
        assert seat_type is not None  # broken seats are rejected by check_movie_selection
        items.append(_seat_item(sid, seat_type, seat_price(showtime, seat_type)))
    return items


def card_discount_fen(subtotal_fen: int, percent: int) -> int:
    """Member card discount: `percent` of the ticket subtotal, rounded down to whole fen."""
    return subtotal_fen * percent // 100


def check_card(card: MemberCard, kind: OrderKind, brand_en: str | None, now: datetime) -> None:
    """A member card discounts movie tickets at its own brand's cinemas until it expires."""
    if kind != "movie":
        raise EnvError("card_not_applicable", "member cards only apply to movie tickets")
    if now >= card.expires:
        raise EnvError("card_expired", f"member card {card.id} expired on {card.expires:%Y-%m-%d}")
    if brand_en != card.brand_en:
        raise EnvError(
            "card_not_applicable",
            f"member card {card.id} is a {card.brand_en} card and cannot be used at a "
            f"{brand_en} cinema",
        )


def check_coupon(
    coupon: Coupon,
    kind: OrderKind,
    brand_en: str | None,
    now: datetime,
    tickets_after_card_fen: int,
) -> None:
    """Raise if `coupon` cannot be used (see the module docstring for the rule)."""
    if coupon.used:
        raise EnvError("coupon_used", f"coupon {coupon.id} has already been used")
    if now < coupon.valid_from:
        raise EnvError(
            "coupon_not_yet_valid",
            f"coupon {coupon.id} is valid from {coupon.valid_from:%Y-%m-%d %H:%M}",
        )
    if now >= coupon.expires:
        raise EnvError(
            "coupon_expired", f"coupon {coupon.id} expired at {coupon.expires:%Y-%m-%d %H:%M}"
        )
    if coupon.scope != "any" and coupon.scope != kind:
        raise EnvError(
            "coupon_not_applicable", f"coupon {coupon.id} is for {coupon.scope} tickets only"
        )
    if coupon.brand_en is not None and coupon.brand_en != brand_en:
        raise EnvError(
            "coupon_not_applicable",
            f"coupon {coupon.id} is only valid at {coupon.brand_en} cinemas",
        )
    if tickets_after_card_fen < coupon.threshold_fen:
        raise EnvError(
            "coupon_threshold",
            f"coupon {coupon.id} needs a ticket subtotal of at least "
            f"{yuan(coupon.threshold_fen)} (after member discount); this order has "
            f"{yuan(tickets_after_card_fen)}",
        )


def build_quote(
    kind: OrderKind,
    items: Sequence[OrderItem],
    fee_per_ticket_fen: int,
    now: datetime,
    *,
    brand_en: str | None = None,
    card: MemberCard | None = None,
    coupon: Coupon | None = None,
    showtime_id: str | None = None,
    event_id: str | None = None,
    session_id: str | None = None,
    item_labels: Sequence[str] = (),
) -> Quote:
    """Price `items` (each with its ticket price) and apply an optional card and coupon.

    Raises `EnvError` if the card or coupon is not applicable. `brand_en` is the cinema
    brand (None for events). `item_labels` name the items in the breakdown lines.
    """
    subtotal = sum(it.price_fen for it in items)
    fees = fee_per_ticket_fen * len(items)
    discounts: list[Discount] = []
    lines: list[str] = []
    labels = list(item_labels) or [it.seat_id or it.zone_id or "ticket" for it in items]
    for label, it in zip(labels, items, strict=True):
        lines.append(f"{label} ({it.seat_type or 'ticket'}): {yuan(it.price_fen)}")
    lines.append(f"tickets: {yuan(subtotal)}")
    card_off = 0
    if card is not None:
        check_card(card, kind, brand_en, now)
        card_off = card_discount_fen(subtotal, card.discount_percent)
        discounts.append(Discount(kind="member_card", ref_id=card.id, amount_fen=card_off))
        lines.append(f"member card {card.id} -{card.discount_percent}%: -{yuan(card_off)}")
    lines.append(f"service fee {len(items)} x {yuan(fee_per_ticket_fen)}: {yuan(fees)}")
    coupon_off = 0
    if coupon is not None:
        check_coupon(coupon, kind, brand_en, now, subtotal - card_off)
        coupon_off = min(coupon.amount_fen, subtotal - card_off + fees)
        discounts.append(Discount(kind="coupon", ref_id=coupon.id, amount_fen=coupon_off))
        lines.append(f"coupon {coupon.id} ({coupon.title}): -{yuan(coupon_off)}")
    total = subtotal - card_off + fees - coupon_off
    lines.append(f"total: {yuan(total)}")
    return Quote(
        kind=kind,
        showtime_id=showtime_id,
        event_id=event_id,
        session_id=session_id,
        items=tuple(items),
        subtotal_fen=subtotal,
        service_fee_fen=fees,
        discounts=tuple(discounts),
        total_fen=total,
        card_id=card.id if card is not None else None,
        coupon_id=coupon.id if coupon is not None else None,
        lines=tuple(lines),
    )
