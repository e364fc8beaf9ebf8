"""Buying in the app after a deep link: what the user clicks, chosen by its own wishes.

`finish_in_app` opens one link and, if it leads to something the user still wants, buys it
the way a person would, with the app's own tools and nothing from the task's reference
solution:
- seats: the exact seats it asked for; else the link's preselection when it is the right
  number of free seats and, as far as seat numbers show, suits it (rows, side by side);
  else the app's smart picker set to its wishes (together, aisle, centre, rows, seat
  types; the cheapest seat type first when price matters to it);
- event tickets: the zone it wants (the link's otherwise), its count and attendees;
- discounts: the card or coupon it asked for; when price matters (a cheapest request, a
  budget) the app's "best offer";
- payment: the method it asked for, else its default (the first that covers the total);
- it pays only if the checkout passes the same judgement as a payment sheet
  (`ticketbench.suite.setup.judge_sheet`); when it gives up at the checkout it cancels the
  order it submitted (`leave_checkout`), as a person backing out of an app does: its own
  abandoned hold is no stray hold of the agent's.
Only links the app issued in this episode open (`ticketbench.env.app.open_link`). Every
step is one app action, counted as a user action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ticketbench.env.links import DeepLink, parse_link
from ticketbench.env.toolkit import EnvError, ToolResult
from ticketbench.suite.setup import Aspect, judge_sheet, unbought_orders
from ticketbench.suite.spec import OrderSpec, Task
from ticketbench.users.base import App
from ticketbench.users.gate import objection

Trouble = Literal[
    "dead_link",  # not a link of the app, or one it did not issue: it does not open
    "not_wanted",  # it opens on something the user does not want (or no longer needs)
    "no_seats",  # no seats or tickets the user likes are left
    "checkout",  # the app would not take the order or the payment
    "declined",  # the checkout is not what the user wants (see `aspect`)
]

_TROUBLE = {
    "en": {
        "dead_link": "The link doesn't open for me.",
        "not_wanted": "That link isn't for what I asked for.",
        "no_seats": "I couldn't find seats I like there.",
        "checkout": "The app wouldn't let me complete the order.",
    },
    "zh": {
        "dead_link": "这个链接我打不开。",
        "not_wanted": "这个链接不是我要的。",
        "no_seats": "里面没有我想要的座位。",
        "checkout": "App里下不了单。",
    },
}


@dataclass(frozen=True, slots=True)
class AppOutcome:
    """How following a link ended: `paid` if the user bought the order in the app;
    otherwise `trouble` (and `aspect` for a checkout it declined), `detail` in English."""

    paid: bool
    detail: str
    trouble: Trouble | None = None
    aspect: Aspect | None = None

    def said(self, locale: str) -> str:
        """What went wrong, in the user's words (empty when it paid)."""
        if self.trouble is None:
            return ""
        if self.aspect is not None:
            return objection(locale, self.aspect)
        return _TROUBLE["zh" if locale == "zh" else "en"][self.trouble]


def _fail(trouble: Trouble, detail: str, aspect: Aspect | None = None) -> AppOutcome:
    return AppOutcome(False, detail, trouble, aspect)


def _why(res: ToolResult, default: str) -> str:
    return res.error.message if res.error else default


def finish_in_app(task: Task, app: App, url: str) -> AppOutcome:
    """Open a deep link and buy in the app if it leads to an order the user still wants."""
    try:
        link = parse_link(url)
    except EnvError as err:
        return _fail("dead_link", err.message)
    opened = app.act("open_link", {"url": url})
    if not opened.ok:
        return _fail("dead_link", _why(opened, "the link does not open"))
    goal = task.goal
    specs = [
        s
        for s in unbought_orders(task, app.purchases())
        if link.target_id in s.showtime_ids or link.target_id in s.session_ids
    ]
    if not specs:
        return _fail("not_wanted", "the link is not for anything I still want")
    spec = specs[0]
    thrifty = spec.max_total_fen is not None or goal.budget_fen is not None
    if link.kind == "showtime":
        trouble = _pick_seats(app, link, spec, thrifty, opened.data)
        if trouble is not None:
            return trouble
        if spec.card_id:
            app.act("pick_card", {"card_id": spec.card_id})
    else:
        args: dict[str, Any] = {
            "session_id": link.target_id,
            "zone_id": spec.zone_ids[0] if spec.zone_ids else link.zone_id,
            "quantity": spec.count,
        }
        if spec.attendee_ids:
            args["attendee_ids"] = list(spec.attendee_ids)
        if args["zone_id"] is None:
            return _fail("no_seats", "the link names no zone and I have none in mind")
        picked = app.act("pick_tickets", args)
        if not picked.ok:
            return _fail("no_seats", _why(picked, "I could not pick the tickets I wanted"))
    if spec.coupon_id:
        app.act("pick_coupon", {"coupon_id": spec.coupon_id})
    elif thrifty and not spec.card_id and not spec.no_discount:
        app.act("best_offer", {})
    sub = app.act("submit_order", {})
    if not sub.ok or not isinstance(sub.data, Mapping):
        return _fail("checkout", _why(sub, "the app would not take my order"))
    out = _checkout(task, app, sub.data, spec)
    if not out.paid:  # a person who gives up cancels the order, leaving nothing held
        app.act("leave_checkout", {})
    return out


def _checkout(task: Task, app: App, submitted: Mapping[str, Any], spec: OrderSpec) -> AppOutcome:
    """Pay the submitted order if its sheet is what the user wants."""
    sheet = dict(submitted["sheet"])
    method = _method(spec, submitted.get("payment_methods") or (), int(sheet["total_fen"]))
    if method is None:
        return _fail("checkout", "none of my payment methods covers the total")
    sheet["payment_method_id"] = method
    sheet["amount_fen"] = sheet["total_fen"]
    j = judge_sheet(task, sheet, app.purchases())
    if not j.ok:
        return _fail("declined", j.detail, j.aspect)
    paid = app.act("pay_order", {"order_id": sheet["order_id"], "payment_method_id": method})
    if not paid.ok:
        return _fail("checkout", _why(paid, "the payment failed"))
    return AppOutcome(True, "paid in the app")


def _pick_seats(
    app: App, link: DeepLink, spec: OrderSpec, thrifty: bool, screen: object
) -> AppOutcome | None:
    """Select the seats the user wants on the showtime the link opened (None: done)."""
    rule = spec.seats
    if rule.exact:
        if sorted(link.seats) == sorted(rule.exact) and not _unavailable(screen):
            return None
        r = app.act("pick_seats", {"showtime_id": link.target_id, "seats": list(rule.exact)})
        return None if r.ok else _fail("no_seats", _why(r, "my seats are gone"))
    if len(link.seats) == spec.count and not _unavailable(screen) and _looks_right(link, spec):
        return None  # the agent preselected seats the user can see suit it: keep them
    for types in _type_choices(spec, thrifty):
        args: dict[str, Any] = {
            "showtime_id": link.target_id,
            "count": spec.count,
            "preference": _preference(spec),
        }
        if rule.rows:
            args["rows"] = list(rule.rows)
        if rule.centre:
            args["centre_only"] = True
        if types:
            args["seat_types"] = list(types)
        if app.act("smart_pick_seats", args).ok:
            return None
    return _fail("no_seats", "the smart picker found no seats that fit what I want")


def _looks_right(link: DeepLink, spec: OrderSpec) -> bool:
    """Do the preselected seats suit the user's wishes as far as seat numbers show (rows;
    side by side: one row, consecutive numbers)? Centre and aisle seats it leaves to the
    app's picker, which knows the hall; seat types show at the checkout."""
    rule = spec.seats
    if rule.centre or rule.aisle:
        return False
    places = sorted((int(r), int(n)) for r, n in (s.split("-") for s in link.seats))
    if rule.rows and any(r not in rule.rows for r, _ in places):
        return False
    if rule.together:
        rows = {r for r, _ in places}
        nums = [n for _, n in places]
        return len(rows) == 1 and nums == list(range(nums[0], nums[0] + len(nums)))
    return True


def _unavailable(screen: object) -> bool:
    return isinstance(screen, Mapping) and bool(screen.get("unavailable"))


def _preference(spec: OrderSpec) -> str:
    """The smart picker's preference that expresses the user's seat wishes."""
    rule = spec.seats
    kinds = set(spec.seat_types) or set(rule.types)
    if kinds == {"couple"}:
        return "couple"
    if "wheelchair" in kinds:
        return "wheelchair"
    if rule.aisle:
        return "aisle"
    if rule.together and not rule.centre:
        return "together"
    return "centre"


def _type_choices(spec: OrderSpec, thrifty: bool) -> list[tuple[str, ...]]:
    """Seat-type filters to try in turn: the exact mix asked for; when price matters, plain
    standard seats first; then whatever types the user accepts (empty: the picker's own)."""
    if spec.seat_types:
        return [tuple(spec.seat_types)]
    allowed = tuple(spec.seats.types)
    choices: list[tuple[str, ...]] = []
    if thrifty and (not allowed or "standard" in allowed):
        choices.append(("standard",))
    choices.append(tuple(t for t in allowed if t not in ("wheelchair", "companion")))
    return choices


def _method(spec: OrderSpec, methods: Sequence[Any], total: int) -> str | None:
    """The payment method the user asked for, else its default: the first that covers."""
    if spec.payment_method_ids:
        return spec.payment_method_ids[0]
    for m in methods:
        covers = isinstance(m, Mapping) and int(m.get("balance_fen") or 0) >= total
        if covers and m.get("kind") != "member_card":
            return str(m["id"])
    return None
