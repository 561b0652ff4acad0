"""From a transcript to a reply: the whole of it must be one reply of the question, its meaning
from `replies.interpret`; doubtful, non-speech and extra-word hearings are rejected. The
recogniser is faked at its one seam (`transcribe`), so these run without the model."""

from __future__ import annotations

import pytest

from companion.channels import Listening
from companion.recognition import Recognition
from companion.replies import Option, QuestionType
from companion.transcripts import Transcript, hotwords, is_speech, reply_in, spoken_form
from companion.whisper_recognizer import (
    LOGPROB_FLOOR,
    NO_SPEECH_ABOVE,
    SHORT_YES_FLOOR,
    YES_FLOOR,
    WhisperDecoding,
    window_features,
)

YES_NO, SCALE = Listening(QuestionType.YES_NO), Listening(QuestionType.SCALE)
TIME, CONFIRM = Listening(QuestionType.TIME), Listening(QuestionType.CONFIRM)


@pytest.mark.parametrize(("transcript", "listening", "reply"), [
    (" Yes.", YES_NO, "yes"),
    ("No!", YES_NO, "no"),
    ("Not sure.", YES_NO, "not sure"),
    ("7", SCALE, "seven"),
    (" Ten.", SCALE, "ten"),
    ("Stop.", YES_NO, "stop"),
    ("Go on.", CONFIRM, "go on"),
    ("In 20 minutes.", TIME, "in twenty minutes"),
    ("Half an hour.", TIME, "half an hour"),
    ("8.30 p.m.", TIME, "eight thirty pm"),
    ("At 8:30.", TIME, "at eight thirty"),
    ("9:00", TIME, "nine o'clock"),
    ("Now.", TIME, "now"),
    ("nine p.m", TIME, "nine pm"),  # whisper often leaves out the last dot
    ("Nine P.M.", TIME, "nine pm"),
    ("9pm", TIME, "nine pm"),
    ("at ten to nine", TIME, "at ten to nine"),  # a time the phrases do not list
])  # fmt: skip
def test_a_whole_reply_is_taken_in_its_spoken_form(
    transcript: str, listening: Listening, reply: str
) -> None:
    assert reply_in(transcript, listening) == reply


@pytest.mark.parametrize(("transcript", "listening"), [
    ("Yes, I'm scared.", YES_NO),  # more than a yes is not a yes
    ("Right.", YES_NO),  # a word the parser knows, but not one of the question's replies
    ("On.", CONFIRM),  # a part of "go on" alone
    ("I see a lamp", CONFIRM),
    ("Seven", YES_NO),
    ("Yes", SCALE),
    ("11", SCALE),
    ("Tree", SCALE),
    ("In twenty minutes, I think", TIME),
    ("and eight", TIME),  # "at eight thirty" misheard: words of times, but not a time
    ("eight and", TIME),
    ("", YES_NO),
])  # fmt: skip
def test_anything_else_is_not_a_reply(transcript: str, listening: Listening) -> None:
    assert reply_in(transcript, listening) is None


def test_a_question_type_it_does_not_know_is_heard_as_yes_no() -> None:
    class Unknown:  # as a question type added later would be
        value = "later"

    later = Listening(Unknown())  # type: ignore[arg-type]
    assert hotwords(later) == hotwords(YES_NO)


def test_hotwords_are_the_words_of_the_questions_replies_once_each() -> None:
    words = hotwords(YES_NO).split()
    assert {"yes", "no", "sure", "stop"} <= set(words) and len(words) == len(set(words))
    choice = Listening(QuestionType.CHOICE, (Option("box", "box breathing"),))
    assert "box" in hotwords(choice).split() and "breathing" in hotwords(choice).split()
    assert "minutes" in hotwords(TIME).split() and "minutes" not in words


def test_sounds_whisper_names_are_not_speech() -> None:
    assert not is_speech("(coughs)") and not is_speech("[Music]") and not is_speech(" ... ")
    assert is_speech("ha ha") and is_speech("yes")


def test_digits_and_times_are_written_as_words() -> None:
    assert spoken_form("45") == "forty five"
    assert spoken_form("10.15 a.m.") == "ten fifteen am"


class Scripted:
    """The recogniser, faked at its seam: each transcription returns the next result."""

    def __init__(self, *results: tuple[str, float, float]) -> None:
        import threading

        self.results = list(results)
        self.lock = threading.Lock()
        self.asked: list[tuple[int, str | None]] = []
        self.second = None  # tiny alone: the second opinion has tests of its own

    def transcribe(self, pcm: bytes, words: str | None) -> Transcript:
        self.asked.append((len(pcm), words))
        text, logprob, no_speech = self.results.pop(0)
        return Transcript(((text, logprob),) if text else (), no_speech)


def decoded(listening: Listening, *results: tuple[str, float, float]) -> Recognition:
    rec = Scripted(*results)
    with WhisperDecoding(rec, listening) as d:  # type: ignore[arg-type]
        d.feed(bytes(3200))
        found = d.finish(bytes(3200))
    assert rec.asked == [(3200, hotwords(listening))]
    return found


def test_a_clear_reply_is_taken_and_confident() -> None:
    assert decoded(YES_NO, (" Yes.", -0.1, 0.02)) == Recognition("yes", " Yes.", -0.1, True)


def test_a_doubtful_reply_is_heard_but_not_taken() -> None:
    found = decoded(YES_NO, ("Yes.", LOGPROB_FLOOR - 0.1, 0.02))
    assert found.text is None and found.heard == "Yes." and not found.confident


def test_a_yes_must_clear_a_higher_bar_than_other_replies() -> None:
    between = (YES_FLOOR + LOGPROB_FLOOR) / 2
    assert decoded(SCALE, ("Seven.", between, 0.02)).text == "seven"
    assert decoded(YES_NO, ("No.", between, 0.02)).text == "no"
    for yes in ("Yes.", "Yeah.", "Yes, I am."):
        found = decoded(YES_NO, (yes, between, 0.02))
        assert found.text is None and found.heard == yes and not found.confident


def test_yeah_and_yep_clear_a_higher_bar_than_yes() -> None:
    # What a sigh or a short word in babble is written as, when it is taken for a yes.
    between = (SHORT_YES_FLOOR + YES_FLOOR) / 2
    assert decoded(YES_NO, ("Yes.", between, 0.02)).text == "yes"
    for short in ("Yeah.", "Yep."):
        found = decoded(YES_NO, (short, between, 0.02))
        assert found.text is None and found.heard == short and not found.confident
        assert decoded(YES_NO, (short, SHORT_YES_FLOOR + 0.05, 0.02)).text == short[:-1].lower()


def test_speech_with_extra_words_is_heard_but_not_taken() -> None:
    found = decoded(YES_NO, ("Yes, I'm scared.", -0.1, 0.02))
    assert found.text is None and found.heard == "Yes, I'm scared." and not found.confident


def test_what_whisper_judges_not_speech_is_nothing() -> None:
    found = decoded(YES_NO, ("Yes.", -0.2, NO_SPEECH_ABOVE + 0.1))
    assert found.text is None and found.heard is None
    assert decoded(YES_NO, ("(coughing)", -0.3, 0.1)).heard is None
    assert decoded(YES_NO, ("", float("-inf"), 1.0)).heard is None


def test_a_pause_decodes_once_and_the_end_reuses_it_when_only_quiet_followed() -> None:
    import numpy as np

    loud = (8000 * np.sin(np.arange(8000) / 5)).astype("<i2").tobytes()
    rec = Scripted(("Seven.", -0.1, 0.01), ("Seven eight.", -0.1, 0.01))
    with WhisperDecoding(rec, SCALE) as d:  # type: ignore[arg-type]
        assert d.whole_reply(loud)  # "seven": nothing longer starts with it
        assert d.finish(loud + bytes(1920)).text == "seven"  # 60 ms of quiet after it
    assert len(rec.asked) == 1
    with WhisperDecoding(rec, SCALE) as d:  # type: ignore[arg-type]
        assert d.finish(loud + loud).heard == "Seven eight."  # more speech: decoded again
    assert len(rec.asked) == 2


def test_a_reply_a_longer_one_continues_does_not_end_at_a_short_pause() -> None:
    rec = Scripted(("Go.", -0.1, 0.01))
    with WhisperDecoding(rec, CONFIRM) as d:  # type: ignore[arg-type]
        assert not d.whole_reply(bytes(3200))  # "go" may yet be "go on"


def test_the_window_after_a_short_reply_is_silence_not_zero_features() -> None:
    import numpy as np
    from faster_whisper.feature_extractor import FeatureExtractor

    reply = (8000 * np.sin(np.arange(8000) / 5)).astype("<i2").tobytes()  # half a second
    features = window_features(FeatureExtractor(), reply, 300)
    assert features.shape == (80, 300)
    after = features[:, 60:]  # well past the reply: what silence looks like to Whisper
    assert float(after.max()) == float(after.min()) == float(features.min()) < 0


def test_a_reply_longer_than_the_window_is_cut_to_it() -> None:
    from faster_whisper.feature_extractor import FeatureExtractor

    assert window_features(FeatureExtractor(), bytes(2 * 16000 * 4), 200).shape == (80, 200)
