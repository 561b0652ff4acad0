"""A second opinion from Whisper base, asked only when tiny.en heard words that are not a reply.

tiny.en takes no reply from about one reply in thirteen, mostly by writing other words
("start" for stop, "file" for five, "theta" for zero). Whisper base, given the same audio and
the same hotwords, hears many of them right. What its readings come to is decided in
`companion.readings`, beside tiny's own.

Base is asked only when tiny heard words, so a sigh or a cough that tiny found no words in is
never given to the model that writes more of them; and not when tiny was sure of its other
words ("tree" said clearly stays "tree", not three). Base is opened the first time a reply
needs it. Its weights are let go when that reply is over and loaded again when another needs
them (0.07 s): held, they would add about 110 MB to a session; what stays (its tokenizer) is
about 20 MB.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from companion.transcripts import Transcript

if TYPE_CHECKING:
    from companion.whisper_recognizer import WhisperRecognizer

log = logging.getLogger("companion")


class Transcriber(Protocol):
    def transcribe(self, pcm: bytes, words: str | None) -> Transcript: ...

    def loaded(self) -> bool: ...

    def load(self) -> None: ...

    def unload(self) -> None: ...


class SecondOpinion:
    """Base, opened by `opener` when a reply first needs it; its weights let go by `release`
    when the reply is over."""

    name = "whisper base"

    def __init__(self, opener: Callable[[], Transcriber]) -> None:
        self._open = opener
        self._model: Transcriber | None = None

    def _opened(self) -> Transcriber:
        """Base, its weights loaded: opened in full the first time (0.15 s), and after that
        only its weights loaded again (0.07 s); the tokenizer stays (about 20 MB)."""
        if self._model is None:
            self._model = self._open()
        else:
            self._model.load()
        return self._model

    def transcribe(self, pcm: bytes, words: str | None) -> Transcript:
        """Base's readings of the reply, with the question's hotwords."""
        return self._opened().transcribe(pcm, words)

    def release(self) -> None:
        """Let base's weights go until the next reply needs them."""
        if self._model is not None and self._model.loaded():
            from companion.memory import trim

            self._model.unload()
            trim()


def open_base() -> SecondOpinion | None:
    """The second opinion over the prepared int8 copy of base; None when it is not ready."""
    from companion import whisper_base

    place = whisper_base.ready()
    if place is None:
        return None

    def opener() -> Transcriber:
        from companion.whisper_recognizer import WhisperRecognizer

        return WhisperRecognizer(path=place)

    return SecondOpinion(opener)


def attach(recognizer: WhisperRecognizer) -> threading.Thread | None:
    """Give `recognizer` base's second opinion: now when base is ready, else once a
    background thread has prepared it (the first session after installing). Replies heard
    before then are heard by tiny alone. Returns that thread, if one was started."""
    from companion import whisper_base

    second = open_base()
    if second is not None:
        recognizer.second = second
        return None
    try:
        whisper_base.halves()
    except (ImportError, OSError):
        return None  # not installed: doctor says how to add it

    def prepare() -> None:
        try:
            whisper_base.prepare()
        except ImportError:
            return  # not installed: doctor says how to add it
        except OSError as e:
            log.warning("Whisper base could not be prepared: %s", e)
            return
        recognizer.second = open_base()

    thread = threading.Thread(target=prepare, name="prepare-base", daemon=True)
    thread.start()
    return thread
