"""Rival facts: the same kind of fact as a must-tell one, about the user's other orders.

A lookup ("what's the pickup code of my Titan Awakens tickets?") is not answered by reading
every order out: the right code is among them, but finding which order the user means is
the work, and the user is left to do it. So a must-tell fact counts only if the agent stated
no fact of the same kind about another order of the user (`checker.message_problems`).

Another order is one the task does not involve: not the order the fact is about (its value
is the fact), not an order the task refunds or exchanges (an agent may well say "the old code
is void, your new one is ..."), not one created in this episode. Each fact kind a task may
require (`MustTell.what`) has its rival values here (`RIVALS`): a pickup code is the order's
code; a refund amount is what the order was refunded, or what refunding it now would pay
back (the service's own rules), in every money form. `MustTell.what` admits only these kinds
(a task file naming another fails to load), so no kind goes unchecked.
"""

from __future__ import annotations

from collections.abc import Callable

from ticketbench.env.models import Order
from ticketbench.env.orders.refunds import event_refund_fen, movie_refund_fen
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.suite.spec import FactKind, MustTell, Task
from ticketbench.suite.textmatch import money_forms


def _pickup_code(env: TicketEnv, order: Order) -> tuple[str, ...]:
    return (order.pickup_code,) if order.pickup_code else ()


def _refund_amount(env: TicketEnv, order: Order) -> tuple[str, ...]:
    """What refunding `order` pays (or paid) back; nothing when it cannot be refunded."""
    if order.refund_fen is not None:
        return money_forms(order.refund_fen)
    w = env.world
    try:
        if order.showtime_id is not None and order.showtime_id in w.showtimes:
            st = w.showtimes[order.showtime_id]
            fen = movie_refund_fen(order, w.cinemas[st.cinema_id], st, env.now)
        elif order.session_id is not None and order.session_id in w.sessions:
            ev, sess = w.sessions[order.session_id]
            fen = event_refund_fen(order, ev, sess, env.now)
        else:
            return ()
    except EnvError:  # not refundable (status, cut-off, no refunds): no such fact to state
        return ()
    return money_forms(fen)


RIVALS: dict[FactKind, Callable[[TicketEnv, Order], tuple[str, ...]]] = {
    "pickup_code": _pickup_code,
    "refund_amount": _refund_amount,
}


def rival_phrases(env: TicketEnv, task: Task, fact: MustTell) -> list[tuple[str, ...]]:
    """For each other order of the user (see the module docstring), the phrases that would
    state the same kind of fact about it."""
    value_of = RIVALS[fact.what]
    involved = {r.order_id for r in task.expect.refunds} | {
        x.order_id for x in task.expect.exchanges
    }
    own = set(fact.any_of)
    table = env.store.table("orders")
    out: list[tuple[str, ...]] = []
    for order in env.user_orders():
        if order.id in involved or table.start_value(order.id) is None:
            continue  # the task's own orders, and the orders of this episode
        phrases = tuple(p for p in value_of(env, order) if p not in own)
        if phrases:
            out.append(phrases)
    return out
