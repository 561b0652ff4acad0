"""Saying a reply back in words: "Twenty minutes: back at 9:10", "Seven"."""

from __future__ import annotations

from datetime import datetime

from companion.timeparse import ReturnTime, format_clock

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty")


def number_words(n: int) -> str:
    """0-59 in words (what a duration or a rating needs); larger numbers as digits."""
    if 0 <= n < 20:
        return _ONES[n]
    if 20 <= n < 60:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    return str(n)


def duration_words(minutes: int) -> str:
    """ "twenty minutes", "an hour", "an hour and a half", "two hours and ten minutes"."""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{number_words(rest)} minute{'' if rest == 1 else 's'}"
    hour_part = "an hour" if hours == 1 else f"{number_words(hours)} hours"
    if rest == 0:
        return hour_part
    if rest == 30:
        return f"{hour_part} and a half"
    return f"{hour_part} and {duration_words(rest)}"


def time_words(value: ReturnTime) -> str:
    """The time as the person would name it: "twenty minutes", "8:30", "now"."""
    if value.is_now:
        return "now"
    if value.minutes is not None:
        return duration_words(value.minutes)
    assert value.hour is not None
    return f"{value.hour % 12 or 12}:{value.minute:02d}"


def describe_time(value: ReturnTime, at: datetime) -> str:
    """A read-back naming the clock time it means: "Twenty minutes: back at 9:10"."""
    if value.is_now:
        return "Now"
    if value.minutes is not None:
        return f"{sentence(duration_words(value.minutes))}: back at {format_clock(at)}"
    return f"Back at {format_clock(at)}"


def rating_words(value: int) -> str:
    return sentence(number_words(value))


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
