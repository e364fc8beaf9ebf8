"""Names `vulture` cannot see used: fields read through serialization (pydantic dumps,
JSON records), counters kept for inspection, and public API that only users call.

`vulture` reads this file with the package (see [tool.vulture] in pyproject.toml); tool
functions, CLI commands and suite templates are registered by decorators and ignored
there by decorator name.
"""

# ruff: noqa: B018
import tempfile

from selenium.webdriver import ChromeOptions

from ticketbench import gym
from ticketbench.agents import gaming
from ticketbench.agents.llm.cache import ResponseCache
from ticketbench.agents.llm.faults import AgentFaults
from ticketbench.agents.llm.presets import Preset
from ticketbench.env.models import Order
from ticketbench.env.state import PaymentRequest, TicketTransfer
from ticketbench.env.toolkit import ToolSpec
from ticketbench.records import EpisodeRecord, EpisodeScore, EpisodeUsage, Timing
from ticketbench.results.labels import Metric
from ticketbench.results.lifecycle import RunResult
from ticketbench.results.metrics import GroupStats, RunSummary, SecuritySummary
from ticketbench.session import Trajectory
from ticketbench.suite import textmatch
from ticketbench.suite.checker import CheckResult
from ticketbench.suite.spec import Task
from ticketbench.wire import http


def used(
    quiet_server: http._QuietServer,
    agent_faults: AgentFaults,
    chrome_options: ChromeOptions,
    check_result: CheckResult,
    episode_record: EpisodeRecord,
    episode_score: EpisodeScore,
    episode_usage: EpisodeUsage,
    group_stats: GroupStats,
    metric: Metric,
    order: Order,
    payment_request: PaymentRequest,
    preset: Preset,
    response_cache: ResponseCache,
    run_result: RunResult,
    run_summary: RunSummary,
    security_summary: SecuritySummary,
    ticket_transfer: TicketTransfer,
    timing: Timing,
    tool_spec: ToolSpec,
    trajectory: Trajectory,
    task: Task,
) -> None:
    """Every name below is read outside the Python code (records, reports, users)."""
    episode_usage.retried
    order.paid_at
    order.refunded_at
    payment_request.requested_at
    timing.started_at
    timing.wall_s
    episode_record.timing
    episode_score.invalid_json
    episode_score.necessary_handoffs
    group_stats.l4_rate
    run_summary.agent_errors
    agent_faults.invalid_json_args
    agent_faults.empty_completions
    agent_faults.refusals
    agent_faults.truncated
    agent_faults.unsupported_blocks
    agent_faults.gave_up
    preset.docs
    trajectory.started_at
    trajectory.ended_at
    trajectory.refused
    run_result.skipped
    check_result.matched_orders
    metric.meaning
    response_cache.misses
    tool_spec.mcp
    task.pair_id  # read by the paired language gap from the records
    ticket_transfer.to_phone  # the transfer log record: who got the tickets, as asked
    security_summary.not_applicable  # attacked episodes no goal fit: in the JSON summary
    chrome_options.binary_location  # read by selenium when it starts chromium (bench report)

    # public API: phrase matching, used by tests and agents that check their own messages
    textmatch.contains

    # public API: the gym environment RL code drives (tests, examples/ray_rollouts.py)
    gym.TicketingEnv

    # the gaming agents by their --agent names: the attack set the tests play
    gaming.GAMING_AGENTS

    # uvicorn reads these: a hook it calls, and the flags that stop it
    quiet_server.capture_signals
    quiet_server.should_exit
    quiet_server.force_exit

    # the standard library reads it: gettempdir() (a plugin's private tmp)
    tempfile.tempdir
