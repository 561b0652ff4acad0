"""What a reply tiny.en doubted comes to, from every reading of it: base's likeliest, a reply
close behind either model's likeliest, and a yes both models wrote. Readings are given as
the models' transcripts; no model runs here."""

from __future__ import annotations

import pytest

from companion.channels import Listening
from companion.readings import Bars, doubted, settle
from companion.recognition import Recognition
from companion.replies import QuestionType
from companion.transcripts import Transcript
from companion.whisper_recognizer import LOGPROB_FLOOR, YES_FLOOR

YES_NO, SCALE = Listening(QuestionType.YES_NO), Listening(QuestionType.SCALE)
CONFIRM, TIME = Listening(QuestionType.CONFIRM), Listening(QuestionType.TIME)
BARS = Bars()
DOUBTED = BARS.sure - 0.4


def said(*readings: tuple[str, float], no_speech: float = 0.02) -> Transcript:
    return Transcript(readings, no_speech)


def test_a_reply_close_behind_tiny_s_likeliest_reading_is_taken() -> None:
    tiny = said(("Don't.", -0.80), ("Two.", -0.85), ("Do.", -1.2))
    assert settle(tiny, None, SCALE) == Recognition("two", "Two.", -0.85, True)


def test_a_reply_further_behind_is_a_guess_and_not_taken() -> None:
    tiny = said(("Don't.", -0.80), ("Do it.", -0.85), ("Two.", -0.80 - BARS.margin - 0.01))
    assert settle(tiny, None, SCALE) is None


def test_a_reply_close_behind_must_still_clear_its_floor() -> None:
    low = BARS.runner_up - 0.05
    assert settle(said(("Don't.", low + 0.05), ("Two.", low)), None, SCALE) is None


def test_base_s_likeliest_reading_comes_before_any_runner_up() -> None:
    tiny = said(("Sir.", -0.7), ("Three.", -0.75))
    base = said(("Seven.", BARS.base + 0.1), ("Three.", BARS.base))
    found = settle(tiny, base, SCALE)
    assert found is not None and found.text == "seven"


def test_base_s_runner_up_is_looked_at_after_tiny_s() -> None:
    tiny = said(("Do it.", -0.7), ("Do.", -0.72))
    base = said(("Do.", -0.69), ("Two.", -0.70))  # base's likeliest is no reply
    found = settle(tiny, base, SCALE)
    assert found is not None and found.text == "two" and found.heard == "Two."


@pytest.mark.parametrize("yes", ["Yes.", "Yeah.", "Yep.", "Sure."])
def test_a_runner_up_is_never_a_yes(yes: str) -> None:
    tiny = said(("Just.", -0.7), (yes, -0.71))
    assert settle(tiny, said(("Jess.", -0.5), (yes, -0.51)), YES_NO) is None


def test_a_runner_up_is_a_command_only_where_the_question_asks_for_one() -> None:
    for listening in (SCALE, YES_NO, TIME):
        assert settle(said(("Paws.", -0.7), ("Pause.", -0.71)), None, listening) is None
    found = settle(said(("Paws.", -0.7), ("Pause.", -0.71)), None, CONFIRM)
    assert found is not None and found.text == "pause"


def test_a_reply_both_models_wrote_as_yes_is_taken() -> None:
    tiny = said(("Yes.", YES_FLOOR - 0.1), ("Yes?", YES_FLOOR - 0.2))  # tiny alone: doubted
    base = said(("Yes.", BARS.base_yes + 0.1))
    assert settle(tiny, base, YES_NO) == Recognition("yes", "Yes.", YES_FLOOR - 0.1, True)


@pytest.mark.parametrize(("tiny", "base", "why"), [
    (("Yeah.", -0.7), ("Yeah.", -0.3), "both wrote yeah: they do for a sneeze"),
    (("Yes.", -0.7), ("Yeah.", -0.3), "base wrote yeah"),
    (("Just.", -0.7), ("Yes.", -0.1), "only base wrote yes"),
    (("Yes.", -0.7), ("Yes.", BARS.base_yes - 0.05), "base under its bar"),
    (("Yes.", LOGPROB_FLOOR - 0.05), ("Yes.", -0.1), "tiny under its floor"),
    (("Yes, I'm scared.", -0.7), ("Yes.", -0.1), "tiny heard more than a yes"),
])  # fmt: skip
def test_a_yes_needs_both_models_to_write_the_word_yes_over_their_bars(
    tiny: tuple[str, float], base: tuple[str, float], why: str
) -> None:
    assert settle(said(tiny), said(base), YES_NO) is None, why


def test_a_yes_both_wrote_over_what_either_judged_not_speech_is_not_taken() -> None:
    tiny, base = said(("Yes.", -0.7)), said(("Yes.", -0.1), no_speech=0.9)
    assert settle(tiny, base, YES_NO) is None


def test_without_base_only_tiny_s_own_readings_count() -> None:
    assert settle(said(("Yes.", -0.7)), None, YES_NO) is None
    assert settle(said(("Now.", -0.5), ("No.", -0.55)), None, YES_NO) is not None


def test_nothing_heard_has_no_readings_to_settle() -> None:
    assert settle(said(), said(), SCALE) is None
    assert settle(said(("", float("-inf"))), None, SCALE) is None


@pytest.mark.parametrize(("found", "asked"), [
    (Recognition(None, "Theta.", DOUBTED), True),
    (Recognition(None, "Tree.", BARS.sure + 0.1), False),  # sure of its other words
    (Recognition("7", " Seven.", -0.1, True), False),  # a reply already
    (Recognition(None, None, float("-inf")), False),  # nothing, or not speech
])  # fmt: skip
def test_only_words_tiny_doubted_are_looked_at_again(found: Recognition, asked: bool) -> None:
    assert doubted(found, BARS) is asked
