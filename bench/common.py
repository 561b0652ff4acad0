"""Shared by the benchmarks: a private PulseAudio server and a live monitor tap."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# Where the shared recordings may be: beside the project, or beside its parent (a worktree).
SHARED = (ROOT.parent / "shared", ROOT.parent.parent / "shared")
sys.path.insert(0, str(ROOT))

from tests.pulse import RATE, PrivatePulse  # noqa: E402

__all__ = ["RATE", "ROOT", "SHARED", "MonitorTap", "PrivatePulse", "companion_cmd", "word_edits"]


def companion_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "companion", *args]


def word_edits(reference: list[str], hypothesis: list[str]) -> int:
    """Word-level edit distance: the errors of a word error rate."""
    row = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hypothesis, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


class MonitorTap:
    """Reads the speaker's monitor as it plays and notes when sound first arrives."""

    def __init__(self, pulse: PrivatePulse, threshold: float = 0.01) -> None:
        self.threshold = threshold
        self.first_sound: float | None = None
        self.chunks: list[np.ndarray] = []
        self.proc = subprocess.Popen(
            ["parec", "--device=speaker.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--raw", "--latency-msec=5"],
            stdout=subprocess.PIPE, env={**os.environ, **pulse.env},
        )  # fmt: skip
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not pulse.pactl("list", "short", "source-outputs").strip():
            if time.monotonic() > deadline:
                raise RuntimeError("parec did not start")
            time.sleep(0.01)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while not self._stop.is_set():
            data = self.proc.stdout.read(220)  # 5 ms
            if not data:
                return
            block = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
            self.chunks.append(block)
            if self.first_sound is None and np.abs(block).max() > self.threshold:
                self.first_sound = time.monotonic()

    def wait_for_sound(self, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while self.first_sound is None and time.monotonic() < deadline:
            time.sleep(0.002)
        return self.first_sound

    def stop(self) -> np.ndarray:
        self._stop.set()
        self.proc.terminate()
        self.proc.wait(5)
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.float32)
