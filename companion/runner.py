"""Putting a session together: script, channels, clock and history, with a calm way out."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from companion import interrupts
from companion.channels import Input, Output
from companion.clock import SystemClock
from companion.console import ConsoleIn, TextOut
from companion.events import Status
from companion.kept_audio import AudioKeeper
from companion.script import Script
from companion.session import Interrupted, Outcome, Session
from companion.store import SessionRecorder, Store, open_session_history
from companion.voice.settings import VoiceSettings

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass(frozen=True)
class Settings:
    text: bool = False
    speed: float = 1.0
    listen: bool = True  # use the microphone where there is one
    speak: bool = True  # False: cue tones only, lines on screen
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    keep_audio: bool = False  # keep recordings of spoken replies


def notice(text: str) -> None:
    """Something the person should know that is not part of the session."""
    try:
        print(f"  ({text})", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP end a session calmly, never in the middle of a write."""

    def handler(signum: int, frame: FrameType | None) -> None:
        interrupts.deliver(signal.Signals(signum).name)

    wanted = [s for s in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, s)]
    previous = {name: signal.signal(getattr(signal, name), handler) for name in wanted}
    try:
        yield
    finally:
        for name, old in previous.items():
            signal.signal(getattr(signal, name), old)


def channels(settings: Settings, clock: SystemClock,
             keeper: AudioKeeper | None = None) -> tuple[Output, Input, str]:  # fmt: skip
    """Voice where it can be had, text otherwise; typed replies always work."""
    typed = ConsoleIn(settings.speed)
    if not settings.text:
        from companion.voice_out import open_voice

        try:
            voice = open_voice(clock, settings.speed, settings.voice, settings.speak)
        except OSError as e:  # nowhere at all to put rendered speech
            notice(f"Speech has nowhere to be prepared ({e.strerror or e}). "
                   "Continuing in text mode.")  # fmt: skip
            return TextOut(clock), typed, "text"
        if voice.problem and voice.output is not None:
            notice(voice.problem)
        if voice.output is not None:
            if not settings.listen or not settings.speak:  # --voice-off: replies typed
                return voice.output, typed, "voice"
            from companion.voice_in import OpeningInput

            opening = OpeningInput(typed, voice.output.speaking, notice,
                                   keeper or AudioKeeper(enabled=False))  # fmt: skip
            return voice.output, opening, "voice"
        notice(f"{voice.problem} Continuing in text mode.")
    return TextOut(clock), typed, "text"


def run_session(script: Script, settings: Settings) -> int:
    clock = SystemClock(settings.speed)
    with signals_interrupt():
        keeper = AudioKeeper(settings.keep_audio)
        try:
            out, inp, mode = channels(settings, clock, keeper)
        except (KeyboardInterrupt, Interrupted):
            return EXIT_INTERRUPTED
        opened = open_session_history()
        if opened.notice:
            notice(opened.notice)
        recorder = SessionRecorder.starting(opened.store, script.name, mode, clock.now())
        keeper.belongs_to(recorder.session_id)
        recorder.started = keeper.belongs_to  # a row started late, once a lock goes
        try:
            outcome = Session(script, out, inp, clock, recorder).run()
        finally:
            _wind_up(inp, out, recorder, opened.store)
    _report_history(recorder, opened.store)
    return EXIT_INTERRUPTED if outcome.status is Status.INTERRUPTED else EXIT_OK


def _wind_up(inp: Input, out: Output, recorder: SessionRecorder, store: Store | None) -> None:
    """Close the devices and save what is left; a second Ctrl-C now changes nothing."""
    try:
        with interrupts.held():
            inp.close()  # stop listening before the sound it listens around goes away
            out.close()
            recorder.catch_up()
            if store:
                store.close()
    except (Interrupted, KeyboardInterrupt):
        pass  # the session is ending anyway


def _report_history(recorder: SessionRecorder, store: Store | None) -> None:
    if recorder.failed and store is not None:
        notice(f"Part of this session could not be saved to your history at {store.path} "
               f"({recorder.failed}).")  # fmt: skip
    if recorder.kept:
        # Nothing said is lost: kept in a private file a later session brings into the
        # history; with nowhere private at all, shown.
        from companion import unsaved

        unsaved.keep_or_show(recorder.kept_begin(), recorder.kept, notice)


__all__ = ["EXIT_INTERRUPTED", "Outcome", "Settings", "run_session"]
