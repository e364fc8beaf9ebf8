"""The red-team scoreboard: every cheating agent in `tests/` against one or more splits.

    python benchmarks/redteam.py [--suite dev --suite test] [--only NAME,...] [--jobs N] [--json]

Each agent is played through the real CLI (`ticketbench run --agent MODULE:NAME --json`,
plugin isolation included), one after another, with a progress line as each ends. The
table is what the closing notes and the README quote: an agent that knows nothing of the
task should stay near the degenerate bound, and a jump after a change is a regression to
look into. Probes built on the oracle (they replay the reference to measure one rule
alone) play under `--privileged` and are marked so; `HandedTask`, which asks for the task
the same way, plays without it, since the harness must refuse it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
MODULES = (
    "redteam_agents",
    "redteam_outside",
    "redteam_outside2",
    "redteam_outside3",
    "probe_agents",
)


def agents(only: set[str]) -> list[tuple[str, str, bool]]:
    """(module, class name, privileged) for every agent class the red-team modules define."""
    from ticketbench.agents.oracle import OracleAgent

    sys.path.insert(0, str(TESTS))
    found: list[tuple[str, str, bool]] = []
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not isinstance(value, type):
                continue
            if value.__module__ != name or not callable(getattr(value, "run", None)):
                continue
            if only and attr not in only:
                continue
            if value.__subclasses__() and attr not in getattr(module, "ALL", {attr: 0}):
                continue  # a family's base (`NthOne`), played through its members
            found.append((name, attr, issubclass(value, OracleAgent)))
    return found


def play(module: str, name: str, privileged: bool, suite: str) -> dict[str, object]:
    """One run through the CLI; its JSON summary, or the error it stopped with."""
    cmd = ["ticketbench", "run", "--agent", f"{module}:{name}", "--suite", suite, "--json"]
    if privileged:
        cmd.append("--privileged")
    env = dict(os.environ, PYTHONPATH=str(TESTS))
    with tempfile.TemporaryDirectory() as scratch:  # the run directories go there
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=scratch)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln and not ln.startswith("run dir")]
        last = (lines or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {last}"}
    summary: dict[str, object] = json.loads(done.stdout)[f"{module}:{name}"]
    return summary


def main() -> int:
    """Play the agents and print one markdown row each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="append", help="dev, test or a suite folder")
    parser.add_argument("--only", default="", help="comma-separated class names")
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
    args = parser.parse_args()
    suites: list[str] = args.suite or ["dev", "test"]
    chosen = agents({n for n in args.only.split(",") if n})
    if not chosen:
        parser.error(f"no agent named {args.only!r} in {', '.join(MODULES)}")
    jobs = [(agent, suite) for agent in chosen for suite in suites]
    results: dict[tuple[str, str], object] = {}
    with ThreadPoolExecutor(args.jobs) as pool:  # each job is its own `ticketbench` process
        futures = {pool.submit(_timed, *agent, suite): (agent[1], suite) for agent, suite in jobs}
        for i, future in enumerate(as_completed(futures), 1):
            name, suite = futures[future]
            value, took = future.result()
            results[name, suite] = value
            print(f"[{i}/{len(jobs)}] {name} {suite}: {_cell(value)} ({took:.0f} s)",
                  file=sys.stderr, flush=True)  # fmt: skip
    table: dict[str, dict[str, object]] = {
        name: {"module": module, "privileged": privileged}
        | {suite: results[name, suite] for suite in suites}
        for module, name, privileged in chosen
    }
    if args.json:
        print(json.dumps(table, indent=1))
        return 0
    print("| agent | module | " + " | ".join(suites) + " |")
    print("|---|---|" + "---|" * len(suites))
    for name, row in sorted(table.items(), key=lambda kv: -_best(kv[1], suites)):
        cells = [_cell(row[s]) for s in suites]
        mark = " (privileged)" if row["privileged"] else ""
        print(f"| `{name}`{mark} | {row['module']} | " + " | ".join(cells) + " |")
    return 0


def _timed(module: str, name: str, privileged: bool, suite: str) -> tuple[object, float]:
    start = time.monotonic()
    summary = play(module, name, privileged, suite)
    return summary.get("success_rate", summary.get("error")), time.monotonic() - start


def _cell(value: object) -> str:
    return f"{100 * value:.1f}%" if isinstance(value, float) else str(value)


def _best(row: dict[str, object], suites: list[str]) -> float:
    return max((v for s in suites if isinstance(v := row[s], float)), default=-1.0)


if __name__ == "__main__":
    sys.exit(main())
