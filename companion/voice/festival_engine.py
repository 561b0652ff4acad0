"""Festival with the CMU US SLT HTS voice (female; Debian festvox-us-slt-hts, free licence).

One text2wave process per line (~0.1 s of work per second of speech); the line goes in on
stdin and the WAV comes back on stdout, so nothing is written to disk.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

from companion.sounds import Samples, resample
from companion.voice.engine import EngineError

NAME = "slt"
VOICE_DIR = Path("/usr/share/festival/voices/us/cmu_us_slt_arctic_hts")
# hts_engine's speed for `rate` words a minute is rate / REFERENCE_WPM: calibrated over the
# default script's lines (192 gave 119.9 wpm at 130, 209 gave 110.3).
REFERENCE_WPM = 177.0
TIMEOUT = 30.0


def installed() -> bool:
    return shutil.which("text2wave") is not None and VOICE_DIR.is_dir()


class FestivalEngine:
    def __init__(self) -> None:
        if not installed():
            raise EngineError("Festival's slt voice is not installed (on Debian/Ubuntu: "
                              "sudo apt-get install festival festvox-us-slt-hts)")  # fmt: skip
        self.key = "festival-slt-hts"

    def render(self, text: str, rate: int) -> Samples:
        speed = min(1.5, max(0.4, rate / REFERENCE_WPM))
        slower = (
            f'(set! hts_engine_params (append hts_engine_params (list (list "-r" {speed:.3f}))))'
        )
        command = ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-eval", slower,
                   "-o", "-"]  # fmt: skip
        try:
            done = subprocess.run(command, input=text.encode(), capture_output=True,
                                  timeout=TIMEOUT, check=True)  # fmt: skip
            with wave.open(io.BytesIO(done.stdout), "rb") as w:
                rate_hz = w.getframerate()
            # Written to a pipe, the header cannot be filled in afterwards and counts no
            # frames: the samples are everything after the "data" chunk's header.
            at = done.stdout.find(b"data")
            if at < 0:
                raise wave.Error("no data chunk")
            frames = done.stdout[at + 8 :]
        except (OSError, subprocess.SubprocessError, wave.Error, EOFError) as e:
            raise EngineError(f"Festival could not render a line ({type(e).__name__})") from None
        samples = np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2")
        samples = samples.astype(np.float32) / 32768.0
        return resample(samples, rate_hz)

    def close(self) -> None:
        pass
