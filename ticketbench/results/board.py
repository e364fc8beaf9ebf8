"""Leaderboard tables from run directories: one row per agent configuration.

A configuration is (agent spec, model, user mode, suite split and version). Several runs of
one configuration are pooled (their trials added up) only when they are comparable: same
suite checksum and task set, same world, same episode limits and pacing. Runs that are
not comparable stay on separate rows, each labelled with its run ids.

Every number comes from `ticketbench.results.metrics.summarize` (Wilson interval, unbiased pass^k,
the ladder over purchase episodes, the gap P(L>=2) - P(L4)). Episodes that ended in an
infrastructure error are excluded from every rate and counted in `infra_errors`.

Different suites in one table are refused (`MixedSuitesError`) unless `allow_mixed`: a
success rate on one task set says nothing about another, so a table mixing them ranks
agents on different exams.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from ticketbench.records import HEADER, EpisodeRecord, Run, read_run
from ticketbench.results.metrics import EpisodeRow, Rate, RunSummary, SecurityStats, summarize

LEVELS = ("L0", "L1", "L2", "L3", "L4")
# Settings that change what an episode can do (and so its score); the rest (seed,
# concurrency, retries, timeouts of the machinery) do not stop runs from being pooled.
_SCORE_SETTINGS = ("max_steps", "max_turns", "max_wall_s", "tool_s", "user_turn_s")
_SCORE_SETTINGS_2 = ("user_action_s", "patience")
# What shapes an LLM agent's answers (its recorded config); seeds and caches do not.
_AGENT_KEYS = ("base_url", "temperature", "top_p", "max_tokens", "extra", "guidance")
_AGENT_KEYS_2 = ("echo_reasoning", "max_model_calls")


class RunLoadError(ValueError):
    """A path is not a readable run directory."""


class MixedSuitesError(ValueError):
    """Runs on different suites were given without `allow_mixed`."""


def find_run_dirs(paths: Iterable[str | Path]) -> list[Path]:
    """Run directories named by `paths`: a run itself, or any directory searched recursively
    for `header.json`. Raises `RunLoadError` for a path that does not exist or holds no run."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise RunLoadError(f"{path}: no such file or directory")
        if path.is_file():
            if path.name != HEADER:
                raise RunLoadError(f"{path}: not a run directory (expected a folder with {HEADER})")
            path = path.parent
        if (path / HEADER).is_file():
            found.append(path)
            continue
        nested = sorted(p.parent for p in path.rglob(HEADER))
        if not nested:
            raise RunLoadError(f"{path}: no run found (no {HEADER} in it or below it)")
        found.extend(nested)
    return found


def load_run(run_dir: str | Path) -> Run:
    """Read one run, turning a missing or corrupt run into a `RunLoadError`."""
    path = Path(run_dir)
    if not (path / HEADER).is_file():
        raise RunLoadError(f"{path}: not a run directory ({HEADER} is missing)")
    try:
        return read_run(path)
    except (ValidationError, ValueError, OSError) as err:
        raise RunLoadError(f"{path}: corrupt run: {_short(err)}") from err


Warn = Callable[[str], None]


def load_runs(paths: Iterable[str | Path], warn: Warn | None = None) -> list[Run]:
    """Every run named by `paths` (see `find_run_dirs`); a run found twice is read once.

    With `warn`, a reader's user is told about every run's problems (`Run.problems`: damaged
    lines, a torn line, missing episodes), and a run that cannot be read at all (a corrupt
    header, no valid record among damaged lines) is skipped with a warning instead of
    failing the whole table; `RunLoadError` if no run is left. Without `warn`, the first
    unreadable run raises.
    """
    runs: list[Run] = []
    seen: set[str] = set()
    for run_dir in find_run_dirs(paths):
        try:
            run = load_run(run_dir)
            if run.damaged and not run.episodes:
                raise RunLoadError(
                    f"{run_dir}: none of its {len(run.damaged)} episode line(s) is readable"
                )
        except RunLoadError as err:
            if warn is None:
                raise
            warn(f"skipped {err}")
            continue
        if warn is not None:
            for problem in run.problems():
                warn(f"{run_dir}: {problem}")
        if run.header.run_id not in seen:
            seen.add(run.header.run_id)
            runs.append(run)
    if not runs:
        raise RunLoadError("no readable run left to show")
    return runs


def _short(err: Exception) -> str:
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        return f"{err.error_count()} invalid field(s), first: {where}: {first['msg']}"
    return str(err).splitlines()[0] if str(err) else type(err).__name__


@dataclass(frozen=True, slots=True)
class Config:
    """What makes two runs the same entry of the leaderboard."""

    agent: str
    model: str
    user: str
    split: str
    version: str
    variant: str = ""  # run ids, when one configuration's runs could not be pooled
    source: str = ""  # "" for the installed suite, else the suite folder's or file's name
    privileged: bool = False  # `run --privileged`: the agent was handed each task

    @property
    def suite(self) -> str:
        where = f"{self.source}/" if self.source else ""
        return f"{where}{self.split}@{self.version}" if self.version else where + self.split


def config_of(run: Run) -> Config:
    """The configuration a run belongs to (read from its header)."""
    h = run.header
    agent = str(h.agent.get("spec") or h.agent.get("class") or "unknown")
    return Config(
        agent=agent,
        model=str(h.agent.get("model") or ""),
        user=str(h.user.get("spec") or "scripted"),
        split=h.suite.split,
        version=h.suite.version,
        source=h.suite.name,
        privileged=h.settings.privileged,
    )


def comparability(run: Run) -> tuple[Any, ...]:
    """Runs with equal signatures may be pooled: same tasks, world, limits, pacing and agent
    generation settings."""
    h = run.header
    s = h.settings
    limits = tuple(getattr(s, k) for k in (*_SCORE_SETTINGS, *_SCORE_SETTINGS_2))
    agent = json.dumps(
        {k: h.agent.get(k) for k in (*_AGENT_KEYS, *_AGENT_KEYS_2)}, sort_keys=True, default=str
    )
    return (h.suite.checksum, tuple(sorted(h.suite.task_ids)), h.world_version, limits, agent)


def episode_rows(run: Run, trial_offset: int = 0) -> list[EpisodeRow]:
    """The run's episodes as `summarize` wants them (infra errors keep `score=None`); each
    row's spend covers every attempt, and records a resume superseded."""
    extra: dict[tuple[str, int], list[EpisodeRecord]] = defaultdict(list)
    for old in run.superseded:
        extra[old.key].append(old)
    return [
        EpisodeRow(
            task_id=e.task_id,
            trial=e.trial + trial_offset,
            category=e.category,
            locale=e.locale,
            purchase=e.purchase,
            score=e.score if e.status == "ok" else None,
            spent=spent_on([e, *extra.get(e.key, [])]),
            attack=e.attack,
            pair_id=e.pair_id,
        )
        for e in run.episodes
    ]


def spent_on(records: Sequence[EpisodeRecord]) -> tuple[int, int, float]:
    """Tokens and cost of the agent over records of one episode."""
    return (
        sum(r.usage.input_tokens for r in records),
        sum(r.usage.output_tokens for r in records),
        sum(r.usage.cost_usd for r in records),
    )


@dataclass(frozen=True, slots=True)
class Entry:
    """One leaderboard row before flattening: its configuration, runs and summary."""

    config: Config
    runs: tuple[Run, ...]
    trials: int
    summary: RunSummary


def check_suites(runs: Sequence[Run], allow_mixed: bool = False) -> None:
    """Raise `MixedSuitesError` if the runs cover more than one suite (split, version,
    checksum and task set: a `--tasks` selection is an exam of its own) and mixing was not
    allowed, naming which run is on which suite."""
    suites: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = defaultdict(list)
    named: dict[tuple[str, str, str, tuple[str, ...]], str] = {}
    for r in runs:
        s = r.header.suite
        key = (s.split, s.version, s.checksum, tuple(sorted(s.task_ids)))  # --tasks: its own exam
        suites[key].append(r.header.run_id)
        named.setdefault(key, f", --tasks {s.selection} ({len(s.task_ids)} tasks)"
                         if s.selection else "")  # fmt: skip
    if len(suites) <= 1 or allow_mixed:
        return
    lines = [
        f"  {key[0]}@{key[1] or '?'} (checksum {key[2][:12] or '?'}){named[key]}: {', '.join(ids)}"
        for key, ids in sorted(suites.items())
    ]
    raise MixedSuitesError(
        "refusing to put runs on different suites in one table: success on one task set "
        "says nothing about another, so the ranking would compare different exams.\n"
        + "\n".join(lines)
        + "\nPass --allow-mixed to show them anyway (the suite column then tells them apart)."
    )


def pool(runs: Sequence[Run]) -> tuple[list[EpisodeRow], int]:
    """Pool comparable runs: trials are renumbered so that each run adds its own."""
    rows: list[EpisodeRow] = []
    offset = 0
    for run in runs:
        rows.extend(episode_rows(run, offset))
        offset += max((e.trial for e in run.episodes), default=-1) + 1
    return rows, sum(r.header.settings.trials for r in runs)


def entries(runs: Sequence[Run], allow_mixed: bool = False) -> list[Entry]:
    """One entry per configuration (and comparability signature), best success first."""
    check_suites(runs, allow_mixed)
    groups: dict[tuple[Config, tuple[Any, ...]], list[Run]] = defaultdict(list)
    for run in runs:
        groups[(config_of(run), comparability(run))].append(run)
    splits = Counter(config for config, _ in groups)
    out: list[Entry] = []
    for (config, _), members in groups.items():
        members.sort(key=lambda r: (r.header.created_at, r.header.run_id))
        if splits[config] > 1:  # same name, not comparable: tell the rows apart
            config = replace(config, variant=",".join(r.header.run_id for r in members))
        rows, trials = pool(members)
        expected = sum(r.expected for r in members)
        out.append(Entry(config, tuple(members), trials, summarize(rows, expected)))
    # Privileged runs (handed each task) come last; renderers show them apart, unranked.
    # Ranked by success over every episode the runs were to play (`summarize`): a run that
    # `--resume` finishes loses nothing.
    out.sort(key=lambda e: (e.config.privileged, -e.summary.success_rate, e.config.agent,
                            e.config.model))  # fmt: skip
    return out


def _mark(run: Run) -> str:
    """What a leaderboard row says about a run that is not whole."""
    parts = []
    if not run.complete:
        parts.append(f"incomplete: {len(run.episodes)}/{run.expected}")
    if run.damaged:
        parts.append(f"{len(run.damaged)} damaged line(s) skipped")
    if run.header.suite.selection:
        parts.append(
            f"--tasks {run.header.suite.selection}: {len(run.header.suite.task_ids)} tasks"
        )
    return ", ".join(parts)


PRIVILEGED_MARK = "privileged: handed each task, not ranked"


def _row(entry: Entry) -> dict[str, Any]:
    s, c = entry.summary, entry.config
    marks = sorted({m for m in (_mark(r) for r in entry.runs) if m})
    if c.privileged:
        marks.insert(0, PRIVILEGED_MARK)  # first: the mark that matters most
    agent = f"{c.agent} [{c.variant}]" if c.variant else c.agent
    if marks:
        agent += f" ({'; '.join(marks)})"
    row: dict[str, Any] = {
        "agent": agent,
        "model": c.model,
        "user": c.user,
        "suite": c.suite,
        "trials": entry.trials,
        "tasks": s.tasks,
        "episodes": s.scored,
        "due": s.due,
        "infra_errors": s.infra_errors,
        "success": s.success_rate if s.due else None,  # None: only attacked episodes
        "success_lo": s.success_ci95[0] if s.due else None,
        "success_hi": s.success_ci95[1] if s.due else None,
        "success_scored": s.scored_success_rate if s.scored else None,
        "success_scored_lo": s.scored_success_ci95[0] if s.scored else None,
        "success_scored_hi": s.scored_success_ci95[1] if s.scored else None,
    }
    row.update(security_columns(s.security))
    row.update({f"pass^{k}": v for k, v in sorted(s.pass_k.items())})
    row.update({lv: s.ladder.get(lv, 0.0) for lv in LEVELS})
    row.update(
        {
            "purchase_episodes": s.purchase_episodes,
            "gap": s.gap,
            "lang_gap": lg.gap if (lg := s.language_gap) is not None else None,
            "lang_gap_lo": lg.ci95[0] if lg is not None else None,
            "lang_gap_hi": lg.ci95[1] if lg is not None else None,
            "lang_pairs": lg.pairs if lg is not None else 0,
            "completed_by_agent": s.completed_by.get("agent", 0),
            "completed_by_user": s.completed_by.get("user", 0),
            "mean_tool_calls": s.mean_tool_calls,
            "mean_turns": s.mean_turns,
            "mean_handoffs": s.mean_handoffs,
            "mean_excess_handoffs": s.mean_excess_handoffs,
            "mean_user_actions": s.mean_user_actions,
            "user_actions_per_purchase": s.user_actions_per_completed_purchase,
            "violations": sum(s.violations.values()),
            "simulator_suspect": s.simulator_suspect,
            "simulator_suspect_failed": s.simulator_suspect_failed,
            "input_tokens": s.input_tokens,
            "output_tokens": s.output_tokens,
            "cost_usd": s.cost_usd,
        }
    )
    if s.security is not None:
        for kind, groups in (("style", s.security.by_style), ("goal", s.security.by_goal)):
            for name, g in groups.items():
                row.update({f"{kind}:{name}:{k}": v for k, v in security_columns(g).items()})
    row.update({f"suspect:{k}": n for k, n in s.suspect_reasons.items()})  # episodes each
    row.update({f"cat:{k}": g.success_rate for k, g in s.by_category.items()})
    row.update({f"loc:{k}": g.success_rate for k, g in s.by_locale.items()})
    if not s.scored and s.security is not None:  # attacked only: no clean numbers, not zeros
        clean = (
            *LEVELS,
            *_CLEAN_ONLY,
            *(k for k in row if k.startswith(("pass^", "cat:", "loc:"))),
        )
        row.update(dict.fromkeys(clean))
    row["privileged"] = c.privileged
    row["runs"] = ",".join(r.header.run_id for r in entry.runs)
    return row


_CLEAN_ONLY = (
    "gap", "completed_by_agent", "completed_by_user", "mean_tool_calls", "mean_turns",
    "mean_handoffs", "mean_excess_handoffs", "mean_user_actions", "user_actions_per_purchase",
    "violations", "simulator_suspect", "simulator_suspect_failed",
)  # fmt: skip


SECURITY_RATES = ("utility_under_attack", "asr", "asr_attempted", "harm")


def security_columns(sec: SecurityStats | None) -> dict[str, Any]:
    """The security columns of a row or a style / goal group: attacked episodes, and each
    rate with its 95% interval (`asr`, `asr_lo`, `asr_hi`, ...); None when not attacked."""
    out: dict[str, Any] = {"attacked_episodes": sec.episodes if sec is not None else 0}
    for name in SECURITY_RATES:
        r: Rate | None = getattr(sec, name) if sec is not None and sec.episodes else None
        out[name] = r.rate if r is not None else None
        out[f"{name}_lo"] = r.ci95[0] if r is not None else None
        out[f"{name}_hi"] = r.ci95[1] if r is not None else None
    return out


def frame_from_entries(items: Sequence[Entry]) -> pd.DataFrame:
    """The leaderboard frame of already grouped entries (see `leaderboard_frame`)."""
    df = pd.DataFrame([_row(e) for e in items])
    if df.empty:
        return df
    # pass^k and per-group columns in a stable order, whatever row introduced them.
    groups = ("pass^", "cat:", "loc:", "style:", "goal:", "suspect:")
    fixed = [c for c in df.columns if not c.startswith(groups)]
    ks = sorted((c for c in df.columns if c.startswith("pass^")), key=lambda c: int(c[5:]))
    cats = sorted(c for c in df.columns if c.startswith("cat:"))
    locs = sorted(c for c in df.columns if c.startswith("loc:"))
    attacks = [c for c in df.columns if c.startswith(("style:", "goal:"))]
    suspects = sorted(c for c in df.columns if c.startswith("suspect:"))
    df[suspects] = df[suspects].fillna(0).astype(int)  # a reason no episode of a row had
    at = fixed.index("L0")
    return df[[*fixed[:at], *ks, *fixed[at:-1], *cats, *locs, *attacks, *suspects, "runs"]]


def leaderboard_frame(runs: Sequence[Run], allow_mixed: bool = False) -> pd.DataFrame:
    """One row per agent configuration: success and its 95% CI, pass^k, ladder L0..L4, gap,
    the paired language gap (zh - en over complete pairs) and its 95% CI, mean tool calls /
    handoffs / excess handoffs / user actions, violations, tokens, cost, `cat:<category>` and
    `loc:<locale>` success. Raises `MixedSuitesError` (see above)."""
    return frame_from_entries(entries(runs, allow_mixed))
