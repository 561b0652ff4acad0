"""Hearing short replies on real human recordings (../shared/speech).

Accuracy per question type (yes/no with the yes-no grammar, digits with the scale grammar,
stop/go with the command grammar), false accepts (the 16 distractor words through every
question type must come back as no reply), the same with TV-like noise mixed in at 10 dB SNR,
and latency from the end of speech to the reply being known, streamed in real time through
the live path. Beside it: a plain persistent pocketsphinx grammar decoder, `recognize_sphinx`
as SpeechRecognition ships it (on a subsample: it takes ~0.3 s a clip), and faster-whisper
tiny.en when it is installed.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from common import ROOT
from companion.channels import Listening
from companion.grammar import phrases
from companion.hearing import LEAD_IN, canonical, frames_of, hear_pcm, pcm16
from companion.recognizer import FRAME, RATE, Recognizer
from companion.replies import QuestionType
from companion.voice_in import hear_reply

SPEECH = ROOT.parent / "shared" / "speech"
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TARGETS = {"yes": (QuestionType.YES_NO, "yes"), "no": (QuestionType.YES_NO, "no"),
           "stop": (QuestionType.CONFIRM, "stop"), "go": (QuestionType.CONFIRM, "next"),
           **{d: (QuestionType.SCALE, str(i)) for i, d in enumerate(DIGITS)}}  # fmt: skip
TYPES = (QuestionType.YES_NO, QuestionType.SCALE, QuestionType.CONFIRM)
Clip = tuple[str, bytes]  # (word, 16 kHz PCM)
Hear = Callable[[bytes, QuestionType], str | None]


def load() -> tuple[list[Clip], list[Clip]]:
    targets, distractors = [], []
    with (SPEECH / "manifest.csv").open() as f:
        for row in csv.DictReader(f):
            clip = (row["word"], pcm16(SPEECH / row["path"]))
            (targets if row["word"] in TARGETS else distractors).append(clip)
    return targets, distractors


def with_noise(clips: list[Clip], pool: list[Clip], snr_db: float = 10.0) -> list[Clip]:
    """TV-like background: babble of three other clips plus broadband noise, at `snr_db`."""
    rng = np.random.default_rng(7)
    out = []
    for word, pcm in clips:
        x = np.frombuffer(pcm, "<i2").astype(np.float64)
        babble = np.zeros(len(x))
        for i in rng.choice(len(pool), 3, replace=False):
            other = np.frombuffer(pool[i][1], "<i2").astype(np.float64)
            other = np.resize(other, len(x))
            babble += other / (np.std(other) + 1e-9)
        noise = babble / (np.std(babble) + 1e-9) + 0.5 * rng.normal(size=len(x))
        noise *= np.sqrt(np.mean(x**2) / (np.mean(noise**2) + 1e-9)) / 10 ** (snr_db / 20)
        out.append((word, np.clip(x + noise, -32768, 32767).astype("<i2").tobytes()))
    return out


def score(hear: Hear, targets: list[Clip], distractors: list[Clip]) -> dict[str, float]:
    right = {q: [0, 0] for q in TYPES}
    no_as_yes = 0  # the worst error: "no" taken as "yes"
    for word, pcm in targets:
        qtype, expected = TARGETS[word]
        got = canonical(hear(pcm, qtype), qtype)
        right[qtype][0] += got == expected
        right[qtype][1] += 1
        no_as_yes += word == "no" and got == "yes"
    taken = {q: sum(canonical(hear(pcm, q), q) is not None for _, pcm in distractors)
             for q in TYPES}  # fmt: skip
    accepts = sum(taken.values())
    total = sum(n for _, n in right.values())
    result = {f"acc {q.value}": r / n for q, (r, n) in right.items() if n}
    result |= {f"fa {q.value}": n / max(1, len(distractors)) for q, n in taken.items()}
    result["no as yes"] = no_as_yes
    result["accuracy"] = sum(r for r, _ in right.values()) / total
    result["false accepts"] = accepts / (len(distractors) * len(TYPES))
    return result


def plain_grammar() -> Hear:
    """One persistent decoder with the same grammars, fed the whole clip: no endpointer,
    no padding, no rejection."""
    rec = Recognizer()

    def hear(pcm: bytes, qtype: QuestionType) -> str | None:
        with rec.lock:
            search = rec._search(Listening(qtype))
            assert search is not None
            rec.grammar.activate_search(search.name)
            rec.grammar.start_utt()
            rec.grammar.process_raw(pcm, full_utt=True)
            rec.grammar.end_utt()
            hyp = rec.grammar.hyp()
        return hyp.hypstr if hyp else None

    return hear


def stock_sphinx() -> Hear:
    import speech_recognition as sr

    r = sr.Recognizer()

    def hear(pcm: bytes, qtype: QuestionType) -> str | None:
        words = [p for p in phrases(Listening(qtype)) if " " not in p]
        try:
            return str(r.recognize_sphinx(sr.AudioData(pcm, RATE, 2),
                                          keyword_entries=[(w, 0.8) for w in words]))  # fmt: skip
        except sr.UnknownValueError:
            return None

    return hear


def whisper() -> Hear | None:
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        return None
    try:
        model = WhisperModel("tiny.en", device="cpu", compute_type="int8")
    except Exception:  # no model on disk and no way to fetch one
        return None

    def hear(pcm: bytes, qtype: QuestionType) -> str | None:
        audio = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768
        segments, _ = model.transcribe(audio, beam_size=1, language="en")
        return " ".join(s.text for s in segments).strip(" .!?,").lower() or None

    return hear


def spoken_end(pcm: bytes) -> int:
    """The frame (of `frames_of(pcm)`) in which the word itself ends: the last one within
    20 dB of the clip's loudest. Clips carry silence of their own after the word."""
    x = np.frombuffer(pcm, "<i2").astype(np.float64)
    rms = np.sqrt(np.mean(x[: len(x) // FRAME * FRAME].reshape(-1, FRAME) ** 2, axis=1))
    last = int(np.nonzero(rms >= 0.1 * rms.max())[0][-1])
    return round(LEAD_IN * RATE) // FRAME + last


def latency(targets: list[Clip], per_word: int = 4) -> dict[str, list[float]]:
    """End of speech to reply known, with frames arriving in real time as from a microphone.
    Kept apart: replies that a short pause ends ("seven", "stop") and those a longer phrase
    may continue ("yes" of "yes I am", "go" of "go on"), which wait for a longer pause."""
    rec = Recognizer()
    found: dict[str, list[float]] = {"whole": [], "may go on": []}
    taken: dict[str, int] = {}
    for word, pcm in targets:
        taken[word] = taken.get(word, 0) + 1
        if taken[word] > per_word:
            continue
        qtype, _ = TARGETS[word]
        frames = frames_of(pcm)
        speech_end = spoken_end(pcm)
        t0 = time.monotonic()
        state = {"i": 0, "end": 0.0}

        def frame(_wait: float, frames: list[bytes] = frames, state: dict = state,
                  t0: float = t0, speech_end: int = speech_end) -> bytes | None:  # fmt: skip
            i = state["i"]
            if i >= len(frames):
                return b""  # the stream has ended
            due = t0 + (i + 1) * 0.03
            time.sleep(max(0.0, due - time.monotonic()))
            if i == speech_end:
                state["end"] = time.monotonic()
            state["i"] = i + 1
            return frames[i]

        if hear_reply(frame, 10.0, Listening(qtype), rec) is not None:
            search = rec._search(Listening(qtype))
            kind = "may go on" if search and word in search.unfinished else "whole"
            found[kind].append(time.monotonic() - (state["end"] or time.monotonic()))
    return found


def main() -> None:
    if not SPEECH.is_dir():
        raise SystemExit(f"{SPEECH} is not here: this benchmark needs ../shared/speech")
    targets, distractors = load()
    noisy_t = with_noise(targets, distractors)
    noisy_d = with_noise(distractors, targets)
    ours_rec = Recognizer()

    def ours(pcm: bytes, qtype: QuestionType) -> str | None:
        return hear_pcm(pcm, qtype, ours_rec)[0].text

    contenders: list[tuple[str, Callable[[], Hear | None], int]] = [
        ("companion (live path)", lambda: ours, 1),
        ("plain grammar decoder", plain_grammar, 1),
        ("recognize_sphinx (1 in 10)", stock_sphinx, 10),
        ("faster-whisper tiny.en", whisper, 1),
    ]
    print(f"{len(targets)} in-vocabulary clips, {len(distractors)} distractors, real speakers")
    print(f"{'':28} {'accuracy':>9} {'yes-no':>7} {'scale':>7} {'command':>8} {'false acc':>10}"
          f" {'noisy acc':>10} {'noisy FA':>9} {'ms/clip':>8}", flush=True)  # fmt: skip
    for name, make, every in contenders:
        hear = make()
        if hear is None:
            print(f"{name}: not installed, skipped", flush=True)
            continue
        t, d = targets[::every], distractors[::every]
        started = time.perf_counter()
        c = score(hear, t, d)
        per = (time.perf_counter() - started) / (len(t) + 3 * len(d))
        n = score(hear, noisy_t[::every], noisy_d[::every]) if every == 1 else None
        noisy = f"{n['accuracy']:10.3f} {n['false accepts']:9.3f}" if n else f"{'-':>10} {'-':>9}"
        print(f"{name:28} {c['accuracy']:9.3f} {c['acc yes-no']:7.3f} {c['acc scale']:7.3f} "
              f"{c['acc confirm']:8.3f} {c['false accepts']:10.3f} {noisy} "
              f"{per * 1000:8.1f}", flush=True)  # fmt: skip
        print(f"{'':28} false accepts by question: yes-no {c['fa yes-no']:.3f}, scale "
              f"{c['fa scale']:.3f}, command {c['fa confirm']:.3f}; \"no\" heard as \"yes\": "
              f"{c['no as yes']:.0f}", flush=True)  # fmt: skip
    by_kind = latency(targets)
    for kind, lat in [("all", [x for v in by_kind.values() for x in v]), *by_kind.items()]:
        if lat:
            lat = sorted(lat)
            p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
            median = statistics.median(lat) * 1000
            print(f"latency ({kind}), end of speech -> reply, real-time stream ({len(lat)} "
                  f"clips): median {median:.0f} ms, p95 {p95 * 1000:.0f} ms")  # fmt: skip
    print(
        "targets: accuracy >= 0.97, false accepts <= 0.02; noisy >= 0.90 / <= 0.05; "
        "p95 latency <= 300 ms"
    )


if __name__ == "__main__":
    sys.exit(main())
