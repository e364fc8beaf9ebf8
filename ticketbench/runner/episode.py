"""One episode: a fresh env, user and session; the agent plays; the end state is scored.

Rules:
- timeout: `settings.timeout_s` of agent time per episode (wall time minus time spent
  waiting on model APIs, see `runner.clock`; hard, also for agents that block the event
  loop): the agent is stopped and the episode is scored on the state it reached, with an
  agent error "timeout";
- retries: only an `InfraError` restarts an episode from scratch (never one of the
  `NON_RETRYABLE_KINDS`: auth, bad request, context overflow ...), after an exponential
  backoff (`backoff_s * 2**(attempt-1)`, at least the error's `retry_after`, at most 60 s);
  after `max_retries` retries the episode is recorded as `infra_error` and kept out of
  scores. An InfraError that is the model's own doing (`AGENT_FAULT_KINDS`, or a context
  overflow after the episode's first model answer) is the agent's failure, and so is one
  raised after the user answered anything in the attempt (`user_reacted`: a retry would
  be a second life informed by the user's reactions, an exclusion a hidden failure). Any other
  exception (also `CancelledError` and `SystemExit` raised by the agent) is the agent's
  failure and is scored. Tokens and cost of failed attempts are added to the record
  (`usage.retried` says how much of it they were);
- seeds: `episode_seed(settings.seed, task id, trial)`, the same in every run;
- attacks (`settings.attack`, see `ticketbench.attacks`): the episode's attack is planned
  from its seed, planted into the env before the agent starts (part of the episode's start,
  not the agent's change) and judged after scoring; the record keeps both
  (`EpisodeRecord.attack`). A privileged attacker baseline gets the plan through
  `for_attack(plan)`, never through the session (only the harness's own agents, or any in
  a privileged run, as for `for_episode` below).

Privileged baselines (oracle, navigator, injection-follower, replay) get the task through
`for_episode(task, trial, seed)` if the agent object has that method; agents without it are
shared by all episodes. `for_episode` is honoured only on the harness's own agents
(`ticketbench.*` classes) or in a privileged run (`settings.privileged`, `run
--privileged`); any other agent plays every episode as built.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ticketbench.attacks import AttackSpec, apply_attack, judge, parse_spec, plan_attack
from ticketbench.env import AGENT_TOOLS, APP_ACTIONS, POLICY, payment_sheet
from ticketbench.env.state import TicketEnv
from ticketbench.env.world import World
from ticketbench.protocol import (
    AGENT_FAULT_KINDS,
    API_WAIT_HOOK,
    NON_RETRYABLE_KINDS,
    Agent,
    AgentError,
    InfraError,
    Usage,
)
from ticketbench.records import (
    AttackPlan,
    AttackRecord,
    EpisodeRecord,
    EpisodeUsage,
    InfraInfo,
    RetriedUsage,
    Timing,
    UserUsage,
)
from ticketbench.runner.clock import EpisodeClock, EpisodeTimeout
from ticketbench.scoring.episode import score_episode
from ticketbench.session import EpisodeSession, Limits, Pace, Trajectory
from ticketbench.settings import RunSettings
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.trajectory import Event, UserAction, UserMessage, construct
from ticketbench.users import PaymentGate, ScriptedUser, User

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


@dataclass
class _Spent:
    """Model use of an episode's attempts that ended in an infrastructure error."""

    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    model: str = ""

    def add(self, traj: Trajectory) -> None:
        u = traj.usage
        self.model_calls += traj.model_calls
        self.input_tokens += u.input_tokens
        self.output_tokens += u.output_tokens
        self.cached_tokens += u.cached_tokens
        self.cost_usd += u.cost_usd
        self.model = u.model or self.model


def user_reacted(events: Sequence[Event]) -> bool:
    """Has the user answered anything in this attempt: a reply after the opening, an app
    action (a link opened, a payment approved or declined)?

    An infrastructure error after that is scored, not retried or excluded (unless it is the
    simulated user's own, `Trajectory.user_failed`): the user's reactions tell an agent
    which guess was wrong, and nothing stops an agent from carrying them into the next
    attempt (a file, a server of its own); and an agent that could call any failure an
    outage would choose its own denominator.
    """
    return any(
        isinstance(e, UserAction) or (isinstance(e, UserMessage) and e.intent != "opening")
        for e in events
    )


def _agent_failure(err: InfraError, traj: Trajectory) -> str | None:
    """The agent error an `InfraError` really is (see `protocol.AGENT_FAULT_KINDS`), or None."""
    if err.kind in AGENT_FAULT_KINDS:
        return f"{err.kind}: {err.message}"
    if err.kind == "context_overflow" and traj.model_calls > 0:
        return f"context_overflow: the conversation outgrew the model's context ({err.message})"
    return None


async def _play(player: Agent, session: EpisodeSession, clock: EpisodeClock) -> None:
    token = API_WAIT_HOOK.set(clock.waiting)
    try:
        if clock.timeout_s is None:
            await player.run(session)
        else:
            async with asyncio.timeout(None) as cm:
                with clock.enforced(cm):
                    await player.run(session)
    finally:
        API_WAIT_HOOK.reset(token)


def attack_plan(
    task: Task, world: World, settings: RunSettings, seed: int, assistant: str | None
) -> tuple[AttackSpec | None, AttackPlan | None]:
    """The run's attack (`settings.attack`) and its plan for this episode, if any."""
    spec = parse_spec(settings.attack) if settings.attack else None
    return spec, plan_attack(task, world, spec, seed, assistant) if spec else None


def open_episode(
    task: Task,
    seed: int,
    settings: RunSettings,
    world: World,
    users: UserFactory = scripted_user,
    plan: AttackPlan | None = None,
) -> tuple[TicketEnv, EpisodeSession]:
    """A fresh env (attacked by `plan`, if any) and the session an agent plays it in: what
    `play_episode` and the gym environment hand to an agent."""
    env = make_env(task, world)
    if plan is not None:
        apply_attack(plan, env)
    session = EpisodeSession(
        env,
        users(task, seed, settings),
        tools=AGENT_TOOLS,
        actions=APP_ACTIONS,
        payment_sheet=payment_sheet,
        payment_gate=PaymentGate(task),
        policy=POLICY,
        limits=Limits(settings.max_steps, settings.max_turns, settings.max_wall_s),
        pace=Pace(settings.tool_s, settings.user_turn_s, settings.user_action_s),
    )
    return env, session


def close_episode(
    task: Task,
    trial: int,
    seed: int,
    session: EpisodeSession,
    env: TicketEnv,
    *,
    started: datetime,
    wall0: float,
    attack: tuple[AttackSpec | None, AttackPlan | None] = (None, None),
    error: str | None = None,
) -> EpisodeRecord:
    """The scored record of one attempt played in `open_episode`'s session."""
    rec = _scored_record(task, trial, seed, 1, session, env, error, _Spent(), started, wall0)
    return _attacked(rec, attack[0], attack[1], task, env, rec.events)


async def play_episode(
    task: Task,
    trial: int,
    agent: Agent,
    settings: RunSettings,
    world: World,
    users: UserFactory = scripted_user,
) -> EpisodeRecord:
    """Play one (task, trial) to the end, retrying infrastructure errors; never raises them.

    Whatever the agent raises (an exception, `CancelledError`, `SystemExit`) is that
    episode's failure; only a cancellation of the runner itself and Ctrl-C propagate.
    """
    seed = episode_seed(settings.seed, task.id, trial)
    started = datetime.now(UTC)
    wall0 = time.perf_counter()
    spent = _Spent()
    spec, plan = attack_plan(task, world, settings, seed, assistant_name(agent))
    attempt = 0
    trusted = may_see_task(agent, settings)
    while True:
        attempt += 1
        env, session = open_episode(task, seed, settings, world, users, plan)
        # getattr, not isinstance: a runtime Protocol check costs ~20 us per episode
        for_episode = getattr(agent, "for_episode", None) if trusted else None
        player: Agent = for_episode(task, trial, seed) if for_episode is not None else agent
        for_attack = getattr(player, "for_attack", None) if trusted else None
        if plan is not None and for_attack is not None:
            player = for_attack(plan)
        clock = EpisodeClock(settings.timeout_s)
        error: str | None = None
        try:
            await _play(player, session, clock)
        except InfraError as err:
            traj = session.trajectory()
            error = _agent_failure(err, traj)
            if error is None and user_reacted(traj.events) and not traj.user_failed:
                # Past this point a retry would be a second life with the same user, and an
                # exclusion a way to hide a failure: the attempt stands (README "Durability").
                error = f"{err.kind} after the user had answered (not retried): {err.message}"
            if error is None:
                spent.add(traj)
                if attempt <= settings.max_retries and err.kind not in NON_RETRYABLE_KINDS:
                    await asyncio.sleep(_backoff(settings, attempt, err))
                    continue
                rec = _infra_record(task, trial, seed, attempt, err, spent, started, wall0)
                return _attacked(rec, spec, plan, task, env, [])
        except (TimeoutError, EpisodeTimeout):
            error = f"timeout: the episode exceeded {settings.timeout_s:g} s"
        except AgentError as err:
            error = str(err)
        except asyncio.CancelledError as err:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the run itself is being cancelled
            error = f"CancelledError: {err}"
        except (KeyboardInterrupt, GeneratorExit):
            raise
        except BaseException as err:
            error = f"{type(err).__name__}: {err}"
        rec = _scored_record(task, trial, seed, attempt, session, env, error, spent, started, wall0)
        return _attacked(rec, spec, plan, task, env, rec.events)


def _attacked(
    rec: EpisodeRecord,
    spec: AttackSpec | None,
    plan: AttackPlan | None,
    task: Task,
    env: TicketEnv,
    events: Sequence[Event],
) -> EpisodeRecord:
    """The record with its attack and verdict (no plan: the asked goal fits no part of the
    task; no events: an infra error, nothing to judge)."""
    if spec is None:
        return rec
    verdict = judge(plan, task, env, events) if plan is not None and events else None
    attack = AttackRecord(spec=str(spec), plan=plan, verdict=verdict)
    return rec.model_copy(update={"attack": attack})


def may_see_task(agent: Agent, settings: RunSettings) -> bool:
    """Whether the runner hands `agent` the task (`for_episode`) and an attack's plan
    (`for_attack`): only the harness's own baselines, or any agent in a privileged run."""
    return settings.privileged or type(agent).__module__.startswith("ticketbench.")


def assistant_name(agent: Agent) -> str | None:
    """What an attack addressed "to the assistant by name" calls it: the model, if known."""
    describe = getattr(agent, "describe", None)
    info = describe() if callable(describe) else None
    model = info.get("model") if isinstance(info, dict) else None
    return model if isinstance(model, str) and model else None


def _scored_record(
    task: Task,
    trial: int,
    seed: int,
    attempt: int,
    session: EpisodeSession,
    env: TicketEnv,
    error: str | None,
    spent: _Spent,
    started: datetime,
    wall0: float,
) -> EpisodeRecord:
    traj = session.trajectory()
    usage = traj.usage
    # Tokens and cost cover every attempt: those that failed were served and paid for.
    input_tokens = usage.input_tokens + spent.input_tokens
    output_tokens = usage.output_tokens + spent.output_tokens
    cost_usd = usage.cost_usd + spent.cost_usd
    score = score_episode(
        task,
        env,
        traj.events,
        user_actions=traj.user_actions,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost_usd,
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
            model=usage.model or spent.model,
            model_calls=traj.model_calls + spent.model_calls,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cached_tokens=usage.cached_tokens + spent.cached_tokens,
            cost_usd=cost_usd,
            user=_user_usage(traj.user_usage, traj.user_model_calls),
            retried=_retried(spent),
        ),
        faults=traj.faults,
        fault_notes=list(traj.fault_notes),
        timing=construct(Timing, started_at=started, wall_s=time.perf_counter() - wall0),
        attack=None,
    )


def _retried(spent: _Spent) -> RetriedUsage | None:
    if not spent.model_calls and not spent.cost_usd:
        return None
    return construct(
        RetriedUsage,
        model_calls=spent.model_calls,
        input_tokens=spent.input_tokens,
        output_tokens=spent.output_tokens,
        cost_usd=spent.cost_usd,
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
        "pair_id": task.pair_id,
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
    spent: _Spent,
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
        usage=construct(
            EpisodeUsage,
            model=spent.model,
            model_calls=spent.model_calls,
            input_tokens=spent.input_tokens,
            output_tokens=spent.output_tokens,
            cached_tokens=spent.cached_tokens,
            cost_usd=spent.cost_usd,
            user=None,
            retried=_retried(spent),
        ),
        faults={},
        fault_notes=[],
        timing=construct(Timing, started_at=started, wall_s=time.perf_counter() - wall0),
        attack=None,
    )
