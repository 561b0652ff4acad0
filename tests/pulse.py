"""A private PulseAudio server with null sinks: a speaker we can record, a microphone we can feed.

`speaker` is the default sink; its monitor is what a person would have heard. `mic_feed` is
a second null sink whose monitor is the default source: whatever is played into it is what
the microphone hears.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

RATE = 22050


class PulseUnavailable(Exception):
    pass


class PrivatePulse:
    def __init__(self) -> None:
        if not shutil.which("pulseaudio") or not shutil.which("pactl"):
            raise PulseUnavailable("pulseaudio and pulseaudio-utils are not installed")
        self.dir = Path(tempfile.mkdtemp(prefix="companion-pulse-"))
        self.socket = self.dir / "native"
        self.env = {
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_RUNTIME_PATH": str(self.dir),
            "XDG_RUNTIME_DIR": str(self.dir),
            "PULSE_STATE_PATH": str(self.dir / "state"),
        }
        args = [
            "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disable-shm=yes",
            "--use-pid-file=no", "--log-target=file:" + str(self.dir / "log"),
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={self.socket}",
            "--load=module-null-sink sink_name=speaker rate=22050 channels=1",
            "--load=module-null-sink sink_name=mic_feed rate=16000 channels=1",
        ]  # fmt: skip
        self.proc = subprocess.Popen(args, env={**os.environ, **self.env, "HOME": str(self.dir)},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 15
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise PulseUnavailable("the private PulseAudio server did not start")
            time.sleep(0.05)
        self.pactl("set-default-sink", "speaker")
        self.pactl("set-default-source", "mic_feed.monitor")

    def _ready(self) -> bool:
        if not self.socket.exists():
            return False
        done = subprocess.run(["pactl", "info"], env={**os.environ, **self.env},
                              capture_output=True, check=False)  # fmt: skip
        return done.returncode == 0

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env={**os.environ, **self.env},
                              capture_output=True, text=True, check=True)  # fmt: skip
        return done.stdout

    def record(self, device: str = "speaker.monitor") -> Recording:
        return Recording(self, device)

    def play_into_mic(self, wav: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(["paplay", "--device=mic_feed", str(wav)],
                                env={**os.environ, **self.env})  # fmt: skip

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Recording:
    """parec on a monitor, into a WAV file, until stopped."""

    def __init__(self, pulse: PrivatePulse, device: str) -> None:
        self.path = pulse.dir / f"rec-{time.monotonic_ns()}.wav"
        self.proc = subprocess.Popen(
            ["parec", f"--device={device}", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "--file-format=wav", "--latency-msec=10", str(self.path)],
            env={**os.environ, **pulse.env},
        )  # fmt: skip
        # Recording has begun once the server lists the stream.
        deadline = time.monotonic() + 10
        while not pulse.pactl("list", "short", "source-outputs").strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise PulseUnavailable("parec did not start recording")
            time.sleep(0.02)

    def stop(self) -> np.ndarray:
        self.proc.terminate()
        self.proc.wait(5)
        with wave.open(str(self.path), "rb") as w:
            frames = w.readframes(w.getnframes())
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0


def onsets(samples: np.ndarray, rate: int = RATE, threshold: float = 0.02,
           min_gap: float = 0.15) -> list[float]:  # fmt: skip
    """Times (s) where sound starts after at least `min_gap` of quiet."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if len(loud) == 0:
        return []
    first = np.concatenate(([True], np.diff(loud) > int(min_gap * rate)))
    return [float(i) / rate for i in loud[first]]


def voiced_seconds(samples: np.ndarray, rate: int = RATE, level: float = 0.01) -> float:
    """How long the sound is loud, counted in 20 ms frames."""
    size = int(0.02 * rate)
    frames = samples[: len(samples) // size * size].reshape(-1, size)
    return float(np.sum(np.sqrt(np.mean(frames**2, axis=1)) > level) * 0.02)
