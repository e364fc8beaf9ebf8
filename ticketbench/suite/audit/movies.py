"""Movie orders by brute force: every showtime, seat run and card/coupon the world offers,
kept if the request allows it, and compared with what the spec accepts.

The answer space of one showtime is every run of `count` adjacent seats of one block (and
the exact seats, if the user named some) that the env's rules sell now, times every
member card / coupon combination the env's pricing accepts. Prices depend only on the seat
types of a run, so runs are grouped by their types and priced once per group.

What a request allows (the audit's own reading, documented here because the spec must
agree with it):
- seats: a run the user did not describe otherwise is standard, VIP or couple seats (never
  a wheelchair space or companion seat); "together" is one run; "centre" is the middle
  third of the hall's rows and of the row's columns; "aisle" has a seat at a block end;
  "the last N rows" and "row N" are what they say; a couple-seat request is couple seats
  only; a wheelchair request is one wheelchair space and companion seats;
- formats: IMAX is IMAX or IMAX 3D, 3D is 3D or IMAX 3D;
- money: any card or coupon the user holds may be used unless the request names one; a
  budget bounds the total; "cheapest" keeps the lowest total over everything allowed;
- "nearest" keeps the cinemas nearest the place among those with an allowed option,
  "earliest" / "next" the earliest start with one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ticketbench.env import orders
from ticketbench.env.geo import haversine_km
from ticketbench.env.models import Coupon, MemberCard, Showtime
from ticketbench.env.orders.pricing import build_quote, seat_items
from ticketbench.env.rules import check_movie_selection
from ticketbench.env.seats.seatmap import SeatMap
from ticketbench.env.state import TicketEnv
from ticketbench.env.toolkit import EnvError
from ticketbench.suite.audit.findings import Findings, Kind, spec_for
from ticketbench.suite.audit.reading import Part, Request
from ticketbench.suite.checker import seat_rule_problems
from ticketbench.suite.spec import InfeasibleReason, OrderSpec

GENERAL = frozenset({"standard", "vip", "couple"})
FORMATS = {"IMAX": {"IMAX", "IMAX 3D"}, "3D": {"3D", "IMAX 3D"}, "DOLBY": {"DOLBY"}, "4DX": {"4DX"}}
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


def _types(sm: SeatMap, seats: Sequence[str]) -> tuple[str, ...]:
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


def described(env: TicketEnv, part: Part, st: Showtime) -> bool:
    """Whether a showtime is one the request describes (sales state aside)."""
    world = env.world
    cinema = world.cinemas[st.cinema_id]
    if part.movies and st.movie_id not in part.movies:
        return False
    if cinema.city_id != env.user().city_id:
        return False
    if part.cinemas and st.cinema_id not in part.cinemas:
        return False
    if part.brand is not None and cinema.brand_en != part.brand:
        return False
    if part.day is not None and st.start.date() != part.day:
        return False
    hm = (st.start.hour, st.start.minute)
    if part.clock is not None and hm != part.clock:
        return False
    if part.after is not None and hm < part.after:
        return False
    if part.until is not None and hm > part.until:
        return False
    if part.formats and not any(st.format in FORMATS[f] for f in part.formats):
        return False
    if part.language is not None and st.language != part.language:
        return False
    return not (part.optimum == "next" and st.start <= env.now)


@dataclass
class MovieTruth:
    """What the world allows for one movie part."""

    described: list[Showtime]
    showings: dict[str, Showing]
    allowed: dict[str, list[Option]]  # showtime -> allowed options (after optimum/budget)
    reason: InfeasibleReason | None
    before_money: dict[str, list[Option]]  # allowed before budget and optimum


def _candidates(env: TicketEnv, part: Part, fixed: Iterable[str] = ()) -> list[Showtime]:
    world = env.world
    ids = list(fixed)
    if ids:
        return [world.showtimes[i] for i in ids]
    pool: Iterable[Showtime]
    if part.movies:
        pool = (st for m in part.movies for st in world.showtimes_by_movie.get(m, ()))
    elif part.cinemas:
        pool = (st for c in part.cinemas for st in world.showtimes_by_cinema.get(c, ()))
    else:
        return []
    return sorted((st for st in pool if described(env, part, st)), key=lambda s: (s.start, s.id))


def solve_movie(
    env: TicketEnv, part: Part, budget: int | None, fixed: Iterable[str] = ()
) -> MovieTruth:
    """Every option the request allows, by brute force (see the module docstring)."""
    count = part.count or 0
    cands = _candidates(env, part, fixed)
    truth = MovieTruth(cands, {}, {}, None, {})
    open_ = [st for st in cands if sales_open(st, env.now)]
    for st in open_:
        sh = showing(env, st, count, part.seats.exact)
        truth.showings[st.id] = sh
        opts: list[Option] = []
        groups: dict[tuple[str, ...], tuple[str, ...]] = {}
        for run in sh.runs:
            if wish_ok(part, sh.sm, run):
                groups.setdefault(_types(sh.sm, run), run)
        for run in groups.values():
            for (card, coupon), total in prices(env, sh, run).items():
                if part.card_brand is not None and (
                    card is None or _card_brand(env, card) != part.card_brand
                ):
                    continue
                opts.append(Option(st.id, run, card, coupon, total))
        if opts:
            truth.before_money[st.id] = opts
    allowed = {
        sid: [o for o in opts if budget is None or o.total <= budget]
        for sid, opts in truth.before_money.items()
    }
    allowed = {k: v for k, v in allowed.items() if v}
    truth.allowed = _optimum(env, part, allowed)
    if not truth.allowed:
        if cands and not open_:
            truth.reason = "sales_closed"
        elif not truth.before_money:
            truth.reason = "not_enough_seats"
        else:
            truth.reason = "over_budget"
    return truth


def _card_brand(env: TicketEnv, card_id: str) -> str:
    return next(k.brand_en for k in env.user().member_cards if k.id == card_id)


def _optimum(
    env: TicketEnv, part: Part, allowed: dict[str, list[Option]]
) -> dict[str, list[Option]]:
    if not allowed or part.optimum is None:
        return allowed
    world = env.world
    if part.optimum == "cheapest":
        low = min(o.total for opts in allowed.values() for o in opts)
        kept = {k: [o for o in v if o.total == low] for k, v in allowed.items()}
        return {k: v for k, v in kept.items() if v}
    if part.optimum == "nearest" and part.near is not None:
        near = part.near

        def dist(sid: str) -> float:
            return round(
                haversine_km(world.cinemas[world.showtimes[sid].cinema_id].location, near), 6
            )

        best = min(dist(k) for k in allowed)
        return {k: v for k, v in allowed.items() if dist(k) <= best + 1e-6}
    if part.optimum in ("earliest", "next"):
        first = min(world.showtimes[k].start for k in allowed)
        return {k: v for k, v in allowed.items() if world.showtimes[k].start == first}
    return allowed


# --- the spec's side ------------------------------------------------------------------


def spec_seat_problems(spec: OrderSpec, sh: Showing, run: Sequence[str]) -> list[str]:
    """Why the spec refuses these seats (count, seat types, seat rule): the checker's rule."""
    why: list[str] = []
    if len(run) != spec.count:
        why.append("count")
    if spec.seat_types:
        got: dict[str, int] = {}
        for s in run:
            key = str(sh.sm.seats[s].type)
            got[key] = got.get(key, 0) + 1
        if got != dict(spec.seat_types):
            why.append("seat types")
    why += seat_rule_problems(sh.sm, spec.seats, run, set(sh.unavailable) - set(run))
    return why


def spec_money_ok(spec: OrderSpec, card: str | None, coupon: str | None, total: int) -> bool:
    """Whether the spec accepts this card, coupon and total."""
    if spec.card_id is not None and card != spec.card_id:
        return False
    if spec.coupon_id is not None and coupon != spec.coupon_id:
        return False
    if spec.no_discount and (card or coupon):
        return False
    return spec.max_total_fen is None or total <= spec.max_total_fen


def spec_options(env: TicketEnv, spec: OrderSpec, sh: Showing) -> list[Option]:
    """Every option of a showing the spec accepts (one run per seat-type group)."""
    if spec.showtime_ids and sh.st.id not in spec.showtime_ids:
        return []
    groups: dict[tuple[str, ...], tuple[str, ...]] = {}
    for run in sh.runs:
        if not spec_seat_problems(spec, sh, run):
            groups.setdefault(_types(sh.sm, run), run)
    out: list[Option] = []
    for run in groups.values():
        for (card, coupon), total in prices(env, sh, run).items():
            if spec_money_ok(spec, card, coupon, total):
                out.append(Option(sh.st.id, run, card, coupon, total))
    return out


MoneyCheck = Callable[[str, str | None, str | None, int], bool]


def compare_movie(
    env: TicketEnv,
    part: Part,
    truth: MovieTruth,
    spec: OrderSpec,
    limit: int = 3,
    money: MoneyCheck | None = None,
) -> list[tuple[Kind, str]]:
    """(kind, detail) for every disagreement between the spec and the world's options:
    first run by run (is some payment of these seats accepted / allowed?), then, for seat
    groups both accept, card and coupon combination by combination. `money(showtime, card,
    coupon, total)` is the spec's verdict on a payment (default: this spec's own fields)."""

    def own(sid: str, card: str | None, coupon: str | None, total: int) -> bool:
        return spec_money_ok(spec, card, coupon, total)

    pays = money or own
    out: list[tuple[Kind, str]] = []
    count = part.count or 0
    listed = [s for s in spec.showtime_ids if s in env.world.showtimes]
    for sid in sorted(set(listed) | set(truth.allowed)):
        if len(out) >= limit:
            break
        sh = truth.showings.get(sid)
        if sh is None:
            st = env.world.showtimes[sid]
            if not sales_open(st, env.now):
                continue  # the spec lists a showing nobody can buy: harmless
            sh = truth.showings[sid] = showing(env, st, count, part.seats.exact)
        allowed = {
            (_types(sh.sm, o.seats), o.card_id, o.coupon_id) for o in truth.allowed.get(sid, [])
        }
        allowed_types = {k[0] for k in allowed}
        listed_ok = not spec.showtime_ids or sid in spec.showtime_ids
        priced: dict[tuple[str, ...], dict[Combo, int]] = {}
        both: set[tuple[str, ...]] = set()
        for run in sh.runs:
            key = _types(sh.sm, run)
            if key not in priced:
                priced[key] = prices(env, sh, run)
            want = key in allowed_types and wish_ok(part, sh.sm, run)
            seat_ok = listed_ok and not spec_seat_problems(spec, sh, run)
            take = seat_ok and any(pays(sid, c, cp, tot) for (c, cp), tot in priced[key].items())
            if want and seat_ok:
                both.add(key)
            if want != take:
                seats = ",".join(run)
                if take:
                    paid = min(
                        (tot for (c, cp), tot in priced[key].items() if pays(sid, c, cp, tot)),
                        default=0,
                    )
                    why = "; ".join(wish_problems(part, sh.sm, run)) or (
                        f"from {_yuan(paid)}, but " + _best_allowed(truth)
                    )
                    out.append(("accepts_wrong", f"{sid}: the spec accepts seats {seats} ({why})"))
                else:
                    cheapest = min(o.total for o in truth.allowed[sid])
                    why = "; ".join(spec_seat_problems(spec, sh, run)) or (
                        "showtime not listed" if not listed_ok else "every payment refused"
                    )
                    out.append(("rejects_right", f"{sid}: seats {seats} are allowed (from "
                                f"{_yuan(cheapest)}), the spec refuses them ({why})"))  # fmt: skip
                break
        for key in sorted(both):
            for (card, coupon), total in sorted(priced[key].items(), key=lambda kv: kv[1]):
                want = (key, card, coupon) in allowed
                take = pays(sid, card, coupon, total)
                if want != take:
                    what = f"{sid} {'+'.join(key)} with {card or 'no card'} / " + (
                        f"{coupon or 'no coupon'} at {_yuan(total)}"
                    )
                    if take:
                        out.append(("accepts_wrong", f"{what}: accepted, not allowed"))
                    else:
                        out.append(("rejects_right", f"{what}: allowed, refused"))
                    break
            else:
                continue
            break
    return out[:limit]


def _best_allowed(truth: MovieTruth) -> str:
    opts = [o for v in truth.allowed.values() for o in v]
    if not opts:
        return "nothing is allowed"
    best = min(opts, key=lambda o: o.total)
    return f"the best allowed option is {best.describe()}"


def _yuan(fen: int) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"


def audit_joint(f: Findings, env: TicketEnv, req: Request) -> None:
    """Two movie orders under one joint budget: an option of one order is allowed if some
    allowed option of the other keeps the sum within the budget (one coupon is used once)."""
    exp = f.task.expect
    budget = req.budget_fen
    a, b = req.parts
    ta, tb = solve_movie(env, a, None), solve_movie(env, b, None)
    if budget is None or exp.max_combined_fen != budget:
        f.add("goal", f"the joint budget is {budget} fen; the spec has {exp.max_combined_fen}")
    if budget is None:
        return

    def fits(x: Option, others: Iterable[Option]) -> bool:
        return any(
            x.total + y.total <= budget and not (x.coupon_id and x.coupon_id == y.coupon_id)
            for y in others
        )

    all_a = [o for v in ta.allowed.values() for o in v]
    all_b = [o for v in tb.allowed.values() for o in v]
    for truth, theirs in ((ta, all_b), (tb, all_a)):
        truth.allowed = {
            k: kept for k, v in truth.allowed.items() if (kept := [o for o in v if fits(o, theirs)])
        }
    feasible = bool(ta.allowed and tb.allowed)
    if feasible != exp.feasible:
        f.add("feasible", f"the spec says feasible={exp.feasible}; the world says {feasible}")
        return
    specs = [spec_for(env, a, exp.orders), spec_for(env, b, exp.orders)]
    if specs[0] is None or specs[1] is None or specs[0] is specs[1]:
        f.add("rejects_right", "the spec does not hold one order spec per movie")
        return
    combined = exp.max_combined_fen
    truths = (ta, tb)
    for i, part in enumerate((a, b)):
        spec, other = specs[i], specs[1 - i]
        assert spec is not None and other is not None
        partner = truths[1 - i]
        # the other order's options the spec accepts, on the showings either side names
        theirs = [
            o
            for sid in set(other.showtime_ids) | set(partner.showings)
            if sid in partner.showings
            for o in spec_options(env, other, partner.showings[sid])
        ]

        def money(
            sid: str,
            card: str | None,
            coupon: str | None,
            total: int,
            spec: OrderSpec = spec,
            theirs: list[Option] = theirs,
        ) -> bool:
            return spec_money_ok(spec, card, coupon, total) and any(
                (combined is None or total + y.total <= combined)
                and not (coupon and coupon == y.coupon_id)
                for y in theirs
            )

        for kind, detail in compare_movie(env, part, truths[i], spec, money=money):
            f.add(kind, detail)
