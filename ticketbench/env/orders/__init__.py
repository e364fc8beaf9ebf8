"""Orders: quotes, holds, payment, cancellation, refunds and exchanges on a `TicketEnv`.

Every operation raises `EnvError` with a code from one vocabulary (see `ledger.py` for the
lookups); the agent tools and the user's app turn those into error results.
"""

from __future__ import annotations

from ticketbench.env.orders.aftersale import (
    ExchangePlan,
    exchange_order,
    plan_exchange,
    refund_order,
)
from ticketbench.env.orders.booking import (
    cancel_order,
    check_payment_source,
    create_event_order,
    create_movie_order,
    event_availability,
    pay_order,
    quote_event,
    quote_movie,
    seat_availability,
    seed_paid_event_order,
    seed_paid_movie_order,
)

__all__ = [
    "ExchangePlan",
    "cancel_order",
    "check_payment_source",
    "create_event_order",
    "create_movie_order",
    "event_availability",
    "exchange_order",
    "pay_order",
    "plan_exchange",
    "quote_event",
    "quote_movie",
    "refund_order",
    "seat_availability",
    "seed_paid_event_order",
    "seed_paid_movie_order",
]
