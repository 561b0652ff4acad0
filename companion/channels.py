"""The seams between the session and the world: what it says, what it hears, what it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from companion.events import Event, Role
from companion.patterns import Pattern, PhaseStart
from companion.replies import Option, QuestionType


@dataclass(frozen=True)
class Heard:
    """A reply as it arrived: typed or spoken."""

    text: str
    source: str = "key"  # "key" or "voice"
    confident: bool = True


@dataclass(frozen=True)
class Listening:
    """What the session is waiting for, so a recogniser can narrow what it listens for."""

    qtype: QuestionType
    options: tuple[Option, ...] = ()
    timeout: float = 30.0


class Output(Protocol):
    def say(self, text: str, role: Role) -> None:
        """Speak and/or show a line; returns when it has been said."""

    def show(self, lines: list[str], title: str) -> None:
        """Put something on screen to keep (resources, the closing words)."""

    def prepare(self, texts: list[str]) -> None:
        """Lines that will be said soon: a voice renders them ahead of time."""

    def begin_breathing(self, pattern: Pattern, starts: list[PhaseStart], t0: float) -> None:
        """A breathing run will start at session time t0: sound can be placed ahead."""

    def cue(self, start: PhaseStart, pattern: Pattern, at: float) -> None:
        """A breathing phase begins now, at session time `at`."""

    def chime(self) -> None: ...

    def countdown(self, seconds_left: float, total: float) -> None: ...

    def close(self) -> None: ...


class Input(Protocol):
    def listen(self, listening: Listening) -> Heard | None:
        """The next reply, or None when nothing came within the timeout."""

    def close(self) -> None: ...


@runtime_checkable
class Keys(Protocol):
    """An input with a keyboard behind it (optional: the session asks with isinstance)."""

    def discard_typed_ahead(self) -> None:
        """A question is about to be shown: keys typed before it never answer it."""

    def breathing(self, active: bool) -> None:
        """Breathing starts (True) or ends (False); meanwhile a key can only mean stop."""

    def stop_pressed(self) -> bool:
        """While breathing: q (or stop) was typed since the last call."""


@runtime_checkable
class EndsBreathingEarly(Protocol):
    """An output that placed a breathing run's sound ahead (optional, asked with isinstance)."""

    def end_breathing(self) -> None:
        """The person ended the breathing: what was placed ahead is not played."""


class Recorder(Protocol):
    def record(self, event: Event, t: float, at: datetime) -> None:
        """Keep an event now; a crash after this call must not lose it."""


class StopRequested(Exception):
    """The person asked to stop (said 'stop' or typed q)."""
