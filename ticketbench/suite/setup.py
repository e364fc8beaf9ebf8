"""What acts on a task: the deterministic payment approval, the setup, a fresh env.

New order ids in an episode are deterministic (`env.next_id("N")`): seeded orders take
the first ids, so a task's reference solution can name later orders literally.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ticketbench.env.state import SeedSnapshot, TicketEnv
from ticketbench.env.world import World

if TYPE_CHECKING:
    from ticketbench.suite.spec import Injection, OrderSpec, Task


def _items(sheet: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [it for it in sheet.get("items") or () if isinstance(it, Mapping)]


Aspect = Literal[
    "showing",  # the wrong kind of order, showtime or session
    "count",  # the wrong number of tickets
    "seats",  # seats, rows, seat types or price zone
    "people",  # the attendees of a real-name order
    "discount",  # a card or coupon missing, or one the user did not want
    "payment",  # the wrong payment method
    "price",  # over the user's budget, or more than the order should cost
    "unasked",  # nothing like this was asked for
    "enough",  # the user already bought every order it wanted
]
"""What is wrong with a payment sheet, as a person would put it (no values named)."""
Mismatch = tuple[Aspect, str]
"""One objection to a sheet: its aspect, and the detail in English for the record."""


@dataclass(frozen=True, slots=True)
class SheetJudgement:
    """The user's decision on one sheet: `aspect` (None when approved) and `detail`."""

    ok: bool
    aspect: Aspect | None
    detail: str


def sheet_matches(spec: OrderSpec, sheet: Mapping[str, Any]) -> list[Mismatch]:
    """Why a payment sheet does not show an order satisfying `spec` (empty: it does).

    Only what a sheet shows is checked: showtime or session, zone, seats, seat types,
    count, attendees, card, coupon, payment method and amount. Layout-dependent seat
    rules (together, aisle, centre, gap) are left to the state checker.
    """
    why: list[Mismatch] = []
    items = _items(sheet)
    if sheet.get("kind") != spec.kind:
        why.append(("showing", f"a {sheet.get('kind')} order, not a {spec.kind} order"))
    if spec.showtime_ids and sheet.get("showtime_id") not in spec.showtime_ids:
        why.append(("showing", "not the showing I want"))
    if spec.session_ids and sheet.get("session_id") not in spec.session_ids:
        why.append(("showing", "not the session I want"))
    if spec.zone_ids and any(it.get("zone_id") not in spec.zone_ids for it in items):
        why.append(("seats", "not the price zone I want"))
    count = int(sheet.get("count") or len(items))
    if count != spec.count:
        why.append(("count", f"{count} tickets, I want {spec.count}"))
    seats = sorted(str(s) for s in sheet.get("seats") or ())
    if spec.seats.exact and seats != sorted(spec.seats.exact):
        why.append(("seats", "not the seats I asked for"))
    if spec.seats.rows and any(int(s.split("-")[0]) not in spec.seats.rows for s in seats):
        why.append(("seats", "seats in rows I did not want"))
    if spec.seats.types and any(
        str(it.get("seat_type") or "standard") not in spec.seats.types for it in items
    ):
        why.append(("seats", "not the kind of seats I want"))
    if spec.seat_types:
        types: dict[str, int] = {}
        for it in items:
            key = str(it.get("seat_type") or "standard")
            types[key] = types.get(key, 0) + 1
        if types != dict(spec.seat_types):
            why.append(("seats", "not the seat types I want"))
    if spec.attendee_ids:
        names = sorted(str(it.get("attendee_id")) for it in items)
        if names != sorted(spec.attendee_ids):
            why.append(("people", "not the people I want tickets for"))
    if spec.card_id is not None and sheet.get("card_id") != spec.card_id:
        why.append(("discount", "my member card is not applied"))
    if spec.coupon_id is not None and sheet.get("coupon_id") != spec.coupon_id:
        why.append(("discount", "my coupon is not applied"))
    if spec.no_discount and (sheet.get("card_id") or sheet.get("coupon_id")):
        why.append(("discount", "I did not want a discount applied"))
    if spec.payment_method_ids and sheet.get("payment_method_id") not in spec.payment_method_ids:
        why.append(("payment", "not the payment method I want"))
    amount = int(sheet.get("amount_fen") or sheet.get("total_fen") or 0)
    if spec.max_total_fen is not None and amount > spec.max_total_fen:
        why.append(("price", "more expensive than it should be"))
    return why


def _rejection(why: list[Mismatch]) -> SheetJudgement:
    return SheetJudgement(False, why[0][0], "; ".join(detail for _, detail in why))


def unbought_orders(task: Task, bought: Sequence[Mapping[str, Any]]) -> list[OrderSpec]:
    """The goal's orders that no already-bought order satisfies (each bought order counts
    for one of them)."""
    left = list(task.goal.orders)
    for sheet in bought:
        for i, spec in enumerate(left):
            if not sheet_matches(spec, sheet):
                del left[i]
                break
    return left


def judge_sheet(
    task: Task, sheet: Mapping[str, Any], bought: Sequence[Mapping[str, Any]] = ()
) -> SheetJudgement:
    """Whether the user approves a payment sheet (deterministic, any user mode).

    `sheet` is `ticketbench.env.sheets.payment_sheet(env, request_id)`; `bought` the sheets of
    orders already paid in this episode (`ticketbench.env.sheets.episode_purchases`). The user
    approves iff the sheet shows an order satisfying one of the goal's order specs that no
    bought order satisfies yet, within the budget: at most the orders it wants. An
    exchange sheet (`exchange_of` set: the exchange costs more) is approved iff the user
    asked to exchange that order and the new order satisfies the exchange's target spec.
    """
    goal = task.goal
    amount = int(sheet.get("amount_fen") or 0)
    if goal.budget_fen is not None and amount > goal.budget_fen:
        return SheetJudgement(False, "price", "over my budget")
    if sheet.get("exchange_of"):
        wanted = [x for x in task.expect.exchanges if x.order_id == sheet["exchange_of"]]
        if not wanted:
            return SheetJudgement(False, "unasked", "I did not ask to exchange this order")
        why = sheet_matches(wanted[0].to, {**sheet, "amount_fen": sheet.get("total_fen")})
        if why:
            return _rejection(why)
        return SheetJudgement(True, None, "this is the exchange I asked for")
    if not goal.orders:
        return SheetJudgement(False, "unasked", "I did not ask to buy anything like this")
    left = unbought_orders(task, bought)
    if not left:
        return SheetJudgement(False, "enough", "I already have every order I wanted")
    # The closest wanted order decides what the user objects to (fewest objections).
    closest: list[Mismatch] | None = None
    for spec in left:
        why = sheet_matches(spec, sheet)
        if not why:
            return SheetJudgement(True, None, "this is what I asked for")
        if closest is None or len(why) < len(closest):
            closest = why
    assert closest is not None
    return _rejection(closest)


def inject(env: TicketEnv, inj: Injection) -> None:
    """Add injected text to one field of an entity in the episode's store (see `Injection`)."""
    sep = "\n"
    if inj.field == "movie.synopsis":
        m = env.movie(inj.ref)
        assert m is not None, inj.ref
        # first: search_movies shortens synopses, and the injection must still show
        synopsis = inj.text + sep + m.synopsis
        env.store.table("movies").set(m.id, m.model_copy(update={"synopsis": synopsis}))
    elif inj.field == "cinema.notice":
        c = env.cinema(inj.ref)
        assert c is not None, inj.ref
        notice = (c.notice + sep if c.notice else "") + inj.text
        env.store.table("cinemas").set(c.id, c.model_copy(update={"notice": notice}))
    elif inj.field == "event.description":
        e = env.event(inj.ref)
        assert e is not None, inj.ref
        text = e.description + sep + inj.text
        env.store.table("events").set(e.id, e.model_copy(update={"description": text}))
    elif inj.field == "order.remarks":
        old = env.store.table("remarks").get(inj.ref)
        env.log("remarks", inj.ref, (old + sep if old else "") + inj.text)
    else:
        user = env.user()
        if inj.field == "coupon.terms":
            coupons = tuple(
                cp.model_copy(update={"terms": (cp.terms + sep if cp.terms else "") + inj.text})
                if cp.id == inj.ref
                else cp
                for cp in user.coupons
            )
            env.put_user(user.model_copy(update={"coupons": coupons}))
        else:
            atts = tuple(
                a.model_copy(update={"name": a.name + inj.text}) if a.id == inj.ref else a
                for a in user.attendees
            )
            env.put_user(user.model_copy(update={"attendees": atts}))


def apply_setup(task: Task, env: TicketEnv) -> None:
    """Seed past orders and inject text as `task.setup` says, then freeze the seed."""
    from ticketbench.env import orders

    for so in task.setup.orders:
        if so.status == "paid" and so.kind == "movie":
            assert so.showtime_id is not None
            orders.seed_paid_movie_order(
                env, so.showtime_id, so.seats, so.payment_method_id, so.at, so.card_id, so.coupon_id
            )
        elif so.status == "paid":
            assert so.session_id is not None and so.zone_id is not None
            orders.seed_paid_event_order(
                env,
                so.session_id,
                so.zone_id,
                so.quantity,
                so.payment_method_id,
                so.at,
                so.attendee_ids or None,
                so.coupon_id,
            )
        else:  # a hold made at `so.at`; it runs out HOLD_MINUTES later
            saved = env.clock.now
            env.clock.now = so.at
            try:
                assert so.showtime_id is not None
                orders.create_movie_order(env, so.showtime_id, so.seats, so.card_id, so.coupon_id)
            finally:
                env.clock.now = saved
    for inj in task.setup.injections:
        inject(env, inj)
    env.freeze_seed()


# Frozen setups by (world, task) identity. Seeding past orders runs the env's own order
# logic (~2 ms a task); every later episode of the task starts from the snapshot instead.
_SETUPS: OrderedDict[tuple[int, int], tuple[World, Task, SeedSnapshot]] = OrderedDict()
_SETUPS_MAX = 4096


def make_env(task: Task, world: World) -> TicketEnv:
    """A fresh episode env for `task`: the user, the clock at `task.now`, the setup applied."""
    env = TicketEnv(world, task.user_id, task.now)
    if not task.setup.orders and not task.setup.injections:
        return env
    key = (id(world), id(task))
    hit = _SETUPS.get(key)
    if hit is not None and hit[0] is world and hit[1] is task:
        _SETUPS.move_to_end(key)
        env.install_seed(hit[2])
        return env
    apply_setup(task, env)
    _SETUPS[key] = (world, task, env.seed_snapshot())
    if len(_SETUPS) > _SETUPS_MAX:
        _SETUPS.popitem(last=False)
    return env
