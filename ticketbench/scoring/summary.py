"""What the order summary before a payment sheet must state (the policy's "confirm the order
summary first").

A message counts as the summary of the order being paid when the user, reading it, learns
what it is about to pay for. Read with the parser the simulated user reads proposals with
(`ticketbench.users.proposal.named_in`: titles, days, clocks, counts, seats, zones and the
total, in Chinese or English), it must name the order's own

- **what**: the movie or the event;
- **when**: the start's clock time (for an event, its day will do when no other clock time is
  named: its sessions share one clock time);
- **how many or which**: the ticket count, or the order's seats (a movie), or its price zone
  (an event);
- **total**: the order's total, in words the agent wrote itself (a budget copied from the
  request is not the order's price: `textmatch` echo rule);

and point at no more than one other option besides: at most one other title, start day,
clock time or total (an honest summary may say "the 19:30 was full, this is the 21:00"; one
listing every candidate's facts leaves the user to find its order in them, as a list of links
does). The order's own hold deadline is no other option, and no start either: the service's
"hold_until" stamp is taken out before reading (a deadline in words is the parser's). A lone
"…", a summary of another candidate than the order paid, or the request read back are no
summary of the order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ticketbench.env.models import Order, User
from ticketbench.env.state import TicketEnv
from ticketbench.env.tools.common import city_tz, hm, local
from ticketbench.scoring.ladder import own_words
from ticketbench.users.proposal import Named, named_in

Clock = tuple[int, int]


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What a summary of one order must name: its title, start, count, seats or zone, total;
    and the values of the order that name no other option (its hold deadline)."""

    title_id: str
    day: date
    clock: Clock
    is_event: bool
    count: int
    seats: frozenset[str]
    zones: frozenset[str]
    total_fen: int
    hold_day: date | None
    hold_clock: Clock | None
    hold_text: str | None  # the deadline as the service writes it ("2026-12-07 13:15")


def order_facts(env: TicketEnv, order: Order) -> OrderFacts | None:
    """The facts of `order` a summary must state; None if its showing is not in the world."""
    w = env.world
    if order.showtime_id is not None and order.showtime_id in w.showtimes:
        st = w.showtimes[order.showtime_id]
        cin = w.cinemas.get(st.cinema_id)
        tz = city_tz(w, cin.city_id) if cin is not None else "Asia/Shanghai"
        title_id, start, is_event = st.movie_id, local(st.start, tz), False
    elif order.session_id is not None and order.session_id in w.sessions:
        ev, sess = w.sessions[order.session_id]
        tz = city_tz(w, ev.city_id)
        title_id, start, is_event = ev.id, local(sess.start, tz), True
    else:
        return None
    hold = local(order.hold_expires_at, tz) if order.hold_expires_at is not None else None
    return OrderFacts(
        title_id=title_id,
        day=start.date(),
        clock=(start.hour, start.minute),
        is_event=is_event,
        count=len(order.items),
        seats=frozenset(it.seat_id for it in order.items if it.seat_id and not is_event),
        zones=frozenset(it.zone_id for it in order.items if it.zone_id),
        total_fen=order.total_fen,
        hold_day=hold.date() if hold is not None else None,
        hold_clock=(hold.hour, hold.minute) if hold is not None else None,
        hold_text=hm(order.hold_expires_at, tz) if order.hold_expires_at is not None else None,
    )


def summary_problems(
    env: TicketEnv, user: User, order: Order, text: str, heard: Sequence[str] = ()
) -> list[str]:
    """Why `text` is no summary of `order` (empty: it is one; see the module docstring).

    `heard`: the user's messages (its request and replies); the total must not be a copy of
    their words.
    """
    facts = order_facts(env, order)
    if facts is None:
        return []  # an order of a showing the world lacks: nothing to check it against
    if facts.hold_text:  # the hold's deadline read as a showing could stand for the start
        text = text.replace(facts.hold_text, " ")
    named = named_in(env.world, user, env.now, text)
    missing: list[str] = []
    others: list[str] = []
    titles = [ids for ids in named.titles if facts.title_id not in ids]
    if len(titles) == len(named.titles):
        missing.append("what it is")
    if len(titles) > 1:
        others.append(f"{len(titles)} other titles")
    if not _when(facts, named):
        missing.append("when it starts")
    for kind, values, own in (
        ("days", named.days, {facts.day, facts.hold_day}),
        ("start times", named.clocks, {facts.clock, facts.hold_clock}),
    ):
        if len(values - own) > 1:
            others.append(f"{len(values - own)} other {kind}")
    if not (
        facts.count in named.counts
        or (facts.seats and facts.seats <= named.seats)
        or (facts.zones and any(facts.zones <= ids for ids in named.zones))
    ):
        missing.append("how many tickets or which seats")
    totals = named_in(env.world, user, env.now, own_words(text, heard)).totals
    if facts.total_fen not in totals:
        missing.append("the total")
    if len(totals - {facts.total_fen}) > 1:
        others.append(f"{len(totals - {facts.total_fen})} other totals")
    why: list[str] = []
    if missing:
        why.append(f"it does not say {', '.join(missing)} of {order.id}")
    if others:
        why.append(f"it names {', '.join(others)} besides {order.id}'s")
    return why


def _when(facts: OrderFacts, named: Named) -> bool:
    """The start's clock is named; for an event, its day with no other clock."""
    if facts.clock in named.clocks:
        return True
    return facts.is_event and facts.day in named.days and not named.clocks - {facts.hold_clock}
