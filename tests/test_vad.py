"""Silero VAD decides when a reply starts and ends: speech passes, a cough does not start one."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from companion.hearing import frames_of, pcm16
from companion.recognition import FRAME, RATE
from companion.vad import SileroDetector
from companion.voice_in import LONG_PAUSE, capture_utterance
from tests.made_sounds import cough, espeak

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


def captured(path: Path) -> bytes | None:
    frames = iter(frames_of(pcm16(path)))
    return capture_utterance(lambda _w: next(frames, b""), 5.0, lambda: False,
                             detector=SileroDetector())  # fmt: skip


@needs_espeak
def test_a_spoken_word_is_captured_whole(tmp_path: Path) -> None:
    word = pcm16(espeak(tmp_path / "seven.wav", "seven"))
    got = captured(tmp_path / "seven.wav")
    assert got is not None
    loud = np.flatnonzero(np.abs(np.frombuffer(word, "<i2")) > 500)
    assert len(got) // 2 >= loud[-1] - loud[0]  # all of the word, not a piece of it


def test_a_cough_does_not_start_a_reply(tmp_path: Path) -> None:
    assert captured(cough(tmp_path / "cough.wav")) is None


def test_silence_and_steady_hum_are_not_speech() -> None:
    detector = SileroDetector()
    t = np.arange(RATE) / RATE
    hum = (3000 * np.sin(2 * np.pi * 100 * t)).astype("<i2").tobytes()
    frames = [hum[i : i + FRAME * 2] for i in range(0, len(hum) - FRAME * 2 + 1, FRAME * 2)]
    assert not any(detector.is_speech(f) for f in [bytes(FRAME * 2)] * 10 + frames)


def test_any_reply_ends_within_300_ms_of_the_last_speech() -> None:
    assert LONG_PAUSE * FRAME / RATE <= 0.3
