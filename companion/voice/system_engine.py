"""The system's own voices through pyttsx3: espeak-ng on Linux, the platform's voices on
macOS and Windows. The fallback wherever Piper is missing.

The driver's traps (see pyttsx3's espeak driver): one utterance per runAndWait, never say(),
and it prints "Audio saved to ..." on stdout.
"""

from __future__ import annotations

import os
import sys
import time
import wave
from pathlib import Path
from typing import Any

from companion import faults
from companion.logs import log
from companion.sounds import Samples, read_wav, resample
from companion.voice.engine import EngineError, VoiceInfo

WRITE_TIMEOUT = 1.0  # seconds for the engine to finish writing one line (it takes ~10 ms)
WRITE_ATTEMPTS = 3
# espeak-ng through pyttsx3 speaks short lines faster than the rate it is given (195
# measured for 160), but over whole lines with their trailing silence it lands on the rate
# asked (measured over the default script's lines).
RATE_FACTOR = 1.0


def _wait_for_wav(path: Path, timeout: float) -> bool:
    """True once `path` is a whole WAV file (its header's length matches its size)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with wave.open(str(path), "rb") as w:
                expected = w.getnframes() * w.getsampwidth() * w.getnchannels()
            if expected > 0 and path.stat().st_size >= 44 + expected:
                return True
        except (OSError, EOFError, wave.Error):
            pass
        time.sleep(0.002)
    return False


def _silence_driver_prints() -> None:
    try:
        import pyttsx3.drivers.espeak as espeak_driver
    except Exception:  # other platforms have other drivers
        return
    espeak_driver.print = lambda *args, **kwargs: None


class SystemEngine:
    def __init__(self, voice: str | None, rate: int, scratch: Path) -> None:
        """`scratch`: where the driver may write a line before it is read back (it can only
        write files); each file is deleted once read."""
        try:
            if faults.on("no-tts"):
                raise RuntimeError("libespeak-ng.so.1: cannot open shared object file")
            from importlib import metadata

            import pyttsx3

            _silence_driver_prints()
            self._engine: Any = pyttsx3.init()
            if voice:
                self._engine.setProperty("voice", voice)
            # The rate is set once, here: a runAndWait with only a property change queued
            # never returns.
            self._engine.setProperty("rate", round(rate * RATE_FACTOR))
            # Property changes are queued commands: run them now, or the first line can
            # race them and come out empty.
            self._engine.runAndWait()
            version = metadata.version("pyttsx3")
        except Exception as e:  # no espeak-ng, no voice, broken driver: all mean "no voice"
            raise EngineError(f"No speech voice is available ({e}).") from None
        self._scratch = scratch
        self.key = f"pyttsx3-{version}-{sys.platform}-{voice}"

    def render(self, text: str, rate: int) -> Samples:
        tmp = self._scratch / f".line-{os.getpid()}.wav"
        try:
            for _attempt in range(WRITE_ATTEMPTS):
                self._engine.save_to_file(text, str(tmp))
                self._engine.runAndWait()
                # The espeak driver's loop can return before its own synthesis thread has
                # written the file, and now and then loses a line: wait for it, and ask
                # again. A late write from a lost attempt is the same line, so it is harmless.
                if _wait_for_wav(tmp, WRITE_TIMEOUT):
                    samples, rate_hz = read_wav(tmp)
                    return resample(samples, rate_hz)
                log.warning("speech engine: no audio for a line, asking again")
        finally:
            tmp.unlink(missing_ok=True)
        raise EngineError("the speech engine produced nothing for a line")

    def close(self) -> None:
        self._engine = None


def system_voices() -> list[VoiceInfo]:
    """The system engine's voices; empty when there is none. Run on its own thread."""
    try:
        if faults.on("no-tts"):
            return []
        import pyttsx3

        engine = pyttsx3.init()
        return [VoiceInfo(str(v.id), "system", str(v.name)) for v in engine.getProperty("voices")]
    except Exception:
        return []
