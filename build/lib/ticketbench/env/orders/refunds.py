"""Pure refund and exchange rules (amounts in integer fen).

Refunds
- Only paid orders can be refunded.
- Movie orders: refundable in full (the whole amount paid goes back to the original
  payment method or member card; an unexpired coupon becomes usable again) strictly
  before `cinema.refund_cutoff_min` minutes ahead of the start. A cinema whose
  `refund_cutoff_min` is None does not refund.
- Event orders: `event.refund_tiers` decide. Days before the session start are counted
  in whole days, rounded down (23 hours before is 0 days). The tier with the largest
  `min_days_before` that is <= those days applies; its fee is `fee_percent` of the order
  total, rounded down to whole fen, and the rest is refunded. No matching tier (or no
  tiers at all, or the session has started): not refundable.

Exchanges (movie orders only)
- Once per order: an order that came from an exchange cannot be exchanged again.
- Only to another showtime of the same movie at the same cinema, with the same number of
  seats, strictly before `cinema.exchange_cutoff_min` minutes ahead of the *original*
  showtime's start (None: no exchanges), and while the new showtime is still on sale.
- The new seats are priced at the new showtime's prices with the same member card
  discount (if the card is still valid); a coupon used on the original order carries
  over with its original amount (capped so the total stays >= 0) and no threshold check.
- If the new total is higher, the difference is charged to the original payment method
  (`insufficient_balance` if it cannot cover it). If it is lower, the difference is not
  refunded; the new order's total is then what a later refund pays back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ticketbench.env.models import Cinema, EventSession, LiveEvent, Order, RefundTier, Showtime
from ticketbench.env.toolkit import EnvError

_DAY = timedelta(days=1)


def days_before(start: datetime, now: datetime) -> int:
    """Whole days from `now` to `start`, rounded down (negative once started)."""
    return (start - now) // _DAY


def refund_tier(tiers: Sequence[RefundTier], days: int) -> RefundTier | None:
    """The tier with the largest `min_days_before` <= `days`, or None."""
    best: RefundTier | None = None
    for t in tiers:
        if t.min_days_before <= days and (best is None or t.min_days_before > best.min_days_before):
            best = t
    return best


def check_paid(order: Order) -> None:
    """Refunds and exchanges need a paid order."""
    if order.status != "paid":
        raise EnvError(
            "not_refundable" if order.status != "pending_payment" else "not_paid",
            f"order {order.id} is {order.status}; only paid orders can be refunded or exchanged",
        )


def movie_refund_fen(order: Order, cinema: Cinema, showtime: Showtime, now: datetime) -> int:
    """Refund of a paid movie order: the full total, before the cinema's refund cut-off."""
    check_paid(order)
    if cinema.refund_cutoff_min is None:
        raise EnvError("not_refundable", f"{cinema.name_en} does not refund tickets")
    deadline = showtime.start - timedelta(minutes=cinema.refund_cutoff_min)
    if now >= deadline:
        raise EnvError(
            "refund_closed",
            f"refunds for this showtime closed at {deadline:%Y-%m-%d %H:%M} "
            f"({cinema.refund_cutoff_min} min before the start)",
        )
    return order.total_fen


def event_refund_fen(order: Order, event: LiveEvent, session: EventSession, now: datetime) -> int:
    """Refund of a paid event order: total minus the applicable tier's fee (rounded down)."""
    check_paid(order)
    if not event.refund_tiers:
        raise EnvError("not_refundable", f"tickets for {event.title_en} cannot be refunded")
    days = days_before(session.start, now)
    tier = refund_tier(event.refund_tiers, days) if now < session.start else None
    if tier is None:
        nearest = min(t.min_days_before for t in event.refund_tiers)
        raise EnvError(
            "refund_closed",
            f"refunds for {event.title_en} need at least {nearest} day(s) before the session",
        )
    fee = order.total_fen * tier.fee_percent // 100
    return order.total_fen - fee


def check_exchange(
    order: Order,
    cinema: Cinema,
    old: Showtime,
    new: Showtime,
    n_seats: int,
    now: datetime,
) -> None:
    """Raise unless `order` may move to showtime `new` with `n_seats` seats now."""
    check_paid(order)
    if order.kind != "movie":
        raise EnvError("not_exchangeable", "only movie orders can be exchanged")
    if order.exchange_count >= 1 or order.exchanged_from is not None:
        raise EnvError("exchange_limit", f"order {order.id} has already been exchanged once")
    if cinema.exchange_cutoff_min is None:
        raise EnvError("not_exchangeable", f"{cinema.name_en} does not exchange tickets")
    deadline = old.start - timedelta(minutes=cinema.exchange_cutoff_min)
    if now >= deadline:
        raise EnvError(
            "exchange_closed",
            f"exchanges for this showtime closed at {deadline:%Y-%m-%d %H:%M} "
            f"({cinema.exchange_cutoff_min} min before the start)",
        )
    if new.id == old.id:
        raise EnvError("same_showtime", "the new showtime is the one already booked")
    if new.movie_id != old.movie_id or new.cinema_id != old.cinema_id:
        raise EnvError(
            "exchange_mismatch",
            "an exchange must be to another showtime of the same movie at the same cinema",
        )
    if n_seats != len(order.items):
        raise EnvError(
            "exchange_seat_count",
            f"an exchange keeps the number of seats: {len(order.items)} seat(s), got {n_seats}",
        )


def exchange_charge_fen(old_total_fen: int, new_total_fen: int) -> int:
    """Extra money an exchange charges: the increase, or 0 (a decrease is not refunded)."""
    return max(new_total_fen - old_total_fen, 0)
