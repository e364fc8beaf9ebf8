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

from collections.abc import Collection
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


# A run of adjacent seats in one block: (the block, index of the run's first seat in it).
_Run = tuple[tuple[str, ...], int]


def _ranked_runs(sm: SeatMap, size: int, pref: str) -> tuple[_Run, ...]:
    """Every run of `size` adjacent seats of the preference's types in one block, best first.

    The ranking depends on the layout alone (keys are unique: they end with row and first
    seat number), so it is built once per (seat map, size, preference) and each call only
    walks it, skipping runs that are not free: a mostly free hall yields its best runs
    after a few steps instead of a scan of every row.
    """
    if pref == "together":
        pref = "centre"  # ranked alike: only `rank_selections` treats them apart
    memo = sm.derived
    hit = memo.get((size, pref))
    if hit is not None:
        return hit  # type: ignore[return-value]
    types = _ALLOWED.get(pref, _DEFAULT_TYPES)
    score = _Scorer(sm, pref)
    seats = sm.seats
    keyed: list[tuple[Score, _Run]] = []
    for blocks in sm.rows:
        for block in blocks:
            run = 0
            for i, sid in enumerate(block):
                run = run + 1 if seats[sid].type in types else 0
                if run >= size:
                    keyed.append((score(block[i - size + 1 : i + 1]), (block, i - size + 1)))
    keyed.sort(key=lambda kr: kr[0])
    out = tuple(run for _, run in keyed)
    memo[(size, pref)] = out
    return out


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
    # Seat availability already includes the broken seats: no need to copy the set.
    blocked: frozenset[str] | set[str]
    if isinstance(unavailable, frozenset | set) and sm.broken <= unavailable:
        blocked = unavailable
    else:
        blocked = set(unavailable) | sm.broken
    # standard/VIP runs never break couple/companion rules; other types need the full check
    special = preference in _ALLOWED
    out: list[list[str]] = []
    if limit < 1:
        return out
    for block, i in _ranked_runs(sm, count, preference):
        run = block[i : i + count]
        if not blocked.isdisjoint(run) or _strands(blocked, block, i, count):
            continue
        if special and not _valid(sm, blocked, run, preference):
            continue
        out.append(list(run))
        if len(out) == limit:
            break
    if out or preference in ("together", "couple") or count < 2:
        return out
    return _split(sm, set(blocked), count, _Scorer(sm, preference), limit)


def _free_runs(
    sm: SeatMap, blocked: set[str], size: int, pref: str, n: int
) -> list[tuple[str, ...]]:
    """The `n` best runs of `size` free seats (the gap rule not applied)."""
    out: list[tuple[str, ...]] = []
    for block, i in _ranked_runs(sm, size, pref):
        run = block[i : i + size]
        if blocked.isdisjoint(run):
            out.append(run)
            if len(out) == n:
                break
    return out


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
        best[size] = _free_runs(sm, blocked, size, score.pref, per_size)
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
