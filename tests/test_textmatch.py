"""Bilingual clock parsing used to decide whether an agent named the right showtime (L1)."""

from __future__ import annotations

import pytest

from ticketbench.suite.textmatch import clock_mentions, fold


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
