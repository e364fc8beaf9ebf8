"""Scripts for the fake model server built from a real dev task's reference solution.

`reference_script(task, api)` turns the task's reference into the model responses an ideal
LLM agent would give: the read-only calls before the first write as one response of
parallel tool calls, then each write as its own tool call, a confirmation message before
`request_payment` (as the policy asks), and the reference's closing message. Played through
the real session and runner with the scripted user, it reaches L4.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fakeserver import (
    CHAT,
    MESSAGES,
    FakeServer,
    Reply,
    anth_message,
    anth_text,
    anth_tool_use,
    oai_call,
    oai_completion,
)

from ticketbench.agents.llm.anthropic_agent import AnthropicAgent
from ticketbench.agents.llm.base import LLMAgentBase
from ticketbench.agents.llm.openai_agent import OpenAIAgent
from ticketbench.agents.llm.presets import build_config
from ticketbench.env import AGENT_TOOLS
from ticketbench.env.world import load_world
from ticketbench.protocol import Agent
from ticketbench.records import EpisodeRecord
from ticketbench.runner import Progress, UserFactory, run_episodes, scripted_user
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task

PATH = {"openai": CHAT, "anthropic": MESSAGES}
SPEC = {"openai": "openai:gpt-4.1-mini", "anthropic": "anthropic:claude-sonnet-4-5"}
TASK_ID = "dev-specified-001"  # en: search, seat map, profile, create, pay, get, tell
READS = frozenset({"search_movies", "search_showtimes", "seat_map", "get_user_profile"})
CONFIRM = "Order summary: {what} at {start}, seats {seats}, total {total}. Shall I pay now?"


OPENED: list[LLMAgentBase] = []  # closed after each test by the `close_agents` fixture


def llm_agent(
    api: str, server: FakeServer, *, spec: str | None = None, api_key: str = "k", **options: Any
) -> OpenAIAgent | AnthropicAgent:
    """An agent for `api` pointed at the fake server; `options` go to `build_config`."""
    url = server.openai_url if api == "openai" else server.anthropic_url
    config = build_config(spec or SPEC[api], base_url=url, **options)
    if api == "openai":
        return OpenAIAgent(config, api_key=api_key)
    return AnthropicAgent(config, api_key=api_key)


def fake_agent(api: str, server: FakeServer, tmp_path: Path, **options: Any) -> LLMAgentBase:
    """An agent as the per-API tests use it: no cache or SDK retries, priced like the real API.

    Use it with the `close_agents` fixture, which closes its HTTP client after the test.
    """
    options.setdefault("cache", "off")
    agent = llm_agent(
        api,
        server,
        api_key="test-key",
        request_timeout=5,
        max_retries=0,
        cache_dir=str(tmp_path / "cache"),
        local=False,
        **options,
    )
    OPENED.append(agent)
    return agent


def dev_task(task_id: str = TASK_ID) -> Task:
    return next(t for t in load_suite("dev") if t.id == task_id)


def _calls(api: str, calls: Sequence[tuple[str, dict[str, Any]]], n: int) -> Reply:
    if api == "openai":
        tcs = [oai_call(name, args, f"call_{n}_{i}") for i, (name, args) in enumerate(calls)]
        return Reply(json=oai_completion(None, tcs))
    blocks = [anth_tool_use(name, args, f"toolu_{n}_{i}") for i, (name, args) in enumerate(calls)]
    return Reply(json=anth_message(*blocks))


def _text(api: str, text: str) -> Reply:
    if api == "openai":
        return Reply(json=oai_completion(text))
    return Reply(json=anth_message(anth_text(text)))


def _summary(task: Task, create: dict[str, Any]) -> str:
    """The order summary an ideal agent writes before paying: what, when, seats, total (the
    scoring wants the order's own facts, `scoring.summary`)."""
    world = load_world()
    quote = AGENT_TOOLS.call(make_env(task, world), "quote_price", create)
    assert quote.ok and isinstance(quote.data, dict), quote.content
    st = world.showtimes[str(create["showtime_id"])]
    return CONFIRM.format(
        what=world.movies[st.movie_id].title_en,
        start=quote.data["start"],
        seats=", ".join(create.get("seats", [])),
        total=quote.data["total"],
    )


def reference_script(task: Task, api: str) -> list[Reply]:
    """The responses of an ideal agent for `task` (see the module docstring); movie
    purchases only."""
    out: list[Reply] = []
    reads: list[tuple[str, dict[str, Any]]] = []
    seats: list[str] = []
    create: dict[str, Any] = {}
    for step in task.reference:
        if step.kind == "call" and step.tool in READS and not seats:
            reads.append((step.tool, dict(step.args)))
            continue
        if reads:
            out.append(_calls(api, reads, len(out)))
            reads = []
        if step.kind == "call":
            if step.tool == "create_order":
                create = dict(step.args)
                seats = list(step.args.get("seats", []))
            out.append(_calls(api, [(step.tool, dict(step.args))], len(out)))
        elif step.kind == "pay":
            out.append(_text(api, _summary(task, create)))
            out.append(_calls(api, [(step.tool or "request_payment", dict(step.args))], len(out)))
        else:
            out.append(_text(api, step.text))
    return out


def reference_tools(task: Task) -> list[str]:
    """The tool names the reference calls, in order."""
    return [s.tool or "request_payment" for s in task.reference if s.kind in ("call", "pay")]


async def play(
    tasks: Sequence[Task],
    agent: Agent,
    settings: RunSettings,
    users: UserFactory = scripted_user,
) -> tuple[list[EpisodeRecord], Progress]:
    """Every task once through the real runner; records sorted by task id."""
    out: list[EpisodeRecord] = []

    async def sink(rec: EpisodeRecord) -> None:
        out.append(rec)

    world = await asyncio.to_thread(load_world)
    state = await run_episodes(
        [(t, 0) for t in tasks], agent, settings, world, sink=sink, users=users
    )
    return sorted(out, key=lambda r: r.task_id), state
