"""Mixing sounds onto one output stream at exact sample positions.

The mixer knows nothing of devices: the stream callback asks it for the next block, and
everything (speech, cue tones, chimes) is placed by frame number on the stream's own sample
clock. That is what keeps a ten-minute breathing pattern from drifting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from companion.sounds import Samples

FADE_FRAMES = 64  # a few milliseconds of ramp wherever a sound is cut short


@dataclass
class Playing:
    """A sound placed on the timeline; `done` is set once its last sample has been mixed."""

    samples: Samples
    start: int  # frame at which its first sample plays
    done: threading.Event = field(default_factory=threading.Event)
    cancelled: bool = False

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


def faded(samples: Samples, frames: int = FADE_FRAMES) -> Samples:
    """A copy with short ramps at both ends: a sound that starts or stops mid-wave clicks."""
    n = min(frames, len(samples) // 2)
    if n == 0:
        return samples
    out: Samples = samples.copy()
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


class Mixer:
    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.frame = 0  # the next frame to be rendered
        self.last_end = 0  # where the latest-ending sound so far ends
        self._sounds: list[Playing] = []
        self._lock = threading.Lock()

    def add(self, samples: Samples, start: int | None = None) -> Playing:
        """Place a sound at frame `start` (default: as soon as possible)."""
        with self._lock:
            at = self.frame if start is None else max(int(start), self.frame)
            playing = Playing(samples, at)
            if len(samples) == 0:
                playing.done.set()
            else:
                self._sounds.append(playing)
                self.last_end = max(self.last_end, playing.end)
            return playing

    def busy_until(self) -> int:
        with self._lock:
            return max((s.end for s in self._sounds), default=self.frame)

    def cancel_all(self) -> None:
        """Stop everything, fading out over a few milliseconds so nothing clicks."""
        with self._lock:
            for s in self._sounds:
                offset = self.frame - s.start
                if offset < 0:
                    s.cancelled = True
                    s.done.set()
                    continue
                keep = min(len(s.samples), offset + FADE_FRAMES)
                tail = s.samples[:keep].copy()
                ramp = np.linspace(1.0, 0.0, keep - offset, dtype=np.float32)
                tail[offset:keep] *= ramp
                s.samples = tail
            self._sounds = [s for s in self._sounds if not s.cancelled]
            self.last_end = max((s.end for s in self._sounds), default=self.frame)

    def render(self, frames: int) -> Samples:
        """The next `frames` samples of the mix; advances the timeline."""
        out = np.zeros(frames, dtype=np.float32)
        with self._lock:
            begin, end = self.frame, self.frame + frames
            keep: list[Playing] = []
            for s in self._sounds:
                if s.start < end and s.end > begin:
                    lo, hi = max(s.start, begin), min(s.end, end)
                    out[lo - begin : hi - begin] += s.samples[lo - s.start : hi - s.start]
                if s.end <= end:
                    s.done.set()
                else:
                    keep.append(s)
            self._sounds = keep
            self.frame = end
        # Overlaps are rare and soft; a gentle limiter keeps them from clipping.
        np.clip(out, -0.98, 0.98, out=out)
        return out
