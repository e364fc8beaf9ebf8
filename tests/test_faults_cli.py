"""Bad input and damaged data give one-line errors (never a traceback) and leave no half-made
run behind; `--resume` refuses flags it would ignore; the leaderboard and summary details."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from faultkit import SELECTION, error_lines, invoke

from ticketbench.env.world import WORLD_VERSION
from ticketbench.records import EPISODES, HEADER, read_run
from ticketbench.session import EpisodeSession  # noqa: F401 - the API under test below
from ticketbench.suite.dataset import checksum_of

DATA = Path(__file__).resolve().parents[1] / "ticketbench" / "data"


def _one_error(res: object, code: int = 2) -> str:
    assert res.exit_code == code, res.output  # type: ignore[attr-defined]
    (line,) = error_lines(res.stderr)  # type: ignore[attr-defined]
    return line


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [("--timeout", "-1", "--timeout"), ("--cost-limit", "0", "--cost-limit")],
)
def test_bad_numbers_are_one_line_errors(flag: str, value: str, says: str) -> None:
    res = invoke("run", "--agent", "oracle", "--tasks", SELECTION, flag, value)
    assert res.exit_code == 2 and "Traceback" not in res.output and says in res.output


def test_bad_out_paths_are_one_line_errors(tmp_path: Path) -> None:
    afile = tmp_path / "file.txt"
    afile.write_text("x", encoding="utf-8")
    for out, says in [
        (afile / "run", "cannot create a run directory"),
        (Path("/proc/ticketbench-run"), "cannot create a run directory"),
        (afile, "is an existing file"),
    ]:
        line = _one_error(invoke("run", "--agent", "oracle", "--tasks", SELECTION,
                                 "--out", str(out)))  # fmt: skip
        assert says in line and str(out) in line


def _data_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def _recard(root: Path) -> None:
    """Rewrite the card's checksum to match the (edited) files."""
    files = {s: (root / "suite" / "data" / f"{s}.jsonl").read_bytes() for s in ("test", "dev")}
    card = root / "suite" / "README.md"
    text = re.sub(r"(?m)^ticketbench_checksum: .*$", f"ticketbench_checksum: {checksum_of(files)}",
                  card.read_text(encoding="utf-8"))  # fmt: skip
    card.write_text(text, encoding="utf-8")


def test_damaged_suite_data_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = _data_copy(tmp_path / "stale")
    dev = stale / "suite" / "data" / "dev.jsonl"
    dev.write_bytes(dev.read_bytes().replace(b"dev-specified-000", b"dev-specified-999", 1))
    badline = _data_copy(tmp_path / "badline")
    dev = badline / "suite" / "data" / "dev.jsonl"
    dev.write_bytes(dev.read_bytes() + b'{"id": "dev-x", \n')
    _recard(badline)
    nodata = _data_copy(tmp_path / "nodata")
    shutil.rmtree(nodata / "suite" / "data")
    cases = [(stale, "checksum"), (badline, "dev.jsonl:189: not valid JSON"), (nodata, "no suite")]
    for root, says in cases:
        monkeypatch.setenv("TICKETBENCH_DATA", str(root))
        out = tmp_path / f"run-{root.parent.name}"
        line = _one_error(invoke("run", "--agent", "oracle", "--tasks", SELECTION,
                                 "--out", str(out)))  # fmt: skip
        assert says in line and not out.exists()


def test_truncated_world_file_leaves_no_run_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _data_copy(tmp_path)
    world = next((root / "world").glob("*.json.gz"))
    world.write_bytes(world.read_bytes()[: world.stat().st_size // 2])
    monkeypatch.setenv("TICKETBENCH_DATA", str(root))
    from ticketbench.env.world import load_world

    load_world.cache_clear()
    try:
        out = tmp_path / "run"
        line = _one_error(invoke("run", "--agent", "oracle", "--tasks", SELECTION,
                                 "--out", str(out)))  # fmt: skip
        assert "world data is damaged" in line and not out.exists()
    finally:
        load_world.cache_clear()


def test_records_missing_fields_are_reported_and_replayed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert (
        invoke("run", "--agent", "oracle", "--tasks", SELECTION, "--out", str(out)).exit_code == 0
    )
    lines = (out / EPISODES).read_bytes().splitlines(keepends=True)
    rec = json.loads(lines[1])
    del rec["category"], rec["timing"]
    lines[1] = json.dumps(rec).encode() + b"\n"
    (out / EPISODES).write_bytes(b"".join(lines))
    regraded = invoke("regrade", str(out))
    assert regraded.exit_code == 1 and "line 2" in regraded.stderr
    resumed = invoke("run", "--resume", str(out))
    assert resumed.exit_code == 0 and "Traceback" not in resumed.output
    assert len(read_run(out).episodes) == 16


def test_resume_refuses_the_flags_it_would_ignore(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert (
        invoke("run", "--agent", "oracle", "--tasks", SELECTION, "--out", str(out)).exit_code == 0
    )
    res = invoke("run", "--resume", str(out), "--agent", "noop", "--trials", "3", "--tasks", "x",
                 "--suite", "test")  # fmt: skip
    assert res.exit_code == 2
    for flag in ("--agent", "--trials", "--tasks", "--suite"):
        assert flag in res.output
    assert invoke("run", "--resume", str(out), "--json").exit_code == 0


def test_a_run_of_another_world_is_neither_resumed_nor_regraded(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert (
        invoke("run", "--agent", "oracle", "--tasks", SELECTION, "--out", str(out)).exit_code == 0
    )
    head = json.loads((out / HEADER).read_text(encoding="utf-8"))
    assert head["world_version"] == WORLD_VERSION
    head["world_version"] = f"{WORLD_VERSION}-other"  # the same task ids on another world
    (out / HEADER).write_text(json.dumps(head), encoding="utf-8")
    for args in (("run", "--resume", str(out)), ("regrade", str(out))):
        res = invoke(*args)
        assert res.exit_code == 2 and "the world changed" in res.output, (args, res.output)


def test_zero_scored_episodes_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outage = tmp_path / "outage"
    outage.touch()
    monkeypatch.setenv("FAULTKIT_OUTAGE", str(outage))
    out = tmp_path / "run"
    res = invoke("run", "--agent", "faultkit:FlakyInfra", "--tasks", "dev-specified-000",
                 "--out", str(out))  # fmt: skip
    assert res.exit_code == 0
    assert "no scored episodes" in res.stdout and "0.0 [0.0, 100.0]" not in res.stdout
    board = invoke("leaderboard", str(out))
    assert "no scored episodes" in board.stdout


def test_step_limit_is_not_a_policy_violation(tmp_path: Path) -> None:
    out = tmp_path / "run"
    res = invoke("run", "--agent", "faultkit:StepHog", "--tasks", "dev-specified-000",
                 "--max-steps", "5", "--out", str(out))  # fmt: skip
    assert res.exit_code == 0
    (rec,) = read_run(out).episodes
    assert rec.score is not None and rec.score.limits == ["steps"]
    assert rec.score.violations == []


def test_agent_that_never_spoke_did_not_clarify(tmp_path: Path) -> None:
    out = tmp_path / "run"
    res = invoke("run", "--agent", "faultkit:Silent", "--tasks", "clarify", "--out", str(out))
    assert res.exit_code == 0
    scores = [r.score for r in read_run(out).episodes if r.score is not None]
    assert scores and all(s.clarified is False for s in scores)
    assert not any("write_before_clarify" in s.violations for s in scores)  # it wrote nothing


def test_replay_keeps_the_recorded_agent_error(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert invoke("run", "--agent", "faultkit:Crashy", "--tasks", SELECTION,
                  "--out", str(first)).exit_code == 0  # fmt: skip
    again = tmp_path / "again"
    res = invoke("run", "--agent", f"replay:{first}", "--tasks", SELECTION, "--out", str(again))
    assert res.exit_code == 0, res.output
    before = {r.key: r.score.agent_error for r in read_run(first).episodes if r.score}
    after = {r.key: r.score.agent_error for r in read_run(again).episodes if r.score}
    assert before == after and set(before.values()) == {"ValueError: agent bug 42"}


def test_truncated_json_arguments_say_where_parsing_failed() -> None:
    import asyncio

    from test_session import _session, _task

    s = _session(_task())
    cut = asyncio.run(s.call("search_movies", '{"query": "Dune", "city": "Shangh'))
    assert cut.error is not None and cut.error.code == "invalid_json"
    assert "char" in cut.error.message and "truncated" in cut.error.message
    arr = asyncio.run(s.call("search_movies", "[1, 2]"))
    assert arr.error is not None and "an array" in arr.error.message
    assert "truncated" not in arr.error.message


def test_secret_agent_options_are_never_stored(tmp_path: Path) -> None:
    token = "tok-inline-secret-93c1"
    out = tmp_path / "run"
    res = invoke("run", "--agent", "faultkit:Keyed", "--agent-opt", f"token={token}",
                 "--tasks", "dev-specified-000", "--out", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    stored = b"".join(p.read_bytes() for p in out.iterdir() if p.is_file())
    assert token.encode() not in stored and b"[REDACTED]" in stored
    # The run cannot be resumed with a scrubbed key; it says so on one line.
    (out / EPISODES).write_bytes(b"")
    line = _one_error(invoke("run", "--resume", str(out)))
    assert "token" in line and "environment" in line


def test_an_inline_api_key_is_refused_without_echoing_it() -> None:
    key = "sk-typed-on-the-command-line-77"
    line = _one_error(invoke("run", "--agent", "openai:gpt-4.1", "--agent-opt", f"api_key={key}",
                             "--tasks", SELECTION))  # fmt: skip
    assert "api_key_env" in line and key not in line
