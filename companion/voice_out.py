"""Voice output (filled in below)."""

from __future__ import annotations

from dataclasses import dataclass

from companion.channels import Output
from companion.clock import Clock


@dataclass
class VoiceResult:
    output: Output | None
    problem: str = ""


def open_voice(clock: Clock) -> VoiceResult:
    return VoiceResult(None, "Voice is not available.")
