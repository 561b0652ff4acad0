"""First sound: process start to the first audible sample of `companion ground`, beside the
floor for this stack: a bare program that imports sounddevice and plays a click through the
same sound server, on a stream like companion's (same latency). Interleaved runs.

Two clocks, both in this process's time.monotonic():
- stream: when the first sample reaches the speaker, from the stream's own DAC time (the
  program logs it; companion writes it to its log). This is the figure that counts.
- monitor: when the sound first appears on the sink's monitor. The private server's null sink
  delivers its monitor ~1.7 s late whatever plays, which hides the difference, so it is only
  a check that sound really came out.
Target: stream figure at most 1.3 times the floor.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import MonitorTap, PrivatePulse, companion_cmd

RUNS = 7
FLOOR = """
import time, numpy as np, sounddevice as sd
click = (0.3 * np.sin(2 * np.pi * 880 * np.arange(4410) / 22050)).astype(np.float32)  # 0.2 s
state = {"at": None, "pos": 0}
def callback(out, frames, info, status):
    block = np.zeros(frames, np.float32)
    n = min(frames, len(click) - state["pos"])
    if n > 0:
        block[:n] = click[state["pos"]:state["pos"] + n]
        state["pos"] += n
    out[:, 0] = block
    if state["at"] is None and block.any():
        state["at"] = time.monotonic() + (info.outputBufferDacTime - info.currentTime)
with sd.OutputStream(samplerate=22050, channels=1, dtype="float32", latency=0.1,
                     callback=callback):
    while state["pos"] < len(click):
        time.sleep(0.005)
    print(f"first sound heard at monotonic {state['at']:.4f}", flush=True)
    time.sleep(5)  # the server holds the sound in its buffer: leave it time to play it

"""
HEARD = re.compile(r"first sound heard at monotonic ([0-9.]+)")


def first_sound(pulse: PrivatePulse, cmd: list[str], env: dict[str, str],
                log: Path | None) -> tuple[float, float]:  # fmt: skip
    """(stream, monitor) seconds from process start to the first sound."""
    tap = MonitorTap(pulse)
    if log is not None:
        log.unlink(missing_ok=True)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, text=True)  # fmt: skip
    heard = tap.wait_for_sound(30)
    # The floor prints its figure; companion is let run to its first line, so the signal
    # that ends it does not come while it is still starting (that exit writes no log).
    printed = proc.stdout.readline() if proc.stdout else ""
    proc.terminate()
    out, _ = proc.communicate(timeout=60)  # a calm goodbye is spoken first
    tap.stop()
    text = log.read_text() if log is not None else printed + out
    found = HEARD.search(text)
    if heard is None or found is None:
        raise RuntimeError(f"no sound from {cmd}")
    return float(found.group(1)) - start, heard - start


def main() -> None:
    pulse = PrivatePulse()
    home = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    env = {**os.environ, **pulse.env, "COMPANION_HOME": str(home)}
    log = home / "companion.log"
    try:
        first_sound(pulse, companion_cmd("ground"), env, log)  # fills the speech cache
        floor, ours = [], []
        for _ in range(RUNS):  # interleaved, so both see the same machine
            floor.append(first_sound(pulse, [sys.executable, "-c", FLOOR], env, None))
            ours.append(first_sound(pulse, companion_cmd("ground"), env, log))
    finally:
        pulse.stop()
    print(f"first sound, median of {RUNS} interleaved runs (process start -> first sample heard)")
    print(f"{'':44} {'stream':>9} {'monitor':>9}")
    for name, runs in (("floor (import sounddevice, play a click)", floor),
                       ("companion ground (opening tone)", ours)):  # fmt: skip
        stream = [r[0] for r in runs]
        monitor = [r[1] for r in runs]
        print(f"  {name:<42} {statistics.median(stream) * 1000:6.0f} ms "
              f"{statistics.median(monitor) * 1000:6.0f} ms   "
              f"stream [{min(stream) * 1000:.0f}..{max(stream) * 1000:.0f}]")  # fmt: skip
    f = statistics.median(r[0] for r in floor)
    o = statistics.median(r[0] for r in ours)
    print(f"  ratio (stream): {o / f:.2f}  (target <= 1.30)")


if __name__ == "__main__":
    main()
