"""Pacing and memory of a 5-minute breathing session through the real audio path.

Plays `companion breathe --pattern box --minutes 5 --voice-off` into a PulseAudio null sink,
records the sink's monitor, finds each cue tone's onset, and prints the largest onset error
against the pattern's schedule (4 s per phase) and the drift from the first cue to the last.
Targets: every onset within 5 ms of schedule, no cumulative drift. Also the peak resident
memory of that process. Target: under 150 MB.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile

import numpy as np

from common import RATE, PrivatePulse, companion_cmd

MINUTES = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
PHASE = 4.0  # box breathing: in, hold, out, hold


def tone_onsets(samples: np.ndarray, gap: float = 0.15) -> list[float]:
    """Each tone's onset: where it first reaches 10% of its own peak (tones differ in level)."""
    loud = np.flatnonzero(np.abs(samples) > 0.005)
    if len(loud) == 0:
        return []
    starts = loud[np.concatenate(([True], np.diff(loud) > int(gap * RATE)))]
    found = []
    for s in starts:
        window = np.abs(samples[s : s + int(0.3 * RATE)])
        first = int(np.flatnonzero(window >= 0.1 * window.max())[0])
        found.append((s + first) / RATE)
    return found


def main() -> None:
    pulse = PrivatePulse()
    home = tempfile.mkdtemp(prefix="companion-bench-")
    try:
        recording = pulse.record()
        done = subprocess.run(
            companion_cmd("breathe", "--pattern", "box", "--minutes", str(MINUTES), "--voice-off"),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={**os.environ, **pulse.env, "COMPANION_HOME": home}, check=False,
        )  # fmt: skip
        heard = recording.stop()
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    finally:
        pulse.stop()
    if done.returncode != 0:
        raise SystemExit(f"companion failed: {done.stderr.decode()}")
    onsets = np.array(tone_onsets(heard))
    expected_count = int(np.ceil(MINUTES * 60 / (4 * PHASE))) * 4
    schedule = onsets[0] + PHASE * np.arange(len(onsets))
    errors = (onsets - schedule) * 1000
    print(f"pacing: box breathing, {MINUTES:g} minutes, tones only, through a null sink")
    print(f"  cues found: {len(onsets)} (expected {expected_count})")
    print(f"  largest onset error against the schedule: {np.max(np.abs(errors)):.2f} ms")
    print(f"  drift, first cue to last: {errors[-1] - errors[0]:+.2f} ms over "
          f"{onsets[-1] - onsets[0]:.1f} s")  # fmt: skip
    print(f"  run length: last cue at {onsets[-1] - onsets[0] + PHASE:.3f} s after the first "
          f"(pattern: {len(onsets) * PHASE:.3f} s)")  # fmt: skip
    print(f"memory: peak RSS of the process {peak_kb / 1024:.1f} MB (target < 150 MB)")


if __name__ == "__main__":
    main()
