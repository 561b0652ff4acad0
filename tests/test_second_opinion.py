"""Whisper base's second opinion: asked only over words tiny.en heard, doubted and could not
take as a reply; taken only over its own bars; never a yes it is unsure of, never a command
where the question asks for an answer; and never a reason to lose what tiny heard. Both
models are faked at their one seam (`transcribe`)."""

from __future__ import annotations

import logging
import threading

import pytest

from companion.channels import Listening
from companion.readings import Bars
from companion.recognition import Recognition
from companion.replies import QuestionType
from companion.second_opinion import SecondOpinion, attach
from companion.transcripts import Transcript
from companion.whisper_recognizer import WhisperDecoding

YES_NO, SCALE = Listening(QuestionType.YES_NO), Listening(QuestionType.SCALE)
CONFIRM = Listening(QuestionType.CONFIRM)
BARS = Bars()
DOUBTED = BARS.sure - 0.2  # tiny's words this likely are doubted: base is asked


Heard = tuple[str, float, float]  # (text, log-probability, no-speech): a model's one reading


class Model:
    """A model at its seam: each transcription returns the next result, as its only reading
    or as a whole transcript."""

    def __init__(self, *results: Heard | Transcript | BaseException) -> None:
        self.results = list(results)
        self.asked: list[str | None] = []
        self.lock = threading.Lock()
        self.second: SecondOpinion | None = None
        self.weights, self.loads = True, 0  # opened with its weights loaded

    def loaded(self) -> bool:
        return self.weights

    def load(self) -> None:
        self.weights, self.loads = True, self.loads + int(not self.weights)

    def unload(self) -> None:
        self.weights = False

    def transcribe(self, pcm: bytes, words: str | None) -> Transcript:
        self.asked.append(words)
        result = self.results.pop(0)
        if isinstance(result, BaseException):
            raise result
        if isinstance(result, Transcript):
            return result
        text, logprob, no_speech = result
        return Transcript(((text, logprob),) if text else (), no_speech)


class Opener:
    def __init__(self, base: Model) -> None:
        self.base, self.opened = base, 0

    def __call__(self) -> Model:
        self.opened += 1
        return self.base


def heard(listening: Listening, tiny: Heard | Transcript,
          *base: Heard | Transcript | BaseException) -> tuple[Recognition, Model]:  # fmt: skip
    """What one reply comes to, tiny hearing `tiny` and base (if asked) `base`."""
    small, large = Model(tiny), Model(*base)
    small.second = SecondOpinion(Opener(large))
    with WhisperDecoding(small, listening) as d:  # type: ignore[arg-type]
        found = d.finish(bytes(3200))
    return found, large


def test_base_hears_the_reply_tiny_wrote_as_other_words() -> None:
    found, base = heard(CONFIRM, ("Start.", DOUBTED, 0.02), ("Stop.", -0.2, 0.02))
    assert found == Recognition("stop", "Stop.", -0.2, True)
    assert base.asked and base.asked[0] is not None and "stop" in base.asked[0].split()


@pytest.mark.parametrize(("tiny", "why"), [
    ((" Seven.", -0.1, 0.02), "tiny took a reply"),
    (("(coughs)", -0.4, 0.02), "tiny heard a sound, not words"),
    (("", float("-inf"), 0.9), "tiny heard nothing"),
    (("Tree.", BARS.sure + 0.1, 0.02), "tiny was sure of its other words"),
])  # fmt: skip
def test_base_is_asked_only_over_words_tiny_doubted(tiny: Heard,
                                                   why: str) -> None:  # fmt: skip
    found, base = heard(SCALE, tiny, ("Three.", -0.1, 0.02))
    assert base.asked == [], why
    assert found.text in (None, "seven")


def test_what_tiny_heard_stands_when_base_hears_no_reply_either() -> None:
    found, _ = heard(SCALE, ("Theta.", DOUBTED, 0.02), ("Data.", -0.3, 0.02))
    assert found == Recognition(None, "Theta.", DOUBTED)


def test_base_must_clear_its_own_bar() -> None:
    found, _ = heard(SCALE, ("File.", DOUBTED, 0.02), ("Five.", BARS.base - 0.05, 0.02))
    assert found.text is None and found.heard == "File."
    found, _ = heard(SCALE, ("File.", DOUBTED, 0.02), ("Five.", BARS.base + 0.05, 0.02))
    assert found.text == "five"


def test_base_never_gives_a_yes() -> None:
    for yes in ("Yes.", "Yeah.", "Yep."):
        found, _ = heard(YES_NO, ("Just.", DOUBTED, 0.02), (yes, -0.01, 0.01))
        assert found == Recognition(None, "Just.", DOUBTED), yes
    assert heard(YES_NO, ("Now.", DOUBTED, 0.02), ("No.", -0.3, 0.02))[0].text == "no"


def test_base_gives_no_command_where_the_question_asks_for_an_answer() -> None:
    for listening in (SCALE, YES_NO):
        found, _ = heard(listening, ("Paws.", DOUBTED, 0.02), ("Pause.", -0.1, 0.02))
        assert found.text is None
    assert heard(CONFIRM, ("Paws.", DOUBTED, 0.02), ("Pause.", -0.1, 0.02))[0].text == "pause"


def test_base_is_opened_once_and_its_weights_let_go_after_each_reply_that_needed_it() -> None:
    small = Model(("Sir.", DOUBTED, 0.02), ("Sir, seven.", DOUBTED, 0.02), ("Fife.", DOUBTED, 0.02))
    base = Model(("Seven.", -0.1, 0.02), ("Seven.", -0.1, 0.02), ("Five.", -0.1, 0.02))
    opener = Opener(base)
    small.second = SecondOpinion(opener)
    with WhisperDecoding(small, SCALE) as d:  # type: ignore[arg-type]
        d.feed(bytes(960))  # a reply begins: nothing is opened for it yet
        assert opener.opened == 0
        d.whole_reply(bytes(3200))  # a pause: decoded so far
        assert d.finish(bytes(6400)).text == "seven"  # more came after it
        assert opener.opened == 1 and base.weights  # opened once for the reply
    assert not base.weights  # its weights let go
    with WhisperDecoding(small, SCALE) as d:  # type: ignore[arg-type]
        assert d.finish(bytes(3200)).text == "five"
    assert (opener.opened, base.loads, base.weights) == (1, 1, False)  # loaded again, not opened
    assert not small.lock.locked()


def test_a_reply_tiny_took_neither_opens_base_nor_loads_its_weights() -> None:
    small = Model(("Fun.", DOUBTED, 0.02), (" Seven.", -0.1, 0.02))
    base = Model(("Five.", -0.1, 0.02))
    opener = Opener(base)
    small.second = SecondOpinion(opener)
    with WhisperDecoding(small, SCALE) as d:  # type: ignore[arg-type]
        d.finish(bytes(3200))
    with WhisperDecoding(small, SCALE) as d:  # type: ignore[arg-type]
        assert d.finish(bytes(3200)).text == "seven"
    assert (opener.opened, base.loads, base.weights) == (1, 0, False)


def test_base_failing_leaves_tiny_hearing_alone_and_says_nothing_of_the_words(
    caplog: pytest.LogCaptureFixture,
) -> None:
    small = Model(("Fun.", DOUBTED, 0.02), ("Fun.", DOUBTED, 0.02))
    small.second = SecondOpinion(Opener(Model(RuntimeError("Fun. Five."))))
    with (caplog.at_level(logging.WARNING, logger="companion"),
          WhisperDecoding(small, SCALE) as d):  # type: ignore[arg-type]  # fmt: skip
        assert d.finish(bytes(3200)) == Recognition(None, "Fun.", DOUBTED)
    assert small.second is None  # not asked again this session
    with WhisperDecoding(small, SCALE) as d:  # type: ignore[arg-type]
        assert d.finish(bytes(3200)).heard == "Fun."
    assert "second opinion" in caplog.text and "Fun" not in caplog.text
    assert not small.lock.locked()


def test_base_that_cannot_be_opened_is_a_failure_like_any_other() -> None:
    small = Model(("Fun.", DOUBTED, 0.02))

    def cannot() -> Model:
        raise OSError("no model.bin")

    small.second = SecondOpinion(cannot)
    with WhisperDecoding(small, SCALE) as d:  # type: ignore[arg-type]
        assert d.finish(bytes(3200)) == Recognition(None, "Fun.", DOUBTED)
    assert small.second is None


def test_without_the_base_packages_tiny_hears_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from companion import faults

    monkeypatch.setenv("COMPANION_FAULTS", "no-base-model")
    faults._active.cache_clear()
    try:
        small = Model()
        assert attach(small) is None  # type: ignore[arg-type]
        assert small.second is None
    finally:
        monkeypatch.delenv("COMPANION_FAULTS")
        faults._active.cache_clear()


def test_a_yes_both_models_wrote_is_taken_though_tiny_alone_doubted_it() -> None:
    found, base = heard(YES_NO, ("Yes.", DOUBTED - 0.3, 0.02), ("Yes.", -0.2, 0.02))
    assert found == Recognition("yes", "Yes.", DOUBTED - 0.3, True)
    assert base.asked


def test_a_reply_close_behind_tiny_s_likeliest_is_taken_without_base() -> None:
    small = Model(Transcript((("Now.", DOUBTED), ("No.", DOUBTED - 0.05)), 0.02))
    with WhisperDecoding(small, YES_NO) as d:  # type: ignore[arg-type]
        assert d.finish(bytes(3200)) == Recognition("no", "No.", DOUBTED - 0.05, True)
