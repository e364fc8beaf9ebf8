"""`ticketbench bench env|run|fuzz|report|wire|reader`: speed benchmarks of the env, the
episode loop, the session fuzz, the HTML report, the wire and the simulated user's reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Benchmarks: env tool latency and reset cost; episode throughput; the session fuzz; "
    "the HTML report at 10,000 episodes; the simulated user's reader."
)


@app.callback()
def _group() -> None:
    """Speed benchmarks of the harness."""


@app.command("env")
def env_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    calls: Annotated[int, typer.Option("--calls", min=10, help="Calls per tool.")] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the argument mix.")] = 0,
) -> None:
    """Per-tool p50/p99 latency (us) over realistic arguments, and episode reset cost at the
    committed world and at a 10x world."""
    from ticketbench.bench.env import format_table, run_bench  # heavy: loads and builds worlds

    result = run_bench(n=calls, seed=seed)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for line in format_table(result):
        typer.echo(line)
    slow = result["tools_over_50us_p50"]
    typer.echo(f"tools over 50 us p50: {', '.join(slow) if slow else 'none'}")


@app.command("run")
def bench_run(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    suite: Annotated[str, typer.Option("--suite", help="Split for the oracle pass.")] = "test",
    latency: Annotated[float, typer.Option("--latency", help="Fake model latency (s).")] = 0.2,
    executors: Annotated[
        str,
        typer.Option("--executors", help="Executors to measure, comma-separated."),
    ] = "local,process,ray",
) -> None:
    """Oracle episodes/s and harness overhead per episode over a split; concurrency
    efficiency against a fake 200 ms model at 1, 16, 64 and 256 concurrent episodes; and
    every executor (local, process, ray) at 256 and 1,024 concurrent episodes; the per-call
    cost of the plugin proxy (`proxy_call_us`) and of an episode out of process."""
    from ticketbench.bench.episodes import run_all
    from ticketbench.runner import EXECUTORS

    names = [n.strip() for n in executors.split(",") if n.strip()]
    unknown = [n for n in names if n not in EXECUTORS]
    if unknown:
        raise typer.BadParameter(f"--executors: unknown {', '.join(unknown)}")
    result = run_all("dev" if suite == "dev" else "test", latency_s=latency, executors=names)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"oracle: {result['episodes']} episodes in {result['wall_s']} s "
        f"({result['episodes_per_s']} episodes/s; {result['ms_per_episode']} ms each, "
        f"env {result['env_ms_per_episode']} ms, overhead {result['overhead_ms_per_episode']} ms)"
    )
    for c, eff in result["concurrency_efficiency"].items():
        rate = result["concurrency_episodes_per_s"][c]
        typer.echo(f"concurrency {c:>4}: {rate} episodes/s, efficiency {eff}")
    for name, ex in result["executors"].items():
        if "error" in ex:
            typer.echo(f"executor {name}: not measured ({ex['error']})")
            continue
        levels = ", ".join(
            f"{c}: {ex['episodes_per_s'][c]} episodes/s, efficiency {ex['efficiency'][c]}"
            for c in ex["efficiency"]
        )
        typer.echo(
            f"executor {name}: {levels}; {ex['cpu_ms_per_episode']} ms CPU per episode "
            f"(+{ex.get('overhead_ms_per_episode', 0)} vs local); startup {ex['startup_s']} s"
        )
    px = result["proxy"]
    ep = px["episode_ms"]
    typer.echo(
        f"plugin proxy: {px['proxy_call_us']['p50']} us p50, {px['proxy_call_us']['p99']} us "
        f"p99 per call (in process {px['inprocess_call_us']['p50']} us); an episode out of "
        f"process {ep['isolated']['cpu']} ms CPU (in process {ep['in_process']['cpu']} ms); "
        f"startup {px['startup_s']} s"
    )


@app.command("fuzz")
def bench_fuzz(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    calls: Annotated[int, typer.Option("--calls", min=1, help="Fuzzed session calls.")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fuzz.")] = 0,
) -> None:
    """Hostile calls through the public session API, with the world's invariants checked
    after each: exceptions that escape `session.call` and invariant breaks (seats sold
    twice, money not conserved, coupons reused, refunds keeping seats, other users' orders
    shown or changed, payments without approval). Exit 1 if either is not 0."""
    from ticketbench.bench.fuzz import fuzz

    result = fuzz(calls=calls, seed=seed)
    data = result.as_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(
            f"{data['calls']:,} calls over {data['episodes']:,} episodes in {data['wall_s']} s: "
            f"{data['escapes']} escapes, {data['invariant_breaks']} invariant breaks"
        )
        for line in data["examples"]:
            typer.echo(f"  {line}")
    if result.escapes or result.breaks:
        raise typer.Exit(1)


@app.command("report")
def bench_report(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    runs: Annotated[
        Path, typer.Option("--runs", help="Runs whose records are replayed as more trials.")
    ] = Path("results/baselines"),
    episodes: Annotated[
        int, typer.Option("--episodes", min=1, help="Episodes in the synthetic report.")
    ] = 10_000,
    loads: Annotated[int, typer.Option("--loads", min=1, help="Page loads (median).")] = 3,
) -> None:
    """The HTML report at scale: a report of N episodes (the records of --runs replayed as
    more trials), its size, and in headless chromium the time from navigation to the full
    episode list and from a click to an episode. Exit 1 above 15 MB or 2 s."""
    from ticketbench.bench.report import BrowserMissing, run_bench
    from ticketbench.results.board import RunLoadError

    try:
        data = run_bench(runs, episodes=episodes, loads=loads)
    except (BrowserMissing, RunLoadError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        base = data["base"]
        typer.echo(
            f"{data['episodes']:,} episodes: {data['html_bytes'] / 1e6:.1f} MB "
            f"({data['bytes_per_episode']} B an episode; {base['episodes']} real episodes: "
            f"{base['bytes_per_episode']} B), built in {data['build_s']} s; list shown in "
            f"{data['listed_ms']:.0f} ms, an episode in {data['episode_ms']:.0f} ms "
            f"(median of {len(data['loads'])} loads)"
        )
    if not data["ok"]:
        raise typer.Exit(1)


@app.command("wire")
def wire_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    calls: Annotated[int, typer.Option("--calls", min=10, help="Timed calls per path.")] = 500,
    paths: Annotated[
        str, typer.Option("--paths", help="Paths to measure: direct,inproc,stdio,http.")
    ] = "direct,inproc,stdio,http",
) -> None:
    """Round trip of one tool call over MCP: in process, over stdio and over streamable
    HTTP (`ticketbench serve` as a child process), against a direct `session.call`."""
    from ticketbench.bench.wire import PATHS, format_table, run_bench

    chosen = tuple(p.strip() for p in paths.split(",") if p.strip())
    unknown = [p for p in chosen if p not in PATHS]
    if unknown or not chosen:
        raise typer.BadParameter(f"--paths: unknown {', '.join(unknown) or '(none)'}")
    result = run_bench(n=calls, paths=chosen)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    for line in format_table(result):
        typer.echo(line)


@app.command("reader")
def reader_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    corpus: Annotated[
        Path, typer.Option("--corpus", help="Folder of labelled agent messages (*.txt).")
    ] = Path("tests/data/reading"),
    rounds: Annotated[int, typer.Option("--rounds", min=1, help="Uncached passes.")] = 3,
) -> None:
    """The simulated user's reader: per-message latency (us) over the labelled corpus,
    uncached (each message's best of --rounds: p50, p99, mean) and cached. Exit 1 when the
    uncached mean is over 2 ms."""
    from ticketbench.bench.reader import run_bench
    from ticketbench.users.reading.corpus import CorpusError

    try:
        data = run_bench(corpus, rounds=rounds)
    except (CorpusError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        typer.echo(
            f"{data['messages']:,} messages x {data['rounds']}: uncached p50 {data['p50_us']} us, "
            f"p99 {data['p99_us']} us, mean {data['mean_us']} us (target "
            f"{data['target_mean_us']:.0f}); cached {data['cached_us']} us"
        )
    if not data["ok"]:
        raise typer.Exit(1)
