"""docs/ci-regression.yml: its shell steps, run as Actions would run them, on every exit path.

The gate step must pass the verdict through for 0 (no regression), 1 (regression) and 2
(not comparable), and for 3 (unreadable run or baseline) write a verdict that says nothing
was compared instead of failing on a missing file; the comment step must never fail the job
(a fork's token is read-only) and must not run for forks at all.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from runkit import make_run
from typer.testing import CliRunner

from ticketbench.cli import app

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "docs" / "ci-regression.yml"


def _workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def _step(name: str) -> dict[str, Any]:
    steps = _workflow()["jobs"]["regression"]["steps"]
    step: dict[str, Any] = next(s for s in steps if s.get("name") == name)
    return step


def _run_step(name: str, cwd: Path, path_dirs: list[Path] = (), **env: str) -> tuple[int, Path]:
    """Run one step's script with bash as Actions does; returns (exit code, GITHUB_OUTPUT)."""
    step = _step(name)
    script = step["run"]
    assert "${{" not in script, f"step {name!r} expands an expression inside its script"
    out = cwd / "github_output"
    summary = cwd / "step_summary.md"
    out.touch()
    summary.touch()
    full_env = {
        **os.environ,
        **{k: str(v) for k, v in _workflow()["env"].items()},
        **{k: str(v) for k, v in step.get("env", {}).items() if "${{" not in str(v)},
        "GITHUB_OUTPUT": str(out),
        "GITHUB_STEP_SUMMARY": str(summary),
        **env,
    }
    bins = [*map(str, path_dirs), str(Path(sys.executable).parent)]
    full_env["PATH"] = os.pathsep.join([*bins, full_env.get("PATH", "")])
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    (cwd / "stderr.txt").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return proc.returncode, out


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checkout with a baseline (an LLM run at 80%) and a CI run at runs/ci."""
    base_run = make_run(tmp_path / "rec", "base", style="llm", skill=0.8, trials=3)
    (tmp_path / "results").mkdir()
    res = CliRunner().invoke(
        app, ["baseline", "save", str(base_run), str(tmp_path / "results" / "base.json")]
    )
    assert res.exit_code == 0, res.output
    return tmp_path


def _ci_run(ws: Path, **kw: Any) -> None:
    run = make_run(ws / "made", "ci", style="llm", trials=3, **kw)
    shutil.move(str(run), ws / "runs" / "ci")


GATE = "Check against the baseline"


def _gate(ws: Path) -> tuple[int, str, str, str]:
    code, out = _run_step(GATE, ws, BASELINE=str(ws / "results" / "base.json"))
    summary = (ws / "step_summary.md").read_text(encoding="utf-8")
    verdict = (ws / "verdict.md").read_text(encoding="utf-8")
    return code, out.read_text(encoding="utf-8"), summary, verdict


def test_gate_step_no_regression(workspace: Path) -> None:
    (workspace / "runs").mkdir()
    _ci_run(workspace, skill=0.8)
    code, output, summary, verdict = _gate(workspace)
    assert code == 0, (workspace / "stderr.txt").read_text()
    assert "code=0" in output
    assert "no regression" in summary and summary == verdict


def test_gate_step_regression(workspace: Path) -> None:
    (workspace / "runs").mkdir()
    _ci_run(workspace, skill=0.2, seed=3)
    code, output, summary, verdict = _gate(workspace)
    assert code == 1 and "code=1" in output
    assert "regression" in summary and "no regression" not in summary
    assert summary == verdict


def test_gate_step_not_comparable(workspace: Path) -> None:
    (workspace / "runs").mkdir()
    _ci_run(workspace, version="9.9.9")
    code, output, summary, _ = _gate(workspace)
    assert code == 2 and "code=2" in output and "not comparable" in summary


def test_gate_step_unreadable_run_is_not_a_regression(workspace: Path) -> None:
    # runs/ci was never written (the replay step died): exit 3, and a verdict that says why.
    code, output, summary, verdict = _gate(workspace)
    log = (workspace / "stderr.txt").read_text()
    assert code == 3 and "code=3" in output
    assert "could not compare" in verdict and "not a run directory" in verdict
    assert summary == verdict and "regression" not in verdict.lower()
    assert "::error" in log and "No such file" not in log


def _fake_gh(tmp: Path, rc: int) -> Path:
    bin_dir = tmp / f"gh-{rc}"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\necho "gh $*" >> "{tmp}/gh.log"\nexit {rc}\n', encoding="utf-8")
    gh.chmod(0o755)
    return bin_dir


COMMENT = "Comment the verdict on the pull request"


@pytest.mark.parametrize("gh_rc", [0, 1])
def test_comment_step_never_fails_the_job(tmp_path: Path, gh_rc: int) -> None:
    (tmp_path / "verdict.md").write_text("### ticketbench gate: no regression\n", encoding="utf-8")
    code, _ = _run_step(COMMENT, tmp_path, [_fake_gh(tmp_path, gh_rc)], PR_NUMBER="17")
    log = (tmp_path / "stderr.txt").read_text()
    assert code == 0, log
    assert (tmp_path / "gh.log").read_text().strip() == "gh pr comment 17 --body-file verdict.md"
    assert ("::warning" in log) == (gh_rc != 0)


def test_comment_step_skips_forks() -> None:
    condition = re.sub(r"\s+", " ", _step(COMMENT)["if"])
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert _step(COMMENT)["env"]["PR_NUMBER"] == "${{ github.event.pull_request.number }}"


def test_report_step(workspace: Path) -> None:
    (workspace / "runs").mkdir()
    _ci_run(workspace, skill=0.8)
    shutil.copytree(workspace / "runs" / "ci", workspace / "results" / "baselines" / "oracle-dev")
    code, _ = _run_step("HTML report (artifact)", workspace)
    assert code == 0, (workspace / "stderr.txt").read_text()
    assert (workspace / "report.html").stat().st_size > 10_000


def test_readme_documents_the_gate_exit_codes() -> None:
    result = CliRunner().invoke(app, ["gate", "--help"], terminal_width=200)
    codes = sorted(set(re.findall(r"(?:Exit |; )(\d):", " ".join(result.output.split()))))
    assert codes == ["0", "1", "2", "3"], result.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    gate_line = next(line for line in readme.splitlines() if line.startswith("ticketbench gate"))
    assert "exit 0/1/2/3" in gate_line
    section = readme[readme.index("## Regression checks in CI") :]
    for code in codes:
        assert re.search(rf"\b{code} \(", section), f"README does not explain exit {code}"
