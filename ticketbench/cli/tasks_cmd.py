"""`ticketbench tasks ...`: generate, inspect and validate the task suite."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ticketbench.cli.suites import SUITE_HELP, load_source
from ticketbench.env.world import load_world
from ticketbench.suite.dataset import DEFAULT_SEED
from ticketbench.suite.spec import Task

app = typer.Typer(help="Generate, inspect and validate the task suite.", no_args_is_help=True)
console = Console()


@app.command()
def generate(
    seed: Annotated[
        str,
        typer.Option(
            "--seed",
            help="Generator seed (any text). Any seed but the public one (2026) makes a "
            "held-out suite: the card does not record it, and --out is required.",
        ),
    ] = str(DEFAULT_SEED),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder (default: the installed suite)."),
    ] = None,
) -> None:
    """Generate a complete suite folder (both splits and the dataset card), byte-identical
    for the same seed and world."""
    from ticketbench.suite.dataset import suite_path, write_suite
    from ticketbench.suite.generator import generate as gen

    public = seed == str(DEFAULT_SEED)
    if not public and out is None:
        raise typer.BadParameter(
            "a private seed needs --out DIR (the installed suite is seed 2026)"
        )
    folder = out or suite_path()
    started = time.perf_counter()
    tasks = gen(load_world(), seed)
    digest = write_suite(tasks, folder, seed if public else None)
    took = time.perf_counter() - started
    n = sum(map(len, tasks.values()))
    console.print(f"wrote {n} tasks to {folder} in {took:.1f}s (sha256 {digest[:12]})")


def stats_of(tasks: list[Task]) -> dict[str, Any]:
    """Counts of a split: total, by category, by locale, infeasible share, templates, complete
    zh/en pairs and the smallest share of one language within a template."""
    n = len(tasks)
    return {
        "total": n,
        "by_category": dict(sorted(Counter(t.category for t in tasks).items())),
        "by_locale": dict(sorted(Counter(t.locale for t in tasks).items())),
        "infeasible_share": round(sum(t.infeasible for t in tasks) / n, 4) if n else 0.0,
        "templates": dict(sorted(Counter(t.template for t in tasks).items())),
        "n_templates": len({t.template for t in tasks}),
        "pairs": sum(1 for locales in _pairs(tasks).values() if sorted(locales) == ["en", "zh"]),
        "min_template_locale_share": round(_min_locale_share(tasks), 4),
    }


def _pairs(tasks: list[Task]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in tasks:
        if t.pair_id:
            out.setdefault(t.pair_id, []).append(t.locale)
    return out


def _min_locale_share(tasks: list[Task]) -> float:
    """The smallest share of one language within one template (0.5: perfectly parallel)."""
    per = Counter((t.template, t.locale) for t in tasks)
    sizes = Counter(t.template for t in tasks)
    return min(
        (per[(tmpl, loc)] / n for tmpl, n in sizes.items() for loc in ("zh", "en")), default=0.0
    )


@app.command()
def stats(
    suite: Annotated[str, typer.Option("--suite", help=SUITE_HELP)] = "test",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Counts per category, locale and template."""
    data = stats_of(list(load_source(suite).tasks))
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, value in data.items():
        console.print(f"[bold]{key}[/bold]: {value}")


@app.command()
def show(
    task_id: str,
    suite: Annotated[str, typer.Option("--suite", help=SUITE_HELP)] = "all",
) -> None:
    """Print one task readably."""
    for t in load_source(suite).tasks:
        if t.id == task_id:
            _print(t)
            return
    raise typer.BadParameter(f"no task {task_id}")


def _print(t: Task) -> None:
    console.rule(f"[bold]{t.id}[/bold]  {t.category} / {t.template} / {t.locale} / {t.difficulty}")
    console.print(f"[bold]user[/bold] {t.user_id}   [bold]now[/bold] {t.now.isoformat()}")
    console.print(f"[bold]request[/bold] {t.opening}")
    for f in t.knowledge:
        console.print(
            f"  [dim]knows[/dim] {f.slot}: {f.answer}  [dim]({', '.join(f.triggers)})[/dim]"
        )
    console.print(f"[bold]goal[/bold] {t.goal.summary} (budget {t.goal.budget_fen})")
    if t.setup.orders or t.setup.injections:
        console.print(f"[bold]setup[/bold] {t.setup.model_dump_json(exclude_defaults=True)}")
    e = t.expect
    console.print(f"[bold]expect[/bold] {e.outcome} feasible={e.feasible} handoffs={e.handoffs}")
    for spec in e.orders:
        console.print(f"  order {spec.model_dump_json(exclude_defaults=True)}")
    for item in (*e.refunds, *e.exchanges, *e.must_tell):
        console.print(f"  {item.model_dump_json(exclude_defaults=True)}")
    console.print("[bold]reference[/bold]")
    for i, s in enumerate(t.reference, 1):
        what = f"{s.tool}({json.dumps(s.args, ensure_ascii=False)})" if s.tool else s.text
        console.print(f"  {i:2d}. {s.kind:4s} {what}")


@app.command()
def audit(
    suite: Annotated[str, typer.Option("--suite", help=SUITE_HELP)] = "all",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {checked, discrepancies: [...]} as JSON.")
    ] = False,
) -> None:
    """Check every task's ground truth against the world with an independent brute-force
    solver: answers the spec accepts that the request rules out, answers the request allows
    that the spec refuses, feasibility and reasons, clarifications, counts, approvals and
    after-sale amounts; and over the whole list, whether an opening's wording predicts
    that it cannot be done, or why. Exit status 1 if anything disagrees."""
    from rich.progress import Progress

    from ticketbench.suite.audit import audit_tasks

    source = load_source(suite)
    world = load_world()
    started = time.perf_counter()
    err = Console(stderr=True)
    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        job = bar.add_task(f"auditing {source.label}", total=len(source.tasks))
        report = audit_tasks(source.tasks, world, lambda n: bar.update(job, completed=n))
    took = time.perf_counter() - started
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for d in report.discrepancies:
            console.print(
                f"[red]{d.task_id}[/red] {d.kind}: {d.detail}", highlight=False, soft_wrap=True
            )
        console.print(
            f"audited {report.checked} tasks of {source.label} in {took:.1f}s: "
            f"{len(report.discrepancies)} discrepancies"
        )
    if report.discrepancies:
        raise typer.Exit(1)
