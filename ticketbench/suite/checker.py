"""The state checker: does the end state of an episode satisfy a task's spec?

It reads only `env.diff()` (what the episode changed, log tables left out) and the
agent's messages. It passes iff

- every expected order is met by a distinct order paid during the episode, every
  expected refund / exchange happened with the right amounts and targets;
- nothing else changed: no extra paid order, no hold left pending, no other user's
  data, no entity text, no balance, card or coupon that no matched order explains;
- every must-tell fact is stated by some agent message in the agent's own words (a phrase,
  bilingual and normalised; words copied from the user's messages do not count, see
  `textmatch.told`), and no message states the same kind of fact about another order of
  the user (`rivals`: reading every order out leaves the user to find its own);
- for an infeasible task, the refusal names the task's reason, and a tool result showed the
  agent the fact (`reasons.refusal_problems`); in every task, each other reason the agent
  gave is a true fact it saw about an option it named and did not hand over ("the 19:30 is
  sold out, I booked the 21:00"; "the 19:30 is sold out and the 21:00 is over your budget"),
  not a false refusal (`false_refusals`);
- the agent looked something up: an episode without one successful tool call fails
  whatever it said (nothing in this domain can be known without the service);
- for clarification tasks, the caller says the agent asked before writing.

Tolerated: holds the episode created and then cancelled or let expire in purchase tasks
(no money moved, nothing left held) and seeded holds running out. For no-purchase tasks
the state must be unchanged apart from logs: not even a cancelled hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import permutations

from ticketbench.env.models import Order, User
from ticketbench.env.orders.ledger import unavailable_seats
from ticketbench.env.rules import stranded_seats
from ticketbench.env.seats.seatmap import SeatMap, seat_map
from ticketbench.env.state import TicketEnv
from ticketbench.suite.false_refusals import reason_problems
from ticketbench.suite.reasons import refusal_problems
from ticketbench.suite.rivals import rival_phrases
from ticketbench.suite.spec import OrderSpec, SeatRule, Task
from ticketbench.suite.textmatch import told
from ticketbench.trajectory import AgentMessage, Event, ToolCall, UserMessage


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one episode; `matched_orders[i]` is the order meeting expect.orders[i]."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    matched_orders: list[str] = field(default_factory=list)
    state_ok: bool = True
    messages_ok: bool = True


@dataclass(frozen=True)
class Transcript:
    """What was said and looked up in an episode, as the message checks need it.

    `said`: the agent's messages; `heard`: the user's (opening and replies); `calls`: the
    agent's tool calls, or None when they are not known (a reference solution replayed
    without its results: the evidence and look-up checks are then skipped).
    """

    said: Sequence[str]
    heard: Sequence[str] = ()
    calls: Sequence[ToolCall] | None = None

    @classmethod
    def of(cls, events: Sequence[Event]) -> Transcript:
        """The transcript of a recorded episode."""
        return cls(
            said=[e.text for e in events if isinstance(e, AgentMessage)],
            heard=[e.text for e in events if isinstance(e, UserMessage)],
            calls=[e for e in events if isinstance(e, ToolCall)],
        )


# --- one order against one spec -------------------------------------------------------


def _hall_map(env: TicketEnv, showtime_id: str) -> SeatMap | None:
    st = env.world.showtimes.get(showtime_id)
    hall = env.world.halls.get(st.hall_id) if st is not None else None
    return seat_map(hall) if hall is not None else None


def seat_rule_problems(
    sm: SeatMap, rule: SeatRule, seats: Sequence[str], unavailable: set[str]
) -> list[str]:
    """Why `seats` break `rule` or the gap rule (`unavailable`: other taken seats)."""
    why: list[str] = []
    if any(s not in sm.seats for s in seats):
        return [f"unknown seats {sorted(seats)}"]
    if rule.exact and sorted(seats) != sorted(rule.exact):
        why.append(f"seats {sorted(seats)} are not {sorted(rule.exact)}")
    info = [sm.seats[s] for s in seats]
    if rule.types and any(s.type not in rule.types for s in info):
        why.append(f"seats {sorted(seats)} include seat types other than {list(rule.types)}")
    if rule.rows and any(s.row not in rule.rows for s in info):
        why.append(f"seats {sorted(seats)} are outside rows {list(rule.rows)}")
    if rule.together and info:
        same = len({(s.row, s.block) for s in info}) == 1
        nums = sorted(s.number for s in info)
        if not same or nums != list(range(nums[0], nums[0] + len(nums))):
            why.append(f"seats {sorted(seats)} are not together")
    if rule.aisle and info:
        ends = {b[0] for b in sm.rows[info[0].row - 1]} | {b[-1] for b in sm.rows[info[0].row - 1]}
        if not any(s in ends for s in seats):
            why.append(f"no seat of {sorted(seats)} is on an aisle")
    if rule.centre:
        for s in info:
            if not sm.in_centre(s.id):
                why.append(f"seat {s.id} is not in the centre")
                break
    stranded = stranded_seats(sm, unavailable, seats)
    if stranded:
        why.append(f"seats {sorted(seats)} strand single seats {stranded}")
    return why


def order_problems(env: TicketEnv, spec: OrderSpec, order: Order) -> list[str]:
    """Why `order` does not satisfy `spec` (empty: it does)."""
    why: list[str] = []
    if order.kind != spec.kind:
        return [f"{order.id} is a {order.kind} order, expected {spec.kind}"]
    if spec.showtime_ids and order.showtime_id not in spec.showtime_ids:
        why.append(f"{order.id}: showtime {order.showtime_id} is not acceptable")
    if spec.session_ids and order.session_id not in spec.session_ids:
        why.append(f"{order.id}: session {order.session_id} is not acceptable")
    if len(order.items) != spec.count:
        why.append(f"{order.id}: {len(order.items)} tickets, expected {spec.count}")
    if spec.zone_ids and any(it.zone_id not in spec.zone_ids for it in order.items):
        why.append(f"{order.id}: price zone is not acceptable")
    if spec.seat_types:
        got: dict[str, int] = {}
        for it in order.items:
            key = it.seat_type or "standard"
            got[key] = got.get(key, 0) + 1
        if got != dict(spec.seat_types):
            why.append(f"{order.id}: seat types {got}, expected {dict(spec.seat_types)}")
    if spec.attendee_ids:
        names = sorted(str(it.attendee_id) for it in order.items)
        if names != sorted(spec.attendee_ids):
            why.append(f"{order.id}: attendees {names}, expected {sorted(spec.attendee_ids)}")
    if spec.card_id is not None and order.card_id != spec.card_id:
        why.append(f"{order.id}: member card {spec.card_id} not applied")
    if spec.coupon_id is not None and order.coupon_id != spec.coupon_id:
        why.append(f"{order.id}: coupon {spec.coupon_id} not applied")
    if spec.no_discount and order.discounts:
        why.append(f"{order.id}: a discount was applied")
    if spec.payment_method_ids and order.payment_method_id not in spec.payment_method_ids:
        why.append(f"{order.id}: paid with {order.payment_method_id}")
    if spec.max_total_fen is not None and order.total_fen > spec.max_total_fen:
        why.append(f"{order.id}: total {order.total_fen} fen exceeds {spec.max_total_fen}")
    if order.kind == "movie" and order.showtime_id is not None:
        sm = _hall_map(env, order.showtime_id)
        seats = [it.seat_id for it in order.items if it.seat_id]
        if sm is not None and seats:
            st = env.world.showtimes[order.showtime_id]
            taken = {s: o for s, o in env.taken_seats(st.id).items() if o != order.id}
            others = set(unavailable_seats(sm, st, taken)) - set(seats)
            for w in seat_rule_problems(sm, spec.seats, seats, others):
                why.append(f"{order.id}: {w}")
    return why


def match_orders(
    env: TicketEnv, specs: Sequence[OrderSpec], orders: Sequence[Order]
) -> tuple[list[str] | None, list[str]]:
    """Assign a distinct order to every spec; returns (order ids per spec, reasons)."""
    if len(orders) != len(specs):
        got = ", ".join(o.id for o in orders) or "none"
        return None, [f"expected {len(specs)} new paid order(s), found {len(orders)} ({got})"]
    best: list[str] = []
    for perm in permutations(orders):
        problems = [
            p for spec, o in zip(specs, perm, strict=True) for p in order_problems(env, spec, o)
        ]
        if not problems:
            return [o.id for o in perm], []
        if not best or len(problems) < len(best):
            best = problems
    return None, best


# --- collateral changes ---------------------------------------------------------------


def _user_problems(before: User, after: User, explained: set[str]) -> list[str]:
    """Changes to the user's record not explained by an order that changed."""
    why: list[str] = []
    if before.model_dump(
        exclude={"member_cards", "coupons", "payment_methods"}
    ) != after.model_dump(exclude={"member_cards", "coupons", "payment_methods"}):
        why.append("the user's profile changed")
    for name in ("member_cards", "coupons", "payment_methods"):
        old = {x.id: x for x in getattr(before, name)}
        new = {x.id: x for x in getattr(after, name)}
        if set(old) != set(new):
            why.append(f"the user's {name} were added or removed")
            continue
        for key, value in new.items():
            if value != old[key] and key not in explained:
                why.append(f"{name} {key} changed though no order used it")
    return why


def message_problems(task: Task, talk: Transcript, env: TicketEnv | None = None) -> list[str]:
    """Why what the agent said and looked up falls short of the task (empty: it does not).

    With the episode's `env`, a must-tell fact stated beside the same kind of fact about the
    user's other orders is not told (`rivals`: the user is left to find its own), and every
    reason given other than an infeasible task's own must be so of an option the agent named
    (`false_refusals`); without it, any other reason contradicts a refusal.
    """
    exp = task.expect
    why: list[str] = []
    if talk.calls is not None and not any(c.ok and c.ran for c in talk.calls):
        why.append("the agent made no successful tool call")
    for m in exp.must_tell:
        if not told(talk.said, m.any_of, talk.heard):
            why.append(f"the agent did not tell the user the {m.what}")
            continue
        rivals = rival_phrases(env, task, m) if env is not None else []
        stated = sum(told(talk.said, r, talk.heard) for r in rivals)
        if stated:
            why.append(
                f"the agent told the {m.what} of {stated} other order(s) too: the user cannot "
                "tell which is theirs"
            )
    if exp.reason is not None:
        why += refusal_problems(
            exp.reason, exp.reason_about, talk.said, talk.heard, talk.calls,
            others_judged_apart=env is not None,
        )  # fmt: skip
    if env is not None:
        why += reason_problems(task, talk.said, talk.heard, talk.calls, env)
    return why


def check(
    task: Task, env: TicketEnv, talk: Transcript, *, clarified: bool | None = None
) -> CheckResult:
    """Check the end state of `env` and the episode's `talk` against `task.expect`.

    `clarified`: whether the agent asked about the task's clarify slots before its first
    write (known only to the session); None skips that part.
    """
    exp = task.expect
    reasons: list[str] = []
    orders_t = env.store.table("orders")
    paid_new: list[Order] = []
    explained: set[str] = set()  # payment method / card / coupon ids moved by orders
    refunded: dict[str, Order] = {}
    exchanged: dict[str, Order] = {}
    exchange_targets: set[str] = set()
    for ex in exp.exchanges:
        o = env.order(ex.order_id)
        if o is not None and o.exchanged_to:
            exchange_targets.add(o.exchanged_to)
    user_change: tuple[User, User] | None = None
    for ch in env.diff():
        if ch.table in ("movies", "cinemas", "events"):
            reasons.append(f"{ch.table} entry {ch.key} was modified")
        elif ch.table == "users":
            if ch.key != task.user_id:
                reasons.append(f"another user's data changed ({ch.key})")
            else:
                user_change = (ch.before, ch.after)
        elif ch.table == "orders":
            after: Order = ch.after
            before: Order | None = orders_t.start_value(ch.key)
            if after.user_id != task.user_id:
                reasons.append(f"another user's order {ch.key} changed")
                continue
            explained.update(
                x for x in (after.payment_method_id, after.card_id, after.coupon_id) if x
            )
            if before is None:
                if after.status == "pending_payment":
                    reasons.append(f"order {after.id} was left pending (a stray hold)")
                elif after.status == "paid" and after.id not in exchange_targets:
                    paid_new.append(after)
                elif after.status in ("cancelled", "expired") and not task.needs_write:
                    reasons.append(f"order {after.id} was created in a no-purchase task")
                elif after.status in ("refunded", "exchanged"):
                    reasons.append(f"order {after.id} was bought and then {after.status}")
            elif before.status == "pending_payment" and after.status in ("expired", "cancelled"):
                continue
            elif before.status == "pending_payment" and after.status == "paid":
                paid_new.append(after)
            elif before.status == "paid" and after.status == "refunded":
                refunded[after.id] = after
            elif before.status == "paid" and after.status == "exchanged":
                exchanged[after.id] = after
            else:
                reasons.append(f"order {after.id} went from {before.status} to {after.status}")
    matched, why = match_orders(env, exp.orders, paid_new)
    reasons += why
    combined = sum(o.total_fen for o in paid_new)
    if exp.max_combined_fen is not None and combined > exp.max_combined_fen:
        reasons.append(f"new orders total {combined} fen, over the joint {exp.max_combined_fen}")
    for rf in exp.refunds:
        o = refunded.pop(rf.order_id, None)
        if o is None:
            reasons.append(f"order {rf.order_id} was not refunded")
        elif o.refund_fen != rf.refund_fen:
            reasons.append(
                f"order {rf.order_id} refunded {o.refund_fen} fen, expected {rf.refund_fen}"
            )
    reasons += [f"order {oid} was refunded unasked" for oid in refunded]
    for ex in exp.exchanges:
        o = exchanged.pop(ex.order_id, None)
        new = env.order(o.exchanged_to) if o is not None and o.exchanged_to else None
        if o is None or new is None:
            reasons.append(f"order {ex.order_id} was not exchanged")
        else:
            reasons += order_problems(env, ex.to, new)
    reasons += [f"order {oid} was exchanged unasked" for oid in exchanged]
    if user_change is not None:
        reasons += _user_problems(user_change[0], user_change[1], explained)
    state_ok = not reasons
    said_wrong = message_problems(task, talk, env)
    messages_ok = not said_wrong
    reasons += said_wrong
    if exp.clarify and clarified is False:
        reasons.append(f"the agent did not ask about {', '.join(exp.clarify)} first")
    return CheckResult(
        passed=not reasons,
        reasons=reasons,
        matched_orders=matched or [],
        state_ok=state_ok,
        messages_ok=messages_ok,
    )
