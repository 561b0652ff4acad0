"""The seam every speech engine fits: load once, then render a line to samples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from companion.sounds import Samples


class EngineError(Exception):
    """An engine that cannot load or render, with what is missing."""


@dataclass(frozen=True)
class VoiceInfo:
    """A voice one can pick with --voice."""

    name: str  # what --voice takes
    engine: str  # "piper", "festival" or "system"
    description: str = ""


class Engine(Protocol):
    """Lives on the speech thread that loads it; never shared between threads."""

    @property
    def key(self) -> str:
        """Engine, version and voice: part of every cache key, so a new voice never plays
        old audio."""

    def render(self, text: str, rate: int) -> Samples:
        """The line at RATE, about `rate` words a minute, sentence pauses included."""

    def close(self) -> None: ...
