"""A long break timer on the fake clock: reminders on the minute, the chime on the second,
and memory that does not grow with the length of the break. (The real-time run of the same
is bench/bench_soak.py.)"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from companion.clock import FakeClock
from companion.script import parse_script
from companion.session import Session
from tests.fakes import FakeIn, FakeOut, MemoryRecorder

CHECKIN = "Still here with you"


def break_script(checkin: float = 5) -> dict[str, object]:
    return {
        "title": "Break",
        "closing": {
            "question": "Can we talk?",
            "later": "Back at {return_clock}. {question}",
            "now": "Now. {question}",
        },
        "steps": [
            {"safety": "Are you safe?"},
            {"ask": "When will you go back?", "type": "time", "key": "return"},
            {"closing": "Your words."},
            {"when": "return", "break": "Shall I keep time?", "checkin": checkin},
        ],
    }


def run_break(minutes: int) -> tuple[FakeOut, FakeClock, float]:
    clock = FakeClock()
    out = FakeOut(clock)
    replies = ["yes", f"in {minutes} minutes", "yes"]
    session = Session(parse_script(Path("break.toml"), break_script()), out,
                      FakeIn(clock, replies), clock, MemoryRecorder())  # fmt: skip
    outcome = session.run()
    assert outcome.return_at is not None
    return_after = (outcome.return_at - clock.start).total_seconds()
    return out, clock, return_after


def test_a_thirty_minute_break_reminds_on_the_minute_and_chimes_at_the_return_time() -> None:
    out, _, return_after = run_break(30)

    start = next(t for t, text, _ in out.said if text.startswith("I'll keep time"))
    checkins = [t - start for t, text, _ in out.said if text.startswith(CHECKIN)]
    assert checkins == [300.0, 600.0, 900.0, 1200.0, 1500.0]
    assert out.chimes == [return_after]  # to the second: the moment the statement named
    ticks = out.countdowns
    assert 1790 <= ticks <= 1815  # one countdown tick a second, no busy loop


def test_a_reminder_names_the_minutes_that_are_left() -> None:
    out, _, _ = run_break(30)
    said = [text for _, text, _ in out.said if text.startswith(CHECKIN)]
    assert [s.split("About ")[1] for s in said] == [
        f"{n} minutes to go." for n in (25, 20, 15, 10, 5)
    ]


def _peak_during(minutes: int) -> int:
    tracemalloc.start()
    try:
        out, _, _ = run_break(minutes)
        out.said.clear()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_length_of_the_break() -> None:
    short, long = _peak_during(30), _peak_during(240)
    # Eight times the break, and what it keeps is the same few reminders more.
    assert long - short < 64 * 1024, (short, long)
