"""Through the real audio path: sounddevice -> PortAudio -> a private PulseAudio null sink."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.pulse import RATE, PrivatePulse, onsets, voiced_seconds
from tests.running import output_acting_once, run, start

pytestmark = pytest.mark.audio

QUICK_SCRIPT = """
title = "Quick"
[patterns.quick]
phases = [
  { kind = "inhale", seconds = 2, cue = "in" },
  { kind = "hold", seconds = 2, cue = "hold" },
  { kind = "exhale", seconds = 2, cue = "out" },
  { kind = "hold", seconds = 2, cue = "hold" },
]
[[steps]]
say = "Hello. I'm here with you."
pause = 1
[[steps]]
breathe = "quick"
cycles = 4
"""


def test_speech_and_every_breathing_cue_reach_the_speaker_on_time(
    pulse: PrivatePulse, tmp_path: Path, private_home: Path
) -> None:
    script = tmp_path / "quick.toml"
    script.write_text(QUICK_SCRIPT, encoding="utf-8")
    recording = pulse.record()
    done = run("ground", "--script", str(script), "--speed", "2", home=private_home)
    heard = recording.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "text mode" not in done.stderr  # it really used the voice

    starts = onsets(heard)
    cues = starts[-16:]
    speech = [t for t in starts if t < cues[0] - 0.5]
    log = private_home / "companion.log"
    assert speech, (starts, done.stdout, log.read_text() if log.exists() else "")
    # "Hello. I'm here with you." is well over a second of voiced sound before the cues.
    assert voiced_seconds(heard[: int((cues[0] - 0.3) * RATE)]) > 0.8
    # Sixteen cues, one per phase: 2-second phases at twice the speed, a second apart.
    intervals = np.diff(cues)
    assert len(cues) == 16
    assert np.max(np.abs(intervals - 1.0)) < 0.02, intervals


def test_breathe_cue_tones_follow_the_box_pattern(pulse: PrivatePulse, private_home: Path) -> None:
    recording = pulse.record()
    done = run("breathe", "--pattern", "box", "--minutes", "0.5", "--voice-off", "--speed", "4",
               home=private_home)  # fmt: skip
    heard = recording.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    cues = onsets(heard)
    # Two whole 16-second breaths at 4x: eight cues, one second apart, tones only.
    assert len(cues) == 8, cues
    assert np.max(np.abs(np.diff(cues) - 1.0)) < 0.02
    assert voiced_seconds(heard) < 8 * 0.5  # short tones, no speech


LINES = """
title = "Lines"
[[steps]]
say = "This is the first line."
[[steps]]
say = "This is the second line, after the sound has gone."
[[steps]]
say = "And the last line."
"""


def test_when_the_sound_server_dies_the_session_goes_on_in_text(
    tmp_path: Path, private_home: Path
) -> None:
    from tests.pulse import PulseUnavailable

    try:
        own = PrivatePulse()  # its own server: this test kills it
    except PulseUnavailable as e:
        if os.environ.get("COMPANION_REQUIRE_AUDIO"):
            pytest.fail(str(e))
        pytest.skip(str(e))
    script = tmp_path / "lines.toml"
    script.write_text(LINES, encoding="utf-8")
    try:
        proc = start("ground", "--script", str(script), "--no-listen", home=private_home,
                     env=own.env, merge_stderr=True, typing=False)  # fmt: skip
        # The device vanishes while the first line plays.
        out = output_acting_once(proc, "first line", own.proc.kill)
        assert proc.wait(60) == 0
    finally:
        own.stop()
    assert out.count("Continuing in text mode") == 1
    assert "And the last line." in out
    assert "Traceback" not in out and "pa_linux_alsa" not in out
    from companion.events import Spoken
    from companion.store import Store

    store = Store(private_home / "history.db")
    said = [e.event.text for e in store.events(1) if isinstance(e.event, Spoken)]
    assert said == ["This is the first line.", "This is the second line, after the sound has gone.",
                    "And the last line."]  # fmt: skip


def test_doctor_mic_check_hears_yes_through_the_virtual_microphone(
    pulse: PrivatePulse, tmp_path: Path, private_home: Path
) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("needs espeak-ng")
    yes = tmp_path / "yes.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(yes), "yes"], check=True)
    proc = start("doctor", "--mic", home=private_home, merge_stderr=True, typing=False)
    out = output_acting_once(proc, "Now say: yes", lambda: pulse.play_into_mic(yes).wait(10))
    proc.wait(60)
    assert "heard 'yes'" in out, out


def test_a_voice_sample_is_heard(pulse: PrivatePulse, private_home: Path) -> None:
    recording = pulse.record()
    done = run("voices", "--sample", "joe", home=private_home)
    heard = recording.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "joe: I'm here with you." in done.stdout
    assert voiced_seconds(heard) > 1.5  # a whole line, not a click
