"""Dictation: a whole part of a letter heard from the microphone and transcribed freely.

Beside the reply recogniser, which narrows Whisper to the words a question accepts, this
takes whatever was said: the same packaged tiny.en weights loaded by path (nothing is ever
fetched), no hotwords, plain beam search, and no previous text carried from one part to the
next. A part ends after a longer pause, when "next part" is said, when the writer presses
Enter, or at the cap.
"""

from __future__ import annotations

import os
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from companion.recognition import FRAME, RATE
from companion.vad import SpeechDetector, speech_detector
from companion.voice_in import END, ONSET_FRAMES, ONSET_SPAN, PAD_FRAMES, PAUSE_BELOW_PEAK

BEAM = 5
FRAME_SECONDS = FRAME / RATE


@dataclass(frozen=True)
class PartSettings:
    """How a dictated part is cut from the microphone's stream."""

    pause: float = 1.5  # seconds of quiet that end a part: longer than a breath between phrases
    phrase_pause: float = 0.5  # seconds of quiet after which the last phrase is looked at
    cap: float = 60.0  # seconds of speech at most in one part (Whisper reads 30 s at a time)
    wait: float = 30.0  # seconds to wait for the part to begin
    phrase_max: float = 2.0  # only a phrase this short is checked for "next part"


class Transcriber(Protocol):
    """Free transcription of 16 kHz mono 16-bit PCM: the seam a fake replaces in tests."""

    name: str

    def transcribe(self, pcm: bytes) -> str: ...


class WhisperTranscriber:
    """faster-whisper over the packaged tiny.en, loaded once and kept for the letter."""

    name = "whisper tiny.en (faster-whisper), free transcription"

    def __init__(self, path: Path | None = None, beam: int = BEAM) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # loaded by path: this only makes sure
        from faster_whisper import WhisperModel

        from companion.whisper_recognizer import model_path

        self.model = WhisperModel(str(path or model_path()), device="cpu", compute_type="int8",
                                  cpu_threads=2)  # fmt: skip
        self.beam = beam

    def transcribe(self, pcm: bytes) -> str:
        import numpy as np

        audio = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768
        segments, _ = self.model.transcribe(
            audio, language="en", beam_size=self.beam, temperature=0.0,
            condition_on_previous_text=False, without_timestamps=True, vad_filter=False,
        )  # fmt: skip
        return " ".join(" ".join(s.text for s in segments).split())


_NEXT_PART = re.compile(r"(?:^|\s+|,\s*)next\s+part[\s.,!?]*$", re.IGNORECASE)


def said_next_part(text: str) -> bool:
    return bool(_NEXT_PART.search(text))


def without_next_part(text: str) -> str:
    """The part as written: a closing "next part" is how it was ended, not part of it."""
    return _NEXT_PART.sub("", text).strip().rstrip(",;:-").strip()


def capture_part(
    frames: Callable[[float], bytes | None],
    detector: SpeechDetector,
    settings: PartSettings = PartSettings(),
    cancelled: Callable[[], bool] = lambda: False,
    phrase_ends_part: Callable[[bytes], bool] = lambda _pcm: False,
    clock: Callable[[], float] = time.monotonic,
) -> bytes | None:
    """Audio of one dictated part; None if no speech began before `settings.wait`.

    It begins as a reply does (most of a few frames in a row are speech) and ends at a long
    pause, at the cap, when `cancelled` (Enter was pressed: what was said so far is the
    part), or when `phrase_ends_part` says the short phrase before a pause ended it.
    """
    ring: deque[bytes] = deque(maxlen=ONSET_SPAN + PAD_FRAMES)
    recent: deque[bool] = deque(maxlen=ONSET_SPAN)
    speech: list[bytes] = []
    phrase_from = 0  # where the phrase being spoken began, in frames of `speech`
    paused = 0
    loudest = 0.0
    deadline = clock() + settings.wait
    pause_frames = round(settings.pause / FRAME_SECONDS)
    phrase_frames = round(settings.phrase_pause / FRAME_SECONDS)
    cap_frames = round(settings.cap / FRAME_SECONDS)
    phrase_max = round(settings.phrase_max / FRAME_SECONDS)

    def part() -> bytes | None:
        return b"".join(speech) if speech else None

    while not cancelled():
        if not speech and clock() >= deadline:
            return None
        frame = frames(0.1)
        if frame == END:
            return part()
        if frame is None or len(frame) != FRAME * 2:
            continue
        voiced = detector.is_speech(frame)
        level = _level(frame)
        loudest = max(loudest, level)
        paused = paused + 1 if not voiced or level < loudest * PAUSE_BELOW_PEAK else 0
        if not speech:
            ring.append(frame)
            recent.append(voiced)
            if sum(recent) >= ONSET_FRAMES:
                speech = list(ring)
                phrase_from = 0
            continue
        if paused == 0 and phrase_from < 0:
            phrase_from = max(0, len(speech) - PAD_FRAMES)  # speech resumed: a new phrase
        speech.append(frame)
        if paused >= pause_frames or len(speech) >= cap_frames:
            return part()
        if paused == phrase_frames and phrase_from >= 0:
            phrase = speech[phrase_from:]
            if len(phrase) - paused <= phrase_max and phrase_ends_part(b"".join(phrase)):
                return part()
            phrase_from = -1
    return part()


def _level(frame: bytes) -> float:
    import numpy as np

    return float(np.sqrt(np.mean(np.frombuffer(frame, "<i2").astype(np.float64) ** 2)))


class MicrophoneGone(OSError):
    pass


class Dictation:
    """One part at a time: captured from `frames` and transcribed freely."""

    def __init__(self, transcriber: Transcriber, frames: Callable[[float], bytes | None],
                 detector: Callable[[], SpeechDetector] = speech_detector,
                 settings: PartSettings = PartSettings(),
                 drain: Callable[[], None] = lambda: None,
                 close: Callable[[], None] = lambda: None,
                 alive: Callable[[], bool] = lambda: True) -> None:  # fmt: skip
        self.transcriber, self.frames = transcriber, frames
        self.detector, self.settings = detector, settings
        self.drain, self.close, self.alive = drain, close, alive

    def part(self, cancelled: Callable[[], bool] = lambda: False,
             settings: PartSettings | None = None) -> str | None:  # fmt: skip
        """What was dictated, without a closing "next part"; None when nothing was said."""
        self.drain()  # what the microphone heard before the prompt is not this part
        pcm = capture_part(self.frames, self.detector(), settings or self.settings, cancelled,
                           self._ends_part)  # fmt: skip
        if pcm is None:
            if not self.alive():  # unplugged: no part will ever be heard again
                raise MicrophoneGone("the microphone stopped working")
            return None
        text = without_next_part(self.transcriber.transcribe(pcm))
        return text or None

    def _ends_part(self, phrase: bytes) -> bool:
        return said_next_part(self.transcriber.transcribe(phrase))


def open_dictation() -> tuple[Dictation | None, str]:
    """Dictation from the microphone, or why it cannot be had (for a clear message)."""
    try:
        transcriber = WhisperTranscriber()
    except Exception as e:  # a missing package or model: letters are typed instead
        return None, f"Speech recognition is not available ({type(e).__name__}: {e})."
    from companion.audio_out import AudioError
    from companion.voice_in import Microphone

    try:
        mic = Microphone()
    except AudioError as e:
        return None, str(e)
    return Dictation(transcriber, mic.read, drain=mic.drain, close=mic.close, alive=mic.alive), ""
