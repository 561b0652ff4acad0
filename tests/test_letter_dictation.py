"""A letter dictated part by part: kept, said again, corrected by typing, or typed instead."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest

from companion.dictation import Dictation
from companion.letters.dictating import DictatingPage
from companion.letters.flow import Stopped, Writing
from companion.letters.letter import HANDOFF, QUESTIONS, Letter
from companion.letters.page import TerminalPage
from tests.dictation_fakes import (
    QUIET,
    WAIT,
    LevelDetector,
    ScriptedMicrophone,
    ScriptedTranscriber,
    spoken,
)

PART = spoken(2.5, 1.6)  # a sentence, then the long pause that ends the part
WORD = spoken(0.5, 0.9)  # a short reply: keep, again, yes, one


class Screen(io.StringIO):
    """What the page printed, watched: typed lines wait for the prompt they answer."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def write(self, text: str) -> int:
        with self.changed:
            written = super().write(text)
            self.changed.notify_all()
        return written


class TypedAfter:
    """Lines typed once the screen shows the words they answer; then the keys end."""

    def __init__(self, screen: Screen, script: Iterable[tuple[str, str]]) -> None:
        self.screen, self.script = screen, list(script)
        self.seen = 0

    def __call__(self) -> str | None:
        if not self.script:
            return None
        shown, line = self.script.pop(0)
        with self.screen.changed:
            if not self.screen.changed.wait_for(
                lambda: shown in self.screen.getvalue()[self.seen :], timeout=20
            ):
                return None  # never asked: the keys end, and the test's asserts say why
            self.seen = len(self.screen.getvalue())
        return line


def write(voice: list[list[bytes] | None], heard: list[str],
          typed: Iterable[tuple[str, str]] = ()) -> tuple[Letter, str]:  # fmt: skip
    """Write a letter by voice (and keys); the letter as far as it got, and the screen."""
    screen = Screen()
    mic = ScriptedMicrophone(voice)
    dictation = Dictation(ScriptedTranscriber(heard), mic.read, LevelDetector, drain=mic.drain)
    terminal = TerminalPage(stdin=io.StringIO(""), stdout=screen)
    page = DictatingPage(terminal, dictation, TypedAfter(screen, typed))
    writing = Writing(page)
    try:
        letter = writing.run()
    except Stopped:
        letter = writing.letter
    return letter, screen.getvalue()


def test_a_letter_dictated_and_kept_is_checked_like_a_typed_one() -> None:
    letter, screen = write(
        [PART, WORD, WORD, PART, WORD, PART, WORD, WORD, WORD],
        ["You never listen to me.", "Keep.", "Yes.",
         "I feel alone when we stop talking.", "keep",
         "I would like us to talk tonight.", "Keep it.",
         "One.", "Keep."],
    )  # fmt: skip
    assert "heard: You never listen to me." in screen
    assert "Flagged" in screen  # the checker ran on what was dictated
    assert letter.facts != "You never listen to me."  # the rewording was taken by voice
    assert letter.checks and letter.checks[0].taken
    assert letter.feelings == "I feel alone when we stop talking."
    assert letter.wish == "I would like us to talk tonight."
    assert letter.question == QUESTIONS[0]
    assert letter.handoff == HANDOFF


def test_again_dictates_the_part_once_more() -> None:
    letter, screen = write(
        [PART, WORD, PART, WORD, WAIT],
        ["I came home at ten.", "Again.", "I came home at nine.", "keep"],
        [("How do you feel", "q")],
    )
    assert "heard: I came home at ten." in screen and "Say it again." in screen
    assert letter.facts == "I came home at nine."


def test_a_typed_correction_wins_over_what_was_heard() -> None:
    letter, _ = write(
        [PART, WAIT, WAIT],
        ["I came home at tin."],
        [("type a correction", "I came home at ten."), ("How do you feel", "q")],
    )
    assert letter.facts == "I came home at ten."


def test_when_nothing_is_heard_the_part_is_asked_for_in_typing() -> None:
    letter, screen = write(
        [[QUIET] * 60, WAIT],
        [],
        [("Type this part instead", "I typed the facts."), ("", ""),
         ("How do you feel", "q")],
    )  # fmt: skip
    assert "Nothing was heard. Type this part instead" in screen
    assert letter.facts == "I typed the facts."


def test_with_no_keys_to_type_with_a_silent_part_is_listened_for_again() -> None:
    letter, screen = write([[QUIET] * 60, PART, WORD], ["We argued at dinner.", "keep"])
    assert "Nothing was heard. Say it when you're ready." in screen
    assert letter.facts == "We argued at dinner."
    assert screen.count("Nothing was heard. Say it") == 1 + 3  # the feelings: none came


def test_typing_straight_away_takes_over_the_part() -> None:
    letter, _ = write(
        [WAIT, WAIT],
        [],
        [("What happened", "We argued about the dishes."), ("", ""),
         ("How do you feel", "q")],
    )  # fmt: skip
    assert letter.facts == "We argued about the dishes."


@pytest.mark.parametrize("said", ["keep", "Keep it."])
def test_keep_said_at_the_hand_off_keeps_the_line(said: str) -> None:
    letter, _ = write(
        [PART, WORD, PART, WORD, PART, WORD, WORD, WORD],
        ["We argued at dinner.", "keep", "I feel sad.", "keep", "I would like a hug.", "keep",
         "two", said],
    )  # fmt: skip
    assert letter.question == QUESTIONS[1]
    assert letter.handoff == HANDOFF


TYPED = "We argued at dinner.\n\nI feel sad.\n\nI would like a hug.\n\n1\n\n"


@pytest.mark.parametrize(
    ("fault", "said"),
    [("no-input", "No microphone could be opened"),
     ("no-whisper", "Speech recognition is not available")],
)  # fmt: skip
def test_without_a_microphone_or_model_it_says_so_and_the_letter_is_typed(
    fault: str, said: str, private_home: Path
) -> None:
    from tests.running import run

    done = run("letter", "--voice", home=private_home, stdin=TYPED,
               env={"COMPANION_FAULTS": fault})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert said in done.stdout and "Type your letter instead." in done.stdout
    assert "Saved as letter #1" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


class BrokenTranscriber:
    name = "broken"

    def transcribe(self, pcm: bytes) -> str:
        raise RuntimeError("the decoder failed")


def test_when_dictation_fails_it_says_so_and_the_rest_is_typed() -> None:
    screen = Screen()
    mic = ScriptedMicrophone([PART])
    dictation = Dictation(BrokenTranscriber(), mic.read, LevelDetector, drain=mic.drain)
    typed = TypedAfter(screen, [("Type the rest", "We argued."), ("", ""),
                                ("How do you feel", "q")])  # fmt: skip
    writing = Writing(DictatingPage(TerminalPage(stdin=io.StringIO(""), stdout=screen),
                                    dictation, typed))  # fmt: skip
    with pytest.raises(Stopped):
        writing.run()
    assert "Dictation stopped working (the decoder failed). Type the rest" in screen.getvalue()
    assert writing.letter.facts == "We argued."


def test_when_the_microphone_is_unplugged_it_says_so_and_the_rest_is_typed() -> None:
    screen = Screen()
    mic = ScriptedMicrophone([PART, WORD, []])  # unplugged as the second part begins
    whisper = ScriptedTranscriber(["We argued at dinner.", "keep"])
    dictation = Dictation(whisper, mic.read, LevelDetector, drain=mic.drain,
                          alive=lambda: bool(mic.parts))  # fmt: skip
    # Typed once the page has said the microphone is gone: before that, a typed line
    # simply answers the part, and the news may come after the letter is done.
    typed = TypedAfter(screen, [("Type the rest", "I felt sad."), ("", ""),
                                ("What would you like", "q")])  # fmt: skip
    writing = Writing(DictatingPage(TerminalPage(stdin=io.StringIO(""), stdout=screen),
                                    dictation, typed))  # fmt: skip
    with pytest.raises(Stopped):
        writing.run()
    out = screen.getvalue()
    assert "Dictation stopped working (the microphone stopped working)." in out
    assert "Nothing was heard" not in out
    assert (writing.letter.facts, writing.letter.feelings) == (
        "We argued at dinner.",
        "I felt sad.",
    )


def test_a_microphone_lost_while_a_part_is_typed_is_told_once_and_the_rest_is_typed() -> None:
    screen = Screen()
    mic = ScriptedMicrophone([PART, WORD, WAIT])  # gone while the second part is typed
    found_gone, never = threading.Event(), threading.Event()

    def alive() -> bool:  # found gone only once the next part is listening too
        if not found_gone.is_set():
            found_gone.set()
            for _ in range(20_000):  # at most 20 s: the asserts below say what went wrong
                if [t for t in threading.enumerate()
                    if t.name == "dictation" and t is not threading.current_thread()]:  # fmt: skip
                    break
                never.wait(0.001)
        return bool(mic.parts)

    typed = TypedAfter(screen, [("How do you feel", "I felt sad."), ("", ""),
                                ("Type the rest", "q")])  # fmt: skip

    def keys() -> str | None:
        line = typed()
        if line == "q":  # stopped only once every listening has had its say
            for listening in [t for t in threading.enumerate() if t.name == "dictation"]:
                listening.join(timeout=20)
        return line

    whisper = ScriptedTranscriber(["We argued at dinner.", "keep"])
    dictation = Dictation(whisper, mic.read, LevelDetector, drain=mic.drain, alive=alive)
    writing = Writing(DictatingPage(TerminalPage(stdin=io.StringIO(""), stdout=screen),
                                    dictation, keys))  # fmt: skip
    with pytest.raises(Stopped):
        writing.run()
    assert screen.getvalue().count("Dictation stopped working") == 1
    assert (writing.letter.facts, writing.letter.feelings) == (
        "We argued at dinner.",
        "I felt sad.",
    )
