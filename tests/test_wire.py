"""Episodes on the wire: a real MCP client (the `mcp` SDK) against the real `EpisodeServer`,
in process, over stdio (`ticketbench serve`) and over streamable HTTP; the errors a client
can cause; and what an attacker can reach through the server (nothing of the task)."""

from __future__ import annotations

import asyncio
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp_types import TextContent

from ticketbench.agents.oracle import OracleAgent
from ticketbench.env import AGENT_TOOLS, POLICY
from ticketbench.env.world import load_world
from ticketbench.protocol import InfraError
from ticketbench.records import EpisodeRecord, read_run
from ticketbench.results.board import leaderboard_frame, load_run
from ticketbench.runner import play_episode
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Task
from ticketbench.trajectory import ToolCall
from ticketbench.wire.remote import RemoteSession
from ticketbench.wire.server import RAW_ARGUMENTS, USAGE, EpisodeServer
from ticketbench.wire.slot import EpisodeSlot, SlotAgent

DEV = {t.id: t for t in load_suite("dev")}
ONE_PER_CATEGORY = sorted({t.category: t.id for t in reversed(DEV.values())}.values())
SETTINGS = RunSettings()


def _text(res: Any) -> str:
    return "".join(c.text for c in res.content if isinstance(c, TextContent))


def _server() -> tuple[EpisodeSlot, EpisodeServer]:
    slot = EpisodeSlot()
    return slot, EpisodeServer(slot, tools=AGENT_TOOLS.specs(), policy=POLICY)


async def _served(
    task: Task, client_side: Callable[[EpisodeServer], Awaitable[None]]
) -> EpisodeRecord:
    """The record of one episode of `task` played by `client_side` over an in-process
    server, through the runner's own `play_episode`."""
    slot, server = _server()
    rec, _ = await asyncio.gather(
        play_episode(task, 0, SlotAgent(slot, "inproc"), SETTINGS, load_world()),
        client_side(server),
    )
    return rec


async def _oracle_over(client: Client, task: Task) -> RemoteSession:
    session = await RemoteSession.join(client)
    await OracleAgent(task.reference).run(session)
    await session.finish()
    return session


@pytest.mark.parametrize("task_id", ONE_PER_CATEGORY)
async def test_the_oracle_over_the_wire_gets_the_in_process_record(task_id: str) -> None:
    task = DEV[task_id]

    async def client_side(server: EpisodeServer) -> None:
        async with Client(server) as client:
            await _oracle_over(client, task)

    wire = await _served(task, client_side)
    local = await play_episode(task, 0, OracleAgent().for_episode(task, 0, 0), SETTINGS,
                               load_world())  # fmt: skip
    assert wire.score is not None and wire.score.success and wire.score.level == 4
    assert wire.events == local.events  # the same trajectory, event for event
    assert wire.final_digest == local.final_digest
    assert wire.score == local.score


async def test_bad_calls_get_clear_errors_and_the_server_lives_on() -> None:
    task = DEV["dev-specified-000"]
    seen: dict[str, Any] = {}

    async def client_side(server: EpisodeServer) -> None:
        async with Client(server) as client:
            start = await client.call_tool("start_episode", {})
            assert start.structured_content and start.structured_content["opening"] == task.opening
            wrong = await client.call_tool("search_movies", {"query": 7, "bogus": True})
            seen["wrong"] = (wrong.is_error, _text(wrong))
            raw = await client.call_tool(  # type: ignore[arg-type]
                "search_movies", {}, meta={RAW_ARGUMENTS: '{"query": "星海'}
            )
            seen["raw"] = (raw.is_error, _text(raw))
            unknown = await client.call_tool("rm_rf", {"path": "/"})
            seen["unknown"] = (unknown.is_error, _text(unknown))
            talk = await client.call_tool("talk_to_user", {"text": "hi"})
            seen["talk"] = (talk.is_error, _text(talk))
            missing = await client.call_tool("talk_to_user", {})
            seen["missing"] = (missing.is_error, _text(missing))
            usage = await client.call_tool(  # type: ignore[arg-type]
                "current_time", {}, meta={USAGE: [{"input_tokens": "many"}]}
            )
            seen["usage"] = (usage.is_error, _text(usage))
            cheap = await client.call_tool(  # type: ignore[arg-type]
                "current_time", {}, meta={USAGE: [{"cost_usd": 0.1}, {"cost_usd": -5}]}
            )
            seen["cheap"] = (cheap.is_error, _text(cheap))
            ok = await client.call_tool(  # type: ignore[arg-type]
                "current_time", {}, meta={USAGE: [{"model": "m", "input_tokens": 10,
                                                   "output_tokens": 2, "cost_usd": 0.5}]}
            )  # fmt: skip
            assert not ok.is_error
            end = await client.call_tool("end_episode", {})
            assert not end.is_error and "over" in _text(end)
            after = await client.call_tool("search_movies", {"query": "x"})
            seen["after"] = (after.is_error, _text(after))
            again = await client.call_tool("end_episode", {})
            seen["again"] = (again.is_error, _text(again))
            said = await client.call_tool("talk_to_user", {"message": "still there?"})
            seen["said"] = (said.is_error, _text(said))
            assert len((await client.list_tools()).tools) == len(AGENT_TOOLS.specs()) + 3

    rec = await _served(task, client_side)
    assert seen["wrong"][0] and "invalid_arguments" in seen["wrong"][1]
    assert "query" in seen["wrong"][1] and "bogus" in seen["wrong"][1]
    assert seen["raw"][0] and "invalid_json" in seen["raw"][1] and "truncated" in seen["raw"][1]
    assert seen["unknown"][0] and "no tool named 'rm_rf'" in seen["unknown"][1]
    assert seen["talk"][0] and "unexpected argument 'text' (it takes message)" in seen["talk"][1]
    assert seen["missing"][0] and "message" in seen["missing"][1]
    assert "Field required" in seen["missing"][1]
    assert seen["usage"][0] and "input_tokens" in seen["usage"][1]
    assert (
        seen["cheap"][0]
        and "1.cost_usd: Input should be greater than or equal to 0" in seen["cheap"][1]
    )
    for key in ("after", "again", "said"):
        assert seen[key][0] and "episode is over" in seen[key][1], key
    # the episode as recorded: the bad calls count as in process, the usage is the agent's
    calls = [e for e in rec.events if isinstance(e, ToolCall)]
    # (the call with malformed usage was refused before it ran: not in the trajectory)
    assert [c.name for c in calls] == ["search_movies", "search_movies", "rm_rf", "current_time"]
    assert [c.ok for c in calls] == [False, False, False, True]
    assert rec.usage.input_tokens == 10 and rec.usage.cost_usd == 0.5 and rec.usage.model == "m"
    assert rec.score is not None and not rec.score.success and rec.score.agent_error is None


def _secrets(task: Task) -> list[str]:
    """Strings only the ground truth holds: ids, the hidden goal, the user's hidden answers,
    the reference's own messages."""
    out = [task.id, task.template, task.goal.summary]
    out += [f.answer for f in task.knowledge if len(f.answer) >= 4]
    out += [s.text for s in task.reference if s.kind in ("ask", "say") and len(s.text) >= 8]
    return out


@pytest.mark.parametrize("task_id", ["dev-clarify-000", "dev-adversarial-001"])
async def test_nothing_of_the_task_is_reachable(task_id: str) -> None:
    """Everything a client can list, read or provoke before acting holds no ground truth,
    and no second episode can be opened to peek at the next task."""
    task = DEV[task_id]
    dumps: list[str] = []

    async def client_side(server: EpisodeServer) -> None:
        async with Client(server) as client, Client(server) as second:
            dumps.append(str(client.instructions))
            dumps.append((await client.list_tools()).model_dump_json())
            listed = await client.list_resources()
            dumps.append(listed.model_dump_json())
            dumps.append((await client.list_resource_templates()).model_dump_json())
            for r in listed.resources:
                dumps.append((await client.read_resource(str(r.uri))).model_dump_json())
            for p in (await client.list_prompts()).prompts:
                dumps.append((await client.get_prompt(p.name)).model_dump_json())
            for uri in ("ticketbench://task", "ticketbench://episode/reference", "file:///etc/passwd",
                        "ticketbench://episode/../task"):  # fmt: skip
                with pytest.raises(Exception) as err:
                    await client.read_resource(uri)
                dumps.append(str(err.value))
            for name, args in (("get_task", {}), ("start_episode", {"task_id": "dev-time-000"}),
                               ("end_episode", {"reveal": True})):  # fmt: skip
                dumps.append(_text(await client.call_tool(name, args)))
            first = await client.call_tool("start_episode", {})
            other = await second.call_tool("start_episode", {})  # a second client: same episode
            assert first.structured_content == other.structured_content
            assert first.structured_content and first.structured_content["episode"] == 1
            await client.call_tool("end_episode", {})
            # the first episode over, nothing else is served: no second episode to peek at
            late = await second.call_tool("start_episode", {})
            assert late.is_error
            dumps.append(_text(late))

    slot, server = _server()
    runner = asyncio.ensure_future(
        play_episode(task, 0, SlotAgent(slot, "inproc"), SETTINGS, load_world())
    )
    slot_waiting = asyncio.ensure_future(client_side(server))
    await runner
    slot.close("the run is over: no more episodes")
    await slot_waiting
    text = "\n".join(dumps)
    assert task.opening in text  # what the agent must see is there ...
    leaked = [s for s in _secrets(task) if s in text]
    assert leaked == []  # ... and nothing of the ground truth


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVE_TASKS = ["dev-specified-000", "dev-clarify-001", "dev-infeasible-000"]


async def test_serve_over_stdio_records_a_run_the_leaderboard_reads(tmp_path: Path) -> None:
    out = tmp_path / "served"
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "ticketbench", "serve", "--tasks", ",".join(SERVE_TASKS), "--out", str(out)],
    )
    ended: list[str] = []
    async with Client(params) as client:
        call = client.call_tool

        async def recording(name: str, args: Any = None, **kw: Any) -> Any:
            res = await call(name, args, **kw)
            if (res.structured_content or {}).get("episode_over"):
                ended.append(_text(res))
            return res

        client.call_tool = recording  # type: ignore[method-assign]
        for task_id in SERVE_TASKS:
            session = await _oracle_over(client, DEV[task_id])
            assert session.opening == DEV[task_id].opening
        last = await client.call_tool("start_episode", {})
        assert last.is_error and last.structured_content
        assert last.structured_content["run_over"] is True and "3/3" in _text(last)
    # each episode's end said its score; the ids stay off the wire
    assert len(ended) == 3 and all("Scored: SUCCESS" in t for t in ended)
    assert not any(t in " ".join(ended) for t in SERVE_TASKS)
    run = read_run(out)
    assert sorted(e.task_id for e in run.episodes) == sorted(SERVE_TASKS)
    assert all(e.score is not None and e.score.success for e in run.episodes)
    assert run.header.agent["spec"] == "mcp-client"
    frame = leaderboard_frame([load_run(out)])
    assert len(frame) == 1 and float(frame.iloc[0]["success"]) == 1.0


def test_serve_over_http_plays_and_stops_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "served"
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ticketbench", "serve", "--transport", "http", "--port", str(port),
         "--tasks", "dev-live_event-000", "--out", str(out)],
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        # A shell without job control starts background jobs with SIGINT ignored, and Python
        # keeps an inherited ignore: give the server the Ctrl-C a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    reader = threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr], daemon=True)  # type: ignore[union-attr]
    reader.start()

    def next_line() -> str:  # a server that goes quiet fails the test instead of hanging it
        return lines.get(timeout=120)

    try:
        line = next_line()
        assert "MCP endpoint" in line, line
        url = line.split()[-1]
        assert url == f"http://127.0.0.1:{port}/mcp"

        # garbage on the wire gets an HTTP or JSON-RPC error, never a dead server
        headers = {"accept": "application/json, text/event-stream",
                   "content-type": "application/json"}  # fmt: skip
        assert httpx2.post(url, content=b"{not json", headers=headers).status_code >= 400
        listed = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "search_movies", "arguments": ["not", "an", "object"]},
        }
        bad = httpx2.post(url, json=listed, headers=headers)  # fmt: skip
        assert bad.status_code >= 400 or "error" in bad.json()

        async def play() -> None:
            async with Client(url) as client:
                await _oracle_over(client, DEV["dev-live_event-000"])
                late = await client.call_tool("start_episode", {})  # waits for the run's end
                assert late.is_error and late.structured_content
                assert late.structured_content["run_over"] is True
                after = await client.call_tool("get_user_profile", {})
                assert after.is_error and "run is over" in _text(after)

        asyncio.run(play())
        seen = [next_line()]
        while "run complete" not in seen[-1]:
            seen.append(next_line())
        assert "run complete: 1/1 succeeded" in seen[-1], seen
        assert any("dev-live_event-000#0: Scored: SUCCESS" in x for x in seen), seen
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0  # Ctrl-C after a complete run is a clean stop
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert [e.score.success for e in read_run(out).episodes if e.score] == [True]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tasks", "no-such-task"], "matches no-such-task"),
        (["--transport", "carrier-pigeon"], "--transport must be stdio or http"),
        (["--port", "0"], "--port must be 1..65535"),
    ],
)
def test_serve_refuses_bad_input_on_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "ticketbench", "serve", "--out", str(tmp_path / "r"), *args],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert res.returncode == 2, res.stderr
    assert message in " ".join(res.stderr.split()), res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "r" / "header.json").exists()


def test_the_wire_benchmark_measures_every_local_path() -> None:
    from ticketbench.bench.wire import format_table, run_bench

    result = run_bench(n=10, warmup=2, paths=("direct", "inproc"))
    for path in ("direct", "inproc"):
        assert result[path]["p50_us"] > 0 and result[path]["calls_per_s"] > 0
    assert len(format_table(result)) == 4


class _FlakyUser:
    """A scripted user whose first reply of the run fails like an LLM user's dead API."""

    failures = 1

    def __init__(self, task: Task, seed: int, settings: RunSettings) -> None:
        from ticketbench.users import ScriptedUser

        self._inner = ScriptedUser(task, patience=settings.patience)

    @property
    def opening(self) -> str:
        return self._inner.opening

    async def reply(self, text: str, app: Any) -> Any:
        if _FlakyUser.failures:
            _FlakyUser.failures -= 1
            raise InfraError("server_error", "the user's model API is down")
        return await self._inner.reply(text, app)

    def on_payment(self, request_id: str, approved: bool, reason: str) -> None:
        self._inner.on_payment(request_id, approved, reason)


async def test_an_infrastructure_error_of_the_user_replays_the_episode() -> None:
    """The runner's retry works over the wire: the client is told, joins the replay, and
    the record is the second attempt's."""
    task = DEV["dev-specified-000"]
    slot, server = _server()
    settings = RunSettings(max_retries=2, backoff_s=0)
    told: list[str] = []

    async def client_side() -> None:
        async with Client(server) as client:
            first = await RemoteSession.join(client)
            assert await first.say("Which day?") is None and first.done
            told.append(_text(await client.call_tool("end_episode", {})))
            second = await RemoteSession.join(client)
            assert second.episode == 2 and second.opening == task.opening
            await OracleAgent(task.reference).run(second)
            await second.finish()

    _FlakyUser.failures = 1
    rec, _ = await asyncio.gather(
        play_episode(task, 0, SlotAgent(slot, "inproc"), settings, load_world(), _FlakyUser),
        client_side(),
    )
    assert rec.attempts == 2 and rec.score is not None and rec.score.success
    assert "episode is over" in told[0]  # the failed attempt is gone from the wire
