"""Speech synthesis: one engine (Piper's neural voice by default) renders each line once,
on its own thread; lines of the script are cached on disk, lines that carry the person's own
words never are.

The engine lives in one worker thread that owns it for its whole life. Lines asked for now
go ahead of lines rendered ahead of time.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from companion import faults, memory
from companion.logs import log
from companion.sounds import RATE, Samples, leveled, read_wav, to_wav_bytes
from companion.voice.engine import Engine, EngineError, VoiceInfo
from companion.voice.settings import VoiceSettings

CACHE_VERSION = "2"
NOW, AHEAD = 0, 1  # job priorities: a line to be said now, a line rendered ahead of time


class SpeechError(Exception):
    pass


def trim_leading_silence(samples: Samples, level: float = 0.003, keep: float = 0.01) -> Samples:
    """Engines pad the start of a line with silence; the pacing is ours to set."""
    import numpy as np

    loud = np.flatnonzero(np.abs(samples) > level)
    if len(loud) == 0:
        return samples
    start = max(0, int(loud[0]) - int(keep * RATE))
    return samples[start:]


EngineOpener = Callable[[str | None, int, Path], tuple[Engine, str]]


def _open_engine(voice: str | None, rate: int, scratch: Path) -> tuple[Engine, str]:
    from companion.voice.catalog import open_engine

    return open_engine(voice, rate, scratch)


def _planned_key(voice: str | None) -> str:
    from companion.voice.catalog import planned_key

    return planned_key(voice)


@dataclass
class _Job:
    text: str
    cache: bool
    future: Future[Samples]


class Synth:
    """Renders lines in the background; `render` waits for one."""

    def __init__(self, cache: Path, settings: VoiceSettings,
                 opener: EngineOpener = _open_engine) -> None:  # fmt: skip
        self.cache, self.settings = cache, settings
        cache.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.broken: str | None = None  # set when the engine stops answering or fails
        self.notice = ""  # set when the chosen voice could not load and another speaks
        self._opener = opener
        self._jobs: list[tuple[int, int, _Job | None]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._pending: dict[tuple[str, bool], _Job] = {}
        self._ready: Future[str] = Future()
        self._rendered = 0
        # Known without loading the engine: cached lines play while it loads.
        self.engine_name = _planned_key(settings.voice)
        self._thread = threading.Thread(target=self._work, name="speech", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 30.0) -> str:
        """The engine's name; raises SpeechError when there is no speech engine."""
        try:
            return self._ready.result(timeout=timeout)
        except TimeoutError:
            raise SpeechError("The speech engine did not start.") from None

    def _next(self) -> _Job | None:
        with self._wake:
            while not self._jobs:
                self._wake.wait()
            return heapq.heappop(self._jobs)[2]

    def _work(self) -> None:
        try:
            engine, self.notice = self._opener(self.settings.voice, self.settings.rate, self.cache)
        except Exception as e:  # no engine at all: every line goes on screen
            self.broken = str(e) if isinstance(e, EngineError) else f"No speech voice ({e})."
            self._ready.set_exception(SpeechError(self.broken))
            while (job := self._next()) is not None:
                if not job.future.done():
                    job.future.set_exception(SpeechError(self.broken))
            return
        if engine.key != self.engine_name:
            self.engine_name = engine.key
        self._ready.set_result(self.engine_name)
        while (job := self._next()) is not None:
            if job.future.done():
                continue  # asked for twice, at both priorities
            try:
                job.future.set_result(self._make(engine, job.text, job.cache))
            except Exception as e:
                job.future.set_exception(e if isinstance(e, SpeechError) else SpeechError(str(e)))
            finally:
                with self._wake:
                    self._pending.pop((job.text, job.cache), None)
                memory.trim()  # what rendering (and any decoding meanwhile) freed goes back
        engine.close()

    def _make(self, engine: Engine, text: str, cache: bool) -> Samples:
        path = self._path(text)
        if cache and path.exists():
            return read_wav(path)[0]
        try:
            samples = trim_leading_silence(leveled(engine.render(text, self.settings.rate)))
        except EngineError as e:
            raise SpeechError(str(e)) from None
        if cache:
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(to_wav_bytes(samples))
            tmp.chmod(0o600)
            tmp.replace(path)
        return samples

    def _path(self, text: str) -> Path:
        key = "\x1f".join([CACHE_VERSION, self.engine_name, str(self.settings.voice),
                           str(self.settings.rate), text])  # fmt: skip
        return self.cache / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.wav"

    def request(self, text: str, cache: bool = True, now: bool = False) -> Future[Samples]:
        """Render `text` (or find it in the cache) without waiting. `cache=False` for a line
        that carries the person's own words or answers: it is never written to disk."""
        future: Future[Samples]
        with self._wake:
            job = self._pending.get((text, cache))
            if job is None:
                if cache and self._path(text).exists():
                    future = Future()
                    future.set_result(read_wav(self._path(text))[0])
                    return future
                job = _Job(text, cache, Future())
                self._pending[(text, cache)] = job
            elif not now:
                return job.future
            heapq.heappush(self._jobs, (NOW if now else AHEAD, next(self._order), job))
            self._wake.notify()
            return job.future

    def render(self, text: str, cache: bool = True, timeout: float = 10.0) -> Samples:
        """The line's samples; raises SpeechError at once once the engine has hung."""
        if self.broken:
            raise SpeechError(self.broken)
        self._rendered += 1
        if self._rendered == faults.number("tts-fails"):
            raise SpeechError("the speech engine could not render this line")
        try:
            return self.request(text, cache, now=True).result(timeout=timeout)
        except TimeoutError:
            # An engine can hang inside its own loop; one wait is enough to know.
            self.broken = "the speech engine stopped answering"
            log.warning("speech engine: %s", self.broken)
            raise SpeechError(self.broken) from None

    def close(self, timeout: float = 5.0) -> None:
        """Drop what is still queued and wait for the line being rendered: a neural engine
        still running while the interpreter exits aborts the process."""
        with self._wake:
            for _, _, job in self._jobs:
                if job is not None and not job.future.done():
                    job.future.set_exception(SpeechError("the voice was closed"))
            self._jobs = [(NOW, next(self._order), None)]
            self._pending.clear()
            self._wake.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)


def list_voices() -> list[VoiceInfo]:
    """Every voice of every engine; empty when there is none."""
    from companion.voice.catalog import all_voices

    return all_voices()
