"""A third-party agent written against `harness.Session`, run from the CLI as module:Class."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ticketbench import Session
from ticketbench.cli import app
from ticketbench.records import read_run


class AskThenGiveUp:
    """Checks the time, asks the user one question, then says it cannot help."""

    async def run(self, session: Session) -> None:
        assert session.opening and "request_payment" in {t.name for t in session.tools}
        await session.call("current_time", "{}")
        await session.call("search_movies", "{not json")  # counted as a failed call
        reply = await session.say("Which day would you like to go?")
        assert reply is None or isinstance(reply, str)
        await session.say("Sorry, I cannot book this.")


def test_plugin_agent_runs_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "run"
    res = CliRunner().invoke(
        app,
        ["run", "--agent", f"{__name__}:AskThenGiveUp", "--tasks", "specified", "--out", str(out),
         "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output[res.output.index("{") :])
    assert next(iter(summary.values()))["run_dir"] == str(out)
    run = read_run(out)
    assert run.episodes and all(e.score is not None for e in run.episodes)
    ep = run.episodes[0]
    calls = [e for e in ep.events if getattr(e, "kind", "") == "tool_call"]
    assert [c.name for c in calls][:2] == ["current_time", "search_movies"]  # type: ignore[attr-defined]
    assert calls[1].ok is False  # type: ignore[attr-defined]
    assert all(not e.score.success for e in run.episodes if e.needs_write)  # type: ignore[union-attr]
