"""Synthetic run directories for the leaderboard, check and report tests.

`make_run(root, name, style=...)` writes a realistic `header.json` + `episodes.jsonl` built
from `RunHeader` / `EpisodeRecord` objects: several categories and locales, trials, levels,
handoffs (clarify, confirm, navigate), tool calls with results, user app actions, grader
reasons, infra errors on request, and adversarial strings in the conversation (the report
must render them as text). Deterministic for a given seed.

Styles: `oracle` (always L4), `navigator` (hands over a link; the user finishes: L2),
`noop` (does nothing; passes only tasks that need no write), `llm` (succeeds with
probability `skill`, otherwise stops somewhere on the ladder).
"""

from __future__ import annotations

import base64
import gzip
import json
import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from ticketbench.env.world import WORLD_VERSION
from ticketbench.records import (
    EpisodeRecord,
    EpisodeScore,
    EpisodeUsage,
    InfraInfo,
    RunHeader,
    SuiteRef,
    Timing,
)
from ticketbench.results.store import rewrite_episodes, write_header
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import CATEGORIES
from ticketbench.trajectory import AgentMessage, Event, ToolCall, UserAction, UserLeft, UserMessage

Style = Literal["oracle", "navigator", "noop", "llm"]
EVIL = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
T0 = datetime(2026, 3, 14, 2, 0, tzinfo=UTC)


def task_ids(n_per_category: int = 2) -> list[str]:
    """Task ids in run order: `dev-<category>-NNN`, `n_per_category` of each category."""
    return [f"dev-{c}-{i:03d}" for c in CATEGORIES for i in range(n_per_category)]


def _meta(task_id: str) -> tuple[str, str, bool, bool]:
    """category, locale, purchase, needs_write of a synthetic task id."""
    cat = task_id.split("-", 1)[1].rsplit("-", 1)[0]
    num = int(task_id.rsplit("-", 1)[1])
    locale = "zh" if num % 2 == 0 else "en"
    purchase = cat not in ("infeasible", "after_purchase")
    needs_write = cat != "infeasible"
    return cat, locale, purchase, needs_write


class _Clock:
    def __init__(self) -> None:
        self.seq = 0
        self.at = T0

    def tick(self, seconds: float = 5.0) -> dict[str, Any]:
        """`seq` and `at` of the next event, `seconds` after the previous one."""
        self.seq += 1
        self.at += timedelta(seconds=seconds)
        return {"seq": self.seq, "at": self.at}


def _trajectory(
    task_id: str, locale: str, style: Style, level: int, success: bool
) -> tuple[list[Event], int]:
    """Events of one episode, and the user's app actions."""
    c = _Clock()
    ev: list[Event] = []
    opening = (
        f"帮我买两张今晚的票 ({task_id})" if locale == "zh" else f"Two tickets tonight ({task_id})"
    )
    ev.append(UserMessage(**c.tick(0), text=opening, intent="opening"))
    if style == "noop":
        ev.append(UserLeft(**c.tick(30), reason="patience"))
        return ev, 0
    ev.append(
        ToolCall(
            **c.tick(),
            name="search_showtimes",
            args={"movie": "Dune: Part Two", "date": "2026-03-14"},
            ok=True,
            content=f"st-0042 19:30 IMAX hall 3 ¥89\nst-0043 21:10 2D ¥59\nnote: {EVIL}",
        )
    )
    ev.append(
        ToolCall(
            **c.tick(),
            name="get_seat_map",
            args={"showtime_id": "st-9999"},
            ok=False,
            error_code="not_found",
            content='{"error": "not_found", "message": "no showtime st-9999"}',
        )
    )
    actions = 0
    if style == "navigator" or level == 2:
        link = "ticketbench://showtime/st-0042"
        ev.append(AgentMessage(**c.tick(30), text=f"You can book here: {link}"))
        for name in ("open_link", "pick_seats", "apply_coupon", "pay_order"):
            ev.append(UserAction(**c.tick(8), name=name, args={"url": link}, ok=True))
            actions += 1
    elif level >= 3:
        if task_id.split("-")[1] == "clarify":
            ev.append(AgentMessage(**c.tick(30), text="Which evening works best for you?"))
            ev.append(UserMessage(**c.tick(0), text="Saturday, please.", intent="clarify"))
        ev.append(
            ToolCall(
                **c.tick(),
                name="create_order",
                args={"showtime_id": "st-0042", "seats": ["F7", "F8"]},
                ok=True,
                content="order o-1001 held until 19:15: 2 × ¥89 = ¥178",
                ref="o-1001",
            )
        )
        ev.append(AgentMessage(**c.tick(30), text="Order o-1001: F7+F8, ¥178. Shall I pay?"))
        ev.append(
            ToolCall(
                **c.tick(),
                name="request_payment",
                args={"order_id": "o-1001"},
                ok=True,
                content="payment sheet pr-7 sent to the user",
                ref="pr-7",
            )
        )
        if level == 4:
            ev.append(UserAction(**c.tick(8), name="approve_payment", args={}, ok=True))
            actions += 1
        else:
            ev.append(
                UserAction(
                    **c.tick(8), name="decline_payment", args={}, ok=True, note="total over budget"
                )
            )
            actions += 1
    else:
        ev.append(AgentMessage(**c.tick(30), text=f"I could not find it. {EVIL}"))
    ev.append(UserLeft(**c.tick(30), reason="goal_met" if success else "patience"))
    return ev, actions


def _episode(
    task_id: str, trial: int, style: Style, rng: random.Random, skill: float, fail: bool
) -> EpisodeRecord:
    cat, locale, purchase, needs_write = _meta(task_id)
    by: Literal["agent", "user", "none"] = "none"
    if style == "oracle":
        success, level, by = True, 4, "agent"
    elif style == "noop":
        success, level = not needs_write, 0
        by = "agent" if success else "none"
    elif style == "navigator":
        success, level, by = purchase, 2 if purchase else 0, "user" if purchase else "none"
    else:
        success = rng.random() < skill
        level = 4 if success else rng.choice([0, 1, 2, 3])
        by = "agent" if success else "none"
    if fail:
        success, level, by = False, 0, "none"
    events, actions = _trajectory(task_id, locale, style, level, success)
    calls = [e for e in events if isinstance(e, ToolCall)]
    msgs = [e for e in events if isinstance(e, AgentMessage)]
    handoffs = {"navigate": 1} if level == 2 else ({"confirm": 1} if level >= 3 else {})
    if cat == "clarify" and level >= 3:
        handoffs["clarify"] = 1
    excess = {"inform": 1} if msgs and not handoffs else {}
    if excess:
        handoffs = {**handoffs, **excess}
    reasons = [] if success else [f"order for {task_id}: no paid order matches the spec", EVIL]
    inp, out = (0, 0) if style != "llm" else (1800 + rng.randint(0, 400), 120)
    score = EpisodeScore(
        success=success,
        reasons=reasons,
        state_ok=success,
        messages_ok=True,
        completed_by=by,
        level=level if purchase else (4 if success else 0),
        tool_calls=len(calls),
        tool_errors=sum(not c.ok for c in calls),
        turns=len(msgs),
        handoffs=handoffs,
        handoffs_needed={"confirm": 1} if purchase else {},
        handoffs_excess=excess,
        necessary_handoffs=sum(handoffs.values()) - sum(excess.values()),
        excess_handoffs=sum(excess.values()),
        user_actions=actions,
        violations=["write_before_clarify"] if level == 1 else [],
        input_tokens=inp,
        output_tokens=out,
        cost_usd=(inp * 2.5 + out * 10) / 1e6,
        sim_seconds=(events[-1].at - events[0].at).total_seconds(),
    )
    return EpisodeRecord(
        task_id=task_id,
        trial=trial,
        seed=rng.randint(0, 2**31),
        category=cat,
        locale=locale,
        template=f"{cat}.basic",
        outcome="purchase" if purchase else "no_purchase",
        purchase=purchase,
        needs_write=needs_write,
        events=events,
        final_digest=f"{rng.getrandbits(64):016x}",
        score=score,
        usage=EpisodeUsage(model="gpt-x" if style == "llm" else "", input_tokens=inp),
        timing=Timing(started_at=T0, wall_s=0.5),
    )


def _infra_episode(task_id: str, trial: int) -> EpisodeRecord:
    cat, locale, purchase, needs_write = _meta(task_id)
    return EpisodeRecord(
        task_id=task_id,
        trial=trial,
        seed=0,
        category=cat,
        locale=locale,
        purchase=purchase,
        needs_write=needs_write,
        status="infra_error",
        attempts=5,
        infra=InfraInfo(kind="rate_limit", message="429 Too Many Requests", attempts=5),
        timing=Timing(started_at=T0, wall_s=1.0),
    )


def make_run(
    root: Path,
    name: str,
    *,
    style: Style = "oracle",
    agent: str | None = None,
    model: str = "",
    user: str = "scripted",
    trials: int = 2,
    tasks: Sequence[str] | None = None,
    version: str = "1.0.0",
    checksum: str = "c0ffee",
    split: str = "dev",
    skill: float = 0.7,
    seed: int = 0,
    fail_tasks: Iterable[str] = (),
    infra: Iterable[tuple[str, int]] = (),
) -> Path:
    """Write a synthetic run to `root/name` and return its directory."""
    ids = list(tasks) if tasks is not None else task_ids()
    failing, broken = set(fail_tasks), set(infra)
    rng = random.Random(f"{name}:{seed}")
    run_dir = root / name
    agent_info: dict[str, Any] = {"spec": agent or style, "class": f"agents.{style}"}
    if model:
        agent_info["model"] = model
    header = RunHeader(
        run_id=f"{name}-{seed}",
        created_at=T0,
        git_commit="0123456789abcdef",
        suite=SuiteRef(split=split, version=version, checksum=checksum, task_ids=ids),
        world_version=WORLD_VERSION,
        agent=agent_info,
        user={"spec": user, "patience": 8},
        settings=RunSettings(trials=trials, seed=seed),
    )
    write_header(run_dir, header)
    records: list[EpisodeRecord] = []
    for tid in ids:
        for trial in range(trials):
            if (tid, trial) in broken:
                records.append(_infra_episode(tid, trial))
            else:
                records.append(_episode(tid, trial, style, rng, skill, tid in failing))
    rewrite_episodes(run_dir, records)
    return run_dir


def report_data(html: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """What a report embeds: its data element, the index and the episodes (unpacked from
    gzip in base64, see `ticketbench/report/build.py`)."""
    raw = html.split('<script type="application/json" id="report-data">')[1].split("</script>")[0]
    data = json.loads(raw)

    def unpack(text: str) -> Any:
        return json.loads(gzip.decompress(base64.b64decode(text, validate=True)))

    episodes = [e for c in data["chunks"] for e in unpack(c)]
    return data, unpack(data["index"]), episodes


def report_text(html: str) -> str:
    """The report's HTML with its packed episodes spelled out as compact JSON: everything a
    reader of the page can see, for tests that search it."""
    _, index, episodes = report_data(html)
    return html + json.dumps([index, episodes], ensure_ascii=False, separators=(",", ":"))
