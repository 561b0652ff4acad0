"""Faults made on purpose, to prove that a session survives them.

Set COMPANION_FAULTS to a comma-separated list of NAME or NAME=VALUE:

    no-portaudio, no-output, no-input, no-tts   that part is missing from the start
    no-piper                                    the neural voice is not installed
    output-dies=SECONDS, input-dies=SECONDS     the device stops that long after it opened
    tts-fails=N                                 the Nth line (from 1) cannot be rendered
    recognizer-raises                           every recognition raises
    no-whisper                                  the Whisper model cannot be loaded
    no-base-model                               Whisper base (the second opinion) is missing
    store-locked, store-full, store-readonly    every write to the history fails that way
    store-fails-after=N                         writes fail after the first N events
    store-slow=SECONDS                          every write to the history takes that long
    signal-while-importing=SIG, signal-while-exiting=SIG
                                                the process sends itself SIGINT (INT), SIGTERM
                                                (TERM) or SIGHUP (HUP) at that moment

Each seam asks `faults.value(name)` at the point where the real fault would occur, so the
code that copes with it is the code that copes with the real thing.
"""

from __future__ import annotations

import os
from functools import cache

ENV = "COMPANION_FAULTS"

STORE_ERRORS = {
    "store-locked": "database is locked",
    "store-full": "database or disk is full",
    "store-readonly": "attempt to write a readonly database",
}


@cache
def _active() -> dict[str, str]:
    found: dict[str, str] = {}
    for item in os.environ.get(ENV, "").split(","):
        name, _, value = item.strip().partition("=")
        if name:
            found[name] = value
    return found


def value(name: str) -> str | None:
    """The fault's value ('' when it has none), or None when it is not switched on."""
    return _active().get(name)


def on(name: str) -> bool:
    return value(name) is not None


def number(name: str) -> float | None:
    raw = value(name)
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def store_error() -> str | None:
    """The message of the history fault switched on, if any."""
    return next((message for name, message in STORE_ERRORS.items() if on(name)), None)
