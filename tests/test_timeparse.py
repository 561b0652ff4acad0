from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.timeparse import ReturnTime, format_clock, parse_time

EVENING = datetime(2026, 3, 14, 20, 10).astimezone()


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("in twenty minutes", "+20"), ("twenty minutes", "+20"), ("20 min", "+20"),
        ("20min", "+20"), ("in 20", "+20"), ("20", "+20"), ("twenty-five minutes", "+25"),
        ("half an hour", "+30"), ("an hour", "+60"), ("one hour", "+60"),
        ("in an hour", "+60"), ("an hour and a half", "+90"), ("one and a half hours", "+90"),
        ("1.5 hours", "+90"), ("90 minutes", "+90"), ("1h30", "+90"),
        ("quarter of an hour", "+15"), ("a couple of hours", "+120"),
        ("2 hours and 10 minutes", "+130"), ("now", "+0"), ("Right now.", "+0"),
        ("8:30", "08:30"), ("at eight thirty", "08:30"), ("eight thirty", "08:30"),
        ("nine pm", "21:00"), ("9pm", "21:00"), ("9 p.m.", "21:00"), ("8.30pm", "20:30"),
        ("21:15", "21:15"), ("half past eight", "08:30"), ("quarter past nine", "09:15"),
        ("quarter to nine", "08:45"), ("ten to seven", "06:50"), ("noon", "12:00"),
        ("midnight", "00:00"), ("at 9", "09:00"), ("half past eight tonight", "20:30"),
        ("eight thirty pm", "20:30"), ("  In Twenty Minutes  ", "+20"),
    ],
)  # fmt: skip
def test_reads_the_ways_people_name_a_time(text: str, canonical: str) -> None:
    parsed = parse_time(text)
    assert parsed is not None, text
    assert parsed.canonical() == canonical


@pytest.mark.parametrize(
    "text",
    ["", "   ", "banana", "yes", "later", "at 25:00", "8:75", "0 minutes", "in the kitchen",
     "soon", "whenever", "minutes", "twenty bananas", "1e400 minutes", "nan minutes"],
)  # fmt: skip
def test_refuses_what_names_no_time(text: str) -> None:
    assert parse_time(text) is None


def test_a_clock_time_without_am_or_pm_is_the_next_one_coming() -> None:
    assert parse_time("8:30").resolve(EVENING).strftime("%H:%M") == "20:30"  # type: ignore[union-attr]
    assert parse_time("eight").resolve(EVENING).strftime("%d %H:%M") == "15 08:00"  # type: ignore[union-attr]


def test_a_time_already_gone_today_means_tomorrow() -> None:
    at = parse_time("7:00 pm").resolve(EVENING)  # type: ignore[union-attr]
    assert (at.day, at.hour) == (15, 19)


def test_durations_resolve_from_now() -> None:
    assert parse_time("half an hour").resolve(EVENING).strftime("%H:%M") == "20:40"  # type: ignore[union-attr]


def test_clock_times_are_spoken_the_way_people_say_them() -> None:
    assert format_clock(datetime(2026, 1, 1, 20, 30)) == "8:30 pm"
    assert format_clock(datetime(2026, 1, 1, 0, 5)) == "12:05 am"


@given(st.text(max_size=80))
def test_any_text_gives_a_time_or_none_never_an_error(text: str) -> None:
    parsed = parse_time(text)
    assert parsed is None or isinstance(parsed, ReturnTime)
    if parsed is not None:
        parsed.resolve(EVENING)
        parsed.canonical()


@given(st.lists(st.sampled_from(
    ["in", "at", "half", "an", "a", "hour", "hours", "minutes", "past", "to", "quarter", "and",
     "pm", "am", "twenty", "five", "eight", "thirty", "12", "0", "59", ":", "1.5", "now"]),
    max_size=8))  # fmt: skip
def test_odd_combinations_of_time_words_never_raise(words: list[str]) -> None:
    parsed = parse_time(" ".join(words))
    if parsed is not None:
        assert parsed.resolve(EVENING) >= EVENING
