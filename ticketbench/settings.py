"""`RunSettings`: how a run plays its episodes (recorded in the run header)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RunSettings(BaseModel):
    """Everything that shapes a run's episodes besides the agent, the user and the tasks."""

    model_config = ConfigDict(frozen=True)
    trials: int = Field(1, ge=1)
    concurrency: int = Field(8, ge=1)
    timeout_s: float | None = Field(300.0, gt=0)  # hard per-episode wall timeout
    max_steps: int = Field(60, ge=1)  # tool calls per episode
    max_turns: int = Field(20, ge=1)  # agent messages per episode
    max_wall_s: float = Field(600.0, gt=0)  # session wall-time limit (soft: calls refused)
    tool_s: float = 5.0  # simulated seconds per tool call
    user_turn_s: float = 30.0  # simulated seconds per message + reply
    user_action_s: float = 8.0  # simulated seconds per user app action
    patience: int = Field(8, ge=1)  # agent messages the scripted user tolerates
    seed: int = 0
    max_retries: int = Field(4, ge=0)  # retries of an episode ending in an InfraError
    backoff_s: float = Field(1.0, ge=0)  # first retry delay; doubles per attempt
    cost_limit_usd: float | None = Field(None, gt=0)
    # "STYLE[:GOAL]": plant an attack in every episode (see ticketbench.attacks); None: clean
    attack: str | None = None
    # Plugin agents in the harness's process with their `for_episode(task, ...)` honoured
    # (`run --privileged`): such a run may read the task, so it is marked everywhere and
    # never ranked beside others.
    privileged: bool = False
