"""`ticketbench users calibrate`: the scripted user against an LLM user on the same tasks."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ticketbench.agents.registry import ConfigError
from ticketbench.cli.flags import key_values
from ticketbench.cli.output import print_error, stdout_console
from ticketbench.cli.progress import console, with_progress
from ticketbench.cli.suites import SUITE_HELP
from ticketbench.records import NotARun
from ticketbench.results.calibration import Calibration, compare_runs
from ticketbench.results.lifecycle import (
    RunError,
    RunResult,
    new_run_dir,
    select_tasks,
    start_run,
    suite_checked,
    task_source,
)
from ticketbench.results.store import RunInUse, StoreError
from ticketbench.settings import RunSettings
from ticketbench.suite.sources import TaskSource

app = typer.Typer(help="The simulated users.", no_args_is_help=True)


@app.command("calibrate")
def calibrate(
    llm_user: Annotated[
        str,
        typer.Option(
            "--llm-user",
            help="The LLM user to compare with the scripted one: PRESET:MODEL "
            "(openai:MODEL, anthropic:MODEL, vllm:MODEL, ...).",
        ),
    ],
    agent: Annotated[
        str, typer.Option("--agent", help="The agent both users talk to (default: oracle).")
    ] = "oracle",
    suite: Annotated[str, typer.Option("--suite", help=SUITE_HELP)] = "dev",
    tasks: Annotated[
        str | None, typer.Option("--tasks", help="Comma-separated task ids or categories.")
    ] = None,
    user_opt: Annotated[
        list[str] | None,
        typer.Option("--user-opt", help="LLM user option KEY=VALUE (JSON values), repeatable."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="The LLM user's server (OpenAI-compatible).")
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1)] = 4,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the two runs (scripted/ and llm/)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Play the same agent on the same tasks with the scripted user and with an LLM user,
    and report where the two users disagree, per task and turn.

    The scripted user stays the default everywhere else; the payment gate is deterministic
    in both runs. Exit 0 when it compared, 2 when it could not start."""
    try:
        source = task_source(suite)
        chosen = suite_checked(lambda: select_tasks(source, tasks))
        settings = RunSettings(concurrency=concurrency)
        base = out if out is not None else new_run_dir(None, f"calibrate-{llm_user}")
        options = key_values(user_opt, base_url, "--user-opt")
        runs = {
            name: _play(agent, source, settings, tasks, base / name, user, opts, len(chosen))
            for name, user, opts in (("scripted", "scripted", {}), ("llm", llm_user, options))
        }
        locales = {t.id: t.locale for t in chosen}
        cal = compare_runs(runs["scripted"], runs["llm"], locales)
    except (RunError, ConfigError, NotARun, RunInUse, StoreError) as err:
        print_error(err)
        raise typer.Exit(2) from err
    if as_json:
        payload = {
            "summary": cal.summary(),
            "runs": {k: str(v) for k, v in runs.items()},
            "tasks": [asdict(t) for t in cal.tasks],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    stdout_console().print(_table(cal))
    s = cal.summary()
    console.print(
        f"{s['agree']} of {s['tasks']} tasks in full agreement; success scripted "
        f"{s['success_scripted']}, llm {s['success_llm']}; runs in {base}",
        soft_wrap=True,
        highlight=False,
    )


def _play(
    agent: str,
    source: TaskSource,
    settings: RunSettings,
    tasks: str | None,
    out: Path,
    user: str,
    options: dict[str, Any],
    total: int,
) -> Path:
    """Play one run of `agent` with `user`; returns its run directory."""

    async def job(progress: Any) -> RunResult:
        return await start_run(
            agent_spec=agent,
            suite=source,
            settings=settings,
            selection=tasks,
            out=out,
            user_spec=user,
            user_options=options,
            progress=progress,
        )

    label = f"{agent} + {out.name} user"
    return asyncio.run(with_progress(label, total, job)).run_dir


def _table(cal: Calibration) -> Table:
    table = Table(title="scripted vs LLM user: disagreements")
    for col in ("task", "turn", "kind", "agent said", "scripted user", "LLM user"):
        table.add_column(col, overflow="fold")
    for d in cal.disagreements:
        table.add_row(
            f"{d.task_id}#{d.trial}" if d.trial else d.task_id,
            "–" if d.turn is None else str(d.turn),
            d.kind,
            escape(_short(d.agent_said)),
            escape(_short(d.scripted)),
            escape(_short(d.llm)),
        )
    return table


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
