"""The scorer: ticketbench's own score of the episode, as an Inspect `Score`.

Nothing is judged here: the runner scored the episode on its end state (`score_episode`)
and the solver stored the record; this turns its `EpisodeScore` into Inspect values:

- `success` (accuracy, stderr): 1 if the end state meets the task's spec and nothing else
  changed, else 0;
- `l4` (accuracy): 1 if the episode reached L4 (completed with only the needed approvals);
- `level` (mean): the ladder level, 0..4;
- `handoffs` (mean): hand-backs to the user (clarify, confirm, navigate, escalate, inform);
- `excess_handoffs` (mean): handoffs beyond what the task needs;
- `user_actions` (mean): app actions the user made (follow a link, pick seats, pay ...).

Inspect's means run over every sample; ticketbench's leaderboard takes the ladder over
purchase episodes only (write a run directory with `-T out=DIR` for its tables).
The score's `answer` says who completed the purchase (agent, user, none), `explanation` why
the episode failed, and `metadata["score"]` is the whole `EpisodeScore`. A sample without a
record (the episode never finished: an Inspect time limit, another solver) scores 0.
"""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, accuracy, mean, scorer, stderr
from inspect_ai.solver import TaskState

from ticketbench.inspect_eval.solver import episode_record

__all__ = ["ticketbench_scorer"]


@scorer(
    metrics={
        "success": [accuracy(), stderr()],
        "l4": [accuracy()],
        "level": [mean()],
        "handoffs": [mean()],
        "excess_handoffs": [mean()],
        "user_actions": [mean()],
    }
)
def ticketbench_scorer() -> Scorer:
    """ticketbench's score of the sample's episode: success, ladder, handoffs, user actions."""

    async def score(state: TaskState, target: Target) -> Score:
        record = episode_record(state)
        s = record.score if record is not None else None
        if s is None:
            zero = {k: 0 for k in ("success", "l4", "level", "handoffs", "excess_handoffs")}
            return Score(
                value={**zero, "user_actions": 0},
                answer="none",
                explanation="no episode record: the episode did not finish",
            )
        return Score(
            value={
                "success": int(s.success),
                "l4": int(s.level == 4),
                "level": s.level,
                "handoffs": sum(s.handoffs.values()),
                "excess_handoffs": s.excess_handoffs,
                "user_actions": s.user_actions,
            },
            answer=s.completed_by,
            explanation="; ".join(s.reasons) if s.reasons else "success",
            metadata={"score": s.model_dump(mode="json")},
        )

    return score
