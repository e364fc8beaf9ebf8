"""The LLM-driven user over the real SDKs against the fake server, in the real session/runner.

The model writes the words; the payment gate and link-following stay deterministic.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fakeserver import CHAT, FakeServer, Reply, anth_message, anth_text, oai_completion
from llmkit import PATH, dev_task, play

from ticketbench.agents.llm.presets import ConfigError
from ticketbench.protocol import Session
from ticketbench.records import read_run
from ticketbench.results.lifecycle import RunError, start_run
from ticketbench.settings import RunSettings
from ticketbench.suite.spec import Task
from ticketbench.trajectory import UserAction, UserLeft, UserMessage
from ticketbench.users.llm import STOP, LLMUserFactory, load_user

FAST = RunSettings(concurrency=1, timeout_s=20.0, backoff_s=0.0, max_retries=0)
KEY = "TB_TEST_USER_KEY"


@pytest.fixture
def server(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    monkeypatch.setenv(KEY, "user-key")
    return server


def users_for(api: str, server: FakeServer, **options: Any) -> LLMUserFactory:
    spec = "openai:gpt-4.1-mini" if api == "openai" else "anthropic:claude-haiku-4-5"
    url = server.openai_url if api == "openai" else server.anthropic_url
    return load_user(spec, base_url=url, api_key_env=KEY, local=False, max_retries=0, **options)


def said(api: str, text: str) -> Reply:
    if api == "openai":
        return Reply(json=oai_completion(text, usage=(300, 12, 0)))
    return Reply(json=anth_message(anth_text(text), usage=(300, 12, 0, 0)))


class Asker:
    """Asks one clarifying question and remembers the answer."""

    def __init__(self) -> None:
        self.answers: list[str | None] = []

    async def run(self, session: Session) -> None:
        self.answers.append(await session.say("How would you like to pay for the tickets?"))


@pytest.mark.parametrize("api", ["openai", "anthropic"])
async def test_llm_user_answers_a_clarifying_question(api: str, server: FakeServer) -> None:
    task = dev_task()
    server.script(PATH[api], said(api, "Just use my usual payment method."))
    agent = Asker()
    (rec,), progress = await play([task], agent, FAST, users=users_for(api, server))
    assert agent.answers == ["Just use my usual payment method."]
    reply = [e for e in rec.events if isinstance(e, UserMessage)][1]
    assert reply.intent == "clarify" and reply.slots == ("payment",)
    # The user's tokens are recorded apart from the agent's (which made no call).
    assert rec.usage.model_calls == 0 and rec.usage.input_tokens == 0
    assert rec.usage.user is not None and rec.usage.user.model_calls == 1
    assert rec.usage.user.input_tokens == 300 and rec.usage.user.output_tokens == 12
    assert rec.usage.user.cost_usd > 0 and progress.cost_usd == rec.usage.user.cost_usd
    (body,) = server.bodies(PATH[api])[-1:]
    system = body["messages"][0]["content"] if api == "openai" else body["system"]
    assert task.opening in system and STOP in system
    assert all(f.answer in system for f in task.knowledge)  # the hidden knowledge
    assert "English" in system and "tools" not in body
    assert body["messages"][-1] == {
        "role": "user",
        "content": "How would you like to pay for the tickets?",
    }


def short_task() -> Task:
    """An English dev purchase whose reference seats minus the last one can still be held
    (dropping a seat must not strand another under the gap rule)."""
    from ticketbench.env.tools import AGENT_TOOLS
    from ticketbench.env.world import load_world
    from ticketbench.suite.dataset import load_suite
    from ticketbench.suite.setup import make_env

    for task in load_suite("dev"):
        create = next((s for s in task.reference if s.tool == "create_order"), None)
        if task.locale != "en" or task.category != "specified" or create is None:
            continue
        if len(create.args["seats"]) < 2:
            continue
        args = {**create.args, "seats": list(create.args["seats"])[:-1]}
        if AGENT_TOOLS.call(make_env(task, load_world()), "create_order", args).ok:
            return task
    raise AssertionError("no dev task to hold one seat fewer on")


class WrongOrder:
    """Holds one seat fewer than the user asked for, then asks to pay."""

    def __init__(self) -> None:
        self.replies: list[str | None] = []

    async def run(self, session: Session) -> None:
        task = short_task()
        create = next(s for s in task.reference if s.tool == "create_order")
        pay = next(s for s in task.reference if s.kind == "pay")
        args = {**create.args, "seats": list(create.args["seats"])[:-1]}
        assert (await session.call("create_order", args)).ok
        self.replies.append(await session.say("One order held. Shall I send the payment?"))
        await session.call("request_payment", dict(pay.args))
        self.replies.append(await session.say("Did the payment go through?"))


async def test_payment_gate_stays_deterministic(server: FakeServer) -> None:
    """The model says yes, pay; the sheet does not match the goal, so the gate declines."""
    server.script(CHAT, said("openai", "Yes, pay it!"), said("openai", f"Never mind. {STOP}"))
    agent = WrongOrder()
    (rec,), _ = await play([short_task()], agent, FAST, users=users_for("openai", server))
    assert agent.replies == ["Yes, pay it!", "Never mind."]
    actions = [e for e in rec.events if isinstance(e, UserAction)]
    assert [a.name for a in actions] == ["decline_payment"]
    assert rec.score is not None and not rec.score.success and rec.score.level < 4
    # The model was told the gate's outcome with the next message, never asked to decide.
    second = server.bodies(CHAT)[-1]["messages"][-1]["content"]
    assert second.startswith("[In the app: you declined the payment sheet:")
    left = [e for e in rec.events if isinstance(e, UserLeft)]
    assert [e.reason for e in left] == ["said_goodbye"]


async def test_llm_user_with_the_oracle_reaches_l4_and_is_in_the_header(
    server: FakeServer, tmp_path: Path
) -> None:
    """The goal met ends the conversation even if the model does not say STOP."""
    task = dev_task()
    server.script(CHAT, said("openai", "Yes, go ahead."), said("openai", "Great, thanks."))
    result = await start_run(
        agent_spec="oracle",
        suite="dev",
        settings=FAST,
        selection=task.id,
        out=tmp_path / "run",
        user_spec="openai:gpt-4.1-mini",
        user_options={"base_url": server.openai_url, "api_key_env": KEY, "local": False},
    )
    run = read_run(result.run_dir)
    (rec,) = run.episodes
    assert rec.score is not None and rec.score.success and rec.score.level == 4
    assert [e.reason for e in rec.events if isinstance(e, UserLeft)] == ["goal_met"]
    user = run.header.user
    assert user["spec"] == "openai:gpt-4.1-mini" and user["kind"] == "llm"
    assert user["model"] == "gpt-4.1-mini" and user["base_url"] == server.openai_url
    assert user["patience"] == FAST.patience and user["options"]["api_key_env"] == KEY
    assert "user-key" not in str(run.header.model_dump())  # never the secret


def test_missing_key_or_bad_user_fails_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)

    def start(user: str) -> None:
        asyncio.run(
            start_run(
                agent_spec="oracle",
                suite="dev",
                settings=FAST,
                selection=dev_task().id,
                out=tmp_path / "run",
                user_spec=user,
            )
        )

    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        start("openai:gpt-4.1-mini")
    with pytest.raises(RunError, match="unknown user"):
        start("chatty")
    with pytest.raises(ConfigError, match="unknown backend"):
        start("nosuch:model")
    assert not (tmp_path / "run").exists()


def test_cli_reports_a_missing_user_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from ticketbench.cli import app

    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    args = ["run", "--agent", "oracle", "--tasks", dev_task().id, "--out", str(tmp_path / "r")]
    res = CliRunner().invoke(app, [*args, "--user", "dashscope:qwen-plus"])
    assert res.exit_code == 2
    assert "DASHSCOPE_API_KEY" in res.output
    assert not (tmp_path / "r").exists()


class ManyLinks:
    """Links the right showtime and two others in one message, then names the first."""

    def __init__(self, task: Task) -> None:
        self.task = task

    async def run(self, session: Session) -> None:
        from ticketbench.env.world import load_world

        right = next(s.args["showtime_id"] for s in self.task.reference if s.tool == "create_order")
        world = load_world()
        movie = world.showtimes[right].movie_id
        ok = set(self.task.goal.orders[0].showtime_ids)
        wrong = [s.id for s in world.data.showtimes if s.movie_id == movie and s.id not in ok][:2]
        links = []
        for st in [*wrong, right]:
            res = await session.call("booking_link", {"showtime_id": st})
            assert res.ok and isinstance(res.data, dict)
            links.append(res.data["url"])
        await session.say("Pick one: " + " ".join(links))
        await session.say("The first one.")


async def test_llm_user_follows_the_link_rules(server: FakeServer) -> None:
    """Several links: the model is told to ask which; the one it is pointed to is opened
    alone, and a wrong one ends the attempt whatever the model says."""
    task = dev_task()
    server.script(CHAT, said("openai", "Which one should I open?"), said("openai", "Hmm, OK."))
    (rec,), _ = await play([task], ManyLinks(task), FAST, users=users_for("openai", server))
    first = server.bodies(CHAT)[0]["messages"][-1]["content"]
    assert first.startswith("[The message has several links")
    opened = [e for e in rec.events if isinstance(e, UserAction) and e.name == "open_link"]
    assert len(opened) == 1
    second = server.bodies(CHAT)[1]["messages"][-1]["content"]
    assert "[In the app: you opened the link but could not buy:" in second
    left = [e for e in rec.events if isinstance(e, UserLeft)]
    assert [e.reason for e in left] == ["declined"]
    assert rec.score is not None and not rec.score.success
