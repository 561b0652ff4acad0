"""Replies said back in words, as a person would say them."""

from __future__ import annotations

from datetime import datetime

import pytest

from companion.readback import describe_time, duration_words, rating_words, time_words
from companion.timeparse import ReturnTime


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(1, "one minute"), (5, "five minutes"), (20, "twenty minutes"), (45, "forty five minutes"),
     (60, "an hour"), (90, "an hour and a half"), (120, "two hours"),
     (125, "two hours and five minutes")],
)  # fmt: skip
def test_durations(minutes: int, words: str) -> None:
    assert duration_words(minutes) == words


def test_a_read_back_names_the_clock_time_it_means() -> None:
    at = datetime(2026, 3, 14, 21, 10)
    assert describe_time(ReturnTime(minutes=20), at) == "Twenty minutes: back at 9:10 pm"
    assert describe_time(ReturnTime(hour=21, minute=10), at) == "Back at 9:10 pm"
    assert describe_time(ReturnTime(minutes=0), at) == "Now"


def test_times_and_ratings_as_they_are_said() -> None:
    assert time_words(ReturnTime(hour=20, minute=30)) == "8:30"
    assert time_words(ReturnTime(minutes=0)) == "now"
    assert rating_words(7) == "Seven" and rating_words(10) == "Ten"
