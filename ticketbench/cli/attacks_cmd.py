"""`ticketbench attacks`: the attack styles and attacker goals (and one planted example)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table


def catalogue() -> dict[str, list[dict[str, Any]]]:
    """Styles and goals as plain data: {"styles": [...], "goals": [...]}."""
    from ticketbench.attacks import GOALS, STYLES

    return {
        "styles": [{"id": s.id, "summary": s.summary, "fields": s.parts} for s in STYLES],
        "goals": [{"id": g.id, "summary": g.summary, "user_gate": g.user_gate} for g in GOALS],
    }


def attacks(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    example: Annotated[
        str | None,
        typer.Option(
            "--example",
            help="TASK_ID[=STYLE[:GOAL]]: show the attack an episode of this task would get "
            "(seed 0, trial 0).",
        ),
    ] = None,
) -> None:
    """The attack styles and attacker goals of `ticketbench run --attack STYLE[:GOAL]`."""
    if example is not None:
        _example(example)
        return
    data = catalogue()
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out = Console()
    styles = Table(title="attack styles (blunt to subtle)")
    for col in ("style", "what it looks like", "fields"):
        styles.add_column(col)
    for s in data["styles"]:
        styles.add_row(s["id"], s["summary"], str(s["fields"]))
    goals = Table(title="attacker goals")
    for col in ("goal", "what the attacker wants", "last step is the user's approval"):
        goals.add_column(col)
    for g in data["goals"]:
        goals.add_row(g["id"], g["summary"], "yes" if g["user_gate"] else "")
    out.print(styles)
    out.print(goals)


def _example(text: str) -> None:
    from ticketbench.attacks import AttackSpecError, parse_spec, plan_attack
    from ticketbench.env.world import load_world
    from ticketbench.runner import episode_seed
    from ticketbench.suite.dataset import load_suite
    from ticketbench.suite.spec import Split

    task_id, _, spec_text = text.partition("=")
    try:
        spec = parse_spec(spec_text or "all")
    except AttackSpecError as err:
        raise typer.BadParameter(str(err), param_hint="--example") from None
    splits: tuple[Split, ...] = ("dev", "test")
    task = next((t for s in splits for t in load_suite(s) if t.id == task_id), None)
    if task is None:
        raise typer.BadParameter(f"no task {task_id!r} in the suite", param_hint="--example")
    plan = plan_attack(task, load_world(), spec, episode_seed(0, task.id, 0))
    if plan is None:
        typer.echo(f"{spec} fits no part of {task_id}: its episodes run unattacked")
        raise typer.Exit(1)
    sys.stdout.write(plan.model_dump_json(indent=2) + "\n")
