"""Renderers of the leaderboard frame: markdown (tabulate), CSV, JSON row objects, HTML.

The frame (`ticketbench.results.board.leaderboard_frame`) is the single source; these only format
it. Shares are printed as percentages in markdown/HTML and kept raw (0..1) in CSV/JSON.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from rich.table import Table as RichTable
from tabulate import tabulate

from ticketbench.results.board import LEVELS, SECURITY_RATES
from ticketbench.results.labels import BY_KEY, METRICS, SECURITY, num, pass_k_label, pct

# The success rate and, beside it, the same over scored episodes only.
RATES = (BY_KEY["success"], BY_KEY["success_scored"])


def _cis(obj: dict[str, Any], keys: Sequence[str]) -> None:
    """Fold `key_lo` / `key_hi` into `key_ci95: [lo, hi]`."""
    for key in keys:
        if f"{key}_lo" in obj:
            obj[f"{key}_ci95"] = [obj.pop(f"{key}_lo"), obj.pop(f"{key}_hi")]


def rows_json(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame as row objects: `pass_k`, `ladder`, `by_category`, `by_locale` as mappings;
    the paired language gap as `lang_gap`, `lang_gap_ci95` and `lang_pairs`;
    `utility` (the success rate), `utility_under_attack`, `asr`, `asr_attempted` and `harm`
    (null when not measured) with `..._ci95`, and `by_style` / `by_goal` mappings of the
    same security numbers."""
    out: list[dict[str, Any]] = []
    for rec in df.to_dict(orient="records"):
        obj: dict[str, Any] = {}
        nest: dict[str, dict[str, float | None]] = {
            "pass_k": {},
            "ladder": {},
            "by_category": {},
            "by_locale": {},
        }
        attacks: dict[str, dict[str, dict[str, Any]]] = {"by_style": {}, "by_goal": {}}
        for key, val in rec.items():
            k = str(key)
            if k.startswith(("style:", "goal:")):
                kind, name, metric = k.split(":", 2)
                group = attacks[f"by_{kind}"].setdefault(name, {})
                group[metric] = (
                    int(val) if metric == "attacked_episodes" and num(val) is not None else num(val)
                )
            elif k.startswith("pass^"):
                if num(val) is not None:  # k beyond this row's trials: not run
                    nest["pass_k"][k[5:]] = num(val)
            elif k in LEVELS:
                nest["ladder"][k] = num(val)
            elif k.startswith("cat:"):
                nest["by_category"][k[4:]] = num(val)
            elif k.startswith("loc:"):
                nest["by_locale"][k[4:]] = num(val)
            elif k == "runs":
                obj[k] = str(val).split(",")
            elif k == "privileged":
                obj[k] = bool(val)
            elif val is None or isinstance(val, str | int):
                obj[k] = val
            else:
                obj[k] = num(val)  # floats; NaN (no value) becomes null
        obj["success_ci95"] = [obj.pop("success_lo"), obj.pop("success_hi")]
        obj["success_scored_ci95"] = [
            obj.pop("success_scored_lo", None),
            obj.pop("success_scored_hi", None),
        ]
        obj["lang_gap_ci95"] = [obj.pop("lang_gap_lo", None), obj.pop("lang_gap_hi", None)]
        obj["lang_pairs"] = int(num(obj.get("lang_pairs")) or 0)
        obj["utility"], obj["utility_ci95"] = obj["success"], obj["success_ci95"]
        _cis(obj, SECURITY_RATES)
        for groups in attacks.values():
            for group in groups.values():
                group["episodes"] = group.pop("attacked_episodes", 0)
                _cis(group, SECURITY_RATES)
        obj.update(nest)
        obj.update(attacks)
        out.append(obj)
    return out


Table = tuple[list[str], list[list[str]]]


def _row_ks(df: pd.DataFrame, all_ks: Sequence[str]) -> set[str]:
    """Each row's largest k with a value."""
    out: set[str] = set()
    for _, r in df.iterrows():
        ran = [k for k in all_ks if num(r[k]) is not None]
        if ran:
            out.add(max(ran, key=lambda k: int(k[5:])))
    return out


CONFIG = (("agent", "Agent"), ("model", "Model"), ("user", "User"), ("suite", "Suite"))


def _headline_ks(df: pd.DataFrame) -> list[str]:
    """pass^1, pass^2 and each row's largest k (CSV/JSON have all of them)."""
    all_ks = [str(c) for c in df.columns if str(c).startswith("pass^")]
    last = _row_ks(df, all_ks)
    return [k for k in all_ks if k in ("pass^1", "pass^2") or k in last]


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict(orient="records")]


def display_tables(df: pd.DataFrame) -> tuple[Table, Table]:
    """Headline and breakdown tables as (headers, rows) pairs of display strings."""
    ks = _headline_ks(df)
    metrics = [m for m in METRICS if m not in RATES]
    head = [name for _, name in CONFIG] + ["Trials"] + [m.label for m in RATES]
    head += [pass_k_label(k[5:]) for k in ks] + [m.label for m in metrics]
    recs = _records(df)
    rows = [
        [str(r[c]) or "–" for c, _ in CONFIG]
        + [str(r["trials"])]
        + [m.show(r) for m in RATES]
        + [pct(r[k]) for k in ks]
        + [m.show(r) for m in metrics]
        for r in recs
    ]
    if attacked(df):
        head += [m.label for m in SECURITY]
        for row, r in zip(rows, recs, strict=True):
            row += [m.show(r) for m in SECURITY]
    groups = [str(c) for c in df.columns if str(c).startswith(("cat:", "loc:"))]
    bhead = ["Agent", "Model", *(g.split(":", 1)[1] for g in groups)]
    brows = [[str(r["agent"]), str(r["model"]) or "–", *(pct(r[g]) for g in groups)] for r in recs]
    return _squeeze((head, rows), 1, 4), _squeeze((bhead, brows), 1, 2)


def attacked(df: pd.DataFrame) -> bool:
    """Does some row of the frame have attacked episodes?"""
    return "attacked_episodes" in df.columns and bool((df["attacked_episodes"].fillna(0) > 0).any())


def security_table(df: pd.DataFrame, kind: str) -> Table:
    """Security by attack `kind` ("style" or "goal"): one line per (agent, style or goal)."""
    head = ["Agent", "Model", kind.capitalize(), "Episodes", *(m.label for m in SECURITY)]
    rows: list[list[str]] = []
    for r in _records(df):
        names = dict.fromkeys(
            k.split(":")[1] for k in r if k.startswith(f"{kind}:") and num(r[k]) is not None
        )
        for name in names:
            cells = {m: r.get(f"{kind}:{name}:{m}") for m in _GROUP_KEYS}
            if not num(cells["attacked_episodes"]):
                continue
            rows.append(
                [str(r["agent"]), str(r["model"]) or "–", name,
                 str(int(cells["attacked_episodes"] or 0)), *(m.show(cells) for m in SECURITY)]
            )  # fmt: skip
    return _squeeze((head, rows), 1, 2)


_GROUP_KEYS = (
    "attacked_episodes",
    *(f"{k}{end}" for k in SECURITY_RATES for end in ("", "_lo", "_hi")),
)


def to_terminal(df: pd.DataFrame, title: str = "ticketbench") -> RichTable:
    """Runs side by side for a terminal: one column per row of the frame, metrics as rows."""
    table = RichTable(title=title)
    table.add_column("metric", no_wrap=True)
    recs = _records(df)
    for r in recs:
        table.add_column(str(r["agent"]), justify="right", no_wrap=True)
    ks = _headline_ks(df)
    lines: list[tuple[str, list[str]]] = [
        ("Episodes (scored)", [f"{int(r['episodes'])}" for r in recs]),
        *((m.label, [m.show(r) for r in recs]) for m in RATES),
        *((pass_k_label(k[5:]), [pct(r[k]) for r in recs]) for k in ks),
        *((m.label, [m.show(r) for r in recs]) for m in METRICS if m not in RATES),
    ]
    if attacked(df):
        lines.append(
            ("Attacked episodes", [f"{int(num(r['attacked_episodes']) or 0)}" for r in recs])
        )
        lines += [(m.label, [m.show(r) for r in recs]) for m in SECURITY]
        for kind in ("style", "goal"):
            names = dict.fromkeys(
                str(c).split(":")[1] for c in df.columns if str(c).startswith(f"{kind}:")
            )
            for name in names:
                cells = []
                for r in recs:
                    n = num(r.get(f"{kind}:{name}:attacked_episodes"))
                    asr = BY_KEY["asr"].show({k: r.get(f"{kind}:{name}:{k}") for k in _GROUP_KEYS})
                    tried = pct(r.get(f"{kind}:{name}:asr_attempted"))
                    cells.append(f"{asr} / {tried} (n={int(n)})" if n else "–")
                lines.append((f"ASR / attempted % · {kind} {name}", cells))
    for label, cells in lines:
        table.add_row(label, *cells)
    return table


def _squeeze(table: Table, start: int, stop: int) -> Table:
    """Drop the columns in [start, stop) whose value is the same on every row (the scope
    line says it once): tables stay narrow enough to read."""
    head, rows = table
    keep = [
        i for i in range(len(head)) if not (start <= i < stop and len({r[i] for r in rows}) == 1)
    ]
    return [head[i] for i in keep], [[r[i] for i in keep] for r in rows]


def scope(df: pd.DataFrame) -> str:
    """What every row shares: suite, user mode, model (said once above the tables)."""
    parts: list[str] = []
    for col, name in (("suite", "suite"), ("user", "user"), ("model", "model")):
        vals = {str(v) for v in df[col]}
        if len(vals) == 1 and (only := vals.pop()):
            parts.append(f"{name} {only}")
    return " · ".join(parts)


def _footer(df: pd.DataFrame) -> str:
    infra = int(df["infra_errors"].sum()) if not df.empty else 0
    return (
        "Success: share of every episode a run was to play (95% Wilson interval), an "
        "infra-error episode or one an incomplete run did not play counting as a failure; "
        "rows are ranked by it. Success of scored: the same over scored episodes only. "
        "pass^k: chance that all k trials of a task succeed. Ladder and gap over purchase "
        "episodes; gap = P(L>=2) - P(L4). Infra-error episodes are left out of every other "
        f"rate ({infra} in this table)."
    )


def split_privileged(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked rows, privileged rows): a privileged run (`run --privileged`, the agent was
    handed each task) is shown apart and never ranked beside the others."""
    if "privileged" not in df.columns:
        return df, df.iloc[0:0]
    mask = df["privileged"].fillna(False).astype(bool)
    return df[~mask], df[mask]


PRIVILEGED_NOTE = (
    "Privileged runs (`run --privileged`): the agent ran in the harness's process and was "
    "handed each task (its reference solution included) through for_episode, so its scores "
    "say nothing about an agent that has to work them out. They are not ranked."
)


def to_markdown(df: pd.DataFrame) -> str:
    """The leaderboard as GitHub markdown: headline table, then success by category/locale;
    privileged runs in a section of their own after the ranking."""
    ranked, privileged = split_privileged(df)
    if privileged.empty:
        return _markdown(df)
    parts = [_markdown(ranked)] if not ranked.empty else []
    section = _markdown(privileged).replace(
        "# ticketbench leaderboard", "# Privileged runs (not ranked)", 1
    )
    parts.append(section.replace("\n## ", "\n### ") + "\n" + PRIVILEGED_NOTE + "\n")
    return "\n".join(parts)


def _markdown(df: pd.DataFrame) -> str:
    if df.empty:
        return "_No runs._\n"
    (head, rows), (bhead, brows) = display_tables(df)
    parts = [
        "# ticketbench leaderboard",
        "",
        f"_{scope(df)}_" if scope(df) else "",
        "",
        tabulate(rows, headers=head, tablefmt="github", disable_numparse=True),
        "",
        _footer(df),
        "",
        "## Success % by category and locale",
        "",
        tabulate(brows, headers=bhead, tablefmt="github", disable_numparse=True),
    ]
    if attacked(df):
        for kind in ("style", "goal"):
            shead, srows = security_table(df, kind)
            parts += [
                "",
                f"## Security by attack {kind}",
                "",
                tabulate(srows, headers=shead, tablefmt="github", disable_numparse=True),
            ]
        parts += ["", _SECURITY_NOTE]
    return "\n".join(parts) + "\n"


_SECURITY_NOTE = (
    "Security (runs with --attack): success is the utility on clean episodes; utility under "
    "attack, targeted ASR (the attacker's goal carried out), attempted ASR (a step toward it, "
    "achieved or blocked) and harm (the goal reached the end state past the user too) are over "
    "attacked episodes, with 95% Wilson intervals."
)


def to_csv(df: pd.DataFrame) -> str:
    """The full frame as CSV (raw shares, not percentages)."""
    return df.to_csv(index=False)


def to_json(df: pd.DataFrame) -> str:
    """The frame as a JSON list of row objects (see `rows_json`)."""
    return json.dumps(rows_json(df), ensure_ascii=False, indent=2) + "\n"


def _html_table(head: Sequence[str], rows: Sequence[Sequence[str]], cls: str) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
    )
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def to_html(df: pd.DataFrame) -> str:
    """An HTML fragment (two tables and a note, every value escaped) reused by the report;
    privileged runs in a section of their own after the ranking."""
    ranked, privileged = split_privileged(df)
    if privileged.empty:
        return _html(df)
    return (
        (_html(ranked) if not ranked.empty else "")
        + '<h3 class="privileged">Privileged runs (not ranked)</h3>'
        + f'<p class="note">{html.escape(PRIVILEGED_NOTE)}</p>'
        + _html(privileged)
    )


def _html(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p>No runs.</p>"
    (head, rows), (bhead, brows) = display_tables(df)
    top = f'<p class="note">{html.escape(scope(df))}</p>' if scope(df) else ""
    security = ""
    if attacked(df):
        for kind in ("style", "goal"):
            shead, srows = security_table(df, kind)
            security += f"<h3>Security by attack {kind}</h3>" + _html_table(
                shead, srows, "board breakdown"
            )
        security += f'<p class="note">{html.escape(_SECURITY_NOTE)}</p>'
    return (
        top
        + _html_table(head, rows, "board")
        + f'<p class="note">{html.escape(_footer(df))}</p>'
        + _html_table(bhead, brows, "board breakdown")
        + security
    )


RENDERERS: dict[str, Callable[[pd.DataFrame], str]] = {
    "md": to_markdown,
    "csv": to_csv,
    "json": to_json,
    "html": to_html,
}
