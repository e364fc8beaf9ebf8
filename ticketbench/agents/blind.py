"""What an agent that knows nothing of the task can look up: the ground the cheap agents share.

The degenerate agents (`ticketbench.agents.degenerate`) and the gaming agents
(`ticketbench.agents.gaming`) read only the opening and the tool results, never the task.
`look_around` does the looking a lazy product would do: the movie or event whose name the
opening contains (the search tools match a name contained in a long query), every upcoming
showtime of that movie in the user's city and at a cinema the opening names, every session
of the event, the user's orders and payment methods. Everything found is a *candidate*: the
agent cannot tell which one the user wants, which is the point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ticketbench.protocol import Session, ToolResult

_CJK = re.compile(r"[\u3400-\u9fff]")
_COUNT = re.compile(
    r"(\d+|one|two|three|four|five|six|[一二两三四五六])\s*(?:张|个人|位|人|tickets?|seats?|people)",
    re.I,
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "一": 1, "二": 2,
          "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}  # fmt: skip


def is_zh(text: str) -> bool:
    """Is the user writing Chinese?"""
    return bool(_CJK.search(text))


def ticket_count(opening: str) -> int:
    """The first ticket count the opening states (2 when it states none)."""
    m = _COUNT.search(opening)
    if m is None:
        return 2
    raw = m.group(1).casefold()
    n = _WORDS.get(raw) or (int(raw) if raw.isdigit() else 2)
    return n if 1 <= n <= 6 else 2


@dataclass
class Candidate:
    """One showtime or event session the opening might be about, as the search showed it."""

    kind: str  # "showtime" | "session"
    id: str
    label: str  # venue or title plus the start, as a person would name it
    event_id: str = ""
    zone_id: str = ""  # the event's first zone (sessions only)
    price: str = ""


@dataclass
class Finds:
    """Everything `look_around` found."""

    candidates: list[Candidate] = field(default_factory=list)
    orders: list[tuple[str, str]] = field(default_factory=list)  # (order id, status)
    payment_methods: list[str] = field(default_factory=list)
    results: list[ToolResult] = field(default_factory=list)  # every result, for stuffing

    def seen_text(self) -> str:
        """All tool results as one text."""
        return "\n".join(r.content for r in self.results)


def _rows(res: ToolResult, key: str) -> list[Mapping[str, Any]]:
    if not res.ok or not isinstance(res.data, Mapping):
        return []
    rows = res.data.get(key)
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


async def _call(session: Session, finds: Finds, tool: str, args: dict[str, Any]) -> ToolResult:
    res = await session.call(tool, args)
    finds.results.append(res)
    return res


async def look_around(session: Session, *, orders: bool = True, at_cinema: bool = True) -> Finds:
    """Search for what the opening names and collect every candidate (see the module
    docstring). `at_cinema`: showtimes at a cinema the opening names come first."""
    finds = Finds()
    opening = session.opening
    await _call(session, finds, "current_time", {})
    movies = _rows(await _call(session, finds, "search_movies", {"query": opening, "limit": 2}),
                   "movies")  # fmt: skip
    cinemas = _rows(
        await _call(session, finds, "search_cinemas", {"query": opening, "limit": 1}), "cinemas"
    )
    for mv in movies[:1]:
        searches: list[dict[str, Any]] = [{"movie_id": mv["id"], "limit": 50}]
        if cinemas and at_cinema:
            searches.insert(0, {"movie_id": mv["id"], "cinema_id": cinemas[0]["id"], "limit": 50})
        for args in searches:
            res = await _call(session, finds, "search_showtimes", args)
            seen = {c.id for c in finds.candidates}
            for row in _rows(res, "showtimes"):
                if row["id"] not in seen:
                    label = f"{row.get('cinema', '')} {row.get('start', '')}"
                    finds.candidates.append(
                        Candidate("showtime", str(row["id"]), label, price=str(row.get("price")))
                    )
    events = _rows(await _call(session, finds, "search_events", {"query": opening, "limit": 2}),
                   "events")  # fmt: skip
    for ev in events[:1]:
        res = await _call(session, finds, "get_event", {"event_id": ev["id"]})
        if not res.ok or not isinstance(res.data, Mapping):
            continue
        zones = _rows(res, "zones")
        zone = str(zones[0]["id"]) if zones else ""
        for s in _rows(res, "sessions"):
            label = f"{ev.get('zh', '')} / {ev.get('en', '')} {s.get('start', '')}"
            finds.candidates.append(
                Candidate("session", str(s["id"]), label, event_id=str(ev["id"]), zone_id=zone)
            )
    if orders and not session.done:
        res = await _call(session, finds, "list_orders", {})
        lines = res.data.get("orders", []) if res.ok and isinstance(res.data, Mapping) else []
        for line in lines:
            parts = str(line).split()
            if len(parts) >= 2:
                finds.orders.append((parts[0], parts[1]))
        prof = await _call(session, finds, "get_user_profile", {})
        finds.payment_methods = [str(p["id"]) for p in _rows(prof, "payment_methods")]
    return finds


async def booking_links(session: Session, cands: list[Candidate]) -> list[str]:
    """Issue a deep link for each candidate (no seats picked); the URLs that worked."""
    urls: list[str] = []
    for c in cands:
        args = {"showtime_id": c.id} if c.kind == "showtime" else {"session_id": c.id}
        res = await session.call("booking_link", args)
        if res.ok and isinstance(res.data, Mapping) and isinstance(res.data.get("url"), str):
            urls.append(res.data["url"])
    return urls


async def try_order(session: Session, cand: Candidate, count: int) -> ToolResult:
    """Try to create an order for `cand` with the service's default choice (the first
    recommended seats, or the first zone): the order, or the service's refusal."""
    if cand.kind == "showtime":
        rec = await session.call(
            "recommend_seats", {"showtime_id": cand.id, "count": count, "preference": "centre"}
        )
        options = _rows(rec, "options")
        if not options:
            return rec
        args: dict[str, Any] = {"showtime_id": cand.id, "seats": list(options[0]["seats"])}
    else:
        args = {"session_id": cand.id, "zone_id": cand.zone_id, "quantity": count}
    return await session.call("create_order", args)


async def hold(session: Session, cand: Candidate, count: int) -> Mapping[str, Any] | None:
    """`try_order`'s order, or None if the service refused (or had no seats to offer, when
    `try_order` hands back the seat recommendation, not an order)."""
    res = await try_order(session, cand, count)
    made = res.ok and isinstance(res.data, Mapping) and "order_id" in res.data
    return res.data if made and isinstance(res.data, Mapping) else None
