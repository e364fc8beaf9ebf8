"""A run's totals and when it stops early: the driver's view, the same for every executor.

- cost limit: once the reported cost reaches `settings.cost_limit_usd` no new episode
  starts; in-flight ones finish and are recorded, so the run can be resumed. The cost of
  every attempt counts, retried ones too, and the simulated user's;
- the infrastructure is down: an `auth` error (a rejected key: every request will fail
  the same way) stops the run at once; so do `infra_streak(concurrency)` episodes in a row
  that failed with the same infrastructure error kind (a dead server, an outage). In-flight
  episodes finish and are recorded; `--resume` plays the rest, infra errors included.

Executors whose episodes play in other processes send an `Outcome` next to each record's
line, so the driver keeps these totals without decoding records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ticketbench.records import EpisodeRecord
from ticketbench.settings import RunSettings

FATAL_KINDS = frozenset({"auth"})  # one is enough: every later request fails the same way
# Per-episode by design (a replay that lacks some episodes): never a reason to stop a run.
_NOT_AN_OUTAGE = frozenset({"replay_missing"})


def infra_streak(concurrency: int) -> int:
    """Episodes in a row failing with one infrastructure error kind that stop a run."""
    return max(3, min(concurrency, 10))


@dataclass
class Progress:
    """Running totals, passed to the progress callback after every episode."""

    total: int
    done: int = 0
    successes: int = 0
    infra_errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    stopped: str | None = None  # why the run stopped early: "cost_limit" or "infra"
    stop_reason: str = ""  # one line saying why, for the user


ProgressFn = Callable[[Progress], None]
"""Called once a finished episode's record is durable, with the totals so far."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the totals need of one finished episode."""

    status: str
    success: bool
    input_tokens: int
    output_tokens: int
    cost_usd: float  # the agent's and the simulated user's, every attempt
    infra_kind: str | None
    infra_message: str

    @classmethod
    def of(cls, rec: EpisodeRecord) -> Outcome:
        user_cost = rec.usage.user.cost_usd if rec.usage.user is not None else 0.0
        return cls(
            status=rec.status,
            success=rec.score is not None and rec.score.success,
            input_tokens=rec.usage.input_tokens,
            output_tokens=rec.usage.output_tokens,
            cost_usd=rec.usage.cost_usd + user_cost,
            infra_kind=rec.infra.kind if rec.infra is not None else None,
            infra_message=rec.infra.message if rec.infra is not None else "",
        )


class Tally:
    """The totals of a run and the stop rules of the module docstring."""

    def __init__(self, total: int, settings: RunSettings) -> None:
        self.state = Progress(total=total)
        self._limit = settings.cost_limit_usd
        self._stop_after = infra_streak(settings.concurrency)
        self._streak_kind: str | None = None
        self._streak = 0

    def may_start(self) -> bool:
        """Whether another episode may start now (marks a reached cost limit)."""
        state = self.state
        if state.stopped is not None:
            return False
        if self._limit is not None and state.cost_usd >= self._limit:
            state.stopped = "cost_limit"
            return False
        return True

    def add(self, outcome: Outcome) -> None:
        """Count one finished episode."""
        state = self.state
        state.done += 1
        if outcome.status == "infra_error":
            state.infra_errors += 1
        elif outcome.success:
            state.successes += 1
        state.input_tokens += outcome.input_tokens
        state.output_tokens += outcome.output_tokens
        state.cost_usd += outcome.cost_usd
        self._watch_infra(outcome)

    def _watch_infra(self, outcome: Outcome) -> None:
        kind = outcome.infra_kind
        if outcome.status != "infra_error" or kind is None or kind in _NOT_AN_OUTAGE:
            self._streak_kind, self._streak = None, 0
            return
        self._streak = self._streak + 1 if kind == self._streak_kind else 1
        self._streak_kind = kind
        state = self.state
        if state.stopped is not None:
            return
        if kind in FATAL_KINDS:
            state.stopped = "infra"
            state.stop_reason = f"{kind}: {outcome.infra_message}"
        elif self._streak >= self._stop_after:
            state.stopped = "infra"
            state.stop_reason = (
                f"{self._streak} episodes in a row failed with {kind}: {outcome.infra_message}"
            )
