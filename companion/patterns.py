"""Breathing patterns: named phases with durations, loaded from data."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum


class PhaseKind(str, Enum):
    INHALE = "inhale"
    HOLD = "hold"
    EXHALE = "exhale"


@dataclass(frozen=True)
class Phase:
    kind: PhaseKind
    seconds: float
    cue: str  # the short word spoken at the start of the phase


@dataclass(frozen=True)
class Pattern:
    name: str
    title: str
    phases: tuple[Phase, ...]

    @property
    def cycle_seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    def cycles_for(self, seconds: float) -> int:
        """Whole cycles covering `seconds`: a session never stops mid-exhale."""
        return max(1, math.ceil(seconds / self.cycle_seconds - 1e-9))


@dataclass(frozen=True)
class PhaseStart:
    """One phase of a breathing run, placed on the session clock."""

    cycle: int
    index: int
    phase: Phase
    at: float  # session seconds from the start of the run

    @property
    def ends(self) -> float:
        return self.at + self.phase.seconds


def schedule(pattern: Pattern, cycles: int) -> list[PhaseStart]:
    """Every phase onset, computed from the start so long runs cannot drift."""
    starts: list[PhaseStart] = []
    t = 0.0
    for cycle in range(cycles):
        for index, phase in enumerate(pattern.phases):
            starts.append(PhaseStart(cycle, index, phase, t))
            t += phase.seconds
    return starts
