"""How the voice speaks: which voice, how fast, how loud. Light to import, because the
opening tone reads its volume before anything else has loaded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VoiceSettings:
    voice: str | None = None  # a name from `companion voices`; None is the default voice
    rate: int = 130  # words a minute, measured from the audio: calm, unhurried guidance
    volume: float = 0.85  # of full output, for every sound: speech, cues and chime

    def softened(self) -> VoiceSettings:
        """Slower, and 10.5 dB quieter: a near-whisper makes people lean in."""
        return VoiceSettings(self.voice, max(90, self.rate - 20), round(self.volume * 0.3, 3))
