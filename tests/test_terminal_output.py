"""Words reach the person whatever the terminal: any encoding, any width, stored replies shown
safely, a prompt on its own line, and the closing words shown again when the break ends."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest

from companion.channels import Heard, Listening
from companion.clock import FakeClock
from companion.console import ConsoleIn, TextOut
from companion.replies import QuestionType
from companion.script import load_script
from companion.session import Session
from tests.fakes import FakeIn, MemoryRecorder
from tests.running import run
from tests.terminal import Terminal

SHORT = Path(__file__).parent / "data" / "short.toml"
REPLIES = "yes\n5\nin twenty minutes\nno\n"
at_a_terminal = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_closing_words_and_cues_are_shown_in_a_terminal_that_is_not_utf8(
    private_home: Path, encoding: str
) -> None:
    done = run("ground", "--text", "--script", str(SHORT), "--speed", "1000", home=private_home,
               stdin=REPLIES, env={"PYTHONIOENCODING": encoding})  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = done.stdout
    assert re.search(r"\| I'll be back at .*\. Can we talk\? +\|", shown), shown  # in the box
    assert "+- Your words -" in shown
    assert "^ in" in shown and "v out" in shown  # the cue lines, with plain arrows
    assert "Traceback" not in done.stderr


def test_replay_full_shows_control_characters_in_a_reply_escaped(private_home: Path) -> None:
    typed = "yes\x07\x1b[2J\n5\nin twenty minutes\nno\n"
    assert run("ground", "--text", "--script", str(SHORT), "--speed", "1000",
               home=private_home, stdin=typed).returncode == 0  # fmt: skip
    replay = run("replay", "last", "--full", "--text", "--speed", "1000", home=private_home)
    assert "> yes\\x07\\x1b[2J" in replay.stdout
    assert "\x1b" not in replay.stdout and "\x07" not in replay.stdout


@at_a_terminal
@pytest.mark.parametrize("columns", [24, 41])
def test_lines_wrap_at_word_boundaries_to_the_terminal_width(
    private_home: Path, columns: int
) -> None:
    term = Terminal("ground", "--text", "--script", str(SHORT), "--speed", "10",
                    home=private_home, columns=columns)  # fmt: skip
    term.wait_for("[yes / no / not sure] >")
    term.type("yes\n")
    term.wait_for("[0-10] >")
    term.type("q\n")
    assert term.finish() == 0
    said = [line.strip("\r") for line in term.output.split("\n")]
    prose = [line for line in said if line.strip() and "[" not in line and "│" not in line]
    assert all(len(line) < columns for line in prose), prose
    words = " ".join(line.lstrip("?! ").rstrip() for line in prose)
    assert "How strong is it, from zero to ten?" in words  # whole, no word cut in two
    box = [line for line in said if "│" in line or "┌" in line]
    assert all(len(line) < columns for line in box), box


@at_a_terminal
def test_after_a_spoken_reply_the_next_line_starts_on_its_own_line() -> None:
    from companion.voice_in import VoiceAndKeys
    from tests.test_voice_in import SILENCE, FakeMic, FakeRecognizer, Loudness, tone_frames

    master, slave = os.openpty()
    with os.fdopen(slave, encoding="utf-8") as keyboard:
        screen = io.StringIO()
        mic = FakeMic()
        for frame in [SILENCE] * 10 + tone_frames(0.6) + [SILENCE] * 40:
            mic.frames.put(frame)
        typed = ConsoleIn(stream=keyboard, echo=screen)
        inp = VoiceAndKeys(
            typed,
            mic,
            FakeRecognizer("seven"),
            lambda: False,  # type: ignore[arg-type]
            detector=Loudness,
        )
        assert inp.listen(Listening(QuestionType.SCALE, timeout=3)) == Heard("seven", "voice")
        typed.echo_line("? Next question")
        inp.close()
    os.close(master)
    assert "  [0-10] > \n  (heard: seven)\n? Next question\n" in screen.getvalue()


def test_when_the_break_ends_in_text_mode_the_words_are_shown_again() -> None:
    clock, screen = FakeClock(), io.StringIO()
    out = TextOut(clock, screen)
    replies = ["yes", "5", "in twenty minutes", "yes"]  # yes: keep time
    outcome = Session(load_script(SHORT), out, FakeIn(clock, replies), clock,
                      MemoryRecorder()).run()  # fmt: skip
    assert outcome.statement is not None
    shown = screen.getvalue()
    after_break = shown.split("It's time. Here are your words", 1)[1]
    assert outcome.statement in after_break
