"""Run directories end to end: start a run, resume it, summarize it (re-grading one is
`ticketbench.results.regrade`).

- `start_run` writes `header.json`, then plays every (task, trial) and appends each record;
- `resume` reads the header, rebuilds the agent from its spec and options, and plays only
  the (task, trial) pairs not yet recorded (a torn last line is cut off first).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from ticketbench.agents.llm.presets import configured_secrets, option_secrets
from ticketbench.agents.registry import describe_agent, load_agent
from ticketbench.env.world import WORLD_VERSION, World, load_world
from ticketbench.protocol import Agent, InfraError
from ticketbench.records import (
    EPISODES,
    Run,
    RunHeader,
    SuiteRef,
    read_header,
    read_run,
)
from ticketbench.results.board import episode_rows
from ticketbench.results.metrics import EpisodeRow, RunSummary, summarize
from ticketbench.results.store import (
    LOCK,
    REDACTED,
    RunWriter,
)
from ticketbench.runner import (
    Executor,
    LocalExecutor,
    Progress,
    ProgressFn,
    UserFactory,
    scripted_user,
)
from ticketbench.settings import RunSettings
from ticketbench.suite.sources import TaskSource, recorded_source, resolve_suite
from ticketbench.suite.spec import Task
from ticketbench.suite.taskfile import TaskFileError

RESULTS = Path("results") / "runs"
T = TypeVar("T")


class RunError(Exception):
    """A run cannot start or resume (bad selection, suite changed, unknown user ...)."""


def select_tasks(source: TaskSource, selection: str | None) -> list[Task]:
    """Tasks of a source, optionally filtered by comma-separated ids, categories or templates."""
    tasks = list(source.tasks)
    if not selection:
        return tasks
    wanted = [p.strip() for p in selection.split(",") if p.strip()]
    out = [t for t in tasks if t.id in wanted or t.category in wanted or t.template in wanted]
    known = {t.id for t in tasks} | {t.category for t in tasks} | {t.template for t in tasks}
    unknown = [w for w in wanted if w not in known]
    if unknown or not out:
        raise RunError(
            f"--tasks: nothing in {source.label} matches {', '.join(unknown) or selection}"
        )
    return out


def task_source(suite: str | TaskSource) -> TaskSource:
    """The tasks a run plays: a resolved source, or a `--suite` reference to resolve (one
    split: dev, test, a suite folder's test split, or a task file)."""
    if isinstance(suite, TaskSource):
        return suite
    try:
        return resolve_suite(suite, single=True)
    except TaskFileError as err:
        raise RunError(str(err)) from None


def user_factory(spec: str, options: dict[str, Any] | None = None) -> UserFactory:
    """The simulated user for `--user`: `scripted`, or an LLM-driven user `PRESET:MODEL`
    (`ticketbench.users.llm.load_user`; its payment gate stays deterministic). A bad spec or a
    missing API key raises before any episode runs."""
    if spec == "scripted":
        return scripted_user
    if ":" not in spec:
        raise RunError(f"unknown user {spec!r}; use scripted or PRESET:MODEL (e.g. openai:gpt-4.1)")
    from ticketbench.users.llm import load_user  # lazily: the scripted path loads no SDK

    return load_user(spec, **(options or {}))


def describe_user(users: UserFactory, spec: str, settings: RunSettings) -> dict[str, Any]:
    """What the run header records about the user (no secrets)."""
    info: dict[str, Any] = {"spec": spec, "patience": settings.patience}
    describe = getattr(users, "describe", None)
    if callable(describe):
        info.update(describe())
    return info


def git_state() -> tuple[str | None, bool]:
    """The checkout's commit and whether it has uncommitted changes (None outside git)."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None, False
    return commit or None, bool(dirty)


def kept_out(suite: Path | None, run_dir: Path | None) -> list[Path]:
    """What a plugin's processes must not read: the suite's folder (a private split), this
    run's directory and the default place of runs (an oracle's run on the same split)."""
    return [p for p in (suite, run_dir, RESULTS) if p is not None]


def new_run_dir(base: Path | None, agent_spec: str) -> Path:
    """A fresh directory under `base` (default results/runs) named by time and agent."""
    slug = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in agent_spec)[:40]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return (base or RESULTS) / f"{stamp}-{slug}"


@dataclass
class RunResult:
    """What `start_run` / `resume` hand back to the CLI."""

    run_dir: Path
    progress: Progress
    skipped: int = 0  # episodes already recorded before a resume
    notes: list[str] = field(default_factory=list)


def jobs_for(
    tasks: Sequence[Task], trials: int, done: set[tuple[str, int]]
) -> list[tuple[Task, int]]:
    """Every (task, trial) not yet done, trial-major so early stops cover many tasks."""
    return [(t, k) for k in range(trials) for t in tasks if (t.id, k) not in done]


async def _execute(
    writer: RunWriter,
    tasks: Sequence[Task],
    agent: Agent,
    settings: RunSettings,
    users: UserFactory,
    world: World,
    progress: ProgressFn | None,
    executor: Executor | None,
    retry_infra: bool = True,
) -> RunResult:
    done = writer.finished_keys(retry_infra=retry_infra)  # under the lock: nobody adds to it
    jobs = jobs_for(tasks, settings.trials, done)
    executor = executor if executor is not None else LocalExecutor()
    state = await executor.play(
        jobs, agent, settings, world, writer=writer, users=users, progress=progress
    )
    return RunResult(run_dir=writer.run_dir, progress=state, skipped=len(done))


def load_world_checked() -> World:
    """The committed world, or a `RunError` saying what is wrong with its file."""
    try:
        return load_world()
    except FileNotFoundError as err:
        raise RunError(str(err)) from err
    except (OSError, EOFError, ValueError) as err:  # truncated gzip, corrupt JSON ...
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise RunError(f"the world data is damaged ({detail}); reinstall or rebuild it") from err


def suite_checked(call: Callable[[], T]) -> T:
    """Run a suite lookup, turning a missing, stale or corrupt suite into a `RunError`."""
    try:
        return call()
    except FileNotFoundError as err:
        raise RunError(str(err)) from err
    except (OSError, ValueError, KeyError, TypeError) as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise RunError(f"the task suite cannot be loaded: {detail}") from err


def prepare_dir(run_dir: Path) -> bool:
    """Create `run_dir` if needed; True if it was created. One-line `RunError`s for paths
    that cannot hold a run (an existing file, a path under a file, a read-only place)."""
    if run_dir.exists() and not run_dir.is_dir():
        raise RunError(f"--out {run_dir}: is an existing file, not a directory")
    existed = run_dir.exists()
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / f".probe.{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise RunError(
            f"--out {run_dir}: cannot create a run directory there: {err.strerror or err}"
        ) from err
    return not existed


def _discard(run_dir: Path) -> None:
    """Remove a run directory this process created and left without a header."""
    if (run_dir / "header.json").exists():
        return
    for name in (LOCK, EPISODES):
        (run_dir / name).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        run_dir.rmdir()


async def preflight(agent: Agent) -> None:
    """Let an agent check its endpoint once before the first episode (`check()`), so that a
    dead server or a rejected key stops the run at once with one clear message."""
    check = getattr(agent, "check", None)
    if check is None:
        return
    try:
        await check()
    except InfraError as err:
        raise RunError(f"the agent's endpoint failed its check: {err.kind}: {err.message}") from err


async def start_run(
    *,
    agent_spec: str,
    suite: str | TaskSource = "dev",
    settings: RunSettings,
    selection: str | None = None,
    out: Path | None = None,
    user_spec: str = "scripted",
    user_options: dict[str, Any] | None = None,
    agent_options: dict[str, Any] | None = None,
    agent: Agent | None = None,
    progress: ProgressFn | None = None,
    executor: Executor | None = None,
) -> RunResult:
    """Create a run directory and play `suite` (a `--suite` reference or a resolved source);
    `out` is the run directory itself if given.

    Everything that can fail before the first episode (agent, user, tasks, world, the
    endpoint check) is done before the directory is touched, so a failed start leaves no
    half-made run behind. The header is written under the run's lock, so two runs started
    on one `--out` cannot both write it.
    """
    options = dict(agent_options or {})
    source = suite_checked(lambda: task_source(suite))
    tasks = select_tasks(source, selection)
    agent = (
        agent
        if agent is not None
        else load_agent(
            agent_spec,
            privileged=settings.privileged,
            keep_out=kept_out(source.path, out),
            **options,
        )
    )
    if getattr(agent, "privileged", False) is True:  # a replay of a privileged run
        settings = settings.model_copy(update={"privileged": True})
    user_opts = {k: v for k, v in (user_options or {}).items() if v is not None}
    users = user_factory(user_spec, user_opts)
    world = load_world_checked()
    await preflight(agent)
    run_dir = out if out is not None else new_run_dir(None, agent_spec)
    created = prepare_dir(run_dir)
    try:
        writer = RunWriter(run_dir, secrets=configured_secrets() + option_secrets(options))
    except BaseException:
        if created:
            _discard(run_dir)
        raise
    with writer:
        try:
            if writer.has_header():
                raise RunError(f"{run_dir} already holds a run; use --resume {run_dir}")
            if (run_dir / EPISODES).exists() and (run_dir / EPISODES).stat().st_size:
                raise RunError(
                    f"{run_dir} holds episodes but no header.json (a damaged or foreign run): "
                    "not adopting them; choose another --out"
                )
        except RunError:
            if created:
                _discard(run_dir)
            raise
        commit, dirty = git_state()
        header = RunHeader(
            run_id=run_dir.name,
            created_at=datetime.now(UTC),
            git_commit=commit,
            git_dirty=dirty,
            suite=SuiteRef(
                name=source.name,
                split=source.split,
                version=source.version,
                checksum=source.checksum,
                path=str(source.path) if source.path is not None else None,
                selection=selection,
                task_ids=[t.id for t in tasks],
            ),
            world_version=WORLD_VERSION,
            agent=describe_agent(agent, agent_spec),
            agent_options=options,
            user={
                **describe_user(users, user_spec, settings),
                **({"options": user_opts} if user_opts else {}),
            },
            settings=settings,
        )
        writer.write_header(header)
        return await _execute(writer, tasks, agent, settings, users, world, progress, executor)


def header_tasks(header: RunHeader) -> list[Task]:
    """The run's tasks, from the suite its header names (checked unchanged, on the world
    the run was played on)."""
    if header.world_version and header.world_version != WORLD_VERSION:
        raise RunError(
            f"the world changed since this run was played (world {header.world_version}, "
            f"now {WORLD_VERSION}): its episodes cannot be resumed or regraded on it; "
            "start a new run"
        )
    try:
        source = recorded_source(header.suite.split, header.suite.path)
    except (TaskFileError, OSError) as err:
        raise RunError(f"the run's suite cannot be loaded: {err}") from None
    if header.suite.checksum and header.suite.checksum != source.checksum:
        raise RunError(
            f"the suite changed since this run started (checksum {header.suite.checksum[:12]} "
            f"vs {source.checksum[:12]}); start a new run"
        )
    by_id = {t.id: t for t in source.tasks}
    missing = [i for i in header.suite.task_ids if i not in by_id]
    if missing:
        raise RunError(f"tasks of this run are gone from the suite: {', '.join(missing[:5])}")
    return [by_id[i] for i in header.suite.task_ids]


async def resume(
    run_dir: Path,
    *,
    agent: Agent | None = None,
    progress: ProgressFn | None = None,
    retry_infra: bool = True,
    executor: Executor | None = None,
) -> RunResult:
    """Finish an interrupted run: play the (task, trial) pairs not yet recorded, and (with
    `retry_infra`) those whose record is an `infra_error` (the new record supersedes it)."""
    header = read_header(run_dir)
    tasks = header_tasks(header)
    spec = str(header.agent.get("spec", ""))
    options = dict(header.agent_options)
    if agent is None and (hidden := sorted(k for k, v in options.items() if v == REDACTED)):
        raise RunError(
            f"agent option {', '.join(hidden)} held a secret, which a run never stores; "
            "pass it through an environment variable the agent reads, then resume"
        )
    if agent is None:
        suite_dir = Path(header.suite.path) if header.suite.path else None
        agent = load_agent(
            spec,
            privileged=header.settings.privileged,
            keep_out=kept_out(suite_dir, run_dir),
            **options,
        )
    user_opts = header.user.get("options")
    users = user_factory(
        str(header.user.get("spec", "scripted")), user_opts if isinstance(user_opts, dict) else {}
    )
    world = load_world_checked()
    await preflight(agent)
    with RunWriter(run_dir, secrets=configured_secrets()) as writer:
        return await _execute(
            writer, tasks, agent, header.settings, users, world, progress, executor, retry_infra
        )


def rows_of(run: Run) -> list[EpisodeRow]:
    """The summary's view of a run's records."""
    return episode_rows(run)


def summarize_run(run_dir: Path) -> RunSummary:
    """The `RunSummary` of a run directory (its success over every episode it was to play)."""
    run = read_run(run_dir)
    return summarize(rows_of(run), run.expected)
