"""Fakes at the session's seams: output, input and recorder, all on a fake clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from companion.channels import Heard, Listening
from companion.clock import FakeClock
from companion.events import Event, Role, Spoken
from companion.patterns import Pattern, PhaseStart


@dataclass
class FakeOut:
    clock: FakeClock
    said: list[tuple[float, str, Role]] = field(default_factory=list)
    shown: list[tuple[str, list[str]]] = field(default_factory=list)
    cues: list[tuple[float, str, float]] = field(default_factory=list)  # (at, kind, seconds)
    chimes: list[float] = field(default_factory=list)
    countdowns: int = 0

    def say(self, text: str, role: Role) -> None:
        self.said.append((self.clock.t, text, role))

    def show(self, lines: list[str], title: str) -> None:
        self.shown.append((title, lines))

    prepared: list[str] = field(default_factory=list)
    planned: list[tuple[float, int]] = field(default_factory=list)  # (t0, number of cues)

    def prepare(self, texts: list[str]) -> None:
        self.prepared.extend(texts)

    def begin_breathing(self, pattern: Pattern, starts: list[PhaseStart], t0: float) -> None:
        assert t0 >= self.clock.t, "sound must be placed ahead of the run"
        self.planned.append((t0, len(starts)))

    def cue(self, start: PhaseStart, pattern: Pattern, at: float) -> None:
        assert self.clock.t == at, "a cue must start exactly at its phase boundary"
        self.cues.append((at, start.phase.kind.value, start.phase.seconds))

    def chime(self) -> None:
        self.chimes.append(self.clock.t)

    def countdown(self, seconds_left: float, total: float) -> None:
        self.countdowns += 1

    def close(self) -> None:
        pass

    def lines(self, role: Role | None = None) -> list[str]:
        return [text for _, text, r in self.said if role is None or r is role]


class FakeIn:
    """Replies in order; None stands for silence until the question's timeout."""

    def __init__(self, clock: FakeClock, replies: Iterable[str | BaseException | None]) -> None:
        self.clock = clock
        self.replies = list(replies)
        self.asked: list[Listening] = []

    def listen(self, listening: Listening) -> Heard | None:
        self.asked.append(listening)
        if not self.replies:
            self.clock.advance(listening.timeout)
            return None
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if reply is None:
            self.clock.advance(listening.timeout)
            return None
        self.clock.advance(2.0)  # a person takes a moment to answer
        return Heard(reply, "key")

    def close(self) -> None:
        pass


@dataclass
class MemoryRecorder:
    events: list[tuple[float, datetime, Event]] = field(default_factory=list)

    def record(self, event: Event, t: float, at: datetime) -> None:
        self.events.append((t, at, event))

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [e for _, _, e in self.events if isinstance(e, kind)]

    def spoken(self) -> list[str]:
        return [e.text for e in self.of(Spoken)]
