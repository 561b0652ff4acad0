"""Speech synthesis: pyttsx3 renders each line to a WAV once; lines are cached on disk.

The driver's traps (see pyttsx3's espeak driver): one utterance per runAndWait, never say(),
and it prints "Audio saved to ..." on stdout. The engine lives in one worker thread that owns
it for its whole life.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion import faults
from companion.logs import log
from companion.sounds import RATE, Samples, read_wav, resample

CACHE_VERSION = "1"
WRITE_TIMEOUT = 1.0  # seconds for the engine to finish writing one line (it takes ~10 ms)
WRITE_ATTEMPTS = 3


class SpeechError(Exception):
    pass


@dataclass(frozen=True)
class VoiceSettings:
    voice: str | None = None  # an engine voice id; None is the engine's default
    rate: int = 160  # words per minute: a little slower than the engine's 200
    volume: float = 0.85

    def softened(self) -> VoiceSettings:
        """Quieter and slower: a near-whisper makes people lean in."""
        return VoiceSettings(self.voice, max(90, self.rate - 30), round(self.volume * 0.6, 2))


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]


def _wait_for_wav(path: Path, timeout: float) -> bool:
    """True once `path` is a whole WAV file (its header's length matches its size)."""
    import time
    import wave

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


def trim_leading_silence(samples: Samples, level: float = 0.003, keep: float = 0.01) -> Samples:
    """Engines pad the start of a line with silence; the pacing is ours to set."""
    import numpy as np

    loud = np.flatnonzero(np.abs(samples) > level)
    if len(loud) == 0:
        return samples
    start = max(0, int(loud[0]) - int(keep * RATE))
    return samples[start:]


def _engine_id() -> str:
    """Which engine renders: part of every cache key, so a new engine never plays old audio."""
    import sys
    from importlib import metadata

    try:
        version = metadata.version("pyttsx3")
    except metadata.PackageNotFoundError:
        version = "?"
    return f"pyttsx3-{version}-{sys.platform}"


def _silence_driver_prints() -> None:
    try:
        import pyttsx3.drivers.espeak as espeak_driver
    except Exception:  # other platforms have other drivers
        return
    espeak_driver.print = lambda *args, **kwargs: None


class Synth:
    """Renders lines to cached WAV files, in order, on its own thread."""

    def __init__(self, cache: Path, settings: VoiceSettings) -> None:
        self.cache, self.settings = cache, settings
        cache.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.broken: str | None = None  # set when the engine stops answering or fails
        self._jobs: queue.Queue[tuple[str, Future[Path]] | None] = queue.Queue()
        self._pending: dict[str, Future[Path]] = {}
        self._lock = threading.Lock()
        self._ready: Future[str] = Future()
        self._rendered = 0
        # Known without starting the engine: cached lines play at once.
        self.engine_name = _engine_id()
        self._thread = threading.Thread(target=self._work, name="speech", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Raises SpeechError when there is no speech engine."""
        try:
            self._ready.result(timeout=timeout)
        except TimeoutError:
            raise SpeechError("The speech engine did not start.") from None

    def _work(self) -> None:
        try:
            if faults.on("no-tts"):
                raise RuntimeError("libespeak-ng.so.1: cannot open shared object file")
            import pyttsx3

            _silence_driver_prints()
            engine = pyttsx3.init()
            if self.settings.voice:
                engine.setProperty("voice", self.settings.voice)
            engine.setProperty("rate", self.settings.rate)
            engine.setProperty("volume", self.settings.volume)
            # Property changes are queued commands: run them now, or the first line can race
            # them and come out empty.
            engine.runAndWait()
        except Exception as e:  # no espeak-ng, no voice, broken driver: all mean "no voice"
            self.broken = f"No speech voice is available ({e})."
            self._ready.set_exception(SpeechError(self.broken))
            while (job := self._jobs.get()) is not None:
                job[1].set_exception(SpeechError(self.broken))
            return
        self._ready.set_result(self.engine_name)
        while (job := self._jobs.get()) is not None:
            text, future = job
            try:
                path = self._path(text)
                if not path.exists():
                    self._render_file(engine, text, path)
                future.set_result(path)
            except Exception as e:
                future.set_exception(e if isinstance(e, SpeechError) else SpeechError(str(e)))
            finally:
                with self._lock:
                    self._pending.pop(text, None)

    def _render_file(self, engine: Any, text: str, path: Path) -> None:
        tmp = path.with_suffix(".tmp.wav")
        for _attempt in range(WRITE_ATTEMPTS):
            engine.save_to_file(text, str(tmp))
            engine.runAndWait()
            # The espeak driver's loop can return before its own synthesis thread has written
            # the file, and now and then loses a line: wait for it, and ask again. A late
            # write from a lost attempt is the same line to the same file, so it is harmless.
            if _wait_for_wav(tmp, WRITE_TIMEOUT):
                tmp.chmod(0o600)  # lines can hold the person's own words
                tmp.replace(path)
                return
            log.warning("speech engine: no audio for %d characters, asking again", len(text))
        self.broken = f"the speech engine produced nothing for {text!r}"
        raise SpeechError(self.broken)

    def _path(self, text: str) -> Path:
        s = self.settings
        key = "\x1f".join([CACHE_VERSION, self.engine_name, str(s.voice), str(s.rate),
                           str(s.volume), text])  # fmt: skip
        return self.cache / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.wav"

    def request(self, text: str) -> Future[Path]:
        """Render `text` (or find it in the cache) without waiting."""
        path = self._path(text)
        if path.exists():
            done: Future[Path] = Future()
            done.set_result(path)
            return done
        with self._lock:
            future = self._pending.get(text)
            if future is None:
                future = Future()
                self._pending[text] = future
                self._jobs.put((text, future))
            return future

    def render(self, text: str, timeout: float = 5.0) -> Samples:
        """The line's samples; raises SpeechError at once once the engine has hung."""
        if self.broken:
            raise SpeechError(self.broken)
        self._rendered += 1
        if self._rendered == faults.number("tts-fails"):
            raise SpeechError("the speech engine could not render this line")
        try:
            path = self.request(text).result(timeout=timeout)
        except TimeoutError:
            # The driver can hang inside its own loop; one wait is enough to know.
            self.broken = "the speech engine stopped answering"
            raise SpeechError(self.broken) from None
        samples, rate = read_wav(path)
        return trim_leading_silence(resample(samples, rate))

    def close(self) -> None:
        self._jobs.put(None)


def list_voices() -> list[Voice]:
    """The engine's voices; empty when there is no engine."""
    result: Future[list[Voice]] = Future()

    def work() -> None:
        try:
            import pyttsx3

            engine = pyttsx3.init()
            found = [
                Voice(str(v.id), str(v.name), tuple(str(x) for x in (v.languages or [])))
                for v in engine.getProperty("voices")
            ]
            result.set_result(found)
        except Exception:
            result.set_result([])

    threading.Thread(target=work, daemon=True).start()
    return result.result(timeout=30)
