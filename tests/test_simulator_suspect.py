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
    lexicon stays unread (the slot model may place "Titan Awakens, eh?" as a film)."""
    monkeypatch.setattr(slot_model.SlotModel, "guess", lambda self, text: None)
    reader.read.cache_clear()
    yield
    reader.read.cache_clear()


@pytest.fixture(scope="module")
def dev() -> dict[str, Task]:
    return {t.id: t for t in load_suite("dev")}


def movie_names(task: Task, world: World) -> tuple[str, ...]:
    """Every name of the movie of the task's (first) order."""
    st = world.showtimes[task.goal.orders[0].showtime_ids[0]]
    movie = world.movies[st.movie_id]
    return (movie.title_zh, movie.title_en, *movie.aliases)


def title_said(task: Task, world: World) -> str:
    """The movie's name as the task's opening writes it (its longest name found there)."""
    return max((n for n in movie_names(task, world) if n in task.opening), key=len)


@pytest.fixture(scope="module")
def hidden_day(dev: dict[str, Task], world: World) -> dict[str, Task]:
    """The first zh/en pair (by locale) buying one movie order whose day is hidden (the
    user holds a date fact) while its opening names the movie."""
    pairs: dict[str, dict[str, Task]] = {}
    for t in dev.values():
        orders = t.goal.orders
        if t.pair_id is None or len(orders) != 1 or orders[0].kind != "movie":
            continue
        hidden = "date" in t.expect.clarify and any(f.slot == "date" for f in t.knowledge)
        if hidden and any(n in t.opening for n in movie_names(t, world)):
            pairs.setdefault(t.pair_id, {})[t.locale] = t
    pair = next((p for p in pairs.values() if set(p) == {"zh", "en"}), None)
    assert pair is not None, "no dev pair hides the day of a movie its opening names"
    return pair


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


@pytest.mark.parametrize(("locale", "word"), [("zh", "排片档"), ("en", "zorblax")])
def test_a_held_fact_the_reader_missed_is_flagged(
    locale: str, word: str, hidden_day: dict[str, Task], world: World
) -> None:
    task = with_trigger(hidden_day[locale], "date", word)
    r = answer(task, world, f"{word}？" if task.locale == "zh" else f"And the {word}?")
    assert r.doubts == ("dont_know_while_held",), r
    # the same word in a statement, and a question about nothing: no doubt at all
    r = answer(
        task, world, f"{word}已经好了。嗯？" if task.locale == "zh" else f"The {word} is set. Hm?"
    )
    assert r.doubts == (), r


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "Which format would you like? Payment will be from your wallet."),
        ("zh", "要看什么版本的？付款用钱包。"),
    ],
)
def test_a_slot_the_user_never_knew_is_not_flagged(
    locale: str, text: str, hidden_day: dict[str, Task], world: World
) -> None:
    """The reader placed the question (format); the payment words are in a statement."""
    r = answer(hidden_day[locale], world, text)
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
    ("locale", "empty", "about"),
    [("en", "Let me look into that?", "{}, eh?"), ("zh", "我这边看看哈？", "{}嘛？")],
)
@pytest.mark.usefixtures("no_slot_model")
def test_only_a_question_about_the_task_can_be_the_readers_fault(
    locale: str, empty: str, about: str, hidden_day: dict[str, Task], world: World
) -> None:
    """A question about nothing no person could answer: an agent cannot make the simulator
    own its failures by sprinkling them. One that names the task (its title, as the
    opening wrote it) and goes unread can be the reader's fault."""
    task = hidden_day[locale]
    assert answer(task, world, empty).doubts == ()
    assert answer(task, world, about.format(title_said(task, world))).doubts == ("unread_question",)


@pytest.mark.usefixtures("no_slot_model")
def test_leaving_on_patience_is_suspect_only_after_a_doubtful_reply(
    hidden_day: dict[str, Task], world: World
) -> None:
    task = hidden_day["en"]

    def last(messages: list[str]) -> Reply:
        user = ScriptedUser(task, world=world, patience=3)
        app = RecordingApp(make_env(task, world))
        return [asyncio.run(user.reply(m, app)) for m in messages][-1]

    stalled = last(["Working on it.", "Still working on it.", "Almost there."])
    assert stalled.leave == "patience" and stalled.doubts == ()
    eh = f"{title_said(task, world)}, eh?"
    misread = last([eh, "Still working on it.", "Almost there."])
    assert misread.leave == "patience" and misread.doubts == ("left_on_patience",)


class _Misreads:
    """Says one thing the reader cannot place, naming the movie of the hidden-day tasks as
    their openings do, and stops (on another task's user it names nothing of its task: no
    doubt)."""

    def __init__(self, tasks: dict[str, Task], world: World) -> None:
        # ("X那场，嗯？" reads as a proposal of that showing, as "X那场怎么样？" does)
        zh, en = (title_said(tasks[locale], world) for locale in ("zh", "en"))
        self.texts = {tasks["zh"].opening: f"{zh}那场，您怎么看？"}
        self.default = f"{en}, eh?"

    async def run(self, session: Session) -> None:
        """One question the user's reader misses."""
        await session.say(self.texts.get(session.opening, self.default))


@pytest.mark.usefixtures("no_slot_model")
def test_suspect_episodes_are_counted_in_run_leaderboard_and_report(
    tmp_path: Path, hidden_day: dict[str, Task], dev: dict[str, Task], world: World
) -> None:
    """An episode whose failure may be the simulator's is counted in the run's summary
    (what `ticketbench run` prints), in the leaderboard's row and listed apart in the
    report; a failure with no doubtful reply is not (a task whose opening names no name
    of the hidden-day movie)."""
    names = movie_names(hidden_day["en"], world)
    bystander = next(t for t in dev.values() if not any(n in t.opening for n in names))
    run_dir = tmp_path / "run"
    asyncio.run(
        start_run(
            agent_spec="tests:Misreads",
            suite="dev",
            selection=f"{hidden_day['zh'].id},{hidden_day['en'].id},{bystander.id}",
            settings=RunSettings(concurrency=1),
            out=run_dir,
            agent=_Misreads(hidden_day, world),
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
