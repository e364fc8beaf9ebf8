"""Reasons that are not the task's own: each must be a fact about an option the agent named.

"Sorry, it's over your budget" in a task that can be done tells the user something false
about their request, whatever else the message does: "...but if you still want to try,
here's the link" wins a purchase task on the link and an infeasible one on the words
(the red team's `Hedge`). Yet "the 19:30 is sold out, so I booked the 21:00" is a true
report beside a purchase, and "the 19:30 is sold out and the 21:00 is over your ¥100
budget, so I can't book" an honest refusal that explains the alternative too. So each
reason an agent message states in its own words (the refusal lexicon, `reasons.stated`),
other than an infeasible task's own reason stated of its own option, must be grounded
(`reason_problems`):

1. **attached**: the reason is stated of the options its sentence names, by id or start
   time in any zh/en clock form ("19:30", "7:30pm", "晚上7点半"): of the list of options
   it follows in the sentence ("the 19:30 and the 21:00 are sold out": both), or of the
   list right after it in its clause ("sold out: the 19:30"). A reason in a sentence that
   names no option is about the request; in a task that can be done, or when it is not
   the task's own reason, that grounds nothing;
2. **true**: the world holds it of every option of that list at the end of the episode
   (of one of the options a clock time can mean), judged with the env's own rules against
   the request's count, budget and zones (`_holds`): the showing cannot seat the party
   together (an event session: in no zone the request accepts), its sales closed or have
   not opened, its cheapest way in with the user's cards and coupons is over the budget,
   the order's refund cut-off passed or its venue never refunds, the service refused it
   for the ID limit;
3. **seen**: a tool result of this episode showed the agent the fact about it, as for a
   refusal (`reasons.observed`);
4. **not handed over**: it is not what the agent linked, put a payment sheet for, or what
   was bought: "the 21:00 is sold out, here is the 21:00's link" refuses nothing.

In an infeasible task the task's own reason must also be stated of the request (no option
named in its sentence) or of a list holding the task's own option: stating it only of
other options is no refusal of what was asked.

A message saying the request was carried out that names no other option than the one
bought ("row 5 had no 2 seats together, so I've booked 7-8 and 7-9") refuses nothing: its
reasons describe the purchase and are not judged here. That is no way around the rule: in
a task that cannot be done the claim alone fails the refusal (`reasons.claims_done`), so a
hedge signed "done" keeps its link half only.

A guessed reason is false somewhere; one that is true, seen and names the option it is
about is information, and stating it costs nothing. Pinning every reason on every option,
reasons on options never looked up, or invented ones beside one true reason all fail 2 or
3. The reading is strict where a person reads loosely: a reason stated in its own sentence
("I checked the 21:00. It is over your budget.") is about the request, and a reason said
of a list ("the 19:30 and 21:00: the first is sold out, the second over budget") is said
of every option in it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

from ticketbench.env import orders
from ticketbench.env.models import Order, OrderItem, SeatType
from ticketbench.env.orders import refunds
from ticketbench.env.orders.pricing import build_quote
from ticketbench.env.rules import movie_sales_close, session_on_sale
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.suite.ground_truth import lowest_total, seat_options
from ticketbench.suite.reasons import LABEL, asserted, claims_done, observed, stated
from ticketbench.suite.spec import InfeasibleReason, SeatRule, Task
from ticketbench.suite.textmatch import clock_mentions, clock_spans, normalise
from ticketbench.trajectory import ToolCall

_TZ = ZoneInfo("Asia/Shanghai")  # the suite's cities share one clock
_ID = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+\d+(?:-\d+)?(?![0-9])")
_SEAT_TYPES: tuple[SeatType, ...] = tuple(t for t in get_args(SeatType) if t != "wheelchair")
_ANY_SEAT = SeatRule()
# Service refusals that state a reason about X by themselves (the world's own word).
_SAID_BY_SERVICE: dict[InfeasibleReason, frozenset[str]] = {
    "not_enough_seats": frozenset({"sold_out", "not_enough_tickets"}),
    "id_limit": frozenset({"id_limit"}),
}


def reason_problems(
    task: Task, said: Sequence[str], heard: Sequence[str], calls: Sequence[ToolCall] | None,
    env: TicketEnv,
) -> list[str]:  # fmt: skip
    """Why the reasons the agent gave, other than an infeasible task's own reason of its own
    option, misinform the user (empty: each is grounded, see the module docstring). `calls`
    None (a reference replayed without its results) skips the "seen" part."""
    ep = _Episode.of(task, env, calls)
    own, about = task.expect.reason, set(task.expect.reason_about)
    own_stated = False
    why: list[str] = []
    for msg in said:
        if own is None and claims_done([msg], heard) and not _names_another(env, msg, ep.handed):
            continue  # a report of the purchase, not a refusal (see the module docstring)
        for claim in claims(env, msg, heard, ep.seen | set(_ID.findall(msg))):
            rest = claim.about
            if claim.reason == own and (not rest or any(m & about for m in rest)):
                own_stated = True
                rest = tuple(m for m in rest if not m & about)
                if not rest:
                    continue
            if rest and all(any(ep.grounded(claim.reason, x) for x in m) for m in rest):
                continue
            if own is None:
                why.append(
                    f"the agent told the user {LABEL[claim.reason]} in a task that can be "
                    "done, of no option it named and saw that to be so (a false refusal)"
                )
            else:
                why.append(
                    f"the agent gave reasons that are not the task's: {LABEL[claim.reason]}, "
                    "of no option it named and saw that to be so"
                )
    if own is not None and not own_stated and own in asserted(said, heard):
        why.append(f"the agent said {LABEL[own]} only of other options, not of the one asked for")
    return list(dict.fromkeys(why))


@dataclass(frozen=True, slots=True)
class Claim:
    """A reason one message states, and the options it is stated of: one entry per option
    the list it is attached to names, each the options that mention can mean (a clock time
    names every option starting then); empty if its sentence names no option."""

    reason: InfeasibleReason
    about: tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class _Episode:
    """What grounding a reason needs: the end state, the tool calls (None: not recorded),
    what was handed over or seen, and the request's terms."""

    env: TicketEnv
    calls: Sequence[ToolCall] | None
    handed: set[str]
    seen: set[str]
    terms: _Terms

    @classmethod
    def of(cls, task: Task, env: TicketEnv, calls: Sequence[ToolCall] | None) -> _Episode:
        done = calls or ()
        return cls(env, calls, _handed_over(env, done), _mentioned_ids(done), _terms(task, env))

    def grounded(self, reason: InfeasibleReason, x: str) -> bool:
        """Is `reason` true of option `x`, seen by the agent, and `x` not handed over?"""
        return (
            x not in self.handed
            and (self.calls is None or observed(reason, [x], self.calls))
            and _holds(reason, x, self)
        )


# --- which options -----------------------------------------------------------------------


def _mentioned_ids(calls: Sequence[ToolCall]) -> set[str]:
    """Every entity id a tool call of the episode named or returned."""
    out: set[str] = set()
    for c in calls:
        out.update(_ID.findall(json.dumps(c.args or {}, ensure_ascii=False)))
        out.update(_ID.findall(c.content))
    return out


def _start(env: TicketEnv, x: str) -> datetime | None:
    """When option `x` (a showtime, an event session or an order) starts."""
    if x in env.world.showtimes:
        return env.world.showtimes[x].start
    if x in env.world.sessions:
        return env.world.sessions[x][1].start
    o = env.order(x)
    if o is not None:
        return _start(env, o.showtime_id or o.session_id or "")
    return None


def claims(env: TicketEnv, msg: str, heard: Sequence[str], ids: set[str]) -> list[Claim]:
    """Each reason `msg` states in the agent's own words, with the options among `ids` it
    is stated of (see the module docstring, point 1)."""
    text = normalise(msg)
    lists = _lists(text, _mentions(env, text, ids))
    return [Claim(r, _attached(text, lists, a, b)) for r, a, b in stated(text, heard)]


_Mention = tuple[int, int, frozenset[str]]  # span in normalised text, the options it can mean
_ID_FOLDED = re.compile(r"(?<![a-z0-9])[a-z]+\d+(?:-\d+)?(?![0-9])")
# What may stand between two options of one list: "the 19:30, 21:00 and 22:15", "19:30和21:00"
_LIST_GLUE = re.compile(
    r"(?:[\s,、/&]|and|or|the|showings?|shows?|sessions?|screenings?|orders?|和|与|或者|或|及|"
    r"以及|还有|跟|那场|这场|场)*"
)
# Sentence ends in normalised text ("。" stays, "；！？" are folded): not a decimal point,
# nor the dots of "a.m." / "p.m."
_SENTENCE_END = re.compile(r"[;!?。\n]|(?<!\ba)(?<!\bp)(?<!\ba\.m)(?<!\bp\.m)\.(?!\d)")


def _mentions(env: TicketEnv, text: str, ids: set[str]) -> list[_Mention]:
    """Where normalised `text` names options among `ids`: by id, or by a start time."""
    by_id = {x.casefold(): x for x in ids if _start(env, x) is not None}
    by_clock: dict[str, set[str]] = {}
    for x in by_id.values():
        start = _start(env, x)
        if start is not None:
            by_clock.setdefault(_clock(start), set()).add(x)
    out: list[_Mention] = [
        (m.start(), m.end(), frozenset({by_id[m.group()]}))
        for m in _ID_FOLDED.finditer(text)
        if m.group() in by_id
    ]
    at = [i for i, ch in enumerate(text) if ch != " "]  # folded index -> index in `text`
    for a, b, clocks in clock_spans(text.replace(" ", "")):
        meant = frozenset(x for c in clocks for x in by_clock.get(c, ()))
        if meant:
            out.append((at[a], at[b - 1] + 1, meant))
    out.sort()
    kept: list[_Mention] = []
    for m in out:  # an id's digits are no clock
        if not kept or m[0] >= kept[-1][1]:
            kept.append(m)
    return kept


def _lists(text: str, mentions: list[_Mention]) -> list[tuple[int, tuple[frozenset[str], ...]]]:
    """The mentions joined into lists ("the 19:30 and the 21:00"): each list's start and its
    mentions' options."""
    out: list[tuple[int, tuple[frozenset[str], ...]]] = []
    end = -1
    for a, b, meant in mentions:
        if out and _LIST_GLUE.fullmatch(text[end:a]) and not _SENTENCE_END.search(text[end:a]):
            out[-1] = (out[-1][0], (*out[-1][1], meant))
        else:
            out.append((a, (meant,)))
        end = b
    return out


def _attached(
    text: str, lists: list[tuple[int, tuple[frozenset[str], ...]]], a: int, b: int
) -> tuple[frozenset[str], ...]:
    """The options a reason stated at `text[a:b]` is stated of: the list it follows in its
    sentence, or the list right after it in its clause; () if its sentence names none."""
    head = max((m.end() for m in _SENTENCE_END.finditer(text, 0, a)), default=0)
    tail = next((m.start() for m in _SENTENCE_END.finditer(text, b)), len(text))
    inside = [(start, opts) for start, opts in lists if head <= start < tail]
    before = [opts for start, opts in inside if start <= a]
    if before:
        return before[-1]
    after = [(start, opts) for start, opts in inside if start >= b]
    if after and "," not in text[b : after[0][0]]:
        return after[0][1]
    return ()


def _names_another(env: TicketEnv, msg: str, handed: set[str]) -> bool:
    """Does `msg` name an option besides those handed over: a start time none of theirs
    is, or an id?"""
    theirs = {_clock(start) for x in handed if (start := _start(env, x)) is not None}
    ids = {x for x in _ID.findall(msg) if x not in handed and _start(env, x) is not None}
    return bool(ids) or bool(clock_mentions(normalise(msg).replace(" ", "")) - theirs)


def _clock(start: datetime) -> str:
    return start.astimezone(_TZ).strftime("%H:%M")


def _handed_over(env: TicketEnv, calls: Sequence[ToolCall]) -> set[str]:
    """The options the agent put in the user's hands (a link, a payment sheet) and every
    order bought in the episode, with the showtime or session each is for."""
    out: set[str] = set()
    for c in calls:
        if not (c.ok and c.ran and c.args):
            continue
        if c.name == "booking_link":
            out.update(str(c.args[k]) for k in ("showtime_id", "session_id") if c.args.get(k))
        elif c.name == "request_payment" and c.args.get("order_id"):
            out.add(str(c.args["order_id"]))
    table = env.store.table("orders")
    bought = [
        o.id
        for o in env.user_orders()
        if table.start_value(o.id) is None and o.status in ("paid", "refunded", "exchanged")
    ]
    for oid in [*out, *bought]:
        order = env.order(oid)
        if order is not None:
            out.update(i for i in (order.id, order.showtime_id, order.session_id) if i)
    return out


# --- is it so ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Terms:
    """What the request asks that a reason is judged against: tickets needed at once, the
    budget in fen (None: none stated) and the event zones it accepts (empty: any)."""

    need: int = 1
    budget: int | None = None
    zones: frozenset[str] = frozenset()


def _terms(task: Task, env: TicketEnv) -> _Terms:
    """The request's terms (`_Terms`). A task that can be done has them in its spec: the
    largest expected order, the loosest cap stated (an optimum is none), every zone a spec
    accepts. One that cannot has
    no order to read them from, so its opening is read with the audit's parser of
    requests, whose readings the audit holds to the spec."""
    specs = [*task.expect.orders, *(e.to for e in task.expect.exchanges)]
    if specs:
        # A "cheapest" spec's cap is the optimum the agent had to find, not a budget the
        # user stated: nothing is "over your budget" in a request that states none.
        stated = [] if task.expect.optimal else [s.max_total_fen for s in task.expect.orders]
        caps = [
            c
            for c in (*stated, task.expect.max_combined_fen, task.goal.budget_fen)
            if c is not None
        ]
        any_zone = any(s.kind == "event" and not s.zone_ids for s in specs)
        zones = frozenset() if any_zone else frozenset(z for s in specs for z in s.zone_ids)
        return _Terms(max(s.count for s in specs), max(caps, default=None), zones)
    # Imported here: the audit package's __init__ imports its checks, which import the
    # checker, which imports this module.
    from ticketbench.suite.audit.reading import read_request

    user = env.world.users.get(task.user_id)
    if user is None:
        return _Terms()
    req = read_request(env.world, user, task.now, task.opening)
    counts = [p.count for p in req.parts if p.count is not None]
    any_zone = any(p.target == "event" and not p.zones for p in req.parts)
    zones = frozenset() if any_zone else frozenset(z for p in req.parts for z in p.zones)
    return _Terms(max(counts, default=1), req.budget_fen, zones)


def _holds(reason: InfeasibleReason, x: str, ep: _Episode) -> bool:
    """Does the world hold `reason` about option `x` for this request (see the module
    docstring)? Judged with the env's own rules, at the episode's end."""
    codes = _SAID_BY_SERVICE.get(reason, frozenset())
    calls = ep.calls or ()
    if any(c.ran and not c.ok and c.error_code in codes and x in _call_text(c) for c in calls):
        return True
    return any(_facts(reason, x, ep.env, ep.terms))


def _call_text(call: ToolCall) -> str:
    return json.dumps(call.args or {}, ensure_ascii=False) + call.content


def _facts(reason: InfeasibleReason, x: str, env: TicketEnv, terms: _Terms) -> Iterator[bool]:
    need, budget, now = terms.need, terms.budget, env.now
    if x in env.world.showtimes:
        st = env.world.showtimes[x]
        if reason == "sales_closed":
            yield now >= movie_sales_close(st)
        elif reason == "not_enough_seats":
            yield not seat_options(env, x, need, _ANY_SEAT, _SEAT_TYPES, limit=1)
        elif reason == "over_budget" and budget is not None:
            best = lowest_total(env, x, need, _ANY_SEAT, _SEAT_TYPES)
            yield best is not None and best[0] > budget
    elif x in env.world.sessions:
        base, session = env.world.sessions[x]
        event = env.event(base.id) or base
        if reason == "sales_closed":
            yield now >= session.start - timedelta(minutes=event.sales_cutoff_min)
        elif reason == "not_on_sale":
            yield now < session_on_sale(event, session)
        elif reason == "not_enough_seats":  # no zone the request accepts has enough left
            left = orders.event_availability(env, x)
            yield all(n < need for z, n in left.items() if not terms.zones or z in terms.zones)
        elif reason == "over_budget" and budget is not None:
            low = _lowest_event_total(env, x, need)
            yield low is not None and low > budget
    else:
        order = env.store.table("orders").start_value(x) or env.order(x)
        if isinstance(order, Order) and reason in ("refund_closed", "no_refund"):
            yield _refund_refusal(env, order) == (
                "refund_closed" if reason == "refund_closed" else "not_refundable"
            )


def _lowest_event_total(env: TicketEnv, session_id: str, need: int) -> int | None:
    """The lowest total of `need` tickets of one zone of a session with enough left, with
    any coupon the user holds that applies (priced by the env's own quote), or None if no
    zone has enough."""
    base, session = env.world.sessions[session_id]
    event = env.event(base.id) or base
    left = orders.event_availability(env, session_id)
    coupons = [None, *env.user().coupons]
    best: int | None = None
    for zone in event.zones:
        if left.get(zone.id, 0) < need:
            continue
        items = [OrderItem(zone_id=zone.id, price_fen=zone.price_fen)] * need
        for coupon in coupons:
            try:
                total = build_quote(
                    "event", items, event.service_fee_fen, env.now, coupon=coupon,
                    event_id=event.id, session_id=session.id,
                ).total_fen  # fmt: skip
            except EnvError:
                continue  # the coupon does not apply (scope, threshold, used, expired)
            best = total if best is None else min(best, total)
    return best


def _refund_refusal(env: TicketEnv, order: Order) -> str | None:
    """The service's error code refusing a refund of `order` now (as seeded), or None."""
    paid = order.model_copy(update={"status": "paid"})
    try:
        if order.showtime_id is not None:
            st = env.world.showtimes[order.showtime_id]
            cinema = env.cinema(st.cinema_id)
            if cinema is None:
                return None
            refunds.movie_refund_fen(paid, cinema, st, env.now)
        elif order.session_id is not None:
            base, session = env.world.sessions[order.session_id]
            refunds.event_refund_fen(paid, env.event(base.id) or base, session, env.now)
    except EnvError as e:
        return e.code
    return None
