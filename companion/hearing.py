"""Hearing a reply from a recording, through the same path as a live session."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.channels import Listening
from companion.recognition import FRAME, NOTHING, RATE, Recognition, Recognizer
from companion.replies import Answer, Command, Option, QuestionType, Said, interpret
from companion.sounds import read_wav, resample
from companion.timeparse import ReturnTime
from companion.vad import SpeechDetector, speech_detector
from companion.voice_in import END, hear_reply

# `hear --question NAME`: the command grammar is the one a prompt that waits uses.
QUESTIONS = {"yes-no": QuestionType.YES_NO, "scale": QuestionType.SCALE,
             "command": QuestionType.CONFIRM, "time": QuestionType.TIME}  # fmt: skip
LEAD_IN, TAIL = 0.5, 1.0  # seconds of silence around a clip, as a microphone would give


@dataclass(frozen=True)
class Hearing:
    path: str
    heard: str | None  # what the recogniser heard, reply or not (None: no speech)
    reply: str | None  # the canonical reply, or None when it is not a reply
    seconds: float  # time to find and decode the reply
    score: float = float("-inf")  # how well the words fit (the recogniser's own scale)


def canonical(text: str | None, qtype: QuestionType) -> str | None:
    """yes/no/unsure, 0..10, a command name, HH:MM or +MINUTES."""
    if not text:
        return None
    reply = interpret(text, qtype)
    if isinstance(reply, Said):
        return reply.command.value
    if isinstance(reply, Answer):
        value = reply.value
        if isinstance(value, ReturnTime):
            return value.canonical()
        if qtype is QuestionType.CONFIRM:
            return Command.NEXT.value
        return str(value)
    return None


def pcm16(path: Path) -> bytes:
    samples, rate = read_wav(path)
    mono = resample(samples, rate, RATE)
    return bytes(np.clip(mono * 32768, -32768, 32767).astype("<i2").tobytes())


def frames_of(pcm: bytes) -> list[bytes]:
    silence = bytes(int(LEAD_IN * RATE) * 2)
    tail = bytes(int(TAIL * RATE) * 2)
    whole = silence + pcm + tail
    size = FRAME * 2
    return [whole[i : i + size] for i in range(0, len(whole) - size + 1, size)]


def hear_pcm(pcm: bytes, qtype: QuestionType, recognizer: Recognizer,
             detector: Callable[[], SpeechDetector] = speech_detector,
             options: tuple[Option, ...] = ()) -> tuple[Recognition, float]:  # fmt: skip
    """What the live path hears in this audio: endpointed, decoded, checked. Nothing is
    carried from one hearing to the next: a fresh detector, an independent decoding."""
    feed = iter(frames_of(pcm))
    started = time.perf_counter()
    hearing = hear_reply(lambda _wait: next(feed, END), 30.0, Listening(qtype, options), recognizer,
                         detector=detector)  # fmt: skip
    if hearing is None:  # no speech: nothing was decoded
        return NOTHING, 0.0
    return hearing[1], time.perf_counter() - started


def hear_file(path: Path, qtype: QuestionType, recognizer: Recognizer) -> Hearing:
    found, seconds = hear_pcm(pcm16(path), qtype, recognizer)
    return Hearing(str(path), found.heard, canonical(found.text, qtype), seconds, found.score)
