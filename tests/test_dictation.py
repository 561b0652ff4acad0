"""A dictated part: where it begins and ends, and what text comes of it."""

from __future__ import annotations

from companion.dictation import (
    Dictation,
    PartSettings,
    capture_part,
    said_next_part,
    without_next_part,
)
from tests.dictation_fakes import (
    QUIET,
    LevelDetector,
    ScriptedMicrophone,
    ScriptedTranscriber,
    spoken,
)


def frames_of(frames: list[bytes]) -> ScriptedMicrophone:
    mic = ScriptedMicrophone([frames])
    mic.drain()
    return mic


def seconds(pcm: bytes | None) -> float:
    assert pcm is not None
    return len(pcm) / 32000


def test_a_breath_between_phrases_does_not_end_the_part_but_a_long_pause_does() -> None:
    frames = spoken(2, 0.9) + spoken(2, 1.6) + spoken(3)
    pcm = capture_part(frames_of(frames).read, LevelDetector())
    # both phrases (4.9 s) and the 1.5 s pause that ended them, not the third phrase
    assert 6.2 < seconds(pcm) < 6.6


def test_a_part_is_cut_at_the_cap() -> None:
    pcm = capture_part(frames_of(spoken(10)).read, LevelDetector(), PartSettings(cap=4.0))
    assert 3.9 < seconds(pcm) < 4.1


def test_nothing_said_is_no_part() -> None:
    assert capture_part(frames_of([QUIET] * 100).read, LevelDetector()) is None


def test_enter_ends_the_part_with_what_was_said_so_far() -> None:
    mic = frames_of(spoken(3))
    count = [0]

    def pressed() -> bool:
        count[0] += 1
        return count[0] > 50  # Enter, after 1.5 s of speech

    assert 1.0 < seconds(capture_part(mic.read, LevelDetector(), cancelled=pressed)) < 1.6


def test_saying_next_part_ends_the_part_at_once_and_is_left_out_of_it() -> None:
    mic = ScriptedMicrophone([spoken(3, 0.6) + spoken(0.8, 0.6) + spoken(3)])
    # the first phrase is too long to be "next part"; the second is looked at, and is it
    whisper = ScriptedTranscriber(["next part", "I came home at nine. Next part."])
    dictation = Dictation(whisper, mic.read, LevelDetector, drain=mic.drain)
    assert dictation.part() == "I came home at nine."
    assert len(whisper.clips) == 2 and whisper.clips[0] < 2.0  # only the short phrase
    assert 4.0 < whisper.clips[1] < 5.5  # the third phrase was not waited for


def test_a_short_phrase_that_is_not_next_part_goes_on() -> None:
    mic = ScriptedMicrophone([spoken(1, 0.6) + spoken(2, 1.6)])
    whisper = ScriptedTranscriber(["I felt", "I felt alone."])
    assert Dictation(whisper, mic.read, LevelDetector, drain=mic.drain).part() == "I felt alone."


def test_nothing_heard_or_only_next_part_gives_no_text() -> None:
    mic = ScriptedMicrophone([[QUIET] * 50, spoken(1, 1.6)])
    whisper = ScriptedTranscriber(["next part", "Next part."])
    dictation = Dictation(whisper, mic.read, LevelDetector, drain=mic.drain)
    assert dictation.part() is None
    assert dictation.part() is None


def test_next_part_is_found_only_at_the_end() -> None:
    assert said_next_part("Next part.") and said_next_part("and that was it, next part")
    assert not said_next_part("the next party was fun")
    assert not said_next_part("next part of the story is hard")
    assert without_next_part("I was hurt. Next part!") == "I was hurt."
