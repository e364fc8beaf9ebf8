"""The typed task model of the suite: a request, hidden user state and a checkable spec.

A task is *not* a trajectory. It says what the final state must look like (`Expect`),
what the simulated user knows and will approve (`knowledge`, `goal`), how the world is
prepared before the episode (`setup`), and one reference solution (`reference`) that
the oracle agent and `ticketbench verify` replay.

Ids of orders created during an episode are deterministic (`env.next_id("N")` gives
N0001, N0002, ... in creation order; payment requests likewise), so a reference
solution can use literal ids in later steps.

Money is integer fen throughout (1 yuan = 100 fen); times are timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ticketbench.env.models import OrderKind, SeatType

Split = Literal["test", "dev"]
Locale = Literal["zh", "en"]
Difficulty = Literal["easy", "medium", "hard"]
Category = Literal[
    "specified",  # 1. fully specified movie purchase
    "constrained",  # 2. time window / format / language / near a place / nearest
    "seating",  # 3. together, centre, aisle, back rows, couple, wheelchair, gap rule
    "pricing",  # 4. cheapest, member card, best coupon, budget cap
    "clarify",  # 5. ambiguous: correct only if the agent asks before writing
    "infeasible",  # 6. sold out, over budget, sales closed, over limit, not on sale yet
    "after_purchase",  # 7. refund, exchange, pickup code on seeded orders
    "live_event",  # 8. real-name live events
    "time",  # 9. holds that expire, sales windows
    "adversarial",  # 10. injected instructions, users pushing to break policy
    "composite",  # 11. two orders in one request
]
CATEGORIES: tuple[Category, ...] = (
    "specified",
    "constrained",
    "seating",
    "pricing",
    "clarify",
    "infeasible",
    "after_purchase",
    "live_event",
    "time",
    "adversarial",
    "composite",
)
Slot = Literal[
    "date",
    "time",
    "count",
    "which_movie",
    "which_event",
    "cinema",
    "place",
    "format",
    "seat_pref",
    "zone",
    "session",
    "attendees",
    "budget",
    "payment",
    "discount",
    "order",
    "other",
]
HandoffKind = Literal["clarify", "confirm", "navigate", "escalate", "inform"]
Outcome = Literal["purchase", "no_purchase", "refund", "exchange", "multi"]
StepKind = Literal["call", "ask", "say", "pay"]
Optimal = Literal["cheapest", "nearest", "earliest", "latest"]
# Why a request cannot be met (the fact an infeasible task's refusal must name).
InfeasibleReason = Literal[
    "not_enough_seats",  # no selection of the wanted seats is left (sold out, none together)
    "sales_closed",  # online sales of the showing or session have closed
    "over_budget",  # every acceptable option costs more than the user's budget
    "not_on_sale",  # the event's sales have not opened yet
    "id_limit",  # a real-name attendee would exceed the per-ID limit
    "refund_closed",  # the refund cut-off of the order has passed
    "no_refund",  # the order can never be refunded (the cinema does not refund)
]
InjectField = Literal[
    "movie.synopsis",
    "cinema.notice",
    "event.description",
    "coupon.terms",
    "attendee.name",
    "order.remarks",
]


class Frozen(BaseModel):
    """Base of the spec models: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- hidden user state ----------------------------------------------------------------


class Fact(Frozen):
    """One thing the simulated user can answer when asked (and only when asked).

    `triggers` are bilingual keywords: a question containing any of them (after
    normalisation) is about this slot. `answer` is in the task's locale.
    """

    slot: Slot
    triggers: tuple[str, ...]
    answer: str


class SeatRule(Frozen):
    """Constraints on the seats of one order. The no-single-gap rule always applies.

    Empty / False fields do not constrain. `exact` fixes the seat ids (any order);
    otherwise `rows` lists allowed row numbers (1 = front); `together` means one block
    of one row, consecutive numbers; `aisle` means at least one seat at a block end
    (next to an aisle or the row end); `centre` means every seat's column lies in the
    middle third of its row (the rows are `rows`' business); `types` lists the seat types
    allowed (a request that names none allows standard, VIP and couple seats, never a
    wheelchair space or its companion seat).
    """

    exact: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()
    together: bool = False
    aisle: bool = False
    centre: bool = False
    types: tuple[SeatType, ...] = ()


class OrderSpec(Frozen):
    """An acceptable order: every listed constraint must hold; empty means any.

    For "cheapest"-style requests `max_total_fen` is the optimum total, so every
    optimal order (and nothing else) satisfies the spec.
    """

    kind: OrderKind
    showtime_ids: tuple[str, ...] = ()  # movie: acceptable showtimes (non-empty for movies)
    session_ids: tuple[str, ...] = ()  # event: acceptable sessions (non-empty for events)
    zone_ids: tuple[str, ...] = ()  # event: acceptable price zones
    count: int = Field(ge=1)
    seat_types: dict[SeatType, int] = {}  # exact multiset of seat types, if given
    seats: SeatRule = SeatRule()
    attendee_ids: tuple[str, ...] = ()  # real-name: exactly these saved attendees
    card_id: str | None = None  # this member card must be applied
    coupon_id: str | None = None  # this coupon must be applied
    no_discount: bool = False  # no card or coupon may be applied
    payment_method_ids: tuple[str, ...] = ()  # paid with one of these
    max_total_fen: int | None = None  # upper bound on the order total


class Goal(Frozen):
    """What the user will approve on a payment sheet (see `ticketbench.suite.approve`).

    A sheet is approved iff its order satisfies one of `orders` (as far as a sheet
    shows it) and its amount is within `budget_fen` (the user's hidden cap, if any).
    An empty `orders` means the user approves nothing (no-purchase tasks).
    """

    summary: str  # what the user wants, in the task's locale (for LLM-driven users)
    orders: tuple[OrderSpec, ...] = ()
    budget_fen: int | None = None


# --- setup ----------------------------------------------------------------------------


class SeedOrder(Frozen):
    """A past order put into the user's history before the episode.

    It is created at `at` (clock moved there and back). `status` "paid" is bought;
    "pending_payment" is a hold (it expires `HOLD_MINUTES` after `at`).
    """

    kind: OrderKind
    at: datetime
    status: Literal["paid", "pending_payment"] = "paid"
    showtime_id: str | None = None
    seats: tuple[str, ...] = ()
    session_id: str | None = None
    zone_id: str | None = None
    quantity: int = 0
    attendee_ids: tuple[str, ...] = ()
    card_id: str | None = None
    coupon_id: str | None = None
    payment_method_id: str


class Injection(Frozen):
    """Text added to one field of an entity (an adversarial instruction in data): appended,
    except to a synopsis, where it goes first (tools shorten synopses).

    `ref` is the movie, cinema or event id, or the coupon / attendee / order id of the user.
    """

    field: InjectField
    ref: str
    text: str


class Setup(Frozen):
    """How the world is prepared before the episode; then `env.freeze_seed()`."""

    orders: tuple[SeedOrder, ...] = ()
    injections: tuple[Injection, ...] = ()


# --- ground truth ---------------------------------------------------------------------


# The kinds of fact a task may require; each has its rival facts (the same kind of fact
# about the user's other orders, `ticketbench.suite.rivals`), so a new kind needs its own.
FactKind = Literal["pickup_code", "refund_amount"]


class MustTell(Frozen):
    """A fact the agent must state: some agent message states one of `any_of` as a phrase,
    in the agent's own words (see `ticketbench.suite.textmatch.told`).

    Matching is bilingual and normalised (full/half width, case, spaces, money forms); a
    phrase copied from the user's messages does not count. The reason of an infeasible
    request is not a must-tell fact: see `Expect.reason`.
    """

    what: FactKind
    any_of: tuple[str, ...]


class Refund(Frozen):
    """A seeded order that must end refunded, for exactly `refund_fen`."""

    order_id: str
    refund_fen: int


class Exchange(Frozen):
    """An exchange of a seeded order into a new order matching `to`."""

    order_id: str
    to: OrderSpec


class Expect(Frozen):
    """The ground truth: what the final state and the agent's messages must satisfy.

    - `orders`: each spec is met by a distinct order paid during the episode; no other
      order may be paid.
    - `refunds`: seeded orders that must end refunded (`refund_fen`: the exact amount).
    - `exchanges`: seeded orders that must end exchanged into a matching new order.
    - `clarify`: slots the agent must ask about before its first write.
    - `handoffs`: the handoffs the task needs, by kind (normally {"confirm": 1}).
    - `optimal`: the request asked for an optimum; the specs accept every optimum only.
    - `reason`: for an infeasible request (`feasible` False), why it cannot be met;
      `reason_about`: the ids of what the reason is about (showtime, session, event or
      order). The agent's refusal scores only if it names `reason` in its own words, names
      no other, and a tool result of the episode showed it the fact about one of
      `reason_about` (see `ticketbench.suite.reasons`).
    """

    outcome: Outcome
    feasible: bool = True
    reason: InfeasibleReason | None = None
    reason_about: tuple[str, ...] = ()
    orders: tuple[OrderSpec, ...] = ()
    refunds: tuple[Refund, ...] = ()
    exchanges: tuple[Exchange, ...] = ()
    must_tell: tuple[MustTell, ...] = ()
    clarify: tuple[Slot, ...] = ()
    handoffs: dict[HandoffKind, int] = {}
    max_combined_fen: int | None = None  # joint budget over all new paid orders
    optimal: Optimal | None = None

    @model_validator(mode="after")
    def _reason_iff_infeasible(self) -> Expect:
        if not self.feasible and self.reason is None:
            raise ValueError("reason is required when feasible is false")
        if self.feasible and self.reason is not None:
            raise ValueError("reason is only for infeasible requests (feasible is false)")
        if (self.reason is None) != (not self.reason_about):
            raise ValueError(
                "reason_about (the showtime, session, event or order ids the reason is about) "
                "is required with reason, and only with it"
            )
        return self


# --- reference solution ---------------------------------------------------------------


class Step(Frozen):
    """One step of a reference solution.

    - "call": run tool `tool` with `args` (literal; new ids are deterministic).
    - "ask": ask the user `text` about `slot` (a clarification handoff).
    - "say": tell the user `text` (carries must-tell facts).
    - "pay": call `request_payment` with `args`; the user then approves the sheet.
    """

    kind: StepKind
    tool: str = ""
    args: dict[str, Any] = {}
    text: str = ""
    slot: Slot | None = None


# --- the task -------------------------------------------------------------------------


class Task(Frozen):
    """One request of the suite with its hidden user state and ground truth."""

    id: str
    split: Split = "test"
    category: Category
    locale: Locale
    template: str = "custom"  # the generator's template; hand-written tasks keep "custom"
    difficulty: Difficulty = "medium"
    user_id: str
    now: datetime
    opening: str
    knowledge: tuple[Fact, ...] = ()
    goal: Goal
    setup: Setup = Setup()
    expect: Expect
    reference: tuple[Step, ...]
    tags: tuple[str, ...] = ()
    # Tasks sharing a pair_id are one world situation (user, time, setup, ground truth)
    # asked in different languages: the paired language gap compares them.
    pair_id: str | None = None

    @property
    def infeasible(self) -> bool:
        """True if the request cannot be met (the correct end state is no purchase)."""
        return not self.expect.feasible

    @property
    def needs_write(self) -> bool:
        """True if the correct end state differs from the start state."""
        e = self.expect
        return bool(e.orders or e.refunds or e.exchanges)


# Columns whose shape varies between tasks are stored as JSON strings in the dataset.
JSON_COLUMNS: tuple[str, ...] = ("knowledge", "goal", "setup", "expect", "reference")


def task_to_row(task: Task) -> dict[str, Any]:
    """The Arrow-friendly row of a task (nested fields as JSON strings)."""
    import json

    data = task.model_dump(mode="json")
    for col in JSON_COLUMNS:
        data[col] = json.dumps(data[col], ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return data


def task_from_row(row: Mapping[str, Any]) -> Task:
    """Parse a dataset row back into a `Task` (inverse of `task_to_row`)."""
    import json

    data = dict(row)
    for col in JSON_COLUMNS:
        if isinstance(data.get(col), str):
            data[col] = json.loads(data[col])
    return Task.model_validate(data)
