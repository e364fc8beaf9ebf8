"""Bilingual text matching: clock times (L1 naming) and facts told as phrases in the agent's
own words."""

from __future__ import annotations

import pytest

from ticketbench.suite.textmatch import clock_mentions, contains, echo_free, fold, normalise, told


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("19:30", {"19:30"}),
        ("7:30 PM", {"19:30"}),
        ("7pm", {"19:00"}),
        ("10:00am", {"10:00"}),
        ("晚上7点半", {"19:30"}),
        ("19点30分", {"19:30"}),
        ("明晚８点", {"20:00"}),
        ("七点半", {"07:30", "19:30"}),  # no am/pm word: both readings
        ("十点", {"10:00", "22:00"}),
    ],
)
def test_clock_mentions(text: str, want: set[str]) -> None:
    assert clock_mentions(fold(text)) == want


@pytest.mark.parametrize("text", ["price ¥12.50", "room 5", "2 tickets", "12.5元"])
def test_numbers_that_are_not_times(text: str) -> None:
    assert clock_mentions(fold(text)) == set()


# --- facts are phrases, said in the agent's own words -----------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "hit"),
    [
        ("Refunded ¥45.00.", "¥45.00", True),
        ("退款45.00元", "45.00元", True),  # CJK right before a number is a boundary
        ("退款145.00元", "45.00元", False),
        ("¥ 12.50", "¥12.50", True),
        ("12.50 yuan", "12.50yuan", True),
        ("RMB 12.50", "¥12.50", True),
        ("12.55", "12.5", False),
        ("total 12.5.", "12.5", True),
        ("moreover", "over", False),
        ("pickup code TB8X3K", "8X3K", False),
        ("pickup code 8X3K.", "8x3k", True),
        ("ＡＢＣ１２３", "abc123", True),
    ],
)
def test_phrases_match_at_word_bounds(text: str, phrase: str, hit: bool) -> None:
    assert contains(text, phrase) is hit


def test_words_copied_from_the_user_tell_nothing() -> None:
    opening = "买明天万达影城的《风暴》两张，总共不超过80元"
    assert not told(["好的，您要求总共不超过80元。"], ["超过80元"], [opening])
    assert told(["最便宜也要96元，超过了80元。"], ["超过了80元"], [opening])
    title = ["get me two tickets for Storm over Dragon City tonight"]
    assert not told(["Storm over Dragon City, tonight: on it."], ["over"], title)
    # the same words are the agent's own when the user never said them
    assert told(["Storm over Dragon City, tonight: on it."], ["over"], [])


def test_echo_free_marks_only_copied_runs() -> None:
    text = normalise("Your code is 81080453, for Storm over Dragon City")
    free = echo_free(text, ["tickets for Storm over Dragon City please"])
    kept = [text[a:b] for a, b in free]
    assert kept == ["your", "code", "is", "81080453"]
