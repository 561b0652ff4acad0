"""The seam every recogniser fits: one reply decoded as it is spoken, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

from companion.channels import Listening

RATE = 16000
FRAME = 480  # 30 ms: one microphone block


@dataclass(frozen=True)
class Recognition:
    text: str | None  # the reply, when the whole of what was said is one reply to the question
    heard: str | None  # what was said, reply or not; None: nothing, or a sound that is not speech
    score: float  # how well the words fit (each recogniser has its own scale)
    confident: bool = False  # sure enough of `text` that a "yes" may count as yes


NOTHING = Recognition(None, None, float("-inf"))


class Decoding(Protocol):
    """One reply, decoded while it arrives: `with recognizer.decoding(q) as d: d.feed(...)`."""

    def __enter__(self) -> Decoding: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None: ...  # fmt: skip

    def feed(self, pcm: bytes) -> None:
        """More of the reply, as it is spoken."""

    def whole_reply(self, pcm: bytes) -> bool:
        """What was said so far is a whole reply nothing longer continues: a pause may end it."""

    def finish(self, pcm: bytes) -> Recognition:
        """The reply is over (`pcm` is all of it): what it was."""


class Recognizer(Protocol):
    name: str  # what doctor and the log call it

    def decoding(self, listening: Listening) -> Decoding: ...


def load_recognizer() -> tuple[Recognizer, str]:
    """Whisper when its model loads; otherwise pocketsphinx, and why (for doctor and the log).
    Raises only when neither can be loaded."""
    try:
        from companion.whisper_recognizer import WhisperRecognizer

        whisper = WhisperRecognizer()
    except Exception as e:  # a missing package or model costs accuracy, never the voice
        why = f"the Whisper model could not be loaded ({type(e).__name__}: {e})"
    else:
        from companion.second_opinion import attach

        attach(whisper)
        return whisper, ""
    from companion.recognizer import Recognizer as Pocketsphinx

    return Pocketsphinx(), why
