"""Time, read from one object so tests can run a ten-minute session in milliseconds."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds since the clock started, in session time."""

    def now(self) -> datetime:
        """Wall-clock time (timezone-aware), in session time."""

    def sleep_until(self, t: float) -> None:
        """Wait until monotonic() reaches t."""


def sleep(clock: Clock, seconds: float) -> None:
    clock.sleep_until(clock.monotonic() + seconds)


class SystemClock:
    """The real clock, optionally running `speed` times faster (for demos and tests)."""

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._mono0 = time.monotonic()
        self._wall0 = datetime.now().astimezone()

    def monotonic(self) -> float:
        return (time.monotonic() - self._mono0) * self.speed

    def now(self) -> datetime:
        return self._wall0 + timedelta(seconds=self.monotonic())

    def sleep_until(self, t: float) -> None:
        # Sleeping towards an absolute target keeps long sequences from drifting.
        while True:
            remaining = (t - self.monotonic()) / self.speed
            if remaining <= 0:
                return
            time.sleep(min(remaining, 0.25))


class FakeClock:
    """A clock that moves only when someone waits on it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.t = 0.0
        self.start = start or datetime(2026, 3, 14, 20, 0).astimezone()

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    def sleep_until(self, t: float) -> None:
        self.t = max(self.t, t)

    def advance(self, seconds: float) -> None:
        self.t += seconds
