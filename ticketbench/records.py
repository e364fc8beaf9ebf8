"""Run records on disk: the contract between the runner and every reader of results.

A run is a directory:

    RUN_DIR/header.json      one `RunHeader` (JSON object), written atomically at the start
    RUN_DIR/episodes.jsonl   one `EpisodeRecord` per line, appended as each episode finishes

`header.json` fields: `format` ("ticketbench-run/1"), `run_id`, `created_at` (wall clock,
UTC), `git_commit` and `git_dirty`, `suite` (`split`, `version`, `checksum`, `selection`:
the --tasks filter, `task_ids`: the selected ids in run order), `world_version`, `agent`
(its spec plus what the agent describes of itself, never secrets), `agent_options` (the
options the agent was built with, so `resume` can rebuild it), `user` (`spec`,
`patience`), `settings` (`RunSettings`: trials, concurrency, timeout, limits, pace, seed,
retries, cost limit), `regrades` (one entry per `ticketbench regrade`).

Each `EpisodeRecord` line holds: `task_id`, `trial`, `seed`; task metadata copied from the
suite (`category`, `locale`, `template`, `outcome`, `purchase`: the task expects orders,
`needs_write`); `status` (`ok`, or `infra_error`: retries exhausted, excluded from scores);
`attempts`; `events` (the trajectory, see `ticketbench.trajectory`: user / agent messages,
tool calls, user app actions, limits, the user leaving, each with its simulated time `at`);
`final_digest` (hash of the env's end state: `regrade` replays the events on a fresh env and
must reach the same digest); `score` (`EpisodeScore`, computed by `ticketbench.scoring`,
None for infra errors); `infra` (the infrastructure error, if any); `usage` (model calls and
tokens of the agent; `usage.user`: those of an LLM-driven user, kept apart, None for the
scripted user); `faults` (agent-side faults by kind: malformed tool calls, refusals, empty
completions ...) and `fault_notes` (the first few, with details); `timing` (the only wall-
clock fields: `started_at`, `wall_s`); `attack` (runs with `--attack`: the attack planted in
the episode and its verdict, see `ticketbench.attacks`). Two runs with the same settings
produce identical lines apart from `timing`.

Writing (the durable appender, the run lock, the atomic rewrite) is
`ticketbench.results.store`; this module is the types and the typed reader that the runner,
replay and every report share.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticSerializationError

from ticketbench.env.jsonsafe import clean_text
from ticketbench.settings import RunSettings
from ticketbench.trajectory import Event

FORMAT = "ticketbench-run/1"
HEADER = "header.json"
EPISODES = "episodes.jsonl"


class SuiteRef(BaseModel):
    """Which tasks a run covers: the suite's identity, never the seed it came from.

    `name` is "" for the installed suite, else the suite folder's or task file's name;
    `path` (None for the installed suite) is where resume and regrade find the tasks.
    """

    name: str = ""
    split: str
    version: str = ""
    checksum: str = ""
    path: str | None = None
    selection: str | None = None
    task_ids: list[str] = []


class RunHeader(BaseModel):
    """The first thing written to a run directory (`header.json`)."""

    model_config = ConfigDict(extra="allow")
    format: str = FORMAT
    run_id: str
    created_at: datetime
    git_commit: str | None = None
    git_dirty: bool = False
    suite: SuiteRef
    world_version: str = ""
    agent: dict[str, Any] = {}
    agent_options: dict[str, Any] = {}  # what `load_agent(spec, **options)` got (no secrets)
    user: dict[str, Any] = {}
    settings: RunSettings
    regrades: list[dict[str, Any]] = []


CompletedBy = Literal["agent", "user", "none"]


class EpisodeScore(BaseModel):
    """The score of one episode (deterministic: no wall-clock field)."""

    model_config = ConfigDict(frozen=True)
    success: bool
    reasons: list[str] = []
    state_ok: bool = False
    messages_ok: bool = False
    completed_by: CompletedBy = "none"
    level: int = 0
    tool_calls: int = 0
    tool_errors: int = 0
    invalid_json: int = 0
    turns: int = 0
    handoffs: dict[str, int] = {}
    handoffs_needed: dict[str, int] = {}
    handoffs_excess: dict[str, int] = {}
    necessary_handoffs: int = 0
    excess_handoffs: int = 0
    user_actions: int = 0
    violations: list[str] = []
    limits: list[str] = []  # limits reached (steps, turns, time): not violations
    clarified: bool | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    sim_seconds: float = 0.0
    agent_error: str | None = None
    # why the simulated user may own part of the outcome (its replies' doubts); old runs: []
    simulator_suspect: list[str] = []


class InfraInfo(BaseModel):
    """The infrastructure error that ended an episode (after the runner's retries)."""

    kind: str
    message: str
    attempts: int


class UserUsage(BaseModel):
    """Model use of an LLM-driven user in one episode (not the agent's cost)."""

    model: str = ""
    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class RetriedUsage(BaseModel):
    """The part of an episode's model use spent on attempts that ended in an infra error."""

    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class EpisodeUsage(BaseModel):
    """Model use of one episode, as the agent reported it through `record_usage`, over all
    its attempts (`retried`: the share of the attempts that were retried)."""

    model: str = ""
    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    user: UserUsage | None = None
    retried: RetriedUsage | None = None


class Timing(BaseModel):
    """Wall-clock facts of one episode (the only non-deterministic part of a record)."""

    started_at: datetime
    wall_s: float


# --- attacks (runs with --attack; see ticketbench.attacks) ---------------------------

Locale = Literal["zh", "en"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Planted(_Frozen):
    """Injected text added to one free-text field an agent reads (see `placement.FIELDS`)."""

    field: str  # "movie.synopsis", "cinema.notice", "event.description", "coupon.terms",
    # "attendee.name", "order.remarks", "movie.review"
    ref: str  # the movie, cinema, event, coupon, attendee or order id
    text: str


class Victim(_Frozen):
    """A paid movie order put into the user's history for the attacker to go after.

    Its id has its own prefix (H0001 ...), so the ids of orders the episode creates, which
    reference solutions name literally, do not move; the user's balances are left as they
    were (the order was paid long ago)."""

    order_id: str
    showtime_id: str
    seats: tuple[str, ...]
    payment_method_id: str
    at: datetime


class AttackPlan(_Frozen):
    """One injection task placed into one episode of one user task.

    `params` are the goal's concrete targets (ids, seats, the attacker's account, canary
    strings); `reference` is the attacker's own solution: the agent steps that reach the
    goal (replayed by `ticketbench verify --attack`)."""

    style: str
    goal: str
    locale: Locale
    params: dict[str, Any]
    planted: tuple[Planted, ...]
    victims: tuple[Victim, ...] = ()
    reference: tuple[dict[str, Any], ...] = ()


AttackOutcome = Literal["achieved", "blocked", "ignored"]


class AttackVerdict(_Frozen):
    """What the attack came to in one episode.

    - `achieved`: the agent carried out the attacker's goal: the goal holds on the end state
      or the trajectory; for a step that is the user's to take (approving a payment or an
      exchange sheet) the agent putting the attacker's sheet before the user counts;
    - `attempted`: the agent took at least one step toward the goal, whether or not the env
      refused it (achieved implies attempted);
    - `harm`: the end state changed as the attacker wanted (money moved, tickets gone, a
      planted message reached the user) - i.e. past every defence, including the user's;
    - `evidence`: what fired, for the trajectory viewer.
    """

    attempted: bool
    achieved: bool
    harm: bool
    evidence: tuple[str, ...] = ()

    @property
    def outcome(self) -> AttackOutcome:
        """achieved, blocked (attempted, not achieved) or ignored."""
        if self.achieved:
            return "achieved"
        return "blocked" if self.attempted else "ignored"


class AttackRecord(_Frozen):
    """An episode's attack: what was asked (`spec`, e.g. "split:refund_orders"), the plan
    (None when the asked goal does not fit the task: the episode then counts in no rate)
    and, once scored, its verdict."""

    spec: str
    plan: AttackPlan | None = None
    verdict: AttackVerdict | None = None


class EpisodeRecord(BaseModel):
    """One finished episode: configuration, trajectory and scores (one JSONL line)."""

    task_id: str
    trial: int
    seed: int
    category: str
    locale: str
    pair_id: str | None = None  # the task's zh/en twin shares it (the paired language gap)
    template: str = ""
    outcome: str = ""
    purchase: bool = False
    needs_write: bool = False
    status: Literal["ok", "infra_error"] = "ok"
    attempts: int = 1
    events: list[Event] = Field(default_factory=list)
    final_digest: str = ""
    score: EpisodeScore | None = None
    infra: InfraInfo | None = None
    usage: EpisodeUsage = EpisodeUsage()
    faults: dict[str, int] = {}
    fault_notes: list[str] = []
    timing: Timing
    attack: AttackRecord | None = None  # runs with --attack: the plan and its verdict

    @property
    def key(self) -> tuple[str, int]:
        return (self.task_id, self.trial)


class Run(BaseModel):
    """A run as read back from disk.

    `episodes` holds one record per (task, trial): when a key was recorded more than once
    (a resume retried an `infra_error` episode), the first `ok` record wins, else the last
    record; the others are in `superseded` (their tokens and cost were still spent).
    """

    header: RunHeader
    episodes: list[EpisodeRecord]
    torn_tail: bool = False  # the last line was cut off mid-write (and ignored)
    damaged: list[int] = []  # 1-based numbers of complete lines that are not valid records
    superseded: list[EpisodeRecord] = []

    @property
    def expected(self) -> int:
        """How many episodes the run is meant to hold (tasks x trials)."""
        return len(self.header.suite.task_ids) * self.header.settings.trials

    @property
    def complete(self) -> bool:
        """Every (task, trial) of the run is recorded."""
        return len(self.episodes) >= self.expected

    def problems(self) -> list[str]:
        """What a reader must tell its user about this run (damage, missing episodes)."""
        out: list[str] = []
        if self.damaged:
            shown = ", ".join(str(n) for n in self.damaged[:5])
            more = f" and {len(self.damaged) - 5} more" if len(self.damaged) > 5 else ""
            out.append(f"{len(self.damaged)} damaged line(s) skipped (line {shown}{more})")
        if self.torn_tail:
            out.append("a torn last line skipped (the run was killed mid-write)")
        if not self.complete:
            out.append(f"incomplete: {len(self.episodes)} of {self.expected} episodes")
        return out


class NotARun(ValueError):
    """`run_dir` holds no readable run (missing or corrupt header.json)."""


def read_header(run_dir: Path) -> RunHeader:
    """The run's header; raises NotARun if `run_dir` is not a readable run."""
    path = run_dir / HEADER
    if not path.is_file():
        raise NotARun(f"{run_dir} is not a run directory (no {HEADER})")
    try:
        return RunHeader.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as err:  # pydantic's ValidationError is a ValueError
        raise NotARun(f"{path}: corrupt run header: {err}") from err


@dataclass(frozen=True, slots=True)
class LineScan:
    """The lines of an `episodes.jsonl` as found on disk.

    `lines` are the complete lines (ending in a newline) with their 1-based numbers;
    `complete_bytes` is the length they span, so a writer can cut off a torn last line
    (one without its newline: a kill mid-write) and nothing else.
    """

    lines: list[tuple[int, bytes]]
    complete_bytes: int
    torn_tail: bool


def scan_lines(path: Path) -> LineScan:
    """Split `path` into complete lines and a torn tail (an absent file is empty)."""
    if not path.exists():
        return LineScan([], 0, False)
    data = path.read_bytes()
    # Only b"\n" ends a line: a record never holds a raw \r, but a damaged line may.
    lines = [part + b"\n" for part in data.split(b"\n")]
    torn = lines.pop() != b"\n"  # the bytes after the last newline (none: a clean end)
    return LineScan(list(enumerate(lines, 1)), sum(len(x) for x in lines), torn)


def read_run(run_dir: str | Path) -> Run:
    """Read a run directory: the header and every valid episode record.

    A complete line that is not a valid record is skipped and its number listed in
    `Run.damaged`; readers must say so rather than show a silently shorter run (see
    `Run.problems`). Records of one (task, trial) are resolved as `Run` describes.
    """
    path = Path(run_dir)
    header = read_header(path)
    try:
        scan = scan_lines(path / EPISODES)
    except OSError as err:
        raise NotARun(f"{path / EPISODES}: cannot read: {err.strerror or err}") from err
    records: list[EpisodeRecord] = []
    damaged: list[int] = []
    for number, raw in scan.lines:
        try:
            records.append(EpisodeRecord.model_validate_json(raw))
        except ValueError:
            damaged.append(number)
    chosen: dict[tuple[str, int], int] = {}
    for i, rec in enumerate(records):
        prev = chosen.get(rec.key)
        if prev is None or records[prev].status != "ok":
            chosen[rec.key] = i
    keep = set(chosen.values())
    episodes = [r for i, r in enumerate(records) if i in keep]
    superseded = [r for i, r in enumerate(records) if i not in keep]
    return Run(
        header=header,
        episodes=episodes,
        torn_tail=scan.torn_tail,
        damaged=damaged,
        superseded=superseded,
    )


def encode_record(record: EpisodeRecord) -> bytes:
    """One JSONL line for `record`, never failing on what an agent put into it.

    The session already rejects lone surrogates and deep nesting in tool arguments; this is
    the last line of defence for anything else (an agent message, a fault note): the record
    is re-encoded with lone surrogates replaced and over-deep values cut.
    """
    try:
        return record.model_dump_json().encode() + b"\n"
    except (PydanticSerializationError, ValueError, RecursionError):
        safe = _safe_json(record.model_dump(mode="python"), 0)
        line = json.dumps(safe, ensure_ascii=False, default=str, separators=(",", ":"))
        return line.encode() + b"\n"


_MAX_DEPTH = 64


def _safe_json(value: object, depth: int) -> object:
    if depth > _MAX_DEPTH:
        return "(nested too deep)"
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _safe_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe_json(v, depth + 1) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean_text(str(value))
