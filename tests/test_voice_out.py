"""Voice output on fakes: a mixer-backed fake stream and a fake speech engine."""

from __future__ import annotations

import numpy as np
import pytest

from companion.clock import FakeClock
from companion.events import Role
from companion.mixer import Mixer, Playing
from companion.patterns import Pattern, Phase, PhaseKind, schedule
from companion.sounds import RATE
from companion.voice_out import VoiceOut


class FakeAudio:
    """The mixer as the real stream drives it, with the device's position set by the test."""

    def __init__(self) -> None:
        self.rate = RATE
        self.mixer = Mixer(RATE)
        self.latency = 0.1
        self.heard = 0
        self.working = True

    def frame_heard_now(self) -> int:
        return self.heard

    def play(self, samples: np.ndarray, start: int | None = None) -> Playing:
        return self.mixer.add(samples, start)

    def wait(self, playing: Playing, timeout: float) -> bool:
        if not self.working:
            return False
        while not playing.done.is_set():
            self.mixer.render(512)
        return True

    def alive(self) -> bool:
        return self.working

    def close(self) -> None:
        pass


class FakeSynth:
    def __init__(self) -> None:
        self.rendered: list[str] = []
        self.requested: list[str] = []

    def render(self, text: str) -> np.ndarray:
        self.rendered.append(text)
        return np.full(int(0.2 * RATE), 0.1, dtype=np.float32)

    def request(self, text: str) -> object:
        self.requested.append(text)
        return None

    def close(self) -> None:
        pass


BOX = Pattern("box", "", (Phase(PhaseKind.INHALE, 4, "in"), Phase(PhaseKind.HOLD, 4, "hold"),
                          Phase(PhaseKind.EXHALE, 4, "out"), Phase(PhaseKind.HOLD, 4, "hold")))  # fmt: skip


def voice(speed: float = 1.0, speak: bool = True) -> tuple[VoiceOut, FakeAudio, FakeSynth]:
    audio, synth = FakeAudio(), FakeSynth()
    out = VoiceOut(audio, synth if speak else None, FakeClock(), speed)  # type: ignore[arg-type]
    return out, audio, synth


def test_a_whole_run_of_cues_is_placed_from_one_anchor_on_the_sample_clock() -> None:
    out, audio, _ = voice(speed=1.0)
    starts = schedule(BOX, 10)  # 160 seconds
    out.begin_breathing(BOX, starts, t0=0.5)
    tones = sorted(s.start for s in audio.mixer._sounds if len(s.samples) != int(0.2 * RATE))
    first = tones[0]
    assert tones == [first + round(4.0 * k * RATE) for k in range(40)]


def test_speed_compresses_the_schedule_exactly() -> None:
    out, audio, _ = voice(speed=4.0)
    out.begin_breathing(BOX, schedule(BOX, 2), t0=0.0)
    tones = sorted(s.start for s in audio.mixer._sounds if len(s.samples) != int(0.2 * RATE))
    assert np.all(np.diff(tones) == RATE)  # 4 s phases at 4x: one second apart


def test_voice_off_places_tones_but_no_words() -> None:
    out, audio, synth = voice(speak=False)
    out.begin_breathing(BOX, schedule(BOX, 1), t0=0.0)
    assert len(audio.mixer._sounds) == 4 and synth.rendered == []
    out.say("Well done.", Role.LINE)
    assert synth.rendered == []


def test_lines_are_spoken_one_after_another_and_half_duplex_knows_when() -> None:
    out, audio, synth = voice()
    out.say("First.", Role.LINE)
    out.say("Second.", Role.LINE)
    assert synth.rendered == ["First.", "Second."]
    audio.heard = audio.mixer.last_end - 10
    assert out.speaking()
    audio.heard = audio.mixer.last_end + RATE
    assert not out.speaking()


def test_a_failed_device_means_text_from_then_on_said_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, audio, synth = voice()
    audio.working = False
    out.say("One.", Role.LINE)
    out.say("Two.", Role.LINE)
    assert out.failed and synth.rendered == ["One."]
    printed = capsys.readouterr().out
    assert printed.count("Continuing in text mode") == 1
    assert "One." in printed and "Two." in printed
