"""`ticketbench run / regrade`: play episodes, re-score runs."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from ticketbench.agents.llm.presets import PRESETS
from ticketbench.agents.registry import ConfigError, is_plugin
from ticketbench.cli.flags import key_values, run_settings
from ticketbench.cli.output import print_error, stdout_console, terminal_table
from ticketbench.cli.progress import console, with_progress
from ticketbench.records import NotARun, read_header
from ticketbench.results.lifecycle import (
    RunError,
    RunResult,
    resume,
    start_run,
    summarize_run,
    task_source,
)
from ticketbench.results.regrade import regrade
from ticketbench.results.store import RunInUse, StoreError, finished_keys
from ticketbench.runner import Executor, ExecutorError, make_executor
from ticketbench.settings import RunSettings
from ticketbench.suite.sources import TaskSource

BASELINES = ("oracle", "noop", "navigator")


def _play(
    agent: str,
    source: TaskSource,
    settings: RunSettings,
    tasks: str | None,
    out: Path | None,
    user: str,
    options: dict[str, Any],
    user_options: dict[str, Any] | None = None,
    executor: Executor | None = None,
) -> RunResult:
    from ticketbench.results.lifecycle import new_run_dir, select_tasks, suite_checked

    total = len(suite_checked(lambda: select_tasks(source, tasks))) * settings.trials
    out = out if out is not None else new_run_dir(None, agent)

    async def job(progress: Any) -> RunResult:
        return await start_run(
            agent_spec=agent,
            suite=source,
            settings=settings,
            selection=tasks,
            out=out,
            user_spec=user,
            user_options=user_options,
            agent_options=options,
            progress=progress,
            executor=executor,
        )

    return _interruptible(out, lambda: asyncio.run(with_progress(agent, total, job)))


def _interruptible(run_dir: Path, play: Callable[[], RunResult]) -> RunResult:
    """Run `play`; on Ctrl-C say where the finished episodes are and how to go on."""
    try:
        return play()
    except KeyboardInterrupt:
        console.print(
            f"[yellow]interrupted: every finished episode is saved in {run_dir}; "
            f"finish with: ticketbench run --resume {run_dir}[/yellow]",
            soft_wrap=True,
        )
        raise typer.Exit(130) from None


EXIT_INFRA = 3  # the run stopped because the infrastructure failed (auth, dead server)


def _report_end(result: RunResult) -> None:
    p = result.progress
    if p.stopped == "cost_limit":
        console.print(
            f"[yellow]stopped at the cost limit after {p.done} episodes; "
            f"finish with: ticketbench run --resume {result.run_dir}[/yellow]"
        )
    elif p.stopped == "infra":
        console.print(
            f"[red]error:[/red] run stopped: {escape(p.stop_reason)}; "
            f"fix it, then finish with: ticketbench run --resume {result.run_dir}",
            soft_wrap=True,
        )
    console.print(f"run directory: {result.run_dir}", soft_wrap=True)


def _resume_conflicts(ctx: typer.Context) -> list[str]:
    """Flags given on the command line next to --resume (which takes the run's own)."""
    allowed = {"resume_dir", "as_json", "retry_infra", "executor", "workers", "ray_address"}
    given = []
    for param in ctx.command.params:
        name = param.name or ""
        if name in allowed:
            continue
        source = ctx.get_parameter_source(name)
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            given.append(param.opts[0] if getattr(param, "opts", None) else name)
    return given


def _attack_spec(text: str | None) -> str | None:
    """The --attack value, checked (a one-line error names the styles or goals)."""
    if text is None:
        return None
    from ticketbench.attacks import AttackSpecError, parse_spec

    try:
        return str(parse_spec(text))
    except AttackSpecError as err:
        raise typer.BadParameter(str(err), param_hint="--attack") from None


def run(
    ctx: typer.Context,
    agent: Annotated[
        str | None,
        typer.Option(
            "--agent",
            help="oracle | noop | navigator | openai:MODEL | anthropic:MODEL | PRESET:MODEL | "
            "replay:RUN_DIR | module:Class. Omitted: run the three baselines side by side.",
        ),
    ] = None,
    suite: Annotated[
        str,
        typer.Option(
            "--suite",
            help="dev, test, a suite folder (its test split; `tasks generate --out` writes one) "
            "or a task file (JSON lines).",
        ),
    ] = "dev",
    trials: Annotated[int, typer.Option("--trials", min=1, help="Trials per task.")] = 1,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1)] = 8,
    tasks: Annotated[
        str | None,
        typer.Option("--tasks", help="Comma-separated task ids, categories or templates."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Run directory to create.")] = None,
    resume_dir: Annotated[
        Path | None, typer.Option("--resume", help="Finish an interrupted run directory.")
    ] = None,
    user: Annotated[
        str,
        typer.Option(
            "--user",
            help="Simulated user: scripted (deterministic) or an LLM, PRESET:MODEL "
            "(openai:MODEL, anthropic:MODEL, dashscope:qwen-plus, ...). The payment approval "
            "stays deterministic either way.",
        ),
    ] = "scripted",
    user_opt: Annotated[
        list[str] | None,
        typer.Option("--user-opt", help="LLM user option KEY=VALUE (JSON values), repeatable."),
    ] = None,
    cache: Annotated[
        str | None,
        typer.Option(
            "--cache",
            help="Model response cache for LLM agents and users: on | off | refresh (default off).",
        ),
    ] = None,
    prices: Annotated[
        Path | None,
        typer.Option("--prices", help="TOML/JSON price table overriding the built-in prices."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds per episode (hard).")
    ] = 300.0,
    max_steps: Annotated[int, typer.Option("--max-steps", help="Tool calls per episode.")] = 60,
    max_turns: Annotated[int, typer.Option("--max-turns", help="Messages per episode.")] = 20,
    cost_limit: Annotated[
        float | None, typer.Option("--cost-limit", help="Stop (resumably) at this many USD.")
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Run seed (episode seeds derive from it).")
    ] = 0,
    attack: Annotated[
        str | None,
        typer.Option(
            "--attack",
            help="Plant an attack in every episode: STYLE[:GOAL] (STYLE may be 'all'; no GOAL: "
            "one drawn per episode). See `ticketbench attacks`.",
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible URL.")
    ] = None,
    agent_opt: Annotated[
        list[str] | None,
        typer.Option("--agent-opt", help="Agent option KEY=VALUE (JSON values), repeatable."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    executor: Annotated[
        str,
        typer.Option(
            "--executor",
            help="Where episodes play: local (this process), process (--workers processes on "
            "this machine) or ray (a Ray cluster; needs the ray extra). Records are the same.",
        ),
    ] = "local",
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Worker processes or Ray actors (default: the CPU count)."),
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="Join this Ray cluster (default: start a local one)."),
    ] = None,
    privileged: Annotated[
        bool,
        typer.Option(
            "--privileged",
            help="Run a module:Class agent in this process and hand it each task through its "
            "for_episode(task, trial, seed). The run is marked privileged in its header, the "
            "leaderboard and the report, and never ranked beside others.",
        ),
    ] = False,
    retry_infra: Annotated[
        bool,
        typer.Option(
            "--retry-infra/--keep-infra-errors",
            help="With --resume: play again the episodes recorded as infra_error (default), "
            "or keep them as they are.",
        ),
    ] = True,
) -> None:
    """Run an agent over the suite and print its scores; with no --agent, the baselines.

    Exit 0: played (or stopped at --cost-limit); 2: cannot start or go on (bad input,
    unreadable data, an unreachable or refusing endpoint, a full disk), with one line
    saying why; 3: stopped because the infrastructure failed (a rejected key, the same
    error on every episode); 130: interrupted. Every finished episode is kept; finish with
    --resume."""
    try:
        where = make_executor(executor, workers=workers, ray_address=ray_address)
        if resume_dir is not None:
            conflicts = _resume_conflicts(ctx)
            if conflicts:
                raise typer.BadParameter(
                    f"--resume takes the agent, suite, tasks and settings from the run's header; "
                    f"drop {', '.join(conflicts)} (or start a new run with --out)"
                )
            header = read_header(resume_dir)
            left = len(header.suite.task_ids) * header.settings.trials
            left -= len(finished_keys(resume_dir, retry_infra=retry_infra))
            result = _interruptible(
                resume_dir,
                lambda: asyncio.run(
                    with_progress(
                        "resume",
                        left,
                        lambda p: resume(
                            resume_dir, progress=p, retry_infra=retry_infra, executor=where
                        ),
                    )
                ),
            )
            _finish([("resumed", result)], as_json)
            return
        settings = run_settings(
            trials=trials,
            concurrency=concurrency,
            timeout_s=timeout,
            max_steps=max_steps,
            max_turns=max_turns,
            cost_limit_usd=cost_limit,
            seed=seed,
            attack=_attack_spec(attack),
            privileged=privileged,
        )
        if privileged and (agent is None or not is_plugin(agent)):
            raise typer.BadParameter(
                "--privileged applies to a module:Class agent (the baselines already read "
                "what they need)"
            )
        source = task_source(suite)
        options = key_values(agent_opt, base_url)
        user_options = key_values(user_opt, None, "--user-opt")
        if cache is not None:
            if cache not in ("on", "off", "refresh"):
                raise typer.BadParameter("--cache must be on, off or refresh")
            options.setdefault("cache", cache)
            user_options.setdefault("cache", cache)
        if prices is not None:
            options.setdefault("prices", str(prices))
            user_options.setdefault("prices", str(prices))
        if agent is None:
            results = []
            for name in BASELINES:
                run_dir = out / name if out is not None else None
                played = _play(
                    name, source, settings, tasks, run_dir, user, {}, user_options, where
                )
                results.append((name, played))
            _finish(results, as_json)
            return
        if agent.partition(":")[0] not in PRESETS:
            # baselines, replays and plugins take no cache or price options
            options.pop("cache", None)
            options.pop("prices", None)
        result = _play(agent, source, settings, tasks, out, user, options, user_options, where)
        _finish([(agent, result)], as_json)
    except (RunError, ConfigError, NotARun, RunInUse, StoreError, ExecutorError) as err:
        print_error(err)
        raise typer.Exit(2) from err
    except OSError as err:  # the file system refused something not foreseen above
        print_error(f"{getattr(err, 'filename', None) or ''} {err.strerror or err}".strip())
        raise typer.Exit(2) from err


def _finish(results: list[tuple[str, RunResult]], as_json: bool) -> None:
    summaries = [(name, summarize_run(r.run_dir)) for name, r in results]
    stopped = [r for _, r in results if r.progress.stopped == "infra"]
    if as_json:
        payload = {
            name: {"run_dir": str(r.run_dir), **s.model_dump(mode="json")}
            for (name, r), (_, s) in zip(results, summaries, strict=True)
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        stdout_console().print(terminal_table([r.run_dir for _, r in results]))
    for _, r in results:
        _report_end(r)
    if stopped:
        raise typer.Exit(EXIT_INFRA)


def regrade_cmd(
    run_dir: Annotated[Path, typer.Argument(help="A run directory.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Re-score a run's saved trajectories with the current checker and scoring.

    Refused while a run or resume writes the directory. Damaged lines are kept as they
    were, named on stderr, and make the exit code 1."""
    try:
        res = regrade(run_dir)
    except (RunError, NotARun, RunInUse, StoreError, FileNotFoundError) as err:
        print_error(err)
        raise typer.Exit(2) from err
    summary = summarize_run(run_dir)
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "episodes": res.episodes,
                    "changed": res.changed,
                    "digest_mismatch": res.digest_mismatch,
                    "damaged_lines": res.damaged,
                    "summary": summary.model_dump(mode="json"),
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        stdout_console().print(terminal_table([run_dir]))
        console.print(f"re-scored {res.episodes} episodes; {len(res.changed)} changed")
        for line in res.changed:
            console.print(f"  {line}")
        if res.digest_mismatch:
            console.print(
                f"[yellow]{len(res.digest_mismatch)} replays did not reach the recorded state "
                f"(env changed since the run?): {', '.join(res.digest_mismatch[:10])}[/yellow]"
            )
    if res.damaged:
        shown = ", ".join(str(n) for n in res.damaged[:10])
        console.print(
            f"[yellow]warning:[/yellow] {run_dir / 'episodes.jsonl'}: {len(res.damaged)} "
            f"damaged line(s) kept as they were, not re-scored (line {shown})",
            soft_wrap=True,
        )
        raise typer.Exit(1)
