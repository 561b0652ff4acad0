"""Sounds made at test time: speech from espeak-ng, and a cough-like burst of filtered noise."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

RATE = 16000


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.clip(samples * 32767, -32768, 32767).astype("<i2").tobytes())
    return path


def cough(path: Path, seed: int = 3) -> Path:
    """Two short bursts of noise band-passed around 0.4-2 kHz, each with a sharp attack and a
    fast decay, as a cough sounds; room silence around them."""
    rng = np.random.default_rng(seed)
    parts = [np.zeros(int(0.4 * RATE))]
    for length in (0.22, 0.16):
        n = int(length * RATE)
        spectrum = np.fft.rfft(rng.normal(size=n))
        freqs = np.fft.rfftfreq(n, 1 / RATE)
        spectrum[(freqs < 400) | (freqs > 2000)] = 0
        burst = np.fft.irfft(spectrum, n)
        envelope = np.minimum(1, np.arange(n) / (0.01 * RATE)) * np.exp(
            -np.arange(n) / (0.06 * RATE)
        )
        parts += [0.6 * burst / np.abs(burst).max() * envelope, np.zeros(int(0.12 * RATE))]
    parts.append(np.zeros(int(0.4 * RATE)))
    return write_wav(path, np.concatenate(parts))


def espeak(path: Path, text: str, voice: str = "en-us", rate: int = 150) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
    return path
