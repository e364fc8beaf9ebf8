"""Playing episodes: one episode (`episode.py`), the run's totals (`tally.py`) and the
executors that play many (`executor.py`: local, process, ray)."""

from __future__ import annotations

from ticketbench.runner.episode import UserFactory, episode_seed, play_episode, scripted_user
from ticketbench.runner.executor import Executor, ExecutorError, RecordWriter
from ticketbench.runner.factory import EXECUTORS, make_executor
from ticketbench.runner.local import LocalExecutor, Sink, run_episodes
from ticketbench.runner.tally import Outcome, Progress, ProgressFn

__all__ = [
    "EXECUTORS",
    "Executor",
    "ExecutorError",
    "LocalExecutor",
    "Outcome",
    "Progress",
    "ProgressFn",
    "RecordWriter",
    "Sink",
    "UserFactory",
    "episode_seed",
    "make_executor",
    "play_episode",
    "run_episodes",
    "scripted_user",
]
