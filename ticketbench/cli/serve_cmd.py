"""`ticketbench serve`: the suite's episodes, one at a time, to whatever MCP client connects.

The run is an ordinary run (`results.lifecycle.start_run`: header, one record per episode,
scoring, the run lock) whose agent serves each episode in an `EpisodeSlot`
(`wire.slot.SlotAgent`); the client plays it through `wire.server.EpisodeServer`. Each
record, as it is written, is scored on stderr with the task id and shown to the client
(without the task id) in the result of the call that ended the episode.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from ticketbench.env.world import World
from ticketbench.protocol import Agent
from ticketbench.records import EpisodeRecord
from ticketbench.results.lifecycle import RunResult
from ticketbench.runner import LocalExecutor, RecordWriter
from ticketbench.runner.episode import UserFactory, scripted_user
from ticketbench.runner.tally import Progress, ProgressFn
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import Task
from ticketbench.wire.slot import EpisodeSlot

console = Console(stderr=True)
TRANSPORTS = ("stdio", "http")


def result_line(rec: EpisodeRecord, ok: int, done: int) -> str:
    """What the client is told once an episode is scored: the outcome, never the task."""
    s = rec.score
    if s is None:
        head = f"Not scored: infrastructure error ({rec.infra.kind if rec.infra else '?'})."
    else:
        head = (
            f"Scored: {'SUCCESS' if s.success else 'failure'}, autonomy level L{s.level}, "
            f"{s.tool_calls} tool calls, {s.turns} messages, {s.user_actions} user actions"
            + (f", agent error: {s.agent_error}" if s.agent_error else "")
            + "."
        )
    return f"{head} So far {ok}/{done} episodes succeeded."


class _Tee:
    """The run's writer, telling `on_record` of every record it appends."""

    def __init__(self, writer: RecordWriter, on_record: Callable[[EpisodeRecord], None]):
        self._writer = writer
        self._on_record = on_record

    def append(self, record: EpisodeRecord) -> Awaitable[None]:
        self._on_record(record)
        return self._writer.append(record)

    def append_raw(self, line: bytes) -> Awaitable[None]:
        return self._writer.append_raw(line)


class _ServeExecutor(LocalExecutor):
    """The local executor, with every record shown to the slot's client and on stderr."""

    name = "local"

    def __init__(self, slot: EpisodeSlot) -> None:
        self.slot = slot
        self.ok = self.done = 0

    async def play(
        self,
        jobs: Sequence[tuple[Task, int]],
        agent: Agent,
        settings: RunSettings,
        world: World,
        *,
        writer: RecordWriter,
        users: UserFactory = scripted_user,
        progress: ProgressFn | None = None,
    ) -> Progress:
        total = len(jobs)

        def on_record(rec: EpisodeRecord) -> None:
            self.done += 1
            self.ok += bool(rec.score is not None and rec.score.success)
            line = result_line(rec, self.ok, self.done)
            self.slot.post_result(self.slot.number, line)
            console.print(
                f"[{self.done}/{total}] {escape(rec.task_id)}#{rec.trial}: {escape(line)}",
                highlight=False,
                soft_wrap=True,
            )

        return await super().play(
            jobs,
            agent,
            settings,
            world,
            writer=_Tee(writer, on_record),
            users=users,
            progress=progress,
        )


class _State:
    """Where the run is, for the lines printed on the way out."""

    def __init__(self, run_dir: Path | None) -> None:
        self.run_dir = run_dir
        self.complete = False


async def _serve(
    state: _State,
    *,
    transport: str,
    port: int,
    suite: str,
    tasks: str | None,
    settings: RunSettings,
    label: str,
) -> RunResult | None:
    from ticketbench.env import AGENT_TOOLS, POLICY
    from ticketbench.results.lifecycle import new_run_dir, start_run
    from ticketbench.wire.http import LocalHttp
    from ticketbench.wire.server import EpisodeServer
    from ticketbench.wire.slot import SlotAgent

    slot = EpisodeSlot()
    server = EpisodeServer(
        slot,
        tools=AGENT_TOOLS.specs(),
        policy=POLICY,
        reveal_results=True,
        on_line=lambda text: console.print(escape(text), highlight=False),
    )
    run_dir = state.run_dir = state.run_dir or new_run_dir(None, label)
    executor = _ServeExecutor(slot)
    http: LocalHttp | None = None
    if transport == "http":
        http = LocalHttp(server, port=port, path="/mcp")
        try:
            url = await http.start()
        except OSError as err:
            raise typer.BadParameter(f"cannot listen on port {port}: {err.strerror}") from None
        console.print(f"MCP endpoint (streamable HTTP): {url}", highlight=False, soft_wrap=True)
        served: asyncio.Future[None] = asyncio.ensure_future(http.wait())
    else:
        served = asyncio.ensure_future(server.run_stdio_async())
    playing = asyncio.ensure_future(
        start_run(
            agent_spec=label,
            suite=suite,
            settings=settings,
            selection=tasks,
            out=run_dir,
            agent=SlotAgent(slot, transport),
            executor=executor,
        )
    )
    try:
        waiting: set[asyncio.Future[Any]] = {served, playing}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not playing.done():  # the client went away (stdio closed) mid-run
            playing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await playing
            return None
        result = playing.result()
        state.complete = True
        slot.close(
            f"the run is over: {executor.ok}/{executor.done} episodes succeeded; no more episodes"
        )
        console.print(
            f"run complete: {executor.ok}/{executor.done} succeeded; run directory: {run_dir}; "
            + ("Ctrl-C to stop serving" if http is not None else "serving until the client leaves"),
            highlight=False,
            soft_wrap=True,
        )
        await served
        return result
    finally:
        for fut in (served, playing):
            fut.cancel()
        if http is not None:
            await http.stop()


def serve(
    suite: Annotated[
        str, typer.Option("--suite", help="dev, test, a suite folder or a task file.")
    ] = "dev",
    tasks: Annotated[
        str | None,
        typer.Option("--tasks", help="Comma-separated task ids, categories or templates."),
    ] = None,
    transport: Annotated[
        str, typer.Option("--transport", help="stdio (the client starts this command) or http.")
    ] = "stdio",
    port: Annotated[int, typer.Option("--port", help="HTTP port on 127.0.0.1.")] = 8765,
    out: Annotated[Path | None, typer.Option("--out", help="Run directory to create.")] = None,
    trials: Annotated[int, typer.Option("--trials", min=1, help="Trials per task.")] = 1,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds an episode may last (hard).")
    ] = 1800.0,
    max_steps: Annotated[int, typer.Option("--max-steps", help="Tool calls per episode.")] = 60,
    max_turns: Annotated[int, typer.Option("--max-turns", help="Messages per episode.")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Run seed.")] = 0,
    label: Annotated[
        str, typer.Option("--label", help="The agent's name in the run header and leaderboard.")
    ] = "mcp-client",
) -> None:
    """Serve the suite's episodes, one at a time, to an MCP client; each is scored and
    recorded into a run directory like any run, and the score shown.

    The client calls start_episode (the user's first message), the ticketing tools and
    talk_to_user, then end_episode; the policy is the server's instructions, a resource and
    a prompt. Nothing of a task's ground truth is served."""
    from ticketbench.agents.registry import ConfigError
    from ticketbench.cli.flags import run_settings
    from ticketbench.cli.output import print_error
    from ticketbench.results.lifecycle import RunError
    from ticketbench.results.store import RunInUse, StoreError

    if transport not in TRANSPORTS:
        raise typer.BadParameter("--transport must be stdio or http")
    if not 0 < port < 65536:
        raise typer.BadParameter(f"--port must be 1..65535, got {port}")
    settings = run_settings(
        trials=trials,
        concurrency=1,
        timeout_s=timeout,
        max_wall_s=timeout,
        max_steps=max_steps,
        max_turns=max_turns,
        seed=seed,
    )
    state = _State(out)
    try:
        result = asyncio.run(
            _serve(
                state,
                transport=transport,
                port=port,
                suite=suite,
                tasks=tasks,
                settings=settings,
                label=label,
            )
        )
    except (RunError, ConfigError, RunInUse, StoreError) as err:
        print_error(err)
        raise typer.Exit(2) from err
    except KeyboardInterrupt:
        if state.complete:
            return
        console.print(
            f"interrupted: every finished episode is in {state.run_dir}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(130) from None
    if result is None:
        console.print(
            f"the client left before the run ended; finished episodes are in {state.run_dir}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
