"""A whole `companion ground` session by voice, through a virtual microphone, offline: no
network at all, and no Hugging Face offline variables to lean on."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from tests.made_sounds import cough
from tests.pulse import PrivatePulse

pytestmark = pytest.mark.audio

# Each reply is spoken when the session opens the microphone, and again if it asks again.
# "yes" after the time: a heard time is read back ("... Is that right?") before it is used.
REPLIES = ["yes", "i did", "four", "three", "no", "in twenty minutes", "yes", "no"]


def speak(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"{text.replace(' ', '_')}.wav"
    raw = tmp_path / "raw.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), text], check=True)
    # Real speech starts from room sound, not from a device waking up: lead with silence.
    with wave.open(str(raw)) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    lead, tail = (bytes(int(s * params.framerate) * params.sampwidth) for s in (0.4, 0.3))
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(lead + frames + tail)
    return path


def lines_of(proc: subprocess.Popen[str]) -> queue.Queue[tuple[float, str | None]]:
    """The session's output, each line with the moment it came (None: the end)."""
    lines: queue.Queue[tuple[float, str | None]] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put((time.monotonic(), line))
        lines.put((time.monotonic(), None))

    threading.Thread(target=read, daemon=True).start()
    return lines


def offline(command: list[str]) -> list[str]:
    """The command in a network namespace of its own: not even loopback is up."""
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("needs user namespaces (unshare -rn) to take the network away")
    return ["unshare", "-rn", *command]


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="needs espeak-ng")
def test_a_whole_session_by_voice_runs_offline_and_a_cough_is_not_a_yes(
    pulse: PrivatePulse, tmp_path: Path, private_home: Path
) -> None:
    if shutil.which("strace") is None:
        if os.environ.get("COMPANION_REQUIRE_AUDIO"):
            pytest.fail("strace is needed to prove the session stays offline")
        pytest.skip("needs strace")
    spoken = {text: speak(tmp_path, text) for text in REPLIES}
    coughed = cough(tmp_path / "cough.wav")
    trace = tmp_path / "trace"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE"))}
    proc = subprocess.Popen(
        ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=socket,connect", "-o", str(trace),
         *offline([sys.executable, "-m", "companion", "ground", "--speed", "50"])],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**env, "COMPANION_HOME": str(private_home)},
    )  # fmt: skip
    lines = lines_of(proc)
    seen: list[str] = []
    index = 0
    coughed_at: float | None = None
    heard_one = False
    while True:
        at, line = lines.get(timeout=300)
        if line is None:
            break
        seen.append(line)
        if "(heard:" in line:
            # At the safety question the cough came first: nothing was heard from it.
            assert coughed_at is None or index > 0 or at > coughed_at, "".join(seen)
            heard_one = True
        elif heard_one:
            heard_one = False
            # Asked again ("I heard you, but not the words"): the same reply, as a person would.
            if "not the words" not in line:
                index += 1
        if "(listening" in line and index < len(REPLIES):
            if index == 0 and coughed_at is None:
                pulse.play_into_mic(coughed).wait(10)
                time.sleep(2.5)  # time enough for a reply to be heard, were it one
                coughed_at = time.monotonic()
            pulse.play_into_mic(spoken[REPLIES[index]]).wait(10)
    assert proc.wait(60) == 0
    out = "".join(seen)
    assert "text mode" not in out and "less accurate" not in out  # heard by Whisper
    assert re.search(r"I'll be back at \d{1,2}:\d{2} [ap]m", out), out
    # Every answer came by voice, and the distress ratings were heard.
    from companion.events import Answered
    from companion.store import Store

    answers = [e.event for e in Store(private_home / "history.db").events(1)
               if isinstance(e.event, Answered)]  # fmt: skip
    assert [a.source for a in answers] == ["voice"] * (len(REPLIES) - 1)  # one confirmed
    assert [a.value for a in answers if a.key == "distress"] == ["4", "3"]
    # No inet socket was ever opened: only local (unix) ones, e.g. to the sound server.
    calls = trace.read_text()
    assert "socket(AF_UNIX" in calls  # the trace did see the sound server's socket
    assert not re.search(r"socket\(AF_INET6?\b", calls), calls
    # Nothing of the person's voice is kept without --keep-audio: only rendered speech, cached.
    kept = [p for p in private_home.rglob("*") if p.is_file() and "cache" not in p.parts]
    assert not [p for p in kept if p.suffix in (".wav", ".raw", ".pcm")], kept
