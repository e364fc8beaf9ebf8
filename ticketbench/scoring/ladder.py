"""The navigation -> agent ladder: how far toward a completed order one episode got.

Purchase tasks (every expected order must reach the level):
- L4 success, completed by the agent, no excess handoff of any kind but inform;
- L3 the agent completed the right orders up to the payment hand-off, and no others: every
  expected order is met by a distinct order the agent created (payment aside) and put up
  for payment (a successful `request_payment`: the payment sheet is where the policy hands
  the order to the user), no other order it created is left standing (created and not
  cancelled), and no failing policy violation; or it succeeded with excess handoffs. A
  shotgun of orders, one of which happens to fit, is not L3, nor a hold left for the user
  to finish in the app from a link (the user did the rest: that is navigation);
- L2 the agent's deep links (issued by `booking_link` in this episode) point at a right
  showtime / session for every expected order, with at most one other target besides (an
  alternative); links to every candidate are not navigation;
- L1 a message named one in its own words (its id, or venue/title plus a start time in any
  zh/en clock form; words copied from the user's messages do not count), and the agent's
  messages named at most one other option besides (distinct ids and clock times counted
  over the episode): listing every candidate, at once or one by one, names none, and
  repeating the request names nothing;
- L0 otherwise.
Tasks without an order to buy (refund, exchange, no purchase) are L4 on success without
excess, L3 on success with excess, else L0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import permutations
from zoneinfo import ZoneInfo

from ticketbench.env.links import parse_link
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.records import CompletedBy
from ticketbench.suite.checker import order_problems
from ticketbench.suite.spec import OrderSpec, Task
from ticketbench.suite.textmatch import clock_mentions, echo_free, fold, normalise, units
from ticketbench.trajectory import AgentMessage, Event, ToolCall, UserAction, UserMessage
from ticketbench.users.understand import find_links

_TZ = ZoneInfo("Asia/Shanghai")


def _local(dt: datetime, fmt: str) -> str:
    return dt.astimezone(_TZ).strftime(fmt)


def agent_messages(events: Sequence[Event]) -> list[str]:
    """The texts the agent sent the user, in order."""
    return [e.text for e in events if isinstance(e, AgentMessage)]


def created_orders(events: Sequence[Event]) -> list[str]:
    """Ids of the orders the agent created (successful `create_order` calls)."""
    return [
        e.ref
        for e in events
        if isinstance(e, ToolCall) and e.ok and e.name == "create_order" and e.ref is not None
    ]


def spec_met_by_order(env: TicketEnv, spec: OrderSpec, order_ids: Sequence[str]) -> bool:
    """Does one of `order_ids` satisfy `spec`, paid or not (the payment method aside)?"""
    relaxed = spec.model_copy(update={"payment_method_ids": ()})  # not paid: no method yet
    for oid in order_ids:
        o = env.order(oid)
        if o is not None and not order_problems(env, relaxed, o):
            return True
    return False


def sheeted_orders(events: Sequence[Event]) -> set[str]:
    """Ids of the orders the agent put up for payment (successful `request_payment` calls)."""
    return {
        str(e.args["order_id"])
        for e in events
        if isinstance(e, ToolCall) and e.ok and e.name == "request_payment" and e.args
        if e.args.get("order_id")
    }


def right_orders_only(
    env: TicketEnv, specs: Sequence[OrderSpec], created: Sequence[str], sheeted: set[str]
) -> bool:
    """Is every spec met by a distinct created order that the agent put up for payment
    (`sheeted`), with no other created order standing?

    Standing: not cancelled and not expired (an expired hold is no longer the agent's
    doing); payment aside (`spec_met_by_order`).
    """
    standing = []
    for oid in dict.fromkeys(created):
        o = env.order(oid)
        if o is not None and o.status not in ("cancelled", "expired"):
            standing.append(oid)
    if not specs or len(standing) != len(specs):
        return False
    return any(
        all(
            oid in sheeted and spec_met_by_order(env, s, [oid])
            for s, oid in zip(specs, perm, strict=True)
        )
        for perm in permutations(standing)
    )


def issued_links(events: Sequence[Event]) -> set[str]:
    """The deep links `booking_link` gave the agent in this episode."""
    return {
        u
        for e in events
        if isinstance(e, ToolCall) and e.ok and e.name == "booking_link"
        for u in find_links(e.content)
    }


def _targets(links: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for url in links:
        try:
            out.add(parse_link(url).target_id)
        except EnvError:
            continue
    return out


def link_list_problems(task: Task, events: Sequence[Event]) -> list[str]:
    """Why a purchase the user finished from the agent's links is not the agent's navigation
    (empty: it is).

    Every link the user opened must have been issued by `booking_link` in this episode, and
    the message it came from may point at no more options than the task has orders, plus
    one alternative: a list of every candidate leaves the choice (the actual work) to the
    user, whoever's goal it happens to contain. A message per option is the same list.
    """
    specs = task.expect.orders
    if not specs or not any(
        isinstance(e, UserAction) and e.ok and e.name == "pay_order" for e in events
    ):
        return []
    issued = issued_links(events)
    allowed = len(specs) + 1
    sent: list[str] = []  # issued links of every agent message so far
    why: list[str] = []
    for e in events:
        if isinstance(e, AgentMessage):
            sent += [u for u in find_links(e.text) if u in issued]
        elif isinstance(e, UserAction) and e.name == "open_link":
            url = str(e.args.get("url", ""))
            if url not in issued:
                why.append(f"the user opened a link the service never issued ({url})")
            n = len(_targets(sent))
            if n > allowed:
                why.append(
                    f"the agent's links pointed at {n} options before the user chose "
                    f"(at most {allowed}: the right one per order and one alternative)"
                )
    return list(dict.fromkeys(why))


def linked_right(specs: Sequence[OrderSpec], links: Sequence[str]) -> bool:
    """Do the links point at an acceptable option for every spec, with at most one other
    target besides (see the module docstring)?"""
    targets = _targets(links)
    hits = [targets & {*s.showtime_ids, *s.session_ids} for s in specs]
    if not all(hits):
        return False
    others = targets - set().union(*hits)
    return len(others) <= 1


_ID = re.compile(r"(?<![a-z0-9])[a-z]+\d+(?:-\d+)?(?![0-9])")  # an entity id, folded


@dataclass(frozen=True, slots=True)
class _Names:
    """Folded ways to name the acceptable options of a spec: ids, or name + start time."""

    ids: frozenset[str]
    by_clock: dict[str, tuple[str, ...]]  # "19:30" -> venue / title names starting then


_NAMES: dict[tuple[int, tuple[str, ...], tuple[str, ...]], _Names] = {}


def _names(env: TicketEnv, spec: OrderSpec) -> _Names:
    key = (id(env.world), spec.showtime_ids, spec.session_ids)
    hit = _NAMES.get(key)
    if hit is not None:
        return hit
    ids: list[str] = []
    by_clock: dict[str, list[str]] = {}
    for sid in spec.showtime_ids:
        st = env.world.showtimes.get(sid)
        cin = env.world.cinemas.get(st.cinema_id) if st is not None else None
        if st is not None and cin is not None:
            ids.append(fold(sid))
            names = by_clock.setdefault(_local(st.start, "%H:%M"), [])
            names += [fold(n) for n in (cin.name_zh, cin.name_en, *cin.aliases)]
    for sid in spec.session_ids:
        pair = env.world.sessions.get(sid)
        if pair is not None:
            ev, s = pair
            ids.append(fold(sid))
            names = by_clock.setdefault(_local(s.start, "%H:%M"), [])
            names += [fold(n) for n in (ev.title_zh, ev.title_en, *ev.aliases)]
    out = _Names(frozenset(ids), {k: tuple(dict.fromkeys(v)) for k, v in by_clock.items()})
    if len(_NAMES) > 50_000:  # a long-lived process grading many suites
        _NAMES.clear()
    _NAMES[key] = out
    return out


def own_words(text: str, heard: Sequence[str]) -> str:
    """`text` normalised, with every word copied from the user's messages blanked out."""
    norm = normalise(text)
    if not heard:
        return norm
    free = set(echo_free(norm, heard))
    chars = list(norm)
    for _, a, b in units(norm):
        if (a, b) not in free:
            chars[a:b] = " " * (b - a)
    return "".join(chars)


@dataclass(frozen=True, slots=True)
class _Said:
    """One agent message as the L1 rule reads it: folded text, the showtime / session ids
    and the clock times it names."""

    text: str
    ids: frozenset[str]
    clocks: frozenset[str]

    @classmethod
    def of(cls, env: TicketEnv, text: str, heard: Sequence[str] = ()) -> _Said:
        """Read one message; words copied from the user's messages `heard` are left out
        (repeating the request names nothing the agent found)."""
        norm = own_words(text, heard)
        w = env.world
        ids = frozenset(
            i for i in _ID.findall(norm) if i.upper() in w.showtimes or i.upper() in w.sessions
        )
        return cls(norm.replace(" ", ""), ids, frozenset(clock_mentions(norm)))


def _named(env: TicketEnv, spec: OrderSpec, msg: _Said) -> bool:
    """Does the message name an acceptable showtime / session?"""
    names = _names(env, spec)
    if msg.ids & names.ids:
        return True
    return any(n in msg.text for c in msg.clocks for n in names.by_clock.get(c, ()))


def named_right(
    env: TicketEnv, specs: Sequence[OrderSpec], texts: Sequence[str], heard: Sequence[str] = ()
) -> bool:
    """Is every spec named by a message in the agent's own words (not copied from the
    user's `heard`), while the agent's messages together name no more options than the task
    has orders, plus one alternative? A list of every candidate, in one message or one per
    message, names none (as with links, `linked_right`)."""
    said = [_Said.of(env, t, heard) for t in texts]
    ids = set().union(*(m.ids for m in said)) if said else set()
    times = {f"{int(c[:2]) % 12}:{c[3:]}" for m in said for c in m.clocks}
    if max(len(ids), len(times)) > len(specs) + 1:
        return False
    return bool(said) and all(any(_named(env, s, m) for m in said) for s in specs)


def autonomy_level(
    task: Task,
    env: TicketEnv,
    events: Sequence[Event],
    *,
    success: bool,
    by: CompletedBy,
    excess: dict[str, int],
    clean: bool = True,
) -> int:
    """The level L0..L4 of one episode (see the module docstring); `clean`: no failing
    policy violation."""
    lean = not any(v for k, v in excess.items() if k != "inform")
    if success and by == "agent" and lean:
        return 4
    specs = task.expect.orders
    if not specs:
        return 3 if success and by == "agent" else 0
    if success and by == "agent":
        return 3
    if clean and right_orders_only(env, specs, created_orders(events), sheeted_orders(events)):
        return 3
    texts = agent_messages(events)
    issued = issued_links(events)
    links = [u for t in texts for u in find_links(t) if u in issued]
    if links and linked_right(specs, links):
        return 2
    heard = [e.text for e in events if isinstance(e, UserMessage)]
    if named_right(env, specs, texts, heard):
        return 1
    return 0
