"""Scripted vs LLM user: where two runs of one agent on the same tasks disagree.

`ticketbench users calibrate` plays the same agent on the same tasks once with the scripted
user and once with an LLM user, and `compare_runs` lines the two runs up task by task and
turn by turn (the n-th agent message of one against the n-th of the other). A turn
disagrees when the two users:
- `leave`: one leaves after it and the other does not, or they leave for other reasons;
- `knowledge`: one answers a question and the other says it does not know;
- `go_ahead`: one says yes to a go-ahead question and the other no;
- `language`: the LLM user replies in another language than the task's;
and a task disagrees on its `outcome` when one episode succeeds and the other fails. The
payment gate is deterministic in both runs, so differences come from the conversation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ticketbench.records import EpisodeRecord, read_run
from ticketbench.trajectory import AgentMessage, UserLeft, UserMessage

Kind = Literal["outcome", "leave", "knowledge", "go_ahead", "language"]
KINDS: tuple[Kind, ...] = ("outcome", "leave", "knowledge", "go_ahead", "language")

# How a reply says "I don't know", "yes" or "no" (both languages; plain lexicons are
# enough to compare two users' answers to the same question).
_UNKNOWN = re.compile(
    r"不确定|不知道|不清楚|不太清楚|没想好|都行|随便|not sure|don'?t know|no idea|"
    r"doesn'?t matter|don'?t mind|either is fine",
    re.I,
)
_YES = re.compile(
    r"^\W*(?:可以|好的?|行|是的?|对|确认|没问题|继续|嗯)|"
    r"\b(?:yes|yeah|yep|sure|ok(?:ay)?|go ahead|please do|sounds good|that'?s fine)\b",
    re.I,
)
_NO = re.compile(r"不用|不要|不了|算了|别|^\W*不|\b(?:no|nope|don'?t|not now|cancel)\b", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One place the two users differ; `turn` is the agent message's number (1-based),
    None for the task's outcome."""

    task_id: str
    trial: int
    kind: Kind
    turn: int | None
    agent_said: str
    scripted: str
    llm: str


@dataclass(frozen=True, slots=True)
class TaskComparison:
    """One (task, trial) in both runs."""

    task_id: str
    trial: int
    success: tuple[bool | None, bool | None]  # (scripted, llm); None: no score (infra error)
    left: tuple[str | None, str | None]
    turns: tuple[int, int]
    disagreements: tuple[Disagreement, ...] = ()


@dataclass(frozen=True, slots=True)
class Calibration:
    """Every compared (task, trial), and what neither run had."""

    tasks: list[TaskComparison]
    missing: list[str] = field(default_factory=list)  # "task#trial" recorded in one run only

    @property
    def disagreements(self) -> list[Disagreement]:
        """Every disagreement by task, trial and turn (a task's outcome last)."""
        found = [d for t in self.tasks for d in t.disagreements]
        return sorted(found, key=lambda d: (d.task_id, d.trial, d.turn is None, d.turn or 0))

    def by_kind(self) -> dict[str, int]:
        counts = Counter(d.kind for d in self.disagreements)
        return {k: counts.get(k, 0) for k in KINDS}

    def summary(self) -> dict[str, object]:
        """Headline numbers: tasks, tasks in full agreement, success of each user."""
        scored = [t for t in self.tasks if None not in t.success]
        return {
            "tasks": len(self.tasks),
            "agree": sum(1 for t in self.tasks if not t.disagreements),
            "success_scripted": sum(1 for t in scored if t.success[0]),
            "success_llm": sum(1 for t in scored if t.success[1]),
            "by_kind": self.by_kind(),
            "missing": list(self.missing),
        }


def _turns(rec: EpisodeRecord) -> list[tuple[str, str, str, str | None]]:
    """Per agent message: (what the agent said, the user's reply, how the user read the
    message, why it left right after, if it did)."""
    out: list[tuple[str, str, str, str | None]] = []
    for e in rec.events:
        if isinstance(e, AgentMessage):
            out.append((e.text, "", "", None))
        elif isinstance(e, UserMessage) and out and e.intent != "opening":
            said, _, _, left = out[-1]
            out[-1] = (said, e.text, e.intent, left)
        elif isinstance(e, UserLeft) and out:
            said, reply, intent, _ = out[-1]
            out[-1] = (said, reply, intent, e.reason)
    return out


def _left(rec: EpisodeRecord) -> str | None:
    return next((e.reason for e in rec.events if isinstance(e, UserLeft)), None)


def _success(rec: EpisodeRecord) -> bool | None:
    return rec.score.success if rec.score is not None else None


def _yes_no(text: str) -> bool | None:
    yes, no = bool(_YES.search(text)), bool(_NO.search(text))
    return yes if yes != no else None


def compare_episodes(scripted: EpisodeRecord, llm: EpisodeRecord, locale: str) -> TaskComparison:
    """Line up one (task, trial) played with each user (see the module docstring)."""
    key = (scripted.task_id, scripted.trial)
    found: list[Disagreement] = []

    def add(kind: Kind, turn: int | None, said: str, a: str, b: str) -> None:
        found.append(Disagreement(key[0], key[1], kind, turn, said, a, b))

    a_turns, b_turns = _turns(scripted), _turns(llm)
    for n, (a, b) in enumerate(zip(a_turns, b_turns, strict=False), start=1):
        said, a_reply, intent, a_left = a
        _, b_reply, _, b_left = b
        if a_left != b_left:
            add("leave", n, said, a_left or "(stays)", b_left or "(stays)")
        if b_reply and (locale == "zh") != bool(_CJK.search(b_reply)):
            add("language", n, said, a_reply, b_reply)
        if intent == "clarify":
            a_unknown, b_unknown = bool(_UNKNOWN.search(a_reply)), bool(_UNKNOWN.search(b_reply))
            if a_unknown != b_unknown and b_reply:
                add("knowledge", n, said, a_reply, b_reply)
        elif intent == "confirm":
            a_yes, b_yes = _yes_no(a_reply), _yes_no(b_reply)
            if None not in (a_yes, b_yes) and a_yes != b_yes:
                add("go_ahead", n, said, a_reply, b_reply)
    a_ok, b_ok = _success(scripted), _success(llm)
    if a_ok is not None and b_ok is not None and a_ok != b_ok:
        add("outcome", None, "", "success" if a_ok else "failure", "success" if b_ok else "failure")
    return TaskComparison(
        task_id=key[0],
        trial=key[1],
        success=(a_ok, b_ok),
        left=(_left(scripted), _left(llm)),
        turns=(len(a_turns), len(b_turns)),
        disagreements=tuple(found),
    )


def compare_runs(scripted_dir: Path, llm_dir: Path, locales: Mapping[str, str]) -> Calibration:
    """Compare two run directories of one agent on the same tasks (`locales`: task id ->
    its language)."""
    a = {(r.task_id, r.trial): r for r in read_run(scripted_dir).episodes}
    b = {(r.task_id, r.trial): r for r in read_run(llm_dir).episodes}
    both = sorted(a.keys() & b.keys())
    missing = [f"{t}#{n}" for t, n in sorted(a.keys() ^ b.keys())]
    return Calibration(
        [compare_episodes(a[k], b[k], locales.get(k[0], "en")) for k in both], missing
    )
