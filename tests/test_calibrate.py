"""`ticketbench users calibrate`: the scripted user against an LLM user (real `openai` SDK
against the local fake server), compared per task and turn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakeserver import CHAT, FakeServer, Reply, oai_completion
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.records import read_run
from ticketbench.results.calibration import compare_episodes
from ticketbench.trajectory import UserMessage
from ticketbench.users.llm import STOP

KEY = "TB_TEST_CALIBRATE_KEY"
TASKS = "dev-specified-001,dev-clarify-001"  # en; the oracle says 2 and 3 messages


def said(text: str) -> Reply:
    return Reply(json=oai_completion(text, usage=(200, 10, 0)))


def test_calibrate_reports_where_the_users_disagree(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY, "user-key")
    server.script(
        CHAT,
        # dev-specified-001: the order summary and go-ahead, then the closing message
        said("Yes, go ahead."),
        said(f"Great, thanks! {STOP}"),
        # dev-clarify-001: "How many seats should I book?" (the scripted user knows: 2 tickets)
        said("Sorry, I don't know."),
        said("No, don't send it."),  # the scripted user says yes to the go-ahead
        said(f"Thanks! {STOP}"),
    )
    args = ["users", "calibrate", "--llm-user", "openai:gpt-4.1-mini"]
    args += ["--base-url", server.openai_url, "--tasks", TASKS, "--concurrency", "1"]
    args += ["--user-opt", f"api_key_env={KEY}", "--user-opt", "max_retries=0"]
    args += ["--out", str(tmp_path / "cal"), "--json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["summary"]["tasks"] == 2 and report["summary"]["agree"] == 1
    assert report["summary"]["success_scripted"] == 2
    by_task = {t["task_id"]: t for t in report["tasks"]}
    assert by_task["dev-specified-001"]["disagreements"] == []
    found = {(d["turn"], d["kind"]) for d in by_task["dev-clarify-001"]["disagreements"]}
    assert (1, "knowledge") in found and (2, "go_ahead") in found
    first = next(d for d in by_task["dev-clarify-001"]["disagreements"] if d["turn"] == 1)
    assert first["agent_said"] == "How many seats should I book?"
    assert "2" in first["scripted"] and "don't know" in first["llm"]
    # both runs are ordinary run directories, with the user of each in its header
    runs = report["runs"]
    assert read_run(Path(runs["scripted"])).header.user["spec"] == "scripted"
    assert read_run(Path(runs["llm"])).header.user["kind"] == "llm"
    # the table form names the disagreements too
    server.script(
        CHAT,
        said("Yes, go ahead."),
        said(f"Great, thanks! {STOP}"),
        said("Sorry, I don't know."),
        said("No, don't send it."),
        said(f"Thanks! {STOP}"),
    )
    table_args = [a for a in args if a != "--json"]
    table_args[table_args.index(str(tmp_path / "cal"))] = str(tmp_path / "cal2")
    res = CliRunner().invoke(app, table_args)
    assert res.exit_code == 0, res.output
    assert "knowledge" in res.stdout and "go_ahead" in res.stdout


def test_calibrate_needs_a_reachable_configured_llm_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    args = ["users", "calibrate", "--llm-user", "dashscope:qwen-plus", "--tasks", "clarify"]
    res = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "c")])
    assert res.exit_code == 2 and "DASHSCOPE_API_KEY" in res.output


def test_a_reply_in_the_wrong_language_is_a_disagreement(tmp_path: Path) -> None:
    from ticketbench.cli import app as cli

    out = tmp_path / "r"
    assert CliRunner().invoke(cli, ["run", "--agent", "oracle", "--tasks", "dev-clarify-000",
                                    "--out", str(out)]).exit_code == 0  # fmt: skip
    rec = read_run(out).episodes[0]
    english = [
        e.model_copy(update={"text": "Two tickets."})
        if isinstance(e, UserMessage) and e.intent == "clarify"
        else e
        for e in rec.events
    ]
    other = rec.model_copy(update={"events": english})
    cmp = compare_episodes(rec, other, "zh")
    assert [(d.turn, d.kind) for d in cmp.disagreements] == [(1, "language")]
    assert compare_episodes(rec, rec, "zh").disagreements == ()
