"""Plugins out of process: a `module:Class` agent plays in a child that holds only a session
proxy, and reads nothing of the task; `--privileged` is the only way to hand it the task,
and such a run is marked everywhere and never ranked.

The plugins live in `isolationkit` (imported by the child as a third-party plugin would be).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ticketbench.agents.isolation.host import WRITABLE_ENV
from ticketbench.cli import app
from ticketbench.env.world import DATA_ENV, data_root
from ticketbench.records import read_run
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import task_to_row

# Purchases the oracle completes (a write each): a plugin that reads nothing scores 0 on them.
HELD_OUT = ("dev-specified-001", "dev-seating-000", "dev-pricing-000")


def _cli(*args: str) -> str:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.output


def _held_out(tmp_path: Path) -> Path:
    """A task file in a folder of its own: the suite whose path the plugin must not learn."""
    tasks = [t for t in load_suite("dev") if t.id in HELD_OUT]
    folder = tmp_path / "secret-suite"
    folder.mkdir()
    path = folder / "heldout.jsonl"
    path.write_text("".join(json.dumps(task_to_row(t)) + "\n" for t in tasks), encoding="utf-8")
    return path


def _records(run_dir: Path) -> list[dict[str, Any]]:
    """The run's records as dicts, in task order, without their wall-clock timing."""
    out = []
    for e in sorted(read_run(run_dir).episodes, key=lambda e: (e.task_id, e.trial)):
        rec = e.model_dump(mode="json")
        rec.pop("timing")
        out.append(rec)
    return out


def test_a_plugin_searching_its_process_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _held_out(tmp_path)
    # A data root of its own, as `--data-root DIR` or TICKETBENCH_DATA give one.
    root = tmp_path / "private-data"
    root.mkdir()
    for part in ("world", "suite"):
        (root / part).symlink_to(data_root() / part)
    monkeypatch.setenv(DATA_ENV, str(root))
    (tmp_path / "snoop").mkdir()
    monkeypatch.setenv(WRITABLE_ENV, str(tmp_path / "snoop"))  # where it may write its report
    report = tmp_path / "snoop" / "found.jsonl"
    opt = f"report={json.dumps(str(report))}"
    out = tmp_path / "isolated"
    _cli("run", "--agent", "isolationkit:Snoop", "--agent-opt", opt, "--suite", str(suite),
         "--out", str(out))  # fmt: skip
    found = [json.loads(line) for line in report.read_text().splitlines()]
    assert len(found) == len(HELD_OUT)
    confined = read_run(out).header.agent["confined"]
    assert confined.startswith(("landlock", "none"))
    for f in found:
        assert not f["found_task"] and not f["kinds"], f
        assert not f["env"], f["env"]  # no TICKETBENCH_* variable, no data path
        if confined.startswith("landlock"):  # not even root reads the harness's memory
            assert f["harness_memory"] == "refused: Permission denied", f["harness_memory"]
            # nor its command line, nor the suite's data on disk
            assert f["harness_cmdline"] in ("unknown", "refused: Permission denied")
            assert f["disk"] and set(f["disk"].values()) == {"refused: Permission denied"}
            assert "shared by the episodes" in confined  # the report's folder was writable
        leaks = [
            x
            for x in (*f["strings"], *f["argv"], f["cmdline"], *f["files"])
            if "secret-suite" in x or "heldout" in x or "private-data" in x
        ]
        assert not leaks, leaks
        assert not [p for p in f["files"] if p.startswith(str(out))]  # nor the run directory
        # The session's private state is the wire and what the agent sees, nothing else.
        assert set(f["private"].values()) <= {"StreamReader", "StreamWriter", "list", "str",
                                              "bool", "Lock", "method"}  # fmt: skip
    assert all(e.score is not None and not e.score.success for e in read_run(out).episodes)

    # The same plugin in the harness's process (--privileged) finds the task and "succeeds":
    # the search above was a real one.
    report.unlink()
    privileged = tmp_path / "in-process"
    _cli("run", "--agent", "isolationkit:Snoop", "--agent-opt", opt, "--suite", str(suite),
         "--privileged", "--out", str(privileged))  # fmt: skip
    found = [json.loads(line) for line in report.read_text().splitlines()]
    assert all(f["found_task"] for f in found)
    assert any(str(suite) in s for f in found for s in f["strings"])
    assert all(e.score is not None and e.score.success for e in read_run(privileged).episodes)


def test_records_out_of_process_equal_those_in_process(tmp_path: Path) -> None:
    tasks = "dev-specified-001,dev-clarify-000,dev-infeasible-000"
    for where, flags in (("isolated", []), ("in-process", ["--privileged"])):
        _cli("run", "--agent", "isolationkit:Scripted", "--tasks", tasks, "--trials", "2",
             "--concurrency", "4", "--out", str(tmp_path / where), *flags)  # fmt: skip
    isolated, in_process = _records(tmp_path / "isolated"), _records(tmp_path / "in-process")
    assert len(isolated) == 6 and isolated == in_process
    first = isolated[0]
    assert first["usage"]["input_tokens"] == 200 and first["usage"]["model"] == "scripted-1"
    assert first["faults"] == {"empty_completion": 1}
    assert first["score"]["invalid_json"] >= 1
    header = read_run(tmp_path / "isolated").header
    assert header.agent["isolated"] is True and header.agent["class"] == "isolationkit.Scripted"
    assert not header.settings.privileged


@pytest.mark.parametrize(
    ("how", "error"),
    [
        ("value", "ValueError: bad things, 坏事"),
        ("agent", "gave up"),
        ("exit", "SystemExit: leaving"),
        ("cancel", "CancelledError: stop"),
        ("block", "timeout: the episode exceeded 1 s"),
        ("sleep", "timeout: the episode exceeded 1 s"),
        ("wait", None),
    ],
)
def test_how_an_agent_ends_is_recorded_as_in_process(tmp_path: Path, how: str, error: str) -> None:
    recs = []
    for where, flags in (("isolated", []), ("in-process", ["--privileged"])):
        _cli("run", "--agent", "isolationkit:Raiser", "--agent-opt", f'how="{how}"',
             "--tasks", "dev-specified-001", "--timeout", "1", "--out", str(tmp_path / where),
             *flags)  # fmt: skip
        recs.append(_records(tmp_path / where))
    assert recs[0] == recs[1]
    assert recs[0][0]["score"]["agent_error"] == error


def test_infra_errors_and_crashes_out_of_process(tmp_path: Path) -> None:
    _cli("run", "--agent", "isolationkit:Raiser", "--agent-opt", 'how="infra"',
         "--tasks", "dev-specified-001", "--out", str(tmp_path / "infra"))  # fmt: skip
    (rec,) = read_run(tmp_path / "infra").episodes
    assert rec.status == "infra_error" and rec.infra is not None
    assert rec.infra.kind == "bad_request" and rec.infra.attempts == 1
    # Garbage on the wire ends the episode as the agent's failure, and nothing else.
    _cli("run", "--agent", "isolationkit:Raiser", "--agent-opt", 'how="garbage"',
         "--tasks", "dev-specified-001", "--out", str(tmp_path / "garbage"))  # fmt: skip
    (rec,) = read_run(tmp_path / "garbage").episodes
    assert rec.score is not None and rec.score.agent_error == (
        "PluginExited: a frame is not JSON: Expecting value: line 1 column 1 (char 0)"
    )
    assert rec.score.tool_calls == 2  # the call it slipped in ran, as any call would
    # A crash only ends its own episode (in process it would take the harness down).
    tasks = "dev-specified-001,dev-seating-000"
    _cli("run", "--agent", "isolationkit:Raiser", "--agent-opt", 'how="crash"',
         "--tasks", tasks, "--out", str(tmp_path / "crash"))  # fmt: skip
    recs = read_run(tmp_path / "crash").episodes
    assert len(recs) == 2
    for r in recs:
        assert r.score is not None and str(r.score.agent_error).startswith("PluginExited:")


def test_every_episode_starts_from_the_agent_as_built(tmp_path: Path) -> None:
    _cli("run", "--agent", "isolationkit:Counter", "--tasks", "specified", "--trials", "2",
         "--concurrency", "3", "--out", str(tmp_path / "run"))  # fmt: skip
    said = [
        e.text
        for rec in read_run(tmp_path / "run").episodes
        for e in rec.events
        if e.kind == "agent_message"
    ]
    assert len(said) > 4 and set(said) == {"episodes before this one: 0"}


@pytest.mark.parametrize("when", ["build", "signal"])
def test_episodes_share_nothing_the_plugin_made(tmp_path: Path, when: str) -> None:
    """A page made shared before the episodes fork would let each one count itself in it: at
    the agent's build, or in the template later, from a SIGCHLD handler the build set. Each
    episode builds the agent in a fork of a template that never ran the plugin's code, so
    every count starts again; in process (--privileged) the same page counts the episodes."""
    args = ["run", "--agent", "isolationkit:Hoarder", "--agent-opt", f"when={when}",
            "--tasks", "specified", "--concurrency", "2"]  # fmt: skip

    def counts(run: Path) -> list[int]:
        said = [e.text for rec in read_run(run).episodes
                for e in rec.events if e.kind == "agent_message"]  # fmt: skip
        return sorted(int(text.removeprefix("episodes so far: ")) for text in said)

    _cli(*args, "--out", str(tmp_path / "isolated"))
    isolated = counts(tmp_path / "isolated")
    assert len(isolated) > 4 and set(isolated) == {1}
    if when == "build":
        _cli(*args, "--privileged", "--out", str(tmp_path / "in-process"))
        assert counts(tmp_path / "in-process") == list(range(1, len(isolated) + 1))


def test_episodes_cannot_meet_by_key_queue_or_port(tmp_path: Path) -> None:
    """System V keys, kernel keyring keys, POSIX queue names, listening ports, UDP ports and
    file locks are meeting points Landlock does not govern: in a plugin's process each
    attempt is refused (EPERM)."""
    _cli("run", "--agent", "isolationkit:Meeter", "--tasks", "dev-specified-001",
         "--out", str(tmp_path / "run"))  # fmt: skip
    run = read_run(tmp_path / "run")
    if "seccomp:" not in run.header.agent["confined"]:
        pytest.skip(f"no seccomp here: {run.header.agent['confined']}")
    (said,) = [e.text for rec in run.episodes for e in rec.events if e.kind == "agent_message"]
    assert json.loads(said) == dict.fromkeys(
        ("shmget", "msgget", "semget", "add_key", "mq_open", "bind", "udp", "lock"), "EPERM"
    )
    _cli("run", "--agent", "isolationkit:Meeter", "--tasks", "dev-specified-001",
         "--privileged", "--out", str(tmp_path / "in-process"))  # fmt: skip
    (said,) = [e.text for rec in read_run(tmp_path / "in-process").episodes
               for e in rec.events if e.kind == "agent_message"]  # fmt: skip
    assert set(json.loads(said).values()) == {"met"}  # the attempts are real ones


def test_describe_cannot_rename_the_agent(tmp_path: Path) -> None:
    """`--resume` loads the agent from the header's spec: a plugin that names the built-in
    oracle in `describe()` stops the run and is resumed as itself, never as the oracle."""
    out = tmp_path / "run"
    res = CliRunner().invoke(app, ["run", "--agent", "isolationkit:Impostor",
                                   "--tasks", "dev-specified-001", "--out", str(out)])  # fmt: skip
    assert res.exit_code != 0 and "--resume" in res.output
    agent = read_run(out).header.agent
    assert agent["spec"] == "isolationkit:Impostor" and agent["class"] == "isolationkit.Impostor"
    assert agent["isolated"] is True and agent["confined"] != "none"
    assert agent["model"] == "impostor-1"  # the rest of what it says is kept
    res = CliRunner().invoke(app, ["run", "--resume", str(out)])
    assert res.exit_code != 0 and "401 invalid api key" in res.output
    assert not any(e.score and e.score.success for e in read_run(out).episodes)


def test_usage_is_never_negative(tmp_path: Path) -> None:
    """A usage report below zero would offset the run's tokens, cost and --cost-limit: over
    the wire it is refused as malformed, and the episode is the agent's failure."""
    _cli("run", "--agent", "isolationkit:Refunder", "--tasks", "dev-specified-001",
         "--out", str(tmp_path / "run"))  # fmt: skip
    (rec,) = read_run(tmp_path / "run").episodes
    assert rec.usage.input_tokens == 0 and rec.usage.cost_usd == 0.0
    assert rec.score is not None and not rec.score.success
    assert rec.score.agent_error and "usage report is malformed" in rec.score.agent_error


def test_for_episode_needs_privileged_and_marks_the_run(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with pytest.warns(UserWarning, match="for_episode"):
        _cli("run", "--agent", "isolationkit:Peeker", "--tasks", "dev-specified-001",
             "--out", str(runs / "plain"))  # fmt: skip
    summary = _cli("run", "--agent", "isolationkit:Peeker", "--tasks", "dev-specified-001",
                   "--privileged", "--out", str(runs / "privileged"))  # fmt: skip
    assert "(privileged" in summary  # the terminal summary says so
    _cli("run", "--agent", "noop", "--tasks", "dev-specified-001", "--out", str(runs / "noop"))

    def said(run: str) -> str:
        (rec,) = read_run(runs / run).episodes
        return next(e.text for e in rec.events if e.kind == "agent_message")

    assert said("plain") == "handed the task: no"
    assert said("privileged") == "handed the task: dev-specified-001"
    assert read_run(runs / "privileged").header.settings.privileged
    assert not read_run(runs / "plain").header.settings.privileged

    rows = json.loads(_cli("leaderboard", str(runs), "-f", "json"))
    marked = [r for r in rows if r["privileged"]]
    assert len(marked) == 1 and "privileged" in marked[0]["agent"]
    assert rows[-1] is marked[0]  # after every ranked row
    md = _cli("leaderboard", str(runs))
    ranked, _, apart = md.partition("# Privileged runs (not ranked)")
    assert "isolationkit:Peeker (privileged" in apart and "(privileged" not in ranked
    assert "isolationkit:Peeker" in ranked and "noop" in ranked
    html = _cli("leaderboard", str(runs), "-f", "html")
    assert "Privileged runs (not ranked)" in html
    report = tmp_path / "report.html"
    _cli("report", str(runs), "-o", str(report))
    assert report.read_text().count("privileged: handed each task, not ranked") >= 2
    terminal = CliRunner().invoke(app, ["leaderboard", str(runs / "privileged"), "-f", "md"])
    assert "Privileged runs" in terminal.output

    # The gate refuses to compare a privileged run, either way round.
    base = tmp_path / "base.json"
    _cli("baseline", "save", str(runs / "plain"), str(base))
    res = CliRunner().invoke(app, ["gate", str(runs / "privileged"), "--baseline", str(base)])
    assert res.exit_code == 2 and "privileged" in res.output
    _cli("baseline", "save", str(runs / "privileged"), str(base))
    res = CliRunner().invoke(app, ["gate", str(runs / "plain"), "--baseline", str(base)])
    assert res.exit_code == 2 and "privileged" in res.output


def test_privileged_is_for_plugins_only() -> None:
    for agent in ("oracle", "mcp:python agent.py", "replay:runs/x", "openai:gpt-4.1-mini"):
        res = CliRunner().invoke(app, ["run", "--agent", agent, "--privileged"])
        assert res.exit_code == 2 and "--privileged applies to a module:Class agent" in res.output


def test_a_plugin_that_cannot_be_built_fails_before_any_episode(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app,
        ["run", "--agent", "isolationkit:Raiser", "--agent-opt", "nope=1", "--out",
         str(tmp_path / "run")],
    )  # fmt: skip
    assert res.exit_code == 2 and "unexpected keyword argument 'nope'" in res.output
    assert not (tmp_path / "run").exists()


def test_the_defence_example_runs_out_of_process_and_privileged(tmp_path: Path) -> None:
    spec = "examples.data_filter_defence:DataFilter"
    task = "dev-specified-001"
    with pytest.warns(UserWarning, match="for_episode"):  # the wrapper forwards it
        _cli("run", "--agent", spec, "--agent-opt", 'inner="noop"', "--tasks", task,
             "--out", str(tmp_path / "noop"))  # fmt: skip
    (rec,) = read_run(tmp_path / "noop").episodes
    assert rec.score is not None and not rec.score.success and rec.score.turns == 1
    # The follower it wraps reads the task: that takes --privileged.
    _cli("run", "--agent", spec, "--agent-opt", 'inner="injection-follower"', "--tasks", task,
         "--privileged", "--out", str(tmp_path / "follower"))  # fmt: skip
    run = read_run(tmp_path / "follower")
    assert run.header.settings.privileged and run.episodes[0].score.success  # type: ignore[union-attr]


def test_isolated_plugins_play_in_worker_processes_too(tmp_path: Path) -> None:
    tasks = "dev-specified-001,dev-clarify-000"
    for where, flags in (("local", []), ("process", ["--executor", "process", "--workers", "2"])):
        _cli("run", "--agent", "isolationkit:Scripted", "--tasks", tasks, "--trials", "2",
             "--out", str(tmp_path / where), *flags)  # fmt: skip
    assert _records(tmp_path / "local") == _records(tmp_path / "process")


def test_the_proxy_benchmark_measures_real_calls() -> None:
    from ticketbench.bench.proxy import proxy_bench

    res = proxy_bench(episodes=1, calls=30, trivial=3)
    assert res["calls"] == 30
    assert res["inprocess_call_us"]["p50"] > 0 and res["proxy_call_us"]["p50"] > 0
    assert res["episode_ms"]["isolated"]["cpu"] > 0 and res["startup_s"] > 0


def test_resume_finishes_an_isolated_run_as_in_process(tmp_path: Path) -> None:
    from ticketbench.records import EPISODES

    tasks = "dev-specified-001,dev-clarify-000,dev-infeasible-000"
    run = tmp_path / "run"
    _cli("run", "--agent", "isolationkit:Scripted", "--tasks", tasks, "--out", str(run))
    whole = _records(run)
    lines = (run / EPISODES).read_bytes().splitlines(keepends=True)
    (run / EPISODES).write_bytes(b"".join(lines[:1]) + lines[1][:40])  # killed mid-write
    _cli("run", "--resume", str(run))
    assert _records(run) == whole
    assert read_run(run).header.agent["isolated"] is True


class _Planner:
    """In process: says whether the runner handed it the attack's plan."""

    def __init__(self, plan: object = None) -> None:
        self.plan = plan

    def for_attack(self, plan: object) -> _Planner:
        return _Planner(plan)

    async def run(self, session: Any) -> None:
        await session.say(f"handed the attack: {'yes' if self.plan is not None else 'no'}")


async def test_the_attack_plan_goes_only_to_trusted_agents(tmp_path: Path) -> None:
    from ticketbench.results.lifecycle import start_run
    from ticketbench.settings import RunSettings

    said = {}
    for privileged in (False, True):
        out = tmp_path / str(privileged)
        await start_run(
            agent_spec="planner",
            agent=_Planner(),
            selection="dev-specified-001",
            settings=RunSettings(attack="data", privileged=privileged),
            out=out,
        )
        (rec,) = read_run(out).episodes
        assert rec.attack is not None and rec.attack.plan is not None
        said[privileged] = next(e.text for e in rec.events if e.kind == "agent_message")
    assert said == {False: "handed the attack: no", True: "handed the attack: yes"}


def test_a_plugins_endpoint_check_runs_before_the_first_episode(tmp_path: Path) -> None:
    _cli("run", "--agent", "isolationkit:Checked", "--tasks", "dev-specified-001",
         "--out", str(tmp_path / "ok"))  # fmt: skip
    assert len(read_run(tmp_path / "ok").episodes) == 1
    res = CliRunner().invoke(
        app,
        ["run", "--agent", "isolationkit:Checked", "--agent-opt", "fail=true", "--tasks",
         "dev-specified-001", "--out", str(tmp_path / "dead")],
    )  # fmt: skip
    assert res.exit_code == 2 and "auth: the endpoint rejected the key" in res.output
    assert not (tmp_path / "dead").exists()
