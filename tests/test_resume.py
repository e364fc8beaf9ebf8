"""Kill a real `ticketbench run` with SIGKILL, resume it, and find every episode exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from ticketbench.records import EPISODES, read_run
from ticketbench.results.regrade import regrade
from ticketbench.results.store import RunWriter
from ticketbench.suite.dataset import load_suite

SELECTION = "specified,pricing"
TRIALS = 2


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from ticketbench.cli import app; app()", *args]


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_sigkill_then_resume_has_every_episode_once(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    cmd = _cli("run", "--agent", "oracle", "--suite", "test", "--tasks", SELECTION,
               "--trials", str(TRIALS), "--concurrency", "2", "--out", str(run_dir))  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _lines(run_dir / EPISODES) < 20:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    expected = {
        (t.id, k)
        for t in load_suite("test")
        if t.category in SELECTION.split(",")
        for k in range(TRIALS)
    }
    before = read_run(run_dir)
    assert 20 <= len(before.episodes) < len(expected)
    with open(run_dir / EPISODES, "ab") as fh:  # as if killed in the middle of a write
        fh.write(b'{"task_id": "torn')
    assert read_run(run_dir).torn_tail

    done = subprocess.run(
        _cli("run", "--resume", str(run_dir), "--json"), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["resumed"]
    assert summary["episodes"] == len(expected) and summary["success_rate"] == 1.0

    after = read_run(run_dir)
    assert not after.torn_tail
    keys = Counter((r.task_id, r.trial) for r in after.episodes)
    assert set(keys) == expected and max(keys.values()) == 1
    # what was finished before the kill is kept byte for byte
    assert [r.model_dump_json() for r in after.episodes[: len(before.episodes)]] == [
        r.model_dump_json() for r in before.episodes
    ]

    res = regrade(run_dir)
    assert res.episodes == len(expected) and res.changed == [] and res.digest_mismatch == []
    assert len(read_run(run_dir).header.regrades) == 1


def test_writer_cuts_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / EPISODES
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c": ')
    RunWriter(tmp_path).close()
    assert path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
