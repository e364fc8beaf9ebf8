"""Movie orders by brute force: every showtime, seat run and card/coupon the world offers,
kept if the request allows it, and compared with what the spec accepts.

The answer space of one showtime is what `showing` says it sells now, priced under every
member card / coupon combination; runs are grouped by their seat types and priced once
per group.

What a request allows (the audit's own reading, documented here because the spec must
agree with it):
- seats: as `showing.wish_problems` reads them;
- formats: IMAX is IMAX or IMAX 3D, 3D is 3D or IMAX 3D;
- money: any card or coupon the user holds may be used unless the request names one; a
  budget bounds the total; "cheapest" keeps the lowest total over everything allowed;
- "nearest" keeps the cinemas nearest the place among those with an allowed option,
  "earliest" / "next" the earliest start with one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ticketbench.env.geo import haversine_km
from ticketbench.env.models import Showtime
from ticketbench.env.state import TicketEnv
from ticketbench.suite.audit.findings import Findings, Kind, spec_for
from ticketbench.suite.audit.reading import Part, Request
from ticketbench.suite.audit.showing import (
    Combo,
    Option,
    Showing,
    prices,
    run_types,
    sales_open,
    showing,
    wish_ok,
    wish_problems,
)
from ticketbench.suite.checker import seat_rule_problems
from ticketbench.suite.spec import InfeasibleReason, OrderSpec

FORMATS = {"IMAX": {"IMAX", "IMAX 3D"}, "3D": {"3D", "IMAX 3D"}, "DOLBY": {"DOLBY"}, "4DX": {"4DX"}}


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
                groups.setdefault(run_types(sh.sm, run), run)
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
            groups.setdefault(run_types(sh.sm, run), run)
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
            (run_types(sh.sm, o.seats), o.card_id, o.coupon_id) for o in truth.allowed.get(sid, [])
        }
        allowed_types = {k[0] for k in allowed}
        listed_ok = not spec.showtime_ids or sid in spec.showtime_ids
        priced: dict[tuple[str, ...], dict[Combo, int]] = {}
        both: set[tuple[str, ...]] = set()
        for run in sh.runs:
            key = run_types(sh.sm, run)
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
