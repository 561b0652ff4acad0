"""Keys at a terminal: a key pressed before a question is shown never answers it, and while
breathing a key can only end the breathing (q), never be a reply."""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

import pytest

from companion.channels import Heard, Listening
from companion.clock import FakeClock
from companion.console import ConsoleIn
from companion.events import Answered, Cue, Role
from companion.replies import QuestionType
from companion.script import load_script
from companion.session import Session
from tests.fakes import FakeIn, FakeOut, MemoryRecorder
from tests.running import run
from tests.terminal import Terminal

SHORT = Path(__file__).parent / "data" / "short.toml"
at_a_terminal = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


class KeyboardIn(FakeIn):
    """FakeIn with a keyboard: it notes when typed-ahead keys are dropped, and q is pressed
    at a given breathing cue."""

    def __init__(self, clock: FakeClock, replies: list[str | None], out: FakeOut,
                 q_after_cues: int | None = None) -> None:  # fmt: skip
        super().__init__(clock, replies)
        self.out, self.q_after_cues = out, q_after_cues
        self.discarded_before: list[int] = []  # how many lines had been said at each discard
        self.breathing_now = False

    def discard_typed_ahead(self) -> None:
        self.discarded_before.append(len(self.out.said))

    def breathing(self, active: bool) -> None:
        self.breathing_now = active

    def stop_pressed(self) -> bool:
        assert self.breathing_now
        return self.q_after_cues is not None and len(self.out.cues) >= self.q_after_cues

    def listen(self, listening: Listening) -> Heard | None:
        assert not self.breathing_now
        return super().listen(listening)


def session(replies: list[str | None], q_after_cues: int | None = None
            ) -> tuple[FakeOut, KeyboardIn, MemoryRecorder]:  # fmt: skip
    clock = FakeClock()
    out, rec = FakeOut(clock), MemoryRecorder()
    inp = KeyboardIn(clock, replies, out, q_after_cues)
    Session(load_script(SHORT), out, inp, clock, rec).run()
    return out, inp, rec


def test_typed_ahead_keys_are_dropped_just_before_each_question_is_shown() -> None:
    out, inp, _ = session(["yes", "5", "in 20 minutes", "no"])
    prompts = [i for i, (_, _, role) in enumerate(out.said) if role is Role.PROMPT]
    assert prompts and inp.discarded_before[: len(prompts)] == prompts


def test_q_while_breathing_ends_the_breathing_calmly_and_the_session_goes_on() -> None:
    out, inp, rec = session(["yes", "5", "in 20 minutes", "no"], q_after_cues=1)
    assert len(rec.of(Cue)) == 1  # of four: the rest of the run was not cued
    assert "Okay, we'll stop the breathing here. That was enough." in out.lines(Role.NOTE)
    assert [a.key for a in rec.of(Answered)] == ["safe", "distress", "return", "stay"]
    assert not inp.breathing_now  # the keyboard is back to lines


@at_a_terminal
def test_at_a_terminal_a_key_typed_before_the_question_never_answers_it(
    private_home: Path,
) -> None:
    term = Terminal("ground", "--text", "--script", str(SHORT), "--speed", "10",
                    home=private_home)  # fmt: skip
    term.wait_for("I'm here with you.")
    term.type("y\n")  # during the opening line, before the safety question is shown
    shown = term.wait_for("I didn't catch anything")
    assert "How strong is it" not in shown  # "y" did not answer the safety question
    term.type("q\n")
    assert term.finish() == 0
    history = run("replay", "last", "--full", "--text", "--speed", "1000", home=private_home)
    assert "How strong is it" not in history.stdout  # stored as asked again, not answered


@at_a_terminal
@pytest.mark.parametrize("keys", ["q", "Q", "stop\n"])
def test_at_a_terminal_q_ends_the_breathing_without_enter(private_home: Path, keys: str) -> None:
    term = Terminal("breathe", "--text", "--minutes", "2", "--speed", "4", home=private_home)
    term.wait_for("Press q at any time to stop the breathing.")
    term.wait_for("breath 1")
    term.type("7")  # a key that is not q is dropped: never a rating, never a stop
    term.type(keys)
    shown = term.wait_for("stop the breathing here")
    assert term.finish() == 0
    assert "Well done" in term.output
    assert "7" not in shown.split("Press q", 1)[1]  # not echoed, not taken


@at_a_terminal
def test_beside_the_voice_a_line_typed_before_the_question_is_dropped() -> None:
    from companion.voice_in import VoiceAndKeys
    from tests.test_voice_in import FakeMic, FakeRecognizer

    master, slave = os.openpty()
    with os.fdopen(slave, encoding="utf-8") as keyboard:
        typed = ConsoleIn(stream=keyboard, echo=io.StringIO())
        inp = VoiceAndKeys(typed, FakeMic(), FakeRecognizer(None), lambda: False)  # type: ignore[arg-type]
        os.write(master, b"7\n")  # typed during the opening lines
        deadline = time.monotonic() + 10
        while inp.replies.empty() and time.monotonic() < deadline:
            time.sleep(0.01)  # the key reader has taken the line
        inp.discard_typed_ahead()  # the question is shown
        assert inp.listen(Listening(QuestionType.SCALE, timeout=0.5)) is None
        os.write(master, b"5\n")  # typed after it was shown
        assert inp.listen(Listening(QuestionType.SCALE, timeout=5)) == Heard("5", "key")
        inp.close()
    os.close(master)


class BreathingOut(FakeOut):
    ended_early: int = 0

    def end_breathing(self) -> None:
        self.ended_early += 1


def test_q_while_breathing_drops_the_sound_placed_ahead() -> None:
    clock = FakeClock()
    out, rec = BreathingOut(clock), MemoryRecorder()
    inp = KeyboardIn(clock, ["yes", "5", "in 20 minutes", "no"], out, q_after_cues=2)
    Session(load_script(SHORT), out, inp, clock, rec).run()
    assert out.ended_early == 1
    assert len(rec.of(Cue)) == 2


def test_cues_cancelled_ahead_leave_nothing_playing_so_listening_can_start() -> None:
    import numpy as np

    from companion.mixer import Mixer

    mixer = Mixer(16000)
    mixer.add(np.ones(1600, dtype=np.float32), start=16000 * 60)  # a cue a minute ahead
    mixer.cancel_all()
    assert mixer.last_end <= mixer.frame  # nothing is said to be playing any more


@at_a_terminal
def test_at_a_terminal_a_reply_typed_while_breathing_never_answers_the_next_question(
    private_home: Path,
) -> None:
    term = Terminal("ground", "--text", "--script", str(SHORT), "--speed", "10",
                    home=private_home)  # fmt: skip
    term.wait_for("[yes / no / not sure] >")
    term.type("yes\n")
    term.wait_for("[0-10] >")
    term.type("5\n")
    term.wait_for("breath 1")
    term.type("now\n")  # would be a whole answer to the next question
    term.wait_for("When will you go back?")
    shown = term.wait_for("I didn't catch anything")
    assert "I'm back now" not in shown
    term.type("q\n")
    assert term.finish() == 0


@at_a_terminal
def test_beside_the_voice_q_while_breathing_is_seen_and_no_key_reaches_a_question() -> None:
    from companion.voice_in import VoiceAndKeys
    from tests.test_voice_in import FakeMic, FakeRecognizer

    master, slave = os.openpty()
    with os.fdopen(slave, encoding="utf-8") as keyboard:
        typed = ConsoleIn(stream=keyboard, echo=io.StringIO())
        inp = VoiceAndKeys(typed, FakeMic(), FakeRecognizer(None), lambda: False)  # type: ignore[arg-type]
        inp.breathing(True)
        os.write(master, b"7\n")  # while breathing: dropped
        assert not inp.stop_pressed()
        os.write(master, b"q")
        deadline = time.monotonic() + 10
        while not inp.stop_pressed():  # the key reader beside the voice must not take it
            assert time.monotonic() < deadline, "q was never seen"
        inp.breathing(False)
        inp.discard_typed_ahead()
        assert inp.listen(Listening(QuestionType.SCALE, timeout=0.5)) is None  # no 7
        inp.close()
    os.close(master)
