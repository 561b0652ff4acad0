"""Confirm what matters: a heard time is read back and can be corrected, a heard rating is
echoed, and a reply heard but not understood is answered at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from companion.channels import Heard, Listening
from companion.clock import FakeClock
from companion.events import Answered, Rated, Role
from companion.script import load_script
from companion.session import Outcome, Session
from companion.timeparse import format_clock
from tests.fakes import FakeIn, FakeOut, MemoryRecorder

GROUND = Path(__file__).resolve().parent.parent / "scripts" / "ground.toml"
START = ["yes", "i did", "8", "4", "no"]  # safe, two ratings, no own-part question: then the time


def key(text: str) -> Heard:
    return Heard(text, "key")


def voice(text: str, confident: bool = True) -> Heard:
    return Heard(text, "voice", confident)


class Replies(FakeIn):
    def __init__(self, clock: FakeClock, heard: list[Heard | None]) -> None:
        super().__init__(clock, [])
        self.heard = heard

    def listen(self, listening: Listening) -> Heard | None:
        self.asked.append(listening)
        if not self.heard:
            self.clock.advance(listening.timeout)
            return None
        reply = self.heard.pop(0)
        self.clock.advance(2.0 if reply else listening.timeout)
        return reply


def run(heard: list[Heard | None]) -> tuple[Outcome, FakeOut, MemoryRecorder]:
    clock = FakeClock()
    out, rec = FakeOut(clock), MemoryRecorder()
    outcome = Session(load_script(GROUND), out, Replies(clock, heard), clock, rec).run()
    return outcome, out, rec


def readbacks(out: FakeOut) -> list[str]:
    return [line for line in out.lines(Role.PROMPT) if line.endswith("Is that right?")]


def test_a_heard_time_is_read_back_before_it_goes_into_the_closing_words() -> None:
    outcome, out, _ = run([*map(key, START), voice("in twenty minutes"), voice("yes"), key("no")])
    assert outcome.return_at is not None and outcome.statement is not None
    expected = f"Twenty minutes: back at {format_clock(outcome.return_at)}. Is that right?"
    assert readbacks(out) == [expected]
    said = out.lines()
    assert said.index(expected) < said.index(outcome.statement)


class SlowReplies(Replies):
    """Someone who takes their time over every reply: minutes pass between the questions."""

    def listen(self, listening: Listening) -> Heard | None:
        self.clock.advance(100.0)
        return super().listen(listening)


@pytest.mark.parametrize("said", [voice("in twenty minutes"), key("20"), voice("at nine")])
def test_the_words_name_the_clock_time_that_was_read_back_however_long_it_takes(
    said: Heard,
) -> None:
    clock = FakeClock()
    out = FakeOut(clock)
    heard = [*map(key, START), said, voice("yes"), key("no")]
    outcome = Session(load_script(GROUND), out, SlowReplies(clock, heard), clock,
                      MemoryRecorder()).run()  # fmt: skip
    assert outcome.return_at is not None and outcome.statement is not None
    named = [n for n in out.lines(Role.NOTE) + out.lines(Role.PROMPT) if "back at" in n.lower()]
    assert named and all(format_clock(outcome.return_at) in n for n in named)
    assert format_clock(outcome.return_at) in outcome.statement


def test_a_no_asks_again_and_the_new_time_is_read_back_in_turn() -> None:
    heard = [*map(key, START), voice("an hour"), voice("no"), voice("half an hour"),
             voice("yes"), key("no")]  # fmt: skip
    outcome, out, rec = run(heard)
    assert [r.split(":")[0] for r in readbacks(out)] == ["An hour", "Thirty minutes"]
    prompts = out.lines(Role.PROMPT)
    assert prompts.index(readbacks(out)[0]) + 1 == prompts.index(
        next(p for p in prompts if p.startswith("What time would you like to come back?"))
    )
    ret = next(a for a in rec.of(Answered) if a.key == "return")
    assert ret.raw == "half an hour"
    assert outcome.return_at is not None and outcome.statement is not None


def test_a_new_time_given_instead_of_yes_or_no_is_taken_and_read_back() -> None:
    heard = [*map(key, START), voice("an hour"), voice("in forty minutes"), key("y"), key("no")]
    _, out, rec = run(heard)
    assert [r.split(":")[0] for r in readbacks(out)] == ["An hour", "Forty minutes"]
    assert next(a for a in rec.of(Answered) if a.key == "return").raw == "in forty minutes"


def test_keys_correct_a_heard_time_too() -> None:
    heard = [*map(key, START), voice("an hour"), key("n"), key("in 20 minutes"), key("no")]
    outcome, out, _ = run(heard)
    assert len(readbacks(out)) == 1
    assert outcome.statement is not None
    assert any(line.startswith("Twenty minutes: back at") for line in out.lines(Role.NOTE))


def test_a_no_and_then_silence_leaves_no_time_in_the_words() -> None:
    outcome, _, _ = run([*map(key, START), voice("an hour"), voice("no")])
    assert outcome.statement is None and outcome.return_at is None


def test_a_typed_time_is_shown_with_its_clock_time_and_needs_no_yes() -> None:
    outcome, out, _ = run([*map(key, START), key("in twenty minutes"), key("no")])
    assert not readbacks(out)
    assert outcome.return_at is not None
    note = f"Twenty minutes: back at {format_clock(outcome.return_at)}."
    assert note in out.lines(Role.NOTE)


def test_a_heard_rating_is_echoed_briefly_and_a_typed_one_is_not() -> None:
    _, out, rec = run([key("yes"), key("i did"), voice("seven"), key("4")])
    assert [r.value for r in rec.of(Rated)] == [7, 4]
    said = out.lines()
    assert said[said.index("Seven.") - 1].startswith("How strong is the distress")
    assert "Four." not in said


def test_a_reply_heard_but_not_understood_is_answered_at_once() -> None:
    _, out, _ = run(
        [key("yes"), key("i did"), voice("banana phone", confident=False), voice("eight")]
    )
    said = out.lines()
    gentle = "I heard you, but not the words. Could you say it again, or type it?"
    assert said[said.index(gentle) - 1].startswith("How strong is the distress")
    assert said[said.index(gentle) + 1] == "Eight."
    assert not any(line.startswith("I didn't catch anything") for line in said[:8])


def test_a_typed_line_not_understood_gets_the_help_for_the_question() -> None:
    _, out, _ = run([key("yes"), key("i did"), key("banana"), key("8")])
    assert any(re.match(r"I'm not sure I understood\. Say a number", line)
               for line in out.lines(Role.REPROMPT))  # fmt: skip


@pytest.mark.parametrize("doubted", ["seven", "nine"])
def test_a_reply_the_recogniser_doubts_is_asked_again_not_taken(doubted: str) -> None:
    heard = [*map(key, START[:2]), voice(doubted, confident=False),
             *map(key, ["7", "4", "no", "in twenty minutes", "no"])]  # fmt: skip
    outcome, out, rec = run(heard)
    gentle = "I heard you, but not the words. Could you say it again, or type it?"
    assert out.lines().count(gentle) == 1
    assert [r.value for r in rec.of(Rated)] == [7, 4]
    assert outcome.return_at is not None


def test_a_time_the_recogniser_doubts_is_read_back_not_asked_again() -> None:
    heard = [*map(key, START), voice("in twenty minutes", confident=False), voice("yes"),
             key("no")]  # fmt: skip
    outcome, out, _ = run(heard)
    assert outcome.return_at is not None
    expected = f"Twenty minutes: back at {format_clock(outcome.return_at)}. Is that right?"
    assert readbacks(out) == [expected]
    assert "I heard you, but not the words. Could you say it again, or type it?" not in out.lines()
