"""Peak memory of a whole voice session: `companion ground` with the Piper voice speaking and
Whisper hearing, answered by voice through a private PulseAudio server's virtual microphone
(replies rendered by espeak-ng). The figure is the session process's own peak RSS, from the
kernel when it ends; a sampler beside it says during which line the memory peaked.

Baseline beside it: the interpreter with numpy and sounddevice only (the floor of any session).
Target: peak RSS of a voice session <= 500 MB.

    python bench/bench_session_memory.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

from common import SHARED, PrivatePulse, companion_cmd

# Said when the session listens, in order; said again when it asks again.
REPLIES = ["yes", "i did", "four", "three", "no", "in twenty minutes", "yes", "no"]
# A real "five" that tiny.en writes as "File." (../shared/speech2): said instead of "four", it
# opens Whisper base for a second opinion, the most a hearing ever holds at once.
SECOND_LOOK = "speech2/speech_commands_v0.02_test/five/d962e5ac_nohash_0.wav"


def rendered(folder: Path, text: str) -> Path:
    raw, path = folder / "raw.wav", folder / f"{text.replace(' ', '_')}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), text], check=True)
    with wave.open(str(raw)) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    silence = bytes(int(0.4 * params.framerate) * params.sampwidth)
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(silence + frames + silence)
    return path


def rss_mb(pid: int) -> float:
    try:
        with Path(f"/proc/{pid}/status").open() as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_of(cmd: list[str], env: dict[str, str], answer: PrivatePulse | None,
            spoken: dict[str, Path]) -> tuple[float, str, float, list[str]]:  # fmt: skip
    """(peak RSS MB from the kernel, the line on screen at the sampled peak, seconds, the
    lines shown)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)  # fmt: skip
    shown = ["(start)"]
    sampled = [0.0, "(start)"]

    def sample() -> None:
        while proc.poll() is None:
            mb = rss_mb(proc.pid)
            if mb > float(sampled[0]):
                sampled[:] = [mb, shown[-1]]
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    index, heard = 0, False
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip():
            shown.append(line.strip()[:70])
        if "(heard:" in line:
            heard = True
        elif heard:
            heard = False
            index += "not the words" not in line
        if answer is not None and "(listening" in line and index < len(REPLIES):
            answer.play_into_mic(spoken[REPLIES[index]]).wait(10)
    _, _, usage = os.wait4(proc.pid, 0)
    sampler.join()
    return usage.ru_maxrss / 1024, str(sampled[1]), time.monotonic() - started, shown


def main() -> None:
    pulse = PrivatePulse()
    home = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    env = {**os.environ, **pulse.env, "COMPANION_HOME": str(home)}
    try:
        spoken = {text: rendered(home, text) for text in REPLIES}
        floor = [sys.executable, "-c", "import numpy, sounddevice"]
        floor_mb, *_ = peak_of(floor, env, None, spoken)
        session_mb, during, seconds, _ = peak_of(companion_cmd("ground", "--speed", "50"), env,
                                              pulse, spoken)  # fmt: skip
        shared = next((d / SECOND_LOOK for d in SHARED if (d / SECOND_LOOK).is_file()), None)
        looked: tuple[float, str, float, list[str]] | None = None
        if shared is not None:
            looked = peak_of(companion_cmd("ground", "--speed", "50"), env, pulse,
                             {**spoken, "four": shared})  # fmt: skip
    finally:
        pulse.stop()
    print("peak RSS (kernel's figure for the process)")
    print(f"  {'floor: python, numpy, sounddevice':<48} {floor_mb:6.0f} MB")
    print(f"  {'voice session (Piper speaking, Whisper hearing)':<48} {session_mb:6.0f} MB"
          f"   ({seconds:.0f} s; at its peak: {during!r})")  # fmt: skip
    if looked is not None:
        print(f"  {'the same, one reply given a second opinion':<48} {looked[0]:6.0f} MB"
              f"   ({looked[2]:.0f} s; at its peak: {looked[1]!r})")  # fmt: skip
        print(f"    the recorded five was heard as: {[x for x in looked[3] if 'heard:' in x]}")
    else:
        print("  (no ../shared/speech2: the session with a second opinion is not measured)")
    worst = max(session_mb, looked[0] if looked else 0.0)
    print(f"  target <= 500 MB: {'met' if worst <= 500 else 'NOT met'}")


if __name__ == "__main__":
    main()
