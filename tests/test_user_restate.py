"""A question about what the user already said is worth nothing beyond the opening itself.

The red team's `AskGuess` (tests/redteam_outside.py) asked every request "which day and
time, how many tickets, and the movie's full title?" and read the answer: the user listed
its slots apart ("本周二，17:25，两张"), which a crude parser read where the opening
("本周二17:25百老汇…") defeated it, and the question passed the clarify rule wherever one
of those slots was the missing one. Now the user answers with the clauses of its opening
as written, the hidden slot it holds as ever, and scoring fails the question
(`asked_what_was_said`); a read-back ("本周五15:45的《深海回声》，您要几张？") asks nothing
again. Tasks are picked by what their openings state, never by id.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

import pytest
from appkit import RecordingApp
from redteam_outside import _ASK_EN, _ASK_ZH, wanted_days, wanted_times
from redteam_outside3 import AskDay, AskEcho

from ticketbench.agents.reworded import QUESTIONS
from ticketbench.env.world import World
from ticketbench.records import EpisodeRecord
from ticketbench.runner import play_episode
from ticketbench.settings import RunSettings
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.setup import make_env
from ticketbench.suite.spec import Task
from ticketbench.users import ScriptedUser
from ticketbench.users.restate import AGAIN_EN, AGAIN_ZH, clauses, exactly_stated, reasked

LOCALES = ("zh", "en")
SHOWING = {"date", "time", "count", "which_movie"}


@pytest.fixture(scope="module")
def dev() -> list[Task]:
    return load_suite("dev")


def stating(tasks: Sequence[Task], world: World, locale: str) -> list[Task]:
    """Movie purchases whose opening states day, time, count and title exactly, with no
    hidden answer for any of them."""
    return [
        t
        for t in tasks
        if t.locale == locale
        and t.expect.outcome == "purchase"
        and len(t.goal.orders) == 1
        and t.goal.orders[0].kind == "movie"
        and {s.slot for s in exactly_stated(t, world)} >= SHOWING
    ]


def held_missing(tasks: Sequence[Task], locale: str) -> list[Task]:
    """Clarification tasks: the slot to ask about is one the user holds an answer for."""
    return [
        t
        for t in tasks
        if t.locale == locale
        and t.expect.clarify
        and set(t.expect.clarify) <= {f.slot for f in t.knowledge}
    ]


def answer(task: Task, world: World, text: str) -> str:
    app = RecordingApp(make_env(task, world))
    return asyncio.run(ScriptedUser(task, world=world).reply(text, app)).text


def quoted(reply: str, zh: bool) -> list[str]:
    """The pieces a restating reply quotes, after its lead-in."""
    body = reply.split("：" if zh else ": ", 1)[1].rstrip("。.")
    return [p.strip() for p in body.split("，" if zh else ", ")]


def is_whole_clause(piece: str, opening: str, zh: bool) -> bool:
    """Is `piece` a run of the opening's clauses: in it, bounded by what bounds a clause?"""
    end = r"[，。！？；、,!?;\s]" if zh else r"[，。！？；,!?;]|\.(?!\d)"
    for m in re.finditer(re.escape(piece), opening):
        before, after = opening[: m.start()], opening[m.end() :]
        if (not before.strip() or re.search(end + r"\s*$", before)) and (
            not after.strip() or re.match(r"\s*" + end, after)
        ):
            return True
    return False


@pytest.mark.parametrize("locale", LOCALES)
def test_a_question_about_what_it_said_gets_the_openings_own_clauses(
    locale: str, dev: list[Task], world: World
) -> None:
    zh = locale == "zh"
    tasks = stating(dev, world, locale)
    assert len(tasks) >= 4
    for task in tasks:
        said = answer(task, world, _ASK_ZH if zh else _ASK_EN)
        assert said.startswith(AGAIN_ZH if zh else AGAIN_EN), said
        for piece in quoted(said, zh):
            assert is_whole_clause(piece, task.opening, zh), (piece, task.opening)


def test_the_restatement_gives_a_simple_parser_nothing_new(dev: list[Task], world: World) -> None:
    # `AskGuess`'s own reader: what it finds in opening + answer it finds in the opening
    tasks = stating(dev, world, "zh") + stating(dev, world, "en")
    glued = [t for t in tasks if re.search(r"[\u4e00-\u9fff]\d{1,2}:\d\d", t.opening)]
    assert glued, "no opening glues a clock to a word: the case that leaked is not tried"
    for task in tasks:
        said = answer(task, world, _ASK_ZH if task.locale == "zh" else _ASK_EN)
        both = f"{task.opening} {said}"
        assert wanted_times(both) == wanted_times(task.opening), (task.opening, said)
        assert wanted_days(both, task.now) == wanted_days(task.opening, task.now)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_slot_it_holds_is_still_answered(locale: str, dev: list[Task], world: World) -> None:
    tasks = held_missing(dev, locale)
    assert tasks
    for task in tasks:
        ask = _ASK_ZH if locale == "zh" else _ASK_EN
        said = answer(task, world, ask)
        for fact in task.knowledge:
            if fact.slot in task.expect.clarify:
                assert fact.answer in said, (task.opening, said)
        assert not set(task.expect.clarify) & set(reasked(task, world, ask))


def _read_back(task: Task, world: World) -> str:
    """An honest question: the showing read back in the agent's words, then the slot the
    task needs asked."""
    ref = next(s for s in task.reference if s.tool in ("create_order", "seat_map"))
    show = world.showtimes[str(ref.args["showtime_id"])]
    cinema, movie = world.cinemas[show.cinema_id], world.movies[show.movie_id]
    need = task.expect.clarify[0]
    if task.locale == "zh":
        ask = {"count": "您要几张？", "date": "是哪天？", "which_movie": "是哪部电影？"}[need]
        return f"好的，{cinema.name_zh}的《{movie.title_zh}》{show.start:%H:%M}这场，{ask}"
    ask = {"count": "How many tickets?", "date": "Which day?", "which_movie": "Which film?"}
    return f"Sure: {movie.title_en} at {cinema.name_en}, the {show.start:%H:%M}. {ask[need]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_read_back_asks_nothing_again(locale: str, dev: list[Task], world: World) -> None:
    for task in held_missing(dev, locale):
        if task.expect.clarify[0] == "which_movie":
            continue  # the title is the question: a read-back would name one
        ask = _read_back(task, world)
        assert reasked(task, world, ask) == (), (task.opening, ask)
        # copying the user's own words back is a read-back too, when nothing asks for them
        piece = clauses(task.opening, [(0, len(task.opening))], locale == "zh")[-1]
        need = "您要几张？" if locale == "zh" else "How many tickets?"
        if list(task.expect.clarify) == ["count"]:
            assert reasked(task, world, f"{piece}，{need}") == (), piece


@pytest.mark.parametrize("locale", LOCALES)
def test_copying_the_request_back_then_asking_everything_asks_again(
    locale: str, dev: list[Task], world: World
) -> None:
    for task in stating(dev, world, locale):
        echo = f"{task.opening} {_ASK_ZH if locale == 'zh' else _ASK_EN}"
        assert {"date", "time", "which_movie"} <= set(reasked(task, world, echo)), echo


@pytest.mark.parametrize("locale", LOCALES)
def test_an_honest_question_for_a_stated_slot_asks_again(
    locale: str, dev: list[Task], world: World
) -> None:
    # The reworded oracle's questions are what an honest agent asks where the slot is
    # missing; put where the request stated it, each asks the user again (copying them
    # buys no clarification).
    task = stating(dev, world, locale)[0]
    for slot in ("count", "date"):
        for question in QUESTIONS[slot][locale]:
            if "零点" in question or "midnight" in question:
                continue  # asks what "tonight" means: a value read back
            assert slot in reasked(task, world, question), (question, task.opening)


@pytest.mark.parametrize(
    "text",
    [
        "找到了。您想自己在App里完成，还是我直接帮您订？",
        "Found it. Would you rather finish it in the app yourself, or shall I book it?",
        "Any seat preference?",
        "请问用哪种方式付款？",
    ],
)
def test_a_question_about_something_else_asks_nothing_again(
    text: str, dev: list[Task], world: World
) -> None:
    for task in stating(dev, world, "zh")[:2] + stating(dev, world, "en")[:2]:
        assert reasked(task, world, text) == (), (text, task.opening)


def play(agent: object, tasks: Sequence[Task], world: World) -> list[EpisodeRecord]:
    async def go() -> list[EpisodeRecord]:
        return [await play_episode(t, 0, agent, RunSettings(), world) for t in tasks]  # type: ignore[arg-type]

    return asyncio.run(go())


def test_asking_blindly_fails_where_the_user_had_said_it(dev: list[Task], world: World) -> None:
    # "Which day?" everywhere passed the clarify rule in every task missing the day, free
    # elsewhere; now it fails each episode whose opening stated the day.
    stated_day = [t for loc in LOCALES for t in stating(dev, world, loc)[:3]]
    for agent in (AskDay(), AskEcho()):
        for rec in play(agent, stated_day, world):
            assert rec.score is not None and not rec.score.success
            assert "asked_what_was_said" in rec.score.violations, rec.task_id
            assert rec.score.excess_handoffs >= 1
    missing_day = [t for t in dev if list(t.expect.clarify) == ["date"]][:4]
    assert missing_day
    for rec in play(AskDay(), missing_day, world):  # there it is the right question
        assert rec.score is not None and "asked_what_was_said" not in rec.score.violations
        assert rec.score.clarified
