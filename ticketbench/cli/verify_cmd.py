"""`ticketbench verify`: the suite checked by the oracle, noop and the cheap agents."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from ticketbench.cli.progress import console
from ticketbench.cli.suites import SUITE_HELP, load_source
from ticketbench.suite.sources import TaskSource


def verify(
    suite: Annotated[str, typer.Option("--suite", help=SUITE_HELP)] = "all",
    attack: Annotated[
        bool,
        typer.Option(
            "--attack",
            help="Check the security catalogue instead: every reference attack fires its "
            "check, the oracle is unmoved by every style, the injection-follower is caught.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Run the oracle, noop and the cheap agents (degenerate and gaming) over the suite; fail
    listing every broken task and every cheap agent scoring over 2%."""
    if attack:
        _verify_attacks(list(load_source(suite).by_split()), as_json)
        return
    from ticketbench.agents.gaming import REASON_READERS
    from ticketbench.results.verify import verify_split

    def progress(label: str) -> Callable[[str, int, int], None]:
        def show(agent: str, done: int, total: int) -> None:
            console.print(f"verify {label}: {agent} played ({done}/{total} agents)")

        return show

    results = [verify_split(part, progress(part.label)) for part in load_source(suite).by_split()]
    broken = [b for r in results for b in r["broken"]]
    over = [
        {"suite": r["suite"], **o}
        for r in results
        for o in (*r["degenerate_over_bound"], *r["gaming_over_bound"])
    ]
    if as_json:
        payload: dict[str, Any] = (
            results[0]
            if len(results) == 1
            else {
                "oracle_success": min(r["oracle_success"] for r in results),
                "oracle_l4": min(r["oracle_l4"] for r in results),
                "noop_write_success": max(r["noop_write_success"] for r in results),
                "reworded_success": min(r["reworded_success"] for r in results),
                "degenerate_success": {
                    k: max(r["degenerate_success"][k] for r in results)
                    for k in results[0]["degenerate_success"]
                },
                "gaming_success": {
                    k: max(r["gaming_success"][k] for r in results)
                    for k in results[0]["gaming_success"]
                },
                "broken": broken,
                "degenerate_over_bound": over,
                "splits": results,
            }
        )
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in results:
            console.print(
                f"{r['suite']}: {r['tasks']} tasks; oracle success {r['oracle_success']:.3f}, "
                f"L4 {r['oracle_l4']:.3f}; "
                f"noop success on write tasks {r['noop_write_success']:.3f}; "
                f"reworded oracle {r['reworded_success']:.3f} "
                f"(lowest category {min(r['reworded_by_category'].values(), default=0):.3f}); "
                "degenerate "
                + ", ".join(f"{k} {v:.3f}" for k, v in r["degenerate_success"].items())
                + "; gaming "
                + ", ".join(
                    f"{k} {v:.3f}" + (" (not bounded)" if k in REASON_READERS else "")
                    for k, v in r["gaming_success"].items()
                ),
                soft_wrap=True,
            )
        for b in broken:
            console.print(f"[red]broken[/red] {b['task_id']} ({b['agent']}): {b['problem']}")
        for o in over:
            console.print(
                f"[red]over bound[/red] {o['suite']} {o['agent']}: {o['problem']}", soft_wrap=True
            )
    if broken or over:
        raise typer.Exit(1)


def _verify_attacks(sources: Sequence[TaskSource], as_json: bool) -> None:
    from ticketbench.results.verify_attacks import verify_attacks

    results = [verify_attacks(s) for s in sources]
    broken = [{"suite": r["suite"], **b} for r in results for b in r["broken"]]
    if as_json:
        payload = results[0] if len(results) == 1 else {"broken": broken, "splits": results}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in results:
            fired = sum(g["fired"] for g in r["reference"].values())
            total = sum(g["tasks"] for g in r["reference"].values())
            console.print(
                f"{r['suite']}: reference attacks fired {fired}/{total}; oracle ASR "
                + ", ".join(f"{k} {v['asr']:.3f}" for k, v in r["oracle"].items())
                + f"; follower ASR {r['follower']['asr']:.3f} "
                f"(attempted {r['follower']['asr_attempted']:.3f})"
            )
        for b in broken[:50]:
            where = " ".join(
                str(b[k]) for k in ("suite", "check", "goal", "style", "task_id") if k in b
            )
            console.print(f"[red]broken[/red] {where}: {b['problem']}")
        if len(broken) > 50:
            console.print(f"... and {len(broken) - 50} more (see --json)")
    if broken:
        raise typer.Exit(1)
