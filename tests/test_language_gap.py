"""The paired language gap: zh twin minus en twin over complete parallel pairs, with a 95%
interval, in every leaderboard format."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ticketbench.agents.noop import NoopAgent
from ticketbench.agents.oracle import OracleAgent
from ticketbench.cli import app
from ticketbench.records import EpisodeScore
from ticketbench.results.lifecycle import start_run
from ticketbench.results.metrics import EpisodeRow, paired_language_gap
from ticketbench.settings import RunSettings


def _row(pair: str | None, locale: str, ok: bool, trial: int = 0) -> EpisodeRow:
    score = EpisodeScore.model_construct(success=ok)
    return EpisodeRow(f"{pair}-{locale}", trial, "specified", locale, True, score, pair_id=pair)


def test_gap_over_complete_pairs_only() -> None:
    rows = [
        _row("p1", "zh", True), _row("p1", "en", False),  # +1
        _row("p2", "zh", True), _row("p2", "en", True),  # 0
        _row("p3", "zh", False), _row("p3", "en", True),  # -1
        _row("p4", "zh", True), _row("p4", "en", False),  # +1
        _row("p5", "zh", True),  # no English twin scored: left out
        _row(None, "en", False),  # a task without a pair: left out
    ]  # fmt: skip
    gap = paired_language_gap(rows)
    assert gap is not None and gap.pairs == 4
    assert gap.gap == pytest.approx(0.25)
    lo, hi = gap.ci95
    assert lo < 0.25 < hi and lo >= -1.0 and hi <= 1.0
    infra = [_row("p1", "zh", True), EpisodeRow("x", 0, "c", "en", True, None, pair_id="p1")]
    assert paired_language_gap(infra) is None  # the en twin never scored
    assert paired_language_gap([_row(None, "zh", True)]) is None


def test_trials_are_rates_and_a_tie_has_no_spread() -> None:
    rows = [
        _row("p1", "zh", True, 0), _row("p1", "zh", False, 1),  # zh 0.5
        _row("p1", "en", True, 0), _row("p1", "en", True, 1),  # en 1.0
        _row("p2", "zh", True), _row("p2", "en", True),
    ]  # fmt: skip
    gap = paired_language_gap(rows)
    assert gap is not None and gap.gap == pytest.approx(-0.25)
    same = paired_language_gap([_row(f"p{i}", loc, True) for i in range(5) for loc in ("zh", "en")])
    assert same is not None and same.gap == 0 and same.ci95 == (0.0, 0.0)


class EnglishOnly:
    """The oracle on English tasks, nothing on Chinese ones: a language gap of -100 pp."""

    def for_episode(self, task: Any, trial: int, seed: int) -> Any:
        return OracleAgent().for_episode(task, trial, seed) if task.locale == "en" else NoopAgent()

    async def run(self, session: Any) -> None:  # never played: for_episode replaces it
        raise AssertionError


def test_leaderboard_formats_show_the_gap(tmp_path: Path) -> None:
    settings = RunSettings()
    out = tmp_path / "runs"
    asyncio.run(
        start_run(
            agent_spec="english-only",
            agent=EnglishOnly(),  # type: ignore[arg-type]
            suite="dev",
            settings=settings.model_copy(update={"privileged": True}),  # it reads the task
            selection="specified,pricing",
            out=out / "english-only",
        )
    )
    asyncio.run(
        start_run(
            agent_spec="oracle",
            suite="dev",
            settings=settings,
            selection="specified,pricing",
            out=out / "oracle",
        )
    )
    runner = CliRunner()
    res = runner.invoke(app, ["leaderboard", str(out), "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["agent"].split(" (")[0]: r for r in json.loads(res.stdout)}
    eng, ora = rows["english-only"], rows["oracle"]
    assert eng["privileged"] and not ora["privileged"]
    assert eng["lang_pairs"] == ora["lang_pairs"] == 16  # 32 dev tasks in 16 pairs
    assert eng["lang_gap"] == pytest.approx(-1.0) and eng["lang_gap_ci95"] == [-1.0, -1.0]
    assert ora["lang_gap"] == 0.0 and ora["lang_gap_ci95"] == [0.0, 0.0]
    md = runner.invoke(app, ["leaderboard", str(out)]).stdout
    assert "Lang gap zh−en pp [95% CI]" in md and "-100.0 [-100.0, -100.0]" in md
    csv = runner.invoke(app, ["leaderboard", str(out), "-f", "csv"]).stdout
    assert "lang_gap" in csv.splitlines()[0]
    html = runner.invoke(app, ["leaderboard", str(out), "-f", "html"]).stdout
    assert "Lang gap zh−en pp [95% CI]" in html
