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

from ticketbench.env.models import SeatType
from ticketbench.env.rules import MOVIE_ORDER_LIMIT, check_special_seats, stranded_seats
from ticketbench.env.seats.seatmap import SeatMap
from ticketbench.env.toolkit import EnvError

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


def _valid(sm: SeatMap, unavailable: Collection[str], seats: tuple[str, ...], pref: str) -> bool:
    if pref == "wheelchair" and not any(sm.seats[s].type == "wheelchair" for s in seats):
        return False
    try:
        check_special_seats(sm, seats)
    except EnvError:
        return False
    return not stranded_seats(sm, unavailable, seats)


# (seats, block, index of the first seat in the block) of one candidate run.
_Run = tuple[tuple[str, ...], tuple[str, ...], int]


def _row_runs(
    sm: SeatMap, r: int, blocked: Collection[str], size: int, score: _Scorer
) -> Iterator[tuple[Score, _Run]]:
    """Runs of `size` adjacent free seats of allowed types in row `r`, with their keys.

    Inlined `_Scorer.window` (same arithmetic, so the same floats). Keys end with
    (row, first seat number), so they are unique: no ties to break.
    """
    pref = score.pref
    types = _ALLOWED.get(pref, _DEFAULT_TYPES)
    seats, aisle = sm.seats, sm.aisle_side
    mid, col_norm = score.mid, score.col_norm
    row_cost = abs(r - score.ideal) / score.row_norm
    fr = float(r)
    for block in sm.rows[r - 1]:
        run = 0
        for i, sid in enumerate(block):
            x = seats[sid]
            run = run + 1 if x.type in types and sid not in blocked else 0
            if run < size:
                continue
            j = i - size + 1
            first = seats[block[j]]
            c = round(abs((first.col + x.col) / 2 - mid) / col_norm + row_cost, 6)
            tie = (fr, float(first.number))
            if pref == "front":
                k: Score = (fr, c, *tie)
            elif pref == "back":
                k = (-fr, c, *tie)
            elif pref == "aisle":
                k = (0.0 if block[j] in aisle or sid in aisle else 1.0, c, *tie)
            else:
                k = (c, *tie)
            yield k, (block[j : i + 1], block, j)


def _ranked_runs(
    sm: SeatMap, blocked: Collection[str], size: int, score: _Scorer
) -> list[tuple[str, ...]]:
    """Every run of `size` adjacent free seats of allowed types in one block, best first."""
    keyed = [kr for r in range(1, sm.n_rows + 1) for kr in _row_runs(sm, r, blocked, size, score)]
    keyed.sort(key=lambda kr: kr[0])
    return [run[0] for _, run in keyed]


def _row_plan(sm: SeatMap, score: _Scorer) -> tuple[list[int], list[Score] | None]:
    """Rows in the order their runs can rank, and a lower bound on the key of any run in
    that row or a later one (None: no bound, visit every row)."""
    rows = list(range(1, sm.n_rows + 1))
    if score.pref == "front":
        return rows, [(float(r),) for r in rows]
    if score.pref == "back":
        rows.reverse()
        return rows, [(-float(r),) for r in rows]
    if score.pref == "aisle":
        return rows, None
    # centre-like keys start with round(col cost + row cost, 6) >= round(row cost, 6)
    costs = {r: round(abs(r - score.ideal) / score.row_norm, 6) for r in rows}
    rows.sort(key=lambda r: (costs[r], r))
    return rows, [(costs[r],) for r in rows]


def _strands(blocked: Collection[str], block: tuple[str, ...], i: int, size: int) -> bool:
    """Whether the free run block[i:i+size] leaves a single empty seat next to it.

    Only the seats just outside the run can become single gaps (`stranded_seats` for a
    run of free seats, blocked including broken seats).
    """
    left, right = i - 1, i + size
    if left >= 0 and block[left] not in blocked and (left == 0 or block[left - 1] in blocked):
        return True
    last = len(block) - 1
    return (
        right <= last
        and block[right] not in blocked
        and (right == last or block[right + 1] in blocked)
    )


def rank_selections(
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
    # Seat availability already includes the broken seats: no need to copy the set.
    blocked: frozenset[str] | set[str]
    if isinstance(unavailable, frozenset | set) and sm.broken <= unavailable:
        blocked = unavailable
    else:
        blocked = set(unavailable) | sm.broken
    score = _Scorer(sm, preference)
    special = types is not _DEFAULT_TYPES  # standard/VIP runs never break couple/companion rules
    # Best-first over rows: stop once `limit` valid runs all rank before anything the
    # remaining rows could offer (validity of a run does not depend on other runs).
    rows, bounds = _row_plan(sm, score)
    found: list[tuple[Score, tuple[str, ...]]] = []
    for pos, r in enumerate(rows):
        for key, (w, block, i) in _row_runs(sm, r, blocked, count, score):
            if _strands(blocked, block, i, count):
                continue
            if special and not _valid(sm, blocked, w, preference):
                continue
            found.append((key, w))
        if bounds is not None and len(found) >= limit and pos + 1 < len(rows):
            found.sort(key=lambda kw: kw[0])
            if found[limit - 1][0] < bounds[pos + 1]:
                break
    found.sort(key=lambda kw: kw[0])
    out = [list(w) for _, w in found[:limit]]
    if out or preference in ("together", "couple") or count < 2:
        return out
    return _split(sm, set(blocked), count, score, limit)


def _split(
    sm: SeatMap,
    blocked: set[str],
    count: int,
    score: _Scorer,
    limit: int,
    per_size: int = 12,
) -> list[list[str]]:
    """Selections made of two runs in the same or neighbouring rows (fallback)."""
    best: dict[int, list[tuple[str, ...]]] = {}
    for size in range(1, count):
        best[size] = _ranked_runs(sm, blocked, size, score)[:per_size]
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
