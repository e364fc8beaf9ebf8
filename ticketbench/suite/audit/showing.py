"""What one showtime sells now, by brute force: every run of `count` adjacent seats of one
block (and the exact seats, if the user named some) that the env's rules sell, what a run
costs under every member card / coupon combination the env's pricing accepts, and whether
a run is the seats the user asked for.

The seats a request allows (the audit's own reading; the spec must agree with it): a run
the user did not describe otherwise is standard, VIP or couple seats (never a wheelchair
space or companion seat); "together" is one run; "centre" is the middle third of the
hall's rows and of the row's columns; "aisle" has a seat at a block end; "the last N rows"
and "row N" are what they say; a couple-seat request is couple seats only; a wheelchair
request is one wheelchair space and companion seats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ticketbench.env import orders
from ticketbench.env.models import Coupon, MemberCard, Showtime
from ticketbench.env.orders.pricing import build_quote, seat_items
from ticketbench.env.rules import check_movie_selection
from ticketbench.env.seats.seatmap import SeatMap
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.suite.audit.reading import Part

GENERAL = frozenset({"standard", "vip", "couple"})
Combo = tuple[str | None, str | None]  # (card id, coupon id)


@dataclass(frozen=True)
class Option:
    """One purchase the world offers: showtime, seats, card, coupon and total."""

    showtime_id: str
    seats: tuple[str, ...]
    card_id: str | None
    coupon_id: str | None
    total: int

    def describe(self) -> str:
        money = f"¥{self.total // 100}.{self.total % 100:02d}"
        disc = ", ".join(x for x in (self.card_id, self.coupon_id) if x) or "no discount"
        return f"{self.showtime_id} seats {','.join(self.seats)} ({disc}) at {money}"


_RUNS: dict[tuple[tuple[str, ...], int], tuple[tuple[str, ...], ...]] = {}


def _runs(sm: SeatMap, count: int) -> tuple[tuple[str, ...], ...]:
    """Every run of `count` adjacent seats of one block (broken seats excluded); they
    depend on the layout only, so they are kept per layout and count."""
    hit = _RUNS.get((sm.layout, count))
    if hit is not None:
        return hit
    out: list[tuple[str, ...]] = []
    for blocks in sm.rows:
        for block in blocks:
            for i in range(len(block) - count + 1):
                run = block[i : i + count]
                if not any(s in sm.broken for s in run):
                    out.append(run)
    hit = _RUNS[(sm.layout, count)] = tuple(out)
    return hit


def run_types(sm: SeatMap, seats: Sequence[str]) -> tuple[str, ...]:
    """The seat types of a run, sorted: all a run's price depends on."""
    return tuple(sorted(str(sm.seats[s].type) for s in seats))


@dataclass
class Showing:
    """One showtime now: its seat map, the unavailable seats and the runs the env sells."""

    st: Showtime
    sm: SeatMap
    unavailable: frozenset[str]
    runs: list[tuple[str, ...]] = field(default_factory=list)


def showing(env: TicketEnv, st: Showtime, count: int, exact: Sequence[str]) -> Showing:
    """The runs of `count` seats (and the exact seats) the env's rules sell now."""
    sm, unavailable = orders.seat_availability(env, st.id)
    cands: list[tuple[str, ...]] = list(_runs(sm, count))
    if exact and all(s in sm.seats for s in exact):
        wanted = tuple(sorted(exact, key=lambda s: (sm.seats[s].row, sm.seats[s].number)))
        if wanted not in cands:
            cands.append(wanted)
    sold = Showing(st, sm, unavailable)
    for run in cands:
        if any(s in unavailable for s in run):
            continue
        try:
            check_movie_selection(sm, unavailable, run)
        except EnvError:
            continue
        sold.runs.append(run)
    return sold


def wish_problems(part: Part, sm: SeatMap, run: Sequence[str]) -> list[str]:
    """Why a run is not what the user asked for (empty: it is; see the module docstring)."""
    w = part.seats
    info = [sm.seats[s] for s in run]
    kinds = [str(s.type) for s in info]
    why: list[str] = []
    if w.exact and sorted(run) != sorted(w.exact):
        why.append(f"not the seats named ({', '.join(w.exact)})")
    if w.wheelchair:
        if kinds.count("wheelchair") != 1 or any(
            k not in ("wheelchair", "companion") for k in kinds
        ):
            why.append("not one wheelchair space with companion seats")
    elif w.couple:
        if any(k != "couple" for k in kinds):
            why.append("not couple seats")
    elif w.standard_only:
        if any(k != "standard" for k in kinds):
            why.append("not standard seats")
    elif not w.exact and any(k not in GENERAL for k in kinds):
        why.append("a wheelchair space or companion seat, which nobody asked for")
    if w.together and len(run) > 1:
        rows = {(s.row, s.block) for s in info}
        nums = sorted(s.number for s in info)
        if len(rows) != 1 or nums != list(range(nums[0], nums[0] + len(nums))):
            why.append("not together")
    if w.row is not None and any(s.row != w.row for s in info):
        why.append(f"not in row {w.row}")
    if w.last_rows is not None and any(s.row <= sm.n_rows - w.last_rows for s in info):
        why.append(f"not in the last {w.last_rows} rows")
    if w.centre:
        for s in info:
            width = len(sm.layout[s.row - 1])
            if not (sm.n_rows / 3 <= s.row - 1 < 2 * sm.n_rows / 3) or not (
                width / 3 <= s.col < 2 * width / 3
            ):
                why.append("not in the middle of the hall")
                break
    if w.aisle:
        blocks = sm.rows[info[0].row - 1]
        ends = {b[0] for b in blocks} | {b[-1] for b in blocks}
        if not any(s in ends for s in run):
            why.append("no aisle seat")
    return why


def wish_ok(part: Part, sm: SeatMap, run: Sequence[str]) -> bool:
    """Whether a run is what the user asked for."""
    return not wish_problems(part, sm, run)


def _coupons_in_use(env: TicketEnv) -> set[str]:
    return {o.coupon_id for o in env.user_orders() if o.status == "pending_payment" and o.coupon_id}


def prices(env: TicketEnv, sh: Showing, run: Sequence[str]) -> dict[Combo, int]:
    """The total of `run` under every card / coupon combination the env's pricing accepts."""
    user = env.user()
    cinema = env.world.cinemas[sh.st.cinema_id]
    items = seat_items(sh.sm, sh.st, run)
    busy = _coupons_in_use(env)
    cards: list[MemberCard | None] = [None, *user.member_cards]
    coupons: list[Coupon | None] = [None, *(c for c in user.coupons if c.id not in busy)]
    out: dict[Combo, int] = {}
    for card in cards:
        for coupon in coupons:
            try:
                q = build_quote(
                    "movie", items, cinema.service_fee_fen, env.now,
                    brand_en=cinema.brand_en, card=card, coupon=coupon,
                )  # fmt: skip
            except EnvError:
                continue
            out[(card.id if card else None, coupon.id if coupon else None)] = q.total_fen
    return out


def sales_open(st: Showtime, now: datetime) -> bool:
    """The env's sales window of a showtime (strictly before the cut-off)."""
    return now < st.start - timedelta(minutes=st.sales_cutoff_min)
