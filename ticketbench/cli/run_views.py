"""Rich tables of run summaries (one column per run, side by side)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.table import Table

from ticketbench.results.metrics import RunSummary


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _opt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


ROWS: list[tuple[str, Callable[[RunSummary], str]]] = [
    ("episodes (scored)", lambda s: f"{s.scored}/{s.episodes}"),
    ("success", lambda s: _pct(s.success_rate)),
    ("  95% CI", lambda s: f"{_pct(s.success_ci95[0])}-{_pct(s.success_ci95[1])}"),
    ("pass^k (k=max)", lambda s: _pct(s.pass_k[max(s.pass_k)]) if s.pass_k else "-"),
    ("L4 completed", lambda s: _pct(s.ladder["L4"])),
    ("L3 order, not paid", lambda s: _pct(s.ladder["L3"])),
    ("L2 deep link", lambda s: _pct(s.ladder["L2"])),
    ("L1 named it", lambda s: _pct(s.ladder["L1"])),
    ("L0 wrong/nothing", lambda s: _pct(s.ladder["L0"])),
    ("gap P(L>=2)-P(L4)", lambda s: _pct(s.gap)),
    (
        "completed by agent/user",
        lambda s: f"{s.completed_by.get('agent', 0)}/{s.completed_by.get('user', 0)}",
    ),
    ("mean tool calls", lambda s: f"{s.mean_tool_calls:.1f}"),
    ("mean turns", lambda s: f"{s.mean_turns:.1f}"),
    ("mean handoffs (excess)", lambda s: f"{s.mean_handoffs:.2f} ({s.mean_excess_handoffs:.2f})"),
    ("mean user actions", lambda s: f"{s.mean_user_actions:.2f}"),
    ("user actions / purchase", lambda s: _opt(s.user_actions_per_completed_purchase)),
    ("policy violations", lambda s: str(sum(s.violations.values()))),
    ("agent errors / infra", lambda s: f"{s.agent_errors} / {s.infra_errors}"),
    ("tokens in/out", lambda s: f"{s.input_tokens}/{s.output_tokens}"),
    ("cost USD", lambda s: f"{s.cost_usd:.4f}"),
]


def summary_table(runs: Sequence[tuple[str, RunSummary]]) -> Table:
    """Metrics as rows, one column per run (the baselines side by side)."""
    table = Table(title="ticketbench", show_lines=False)
    table.add_column("metric")
    for name, _ in runs:
        table.add_column(name, justify="right")
    for label, fn in ROWS:
        table.add_row(label, *(fn(s) for _, s in runs))
    return table
