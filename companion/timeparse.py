"""Parse a spoken or typed return time: "in twenty minutes", "half an hour", "8:30", "nine pm"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90}
_NOW = {"now", "right now", "straight away", "right away", "immediately", "ready", "i'm ready"}
_MINUTE = {"minute", "minutes", "min", "mins", "m"}
_HOUR = {"hour", "hours", "hr", "hrs", "h"}
_FILLER = {"in", "about", "around", "maybe", "like", "for", "and", "of", "after", "i'll",
           "be", "back", "come", "let's", "say", "give", "me", "another", "the", "by",
           "until", "till", "at", "o'clock", "oclock", "tonight", "please", "uh", "um"}  # fmt: skip

MAX_MINUTES = 24 * 60
NEGATIVE = r"(^|\s)-\s*\d"
_NEGATIVE = re.compile(NEGATIVE)


@dataclass(frozen=True)
class ReturnTime:
    """Either minutes from now, or a clock time (hour 0-23 when the half of day is known)."""

    minutes: int | None = None
    hour: int | None = None
    minute: int = 0
    meridiem_known: bool = False
    # The moment it was agreed: a time read back as "back at 9:10" stays 9:10 however long
    # the rest of the session takes. Not part of what the time is.
    since: datetime | None = field(default=None, compare=False)

    @property
    def is_now(self) -> bool:
        return self.minutes == 0

    def resolve(self, now: datetime) -> datetime:
        """The moment this names, at or after `now` (clock times: the next occurrence);
        counted from the moment it was agreed, once it has been."""
        now = self.since or now
        if self.minutes is not None:
            return now + timedelta(minutes=self.minutes)
        assert self.hour is not None
        step = timedelta(hours=24 if self.meridiem_known else 12)
        at = now.replace(hour=self.hour % 24, minute=self.minute, second=0, microsecond=0)
        while at <= now:
            at += step
        return at

    def agreed(self, at: datetime) -> ReturnTime:
        """This time, counted from `at` from now on (unless it already was from earlier)."""
        return self if self.since is not None else replace(self, since=at)

    def canonical(self) -> str:
        """+MINUTES for a duration, HH:MM for a clock time (12-hour when ambiguous)."""
        if self.minutes is not None:
            return f"+{self.minutes}"
        return f"{self.hour:02d}:{self.minute:02d}"


def _tokens(text: str) -> list[str]:
    text = text.lower().strip()
    text = re.sub(r"(\d)([a-z])", r"\1 \2", text)  # 20min, 9pm, 1h30
    text = re.sub(r"([a-z])(\d)", r"\1 \2", text)
    text = text.replace("-", " ").replace(",", " ").replace("a.m.", "am").replace("p.m.", "pm")
    text = re.sub(r"[^\w:.' ]", " ", text)
    words = [w.strip(".'") if not re.fullmatch(r"\d+(\.\d+)?", w) else w for w in text.split()]
    return [w for w in words if w]


def _numbers(words: list[str]) -> list[str | float]:
    """Number words to numbers: 'twenty five' -> 25, 'eight thirty' stays 8, 30."""
    out: list[str | float] = []
    for w in words:
        if re.fullmatch(r"\d+(\.\d+)?", w):
            out.append(float(w))
        elif w in _UNITS:
            value = _UNITS[w]
            prev = out[-1] if out else None
            if isinstance(prev, float) and prev in _TENS.values() and 0 < value < 10:
                out[-1] = prev + value
            else:
                out.append(float(value))
        elif w in _TENS:
            out.append(float(_TENS[w]))
        else:
            out.append(w)
    return out


def _clock(hour: float, minute: float, meridiem: str | None) -> ReturnTime | None:
    if hour != int(hour) or minute != int(minute) or not 0 <= minute < 60:
        return None
    h, m = int(hour), int(minute)
    if meridiem is not None:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem == "pm" else 0)
        return ReturnTime(hour=h, minute=m, meridiem_known=True)
    if 13 <= h <= 23 or h == 0:
        return ReturnTime(hour=h, minute=m, meridiem_known=True)
    if 1 <= h <= 12:
        return ReturnTime(hour=h, minute=m)
    return None


def _meridiem(items: Sequence[str | float]) -> str | None:
    for w in items:
        if w in ("am", "morning"):
            return "am"
        if w in ("pm", "evening", "tonight", "afternoon", "night"):
            return "pm"
    return None


def _duration(items: list[str | float]) -> int | None:
    """Sum of 'N unit' parts, with 'half an hour', 'an hour and a half', 'quarter of an hour'."""
    total = 0.0
    pending: float | None = None
    seen_unit = False
    for w in items:
        if isinstance(w, float):
            if pending is not None:
                return None
            pending = w
        elif w in ("a", "an", "one"):
            pending = 1.0 if pending is None else pending
        elif w == "couple":
            pending = 2.0
        elif w == "few":
            pending = 3.0
        elif w == "half":
            if pending is None:
                pending = 0.5
            elif seen_unit:  # "an hour and a half"
                total += 30
                pending = None
            else:  # "one and a half hours"
                pending += 0.5
        elif w == "quarter":
            pending = 0.25 if pending is None else pending * 0.25
        elif w in _HOUR or w in _MINUTE:
            if pending is None and w != "hour":  # "hour and a half" yes, "minutes" alone no
                return None
            amount = 1.0 if pending is None else pending
            total += amount * (60 if w in _HOUR else 1)
            pending = None
            seen_unit = True
        elif w in _FILLER or w in ("a", "an"):
            continue
        else:
            return None
    if pending is not None:
        if not seen_unit or pending >= 60:
            return None
        total += pending  # "1 hour 30"
    if not seen_unit or total <= 0 or total != total:  # NaN guard
        return None
    return round(total)


def _past_to(items: list[str | float]) -> ReturnTime | None:
    """'half past eight', 'quarter to nine', 'ten past seven'."""
    for i, w in enumerate(items):
        if w not in ("past", "after", "to") or i == 0 or i + 1 >= len(items):
            continue
        lead, hour = items[i - 1], items[i + 1]
        if not isinstance(hour, float):
            return None
        minutes = {"half": 30.0, "quarter": 15.0}.get(lead, lead) if isinstance(lead, str) else lead
        if not isinstance(minutes, float) or not 0 < minutes < 60:
            return None
        meridiem = _meridiem(items[i + 2 :])
        if w == "to":
            if minutes == 30:
                return None
            return _clock((hour - 1) % 12 or 12, 60 - minutes, meridiem)
        return _clock(hour, minutes, meridiem)
    return None


def parse_time(text: str) -> ReturnTime | None:
    """Read a return time, or None when the text names no time."""
    if not isinstance(text, str) or len(text) > 200 or _NEGATIVE.search(text):
        return None
    phrase = " ".join(_tokens(text))
    if not phrase:
        return None
    if phrase in _NOW or phrase.replace("come back ", "").replace("go back ", "") in _NOW:
        return ReturnTime(minutes=0)
    if phrase in ("noon", "midday", "at noon", "at midday"):
        return ReturnTime(hour=12, meridiem_known=True)
    if phrase in ("midnight", "at midnight"):
        return ReturnTime(hour=0, meridiem_known=True)

    m = re.fullmatch(r"(?:at )?(\d{1,2})[:.](\d{2})(?: ?(am|pm))?(?: tonight| o'clock)?", phrase)
    if m:
        return _clock(float(m.group(1)), float(m.group(2)), m.group(3))

    items = _numbers(phrase.split())
    if any(w in ("past", "to") for w in items) and not any(w in _MINUTE for w in items):
        found = _past_to(items)
        if found is not None:
            return found

    has_unit = any(w in _HOUR or w in _MINUTE for w in items)
    if has_unit:
        minutes = _duration(items)
        if minutes is None or minutes > 100 * MAX_MINUTES:
            return None
        return ReturnTime(minutes=minutes)

    numbers = [w for w in items if isinstance(w, float)]
    words = [w for w in items if isinstance(w, str)]
    meridiem = _meridiem(words)
    rest = [
        w
        for w in words
        if w not in _FILLER and w not in ("am", "pm", "morning", "evening", "afternoon", "night")
    ]
    if rest or not numbers or len(numbers) > 2:
        return None
    relative = items[0] == "in"
    if relative:
        return (
            ReturnTime(minutes=int(numbers[0]))
            if len(numbers) == 1 and numbers[0] == int(numbers[0]) and numbers[0] > 0
            else None
        )
    if len(numbers) == 2:  # "eight thirty"
        return _clock(numbers[0], numbers[1], meridiem)
    (n,) = numbers
    if meridiem is not None or "at" in words or "o'clock" in words or "oclock" in words:
        return _clock(n, 0, meridiem)
    # A bare number: up to 12 reads as an hour on the clock, more as minutes.
    if n == int(n) and 1 <= n <= 12:
        return _clock(n, 0, None)
    if n == int(n) and 12 < n <= MAX_MINUTES * 100:
        return ReturnTime(minutes=int(n))
    return None


def format_clock(at: datetime) -> str:
    """'8:30 pm': how a person says a clock time."""
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}:{at.minute:02d} {suffix}"
