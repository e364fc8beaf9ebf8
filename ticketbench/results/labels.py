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


def _success(r: Row) -> str:
    if num(r.get("episodes")) == 0:  # an interval over nothing says nothing
        return "no scored episodes"
    return f"{pct(r['success'])} [{pct(r['success_lo'])}, {pct(r['success_hi'])}]"


def _float(key: str, digits: int) -> Callable[[Row], str]:
    def show(r: Row) -> str:
        f = num(r.get(key))
        return "–" if f is None else f"{f:.{digits}f}"

    return show


def _share(key: str) -> Callable[[Row], str]:
    return lambda r: pct(r.get(key))


LEVEL_NAMES = {
    "L4": "completed",
    "L3": "order, not paid",
    "L2": "deep link",
    "L1": "named it",
    "L0": "wrong or nothing",
}

METRICS: tuple[Metric, ...] = (
    Metric("success", "Success % [95% CI]", "share of scored episodes whose end state "
           "meets the task's spec, with a Wilson 95% interval", _success),
    *(
        Metric(lv, f"{lv} % ({name})", f"share of purchase episodes whose highest rung is {lv}",
               _share(lv))
        for lv, name in LEVEL_NAMES.items()
    ),
    Metric("gap", "Gap pp", "navigation-agent gap P(L>=2) - P(L4), in percentage points",
           lambda r: "–" if num(r.get("gap")) is None else f"{100 * float(r['gap']):+.1f}"),
    Metric("completed_by", "Completed by agent/user", "purchases finished by the agent "
           "(payment approved) and by the user in the app after a link",
           lambda r: f"{int(r.get('completed_by_agent', 0))}/{int(r.get('completed_by_user', 0))}"),
    Metric("mean_tool_calls", "Tool calls", "mean agent tool calls per episode",
           _float("mean_tool_calls", 1)),
    Metric("mean_turns", "Turns", "mean agent messages per episode", _float("mean_turns", 1)),
    Metric("mean_handoffs", "Handoffs (excess)", "mean handoffs to the user per episode, and "
           "those beyond what the task needs",
           lambda r: f"{float(r['mean_handoffs']):.2f} ({float(r['mean_excess_handoffs']):.2f})"),
    Metric("mean_user_actions", "User actions", "mean app actions the user made per episode",
           _float("mean_user_actions", 2)),
    Metric("user_actions_per_purchase", "User actions / purchase", "user app actions per "
           "completed purchase (1 = only the payment approval)",
           _float("user_actions_per_purchase", 2)),
    Metric("violations", "Violations", "policy violations summed over episodes",
           lambda r: str(int(r.get("violations", 0)))),
    Metric("tokens", "Tokens", "input + output tokens of the agent",
           lambda r: f"{int(r['input_tokens']) + int(r['output_tokens']):,}"),
    Metric("cost_usd", "Cost", "agent cost in USD", lambda r: f"${float(r['cost_usd']):.2f}"),
    Metric("infra_errors", "Infra errors", "episodes lost to infrastructure errors, excluded "
           "from every rate", lambda r: str(int(r.get("infra_errors", 0)))),
)  # fmt: skip

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}


def pass_k_label(k: int | str) -> str:
    """The column label of pass^k (chance that all k trials of a task succeed)."""
    return f"pass^{k} %"
