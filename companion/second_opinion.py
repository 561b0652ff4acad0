"""A second opinion from Whisper base, asked only when tiny.en heard words that are not a reply.

tiny.en takes no reply from about one reply in thirteen, mostly by writing other words
("start" for stop, "file" for five, "theta" for zero). Whisper base, given the same audio and
the same hotwords, hears many of them right. Measured on all of speech2 (every hearing of
bench/bench_hear.py's live path, replayed): replies heard 0.922 -> 0.959, other words and
sounds taken for a reply 0.0075 -> 0.0093, none of them taken for "yes".

Base is asked only when tiny heard words, so a sigh or a cough that tiny found no words in is
never given to the model that writes more of them; and not when tiny was sure of its other
words ("tree" said clearly stays "tree", not three). Base's reply must clear its own bar, and
is never a yes. Base is opened the first time a reply needs it. Its weights are let go when
that reply is over and loaded again when another needs them (0.07 s): held, they would add
about 110 MB to a session; what stays (its tokenizer) is about 20 MB.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from companion.channels import Listening
from companion.recognition import Recognition
from companion.replies import YES, Answer, QuestionType, Said, interpret

if TYPE_CHECKING:
    from companion.whisper_recognizer import WhisperRecognizer

log = logging.getLogger("companion")


@dataclass(frozen=True)
class Bars:
    """When base's opinion is asked, and when it is taken. Measured on speech2, tuned on
    half of its speakers and checked on the other half."""

    sure: float = -0.3  # tiny's other words this likely stand: base is not asked
    logprob: float = -0.6  # base's reply must be at least this likely


class Transcriber(Protocol):
    def transcribe(self, pcm: bytes, words: str | None) -> tuple[str, float, float]: ...

    def loaded(self) -> bool: ...

    def load(self) -> None: ...

    def unload(self) -> None: ...


class SecondOpinion:
    """Base, opened by `opener` when a reply first needs it; its weights let go by `release`
    when the reply is over."""

    name = "whisper base"

    def __init__(self, opener: Callable[[], Transcriber], bars: Bars = Bars()) -> None:
        self._open = opener
        self.bars = bars
        self._model: Transcriber | None = None

    def _opened(self) -> Transcriber:
        """Base, its weights loaded: opened in full the first time (0.15 s), and after that
        only its weights loaded again (0.07 s); the tokenizer stays (about 20 MB)."""
        if self._model is None:
            self._model = self._open()
        else:
            self._model.load()
        return self._model

    def wanted(self, found: Recognition) -> bool:
        """tiny heard words, took no reply from them, and was not sure of them."""
        return found.text is None and found.heard is not None and found.score < self.bars.sure

    def look(self, pcm: bytes, listening: Listening, words: str) -> Recognition | None:
        """Base's reading when it is a reply that clears the bars; None otherwise."""
        from companion.whisper_recognizer import judge

        text, logprob, no_speech = self._opened().transcribe(pcm, words)
        found = judge(text, logprob, no_speech, listening)
        reply = found.text
        if reply is None or logprob < self.bars.logprob:
            return None
        qtype = listening.qtype
        # Never a yes: with babble 10 and 5 dB below the voice, base took one other word for
        # a yes at each level, and a false yes at "are you safe?" skips the crisis resources.
        # A yes tiny doubted is asked again, or typed.
        if interpret(reply, QuestionType.YES_NO) == Answer(YES):
            return None
        # Steered by the hotwords, base writes a command ("pause", "help") into babble where
        # the question asks for an answer; there only a command question takes one from it.
        if qtype is not QuestionType.CONFIRM and isinstance(
            interpret(reply, qtype, listening.options), Said
        ):
            return None
        return found

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
