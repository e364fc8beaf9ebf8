"""A non-editable install carries its data and runs from any directory, with the same numbers.

The wheel is built from this checkout, installed (without dependencies: this test's
environment provides them) into a folder of its own, and run from a directory outside the
repository with only that folder ahead of site-packages on the path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _summary(cwd: Path, env: dict[str, str], out: Path) -> dict[str, tuple[float, float, float]]:
    proc = subprocess.run(
        [sys.executable, "-m", "ticketbench", "run", "--json", "--out", str(out)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    return {
        name: (s["success_rate"], s["ladder"]["L4"], s["ladder"]["L2"]) for name, s in data.items()
    }


def _tracked_copy(dest: Path) -> Path:
    """The checkout's tracked files (what a clean clone holds) in `dest`: building there
    keeps setuptools' build/ folder out of the checkout."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            (dest / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name.decode())
    return dest


def test_wheel_runs_outside_the_checkout_with_the_same_numbers(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    source = _tracked_copy(tmp_path / "source")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("ticketbench-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ticketbench/data/world/world-v2.json.gz" in names
    assert "ticketbench/data/suite/data/dev.jsonl" in names
    assert not [n for n in names if n.split("/")[0] in ("harness", "agents", "tasks", "tests")]

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), wheel],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("TICKETBENCH_DATA", None)
    where = subprocess.run(
        [sys.executable, "-c", "import ticketbench; print(ticketbench.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(target), where

    installed = _summary(elsewhere, env, elsewhere / "runs")
    here = _summary(
        ROOT, {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, tmp_path / "r"
    )
    assert installed == here
    assert installed["oracle"][0] == 1.0
