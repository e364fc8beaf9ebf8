"""One task's audit: read the request, solve it by brute force, compare with the spec.

The audit shares nothing with the generator: it reads the opening (and the user's hidden
answers) with its own parser, enumerates the world through the env's public rules and
pricing, and judges the spec both ways: an answer the spec accepts that the request rules
out, and an answer the request allows that the spec refuses. It also checks feasibility
and the infeasibility reason, the clarification slots, counts, the payment approval
(goal), and after-sale amounts, targets and codes.
"""

from __future__ import annotations

from ticketbench.env.state import TicketEnv
from ticketbench.env.world import World
from ticketbench.suite.audit import aftersale, events, movies
from ticketbench.suite.audit.findings import Discrepancy, Findings, spec_for
from ticketbench.suite.audit.reading import Request, apply_answer, read_request
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task


def _clarify(f: Findings, req: Request) -> None:
    want = set(req.unknown)
    have = set(f.task.expect.clarify)
    if want - have:
        f.add("clarify", f"the opening leaves {sorted(want - have)} open; the spec does not ask")
    if have - want:
        f.add("clarify", f"the spec asks about {sorted(have - want)}; the opening says it")


def _counts(f: Findings, req: Request) -> None:
    for p in req.parts:
        if p.count is not None and p.party is not None and p.count != p.party:
            f.add("count", f"the opening speaks of {p.party} people but asks for {p.count}")


def audit_task(task: Task, world: World) -> list[Discrepancy]:
    """Every discrepancy between `task`'s spec and the world (empty: the spec is right)."""
    f = Findings(task)
    env = make_env(task, world)
    user = world.users[task.user_id]  # as the user knows themselves (no injected text)
    req = read_request(world, user, task.now, task.opening)
    _clarify(f, req)
    for fact in task.knowledge:
        apply_answer(world, user, task.now, req, fact.answer)
    _counts(f, req)
    if not req.parts or not any(p.movies or p.events for p in req.parts):
        f.add("unread", "the opening names no movie or event the audit can find")
        return f.items
    if req.intent == "purchase":
        _purchase(f, env, req)
    else:
        aftersale.audit(f, env, req)
    return f.items


def _purchase(f: Findings, env: TicketEnv, req: Request) -> None:
    exp = f.task.expect
    if req.joint_budget and len(req.parts) == 2 and all(p.target == "movie" for p in req.parts):
        movies.audit_joint(f, env, req)
        return
    budget = req.budget_fen if len(req.parts) == 1 else None
    reasons = []
    subjects: set[str] = set()  # what the request names: the ids a reason may be about
    for part in req.parts:
        if part.target == "movie":
            truth = movies.solve_movie(env, part, budget)
            feasible, reason = bool(truth.allowed), truth.reason
            subjects |= {st.id for st in truth.described}
        else:
            etruth = events.solve_event(env, part, budget)
            feasible, reason = bool(etruth.allowed), etruth.reason
            subjects |= {x for ev, s in etruth.sessions for x in (ev.id, s.id)}
        if not feasible:
            reasons.append(reason)
            continue
        if not exp.feasible:
            example = (
                next(o.describe() for v in truth.allowed.values() for o in v)
                if part.target == "movie"
                else str(etruth.allowed[0])
            )
            f.add("feasible", f"the spec says infeasible ({exp.reason}); the world has an "
                  f"answer: {example}")  # fmt: skip
            return
        spec = spec_for(env, part, exp.orders)
        if spec is None:
            f.add("rejects_right", f"no order spec for the {part.target} part")
            continue
        if part.count is not None and spec.count != part.count:
            f.add("count", f"the request asks for {part.count}, the spec for {spec.count}")
            continue
        found = (
            movies.compare_movie(env, part, truth, spec)
            if part.target == "movie"
            else events.compare_event(env, part, etruth, spec)
        )
        for kind, detail in found:
            f.add(kind, detail)
        if spec not in f.task.goal.orders:
            f.add("goal", "the payment approval does not hold this order spec")
    if reasons:
        if exp.feasible:
            f.add("feasible", f"the spec says feasible; the world has no answer ({reasons[0]})")
        elif exp.reason not in reasons:
            f.add("reason", f"the spec says {exp.reason}; the world says {reasons[0]}")
        elif not set(exp.reason_about) & subjects:
            f.add("reason", f"the reason is about {list(exp.reason_about)}, which the request "
                  "does not name")  # fmt: skip
    if exp.feasible and budget is not None and f.task.goal.budget_fen != budget:
        f.add(
            "goal", f"the user's budget is {budget} fen; the approval uses {f.task.goal.budget_fen}"
        )
