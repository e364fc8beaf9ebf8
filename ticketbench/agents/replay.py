"""`replay:RUN_DIR`: re-runs the agent side of a recorded run against the current env.

For each (task, trial) the runner hands the agent (`for_episode`), the replay takes the
recorded episode of the same (task id, trial) and plays its agent actions in their recorded
order: every tool call (with the recorded arguments; a call whose arguments were not valid
JSON is sent as the same raw string) and every agent message. User replies, app actions and
the payment gate come from the current user and env, so they may differ when things changed;
the replay does not adapt to them. It stops when the recording ends, with the recorded agent
error if the episode had one (a crash, a timeout), so that its score says the same. It needs
no API key and makes no model call, which makes it a cheap CI regression check: replaying a
run of the current code reproduces its scores exactly, and a changed score points at a
change in the env, the suite, the user or the scoring.

Errors:
- a missing or unreadable run directory, or a damaged episode line, is a `ConfigError` when
  the agent is built, before any episode runs;
- an episode with no usable recording (the (task, trial) is not in the run, or its recorded
  episode ended in an infrastructure error) raises `InfraError("replay_missing", ...)`. That
  kind is not retried: the runner records the episode at once as `infra_error`, with the
  note naming the run and the key, and keeps it out of the scores, as it kept the original
  infrastructure error out. A selection wider than the recording is thus visible per
  episode instead of aborting the whole run.

The run is read with the same typed reader as every report (`ticketbench.records.read_run`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ticketbench.agents.llm.presets import ConfigError
from ticketbench.protocol import AgentError, InfraError, Session
from ticketbench.records import EPISODES, NotARun, RunHeader, read_run
from ticketbench.trajectory import AgentMessage, Event, ToolCall

__all__ = ["ReplayAgent", "ReplayStep", "load_recording"]


@dataclass(frozen=True, slots=True)
class ReplayStep:
    """One recorded agent action: a tool call (`tool` set) or a message (`text`)."""

    tool: str | None
    args: dict[str, Any] | str | None
    text: str = ""


def _steps(events: Sequence[Event]) -> tuple[ReplayStep, ...]:
    out: list[ReplayStep] = []
    for e in events:
        if isinstance(e, ToolCall):
            # Invalid JSON was recorded raw; replaying the raw string reproduces the error.
            args: dict[str, Any] | str | None = e.raw_args if e.raw_args is not None else e.args
            out.append(ReplayStep(tool=e.name, args=args))
        elif isinstance(e, AgentMessage):
            out.append(ReplayStep(tool=None, args=None, text=e.text))
    return tuple(out)


def load_recording(run_dir: Path) -> tuple[RunHeader, dict[tuple[str, int], Any]]:
    """(header, {(task id, trial): steps or the infra error kind}) of a run directory.

    Raises ConfigError when the directory is not a readable run or has a damaged line.
    """
    try:
        run = read_run(run_dir)
    except NotARun as err:
        raise ConfigError(f"replay: {err}") from err
    except OSError as err:
        raise ConfigError(f"replay: cannot read {run_dir}: {err}") from err
    if run.damaged:
        more = f" (and {len(run.damaged) - 1} more)" if len(run.damaged) > 1 else ""
        where = f"{run_dir / EPISODES} line {run.damaged[0]}"
        raise ConfigError(f"replay: {where} is damaged{more}")
    episodes: dict[tuple[str, int], Any] = {}
    for rec in run.episodes:
        if rec.status == "ok":
            error = rec.score.agent_error if rec.score is not None else None
            episodes[rec.key] = (_steps(rec.events), error)
        else:
            episodes[rec.key] = rec.infra.kind if rec.infra is not None else rec.status
    return run.header, episodes


class ReplayAgent:
    """Replays a recorded run's agent actions; build one per episode with `for_episode`."""

    def __init__(
        self,
        run_dir: str | Path,
        steps: Sequence[ReplayStep] | None = None,
        missing: str | None = None,
        error: str | None = None,
    ) -> None:
        self.run_dir = Path(run_dir)
        self._steps = tuple(steps or ())
        self._error = error  # the recorded agent error, raised again after the last step
        self._missing = missing  # why this episode has nothing to replay, if so
        self._episodes: dict[tuple[str, int], Any] = {}
        self._source: dict[str, Any] = {}
        if steps is None and missing is None:  # the shared, loaded agent
            header, self._episodes = load_recording(self.run_dir)
            self._source = {
                "run_id": header.run_id,
                "agent": header.agent.get("spec"),
                "suite_checksum": header.suite.checksum,
                "episodes": len(self._episodes),
                "privileged": header.settings.privileged,
            }

    @property
    def privileged(self) -> bool:
        """Whether the replayed run was privileged (its actions came from a task it read)."""
        return bool(self._source.get("privileged"))

    def describe(self) -> dict[str, Any]:
        """The replayed run, for the run header."""
        return {"kind": "replay", "run_dir": str(self.run_dir), "source": self._source}

    def for_episode(self, task: Any, trial: int, seed: int) -> ReplayAgent:
        """The replay of one episode: the recording of the same (task id, trial)."""
        key = (str(task.id), trial)
        found = self._episodes.get(key)
        if isinstance(found, tuple):
            steps, error = found
            return ReplayAgent(self.run_dir, steps=steps, error=error)
        why = (
            f"the recorded episode ended in an infrastructure error ({found})"
            if isinstance(found, str)
            else "it is not in the recorded run"
        )
        return ReplayAgent(self.run_dir, steps=(), missing=f"{key[0]}#{trial}: {why}")

    async def run(self, session: Session) -> None:
        """Play the recorded calls and messages in order; stop when the recording ends."""
        if self._missing is not None:
            where = f"nothing to replay from {self.run_dir}: {self._missing}"
            raise InfraError("replay_missing", where)
        for step in self._steps:
            # No early stop on `session.done`: faithful means every recorded action is sent;
            # if the episode now ends sooner, the session refuses the rest (and counts it).
            if step.tool is not None:
                await session.call(step.tool, step.args)
            else:
                await session.say(step.text)
        if self._error is not None:
            # The recorded episode ended in an agent error (a crash, a timeout ...): the replay
            # ends the same way, so its score says the same.
            raise AgentError(self._error)
