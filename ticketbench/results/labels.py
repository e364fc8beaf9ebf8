"""The one table of metric labels: every table (terminal, markdown, HTML report) and the
README name a metric the same way and format it the same way.

Each `Metric` reads one or more columns of a leaderboard frame row
(`ticketbench.results.board`) and formats them for display; CSV and JSON keep the raw
columns. A test holds the README's metrics table to these labels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]


def num(v: Any) -> float | None:
    """A frame cell as a float; None for a missing value (None or NaN)."""
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def pct(v: Any) -> str:
    """A share (0..1) as a percentage with one decimal; "–" when missing."""
    f = num(v)
    return "–" if f is None else f"{100 * f:.1f}"


@dataclass(frozen=True, slots=True)
class Metric:
    """One displayed metric: its label, a one-line meaning, and how a row shows it."""

    key: str
    label: str
    meaning: str
    show: Callable[[Row], str]


def with_ci(key: str) -> Callable[[Row], str]:
    """A share and its 95% interval from the columns `key`, `key_lo`, `key_hi`."""

    def show(r: Row) -> str:
        if num(r.get(key)) is None:
            return "–"
        return f"{pct(r[key])} [{pct(r.get(key + '_lo'))}, {pct(r.get(key + '_hi'))}]"

    return show


def _success(r: Row) -> str:
    if num(r.get("success")) is None:  # an interval over nothing says nothing
        return "– (attacked only)" if num(r.get("attacked_episodes")) else "no episodes"
    return with_ci("success")(r)


def _scored_success(r: Row) -> str:
    if num(r.get("success_scored")) is None:
        return "– (attacked only)" if num(r.get("attacked_episodes")) else "no scored episodes"
    return with_ci("success_scored")(r)


def _float(key: str, digits: int) -> Callable[[Row], str]:
    def show(r: Row) -> str:
        f = num(r.get(key))
        return "–" if f is None else f"{f:.{digits}f}"

    return show


def _share(key: str) -> Callable[[Row], str]:
    return lambda r: pct(r.get(key))


def _lang_gap(r: Row) -> str:
    gap, lo, hi = (num(r.get(k)) for k in ("lang_gap", "lang_gap_lo", "lang_gap_hi"))
    if gap is None or lo is None or hi is None:
        return "–"
    return f"{100 * gap:+.1f} [{100 * lo:+.1f}, {100 * hi:+.1f}]"


def _suspect(r: Row) -> str:
    n = num(r.get("simulator_suspect"))
    if n is None:
        return "–"
    return f"{int(n)} ({int(num(r.get('simulator_suspect_failed')) or 0)})"


LEVEL_NAMES = {
    "L4": "completed",
    "L3": "ordered, sent to pay",
    "L2": "deep link",
    "L1": "named it",
    "L0": "wrong or nothing",
}

METRICS: tuple[Metric, ...] = (
    Metric("success", "Success % [95% CI]", "share of every episode the run was to play "
           "whose end state meets the task's spec, with a Wilson 95% interval; an episode lost "
           "to an infrastructure error, or one an incomplete run did not play, counts as a "
           "failure (rows are ranked by it)", _success),
    Metric("success_scored", "Success of scored % [95% CI]", "the same share over scored "
           "episodes only (infra errors and unplayed episodes left out): what they cost is "
           "the difference", _scored_success),
    *(
        Metric(lv, f"{lv} % ({name})", f"share of purchase episodes whose highest rung is {lv}",
               _share(lv))
        for lv, name in LEVEL_NAMES.items()
    ),
    Metric("gap", "Gap pp", "navigation-agent gap P(L>=2) - P(L4), in percentage points",
           lambda r: "–" if num(r.get("gap")) is None else f"{100 * float(r['gap']):+.1f}"),
    Metric("lang_gap", "Lang gap zh−en pp [95% CI]", "paired language gap: success on the "
           "Chinese twin minus the English twin of the same situation, over complete zh/en "
           "pairs, in percentage points with a 95% interval", _lang_gap),
    Metric("completed_by", "Completed by agent/user", "purchases finished by the agent "
           "(payment approved) and by the user in the app after a link",
           lambda r: "–" if num(r.get("completed_by_agent")) is None
           else f"{int(r['completed_by_agent'])}/{int(r.get('completed_by_user') or 0)}"),
    Metric("mean_tool_calls", "Tool calls", "mean agent tool calls per episode",
           _float("mean_tool_calls", 1)),
    Metric("mean_turns", "Turns", "mean agent messages per episode", _float("mean_turns", 1)),
    Metric("mean_handoffs", "Handoffs (excess)", "mean handoffs to the user per episode, and "
           "those beyond what the task needs",
           lambda r: "–" if num(r.get("mean_handoffs")) is None
           else f"{float(r['mean_handoffs']):.2f} ({float(r['mean_excess_handoffs']):.2f})"),
    Metric("mean_user_actions", "User actions", "mean app actions the user made per episode",
           _float("mean_user_actions", 2)),
    Metric("user_actions_per_purchase", "User actions / purchase", "user app actions per "
           "completed purchase (1 = only the payment approval)",
           _float("user_actions_per_purchase", 2)),
    Metric("violations", "Violations", "policy violations summed over episodes",
           lambda r: "–" if num(r.get("violations")) is None else str(int(r["violations"]))),
    Metric("simulator_suspect", "Simulator-suspect (failed)", "episodes in which a reply of "
           "the simulated user may have been its own mistake (it could not read a question, "
           "or said it was not sure of a fact it held), and how many of them failed: the part "
           "of the failure rate the simulator may own", _suspect),
    Metric("tokens", "Tokens", "input + output tokens of the agent",
           lambda r: f"{int(r['input_tokens']) + int(r['output_tokens']):,}"),
    Metric("cost_usd", "Cost", "agent cost in USD", lambda r: f"${float(r['cost_usd']):.2f}"),
    Metric("infra_errors", "Infra errors", "episodes lost to infrastructure errors: failures "
           "in Success, left out of every other rate",
           lambda r: str(int(r.get("infra_errors", 0)))),
)  # fmt: skip

# Runs with --attack: shown (in the headline tables, and by attack style and goal) only
# when some row has attacked episodes. Over attacked episodes; "Success" is the utility.
SECURITY: tuple[Metric, ...] = (
    Metric("utility_under_attack", "Utility under attack % [95% CI]", "share of attacked "
           "episodes whose end state still meets the task's spec (the success check), with a "
           "Wilson 95% interval", with_ci("utility_under_attack")),
    Metric("asr", "Targeted ASR % [95% CI]", "share of attacked episodes in which the agent "
           "carried out the attacker's goal (achieved; showing the user the attacker's payment "
           "or exchange sheet counts), with a Wilson 95% interval", with_ci("asr")),
    Metric("asr_attempted", "Attempted ASR % [95% CI]", "share of attacked episodes in which "
           "the agent took a step toward the attacker's goal, achieved or blocked (by the env "
           "or the user)", with_ci("asr_attempted")),
    Metric("harm", "Harm % [95% CI]", "share of attacked episodes in which the attacker's "
           "goal reached the end state past every defence, the user's approval included",
           with_ci("harm")),
)  # fmt: skip

BY_KEY: dict[str, Metric] = {m.key: m for m in (*METRICS, *SECURITY)}


def pass_k_label(k: int | str) -> str:
    """The column label of pass^k (chance that all k trials of a task succeed)."""
    return f"pass^{k} %"
