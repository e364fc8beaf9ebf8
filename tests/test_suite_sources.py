"""`--suite` references: the installed suite, suite folders (held-out suites) and task files,
resolved in one place, with one-line errors naming file, line and field."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.records import read_header
from ticketbench.results.lifecycle import RunError, start_run, summarize_run
from ticketbench.results.regrade import regrade
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite, suite_checksum, write_suite
from ticketbench.suite.sources import resolve_suite
from ticketbench.suite.spec import Task
from ticketbench.suite.taskfile import TaskFileError

DEV = load_suite("dev")


def _small_folder(tmp_path: Path, name: str = "heldout") -> Path:
    """A suite folder of a few tasks per split, with a card that records no seed."""
    folder = tmp_path / name
    write_suite({"dev": DEV[:3], "test": DEV[3:9]}, folder, None)
    return folder


def _rows(tasks: list[Task]) -> str:
    from ticketbench.suite.spec import task_to_row

    return "".join(json.dumps(task_to_row(t), ensure_ascii=False) + "\n" for t in tasks)


def test_installed_references() -> None:
    dev, every = resolve_suite("dev"), resolve_suite("all")
    assert dev.path is None and dev.name == "" and dev.checksum == suite_checksum()
    assert len(dev.tasks) == len(DEV) and dev.label.startswith("dev@")
    assert [s.split for s in every.by_split()] == ["dev", "test"]
    assert len(every.tasks) == len(DEV) + len(load_suite("test"))
    with pytest.raises(TaskFileError, match="two splits"):
        resolve_suite("all", single=True)
    with pytest.raises(TaskFileError, match="no such folder or task file"):
        resolve_suite("nonexistent-suite")


def test_folder_is_checked_and_records_no_seed(tmp_path: Path) -> None:
    folder = _small_folder(tmp_path)
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "ticketbench_seed" not in card and "private seed" in card
    src = resolve_suite(folder)
    assert (src.name, src.split, len(src.tasks)) == ("heldout", "all", 9)
    one = resolve_suite(folder, single=True)
    assert one.split == "test" and [t.id for t in one.tasks] == [t.id for t in DEV[3:9]]
    assert one.label == f"heldout/test@{one.version}"
    split_file = resolve_suite(folder / "data" / "dev.jsonl")
    assert split_file.split == "dev" and split_file.checksum == src.checksum
    data = folder / "data" / "dev.jsonl"
    data.write_bytes(data.read_bytes().replace(b"\n", b"\n\n", 1))  # edited by hand
    with pytest.raises(TaskFileError, match="checksum mismatch"):
        resolve_suite(tmp_path / "heldout")


BAD = [
    # (mutation of the second task's row, field named in the error)
    (lambda r: r.update(expect=json.dumps({**json.loads(r["expect"]), "outcome": "win"})),
     "expect.outcome"),
    (lambda r: r.pop("opening"), "opening"),
    (lambda r: r.update(user_id="U999"), "user_id"),
    (lambda r: r.update(now="2026-12-01T19:00:00"), "now"),
    (lambda r: r.update(expect=json.dumps({**json.loads(r["expect"]), "feasible": False})),
     "expect"),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "field"), BAD)
def test_malformed_task_file_names_file_line_field(tmp_path: Path, mutate, field) -> None:  # type: ignore[no-untyped-def]
    rows = [json.loads(line) for line in _rows(DEV[:2]).splitlines()]
    mutate(rows[1])
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    with pytest.raises(TaskFileError) as err:
        resolve_suite(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}:2: {field}") and "\n" not in msg, msg


def test_not_json_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(_rows(DEV[:1]) + "{oops\n")
    with pytest.raises(TaskFileError, match=r"mine.jsonl:2: not valid JSON"):
        resolve_suite(path)
    path.write_text(_rows([DEV[0], DEV[0]]))
    with pytest.raises(TaskFileError, match=r"mine.jsonl:2: id: duplicate task id"):
        resolve_suite(path)


def test_hand_written_file_with_nested_columns_runs(tmp_path: Path) -> None:
    """A hand-written file (nested JSON objects, defaults for split/template) plays end to
    end; the header records the file's path and checksum, and regrade finds it again."""
    rows = []
    for t in DEV[:2]:
        data = t.model_dump(mode="json", exclude={"split", "template", "difficulty"})
        rows.append(json.dumps(data, ensure_ascii=False))
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "run"
    asyncio.run(start_run(agent_spec="oracle", suite=str(path), settings=RunSettings(), out=out))
    header = read_header(out)
    assert (header.suite.name, header.suite.split, header.suite.path) == (
        "mine",
        "custom",
        str(path.resolve()),
    )
    assert summarize_run(out).success_rate == 1.0
    assert regrade(out).changed == []
    path.write_text(rows[0] + "\n")  # the file changed under the run
    with pytest.raises(RunError, match="suite changed"):
        regrade(out)


def test_cli_run_verify_leaderboard_on_a_folder(tmp_path: Path) -> None:
    folder = _small_folder(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["verify", "--suite", str(folder), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["oracle_success"] == 1.0
    out = tmp_path / "run"
    res = runner.invoke(
        app, ["run", "--agent", "oracle", "--suite", str(folder), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert read_header(out).suite.task_ids == [t.id for t in DEV[3:9]]
    res = runner.invoke(app, ["leaderboard", str(out), "--suite", str(folder), "-f", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["suite"].startswith("heldout/test@")
    res = runner.invoke(app, ["leaderboard", str(out), "--suite", "dev"])
    assert res.exit_code == 1 and "none of the 1 run(s)" in res.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text("[]\n")
    res = runner.invoke(app, ["run", "--agent", "oracle", "--suite", str(bad)])
    assert res.exit_code == 2 and "bad.jsonl:1: a task is a JSON object" in res.output


def test_private_split_end_to_end(tmp_path: Path) -> None:
    """A held-out suite from a new seed: complete, verified (oracle 100% at L4, noop 0),
    audited clean, and runnable; nothing of the seed reaches the card or a run header."""
    runner = CliRunner()
    folder = tmp_path / "heldout"
    res = runner.invoke(app, ["tasks", "generate", "--seed", "s3cr3t-42", "--out", str(folder)])
    assert res.exit_code == 0, res.output
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "s3cr3t-42" not in card and "ticketbench_seed" not in card
    test = resolve_suite(folder, single=True)
    assert len(test.tasks) == len(load_suite("test"))
    public = {t.opening for t in load_suite("test")}
    same = sum(t.opening in public for t in test.tasks)  # short ones may recur by chance
    assert same <= 0.05 * len(test.tasks), same
    res = runner.invoke(app, ["verify", "--suite", str(folder), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["oracle_success"] == 1.0 and data["oracle_l4"] == 1.0
    assert data["noop_write_success"] == 0.0
    res = runner.invoke(app, ["tasks", "audit", "--suite", str(folder), "--json"])
    assert res.exit_code == 0, res.output
    audit = json.loads(res.stdout)  # position and wording leaks are reported, not counted
    assert audit["checked"] == 1098 and audit["discrepancies"] == []
    out = tmp_path / "nav"
    args = ["run", "--agent", "navigator", "--suite", str(folder), "--tasks", "pricing"]
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    header = (out / "header.json").read_text(encoding="utf-8")
    assert "s3cr3t" not in header
    assert read_header(out).suite.checksum == test.checksum
    res = runner.invoke(app, ["leaderboard", str(out), "--suite", str(folder), "-f", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["episodes"] == len(
        [t for t in test.tasks if t.category == "pricing"]
    )
