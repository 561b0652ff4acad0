"""The one left behind, by voice through the virtual microphone: the default session hears
"my partner did" and goes on for them, to calm words chosen by voice."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pulse import PrivatePulse
from tests.test_voice_session import speak

pytestmark = pytest.mark.audio

# What is said to each question, found by the words of the question as it is shown. Asked
# again ("I heard you, but not the words"), the same reply is said again, as a person would.
ANSWERS = {
    "are you safe right now": "yes",
    "Did you step away, or did they": "my partner did",
    "How strong is the distress": "four",
    "Where are you now": "three",
    "ask yourself kindly": "next",
    "give yourself some of that care": "next",
    "think of what needs doing": "next",
    "One: naming what happens": "yes",
    "Two: asking for a time": "yes",
    "What time would you ask": "in an hour",
    "Three: asking to sit together": "no",
    "Is that right?": "yes",  # a heard time is read back before it is used
    "Shall I say": "yes",
}


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="needs espeak-ng")
def test_they_left_by_voice_ends_with_the_words_chosen_by_voice(
    pulse: PrivatePulse, tmp_path: Path, private_home: Path
) -> None:
    spoken = {text: speak(tmp_path, text) for text in set(ANSWERS.values())}
    proc = subprocess.Popen(
        [sys.executable, "-m", "companion", "ground", "--speed", "50"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "COMPANION_HOME": str(private_home), "LANG": "C.UTF-8"},
    )  # fmt: skip
    assert proc.stdout is not None
    seen: list[str] = []
    reply = None
    for line in proc.stdout:
        seen.append(line)
        reply = next((said for asked, said in ANSWERS.items() if asked in line), reply)
        if "(listening" in line and reply is not None:
            pulse.play_into_mic(spoken[reply]).wait(10)
    assert proc.wait(300) == 0
    out = "".join(seen)
    assert "Stay where you are" in out, out
    words = " ".join(re.sub(r"[│┌┐└┘─]", " ", out).split())
    assert "I don't feel peace, I feel abandoned." in words
    assert re.search(r"can we come back to this at \d{1,2}:\d{2} [ap]m\?", words), out
    assert "sit with me for five minutes? Would" in words  # offered, and declined
    from companion.events import Answered
    from companion.store import Store

    answers = [e.event for e in Store(private_home / "history.db").events(1)
               if isinstance(e.event, Answered)]  # fmt: skip
    assert {a.source for a in answers} == {"voice"}
    assert [a.value for a in answers if a.key == "who_left"] == ["them"]
