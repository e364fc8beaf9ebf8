"""The suite as Inspect AI tasks (registered through the `inspect_ai` entry point):

    inspect eval ticketbench/dev --model openai/gpt-4.1-mini
    inspect eval ticketbench/test --model anthropic/claude-sonnet-4-5 -T out=runs/sonnet
    inspect eval ticketbench/suite -T suite=heldout/ --model ...   # a held-out suite folder

Each sample is one task: `id` the task id, `input` the user's opening message, `metadata`
the task's labels (category, locale, template, difficulty, pair id, split), never its hidden
knowledge, goal, expected end state or reference solution, which stay with the simulated
user, the payment gate and the scorer. Inspect's `--epochs K` plays K trials of each task
(trial = epoch - 1, with ticketbench's per-trial seeds); `--sample-id` / `--limit` pick
tasks as usual, and `-T tasks=IDS|CATEGORY|TEMPLATE` filters like `ticketbench run --tasks`.

Task options (`-T name=value`): `tasks`; `user_tools` (default true: offer `talk_to_user`
and `end_episode`; false: exactly the setup of ticketbench's own LLM agents, replies
without a tool call go to the user); `max_steps`, `max_turns`, `timeout` (seconds of agent
time per episode, waiting on the model excluded) and `seed` (defaults of `ticketbench
run`); `attack` (`STYLE[:GOAL]`, as `--attack`); `out` (also write a ticketbench run
directory, see `rundir`).
"""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample

from ticketbench.attacks import parse_spec
from ticketbench.inspect_eval.scorer import ticketbench_scorer
from ticketbench.inspect_eval.solver import load_tasks, ticketbench_solver
from ticketbench.suite.spec import Task as SuiteTask

__all__ = ["SAMPLE_METADATA", "dev", "sample", "suite", "suite_task", "test"]

# The labels a sample carries: what a leaderboard groups by, nothing of the ground truth.
SAMPLE_METADATA = ("category", "locale", "template", "difficulty", "pair_id", "split")


def sample(task: SuiteTask) -> Sample:
    """The Inspect sample of one ticketbench task."""
    metadata = {name: getattr(task, name) for name in SAMPLE_METADATA}
    return Sample(id=task.id, input=task.opening, metadata=metadata)


def suite_task(
    suite: str,
    *,
    tasks: str | None = None,
    user_tools: bool = True,
    max_steps: int | None = None,
    max_turns: int | None = None,
    timeout: float | None = None,
    seed: int | None = None,
    attack: str | None = None,
    out: str | None = None,
) -> Task:
    """An Inspect task playing `suite` (anything `--suite` takes; a folder gives its test
    split) with ticketbench's solver and scorer; see the module docstring for the options."""
    source, chosen = load_tasks(suite, tasks)
    if attack is not None:
        parse_spec(attack)  # an unknown style or goal stops here, not in every sample
    given: dict[str, Any] = {
        "max_steps": max_steps,
        "max_turns": max_turns,
        "timeout_s": timeout,
        "seed": seed,
        "attack": attack,
    }
    settings = {k: v for k, v in given.items() if v is not None}
    return Task(
        dataset=MemoryDataset([sample(t) for t in chosen], name=source.label),
        solver=ticketbench_solver(suite, tasks, settings, user_tools, out),
        scorer=ticketbench_scorer(),
        version=source.version or source.checksum[:8],
        metadata={"suite": source.label, "checksum": source.checksum},
    )


@task
def dev(
    tasks: str | None = None,
    user_tools: bool = True,
    max_steps: int | None = None,
    max_turns: int | None = None,
    timeout: float | None = None,
    seed: int | None = None,
    attack: str | None = None,
    out: str | None = None,
) -> Task:
    """The installed suite's dev split (188 tasks)."""
    return suite_task(
        "dev",
        tasks=tasks,
        user_tools=user_tools,
        max_steps=max_steps,
        max_turns=max_turns,
        timeout=timeout,
        seed=seed,
        attack=attack,
        out=out,
    )


@task
def test(
    tasks: str | None = None,
    user_tools: bool = True,
    max_steps: int | None = None,
    max_turns: int | None = None,
    timeout: float | None = None,
    seed: int | None = None,
    attack: str | None = None,
    out: str | None = None,
) -> Task:
    """The installed suite's test split (910 tasks)."""
    return suite_task(
        "test",
        tasks=tasks,
        user_tools=user_tools,
        max_steps=max_steps,
        max_turns=max_turns,
        timeout=timeout,
        seed=seed,
        attack=attack,
        out=out,
    )


@task
def suite(
    suite: str = "test",
    tasks: str | None = None,
    user_tools: bool = True,
    max_steps: int | None = None,
    max_turns: int | None = None,
    timeout: float | None = None,
    seed: int | None = None,
    attack: str | None = None,
    out: str | None = None,
) -> Task:
    """Any suite `ticketbench run --suite` takes: `dev`, `test`, a suite folder (its test
    split, e.g. a held-out suite from `tasks generate --seed SECRET`) or a task file."""
    return suite_task(
        suite,
        tasks=tasks,
        user_tools=user_tools,
        max_steps=max_steps,
        max_turns=max_turns,
        timeout=timeout,
        seed=seed,
        attack=attack,
        out=out,
    )
