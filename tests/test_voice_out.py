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
        self.late = False  # the machine is so busy that a line outlasts its wait

    def frame_heard_now(self) -> int:
        return self.heard

    def play(self, samples: np.ndarray, start: int | None = None) -> Playing:
        return self.mixer.add(samples, start)

    def wait(self, playing: Playing, timeout: float) -> bool:
        if not self.working or self.late:
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
        self.cached: list[bool] = []

    def render(self, text: str, cache: bool = True) -> np.ndarray:
        self.rendered.append(text)
        self.cached.append(cache)
        return np.full(int(0.2 * RATE), 0.1, dtype=np.float32)

    def request(self, text: str) -> object:
        self.requested.append(text)
        return None

    def close(self) -> None:
        pass


BOX = Pattern("box", "", (Phase(PhaseKind.INHALE, 4, "in"), Phase(PhaseKind.HOLD, 4, "hold"),
                          Phase(PhaseKind.EXHALE, 4, "out"), Phase(PhaseKind.HOLD, 4, "hold")))  # fmt: skip


def voice(speed: float = 1.0, speak: bool = True,
          volume: float = 1.0) -> tuple[VoiceOut, FakeAudio, FakeSynth]:  # fmt: skip
    audio, synth = FakeAudio(), FakeSynth()
    out = VoiceOut(audio, synth if speak else None, FakeClock(), speed, volume)  # type: ignore[arg-type]
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


def test_only_script_lines_may_be_cached_never_the_persons_own_words() -> None:
    out, _, synth = voice()
    out.prepare(["Let's breathe together.", "in"])
    out.say("Let's breathe together.", Role.LINE)
    out.say("You started at 7, and now you are at 4.", Role.LINE)  # filled in: their answers
    out.say("I'll be back at 8:30.", Role.STATEMENT)
    out.say("Let's breathe together.", Role.STATEMENT)  # the closing words, even if familiar
    assert synth.cached == [True, False, False, False]


def test_volume_scales_speech_cues_and_chime_alike_and_soft_is_ten_db_quieter() -> None:
    from companion.sounds import loudness_db
    from companion.voice.settings import VoiceSettings

    normal, soft = VoiceSettings(), VoiceSettings().softened()
    levels = []
    for settings in (normal, soft):
        out, audio, _ = voice(volume=settings.volume)
        out.say("A line.", Role.LINE)
        out.begin_breathing(BOX, schedule(BOX, 1), t0=0.0)
        out.chime()
        levels.append([loudness_db(s.samples) for s in audio.mixer._sounds]
                      + [loudness_db(out.chime_sound)])  # fmt: skip
    drops = np.array(levels[0]) - np.array(levels[1])
    assert np.all(drops >= 10.0), drops
    assert soft.rate < normal.rate


class TtyBuffer:
    def __init__(self) -> None:
        import io

        self.buffer = io.StringIO()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def flush(self) -> None:
        pass


def test_in_voice_mode_the_pacer_bar_follows_the_audio_clock() -> None:
    out, audio, _ = voice(speed=2.0)
    out.screen.stream = TtyBuffer()  # type: ignore[assignment]
    out.screen.tty = True
    starts = schedule(BOX, 2)
    out.begin_breathing(BOX, starts, t0=0.0)
    pacer = out.screen._pacer
    assert pacer is not None
    try:
        first = min(s.start for s in audio.mixer._sounds)
        assert pacer.clock.monotonic() == 0.0 + (audio.heard - first) / RATE * 2.0
        audio.heard = first + 3 * RATE // 2  # 1.5 s of sound heard, at speed 2: 3 s in
        assert pacer.clock.monotonic() == pytest.approx(3.0)
        assert "↑ in" in pacer_line(pacer)
        audio.heard = first + 3 * RATE  # 6 s in: the hold after breathing in
        assert "– hold" in pacer_line(pacer)
    finally:
        out.close()


def pacer_line(pacer: object) -> str:
    from companion.pacer import line

    p = pacer
    return line(p.pattern, p.starts, p.clock.monotonic() - p.t0)  # type: ignore[attr-defined]


def test_a_line_that_plays_late_on_a_busy_machine_keeps_the_voice() -> None:
    out, audio, synth = voice()
    audio.late = True
    out.say("I'm here with you.", Role.LINE)
    audio.late = False
    out.say("We'll take this slowly.", Role.LINE)
    assert not out.failed and synth.rendered == ["I'm here with you.", "We'll take this slowly."]


def test_a_line_that_never_ends_because_the_device_went_is_the_end_of_the_voice() -> None:
    out, audio, synth = voice()
    audio.working = False
    out.say("I'm here with you.", Role.LINE)
    out.say("We'll take this slowly.", Role.LINE)
    assert out.failed and synth.rendered == ["I'm here with you."]
