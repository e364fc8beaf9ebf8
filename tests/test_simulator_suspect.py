"""When the user's "I'm not sure" is flagged as the simulator's possible fault.

`dont_know_while_held` fires only when a question the agent wrote holds the trigger words
of a fact the user holds and the reader did not place it: not for trigger words in the
agent's statements, not for the user's own question echoed back, and not when the reader
placed a slot the user never knew.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from appkit import RecordingApp
from rich.console import Console
from typer.testing import CliRunner

from ticketbench.cli import app
from ticketbench.cli.output import terminal_table
from ticketbench.env.world import World
from ticketbench.protocol import Session
from ticketbench.results.lifecycle import start_run, summarize_run
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.users import ScriptedUser
from ticketbench.users.base import Reply
from ticketbench.users.reading import reader, slot_model


@pytest.fixture
def no_slot_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The reader without its slot model's last resort: a question it cannot place by its
    lexicon stays unread (the slot model may place "Echoes of the Deep, eh?" as a film)."""
    monkeypatch.setattr(slot_model.SlotModel, "guess", lambda self, text: None)
    reader.read.cache_clear()
    yield
    reader.read.cache_clear()


@pytest.fixture(scope="module")
def dev() -> dict[str, Task]:
    return {t.id: t for t in load_suite("dev")}


def answer(task: Task, world: World, text: str) -> Reply:
    user = ScriptedUser(task, world=world)
    return asyncio.run(user.reply(text, RecordingApp(make_env(task, world))))


def with_trigger(task: Task, slot: str, word: str) -> Task:
    """The task with `word` added to the triggers of its fact of `slot` (a word the reader
    knows nothing of, so only the second opinion can see it)."""
    facts = tuple(
        f.model_copy(update={"triggers": (*f.triggers, word)}) if f.slot == slot else f
        for f in task.knowledge
    )
    return task.model_copy(update={"knowledge": facts})


@pytest.mark.parametrize(
    ("task_id", "word"), [("dev-clarify-002", "排片档"), ("dev-clarify-003", "zorblax")]
)
def test_a_held_fact_the_reader_missed_is_flagged(
    task_id: str, word: str, dev: dict[str, Task], world: World
) -> None:
    task = with_trigger(dev[task_id], "date", word)
    r = answer(task, world, f"{word}？" if task.locale == "zh" else f"And the {word}?")
    assert r.doubts == ("dont_know_while_held",), r
    # the same word in a statement, and a question about nothing: no doubt at all
    r = answer(
        task, world, f"{word}已经好了。嗯？" if task.locale == "zh" else f"The {word} is set. Hm?"
    )
    assert r.doubts == (), r


@pytest.mark.parametrize(
    ("task_id", "text"),
    [
        ("dev-clarify-003", "Which format would you like? Payment will be from your wallet."),
        ("dev-clarify-002", "要看什么版本的？付款用钱包。"),
    ],
)
def test_a_slot_the_user_never_knew_is_not_flagged(
    task_id: str, text: str, dev: dict[str, Task], world: World
) -> None:
    """The reader placed the question (format); the payment words are in a statement."""
    r = answer(dev[task_id], world, text)
    assert r.intent == "clarify" and r.doubts == (), r


def test_the_users_own_question_echoed_back_is_not_flagged(
    dev: dict[str, Task], world: World
) -> None:
    task = next(t for t in dev.values() if t.locale == "zh" and t.opening.startswith("在吗？"))
    r = answer(task, world, f"好的，已按您的要求办好：{task.opening}")
    assert r.doubts == (), r
    en = next(t for t in dev.values() if t.locale == "en" and t.opening.rstrip().endswith("?"))
    r = answer(en, world, f"Done, exactly as you asked: {en.opening}")
    assert "dont_know_while_held" not in r.doubts and "unread_question" not in r.doubts, r


@pytest.mark.parametrize(
    ("task_id", "empty", "about"),
    [
        ("dev-clarify-003", "Let me look into that?", "Echoes of the Deep, eh?"),
        ("dev-clarify-002", "我这边看看哈？", "Echoes嘛？"),
    ],
)
@pytest.mark.usefixtures("no_slot_model")
def test_only_a_question_about_the_task_can_be_the_readers_fault(
    task_id: str, empty: str, about: str, dev: dict[str, Task], world: World
) -> None:
    """A question about nothing no person could answer: an agent cannot make the simulator
    own its failures by sprinkling them. One that names the task (its title) and goes
    unread can be the reader's fault."""
    task = dev[task_id]
    assert answer(task, world, empty).doubts == ()
    assert answer(task, world, about).doubts == ("unread_question",)


@pytest.mark.usefixtures("no_slot_model")
def test_leaving_on_patience_is_suspect_only_after_a_doubtful_reply(
    dev: dict[str, Task], world: World
) -> None:
    task = dev["dev-clarify-003"]

    def last(messages: list[str]) -> Reply:
        user = ScriptedUser(task, world=world, patience=3)
        app = RecordingApp(make_env(task, world))
        return [asyncio.run(user.reply(m, app)) for m in messages][-1]

    stalled = last(["Working on it.", "Still working on it.", "Almost there."])
    assert stalled.leave == "patience" and stalled.doubts == ()
    misread = last(["Echoes of the Deep, eh?", "Still working on it.", "Almost there."])
    assert misread.leave == "patience" and misread.doubts == ("left_on_patience",)


class _Misreads:
    """Says one thing the reader cannot place, naming the clarify tasks' movie, and stops
    (on another task's user it names nothing of its task: no doubt)."""

    async def run(self, session: Session) -> None:
        """One question the user's reader misses."""
        # ("Echoes那场，嗯？" reads as a proposal of that showing, as "Echoes那场怎么样？" does)
        zh = "百老汇" in session.opening
        text = "Echoes那场，您怎么看？" if zh else "Echoes of the Deep, eh?"
        await session.say(text)


@pytest.mark.usefixtures("no_slot_model")
def test_suspect_episodes_are_counted_in_run_leaderboard_and_report(tmp_path: Path) -> None:
    """An episode whose failure may be the simulator's is counted in the run's summary
    (what `ticketbench run` prints), in the leaderboard's row and listed apart in the
    report; a failure with no doubtful reply is not."""
    run_dir = tmp_path / "run"
    asyncio.run(
        start_run(
            agent_spec="tests:Misreads",
            suite="dev",
            selection="dev-clarify-002,dev-clarify-003,dev-specified-000",
            settings=RunSettings(concurrency=1),
            out=run_dir,
            agent=_Misreads(),
        )
    )
    summary = summarize_run(run_dir)
    assert summary.simulator_suspect == 2 and summary.simulator_suspect_failed == 2
    assert summary.suspect_reasons == {"unread_question": 2}
    console = Console(record=True, width=200)
    console.print(terminal_table([run_dir]))
    printed = console.export_text()
    assert re.search(r"Simulator-suspect \(failed\)\s*│\s*2 \(2\)", printed), printed
    cli = CliRunner()
    board = cli.invoke(app, ["leaderboard", str(run_dir), "--format", "json"])
    assert board.exit_code == 0, board.output
    row = json.loads(board.output)[0]
    assert row["simulator_suspect"] == 2 and row["simulator_suspect_failed"] == 2
    assert row["suspect:unread_question"] == 2
    page = tmp_path / "report.html"
    done = cli.invoke(app, ["report", str(run_dir), "-o", str(page), "--no-replay"])
    assert done.exit_code == 0, done.output
    html = page.read_text(encoding="utf-8")
    assert "Simulator-suspect failures (2)" in html
