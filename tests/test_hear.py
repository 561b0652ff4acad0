"""`companion hear`: the live listening path, fed from files spoken by espeak-ng."""

from __future__ import annotations

import json
import shutil
import subprocess
import wave
from pathlib import Path

import pytest
from typer.testing import CliRunner

from companion.cli import app

runner = CliRunner()
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


def spoken(tmp_path: Path, text: str, voice: str = "en-us", rate: int = 150) -> Path:
    path = tmp_path / f"{text.replace(' ', '_')}-{voice}-{rate}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
    return path


def silence(tmp_path: Path) -> Path:
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(bytes(32000))
    return path


@needs_espeak
@pytest.mark.parametrize("voice", ["en-us", "en"])
def test_yes_and_no_are_heard_as_themselves(tmp_path: Path, voice: str) -> None:
    yes, no = spoken(tmp_path, "yes", voice), spoken(tmp_path, "no", voice)
    result = runner.invoke(app, ["hear", "--question", "yes-no", str(yes), str(no)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{yes}\tyes", f"{no}\tno"]


@needs_espeak
def test_a_command_and_a_time(tmp_path: Path) -> None:
    stop = spoken(tmp_path, "stop")
    assert runner.invoke(app, ["hear", "-q", "command", str(stop)]).output == f"{stop}\tstop\n"
    later = spoken(tmp_path, "in twenty minutes", rate=140)
    assert runner.invoke(app, ["hear", "-q", "time", str(later)]).output == f"{later}\t+20\n"


def test_silence_is_no_reply(tmp_path: Path) -> None:
    quiet = silence(tmp_path)
    result = runner.invoke(app, ["hear", "--json", str(quiet)])
    assert result.exit_code == 0
    assert json.loads(result.output) == {"path": str(quiet), "reply": None, "heard": None,
                                         "score": None, "decode_ms": 0.0}  # fmt: skip


def test_a_file_that_is_not_audio_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    result = runner.invoke(app, ["hear", str(bad)])
    assert result.exit_code == 1 and "cannot be read as a WAV file" in result.output


def test_an_unknown_question_type_is_refused() -> None:
    assert runner.invoke(app, ["hear", "-q", "colour", "x.wav"]).exit_code == 2


@needs_espeak
def test_a_rating_and_a_choice_of_no_reply(tmp_path: Path) -> None:
    seven, house = spoken(tmp_path, "seven"), spoken(tmp_path, "house")
    result = runner.invoke(app, ["hear", "-q", "scale", str(seven), str(house)])
    assert result.output.splitlines() == [f"{seven}\t7", f"{house}\t-"]


@needs_espeak
def test_more_than_a_yes_is_not_a_yes(tmp_path: Path) -> None:
    scared = spoken(tmp_path, "yes I'm scared", rate=140)
    assert runner.invoke(app, ["hear", str(scared)]).output == f"{scared}\t-\n"


@needs_espeak
def test_each_file_is_heard_the_same_whatever_came_before(tmp_path: Path) -> None:
    files = [str(spoken(tmp_path, w, v)) for w, v in (("no", "en-us"), ("yes", "en"),
                                                     ("stop", "en-us"))]  # fmt: skip
    forward = runner.invoke(app, ["hear", "--json", *files]).output.splitlines()
    backward = runner.invoke(app, ["hear", "--json", *files[::-1]]).output.splitlines()

    def heard(lines: list[str]) -> dict[str, tuple[str | None, float]]:
        rows = [json.loads(line) for line in lines]
        return {r["path"]: (r["reply"], r["score"]) for r in rows}

    assert heard(forward) == heard(backward)


@pytest.fixture(scope="module")
def whisper():  # type: ignore[no-untyped-def]
    """The real model, loaded once for these tests."""
    from companion.whisper_recognizer import WhisperRecognizer

    return WhisperRecognizer()


@needs_espeak
@pytest.mark.parametrize(("said", "chosen"), [("slow breathing", "paced"), ("three", "box")])
def test_a_choice_is_heard_by_its_words_or_its_number(
    tmp_path: Path,
    whisper,
    said: str,
    chosen: str,  # type: ignore[no-untyped-def]
) -> None:
    from companion.hearing import hear_pcm, pcm16
    from companion.replies import Answer, Option, QuestionType, interpret

    options = (Option("sigh", "sighing again", ("sigh", "again", "one more")),
               Option("paced", "slow breathing", ("slow", "paced")),
               Option("box", "box breathing", ("box",)))  # fmt: skip
    found, _ = hear_pcm(pcm16(spoken(tmp_path, said, rate=140)), QuestionType.CHOICE, whisper,
                        options=options)  # fmt: skip
    assert found.text is not None
    assert interpret(found.text, QuestionType.CHOICE, options) == Answer(chosen)


@needs_espeak
def test_the_model_gives_each_of_its_beams_as_a_reading(tmp_path: Path, whisper) -> None:  # type: ignore[no-untyped-def]
    from companion.channels import Listening
    from companion.hearing import pcm16
    from companion.recognition import FRAME
    from companion.replies import QuestionType
    from companion.transcripts import hotwords, reply_in
    from companion.voice_in import PAD_FRAMES

    listening = Listening(QuestionType.SCALE)
    pcm = bytes(PAD_FRAMES * FRAME * 2) + pcm16(spoken(tmp_path, "seven", rate=140))
    heard = whisper.transcribe(pcm, hotwords(listening))
    assert 2 <= len(heard.readings) <= whisper.beam
    assert reply_in(heard.text, listening) == "seven"
    assert all(-5.0 < logprob <= 0.0 for _, logprob in heard.readings)
