"""Build the single-file HTML report: leaderboard, charts, breakdowns, trajectory viewer.

The page needs no network: CSS and JS are inlined from the files next to this module and
the charts are inline SVG. The episodes travel inside `<script type="application/json">`
as gzip in base64: one small index (what the episode list and its filters show) and the
full episodes in blocks of `CHUNK`, inflated by the browser's `DecompressionStream` when
the viewer first shows one of them. So a report stays one file, about 0.6 KB an episode
instead of 5.7 KB, and opens without parsing every trajectory. The JSON is escaped so no
string can close the tag; the viewer renders data with `textContent` only, and a
Content-Security-Policy forbids any fetch, so even a missed escape could not load anything.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from ticketbench.records import EpisodeRecord, Run
from ticketbench.report.charts import gap_svg, heat_table, labels, ladder_svg
from ticketbench.report.diffs import Replayer, from_events
from ticketbench.results.board import PRIVILEGED_MARK, Entry, entries, frame_from_entries
from ticketbench.results.render import to_html
from ticketbench.scoring.episode import payment_summaries
from ticketbench.suite.spec import Fact
from ticketbench.trajectory import (
    AgentMessage,
    Event,
    LimitHit,
    ToolCall,
    UserAction,
    UserLeft,
    UserMessage,
)
from ticketbench.users.understand import classify

MAX_TEXT = 6000  # characters kept of one tool result or message
CHUNK = 32  # episodes per compressed block: opening one inflates ~200 KB of JSON
# What the episode list and its filters read of every episode (the index).
LIST_KEYS = (
    *("c", "run", "task", "trial", "cat", "loc", "status", "ok", "lv", "infra"),
    *("tc", "nh", "xh", "ua"),
)
_TZ = ZoneInfo("Asia/Shanghai")  # the simulated clock's local time
_SLOT = re.compile(r"\{\{(\w+)\}\}")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028"}
_JSON_ESCAPES["\u2029"] = "\\u2029"


def embed_json(data: Any) -> str:
    """JSON safe to place inside a `<script>` element (cannot close it or open a comment)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def _clip(text: str, n: int = MAX_TEXT) -> str:
    return text if len(text) <= n else text[:n] + f" … [{len(text) - n} more characters]"


def _when(dt: datetime) -> str:
    return dt.astimezone(_TZ).strftime("%m-%d %H:%M:%S")


def _args(args: dict[str, Any] | None) -> str:
    return "" if args is None else json.dumps(args, ensure_ascii=False, sort_keys=True)


def event_json(e: Event, facts: Sequence[Fact], merged: set[int]) -> dict[str, Any]:
    """One event, compact, with handoffs marked (`hk`: the kind the scorer counts; an order
    summary in `merged` counts with its payment sheet as one confirm)."""
    base: dict[str, Any] = {"k": e.kind, "s": e.seq, "t": _when(e.at)}
    if isinstance(e, UserMessage):
        base.update(text=_clip(e.text), intent=e.intent)
    elif isinstance(e, AgentMessage):
        kind = "summary" if e.seq in merged else classify(e.text, facts)
        base.update(text=_clip(e.text), hk=kind)
    elif isinstance(e, ToolCall):
        base.update(
            name=e.name,
            args=_args(e.args) if e.args is not None else _clip(e.raw_args or ""),
            ok=e.ok,
            err=e.error_code or "",
            out=_clip(e.content),
            ran=e.ran,
            ref=e.ref or "",
        )
        if e.ok and e.name == "request_payment":
            base["hk"] = "confirm"
        elif e.ok and e.name == "transfer_to_human":
            base["hk"] = "escalate"
    elif isinstance(e, UserAction):
        base.update(
            name=e.name,
            args=_args(e.args),
            ok=e.ok,
            err=e.error_code or "",
            out=_clip(e.content, 1500),
            note=e.note,
            ref=e.ref or "",
        )
    elif isinstance(e, LimitHit):
        base.update(limit=e.limit, detail=e.detail)
    elif isinstance(e, UserLeft):
        base.update(reason=e.reason)
    return base


def episode_json(
    rec: EpisodeRecord, cfg: int, run: Run, replayer: Replayer | None
) -> dict[str, Any]:
    """One episode of the viewer: metadata, score, events and state diff."""
    s = rec.score
    out: dict[str, Any] = {
        "c": cfg,
        "run": run.header.run_id,
        "task": rec.task_id,
        "trial": rec.trial,
        "cat": rec.category,
        "loc": rec.locale,
        "tmpl": rec.template,
        "outcome": rec.outcome,
        "purchase": rec.purchase,
        "status": rec.status,
        "ok": None if s is None or rec.status != "ok" else s.success,
        "lv": None if s is None else s.level,
        "infra": "" if rec.infra is None else f"{rec.infra.kind}: {rec.infra.message}",
        "attempts": rec.attempts,
        "tok": rec.usage.input_tokens + rec.usage.output_tokens,
        "cost": rec.usage.cost_usd,
    }
    if s is not None:
        out.update(
            by=s.completed_by,
            tc=s.tool_calls,
            te=s.tool_errors,
            turns=s.turns,
            h=s.handoffs,
            hn=s.handoffs_needed,
            hx=s.handoffs_excess,
            nh=sum(s.handoffs.values()),
            xh=s.excess_handoffs,
            ua=s.user_actions,
            v=s.violations,
            r=[_clip(r, 1500) for r in s.reasons],
            err=s.agent_error or "",
            sus=s.simulator_suspect,
            sim=s.sim_seconds,
        )
    if rec.attack is not None:
        out["atk"] = attack_json(rec)
    facts = replayer.facts(run, rec.task_id) if replayer is not None else ()
    # The scorer's own pairing of order summaries with payment sheets (one confirm handoff).
    merged = payment_summaries(rec.events)
    out["ev"] = [event_json(e, facts, merged) for e in rec.events]
    if rec.status == "ok":
        d = replayer.diff(run, rec) if replayer else from_events(rec.events, "--no-replay")
        out.update(diff=d.rows, diffSrc=d.source, diffNote=d.note)
    return out


def attack_json(rec: EpisodeRecord) -> dict[str, Any]:
    """The episode's attack for the viewer: what was planted where, and the verdict."""
    a = rec.attack
    assert a is not None
    v = a.verdict
    return {
        "spec": a.spec,
        "style": a.plan.style if a.plan else "",
        "goal": a.plan.goal if a.plan else "",
        "planted": [
            {"field": p.field, "ref": p.ref, "text": _clip(p.text, 1500)}
            for p in (a.plan.planted if a.plan else ())
        ],
        "outcome": v.outcome if v is not None else ("not applicable" if a.plan is None else ""),
        "harm": bool(v and v.harm),
        "evidence": list(v.evidence) if v is not None else [],
    }


def pack(data: Any) -> str:
    """`data` as JSON, gzipped (no timestamp: the same data gives the same bytes), in
    base64: what the viewer inflates with `DecompressionStream`."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def payload(items: Sequence[Entry], names: Sequence[str], replay: bool) -> dict[str, Any]:
    """Everything the viewer script reads: the configurations, the packed index of the
    episodes (`LIST_KEYS` of each, in order) and the packed episodes, `CHUNK` a block."""
    replayer = Replayer() if replay else None
    configs: list[dict[str, Any]] = []
    episodes: list[dict[str, Any]] = []
    for i, (entry, name) in enumerate(zip(items, names, strict=True)):
        c = entry.config
        configs.append(
            {"label": name, "agent": c.agent, "model": c.model, "user": c.user, "suite": c.suite}
        )
        for run in entry.runs:
            episodes.extend(episode_json(rec, i, run, replayer) for rec in run.episodes)
    return {
        "configs": configs,
        "count": len(episodes),
        "index": pack([{k: e[k] for k in LIST_KEYS if k in e} for e in episodes]),
        "per": CHUNK,
        "chunks": [pack(episodes[i : i + CHUNK]) for i in range(0, len(episodes), CHUNK)],
    }


def runs_table(runs: Sequence[Run]) -> str:
    """Provenance of every run in the report (escaped: headers are free text)."""
    head = ["Run", "Agent", "Suite", "Created (UTC)", "Commit", "Trials", "Episodes", "Infra"]
    rows: list[list[str]] = []
    for r in runs:
        h = r.header
        commit = (h.git_commit or "–")[:10] + (" (dirty)" if h.git_dirty else "")
        rows.append(
            [
                h.run_id,
                str(h.agent.get("spec", "?"))
                + (f" ({PRIVILEGED_MARK})" if h.settings.privileged else ""),
                f"{h.suite.split}@{h.suite.version}",
                h.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
                commit,
                str(h.settings.trials),
                str(len(r.episodes)) + (" + torn line" if r.torn_tail else ""),
                str(sum(e.status != "ok" for e in r.episodes)),
            ]
        )
    th = "".join(f"<th>{escape(x)}</th>" for x in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<details class="runs"><summary>Runs ({len(runs)})</summary>'
        f'<table class="board"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></details>'
    )


def suspects_table(runs: Sequence[Run]) -> str:
    """Failed episodes in which a reply of the simulated user may have been its own mistake
    (the score's `simulator_suspect`), listed apart: failures the simulator may own."""
    rows: list[list[str]] = []
    for r in runs:
        for e in r.episodes:
            s = e.score
            if s is not None and not s.success and s.simulator_suspect:
                why = "; ".join(s.reasons) or "; ".join(s.violations)
                rows.append(
                    [r.header.run_id, e.task_id, str(e.trial), e.category, e.locale,
                     ", ".join(s.simulator_suspect), _clip(why, 300)]
                )  # fmt: skip
    if not rows:
        return '<p class="meta">No failed episode has a simulator-suspect reply.</p>'
    head = ["Run", "Task", "Trial", "Category", "Locale", "User replies in doubt", "Failure"]
    th = "".join(f"<th>{escape(x)}</th>" for x in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<details class="runs"><summary>Simulator-suspect failures ({len(rows)}): failed '
        "episodes in which the simulated user may have misread the agent</summary>"
        f'<table class="board"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></details>'
    )


def _asset(name: str) -> str:
    return resources.files("ticketbench.report").joinpath(name).read_text(encoding="utf-8")


def _fill(template: str, slots: dict[str, str]) -> str:
    # One pass, so text put into a slot is never scanned for further slots.
    return _SLOT.sub(lambda m: slots[m.group(1)], template)


def build_report(
    runs: Sequence[Run],
    *,
    title: str = "ticketbench report",
    allow_mixed: bool = False,
    replay: bool = True,
) -> str:
    """The report of `runs` as one HTML string (see the module docstring). `replay`: replay
    trajectories to show real state diffs when the installed suite matches the runs."""
    items = entries(runs, allow_mixed)
    df = frame_from_entries(items)
    names = list(labels(df)) if not df.empty else []
    data = payload(items, names, replay)
    n_eps = data["count"]
    suites = sorted({e.config.suite for e in items})
    meta = (
        f"{len(runs)} run(s) · {len(items)} configuration(s) · {n_eps} episode(s) · "
        f"suite {', '.join(suites) or '–'} · generated "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    )
    empty = "<p>No runs.</p>"
    return _fill(
        _asset("template.html"),
        {
            "title": escape(title),
            "meta": escape(meta),
            "style": _asset("style.css"),
            "board": to_html(df),
            "runs": runs_table(runs),
            "suspects": suspects_table(runs),
            "ladder": ladder_svg(df) if not df.empty else empty,
            "gap": gap_svg(df) if not df.empty else empty,
            "categories": heat_table(df, "cat:", "Success % by category") if n_eps else "",
            "locales": heat_table(df, "loc:", "Success % by locale") if n_eps else "",
            "data": embed_json(data),
            "script": _asset("viewer.js"),
        },
    )
