"""`ticketbench leaderboard`, `gate`, `baseline save` and `report`: turning runs into tables,
CI verdicts and a shareable HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ticketbench.agents.llm.presets import configured_secrets
from ticketbench.cli.suites import load_source
from ticketbench.records import Run
from ticketbench.results.board import (
    MixedSuitesError,
    RunLoadError,
    leaderboard_frame,
    load_run,
    load_runs,
)
from ticketbench.results.gate import BaselineError, check, load_baseline, save_baseline, to_markdown
from ticketbench.results.render import RENDERERS
from ticketbench.results.store import scrubbed
from ticketbench.suite.sources import TaskSource

# `check` owns 0/1/2 (ok / regression / not comparable); unreadable inputs get their own code.
EXIT_BAD_INPUT = 3

baseline_app = typer.Typer(help="Save the baseline a CI check compares runs against.")

Format = Literal["md", "csv", "json", "html"]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}", err=True)


def _on_suite(runs: list[Run], source: TaskSource) -> list[Run]:
    """The runs played on `source` (same checksum; the same split unless it covers all)."""
    kept = [
        r
        for r in runs
        if r.header.suite.checksum == source.checksum
        and (source.split == "all" or r.header.suite.split == source.split)
    ]
    if not kept:
        raise _fail(f"none of the {len(runs)} run(s) given is on {source.label}")
    return kept


def leaderboard(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Run directories, or folders searched recursively for runs (default: results/)."
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output format: md, csv, json or html.")
    ] = "md",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    allow_mixed: Annotated[
        bool, typer.Option("--allow-mixed", help="Allow runs on different suites in one table.")
    ] = False,
    suite: Annotated[
        str | None,
        typer.Option(
            "--suite",
            help="Only runs on this suite: dev, test, all, a suite folder (e.g. a held-out "
            "one) or a task file. Runs are matched by the suite's checksum.",
        ),
    ] = None,
) -> None:
    """One row per agent configuration (agent, model, user mode, suite, trials): success with
    its 95% CI, pass^k, the L0-L4 ladder, the navigation-agent gap, steps, handoffs, user
    actions, violations, tokens, cost and success per category and locale. Comparable runs of
    one configuration are pooled; infra-error episodes are excluded and counted apart."""
    if fmt not in RENDERERS:
        raise _fail(f"unknown format {fmt!r}; expected one of {', '.join(RENDERERS)}", 2)
    try:
        runs = load_runs(paths or [Path("results")], warn=_warn)
        if suite is not None:
            runs = _on_suite(runs, load_source(suite))
        frame = leaderboard_frame(runs, allow_mixed=allow_mixed)
    except (RunLoadError, MixedSuitesError) as err:
        raise _fail(str(err)) from err
    _emit(RENDERERS[fmt](frame), out)


def gate_cmd(
    run_dir: Annotated[Path, typer.Argument(help="The run to check.")],
    baseline: Annotated[
        Path, typer.Option("--baseline", "-b", help="Baseline JSON (`ticketbench baseline save`).")
    ],
    max_drop: Annotated[
        float,
        typer.Option(
            "--max-drop",
            min=0.0,
            max=1.0,
            help="Tolerated drop of a metric, as a share (0.02 = 2 points), on top of chance.",
        ),
    ] = 0.0,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the markdown verdict here.")
    ] = None,
) -> None:
    """Compare a run with a baseline and print a markdown verdict. Exit 0: no regression;
    1: regression (a metric fell beyond chance and --max-drop, or a task that passed every
    baseline trial fails every trial now); 2: not comparable (other suite or task set);
    3: the run or the baseline cannot be read."""
    try:
        base = load_baseline(baseline)
        run = load_run(run_dir)
    except (BaselineError, RunLoadError) as err:
        raise _fail(str(err), EXIT_BAD_INPUT) from err
    for problem in run.problems():
        _warn(f"{run_dir}: {problem}")
    verdict = check(run, base, max_drop)
    text = to_markdown(verdict)
    typer.echo(text, nl=False)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    raise typer.Exit(verdict.code)


@baseline_app.callback()
def _baseline_group() -> None:
    """Save the baseline a CI check compares runs against."""


@baseline_app.command("save")
def baseline_save(
    run_dir: Annotated[Path, typer.Argument(help="The run to condense.")],
    file: Annotated[Path, typer.Argument(help="Where to write the baseline JSON.")],
) -> None:
    """Write a baseline: suite version and checksum, task ids, per-task pass counts and
    trials, headline proportions and means, and the agent configuration."""
    try:
        run = load_run(run_dir)
    except RunLoadError as err:
        raise _fail(str(err)) from err
    for problem in run.problems():
        _warn(f"{run_dir}: {problem}")
    if not any(e.status == "ok" for e in run.episodes):
        raise _fail(f"{run_dir}: no scored episode: nothing to save as a baseline")
    base = save_baseline(run, file)
    rate = base.proportions["success"]
    typer.echo(
        f"wrote {file}: {len(base.task_ids)} tasks, success {rate.hits}/{rate.n} "
        f"on {base.suite.split}@{base.suite.version}"
    )


def report(
    paths: Annotated[
        list[Path], typer.Argument(help="Run directories, or folders searched for runs.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    allow_mixed: Annotated[
        bool, typer.Option("--allow-mixed", help="Allow runs on different suites.")
    ] = False,
    title: Annotated[str, typer.Option("--title", help="Title of the report.")] = (
        "ticketbench report"
    ),
    replay: Annotated[
        bool,
        typer.Option(
            "--replay/--no-replay",
            help="Replay trajectories to show real state diffs (when the installed suite is "
            "the runs' suite); without it, the viewer lists the writes of the trajectory.",
        ),
    ] = True,
) -> None:
    """One self-contained HTML file (no network): the leaderboard, the ladder and gap charts,
    success by category and locale, and a trajectory viewer of every episode."""
    from ticketbench.report import build_report  # the report pulls in templates; load on demand

    try:
        # Runs written before secrets were scrubbed (or under another key) may hold one.
        secrets = configured_secrets()
        runs = [scrubbed(r, secrets) for r in load_runs(paths, warn=_warn)]
        html = build_report(runs, title=title, allow_mixed=allow_mixed, replay=replay)
    except (RunLoadError, MixedSuitesError) as err:
        raise _fail(str(err)) from err
    _emit(html, out)
