"""The payment gate and the in-app purchase flow: deterministic in every user mode.

`settle_payment` is what happens when the agent calls `request_payment`: the user looks at
the payment sheet and approves it iff `ticketbench.suite.setup.approves(task, sheet)`.

`finish_in_app` is what a user does with a deep link: open it, pick seats or tickets, card
and coupon, submit, then pay at the checkout only if the same gate approves the sheet.
What the user picks comes from its goal: the task's reference order for the linked
showtime/session when there is one (the user knows which seats it wants), else the goal's
order spec. Every step is one app action, counted as a user action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ticketbench.env.links import parse_link
from ticketbench.env.toolkit import EnvError
from ticketbench.suite.setup import approves
from ticketbench.suite.spec import OrderSpec, Task
from ticketbench.users.base import App

APPROVE = "approve_payment"
DECLINE = "decline_payment"


def settle_payment(task: Task, app: App, request_id: str) -> tuple[bool, str]:
    """Approve or decline one payment request as the task's user would; returns (ok, why)."""
    sheet = app.payment_sheet(request_id)
    ok, reason = approves(task, sheet)
    res = app.act(APPROVE if ok else DECLINE, {"request_id": request_id}, note=reason)
    if ok and not res.ok:  # e.g. the hold expired between the request and the approval
        return False, res.error.message if res.error else "the payment failed"
    return ok, reason


@dataclass(frozen=True, slots=True)
class AppOutcome:
    """How following a link ended: `paid` if the user bought the order in the app."""

    paid: bool
    why: str


def _reference_order(task: Task, target: str) -> tuple[dict[str, Any], str | None]:
    """The reference `create_order` args for `target` and the reference payment method."""
    order: dict[str, Any] = {}
    method: str | None = None
    for step in task.reference:
        if step.kind == "call" and step.tool == "create_order":
            a = step.args
            if target in (a.get("showtime_id"), a.get("session_id")) and not order:
                order = dict(a)
        elif step.kind == "pay" and order and method is None:
            method = step.args.get("payment_method_id")
    return order, method


def _spec_for(task: Task, target: str) -> OrderSpec | None:
    for spec in task.goal.orders:
        if target in spec.showtime_ids or target in spec.session_ids:
            return spec
    return None


def _smart_pick_args(showtime_id: str, spec: OrderSpec) -> dict[str, Any]:
    """Smart-picker arguments that express the goal's seat wishes."""
    rule = spec.seats
    pref = "together" if rule.together else "aisle" if rule.aisle else "centre"
    args: dict[str, Any] = {"showtime_id": showtime_id, "count": spec.count, "preference": pref}
    if rule.rows:
        args["rows"] = list(rule.rows)
    return args


def _usual_method(task: Task) -> str | None:
    """The payment method the user pays with elsewhere in the task (their habit)."""
    for step in task.reference:
        if step.kind == "pay" and step.args.get("payment_method_id"):
            return str(step.args["payment_method_id"])
    return None


def finish_in_app(task: Task, app: App, url: str) -> AppOutcome:
    """Follow a deep link and buy in the app if what it leads to is what the user wants."""
    try:
        link = parse_link(url)
    except EnvError as err:
        return AppOutcome(False, f"the link does not work ({err.message})")
    res = app.act("open_link", {"url": url})
    if not res.ok:
        return AppOutcome(False, "the link does not open")
    spec = _spec_for(task, link.target_id)
    if spec is None:
        return AppOutcome(False, "the link is not for what I asked")
    ref, ref_method = _reference_order(task, link.target_id)
    if link.kind == "showtime":
        seats = list(ref.get("seats") or spec.seats.exact)
        if seats and sorted(link.seats) != sorted(seats):
            r = app.act("pick_seats", {"showtime_id": link.target_id, "seats": seats})
            if not r.ok:
                return AppOutcome(False, "I could not pick the seats I wanted")
        elif not seats and len(link.seats) != spec.count:
            # No particular seats in mind (e.g. another acceptable showtime than the
            # reference's): use the app's smart picker the way a person would.
            r = app.act("smart_pick_seats", _smart_pick_args(link.target_id, spec))
            if not r.ok:
                return AppOutcome(False, "I could not find seats I like")
        card = ref.get("card_id", spec.card_id)
        if card:
            app.act("pick_card", {"card_id": card})
    else:
        zone = ref.get("zone_id") or (spec.zone_ids[0] if spec.zone_ids else link.zone_id)
        args: dict[str, Any] = {
            "session_id": link.target_id,
            "zone_id": zone,
            "quantity": ref.get("quantity", spec.count),
        }
        attendees = ref.get("attendee_ids") or list(spec.attendee_ids)
        if attendees:
            args["attendee_ids"] = attendees
        if not app.act("pick_tickets", args).ok:
            return AppOutcome(False, "I could not pick the tickets I wanted")
    coupon = ref.get("coupon_id", spec.coupon_id)
    if coupon:
        app.act("pick_coupon", {"coupon_id": coupon})
    sub = app.act("submit_order", {})
    if not sub.ok or not isinstance(sub.data, Mapping):
        return AppOutcome(False, "the app would not take my order")
    sheet = dict(sub.data["sheet"])
    method = (
        ref_method
        or (spec.payment_method_ids[0] if spec.payment_method_ids else None)
        or _usual_method(task)
    )
    if method is None:
        return AppOutcome(False, "I do not know how to pay for this")
    sheet["payment_method_id"] = method
    sheet["amount_fen"] = sheet["total_fen"]
    ok, reason = approves(task, sheet)
    if not ok:
        return AppOutcome(False, reason)
    paid = app.act("pay_order", {"order_id": sheet["order_id"], "payment_method_id": method})
    if not paid.ok:
        return AppOutcome(False, paid.error.message if paid.error else "the payment failed")
    return AppOutcome(True, "paid in the app")
