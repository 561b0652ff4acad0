"""The fallback recogniser, for when the Whisper model cannot be loaded: pocketsphinx, a
grammar search per kind of question, checked by a phone loop.

Both run while the reply is being spoken, frame by frame, so that when the speaker stops
there is almost nothing left to decode.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from companion import faults
from companion.channels import Listening
from companion.grammar import phrases
from companion.recognition import NOTHING, RATE, Recognition

# Seconds of faint noise before a reply (the decoders need a lead-in), the same for both
# searches so that their frames line up; and after it for the grammar search, as a reply
# ends at a short pause. Both measured best on real recordings.
ROOM_TONE = 0.3
GRAMMAR_TAIL = 0.6
ROOM_TONE_LEVEL = 20.0  # digital zeros (a virtual or muted microphone) throw its normalisation

# A grammar always answers with its nearest phrase, so each hearing is also decoded by a free
# phone loop over the same audio. The grammar's acoustic score per word frame, less the phone
# loop's, says how well the phrase fits. Thresholds measured on real recordings
# (bench/bench_hear.py, ../shared/speech): at -4.25 about one unrelated word in five gets
# through; at -3.5 about one in twenty, which is the bar for taking a "yes" as yes.
REJECT_BELOW = -4.25  # not a reply
CONFIDENT_FROM = -3.5  # below this a "yes" is never taken as yes
_SILENCES = {"<sil>", "<s>", "</s>", "[NOISE]", "[SPEECH]"}


@dataclass(frozen=True)
class _Search:
    name: str
    replies: frozenset[str]  # every phrase of the grammar
    unfinished: frozenset[str]  # the phrases some longer phrase starts with ("go" of "go on")


class Recognizer:
    """pocketsphinx, built once and kept: one decoder holding a grammar search per kind of
    question, and a second one running the phone loop beside it."""

    name = "pocketsphinx (fallback)"

    def __init__(self) -> None:
        from pathlib import Path

        import pocketsphinx

        self.grammar = pocketsphinx.Decoder(samprate=RATE, lm=None, loglevel="FATAL")
        self.phones = pocketsphinx.Decoder(samprate=RATE, lm=None, loglevel="FATAL")
        loop = Path(pocketsphinx.get_model_path()) / "en-us" / "en-us-phone.lm.bin"
        self.phones.add_allphone_file("phones", str(loop))
        self.phones.activate_search("phones")
        self._searches: dict[str, _Search] = {}
        self.lock = threading.Lock()

    def _search(self, listening: Listening) -> _Search | None:
        wanted = [p for p in phrases(listening) if self._known(p)]
        if not wanted:
            return None
        key = hashlib.sha1("|".join(wanted).encode()).hexdigest()[:12]
        search = self._searches.get(key)
        if search is None:
            name = f"g{key}"
            body = " | ".join(wanted)
            self.grammar.add_jsgf_string(
                name, f"#JSGF V1.0;\ngrammar {name};\npublic <r> = {body};\n"
            )
            unfinished = {" ".join(p.split()[:n]) for p in wanted for n in range(1, len(p.split()))}
            search = _Search(name, frozenset(wanted), frozenset(unfinished))
            self._searches[key] = search
        return search

    def _known(self, phrase: str) -> bool:
        return all(self.grammar.lookup_word(w) is not None for w in phrase.split())

    def decoding(self, listening: Listening) -> Decoding:
        """Decode one reply as it arrives: `with recognizer.decoding(q) as d: d.feed(...)`."""
        return Decoding(self, listening)


class Decoding:
    """One reply, decoded as it is spoken. The phone loop takes each frame as it arrives; the
    grammar search, which is quick and needs the whole reply to normalise its features, runs
    over the audio so far whenever the speaker pauses. Holds the recogniser until done."""

    def __init__(self, recognizer: Recognizer, listening: Listening) -> None:
        import numpy as np

        self._rec = recognizer
        self._listening = listening
        self._search: _Search | None = None
        self._started = False
        self._done = False
        self._noise = np.random.default_rng(0)  # room tone, the same for every hearing
        self._decoded: tuple[int, str, list[Any]] | None = None  # (bytes decoded, text, words)

    def __enter__(self) -> Decoding:
        self._rec.lock.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        try:
            if self._started and not self._done:  # abandoned half way: leave it idle
                self._rec.phones.end_utt()
        finally:
            self._rec.lock.release()

    def _phones(self, pcm: bytes) -> None:
        if pcm:  # pocketsphinx rejects an empty buffer
            self._rec.phones.process_raw(self._room_tone(pcm), False, False)

    def _room_tone(self, pcm: bytes) -> bytes:
        import numpy as np

        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
        noisy = samples + self._noise.normal(0.0, ROOM_TONE_LEVEL, len(samples))
        return bytes(np.clip(noisy, -32768, 32767).astype("<i2").tobytes())

    def feed(self, pcm: bytes) -> None:
        """More of the reply, for the phone loop now."""
        if not self._started:
            if faults.on("recognizer-raises"):
                raise RuntimeError("the decoder failed")
            self._search = self._rec._search(self._listening)
            if self._search is None:
                return
            self._rec.phones.start_utt()
            self._started = True
            self._phones(_silence(ROOM_TONE))
        self._phones(pcm)

    def _grammar(self, pcm: bytes) -> tuple[str, list[Any]]:
        """The grammar's hearing of the reply so far (kept, as a pause and the end may ask
        about the same audio)."""
        assert self._search is not None
        if self._decoded is None or self._decoded[0] != len(pcm):
            grammar = self._rec.grammar
            grammar.activate_search(self._search.name)
            grammar.start_utt()
            lead, tail = _silence(ROOM_TONE), _silence(GRAMMAR_TAIL)
            grammar.process_raw(self._room_tone(lead + pcm + tail), full_utt=True)
            grammar.end_utt()
            hyp = grammar.hyp()
            text = hyp.hypstr.strip() if hyp is not None else ""
            self._decoded = (len(pcm), text, list(grammar.seg() or []))
        return self._decoded[1], self._decoded[2]

    def whole_reply(self, pcm: bytes) -> bool:
        """What has been said so far is a whole reply that nothing longer continues, so a
        short pause ends it ("seven" may end early; "go" may yet become "go on")."""
        if not self._started or self._search is None:
            return False
        text, _ = self._grammar(pcm)
        return text in self._search.replies and text not in self._search.unfinished

    def finish(self, pcm: bytes) -> Recognition:
        """The reply is over (`pcm` is all of it): what it was, or NOTHING."""
        if not self._started or self._done:
            return NOTHING
        text, words = self._grammar(pcm)
        self._done = True
        self._rec.phones.end_utt()
        if not text:
            return NOTHING
        margin = _margin(words, list(self._rec.phones.seg() or []))
        if margin < REJECT_BELOW:
            # A grammar always names some phrase: a rejected one says nothing of what was said.
            return Recognition(None, None, margin)
        return Recognition(text, text, margin, confident=margin >= CONFIDENT_FROM)


def _silence(seconds: float) -> bytes:
    return bytes(int(seconds * RATE) * 2)


def _log_score(density: float) -> float:
    return math.log(density) if density > 0 else -700.0


def _margin(words: list[Any], phones: list[Any]) -> float:
    """Per word frame: the grammar's acoustic log score less the phone loop's, same frames."""
    spoken = [s for s in words if s.word not in _SILENCES]
    frames = int(sum(s.end_frame - s.start_frame + 1 for s in spoken))
    if not spoken or frames <= 0:
        return float("-inf")
    lo, hi = min(s.start_frame for s in spoken), max(s.end_frame for s in spoken)
    grammar = sum(_log_score(float(s.ascore)) for s in spoken)
    loop = 0.0
    for s in phones:
        overlap = min(hi, s.end_frame) - max(lo, s.start_frame) + 1
        if overlap > 0:
            loop += _log_score(float(s.ascore)) * overlap / (s.end_frame - s.start_frame + 1)
    return (grammar - loop) / frames
