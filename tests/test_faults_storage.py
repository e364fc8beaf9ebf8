"""Fault injection on run storage, through the real CLI: every finished episode stays on disk
exactly once, whatever breaks (torn and damaged lines, racing writers, regrades, a full disk,
hostile strings), and readers say what they skipped."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from faultkit import SELECTION, cli, env_with_tests, error_lines, invoke

from ticketbench.records import EPISODES, HEADER, read_run
from ticketbench.results import store

N = 16  # episodes of the selection


def _oracle_run(out: Path) -> None:
    res = invoke("run", "--agent", "oracle", "--tasks", SELECTION, "--out", str(out))
    assert res.exit_code == 0, res.output
    assert len(read_run(out).episodes) == N


def _keys(run_dir: Path) -> Counter[tuple[str, int]]:
    return Counter(r.key for r in read_run(run_dir).episodes)


def _raw_keys(run_dir: Path) -> Counter[tuple[str, int]]:
    """Every (task, trial) as written, valid lines only, superseded ones included."""
    run = read_run(run_dir)
    return Counter(r.key for r in [*run.episodes, *run.superseded])


def _wait_lines(path: Path, n: int, proc: subprocess.Popen[str], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not path.exists() or path.read_bytes().count(b"\n") < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.02)


def test_torn_line_is_cut_on_resume_and_readers_say_so(tmp_path: Path) -> None:
    out = tmp_path / "run"
    _oracle_run(out)
    lines = (out / EPISODES).read_bytes().splitlines(keepends=True)
    (out / EPISODES).write_bytes(b"".join(lines[:10]) + lines[10][:40])  # killed mid-write
    board = invoke("leaderboard", str(out))
    assert board.exit_code == 0 and "torn last line" in board.stderr
    assert "incomplete: 10/16" in board.stdout
    res = invoke("run", "--resume", str(out))
    assert res.exit_code == 0, res.output
    assert _raw_keys(out) == Counter(_keys(out)) and len(_keys(out)) == N
    assert not read_run(out).torn_tail and (out / EPISODES).read_bytes()[:-1].count(b"\n") == N - 1


def test_damaged_middle_line_keeps_every_other_record(tmp_path: Path) -> None:
    out = tmp_path / "run"
    _oracle_run(out)
    path = out / EPISODES
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2][: len(lines[2]) // 2] + b"\n"  # line 3 cut in half
    path.write_bytes(b"".join(lines))
    before = path.read_bytes()

    regraded = invoke("regrade", str(out))
    assert regraded.exit_code == 1  # done, but not clean: the damage is reported
    assert "1 damaged line(s) kept as they were" in regraded.stderr and "line 3" in regraded.stderr
    after = path.read_bytes().splitlines(keepends=True)
    assert len(after) == N and after[2] == lines[2]  # the damaged line is kept where it was
    assert len(read_run(out).episodes) == N - 1 and read_run(out).damaged == [3]
    assert before != b""

    board = invoke("leaderboard", str(out))
    assert board.exit_code == 0 and "1 damaged line(s) skipped (line 3)" in board.stderr

    resumed = invoke("run", "--resume", str(out))  # plays only the damaged episode again
    assert resumed.exit_code == 0, resumed.output
    assert path.read_bytes().startswith(b"".join(after))  # nothing before it was cut
    assert len(_keys(out)) == N and max(_raw_keys(out).values()) == 1


def test_regrade_of_random_bytes_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    _oracle_run(out)
    junk = b"\n".join(os.urandom(n).replace(b"\n", b"\x00") for n in (4096, 100)) + b"\n"
    (out / EPISODES).write_bytes(junk)
    res = invoke("regrade", str(out))
    assert res.exit_code == 2 and "nothing regraded" in res.stderr
    assert (out / EPISODES).read_bytes() == junk
    report = invoke("report", str(out), "-o", str(tmp_path / "r.html"))
    assert report.exit_code == 1 and "none of its 2 episode line(s) is readable" in report.stderr


def test_regrade_while_a_run_writes_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ("run", "--agent", "faultkit:Slow", "--tasks", SELECTION, "--trials", "4",
            "--concurrency", "2", "--out", str(out))  # fmt: skip
    proc = subprocess.Popen(
        cli(*args), env=env_with_tests(FAULTKIT_DELAY="0.1"), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    _wait_lines(out / EPISODES, 5, proc)
    regraded = invoke("regrade", str(out))
    assert regraded.exit_code == 2 and "being written by another" in regraded.stderr
    assert proc.wait(timeout=600) == 0  # a loaded machine took over 120 s
    assert len(_keys(out)) == 4 * N and max(_raw_keys(out).values()) == 1


def test_racing_resumes_play_each_episode_once(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ("run", "--agent", "faultkit:Slow", "--tasks", SELECTION, "--trials", "4",
            "--concurrency", "2", "--out", str(out))  # fmt: skip
    proc = subprocess.Popen(cli(*args), env=env_with_tests(FAULTKIT_DELAY="0.1"), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    _wait_lines(out / EPISODES, 4, proc)
    proc.kill()
    proc.wait()
    env = env_with_tests(FAULTKIT_DELAY="0.05")
    resumes = [
        subprocess.Popen(cli("run", "--resume", str(out)), env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]  # fmt: skip
    results = [(p.wait(timeout=600), p.communicate()[1]) for p in resumes]
    assert sorted(code for code, _ in results) == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert "being written by another" in loser
    assert len(_keys(out)) == 4 * N and max(_raw_keys(out).values()) == 1


def test_racing_runs_on_one_out_never_mix_agents(tmp_path: Path) -> None:
    out = tmp_path / "run"
    procs = {
        agent: subprocess.Popen(
            cli("run", "--agent", agent, "--tasks", SELECTION, "--out", str(out)),
            env=env_with_tests(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for agent in ("oracle", "noop")
    }  # fmt: skip
    codes = {agent: (p.wait(timeout=600), p.communicate()[1]) for agent, p in procs.items()}
    assert sorted(c for c, _ in codes.values()) == [0, 2], codes
    winner = next(a for a, (c, _) in codes.items() if c == 0)
    _, loser_err = next(v for a, v in codes.items() if a != winner)
    assert "Traceback" not in loser_err and len(error_lines(loser_err)) == 1
    run = read_run(out)
    assert run.header.agent["spec"] == winner and len(run.episodes) == N
    wins = sum(bool(r.score and r.score.success) for r in run.episodes)
    assert wins == (N if winner == "oracle" else 0)  # every record is the winner's
    assert not list(out.glob("*.tmp"))


def test_run_on_an_out_another_process_holds_writes_nothing(tmp_path: Path) -> None:
    # The race above, made deterministic: the other run holds the directory's lock and has
    # not written its header yet; this one must not write a header of its own.
    out = tmp_path / "run"
    out.mkdir()
    with store.run_lock(out):
        res = invoke("run", "--agent", "noop", "--tasks", SELECTION, "--out", str(out))
    assert res.exit_code == 2 and "being written by another" in res.stderr
    assert not (out / HEADER).exists() and not (out / EPISODES).exists()


def test_headerless_directory_is_not_adopted(tmp_path: Path) -> None:
    first = tmp_path / "first"
    _oracle_run(first)
    out = tmp_path / "orphan"
    out.mkdir()
    data = (first / EPISODES).read_bytes()
    (out / EPISODES).write_bytes(data)  # a run that lost its header.json
    res = invoke("run", "--agent", "noop", "--tasks", SELECTION, "--out", str(out))
    assert res.exit_code == 2 and "not adopting them" in res.stderr
    assert (out / EPISODES).read_bytes() == data and not (out / HEADER).exists()


def test_full_disk_stops_with_one_line_and_keeps_every_written_episode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    real_write = os.write
    written = [0]

    def full_after_five(fd: int, data: bytes | memoryview) -> int:
        if bytes(data[:11]) == b'{"task_id":':
            if written[0] >= 5:
                half = len(data) // 2  # the device takes half the line, then fills up
                real_write(fd, bytes(data[:half]))
                raise OSError(errno.ENOSPC, "No space left on device")
            written[0] += 1
        return real_write(fd, data)

    monkeypatch.setattr(store.os, "write", full_after_five)
    res = invoke("run", "--agent", "oracle", "--tasks", SELECTION, "--concurrency", "1",
                 "--out", str(out))  # fmt: skip
    monkeypatch.undo()
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert len(error_lines(res.stderr)) == 1 and "no space left on the device" in res.stderr
    run = read_run(out)
    assert len(run.episodes) == 5 and not run.damaged and not run.torn_tail
    resumed = invoke("run", "--resume", str(out))
    assert resumed.exit_code == 0, resumed.output
    assert len(_keys(out)) == N and max(_raw_keys(out).values()) == 1


def test_hostile_strings_are_recorded_and_the_run_resumes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    res = invoke("run", "--agent", "faultkit:Hostile", "--tasks", "dev-specified-000",
                 "--out", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    run = read_run(out)
    assert len(run.episodes) == 1 and not run.damaged
    calls = [e for e in run.episodes[0].events if e.kind == "tool_call"]
    assert len(calls) == 8 and not any(c.ok for c in calls)
    codes = [c.error_code for c in calls]
    assert codes.count("invalid_arguments") >= 3 and "unknown_tool" in codes
    again = invoke("run", "--resume", str(out))
    assert again.exit_code == 0 and len(read_run(out).episodes) == 1


def test_corrupt_run_among_many_is_skipped_with_a_warning(tmp_path: Path) -> None:
    good = tmp_path / "runs" / "good"
    _oracle_run(good)
    bad = tmp_path / "runs" / "bad"
    bad.mkdir()
    (bad / HEADER).write_text('{"run_id": "bad", "created_at": "yesterday"', encoding="utf-8")
    res = invoke("leaderboard", str(tmp_path / "runs"))
    assert res.exit_code == 0 and "skipped" in res.stderr and "corrupt run" in res.stderr
    assert "oracle" in res.stdout
    partial = tmp_path / "runs" / "partial"
    _oracle_run(partial)
    lines = (partial / EPISODES).read_bytes().splitlines(keepends=True)
    (partial / EPISODES).write_bytes(b"".join(lines[:4]))
    shown = invoke("leaderboard", str(partial), "--format", "json")
    assert shown.exit_code == 0 and "incomplete: 4 of 16 episodes" in shown.stderr
    assert "incomplete: 4/16" in json.loads(shown.stdout)[0]["agent"]


def test_report_scrubs_secrets_from_runs_written_before(tmp_path: Path) -> None:
    from runkit import make_run, report_text

    key = "sk-old-run-secret-42ab"
    run_dir = make_run(tmp_path, "old", style="llm")
    path = run_dir / EPISODES
    path.write_text(path.read_text(encoding="utf-8").replace("st-0042", key), encoding="utf-8")
    assert key in path.read_text(encoding="utf-8")
    out = tmp_path / "r.html"
    res = invoke("report", str(run_dir), "-o", str(out), "--no-replay",
                 env={"DASHSCOPE_API_KEY": key})  # fmt: skip
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    text = report_text(html)  # the episodes as the page shows them, not only gzip
    assert key not in text and "[REDACTED]" in text
