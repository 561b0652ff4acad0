from __future__ import annotations

from pathlib import Path

import numpy as np

from companion import paths
from companion.sounds import ASSETS, LEVEL_DB, RATE, generate, loudness_db, read_wav


def test_regenerating_the_sound_assets_gives_the_same_bytes(tmp_path: Path) -> None:
    for made in generate(tmp_path):
        committed = paths.audio_dir() / made.name
        assert committed.read_bytes() == made.read_bytes(), made.name


def test_the_assets_are_short_gentle_and_click_free() -> None:
    for name in ASSETS:
        samples, rate = read_wav(paths.audio_dir() / name)
        assert rate == RATE
        assert len(samples) / rate <= 2.0
        assert np.abs(samples).max() < 0.4  # soft
        # Faded in and out: the first and last samples are near silence.
        assert abs(samples[0]) < 0.01 and abs(samples[-1]) < 0.01


def test_the_inhale_cue_rises_and_the_exhale_cue_falls() -> None:
    def pitch(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
        return float(np.argmax(spectrum) * RATE / len(x))

    for name, rising in (("inhale.wav", True), ("exhale.wav", False)):
        samples, _ = read_wav(paths.audio_dir() / name)
        third = len(samples) // 3
        start, end = pitch(samples[:third]), pitch(samples[-third:])
        assert (end > start) is rising, (name, start, end)


def test_cue_tones_and_the_chime_are_as_loud_as_speech_and_the_chime_is_never_the_quietest() -> (
    None
):
    levels = {}
    for name in ASSETS:
        samples, _ = read_wav(paths.audio_dir() / name)
        levels[name] = loudness_db(samples)
    for name, level in levels.items():
        assert abs(level - LEVEL_DB) <= 3.0, (name, level)  # speech is leveled to LEVEL_DB
    assert levels["chime.wav"] >= max(levels.values()) - 0.1
