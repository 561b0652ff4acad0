"""The opening tone of `companion ground` and `companion breathe`, played before the command
line's own modules load: the person hears at once that it has started. The output stream it
opens is the one the session then keeps.

Only a command line understood here in full gets the early tone; anything else (help, text
mode, cue tones only, an option not listed) waits for the command itself, which says what is
wrong before any sound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.audio_out import AudioOut

# The values the commands accept (the CLI declares its options with these, so they agree).
SPEED_LIMITS = (0.01, 10000)
RATE_LIMITS = (60, 400)
VOLUME_LIMITS = (0.05, 1.0)
MINUTES_LIMITS = (0.1, 120)

# Per command: its flags, and its options with a value and the values it accepts for them.
Limits = tuple[float, float] | None
SHARED: dict[str, Limits] = {"--speed": SPEED_LIMITS, "--rate": RATE_LIMITS,
                             "--volume": VOLUME_LIMITS}  # fmt: skip
FLAGS = {"ground": frozenset({"--soft", "--they-left", "--listen", "--no-listen", "--keep-audio"}),
         "breathe": frozenset({"--soft"})}  # fmt: skip
VALUED: dict[str, dict[str, Limits]] = {
    "ground": {**SHARED, "--script": None, "-s": None},
    "breathe": {**SHARED, "--pattern": None, "-p": None, "--minutes": MINUTES_LIMITS,
                "-m": MINUTES_LIMITS},
}  # fmt: skip


@dataclass(frozen=True)
class Request:
    """What of the command line bears on the opening tone."""

    soft: bool = False
    volume: float | None = None


def _in_range(value: str, limits: Limits) -> bool:
    if limits is None:
        return bool(value) and not value.startswith("-")
    try:
        number = float(value)
    except ValueError:
        return False
    return math.isfinite(number) and limits[0] <= number <= limits[1]


def wanted(argv: list[str]) -> Request | None:
    """The request for an early tone, or None when the command may not play one."""
    if not argv or argv[0] not in FLAGS:
        return None
    flags, valued = FLAGS[argv[0]], VALUED[argv[0]]
    soft, volume = False, None
    rest = iter(argv[1:])
    for arg in rest:
        name, given, value = arg.partition("=")
        if not given and name in flags:
            soft = soft or name == "--soft"
            continue
        if name not in valued:
            return None  # --text, --voice-off, --help, --voice, or a mistake: not ours to judge
        if not given:
            value = next(rest, "")
        if not _in_range(value, valued[name]):
            return None
        if name == "--volume":
            volume = float(value)
    return Request(soft, volume)


_opened: AudioOut | None = None


def begin(argv: list[str]) -> None:
    """Open the output and play the opening tone, if the command line asks for a session
    with sound. Anything in the way is left for the session to find and explain."""
    global _opened
    request = wanted(argv)
    if request is None:
        return
    try:
        from companion.audio_out import AudioOut
        from companion.config import VoiceChoice, voice_settings
        from companion.sounds import opening_tone

        settings = voice_settings(VoiceChoice(None, None, request.soft or None, request.volume))
        audio = AudioOut(first=opening_tone(settings.volume))
    except Exception:  # no device, an unreadable settings file: the session says so itself
        return
    _opened = audio


def take() -> AudioOut | None:
    """The output opened early, with its opening tone playing; None if there is none."""
    global _opened
    audio, _opened = _opened, None
    return audio
