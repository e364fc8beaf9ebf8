"""Seat maps parsed from a hall layout, and the compact text grid agents read.

Seat ids are "ROW-NUM": the row is 1-based from the front (screen side); the number is
1-based from the left and counts every non-aisle character of the row, broken seats
included, so numbers never shift when a seat breaks. A *block* is a run of seats between
aisles or row ends. Couple seats ('C') pair up left to right inside a block.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from harness.env.models import AISLE, BROKEN, SEAT_CHARS, Hall, SeatType


@dataclass(frozen=True, slots=True)
class Seat:
    """One numbered position of a hall (a broken seat is still a seat with a number)."""

    id: str
    row: int  # 1-based, front first
    number: int  # 1-based, aisles not counted
    col: int  # 0-based character index in the layout row
    type: SeatType | None  # None for a broken seat
    block: int  # index of the aisle-bounded block within the row, 0-based

    @property
    def broken(self) -> bool:
        return self.type is None


@dataclass(frozen=True, slots=True)
class SeatMap:
    """A parsed hall layout; build it with `seat_map(hall)` (cached per hall)."""

    hall_id: str
    layout: tuple[str, ...]
    seats: Mapping[str, Seat]
    # rows[r-1][b] is the tuple of seat ids of block b of row r, left to right.
    rows: tuple[tuple[tuple[str, ...], ...], ...]
    couple_partner: Mapping[str, str]  # couple seat -> its pair partner (both directions)
    # companion seat -> the wheelchair seats right next to it in its block
    companion_of: Mapping[str, tuple[str, ...]]
    broken: frozenset[str]
    width: int = field(default=0)  # longest row in characters
    aisle_side: frozenset[str] = frozenset()  # seats with an aisle right next to them

    def seat(self, seat_id: str) -> Seat | None:
        return self.seats.get(seat_id)

    def block_of(self, seat_id: str) -> tuple[str, ...]:
        s = self.seats[seat_id]
        return self.rows[s.row - 1][s.block]

    @property
    def n_rows(self) -> int:
        return len(self.rows)


def parse_layout(hall_id: str, layout: tuple[str, ...]) -> SeatMap:
    """Parse a layout (one string per row; see `models.SEAT_CHARS`) into a `SeatMap`."""
    seats: dict[str, Seat] = {}
    rows: list[tuple[tuple[str, ...], ...]] = []
    partner: dict[str, str] = {}
    companion: dict[str, tuple[str, ...]] = {}
    broken: set[str] = set()
    for r, line in enumerate(layout, start=1):
        blocks: list[tuple[str, ...]] = []
        current: list[str] = []
        number = 0
        for col, ch in enumerate(line):
            if ch == AISLE:
                if current:
                    blocks.append(tuple(current))
                    current = []
                continue
            if ch != BROKEN and ch not in SEAT_CHARS:
                raise ValueError(f"hall {hall_id}: unknown layout character {ch!r} in row {r}")
            number += 1
            sid = f"{r}-{number}"
            seat_type = None if ch == BROKEN else SEAT_CHARS[ch]
            seats[sid] = Seat(sid, r, number, col, seat_type, len(blocks))
            if seat_type is None:
                broken.add(sid)
            current.append(sid)
        if current:
            blocks.append(tuple(current))
        rows.append(tuple(blocks))
        for block in blocks:
            pending: str | None = None  # an unpaired couple seat waiting for its right half
            for i, sid in enumerate(block):
                st = seats[sid].type
                if st == "couple":
                    if pending is None:
                        pending = sid
                    else:
                        partner[pending] = sid
                        partner[sid] = pending
                        pending = None
                else:
                    pending = None
                if st == "companion":
                    near = [
                        block[j]
                        for j in (i - 1, i + 1)
                        if 0 <= j < len(block) and seats[block[j]].type == "wheelchair"
                    ]
                    if near:
                        companion[sid] = tuple(near)
    return SeatMap(
        hall_id=hall_id,
        layout=layout,
        seats=MappingProxyType(seats),
        rows=tuple(rows),
        couple_partner=MappingProxyType(partner),
        companion_of=MappingProxyType(companion),
        broken=frozenset(broken),
        width=max((len(x) for x in layout), default=0),
        aisle_side=frozenset(
            sid
            for sid, seat in seats.items()
            if any(
                0 <= c < len(layout[seat.row - 1]) and layout[seat.row - 1][c] == AISLE
                for c in (seat.col - 1, seat.col + 1)
            )
        ),
    )


@lru_cache(maxsize=4096)
def _cached(hall_id: str, layout: tuple[str, ...]) -> SeatMap:
    return parse_layout(hall_id, layout)


def seat_map(hall: Hall) -> SeatMap:
    """The `SeatMap` of a hall, parsed once per (hall id, layout) and cached."""
    return _cached(hall.id, hall.layout)


# Grid glyphs for free seats by type; taken/broken/selected have their own glyph.
FREE_GLYPH: Mapping[SeatType, str] = MappingProxyType(
    {"standard": "o", "vip": "V", "couple": "C", "wheelchair": "W", "companion": "P"}
)
TAKEN, BROKEN_GLYPH, SELECTED = "x", "#", "*"
LEGEND = (
    "Legend: o free, V free VIP, C free couple (sold as pairs), W free wheelchair, "
    "P free companion (only with its wheelchair seat), x sold/held, # broken, * selected. "
    "Row 1 is nearest the screen. Each block starts with its seat numbers (3~8 = seats 3 to "
    "8; aisles '|' are not numbered). Seat id = ROW-NUMBER, e.g. 5-7 = row 5, seat 7."
)


def render_grid(
    sm: SeatMap,
    unavailable: Collection[str],
    selected: Collection[str] = (),
    legend: bool = True,
) -> str:
    """A compact text grid of the hall: one line per row, blocks split by '|'.

    Example line: ` 5 | 1~4 o o x x | 5~12 o V V V V o o x | 13~16 o o o o`.
    """
    lines: list[str] = [LEGEND] if legend else []
    lines.append("SCREEN")
    pad = len(str(sm.n_rows))
    for r, blocks in enumerate(sm.rows, start=1):
        parts: list[str] = []
        for block in blocks:
            glyphs: list[str] = []
            for sid in block:
                seat = sm.seats[sid]
                if sid in selected:
                    glyphs.append(SELECTED)
                elif seat.type is None:
                    glyphs.append(BROKEN_GLYPH)
                elif sid in unavailable:
                    glyphs.append(TAKEN)
                else:
                    glyphs.append(FREE_GLYPH[seat.type])
            first = sm.seats[block[0]].number
            last = sm.seats[block[-1]].number
            parts.append(f"{first}~{last} " + " ".join(glyphs))
        lines.append(f"{r:>{pad}} | " + " | ".join(parts) if parts else f"{r:>{pad}} |")
    return "\n".join(lines)


def recommend_seats(
    sm: SeatMap,
    unavailable: Collection[str],
    count: int,
    preference: str = "centre",
    limit: int = 3,
) -> list[list[str]]:
    """Ranked seat selections obeying every seat rule; see `recommend.recommend_seats`."""
    from harness.env.recommend import recommend_seats as _recommend  # local: recommend uses rules

    return _recommend(sm, unavailable, count, preference, limit)
