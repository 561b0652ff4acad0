"""A long break timer in real time, through the real audio path.

Runs `companion ground --voice-off` with a short script (safety, a return time "in N
minutes", the closing words, the break timer with a check-in every 5 minutes) against a
PulseAudio null sink, and prints:
- when each check-in appeared, against 5, 10, 15... minutes after the break began;
- when the chime was heard on the sink's monitor, against the return time the statement named;
- the process's resident memory over the run (first minute, last minute, peak);
- the output stream's underruns (from the session's log).
Usage: python bench/bench_soak.py [MINUTES [CHECKIN_MINUTES]]   (default 30 and 5)
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from common import RATE, PrivatePulse, companion_cmd

MINUTES = int(sys.argv[1]) if len(sys.argv) > 1 else 30
CHECKIN = int(sys.argv[2]) if len(sys.argv) > 2 else 5
SCRIPT = f"""
title = "Soak"
[closing]
question = "Can we talk?"
later = "I'll be back at {{return_clock}}. {{question}}"
now = "I'm back. {{question}}"

[[steps]]
safety = "Are you safe right now?"

[[steps]]
ask = "When will you go back?"
type = "time"
key = "return"

[[steps]]
closing = "Here are your words."

[[steps]]
when = "return"
break = "Shall I keep time?"
checkin = {CHECKIN}
"""


class SoundOnsets:
    """Wall-clock times at which sound starts on the speaker's monitor, kept as it plays
    (a 30-minute recording is not kept in memory)."""

    def __init__(self, pulse: PrivatePulse) -> None:
        self.onsets: list[float] = []
        self.proc = subprocess.Popen(
            ["parec", "--device=speaker.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--raw", "--latency-msec=5"],
            stdout=subprocess.PIPE, env={**os.environ, **pulse.env},
        )  # fmt: skip
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        quiet_since = time.time()
        while data := self.proc.stdout.read(160):  # 5 ms blocks
            now = time.time()
            loud = np.abs(np.frombuffer(data, "<i2")).max() > 300
            if loud and now - quiet_since > 0.5:
                self.onsets.append(now - 0.005)  # the block began 5 ms before it arrived
            if loud:
                quiet_since = now

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    pulse = PrivatePulse()
    home = Path(tempfile.mkdtemp(prefix="companion-soak-"))
    script = home / "soak.toml"
    script.write_text(SCRIPT)
    lines: list[tuple[float, str]] = []
    memory: list[tuple[float, float]] = []
    try:
        sounds = SoundOnsets(pulse)
        proc = subprocess.Popen(
            companion_cmd("ground", "--script", str(script), "--voice-off"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, **pulse.env, "COMPANION_HOME": str(home)}, text=True,
        )  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(f"yes\nin {MINUTES} minutes\nyes\n")
        proc.stdin.close()
        began = time.time()

        def sample() -> None:
            while proc.poll() is None:
                if (mb := rss_mb(proc.pid)) is not None:
                    memory.append((time.time() - began, mb))
                time.sleep(5)

        threading.Thread(target=sample, daemon=True).start()
        for line in proc.stdout:
            lines.append((time.time(), line.rstrip()))
        proc.wait()
        time.sleep(1)
        sounds.stop()
    finally:
        pulse.stop()

    if not any("I'll keep time" in text for _, text in lines):
        assert proc.stderr is not None
        shown = "\n".join(t for _, t in lines)
        raise SystemExit(f"the break never began:\n{shown}\n{proc.stderr.read()}")
    start = next(t for t, text in lines if "I'll keep time" in text)
    checkins = [t - start for t, text in lines if "Still here with you" in text]
    with sqlite3.connect(home / "history.db") as db:
        (data,) = db.execute("SELECT data FROM events WHERE kind = 'statement'").fetchone()
    return_at = datetime.fromisoformat(re.search(r'"return_at": "([^"]+)"', data)[1])  # type: ignore[index]
    chimes = [t for t in sounds.onsets if t > start + 60]
    log = (home / "companion.log").read_text()
    underruns = re.findall(r"(\d+) underruns", log)

    print(f"soak: a {MINUTES}-minute break timer in real time, tones through a null sink")
    for i, at in enumerate(checkins, 1):
        print(f"  check-in {i}: {at:8.3f} s after the break began "
              f"(due {i * CHECKIN * 60} s, off by {at - i * CHECKIN * 60:+.3f} s)")  # fmt: skip
    if chimes:
        off = chimes[0] - return_at.timestamp()
        print(f"  chime heard {off * 1000:+.0f} ms from the return time the statement named "
              f"({return_at:%H:%M:%S.%f})")  # fmt: skip
    else:
        print("  chime: not heard")
    if memory:
        first = [mb for t, mb in memory if t < 60]
        last = [mb for t, mb in memory if t > memory[-1][0] - 60]
        peak = max(mb for _, mb in memory)
        print(f"  memory: {np.mean(first):.1f} MB in the first minute, {np.mean(last):.1f} MB in "
              f"the last, peak {peak:.1f} MB ({len(memory)} samples)")  # fmt: skip
        marks = [
            next((mb for t, mb in memory if t >= m * 60), None) for m in range(0, MINUTES + 1, 5)
        ]
        print("  memory every 5 minutes (MB): "
              + " ".join(f"{mb:.1f}" for mb in marks if mb is not None))  # fmt: skip
    print(f"  underruns: {', '.join(underruns) or 'not logged'}; exit code {proc.returncode}")


if __name__ == "__main__":
    main()
