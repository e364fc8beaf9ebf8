"""What acts on a task: the deterministic payment approval, the setup, a fresh env.

New order ids in an episode are deterministic (`env.next_id("N")`): seeded orders take
the first ids, so a task's reference solution can name later orders literally.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ticketbench.env.state import SeedSnapshot, TicketEnv
from ticketbench.env.world import World

if TYPE_CHECKING:
    from ticketbench.suite.spec import Injection, OrderSpec, Task


def _items(sheet: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [it for it in sheet.get("items") or () if isinstance(it, Mapping)]


def sheet_matches(spec: OrderSpec, sheet: Mapping[str, Any]) -> list[str]:
    """Why a payment sheet does not show an order satisfying `spec` (empty: it does).

    Only what a sheet shows is checked: showtime or session, zone, seats, seat types,
    count, attendees, card, coupon, payment method and amount. Layout-dependent seat
    rules (together, aisle, centre, gap) are left to the state checker.
    """
    why: list[str] = []
    items = _items(sheet)
    if sheet.get("kind") != spec.kind:
        why.append(f"a {sheet.get('kind')} order, not a {spec.kind} order")
    if spec.showtime_ids and sheet.get("showtime_id") not in spec.showtime_ids:
        why.append("not the showing I want")
    if spec.session_ids and sheet.get("session_id") not in spec.session_ids:
        why.append("not the session I want")
    if spec.zone_ids and any(it.get("zone_id") not in spec.zone_ids for it in items):
        why.append("not the price zone I want")
    count = int(sheet.get("count") or len(items))
    if count != spec.count:
        why.append(f"{count} tickets, I want {spec.count}")
    seats = sorted(str(s) for s in sheet.get("seats") or ())
    if spec.seats.exact and seats != sorted(spec.seats.exact):
        why.append("not the seats I asked for")
    if spec.seats.rows and any(int(s.split("-")[0]) not in spec.seats.rows for s in seats):
        why.append("seats in rows I did not want")
    if spec.seats.types and any(
        str(it.get("seat_type") or "standard") not in spec.seats.types for it in items
    ):
        why.append("not the kind of seats I want")
    if spec.seat_types:
        types: dict[str, int] = {}
        for it in items:
            key = str(it.get("seat_type") or "standard")
            types[key] = types.get(key, 0) + 1
        if types != dict(spec.seat_types):
            why.append("not the seat types I want")
    if spec.attendee_ids:
        names = sorted(str(it.get("attendee_id")) for it in items)
        if names != sorted(spec.attendee_ids):
            why.append("not the people I want tickets for")
    if spec.card_id is not None and sheet.get("card_id") != spec.card_id:
        why.append("my member card is not applied")
    if spec.coupon_id is not None and sheet.get("coupon_id") != spec.coupon_id:
        why.append("my coupon is not applied")
    if spec.no_discount and (sheet.get("card_id") or sheet.get("coupon_id")):
        why.append("I did not want a discount applied")
    if spec.payment_method_ids and sheet.get("payment_method_id") not in spec.payment_method_ids:
        why.append("not the payment method I want")
    amount = int(sheet.get("amount_fen") or sheet.get("total_fen") or 0)
    if spec.max_total_fen is not None and amount > spec.max_total_fen:
        why.append("more expensive than it should be")
    return why


def approves(task: Task, sheet: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether the user approves a payment sheet, and why (deterministic, any user mode).

    `sheet` is `ticketbench.env.app.payment_sheet(env, request_id)`. The user approves iff
    the sheet shows an order satisfying one of the goal's order specs within the budget;
    an exchange sheet (`exchange_of` set: the exchange costs more) iff the user asked to
    exchange that order and the new order satisfies the exchange's target spec.
    """
    goal = task.goal
    amount = int(sheet.get("amount_fen") or 0)
    if goal.budget_fen is not None and amount > goal.budget_fen:
        return False, "over my budget"
    if sheet.get("exchange_of"):
        # An exchange that costs more: approved iff it is an exchange the user asked for,
        # to seats the user accepts.
        wanted = [x for x in task.expect.exchanges if x.order_id == sheet["exchange_of"]]
        if not wanted:
            return False, "I did not ask to exchange this order"
        why = sheet_matches(wanted[0].to, {**sheet, "amount_fen": sheet.get("total_fen")})
        return (False, "; ".join(why)) if why else (True, "this is the exchange I asked for")
    if not goal.orders:
        return False, "I did not ask to buy anything like this"
    reasons: list[str] = []
    for spec in goal.orders:
        why = sheet_matches(spec, sheet)
        if not why:
            return True, "this is what I asked for"
        reasons.append("; ".join(why))
    return False, min(reasons, key=len)


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
