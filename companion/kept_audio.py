"""Recordings of spoken replies, kept only when asked (`ground --keep-audio`).

Each reply the microphone caught goes to <data>/audio/session-N/reply-NN.wav, readable by
this user only; `companion forget` deletes them with the session.
"""

from __future__ import annotations

import os
import shutil
import threading
import wave
from pathlib import Path

from companion import paths
from companion.logs import log

RATE = 16000
MAX_WAITING = 64  # replies held in memory while the session has no number yet


def audio_root() -> Path:
    return paths.data_dir() / "audio"


def session_dir(session_id: int) -> Path:
    return audio_root() / f"session-{session_id}"


class AudioKeeper:
    """Writes replies once it knows which session they belong to; before that, and when off,
    nothing is written."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.directory: Path | None = None
        self.count = 0
        self._waiting: list[bytes] = []  # replies heard before the session had its number
        self._lock = threading.Lock()  # replies come from the listening thread

    def belongs_to(self, session_id: int | None) -> None:
        """The session's number, known at its start or, with the history locked then, later:
        replies heard meanwhile are written now."""
        if not self.enabled or session_id is None:
            return
        with self._lock:
            self.directory = session_dir(session_id)
            waiting, self._waiting = self._waiting, []
            for pcm in waiting:
                self._write(self.directory, pcm)

    def keep(self, pcm: bytes) -> Path | None:
        if not self.enabled:
            return None
        with self._lock:
            if self.directory is None:
                if len(self._waiting) < MAX_WAITING:
                    self._waiting.append(pcm)
                return None
            return self._write(self.directory, pcm)

    def _write(self, directory: Path, pcm: bytes) -> Path | None:
        try:
            paths.private_dir(directory)  # audio/ too: 0700 whatever the umask
            self.count += 1
            path = directory / f"reply-{self.count:02d}.wav"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f, wave.open(f, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(pcm)
            return path
        except OSError as e:  # a recording that cannot be kept costs nothing else
            log.warning("could not keep a recording: %s", e)
            return None


def forget(session_ids: list[int] | None) -> int:
    """Delete the recordings of these sessions (None: all of them); returns how many."""
    targets = [audio_root()] if session_ids is None else [session_dir(i) for i in session_ids]
    count = 0
    for target in targets:
        count += sum(1 for _ in target.glob("**/*.wav"))
        shutil.rmtree(target, ignore_errors=True)
    return count
