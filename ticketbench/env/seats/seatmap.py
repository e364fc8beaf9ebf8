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
from typing import NamedTuple

from ticketbench.env.models import AISLE, BROKEN, SEAT_CHARS, Hall, SeatType


class Seat(NamedTuple):
    """One numbered position of a hall (a broken seat is still a seat with a number).

    Immutable; a NamedTuple because a hall's seats are built on every cold seat map and
    a frozen dataclass costs several times more to construct.
    """

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
    # The grid with every seat free (no legend, ASCII) and each seat's glyph offset in it:
    # rendering patches a copy instead of formatting every seat on every call.
    grid: bytes = field(default=b"", compare=False, repr=False)
    grid_pos: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    # Tables derived from the layout alone, built on first use (e.g. the ranked seat runs
    # of `recommend.py`); the map is shared by every episode, so each is built once.
    derived: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def seat(self, seat_id: str) -> Seat | None:
        return self.seats.get(seat_id)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def in_centre(self, seat_id: str) -> bool:
        """Is the seat in the middle third of its row (what "centre seats" means)?"""
        s = self.seats[seat_id]
        row = self.layout[s.row - 1]
        return len(row) / 3 <= s.col < 2 * len(row) / 3


def parse_layout(hall_id: str, layout: tuple[str, ...]) -> SeatMap:
    """Parse a layout (one string per row; see `models.SEAT_CHARS`) into a `SeatMap`."""
    seats: dict[str, Seat] = {}
    rows: list[tuple[tuple[str, ...], ...]] = []
    partner: dict[str, str] = {}
    companion: dict[str, tuple[str, ...]] = {}
    broken: set[str] = set()
    aisle_side: set[str] = set()
    for r, line in enumerate(layout, start=1):
        blocks: list[tuple[str, ...]] = []
        current: list[str] = []
        number = 0
        last = len(line) - 1
        for col, ch in enumerate(line):
            if ch == AISLE:
                if current:
                    blocks.append(tuple(current))
                    current = []
                continue
            if ch == BROKEN:
                seat_type: SeatType | None = None
            elif ch in SEAT_CHARS:
                seat_type = SEAT_CHARS[ch]
            else:
                raise ValueError(f"hall {hall_id}: unknown layout character {ch!r} in row {r}")
            number += 1
            sid = f"{r}-{number}"
            seats[sid] = Seat(sid, r, number, col, seat_type, len(blocks))
            if (col > 0 and line[col - 1] == AISLE) or (col < last and line[col + 1] == AISLE):
                aisle_side.add(sid)
            if seat_type is None:
                broken.add(sid)
            current.append(sid)
        if current:
            blocks.append(tuple(current))
        rows.append(tuple(blocks))
        if "C" not in line and "P" not in line:
            continue  # no couple or companion seats: nothing to pair in this row
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
    grid, grid_pos = _grid_template(seats, rows)
    return SeatMap(
        hall_id=hall_id,
        layout=layout,
        seats=MappingProxyType(seats),
        rows=tuple(rows),
        couple_partner=MappingProxyType(partner),
        companion_of=MappingProxyType(companion),
        broken=frozenset(broken),
        width=max((len(x) for x in layout), default=0),
        aisle_side=frozenset(aisle_side),
        grid=grid,
        grid_pos=MappingProxyType(grid_pos),
    )


def _grid_template(
    seats: Mapping[str, Seat], rows: list[tuple[tuple[str, ...], ...]]
) -> tuple[bytes, dict[str, int]]:
    """The all-free grid of `render_grid` (no legend) and the offset of each seat's glyph."""
    out = ["SCREEN"]
    pos: dict[str, int] = {}
    offset = len("SCREEN") + 1
    pad = len(str(len(rows)))
    for r, blocks in enumerate(rows, start=1):
        line = f"{r:>{pad}} |"
        for i, block in enumerate(blocks):
            line += " " if i == 0 else " | "
            line += f"{seats[block[0]].number}~{seats[block[-1]].number}"
            for sid in block:
                seat = seats[sid]
                line += " "
                pos[sid] = offset + len(line)
                line += BROKEN_GLYPH if seat.type is None else FREE_GLYPH[seat.type]
        out.append(line)
        offset += len(line) + 1
    return "\n".join(out).encode("ascii"), pos


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
_TAKEN_BYTE, _SELECTED_BYTE = ord(TAKEN), ord(SELECTED)
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
    Selected seats show '*', then broken '#', then sold/held 'x', else the free glyph.
    """
    buf = bytearray(sm.grid)  # the all-free grid; patch the glyphs that differ
    pos = sm.grid_pos
    broken = sm.broken
    for sid in unavailable:
        i = pos.get(sid)
        if i is not None and sid not in broken:
            buf[i] = _TAKEN_BYTE
    for sid in selected:
        i = pos.get(sid)
        if i is not None:
            buf[i] = _SELECTED_BYTE
    text = buf.decode("ascii")
    return f"{LEGEND}\n{text}" if legend else text
