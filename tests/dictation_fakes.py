"""Fakes at the dictation seams: frames of loud and quiet sound, a level detector, and a
transcriber that answers from a script."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

from companion.recognition import FRAME
from companion.voice_in import END

LOUD = (b"\x00\x20" * FRAME)[: FRAME * 2]  # a frame of steady sound
QUIET = bytes(FRAME * 2)


def spoken(seconds: float, pause: float = 0.0) -> list[bytes]:
    """Frames of `seconds` of speech, then `pause` of quiet."""
    return [LOUD] * round(seconds / 0.03) + [QUIET] * round(pause / 0.03)


class LevelDetector:
    """Loud frames are speech."""

    def is_speech(self, frame: bytes) -> bool:
        return frame == LOUD


class ScriptedTranscriber:
    """Says what the script says, one text per call, and keeps how long each clip was."""

    name = "scripted"

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = deque(texts)
        self.clips: list[float] = []

    def transcribe(self, pcm: bytes) -> str:
        self.clips.append(len(pcm) / 32000)
        return self.texts.popleft() if self.texts else ""


WAIT = None  # a part in which nobody speaks until it is cancelled


class ScriptedMicrophone:
    """Each part listens to the next entry: its frames, then the end of the source; WAIT
    delivers nothing until the part is cancelled (typing answered instead)."""

    def __init__(self, parts: Iterable[list[bytes] | None]) -> None:
        self.parts: deque[list[bytes] | None] = deque(parts)
        self.current: deque[bytes] | None = deque()
        self.idle = threading.Event()  # never set: waiting for a frame that will not come

    def drain(self) -> None:
        """A new part begins: the next entry is what is said into it."""
        entry = self.parts.popleft() if self.parts else []
        self.current = None if entry is None else deque(entry)

    def read(self, wait: float) -> bytes | None:
        if self.current is None:
            self.idle.wait(min(wait, 0.01))
            return None
        return self.current.popleft() if self.current else END
