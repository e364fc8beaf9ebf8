"""One episode: a fresh env, user and session; the agent plays; the end state is scored.

Rules:
- timeout: `settings.timeout_s` of wall time per episode (hard; the agent is cancelled and
  the episode is scored on the state it reached, with an agent error "timeout");
- retries: only an `InfraError` restarts an episode from scratch (never one of the
  `NON_RETRYABLE_KINDS`: auth, bad request, context overflow ...), after an exponential
  backoff (`backoff_s * 2**(attempt-1)`, at least the error's `retry_after`, at most 60 s);
  after `max_retries` retries the episode is recorded as `infra_error` and kept out of
  scores. Any other exception is the agent's failure and is scored;
- seeds: `episode_seed(settings.seed, task id, trial)`, the same in every run.

Privileged baselines (oracle, navigator, replay) get the task through `for_episode(task,
trial, seed)` if the agent object has that method; agents without it are shared by all
episodes.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from ticketbench.env import AGENT_TOOLS, APP_ACTIONS, POLICY, payment_sheet
from ticketbench.env.world import World
from ticketbench.protocol import NON_RETRYABLE_KINDS, Agent, InfraError, Usage
from ticketbench.records import EpisodeRecord, EpisodeUsage, InfraInfo, Timing, UserUsage
from ticketbench.scoring.episode import score_episode
from ticketbench.session import EpisodeSession, Limits, Pace
from ticketbench.settings import RunSettings
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.trajectory import construct
from ticketbench.users import ScriptedUser, User, settle_payment

MAX_BACKOFF_S = 60.0


UserFactory = Callable[[Task, int, RunSettings], User]


def scripted_user(task: Task, seed: int, settings: RunSettings) -> User:
    """The default user factory: a `ScriptedUser` (deterministic, ignores the seed)."""
    return ScriptedUser(task, patience=settings.patience)


def episode_seed(base: int, task_id: str, trial: int) -> int:
    """A stable 63-bit seed per (run seed, task, trial)."""
    digest = hashlib.sha256(f"{base}:{task_id}:{trial}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _backoff(settings: RunSettings, attempt: int, err: InfraError) -> float:
    delay = settings.backoff_s * 2.0 ** (attempt - 1)
    if err.retry_after is not None:
        delay = max(delay, float(err.retry_after))
    return min(delay, MAX_BACKOFF_S)


async def play_episode(
    task: Task,
    trial: int,
    agent: Agent,
    settings: RunSettings,
    world: World,
    users: UserFactory = scripted_user,
) -> EpisodeRecord:
    """Play one (task, trial) to the end, retrying infrastructure errors; never raises them."""
    seed = episode_seed(settings.seed, task.id, trial)
    limits = Limits(settings.max_steps, settings.max_turns, settings.max_wall_s)
    pace = Pace(settings.tool_s, settings.user_turn_s, settings.user_action_s)
    gate = partial(settle_payment, task)
    started = datetime.now(UTC)
    wall0 = time.perf_counter()
    attempt = 0
    while True:
        attempt += 1
        env = make_env(task, world)
        session = EpisodeSession(
            env,
            users(task, seed, settings),
            tools=AGENT_TOOLS,
            actions=APP_ACTIONS,
            payment_sheet=payment_sheet,
            payment_gate=gate,
            policy=POLICY,
            limits=limits,
            pace=pace,
        )
        # getattr, not isinstance: a runtime Protocol check costs ~20 us per episode
        for_episode = getattr(agent, "for_episode", None)
        player: Agent = for_episode(task, trial, seed) if for_episode is not None else agent
        error: str | None = None
        try:
            if settings.timeout_s is None:
                await player.run(session)
            else:
                async with asyncio.timeout(settings.timeout_s):
                    await player.run(session)
        except InfraError as err:
            if attempt <= settings.max_retries and err.kind not in NON_RETRYABLE_KINDS:
                await asyncio.sleep(_backoff(settings, attempt, err))
                continue
            return _infra_record(task, trial, seed, attempt, err, started, wall0)
        except TimeoutError:
            error = f"timeout: the episode exceeded {settings.timeout_s:g} s"
        except Exception as err:  # the agent's own failure: recorded and scored, not retried
            error = f"{type(err).__name__}: {err}"
        traj = session.trajectory()
        usage = traj.usage
        score = score_episode(
            task,
            env,
            traj.events,
            user_actions=traj.user_actions,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
            agent_error=error,
        )
        return construct(
            EpisodeRecord,
            **_task_fields(task, trial, seed),
            status="ok",
            attempts=attempt,
            events=traj.events,
            final_digest=env.digest(),
            score=score,
            infra=None,
            usage=construct(
                EpisodeUsage,
                model=usage.model,
                model_calls=traj.model_calls,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cached_tokens=usage.cached_tokens,
                cost_usd=usage.cost_usd,
                user=_user_usage(traj.user_usage, traj.user_model_calls),
            ),
            faults=traj.faults,
            fault_notes=list(traj.fault_notes),
            timing=construct(Timing, started_at=started, wall_s=time.perf_counter() - wall0),
        )


def _user_usage(usage: Usage | None, calls: int) -> UserUsage | None:
    if usage is None:
        return None
    return construct(
        UserUsage,
        model=usage.model,
        model_calls=calls,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=usage.cost_usd,
    )


def _task_fields(task: Task, trial: int, seed: int) -> dict[str, object]:
    return {
        "task_id": task.id,
        "trial": trial,
        "seed": seed,
        "category": task.category,
        "locale": task.locale,
        "template": task.template,
        "outcome": task.expect.outcome,
        "purchase": bool(task.expect.orders),
        "needs_write": task.needs_write,
    }


def _infra_record(
    task: Task,
    trial: int,
    seed: int,
    attempts: int,
    err: InfraError,
    started: datetime,
    wall0: float,
) -> EpisodeRecord:
    return construct(
        EpisodeRecord,
        **_task_fields(task, trial, seed),
        status="infra_error",
        attempts=attempts,
        events=[],
        final_digest="",
        score=None,
        infra=InfraInfo(kind=err.kind, message=err.message, attempts=attempts),
        usage=EpisodeUsage(),
        faults={},
        fault_notes=[],
        timing=construct(Timing, started_at=started, wall_s=time.perf_counter() - wall0),
    )
