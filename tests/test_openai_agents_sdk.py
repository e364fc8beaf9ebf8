"""ticketbench beside the OpenAI Agents SDK: both import, and an SDK-built plugin agent runs.

The SDK installs a top-level package named `agents`; ticketbench keeps everything under
`ticketbench`, so nothing shadows it. `examples/openai_agents_agent.py` drives a real
episode through `ticketbench run --agent module:Class`, its model calls going to the local
fake OpenAI server scripted with the task's reference solution.
"""

from __future__ import annotations

import json
from pathlib import Path

from fakeserver import CHAT, FakeServer
from llmkit import TASK_ID, dev_task, reference_script
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.records import read_run


def test_the_agents_sdk_and_ticketbench_import_side_by_side() -> None:
    import agents

    import ticketbench
    import ticketbench.agents

    assert hasattr(agents, "Runner") and hasattr(agents, "FunctionTool")  # the SDK, not ours
    sdk_home = Path(agents.__file__).resolve().parent
    ours = Path(ticketbench.agents.__file__).resolve().parent
    assert sdk_home != ours
    assert not sdk_home.is_relative_to(Path(ticketbench.__file__).resolve().parent)


def test_an_agents_sdk_plugin_completes_a_task(tmp_path: Path) -> None:
    task = dev_task(TASK_ID)
    out = tmp_path / "run"
    with FakeServer.running() as server:
        for reply in reference_script(task, "openai"):
            server.script(CHAT, reply)
        res = CliRunner().invoke(
            app,
            ["run", "--agent", "examples.openai_agents_agent:AgentsSDKAgent",
             "--agent-opt", f"base_url={json.dumps(server.openai_url)}",
             "--tasks", TASK_ID, "--out", str(out), "--json"],
        )  # fmt: skip
        sent = [r.body for r in server.requests if r.path == CHAT]
    assert res.exit_code == 0, res.output
    (episode,) = read_run(out).episodes
    assert episode.score is not None and episode.score.success, episode.score
    assert episode.score.level == 4
    assert episode.usage.input_tokens > 0
    # The SDK sent ticketbench's generated tool schemas and policy.
    names = {t["function"]["name"] for t in sent[0]["tools"]}
    assert {"search_showtimes", "create_order", "request_payment"} <= names
    assert sent[0]["messages"][0]["role"] == "system"
