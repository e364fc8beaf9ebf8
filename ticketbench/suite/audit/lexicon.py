"""The world's names as users write them, and where they occur in a request.

Every title, alias, cinema name, brand, landmark, performer, price-zone name and saved
attendee is a *surface*. `find_mentions` returns the longest non-overlapping surfaces of a
text, left to right; a surface several entities share (an alias of two movies) names them
all, which is how the audit sees an ambiguous request. Latin surfaces match case-insensitively
and only as whole words; Chinese ones anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ticketbench.env.models import User
from ticketbench.env.world import World

Kind = Literal["movie", "cinema", "brand", "landmark", "event", "performer", "zone", "attendee"]


@dataclass(frozen=True)
class Mention:
    """One surface found in a text: what it may name (kind -> ids) and where it stands."""

    names: Mapping[Kind, frozenset[str]]
    start: int
    end: int
    text: str

    def ids(self, kind: Kind) -> frozenset[str]:
        """The entities of `kind` this mention may name (empty: none)."""
        return self.names.get(kind, frozenset())


Surfaces = dict[str, dict[Kind, set[str]]]


def _add(table: Surfaces, surface: str, kind: Kind, ref: str) -> None:
    key = surface.strip().lower()
    if key:
        table.setdefault(key, defaultdict(set))[kind].add(ref)


@cache
def world_surfaces(world: World, city_id: str) -> Surfaces:
    """The surfaces of everything a user of `city_id` may name (movies anywhere; cinemas,
    landmarks and events of the city)."""
    table: Surfaces = {}
    for m in world.data.movies:
        for s in (m.title_zh, m.title_en, *m.aliases):
            _add(table, s, "movie", m.id)
    for c in world.cinemas_by_city.get(city_id, ()):
        for s in (c.name_zh, c.name_en, *c.aliases):
            _add(table, s, "cinema", c.id)
        for s in (c.brand_zh, c.brand_en):
            _add(table, s, "brand", c.brand_en)
    for lm in world.cities[city_id].landmarks:
        for s in (lm.name_zh, lm.name_en, *lm.aliases):
            _add(table, s, "landmark", lm.id)
    for ev in world.data.events:
        if ev.city_id != city_id:
            continue
        for s in (ev.title_zh, ev.title_en, *ev.aliases):
            _add(table, s, "event", ev.id)
        for p in ev.performers:
            zh, _, en = p.partition(" ")
            for s in (p, zh, en):
                _add(table, s, "performer", ev.id)
        for z in ev.zones:
            for s in (z.name_zh, z.name_en):
                _add(table, s, "zone", z.id)
    return table


def _word_ok(text: str, start: int, end: int, surface: str) -> bool:
    """A Latin surface must not run into letters around it, nor into digits where it
    begins or ends with one ("XHMH" is not in "XHMH2"; "19:30Paper Lanterns" holds one)."""
    if not surface.isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "

    def clash(ch: str, edge: str) -> bool:
        return ch.isascii() and (ch.isalpha() or (ch.isdigit() and edge.isdigit()))

    return not clash(before, surface[0]) and not clash(after, surface[-1])


def find_mentions(world: World, user: User, text: str, zones: bool = False) -> list[Mention]:
    """The longest non-overlapping surfaces of `text`, left to right. Price-zone names
    ("Standard", "VIP") are common words: they count only with `zones` (an event request)."""
    table: Surfaces = {
        k: v for k, v in world_surfaces(world, user.city_id).items() if zones or set(v) != {"zone"}
    }
    for a in user.attendees:  # the cached table stays untouched: copy what changes
        key = a.name.strip().lower()
        inner: dict[Kind, set[str]] = {k: set(v) for k, v in table.get(key, {}).items()}
        inner.setdefault("attendee", set()).add(a.id)
        table[key] = inner
    low = text.lower()
    found: list[tuple[int, int, str]] = []
    for surface in table:
        at = low.find(surface)
        while at >= 0:
            end = at + len(surface)
            if _word_ok(low, at, end, surface):
                found.append((at, end, surface))
            at = low.find(surface, at + 1)
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken = [False] * len(text)
    out: list[Mention] = []
    for start, end, surface in found:
        if any(taken[start:end]):
            continue
        for i in range(start, end):
            taken[i] = True
        names = {k: frozenset(v) for k, v in table[surface].items()}
        out.append(Mention(names, start, end, text[start:end]))
    return sorted(out, key=lambda m: m.start)
