"""A breathing pacer for the terminal: a bar that fills on the inhale and empties on the
exhale, drawn from the same session clock that places the cues."""

from __future__ import annotations

import threading
from typing import Protocol, TextIO

from companion.patterns import Pattern, PhaseKind, PhaseStart

WIDTH = 30


class Timeline(Protocol):
    """Where the run is now, in session seconds: the session clock, or the audio clock."""

    def monotonic(self) -> float: ...


_MARK = {PhaseKind.INHALE: "↑", PhaseKind.HOLD: "–", PhaseKind.EXHALE: "↓"}


def fullness(pattern: Pattern, index: int, progress: float) -> float:
    """How full the lungs are (0..1) `progress` of the way through phase `index`."""
    inhale = sum(p.seconds for p in pattern.phases if p.kind is PhaseKind.INHALE) or 1.0
    exhale = sum(p.seconds for p in pattern.phases if p.kind is PhaseKind.EXHALE) or 1.0
    level = 0.0
    for i, phase in enumerate(pattern.phases[: index + 1]):
        share = progress if i == index else 1.0
        if phase.kind is PhaseKind.INHALE:
            level += share * phase.seconds / inhale
        elif phase.kind is PhaseKind.EXHALE:
            level -= share * phase.seconds / exhale
    return min(1.0, max(0.0, level))


def line(pattern: Pattern, starts: list[PhaseStart], elapsed: float) -> str:
    """The pacer's line `elapsed` seconds into the run."""
    current = starts[0]
    for start in starts:
        if start.at <= elapsed:
            current = start
    progress = min(1.0, max(0.0, (elapsed - current.at) / current.phase.seconds))
    filled = round(fullness(pattern, current.index, progress) * WIDTH)
    left = max(0.0, current.ends - elapsed)
    cycles = starts[-1].cycle + 1
    bar = "█" * filled + "░" * (WIDTH - filled)
    return (f"  {_MARK[current.phase.kind]} {current.phase.cue:<12} {bar} {left:4.1f}s   "
            f"breath {current.cycle + 1} of {cycles}")  # fmt: skip


class Pacer:
    """Redraws the line a few times a second until the run ends or it is stopped."""

    def __init__(self, stream: TextIO, clock: Timeline, pattern: Pattern,
                 starts: list[PhaseStart], t0: float) -> None:  # fmt: skip
        from rich.console import Console
        from rich.live import Live
        from rich.text import Text

        self._text = Text
        self.clock, self.pattern, self.starts, self.t0 = clock, pattern, starts, t0
        self.end = t0 + starts[-1].ends
        self.live = Live(console=Console(file=stream), auto_refresh=False, transient=True)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pacer", daemon=True)
        self.live.start()
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            now = self.clock.monotonic()
            if now >= self.end:
                break
            self.live.update(self._text(line(self.pattern, self.starts, max(0.0, now - self.t0))),
                             refresh=True)  # fmt: skip

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1)
        self.live.stop()
