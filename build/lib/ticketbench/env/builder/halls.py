"""Hall seat maps and base-world occupancy.

Layout rules (see ticketbench.env.models): one string per row, front row first; '_' is an
aisle, 'X' a broken seat. Seat ids are "ROW-NUM": 1-based row, 1-based number counting
every non-aisle character of the row (broken seats keep their number). A contiguous run
of 'C' has even length and pairs left to right; every 'W' has a 'P' right next to it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ticketbench.env.models import AISLE, BROKEN


def seat_list(layout: tuple[str, ...]) -> list[tuple[str, str, int, int]]:
    """Every numbered seat of a layout as (seat id, layout char, row index, column index)."""
    out: list[tuple[str, str, int, int]] = []
    for r, row in enumerate(layout):
        num = 0
        for c, ch in enumerate(row):
            if ch == AISLE:
                continue
            num += 1
            out.append((f"{r + 1}-{num}", ch, r, c))
    return out


def _blocks(widths: list[int]) -> str:
    return AISLE.join("S" * w for w in widths)


def make_layout(rng: random.Random, rows: int, seats: int) -> tuple[str, ...]:
    """A realistic seat map with `rows` rows of about `seats` seats.

    Wide halls get two aisles (left, centre, right blocks), narrow ones one. Some halls
    get VIP centre rows, a back row of couple seats, wheelchair bays and broken seats.
    """
    if seats <= 12:
        left = seats // 2 + rng.choice((-1, 0, 0))
        widths = [left, seats - left]
    else:
        side = rng.randint(3, 5) if seats < 20 else rng.randint(4, 6)
        widths = [side, seats - 2 * side, side]
    grid: list[list[str]] = []
    for r in range(rows):
        ws = list(widths)
        if r == 0 and rows >= 9:
            ws[0] -= 1  # the front row curves in at the walls
            ws[-1] -= 1
        row = list(_blocks(ws))
        if ws != widths:
            row = [AISLE, *row, AISLE]
        grid.append(row)
    centre = len(widths) // 2
    start = sum(widths[:centre]) + centre  # column where the centre block begins
    if rows >= 8 and len(widths) == 3 and rng.random() < 0.6:
        first = round(rows * 0.5)
        for r in range(first, first + rng.randint(2, 3)):
            for c in range(start, start + widths[centre]):
                grid[r][c] = "V"
    if rng.random() < 0.45:
        _couple_row(grid[-1])
    if rng.random() < 0.7:
        _wheelchair(grid[0] if rng.random() < 0.5 else grid[-2 if rows > 6 else -1], rng)
    if rng.random() < 0.3:
        cells = [(r, c) for r, row in enumerate(grid) for c, ch in enumerate(row) if ch in "SV"]
        for r, c in rng.sample(cells, rng.randint(1, 3)):
            grid[r][c] = BROKEN
    return tuple("".join(row) for row in grid)


def _couple_row(row: list[str]) -> None:
    """Turn a row into couple seats, trimming an outer seat off odd-width blocks."""
    runs: list[tuple[int, int]] = []
    c = 0
    while c < len(row):
        if row[c] == AISLE:
            c += 1
            continue
        s = c
        while c < len(row) and row[c] != AISLE:
            c += 1
        runs.append((s, c))
    for i, (s, e) in enumerate(runs):
        if (e - s) % 2:
            # trim on the wall side so the block stays against the aisle
            if i == 0:
                row[s] = AISLE
                s += 1
            else:
                row[e - 1] = AISLE
                e -= 1
        for c in range(s, e):
            row[c] = "C"


def _wheelchair(row: list[str], rng: random.Random) -> None:
    """Put one or two wheelchair bays (a 'W' plus companion 'P') at the row's outer ends."""
    cols = [c for c, ch in enumerate(row) if ch == "S"]
    if len(cols) < 6:
        return
    row[cols[0]], row[cols[1]] = "W", "P"
    if rng.random() < 0.5:
        row[cols[-2]], row[cols[-1]] = "P", "W"


# Party sizes of buyers: mostly pairs, some singles, threes and fours.
_GROUP_SIZES = (1, 1, 2, 2, 2, 2, 2, 3, 3, 4, 4)


@dataclass
class HallGrid:
    """Per-hall data precomputed once so thousands of showtimes can be filled quickly."""

    ids: list[str]
    sellable: list[bool]
    good: list[float]  # how attractive the seat is, about 0..1.3
    left: list[int]  # neighbour index in the same block, or -1
    right: list[int]
    partner: list[int]  # the other half of a couple pair, or -1
    n_sellable: int
    seat_types: frozenset[str]  # layout characters present, e.g. {"S", "V", "C"}


def hall_grid(layout: tuple[str, ...]) -> HallGrid:
    """Precompute seat attractiveness, neighbours and couple pairs for a layout."""
    seats = seat_list(layout)
    n = len(seats)
    rows = len(layout)
    at = {(r, c): i for i, (_, _, r, c) in enumerate(seats)}
    left = [at.get((r, c - 1), -1) for _, _, r, c in seats]
    right = [at.get((r, c + 1), -1) for _, _, r, c in seats]
    partner = [-1] * n
    for i, (_, ch, _, _) in enumerate(seats):
        if ch == "C" and partner[i] < 0 and right[i] >= 0 and seats[right[i]][1] == "C":
            partner[i], partner[right[i]] = right[i], i
    good: list[float] = []
    for _, ch, r, c in seats:
        row = layout[r]
        lo = len(row) - len(row.lstrip(AISLE))
        hi = len(row.rstrip(AISLE)) - 1
        mid = (lo + hi) / 2
        half = max(1.0, (hi - lo) / 2)
        depth = r / max(1, rows - 1)
        g = 0.55 * (1 - min(1.0, abs(depth - 0.62) * 1.6)) + 0.45 * (1 - abs(c - mid) / half)
        if ch == "V":
            g += 0.15
        elif ch in "WP":
            g -= 0.6  # bays go to those who need them; rarely sold otherwise
        good.append(g)
    sellable = [ch != BROKEN for _, ch, _, _ in seats]
    return HallGrid(
        ids=[s[0] for s in seats],
        sellable=sellable,
        good=good,
        left=left,
        right=right,
        partner=partner,
        n_sellable=sum(sellable),
        seat_types=frozenset(ch for _, ch, _, _ in seats),
    )


def pick_sold(grid: HallGrid, fraction: float, rng: random.Random) -> frozenset[str]:
    """Seats sold in the base world: about `fraction` of the sellable seats.

    Buyers come in groups of 1-4 sitting together and prefer the centre, so sales
    cluster in the middle and leave scattered singles and edges; 1.0 is a sell-out.
    """
    target = round(grid.n_sellable * fraction)
    if target <= 0:
        return frozenset()
    if target >= grid.n_sellable:
        return frozenset(i for i, ok in zip(grid.ids, grid.sellable, strict=True) if ok)
    n = len(grid.ids)
    rand = rng.random
    keys = [g + 0.7 * rand() for g in grid.good]
    order = sorted(range(n), key=keys.__getitem__, reverse=True)
    sold = [False] * n
    taken: list[int] = []
    free = grid.sellable
    partner = grid.partner

    def take(i: int) -> int:
        sold[i] = True
        taken.append(i)
        p = partner[i]
        if p >= 0 and not sold[p]:
            sold[p] = True
            taken.append(p)
            return 2
        return 1

    for i in order:
        if len(taken) >= target:
            break
        if sold[i] or not free[i]:
            continue
        size = _GROUP_SIZES[int(rand() * len(_GROUP_SIZES))]
        got = take(i)
        lo = hi = i
        while got < size:
            nxt = grid.right[hi]
            if nxt >= 0 and free[nxt] and not sold[nxt]:
                hi = nxt
                got += take(nxt)
                continue
            nxt = grid.left[lo]
            if nxt >= 0 and free[nxt] and not sold[nxt]:
                lo = nxt
                got += take(nxt)
                continue
            break
    return frozenset(grid.ids[i] for i in taken)
