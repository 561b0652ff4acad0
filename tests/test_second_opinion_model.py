"""The real Whisper base, as the int8 copy made from its packages, giving its opinion on
speech made by espeak-ng: one reply for each kind of question it is asked about."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from companion import whisper_base
from companion.channels import Listening
from companion.hearing import pcm16
from companion.readings import settle
from companion.recognition import FRAME, Recognition
from companion.replies import QuestionType
from companion.second_opinion import SecondOpinion, open_base
from companion.transcripts import Transcript, hotwords
from companion.voice_in import PAD_FRAMES


def _installed() -> bool:
    try:
        whisper_base.halves()
    except (ImportError, OSError):
        return False
    return shutil.which("espeak-ng") is not None


pytestmark = pytest.mark.skipif(not _installed(), reason="needs Whisper base and espeak-ng")


@pytest.fixture(scope="module")
def base() -> SecondOpinion:
    whisper_base.prepare()
    second = open_base()
    assert second is not None
    return second


def spoken(tmp_path: Path, text: str) -> bytes:
    """The words as the live path gives them to a model: from 300 ms before they start."""
    path = tmp_path / f"{text}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), text], check=True)
    return bytes(PAD_FRAMES * FRAME * 2) + pcm16(path)


def base_reply(base: SecondOpinion, pcm: bytes, listening: Listening) -> Recognition | None:
    """What base's readings come to on their own (tiny heard nothing it could share)."""
    return settle(Transcript((), 0.0), base.transcribe(pcm, hotwords(listening)), listening)


@pytest.mark.parametrize(("said", "qtype", "reply"), [
    ("seven", QuestionType.SCALE, "seven"),
    ("stop", QuestionType.CONFIRM, "stop"),
    ("no", QuestionType.YES_NO, "no"),
])  # fmt: skip
def test_base_hears_a_reply_to_each_kind_of_question(
    tmp_path: Path, base: SecondOpinion, said: str, qtype: QuestionType, reply: str
) -> None:
    listening = Listening(qtype)
    try:
        found = base_reply(base, spoken(tmp_path, said), listening)
    finally:
        base.release()
    assert found is not None and found.text == reply


def test_base_takes_no_reply_from_other_words(tmp_path: Path, base: SecondOpinion) -> None:
    listening = Listening(QuestionType.SCALE)
    try:
        found = base_reply(base, spoken(tmp_path, "the house is quiet"), listening)
    finally:
        base.release()
    assert found is None
