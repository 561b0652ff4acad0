"""First sound: process start to the first audible sample of `companion ground`, at the
speaker's monitor, beside the floor for this stack (a minimal program that imports
sounddevice and plays a short tone through the same sink). Target: at most 1.3 times the floor."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from common import MonitorTap, PrivatePulse, companion_cmd

RUNS = 7
FLOOR = (
    "import numpy as np, sounddevice as sd\n"
    "t = np.arange(11025) / 22050\n"
    "sd.play((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 22050); sd.wait()\n"
)


def first_sound(pulse: PrivatePulse, cmd: list[str], env: dict[str, str]) -> float:
    tap = MonitorTap(pulse)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)  # fmt: skip
    heard = tap.wait_for_sound(20)
    proc.terminate()
    proc.wait(10)
    tap.stop()
    if heard is None:
        raise RuntimeError(f"no sound from {cmd}")
    return heard - start


def main() -> None:
    pulse = PrivatePulse()
    home = tempfile.mkdtemp(prefix="companion-bench-")
    env = {**os.environ, **pulse.env, "COMPANION_HOME": home}
    try:
        first_sound(pulse, companion_cmd("ground"), env)  # fills the speech cache, as any use does
        floor, ours = [], []
        for _ in range(RUNS):  # interleaved, so both see the same machine
            floor.append(first_sound(pulse, [sys.executable, "-c", FLOOR], env))
            ours.append(first_sound(pulse, companion_cmd("ground"), env))
    finally:
        pulse.stop()
    f, o = statistics.median(floor), statistics.median(ours)
    print(f"first sound, median of {RUNS} (process start -> first audible sample at the monitor)")
    print(f"  floor (import sounddevice, play a tone):  {f * 1000:7.1f} ms  "
          f"[{min(floor) * 1000:.0f}..{max(floor) * 1000:.0f}]")  # fmt: skip
    print(f"  companion ground:                         {o * 1000:7.1f} ms  "
          f"[{min(ours) * 1000:.0f}..{max(ours) * 1000:.0f}]")  # fmt: skip
    print(f"  ratio: {o / f:.2f}  (target <= 1.30)")


if __name__ == "__main__":
    main()
