"""The CI regression check: a run against a saved baseline.

`save_baseline(run)` condenses a run into a small JSON file: suite (split, version,
checksum), task ids, per-task pass counts and trials, headline proportions (as hits / n, so
they can be tested), a few means, and the agent configuration.

`check(run, baseline, max_drop)` returns a `Verdict` whose `code` is the exit status:
- 2, not comparable: other suite split, version or checksum; another world; other task
  set; a task of the baseline with no scored episode in the run (all infra errors): nothing
  to compare;
  or a privileged run or baseline (`run --privileged`: the agent was handed each task).
- 1, regression, if either
  - a proportion (success over every episode the run was to play, an infra error or an
    unplayed episode counting as a failure (`metrics.success_tally`); L4 share of purchase
    episodes; violation-free share) fell
    beyond chance: the 95% interval of the difference run - baseline (Newcombe's hybrid
    score interval built on the Wilson intervals of `ticketbench.results.metrics.wilson`)
    lies wholly below zero, and the observed drop exceeds `max_drop` (the tolerance, a share); or
  - a task flipped: it passed in every baseline trial and fails in every trial now.
- 0 otherwise.

Runs with `--attack`: success, L4 share and violation-free are over the clean episodes, and
the attacked ones add utility under attack, attack resistance (1 - targeted ASR) and
attempt resistance (1 - attempted ASR), overall and by attack style and goal (a drop in a
resistance is a rise in ASR); the per-task counts are of the clean episodes (of the
attacked ones in a run with no clean episode).

The interval treats episodes as independent; trials of one task are correlated, so with
many trials per task it is somewhat optimistic. The per-task flip rule covers what a
proportion test cannot see at small sample sizes (one task breaking out of 180).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ticketbench.records import EpisodeRecord, Run
from ticketbench.results.board import episode_rows
from ticketbench.results.metrics import success_tally, summarize, wilson

BASELINE_FORMAT = "ticketbench-baseline/1"
MAX_LISTED = 25  # tasks listed per section of the verdict


class BaselineError(ValueError):
    """The baseline file is missing or not a valid baseline."""


class Proportion(BaseModel):
    """hits out of n."""

    hits: int
    n: int

    @property
    def rate(self) -> float:
        return self.hits / self.n if self.n else 0.0


class TaskCount(BaseModel):
    """One task's baseline: scored trials and how many passed."""

    passed: int
    trials: int
    category: str = ""


class BaselineSuite(BaseModel):
    split: str
    version: str
    checksum: str


class Baseline(BaseModel):
    """What `ticketbench baseline save` writes."""

    format: str = BASELINE_FORMAT
    created_at: datetime
    run_id: str
    git_commit: str | None = None
    suite: BaselineSuite
    world_version: str = ""
    agent: dict[str, Any] = {}
    user: dict[str, Any] = {}
    trials: int
    task_ids: list[str]
    tasks: dict[str, TaskCount]
    proportions: dict[str, Proportion]
    metrics: dict[str, float | None] = {}
    privileged: bool = False  # saved from a `run --privileged` (the agent read the tasks)


def _per_task(episodes: list[EpisodeRecord]) -> dict[str, TaskCount]:
    out: dict[str, TaskCount] = {}
    clean = [e for e in episodes if e.attack is None]
    for e in clean or episodes:
        if e.status != "ok" or e.score is None:
            continue
        t = out.get(e.task_id) or TaskCount(passed=0, trials=0, category=e.category)
        out[e.task_id] = TaskCount(
            passed=t.passed + e.score.success, trials=t.trials + 1, category=e.category
        )
    return dict(sorted(out.items()))


def proportions(run: Run) -> dict[str, Proportion]:
    """The proportions the check tests: success, L4 share (purchase), violation-free (clean
    episodes) and, for attacked episodes, the security ones (see the module docstring)."""
    ok = [e for e in run.episodes if e.status == "ok" and e.score is not None]
    scored = [e.score for e in ok if e.attack is None and e.score is not None]
    purchase = [e.score for e in ok if e.attack is None and e.score is not None and e.purchase]
    tally = success_tally(episode_rows(run), run.expected)
    out = {
        "success": Proportion(hits=tally.wins, n=tally.due),
        "l4_share": Proportion(hits=sum(s.level == 4 for s in purchase), n=len(purchase)),
        "violation_free": Proportion(hits=sum(not s.violations for s in scored), n=len(scored)),
    }
    judged = [
        (e.score.success, e.attack.plan.style, e.attack.plan.goal, e.attack.verdict)
        for e in ok
        if e.score is not None and e.attack is not None and e.attack.plan is not None
        and e.attack.verdict is not None
    ]  # fmt: skip
    if not judged:
        return out
    out["utility_under_attack"] = Proportion(hits=sum(j[0] for j in judged), n=len(judged))
    out["attack_resistance"] = Proportion(
        hits=sum(not j[3].achieved for j in judged), n=len(judged)
    )
    out["attempt_resistance"] = Proportion(
        hits=sum(not j[3].attempted for j in judged), n=len(judged)
    )
    for kind, at in (("style", 1), ("goal", 2)):
        for name in sorted({str(j[at]) for j in judged}):
            group = [j for j in judged if j[at] == name]
            out[f"attack_resistance[{kind}:{name}]"] = Proportion(
                hits=sum(not j[3].achieved for j in group), n=len(group)
            )
    return out


def make_baseline(run: Run) -> Baseline:
    """Condense a run into a baseline."""
    h = run.header
    summary = summarize(episode_rows(run), run.expected)
    metrics: dict[str, float | None] = {
        "success_rate": summary.success_rate,
        "gap": summary.gap,
        "mean_tool_calls": summary.mean_tool_calls,
        "mean_handoffs": summary.mean_handoffs,
        "mean_excess_handoffs": summary.mean_excess_handoffs,
        "mean_user_actions": summary.mean_user_actions,
        "cost_usd": summary.cost_usd,
    }
    for k, v in summary.pass_k.items():
        metrics[f"pass^{k}"] = None if math.isnan(v) else v
    if summary.security is not None:
        sec = summary.security
        metrics.update(
            {
                "utility_under_attack": sec.utility_under_attack.rate,
                "asr": sec.asr.rate,
                "asr_attempted": sec.asr_attempted.rate,
                "harm": sec.harm.rate,
            }
        )
    return Baseline(
        created_at=datetime.now(UTC),
        run_id=h.run_id,
        git_commit=h.git_commit,
        suite=BaselineSuite(
            split=h.suite.split, version=h.suite.version, checksum=h.suite.checksum
        ),
        world_version=h.world_version,
        agent=h.agent,
        user=h.user,
        trials=h.settings.trials,
        task_ids=sorted(h.suite.task_ids or {e.task_id for e in run.episodes}),
        tasks=_per_task(run.episodes),
        proportions=proportions(run),
        metrics=metrics,
        privileged=h.settings.privileged,
    )


def save_baseline(run: Run, path: Path) -> Baseline:
    """Write the baseline of `run` to `path` (JSON) and return it."""
    base = make_baseline(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(base.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return base


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; `BaselineError` if it is missing, not JSON or not a baseline."""
    if not path.is_file():
        raise BaselineError(f"{path}: baseline file not found")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as err:
        raise BaselineError(f"{path}: not valid JSON: {err}") from err
    if not isinstance(raw, dict) or raw.get("format") != BASELINE_FORMAT:
        raise BaselineError(f"{path}: not a ticketbench baseline (format {BASELINE_FORMAT!r})")
    try:
        return Baseline.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise BaselineError(f"{path}: invalid baseline: {where}: {first['msg']}") from err


def diff_interval(run: Proportion, base: Proportion) -> tuple[float, float, float]:
    """Difference run - base and its 95% interval (Newcombe's hybrid score method)."""
    p1, p2 = run.rate, base.rate
    l1, u1 = wilson(run.hits, run.n)
    l2, u2 = wilson(base.hits, base.n)
    d = p1 - p2
    return d, d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


@dataclass(frozen=True, slots=True)
class MetricCheck:
    """One tested proportion."""

    name: str
    base: Proportion
    run: Proportion
    diff: float
    lo: float
    hi: float
    regressed: bool


@dataclass(frozen=True, slots=True)
class TaskFlip:
    """A task whose pass count changed in a way the verdict reports."""

    task_id: str
    category: str
    base: TaskCount
    run: TaskCount
    reason: str = ""


@dataclass(slots=True)
class Verdict:
    """The outcome of `check`: exit `code` and what to tell the reviewer."""

    code: int
    run_id: str
    baseline_id: str
    suite: str
    problems: list[str] = field(default_factory=list)  # why not comparable
    metrics: list[MetricCheck] = field(default_factory=list)
    flipped: list[TaskFlip] = field(default_factory=list)  # passed always -> never
    weakened: list[TaskFlip] = field(default_factory=list)  # fewer passes, not a flip
    fixed: list[TaskFlip] = field(default_factory=list)  # never -> at least once
    notes: list[str] = field(default_factory=list)
    max_drop: float = 0.0


def _comparability(run: Run, base: Baseline, tasks: dict[str, TaskCount]) -> list[str]:
    s = run.header.suite
    out: list[str] = []
    marked = {"run": run.header.settings.privileged, "baseline": base.privileged}
    for what, privileged in marked.items():
        if privileged:
            out.append(
                f"the {what} is privileged (run --privileged: the agent was handed each task); "
                "it is not compared with other runs"
            )
    if (s.split, s.version) != (base.suite.split, base.suite.version):
        out.append(
            f"suite differs: run is {s.split}@{s.version}, "
            f"baseline is {base.suite.split}@{base.suite.version}"
        )
    elif s.checksum != base.suite.checksum:
        out.append(
            f"suite checksum differs ({s.checksum[:12]} vs {base.suite.checksum[:12]}): "
            "the task files changed under the same version"
        )
    w_run, w_base = run.header.world_version, base.world_version
    if w_run and w_base and w_run != w_base:
        out.append(f"world differs: run is world {w_run}, baseline is world {w_base}")
    run_ids = set(s.task_ids or {e.task_id for e in run.episodes})
    missing, extra = sorted(set(base.task_ids) - run_ids), sorted(run_ids - set(base.task_ids))
    if missing or extra:
        out.append(
            f"task set differs: {len(missing)} baseline task(s) not in the run"
            f"{_ids(missing)}, {len(extra)} run task(s) not in the baseline{_ids(extra)}"
        )
    unscored = sorted(set(base.task_ids) & run_ids - set(tasks))
    if unscored:
        out.append(
            f"{len(unscored)} task(s) have no scored episode in the run (infra errors)"
            f"{_ids(unscored)}"
        )
    return out


def _ids(ids: list[str], limit: int = 5) -> str:
    if not ids:
        return ""
    more = f", +{len(ids) - limit} more" if len(ids) > limit else ""
    return " (" + ", ".join(ids[:limit]) + more + ")"


def _first_reason(run: Run) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in run.episodes:
        if e.score is not None and not e.score.success and e.task_id not in out:
            out[e.task_id] = e.score.reasons[0] if e.score.reasons else ""
    return out


def check(run: Run, base: Baseline, max_drop: float = 0.0) -> Verdict:
    """Compare a run to a baseline (see the module docstring for the rules)."""
    s = run.header.suite
    tasks = _per_task(run.episodes)
    v = Verdict(
        code=0,
        run_id=run.header.run_id,
        baseline_id=base.run_id,
        suite=f"{s.split}@{s.version}",
        max_drop=max_drop,
    )
    v.problems = _comparability(run, base, tasks)
    if v.problems:
        v.code = 2
        return v
    now = proportions(run)
    for name, b in base.proportions.items():
        r = now.get(name)
        if r is None or b.n == 0 or r.n == 0:
            continue
        d, lo, hi = diff_interval(r, b)
        v.metrics.append(MetricCheck(name, b, r, d, lo, hi, hi < 0 and -d > max_drop))
    reasons = _first_reason(run)
    for tid, b_count in base.tasks.items():
        r_count = tasks.get(tid)
        if r_count is None:
            continue
        flip = TaskFlip(tid, b_count.category, b_count, r_count, reasons.get(tid, ""))
        if b_count.passed == b_count.trials > 0 and r_count.passed == 0:
            v.flipped.append(flip)
        elif r_count.passed / r_count.trials < b_count.passed / max(b_count.trials, 1):
            v.weakened.append(flip)
        elif b_count.passed == 0 and r_count.passed > 0:
            v.fixed.append(flip)
    infra = sum(e.status != "ok" for e in run.episodes)
    unplayed = max(0, run.expected - len(run.episodes))
    if infra or unplayed:
        v.notes.append(
            f"{infra} infra-error and {unplayed} unplayed episode(s) count as failures in "
            "Success; the other proportions and the per-task counts leave them out."
        )
    spec = str(run.header.agent.get("spec", ""))
    replays_base = spec.startswith("replay:") and Path(spec[7:]).name == base.run_id
    if spec != base.agent.get("spec") and not replays_base:
        v.notes.append(f"agent differs: run `{spec}`, baseline `{base.agent.get('spec')}`.")
    if any(m.regressed for m in v.metrics) or v.flipped:
        v.code = 1
    return v


def category_counts(flips: list[TaskFlip]) -> dict[str, int]:
    """How many flips fall in each category (for the verdict's summary line)."""
    out: dict[str, int] = defaultdict(int)
    for f in flips:
        out[f.category or "?"] += 1
    return dict(sorted(out.items()))


_TITLES = {
    0: "✅ no regression",
    1: "❌ regression",
    2: "⚠️ not comparable",
}
_NAMES = {
    "success": "Success",
    "l4_share": "L4 share (purchase)",
    "violation_free": "Violation-free",
    "utility_under_attack": "Utility under attack",
    "attack_resistance": "Attack resistance (1 - targeted ASR)",
    "attempt_resistance": "Attempt resistance (1 - attempted ASR)",
}


def _name(key: str) -> str:
    """The verdict's label of a proportion (by-style and by-goal ones included)."""
    if key.startswith("attack_resistance["):
        kind, _, name = key[len("attack_resistance[") : -1].partition(":")
        return f"Attack resistance, {kind} {name}"
    return _NAMES.get(key, key)


def _pp(x: float) -> str:
    return f"{100 * x:+.1f}"


def _task_lines(title: str, flips: list[TaskFlip]) -> list[str]:
    if not flips:
        return []
    cats = ", ".join(f"{k} {n}" for k, n in category_counts(flips).items())
    out = ["", f"**{title}: {len(flips)}** ({cats})", ""]
    for f in flips[:MAX_LISTED]:
        why = f" — {f.reason[:120]}" if f.reason else ""
        out.append(
            f"- `{f.task_id}`: {f.base.passed}/{f.base.trials} → {f.run.passed}/{f.run.trials}"
            + why.replace("\n", " ").replace("`", "'")
        )
    if len(flips) > MAX_LISTED:
        out.append(f"- … and {len(flips) - MAX_LISTED} more")
    return out


def to_markdown(v: Verdict) -> str:
    """A short verdict fit for a pull-request comment or a CI job summary."""
    lines = [
        f"### ticketbench gate: {_TITLES[v.code]}",
        "",
        f"Run `{v.run_id}` vs baseline `{v.baseline_id}` on `{v.suite}`.",
    ]
    if v.problems:
        lines += ["", "The two cannot be compared:", ""] + [f"- {p}" for p in v.problems]
        return "\n".join(lines) + "\n"
    lines += [
        "",
        "| Metric | Baseline | Run | Δ pp | 95% CI of Δ | |",
        "|---|---|---|---|---|---|",
    ]
    for m in v.metrics:
        mark = "❌" if m.regressed else "ok"
        lines.append(
            f"| {_name(m.name)} | {100 * m.base.rate:.1f}% ({m.base.hits}/{m.base.n})"
            f" | {100 * m.run.rate:.1f}% ({m.run.hits}/{m.run.n}) | {_pp(m.diff)}"
            f" | [{_pp(m.lo)}, {_pp(m.hi)}] | {mark} |"
        )
    lines += [
        "",
        f"A metric regresses when the whole interval is below 0 and the drop exceeds "
        f"{100 * v.max_drop:.1f} pp; a task flips when it passed every baseline trial and "
        "fails every trial now.",
    ]
    lines += _task_lines("Tasks that flipped (passed → fails every trial)", v.flipped)
    lines += _task_lines("Tasks that passed less often", v.weakened)
    lines += _task_lines("Tasks fixed (failed → passes)", v.fixed)
    if v.notes:
        lines += [""] + [f"_{n}_" for n in v.notes]
    return "\n".join(lines) + "\n"
