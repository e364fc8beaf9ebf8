"""What a user's own opening already told the agent, slot by slot.

A user asked "which cinema?" after naming one answers with what it said. The opening is
read by the audit's parser (`ticketbench.suite.audit.phrases.scan`: days, clocks, counts,
seats, money and the world's names, each with its place in the text), and every phrase is
filed under the slot a question about it would name. The answer quotes the user's own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ticketbench.env.world import World
from ticketbench.suite.audit.phrases import scan

# Phrase kinds of the audit's parser, by the slot a question about them names.
_PHRASE_SLOT = {
    "day": "date",
    "tonight": "date",
    "day_evening": "date",
    "clock": "time",
    "window": "time",
    "after": "time",
    "evening": "time",
    "soon": "time",
    "count": "count",
    "each_count": "count",
    "party": "count",
    "one_more": "count",
    "seat_id": "seat_pref",
    "row": "seat_pref",
    "last_rows": "seat_pref",
    "wheelchair": "seat_pref",
    "couple": "seat_pref",
    "aisle": "seat_pref",
    "centre": "seat_pref",
    "standard": "seat_pref",
    "together": "seat_pref",
    "budget": "budget",
    "joint": "budget",
    "format": "format",
    "language": "format",
    "home": "place",
    "card": "discount",
    "one_id": "attendees",
}
_MENTION_SLOT = {
    "movie": "which_movie",
    "event": "which_event",
    "performer": "which_event",
    "cinema": "cinema",
    "brand": "cinema",
    "landmark": "place",
    "zone": "zone",
    "attendee": "attendees",
}


def said_in(world: World, user_id: str, now: datetime, opening: str) -> dict[str, tuple[str, ...]]:
    """Slot -> the user's own words for it in `opening`, in order, without repeats."""
    user = world.users.get(user_id)
    if user is None:
        return {}
    text, mentions = scan(world, user, now, opening)
    found: dict[str, list[tuple[int, str]]] = {}
    for ph in text.phrases:
        slot = _PHRASE_SLOT.get(ph.kind)
        if slot is not None:
            found.setdefault(slot, []).append((ph.start, opening[ph.start : ph.end].strip()))
    for m in mentions:
        for kind in m.names:
            slot = _MENTION_SLOT.get(kind)
            if slot is not None:
                found.setdefault(slot, []).append((m.start, m.text.strip()))
                break
    return {
        slot: tuple(dict.fromkeys(w for _, w in sorted(words) if w))
        for slot, words in found.items()
    }


def as_said(words: Mapping[str, tuple[str, ...]], slots: tuple[str, ...], zh: bool) -> str:
    """The user's answer quoting its opening for `slots` ("" when it said none of them)."""
    quoted = [w for s in slots for w in words.get(s, ())]
    if not quoted:
        return ""
    joined = "，".join(dict.fromkeys(quoted)) if zh else ", ".join(dict.fromkeys(quoted))
    return f"我刚才说了：{joined}。" if zh else f"As I said: {joined}."
