"""Smart seat recommendation: ranked selections that obey every seat rule.

Candidates are runs of adjacent free seats inside one aisle-bounded block. Only when no
such run exists (and the preference is not "together" or "couple") are selections made
of two runs in the same or neighbouring rows offered. A candidate never breaks the
no-single-gap rule, the couple-pair rule or the companion rule.

Seat types by preference: "couple" uses couple seats only, in whole pairs (even count);
"wheelchair" selections contain a wheelchair seat and may add its companion seat and
standard/VIP seats; every other preference uses standard and VIP seats only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Literal, get_args

from harness.env.models import SeatType
from harness.env.rules import MOVIE_ORDER_LIMIT, check_special_seats, stranded_seats
from harness.env.seatmap import SeatMap
from harness.env.toolkit import EnvError

Preference = Literal["centre", "aisle", "front", "back", "together", "couple", "wheelchair"]
PREFERENCES: tuple[str, ...] = get_args(Preference)
_ALLOWED: dict[str, frozenset[SeatType]] = {
    "couple": frozenset({"couple"}),
    "wheelchair": frozenset({"wheelchair", "companion", "standard", "vip"}),
}
_DEFAULT_TYPES: frozenset[SeatType] = frozenset({"standard", "vip"})
Score = tuple[float, ...]


class _Scorer:
    """Ranking keys (lower is better); constants computed once per recommendation."""

    def __init__(self, sm: SeatMap, preference: str) -> None:
        self.sm = sm
        self.pref = preference
        self.mid = (sm.width - 1) / 2
        self.ideal = 1 + (sm.n_rows - 1) * 0.6  # best row: about 60% of the way back
        self.col_norm = max(self.mid, 1.0)
        self.row_norm = max(sm.n_rows - 1, 1)

    def centre(self, seats: tuple[str, ...]) -> float:
        """Distance of the selection's middle from the best spot of the hall."""
        info = [self.sm.seats[s] for s in seats]
        col = sum(x.col for x in info) / len(info)
        row = sum(x.row for x in info) / len(info)
        cost = abs(col - self.mid) / self.col_norm + abs(row - self.ideal) / self.row_norm
        return round(cost, 6)

    def window(self, seats: tuple[str, ...]) -> Score:
        """Key of a run inside one block: its middle is halfway between its ends (fast)."""
        first = self.sm.seats[seats[0]]
        last = self.sm.seats[seats[-1]]
        col = (first.col + last.col) / 2
        centre = abs(col - self.mid) / self.col_norm + abs(first.row - self.ideal) / self.row_norm
        return self._key(seats, first.row, first.number, round(centre, 6))

    def __call__(self, seats: tuple[str, ...]) -> Score:
        first = self.sm.seats[seats[0]]
        return self._key(seats, first.row, first.number, self.centre(seats))

    def _key(self, seats: tuple[str, ...], row: int, number: int, centre: float) -> Score:
        tie = (float(row), float(number))
        if self.pref == "front":
            return (float(row), centre, *tie)
        if self.pref == "back":
            last_row = max(self.sm.seats[s].row for s in seats)
            return (-float(last_row), centre, *tie)
        if self.pref == "aisle":
            touches = seats[0] in self.sm.aisle_side or seats[-1] in self.sm.aisle_side
            return (0.0 if touches else 1.0, centre, *tie)
        return (centre, *tie)


def _windows(
    sm: SeatMap, free: Collection[str], size: int, types: frozenset[SeatType]
) -> Iterator[tuple[str, ...]]:
    """Every run of `size` adjacent free seats of allowed types inside one block."""
    for blocks in sm.rows:
        for block in blocks:
            ok = [s in free and sm.seats[s].type in types for s in block]
            run = 0
            for i, good in enumerate(ok):
                run = run + 1 if good else 0
                if run >= size:
                    yield block[i - size + 1 : i + 1]


def _valid(sm: SeatMap, unavailable: Collection[str], seats: tuple[str, ...], pref: str) -> bool:
    if pref == "wheelchair" and not any(sm.seats[s].type == "wheelchair" for s in seats):
        return False
    try:
        check_special_seats(sm, seats)
    except EnvError:
        return False
    return not stranded_seats(sm, unavailable, seats)


def recommend_seats(
    sm: SeatMap,
    unavailable: Collection[str],
    count: int,
    preference: str = "centre",
    limit: int = 3,
) -> list[list[str]]:
    """Up to `limit` ranked seat selections of `count` seats (best first, deterministic).

    Preferences: centre (middle of the hall, about 60% back), aisle (next to an aisle),
    front, back, together (adjacent seats in one block, ranked like centre), couple
    (whole couple pairs only; count must be even), wheelchair (includes a wheelchair seat).
    """
    if preference not in PREFERENCES:
        raise EnvError(
            "invalid_preference",
            f"unknown preference {preference!r}; use one of {', '.join(PREFERENCES)}",
        )
    if not 1 <= count <= MOVIE_ORDER_LIMIT:
        raise EnvError("order_limit", f"count must be 1 to {MOVIE_ORDER_LIMIT}; got {count}")
    if preference == "couple" and count % 2:
        raise EnvError("couple_pair", "couple seats are sold in pairs: ask for an even count")
    types = _ALLOWED.get(preference, _DEFAULT_TYPES)
    blocked = set(unavailable) | sm.broken
    free = {s for s in sm.seats if s not in blocked}
    score = _Scorer(sm, preference)
    ranked = sorted(_windows(sm, free, count, types), key=score.window)
    out: list[list[str]] = []
    for w in ranked:
        if _valid(sm, blocked, w, preference):
            out.append(list(w))
            if len(out) == limit:
                return out
    if out or preference in ("together", "couple") or count < 2:
        return out
    return _split(sm, blocked, free, count, types, score, limit)


def _split(
    sm: SeatMap,
    blocked: set[str],
    free: set[str],
    count: int,
    types: frozenset[SeatType],
    score: _Scorer,
    limit: int,
    per_size: int = 12,
) -> list[list[str]]:
    """Selections made of two runs in the same or neighbouring rows (fallback)."""
    best: dict[int, list[tuple[str, ...]]] = {}
    for size in range(1, count):
        ws = sorted(_windows(sm, free, size, types), key=score.window)
        best[size] = ws[:per_size]
    combos: dict[tuple[str, ...], Score] = {}
    for a in range(1, count // 2 + 1):
        for wa in best[a]:
            for wb in best[count - a]:
                if set(wa) & set(wb):
                    continue
                if abs(sm.seats[wa[0]].row - sm.seats[wb[0]].row) > 1:
                    continue
                sel = tuple(sorted({*wa, *wb}, key=lambda s: (sm.seats[s].row, sm.seats[s].number)))
                if sel in combos or not _valid(sm, blocked, sel, score.pref):
                    continue
                combos[sel] = score(sel)
    ranked = sorted(combos, key=lambda s: (combos[s], s))
    return [list(s) for s in ranked[:limit]]
