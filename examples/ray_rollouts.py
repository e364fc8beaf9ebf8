"""Parallel RL-style rollouts: Ray actors each step a `ticketbench.gym.TicketingEnv`.

Every actor holds one environment and plays whole episodes with a policy; the driver
spreads (task, policy) pairs over the actors and gathers each episode's reward, which is
`ticketbench run`'s own scoring. The policy here is the task's reference solution with
each write step skipped with probability `epsilon` (a stand-in for a model being
trained: at epsilon 0 it earns every reward, and the reward falls as it gets sloppier).
A real setup replaces `reference_policy` with calls to the model under training.

    python examples/ray_rollouts.py --actors 4 --tasks 40 --epsilon 0 0.3
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Generator, Sequence
from typing import Any

import ray

from ticketbench.gym import TicketingEnv
from ticketbench.suite.spec import Task

WRITES = {"create_order", "request_payment", "refund_order", "exchange_order", "cancel_order"}


def _confirm(opening: str, summary: str) -> str:
    if any("\u4e00" <= ch <= "\u9fff" for ch in opening):
        return f"订单摘要：{summary}。确认无误的话我现在发起支付，可以吗？"
    return f"Order summary: {summary}. Shall I send you the payment request now?"


def reference_policy(
    task: Task, epsilon: float, rng: random.Random
) -> Generator[dict[str, Any], dict[str, Any], None]:
    """Actions from the task's reference solution (confirming each order before asking for
    payment, as the policy wants), each write step dropped with probability `epsilon`.
    A generator: it is sent each observation back, to read the order summaries."""
    summary = None
    for step in task.reference:
        tool = step.tool or ("request_payment" if step.kind == "pay" else None)
        if tool in WRITES and rng.random() < epsilon:
            continue
        if step.kind == "pay" and summary is not None:
            yield {"message": _confirm(task.opening, summary)}
            summary = None
        if step.kind in ("call", "pay") and tool is not None:
            obs = yield {"tool": tool, "args": dict(step.args)}
            if tool == "create_order" and obs.get("ok"):
                summary = obs["content"]
        else:
            yield {"message": step.text}
            summary = None
    yield {"end": True}


class Roller:
    """One environment, many episodes."""

    def __init__(self, split: str) -> None:
        self.env = TicketingEnv(split="dev" if split == "dev" else "test")

    def rollout(self, task_id: str, epsilon: float, seed: int) -> dict[str, Any]:
        obs, _ = self.env.reset(task_id=task_id)
        task = next(t for t in self.env.tasks if t.id == task_id)
        policy = reference_policy(task, epsilon, random.Random(seed))
        action = next(policy)
        steps = 0
        while True:
            obs, reward, terminated, truncated, info = self.env.step(action)
            steps += 1
            if terminated or truncated:
                break
            action = policy.send(obs)
        score = info["score"]
        return {
            "task_id": task_id,
            "epsilon": epsilon,
            "reward": reward,
            "steps": steps,
            "level": score.level if score is not None else 0,
        }


def rollouts(
    actors: int, tasks: int, epsilons: Sequence[float], split: str = "dev"
) -> list[dict[str, Any]]:
    """Play `tasks` tasks at every epsilon on `actors` environments in parallel."""
    # Ray's stubs do not type an actor's method handles (`.rollout.remote`).
    actor: Any = ray.remote(Roller)
    rollers = [actor.remote(split) for _ in range(actors)]
    env = TicketingEnv(split="dev" if split == "dev" else "test")
    chosen = [t.id for t in env.tasks[:tasks]]
    calls = [
        rollers[i % actors].rollout.remote(task_id, eps, i)
        for i, (task_id, eps) in enumerate((t, e) for e in epsilons for t in chosen)
    ]
    return list(ray.get(calls))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=4)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--epsilon", type=float, nargs="+", default=[0.0, 0.3])
    parser.add_argument("--address", default=None, help="Ray cluster (default: a local one)")
    args = parser.parse_args(argv)
    ray.init(address=args.address, include_dashboard=False, log_to_driver=False)
    results = rollouts(args.actors, args.tasks, args.epsilon)
    for eps in args.epsilon:
        mine = [r for r in results if r["epsilon"] == eps]
        mean = sum(r["reward"] for r in mine) / len(mine)
        print(f"epsilon {eps:.2f}: {len(mine)} episodes, mean reward {mean:.3f}")


if __name__ == "__main__":
    main()
