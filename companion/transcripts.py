"""Which transcripts are a reply: the whole of what was heard must be one phrase the question
accepts, and its meaning comes from `replies.interpret`, as for a typed reply.

An open-vocabulary recogniser writes "7", "Seven." or "8.30 p.m."; these are brought to the
spoken form of the question's phrases ("seven", "eight thirty pm") before they are compared.
Anything more ("yes I'm scared", "right", "on") is not a reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.channels import Listening
from companion.grammar import phrases
from companion.replies import QuestionType, interpret, normalise

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


@dataclass(frozen=True)
class Transcript:
    """What a model wrote for one reply: its readings (text, mean log-probability) as its beam
    search ranks them, best first, and its own judgement that the sound was not speech."""

    readings: tuple[tuple[str, float], ...]
    no_speech: float

    @property
    def text(self) -> str:
        return self.readings[0][0] if self.readings else ""

    @property
    def logprob(self) -> float:
        return self.readings[0][1] if self.readings else float("-inf")


# What a transcript may hold besides words: the sounds whisper writes for what is not speech.
_NOT_SPEECH = re.compile(r"^\W*$|^\s*[\[(*♪][^\])*♪]*[\])*♪]?\s*$")


def number_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")


def spoken_form(transcript: str) -> str:
    """Digits and clock times as words, "p.m." as "pm": how the question's phrases are written."""
    # "p.m.", "p.m", "P.M." and "9pm" alike: whisper ends a transcript with or without a dot.
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r" \1m", transcript.lower())
    text = re.sub(r"\b(\d{1,2})([ap]m)\b", r"\1 \2", text)
    text = re.sub(r"\b(\d{1,2})[:.](\d{2})\b", lambda m: _clock(int(m[1]), int(m[2])), text)
    text = re.sub(r"\b\d{1,2}\b", lambda m: number_words(int(m[0])), text)
    return normalise(text)


def _clock(hour: int, minute: int) -> str:
    if minute == 0:
        return f"{number_words(hour)} o'clock"
    return f"{number_words(hour)} {number_words(minute)}"


def is_speech(transcript: str) -> bool:
    """False for an empty transcript or one that only names a sound ("(coughs)", "[Music]")."""
    return not _NOT_SPEECH.match(transcript)


def hotwords(listening: Listening) -> str:
    """Every word of every reply to the question, once, space separated."""
    words = [w for p in phrases(listening) for w in p.split()]
    return " ".join(dict.fromkeys(words))


def reply_in(transcript: str, listening: Listening) -> str | None:
    """The transcript in its spoken form when the whole of it is one reply to the question;
    None when it is not (other words, extra words, or nothing)."""
    words = spoken_form(transcript)
    if not words:
        return None
    accepted = phrases(listening)
    if words not in accepted:
        # A time may be said in more ways than the phrases list ("at ten to nine"); any
        # words of those phrases that the time parser reads whole are a time.
        # It must also start and end as some phrase does: the parser reads past words such
        # as "and", so "and eight" (a misheard "at eight thirty") would be a time.
        vocabulary = {w for p in accepted for w in p.split()}
        said = words.split()
        if (listening.qtype is not QuestionType.TIME or not set(said) <= vocabulary
                or said[0] not in {p.split()[0] for p in accepted}
                or said[-1] not in {p.split()[-1] for p in accepted}):  # fmt: skip
            return None
    if interpret(words, listening.qtype, listening.options) is None:
        return None
    return words
