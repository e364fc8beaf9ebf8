"""A gym-style environment over ticketbench episodes, for RL rollouts.

    from ticketbench.gym import TicketingEnv

    env = TicketingEnv(split="dev")
    obs, info = env.reset(task_id="dev-specified-000")  # or reset(seed=7): a task by seed
    prompt = info["policy"], info["tools"]               # what an agent's first request holds
    obs, reward, terminated, truncated, info = env.step(
        {"tool": "search_movies", "args": {"query": "星海迷航"}}
    )
    obs, reward, terminated, truncated, info = env.step({"message": "Which day suits you?"})

- an action is a tool call `{"tool": NAME, "args": {...}}` (args may be a JSON string) or a
  message to the user `{"message": TEXT}`; `{"end": True}` ends the episode (the agent
  stops, as when its `run()` returns);
- an observation is `{"role": "tool", "name": ..., "content": ..., "ok": ...}` after a tool
  call and `{"role": "user", "content": REPLY}` after a message (`content` None once the
  user has left); `reset` returns the user's opening message as a user observation;
- the reward is 0.0 until the episode ends, then 1.0 if it succeeded and 0.0 if not: the
  same scoring as `ticketbench run` (`info["score"]` holds the whole `EpisodeScore`, with
  the autonomy level, handoffs and violations, and `info["record"]` the `EpisodeRecord`
  `ticketbench run` would write, so rollouts can be kept as run records);
- terminated: the user left (goal met, declined, patience ran out) or the agent ended;
  truncated: a step, turn or time limit of `RunSettings` was reached.

The episode is the runner's (`runner.episode.open_episode`): the same env, scripted user,
payment gate, limits and seeds (`episode_seed(settings.seed, task, trial)`). `areset` and
`astep` are the same for code that already runs an event loop (an async Ray actor);
`reset` and `step` run them on the environment's own loop. One environment plays one
episode at a time; make many for parallel rollouts (examples/ray_rollouts.py).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Coroutine, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from ticketbench.attacks import AttackSpec
from ticketbench.env.state import TicketEnv
from ticketbench.env.world import World, load_world
from ticketbench.records import AttackPlan, EpisodeRecord
from ticketbench.runner.episode import (
    UserFactory,
    attack_plan,
    close_episode,
    episode_seed,
    open_episode,
    scripted_user,
)
from ticketbench.session import EpisodeSession
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Split, Task
from ticketbench.trajectory import UserLeft

T = TypeVar("T")
Observation = dict[str, Any]
Step = tuple[Observation, float, bool, bool, dict[str, Any]]


class TicketingEnv:
    """One ticketbench episode at a time, stepped by the caller (see the module docstring)."""

    def __init__(
        self,
        split: Split = "dev",
        *,
        tasks: Sequence[Task] | None = None,
        settings: RunSettings | None = None,
        users: UserFactory = scripted_user,
        world: World | None = None,
    ) -> None:
        self.tasks = list(tasks) if tasks is not None else load_suite(split)
        if not self.tasks:
            raise ValueError("no tasks to play")
        self._by_id = {t.id: t for t in self.tasks}
        self.settings = settings if settings is not None else RunSettings()
        self.users = users
        self.world = world if world is not None else load_world()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._episode: _Episode | None = None

    # --- async API ------------------------------------------------------------------------
    async def areset(
        self, *, task_id: str | None = None, seed: int | None = None, trial: int = 0
    ) -> tuple[Observation, dict[str, Any]]:
        """Start an episode of `task_id` (or of a task drawn with `seed`)."""
        if task_id is None:
            task = random.Random(seed).choice(self.tasks)
        elif task_id in self._by_id:
            task = self._by_id[task_id]
        else:
            raise KeyError(f"no task {task_id!r} in this environment's tasks")
        seed_ = episode_seed(self.settings.seed, task.id, trial)
        attack = attack_plan(task, self.world, self.settings, seed_, None)
        env, session = open_episode(task, seed_, self.settings, self.world, self.users, attack[1])
        self._episode = _Episode(task, trial, seed_, env, session, attack)
        obs = {"role": "user", "content": session.opening}
        info = {
            "task_id": task.id,
            "trial": trial,
            "policy": session.policy,
            "tools": [spec.openai() for spec in session.tools],
        }
        return obs, info

    async def astep(self, action: Mapping[str, Any]) -> Step:
        """Apply one action; see the module docstring for actions and what comes back."""
        ep = self._episode
        if ep is None or ep.record is not None:
            raise RuntimeError("call reset() first: no episode is running")
        session = ep.session
        if action.get("end"):
            return self._finish(ep, {"role": "user", "content": None})
        if "tool" in action:
            args = action.get("args")
            result = await session.call(str(action["tool"]), args)
            obs: Observation = {
                "role": "tool",
                "name": str(action["tool"]),
                "content": result.content,
                "ok": result.ok,
            }
        elif "message" in action:
            obs = {"role": "user", "content": await session.say(str(action["message"]))}
        else:
            raise ValueError('an action is {"tool": NAME, "args": {...}}, {"message": TEXT} or '
                             '{"end": true}')  # fmt: skip
        if session.done:
            return self._finish(ep, obs)
        return obs, 0.0, False, False, {}

    def _finish(self, ep: _Episode, obs: Observation) -> Step:
        record = close_episode(
            ep.task,
            ep.trial,
            ep.seed,
            ep.session,
            ep.env,
            started=ep.started,
            wall0=ep.wall0,
            attack=ep.attack,
        )
        ep.record = record
        score = record.score
        reward = 1.0 if score is not None and score.success else 0.0
        left = any(isinstance(e, UserLeft) for e in record.events)
        ended_by_agent = not ep.session.done
        terminated = left or ended_by_agent
        info = {"score": score, "record": record}
        return obs, reward, terminated, not terminated, info

    # --- sync API -------------------------------------------------------------------------
    def reset(
        self, *, task_id: str | None = None, seed: int | None = None, trial: int = 0
    ) -> tuple[Observation, dict[str, Any]]:
        """`areset` on the environment's own event loop."""
        return self._run(self.areset(task_id=task_id, seed=seed, trial=trial))

    def step(self, action: Mapping[str, Any]) -> Step:
        """`astep` on the environment's own event loop."""
        return self._run(self.astep(action))

    def close(self) -> None:
        if self._loop is not None:
            self._loop.close()
            self._loop = None

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop.run_until_complete(coro)


class _Episode:
    def __init__(
        self,
        task: Task,
        trial: int,
        seed: int,
        env: TicketEnv,
        session: EpisodeSession,
        attack: tuple[AttackSpec | None, AttackPlan | None],
    ) -> None:
        self.task, self.trial, self.seed, self.env, self.session = task, trial, seed, env, session
        self.attack = attack
        self.started = datetime.now(UTC)
        self.wall0 = time.perf_counter()
        self.record: EpisodeRecord | None = None
