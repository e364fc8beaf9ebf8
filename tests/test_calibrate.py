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
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Task
from ticketbench.trajectory import UserMessage
from ticketbench.users.llm import STOP

KEY = "TB_TEST_CALIBRATE_KEY"


def calibrated() -> tuple[Task, Task]:
    """Two en dev purchases: one stated in full (the oracle says 2 messages: the order
    summary and go-ahead, then the closing one) and one that hides only the count (3: the
    question first)."""
    dev = [t for t in load_suite("dev") if t.locale == "en" and t.expect.outcome == "purchase"]
    full = next(t for t in dev if t.category == "specified" and not t.expect.clarify)
    count = next(
        t
        for t in dev
        if t.expect.clarify == ("count",) and any(f.slot == "count" for f in t.knowledge)
    )
    return full, count


def said(text: str) -> Reply:
    return Reply(json=oai_completion(text, usage=(200, 10, 0)))


def test_calibrate_reports_where_the_users_disagree(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY, "user-key")
    full, count = calibrated()
    server.script(
        CHAT,
        # the full request: the order summary and go-ahead, then the closing message
        said("Yes, go ahead."),
        said(f"Great, thanks! {STOP}"),
        # the hidden count: "How many ...?" (the scripted user knows it)
        said("Sorry, I don't know."),
        said("No, don't send it."),  # the scripted user says yes to the go-ahead
        said(f"Thanks! {STOP}"),
    )
    args = ["users", "calibrate", "--llm-user", "openai:gpt-4.1-mini"]
    tasks = f"{full.id},{count.id}"
    args += ["--base-url", server.openai_url, "--tasks", tasks, "--concurrency", "1"]
    args += ["--user-opt", f"api_key_env={KEY}", "--user-opt", "max_retries=0"]
    args += ["--out", str(tmp_path / "cal"), "--json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["summary"]["tasks"] == 2 and report["summary"]["agree"] == 1
    assert report["summary"]["success_scripted"] == 2
    by_task = {t["task_id"]: t for t in report["tasks"]}
    assert by_task[full.id]["disagreements"] == []
    found = {(d["turn"], d["kind"]) for d in by_task[count.id]["disagreements"]}
    assert (1, "knowledge") in found and (2, "go_ahead") in found
    first = next(d for d in by_task[count.id]["disagreements"] if d["turn"] == 1)
    assert first["agent_said"] == next(s.text for s in count.reference if s.kind == "ask")
    told = next(f.answer for f in count.knowledge if f.slot == "count")
    assert told in first["scripted"] and "don't know" in first["llm"], first
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
