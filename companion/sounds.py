"""The sound assets in audio/, made by code: soft cue tones and a chime.

Run `python -m companion.sounds [DIR]` to write them; the result is committed, and a test
checks that regenerating gives the same bytes.
"""

from __future__ import annotations

import io
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 22050  # the rate the speech engine renders at, so every sound mixes without resampling
Samples = npt.NDArray[np.float32]
# One loudness for speech, cue tones and the chime (gated RMS, dB full scale): nothing
# startles, and no cue is lost under the voice.
LEVEL_DB = -22.0
PEAK_LIMIT = 0.9
_BLOCK = 0.05  # seconds per loudness block
_RELATIVE_GATE = 12.0  # dB below the mean: pauses and fading tails do not count


def loudness_db(samples: Samples, rate: int = RATE) -> float:
    """Gated RMS in dB full scale, the way loudness meters skip silence: the mean power of
    the 50 ms blocks that are no more than 12 dB below the mean of all sounding blocks."""
    block = max(1, int(_BLOCK * rate))
    n = len(samples) // block
    if n == 0:
        return -120.0
    power = np.mean(samples[: n * block].astype(np.float64).reshape(n, block) ** 2, axis=1)
    sounding = power[power > 1e-7]  # -70 dB: silence
    if len(sounding) == 0:
        return -120.0
    gate = np.mean(sounding) * 10 ** (-_RELATIVE_GATE / 10)
    return float(10 * np.log10(np.mean(sounding[sounding >= gate])))


def leveled(samples: Samples, target_db: float = LEVEL_DB, rate: int = RATE) -> Samples:
    """Scaled to `target_db` of loudness, peaks kept under PEAK_LIMIT (quieter if they must)."""
    now = loudness_db(samples, rate)
    if now <= -120.0:
        return samples
    gain = 10 ** ((target_db - now) / 20)
    peak = float(np.abs(samples).max()) * gain
    if peak > PEAK_LIMIT:
        gain *= PEAK_LIMIT / peak
    out: Samples = (samples * gain).astype(np.float32)
    return out


def _envelope(n: int, attack: float, release: float) -> npt.NDArray[np.float64]:
    """Raised-cosine attack and release: no clicks at either end."""
    env = np.ones(n)
    a, r = max(1, int(attack * RATE)), max(1, int(release * RATE))
    env[:a] = 0.5 - 0.5 * np.cos(np.pi * np.arange(a) / a)
    env[n - r :] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(r) / r)
    return env


def glide(start_hz: float, end_hz: float, seconds: float, level: float = 1.0) -> Samples:
    """A soft tone sliding in pitch: rising for breathing in, falling for breathing out."""
    n = int(seconds * RATE)
    freq = np.geomspace(start_hz, end_hz, n)
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    tone = np.sin(phase) + 0.15 * np.sin(2 * phase)
    return (level * tone * _envelope(n, 0.04, 0.12) / 1.15).astype(np.float32)


def chime(seconds: float = 2.0, level: float = 1.0) -> Samples:
    """A small bell: a few inharmonic partials fading out."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    partials = ((523.25, 1.0, 1.6), (1046.5, 0.45, 2.4), (1567.98, 0.25, 3.2), (2637.0, 0.1, 5.0))
    tone = sum(amp * np.exp(-decay * t) * np.sin(2 * np.pi * hz * t) for hz, amp, decay in partials)
    return (level * tone * _envelope(n, 0.005, 0.3) / 1.8).astype(np.float32)


ASSETS: dict[str, Callable[[], Samples]] = {
    "inhale.wav": lambda: leveled(glide(330.0, 440.0, 0.45)),
    "hold.wav": lambda: leveled(glide(392.0, 392.0, 0.3), LEVEL_DB - 2.0),  # a softer mark
    "exhale.wav": lambda: leveled(glide(440.0, 330.0, 0.45)),
    "chime.wav": lambda: leveled(chime(), LEVEL_DB + 1.0),  # the return: never the quietest
    # The first sound of a session, short and soft: it has started, the voice is coming.
    "opening.wav": lambda: leveled(glide(294.0, 392.0, 0.35), LEVEL_DB - 2.0),
}


def to_wav_bytes(samples: Samples, rate: int = RATE) -> bytes:
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def read_wav(path: Path) -> tuple[Samples, int]:
    """Mono float32 samples and their rate, from a 16-bit PCM WAV."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        frames = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: expected 16-bit PCM")
    data = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.float32)
    return data, rate


def resample(samples: Samples, rate: int, to: int = RATE) -> Samples:
    """Linear resampling: enough for speech and soft tones made at another rate."""
    if rate == to or len(samples) == 0:
        return samples
    n = max(1, round(len(samples) * to / rate))
    positions = np.arange(n) * (rate / to)
    resampled: Samples = np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
    return resampled


def gained(samples: Samples, volume: float) -> Samples:
    """At the session's volume: speech, tones and chime all scaled alike, so they stay level."""
    out: Samples = (samples * np.float32(volume)).astype(np.float32)
    return out


def opening_tone(volume: float) -> Samples:
    """The soft tone that says a session has started, at the session's volume."""
    return gained(load_asset("opening.wav"), volume)


def load_asset(name: str) -> Samples:
    from companion import paths

    samples, rate = read_wav(paths.audio_dir() / name)
    return resample(samples, rate)


def generate(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in ASSETS.items():
        path = directory / name
        path.write_bytes(to_wav_bytes(make()))
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "audio"
    for path in generate(target):
        print(path)
