"""Inline SVG charts and heat tables of the report, generated from the leaderboard frame.

Every label is escaped here (agent names come from run headers, which anyone can write);
numbers are formatted by us. No data reaches the page's JavaScript through these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import pandas as pd

from ticketbench.results.board import LEVELS

LEVEL_COLOURS = ("#c9ccd3", "#f4b183", "#f7d36b", "#8fc7e8", "#3a9a6a")
LEVEL_NAMES = ("L0 wrong / nothing", "L1 named it", "L2 deep link", "L3 order created", "L4 done")
LABEL_W = 200
BAR_W = 440
ROW_H = 30


def config_label(row: pd.Series) -> str:
    """A short name of a leaderboard row: agent, plus model and user mode when informative."""
    agent, model, user = str(row["agent"]), str(row["model"]), str(row["user"])
    parts = [agent]
    if model and model not in agent:
        parts.append(model)
    if user != "scripted":
        parts.append(f"user={user}")
    return " · ".join(parts)


def _labels(df: pd.DataFrame) -> list[str]:
    labels = [config_label(r) for _, r in df.iterrows()]
    if len(set(df["suite"])) > 1:  # mixed suites were allowed: tell the rows apart
        labels = [f"{lab} ({s})" for lab, s in zip(labels, df["suite"], strict=True)]
    return labels


def _clip(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(v: object) -> float:
    f = math.nan if v is None else float(str(v))  # None: a row with attacked episodes only
    return 0.0 if math.isnan(f) else f


def _svg_start(width: int, height: int, title: str) -> list[str]:
    """The opening of a chart: the <svg> element and its accessible title."""
    return [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{title}</title>",
    ]


def _row_label(label: str, y: int) -> str:
    """A row's label left of the plot, clipped, with the full text as its tooltip."""
    return (
        f'<text x="{LABEL_W - 8}" y="{y}" text-anchor="end" class="lbl">'
        f"<title>{escape(label)}</title>{escape(_clip(label))}</text>"
    )


def ladder_svg(df: pd.DataFrame) -> str:
    """Stacked horizontal bars: the share of purchase episodes at each level, per row."""
    labels = _labels(df)
    height = ROW_H * len(labels) + 60
    width = LABEL_W + BAR_W + 20
    title = "Autonomy ladder per agent (share of purchase episodes at L0-L4)"
    out = _svg_start(width, height, title)
    for i, ((_, row), label) in enumerate(zip(df.iterrows(), labels, strict=True)):
        y = 8 + i * ROW_H
        out.append(_row_label(label, y + 15))
        x = float(LABEL_W)
        for lv, colour in zip(LEVELS, LEVEL_COLOURS, strict=True):
            share = _num(row[lv])
            w = share * BAR_W
            if w <= 0:
                continue
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{colour}">'
                f"<title>{lv}: {100 * share:.1f}%</title></rect>"
            )
            if w >= 34:
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 14}" text-anchor="middle" '
                    f'class="seg">{100 * share:.0f}%</text>'
                )
            x += w
    ly = 8 + len(labels) * ROW_H + 14
    lx = float(LABEL_W)
    for name, colour in zip(LEVEL_NAMES, LEVEL_COLOURS, strict=True):
        need = 14 + 6.4 * len(name) + 12
        if lx + need > width and lx > LABEL_W:  # wrap before the item would be cut off
            lx, ly = float(LABEL_W), ly + 16
        out.append(f'<rect x="{lx:.0f}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14:.0f}" y="{ly}" class="legend">{escape(name)}</text>')
        lx += need
    out.append("</svg>")
    return "".join(out)


def gap_svg(df: pd.DataFrame) -> str:
    """Per row, a span from P(L4) to P(L>=2): its length is the navigation-agent gap."""
    labels = _labels(df)
    height = ROW_H * len(labels) + 44
    width = LABEL_W + BAR_W + 90
    out = _svg_start(width, height, "Navigation-agent gap: P(L>=2) minus P(L4)")
    for tick in range(0, 101, 25):
        x = LABEL_W + BAR_W * tick / 100
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="4" y2="{height - 30}" class="grid"/>'
            f'<text x="{x:.1f}" y="{height - 16}" text-anchor="middle" class="tick">{tick}%</text>'
        )
    for i, ((_, row), label) in enumerate(zip(df.iterrows(), labels, strict=True)):
        y = 8 + i * ROW_H + 10
        l4 = _num(row["L4"])
        nav = sum(_num(row[lv]) for lv in ("L2", "L3", "L4"))
        x4, xn = LABEL_W + BAR_W * l4, LABEL_W + BAR_W * nav
        out.append(_row_label(label, y + 5))
        out.append(
            f'<line x1="{LABEL_W}" x2="{LABEL_W + BAR_W}" y1="{y}" y2="{y}" class="track"/>'
            f'<rect x="{x4:.1f}" y="{y - 6}" width="{max(xn - x4, 0):.1f}" height="12" '
            f'class="gapbar"><title>gap {100 * (nav - l4):.1f} pp</title></rect>'
            f'<circle cx="{xn:.1f}" cy="{y}" r="5" class="dot-nav">'
            f"<title>P(L&gt;=2) {100 * nav:.1f}%</title></circle>"
            f'<circle cx="{x4:.1f}" cy="{y}" r="5" class="dot-l4">'
            f"<title>P(L4) {100 * l4:.1f}%</title></circle>"
            f'<text x="{LABEL_W + BAR_W + 12}" y="{y + 5}" class="gapval">'
            f"{100 * (nav - l4):+.0f} pp</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _heat(share: float | None) -> str:
    if share is None:
        return ""
    hue = 4 + 136 * share  # red -> green
    return f' style="background:hsl({hue:.0f} 62% {88 - 8 * share:.0f}%)"'


def heat_table(df: pd.DataFrame, prefix: str, caption: str) -> str:
    """Rows x groups (categories or locales) success, coloured red to green."""
    cols = [str(c) for c in df.columns if str(c).startswith(prefix)]
    if not cols:
        return ""
    head = "".join(f"<th>{escape(c[len(prefix) :])}</th>" for c in cols)
    body: list[str] = []
    for (_, row), label in zip(df.iterrows(), _labels(df), strict=True):
        cells: list[str] = []
        for c in cols:
            f = math.nan if row[c] is None else float(str(row[c]))
            val = None if math.isnan(f) else f
            text = "–" if val is None else f"{100 * val:.0f}"
            cells.append(f"<td{_heat(val)}>{text}</td>")
        body.append(f'<tr><th scope="row">{escape(label)}</th>{"".join(cells)}</tr>')
    return (
        f'<table class="heat"><caption>{escape(caption)}</caption>'
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def labels(df: pd.DataFrame) -> Sequence[str]:
    """The row labels the charts use (the viewer's agent filter shows the same names)."""
    return _labels(df)
