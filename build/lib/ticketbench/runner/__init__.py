"""Playing episodes: one episode (`episode.py`) and the local executor (`local.py`)."""

from __future__ import annotations

from ticketbench.runner.episode import UserFactory, episode_seed, play_episode, scripted_user
from ticketbench.runner.local import Progress, ProgressFn, Sink, run_episodes

__all__ = [
    "Progress",
    "ProgressFn",
    "Sink",
    "UserFactory",
    "episode_seed",
    "play_episode",
    "run_episodes",
    "scripted_user",
]
