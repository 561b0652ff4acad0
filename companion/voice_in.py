"""Voice replies: one input stream, an endpointer, and one long-lived grammar decoder.

Typed replies keep working beside the voice: both feed one queue, and the first reply wins.
"""

from __future__ import annotations

import hashlib
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from companion import faults
from companion.audio_out import AudioError, import_sounddevice
from companion.channels import Heard, Input, Listening
from companion.console import ConsoleIn, hint
from companion.grammar import phrases
from companion.kept_audio import AudioKeeper
from companion.logs import log

RATE = 16000
FRAME = 480  # 30 ms: the endpointer's frame
PAD_FRAMES = 10  # keep 300 ms before speech starts: the decoder needs the onset
MAX_UTTERANCE = 8.0  # seconds: a reply is short


def pad_with_room_tone(pcm: bytes, seconds: float = 0.3) -> bytes:
    """Silence around the reply, with a faint noise floor: the decoder needs a lead-in, and
    digital zeros (as a virtual or muted microphone gives) throw its feature normalisation."""
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    pad = np.zeros(int(seconds * RATE), dtype=np.float32)
    padded = np.concatenate([pad, samples, pad])
    noise = np.random.default_rng(len(pcm)).normal(0.0, 20.0, len(padded))  # repeatable
    return bytes(np.clip(padded + noise, -32768, 32767).astype("<i2").tobytes())


# A grammar always answers with its nearest phrase, so each hearing is also decoded by a free
# phone loop over the same audio. The grammar's acoustic score per word frame, less the phone
# loop's, says how well the phrase fits. Thresholds measured on real recordings
# (bench/bench_hear.py, ../shared/speech): replies sit near -3.3, distractors near -4.9.
REJECT_BELOW = -4.5  # not a reply
CONFIDENT_FROM = -3.5  # below this a "yes" is never taken as yes
_SILENCES = {"<sil>", "<s>", "</s>", "[NOISE]", "[SPEECH]"}


@dataclass(frozen=True)
class Recognition:
    text: str | None  # None: nothing, or not a reply
    heard: str | None  # what the grammar search decoded, before rejection
    margin: float

    @property
    def confident(self) -> bool:
        return self.margin >= CONFIDENT_FROM


class Recognizer:
    """pocketsphinx with one grammar search per kind of question, built once and kept,
    and a phone loop that checks each hearing."""

    def __init__(self) -> None:
        from pathlib import Path

        import pocketsphinx

        self.decoder = pocketsphinx.Decoder(samprate=RATE, lm=None, loglevel="FATAL")
        phones = Path(pocketsphinx.get_model_path()) / "en-us" / "en-us-phone.lm.bin"
        self.decoder.add_allphone_file("phones", str(phones))
        self._searches: dict[str, str] = {}
        self.lock = threading.Lock()

    def _search(self, listening: Listening) -> str | None:
        wanted = [p for p in phrases(listening) if self._known(p)]
        if not wanted:
            return None
        key = hashlib.sha1("|".join(wanted).encode()).hexdigest()[:12]
        name = self._searches.get(key)
        if name is None:
            name = f"g{key}"
            body = " | ".join(wanted)
            self.decoder.add_jsgf_string(
                name, f"#JSGF V1.0;\ngrammar {name};\npublic <r> = {body};\n"
            )
            self._searches[key] = name
        return name

    def _known(self, phrase: str) -> bool:
        return all(self.decoder.lookup_word(w) is not None for w in phrase.split())

    def _decode(self, search: str, pcm: bytes) -> tuple[str, list[Any]]:
        self.decoder.activate_search(search)
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        return (hyp.hypstr.strip() if hyp is not None else ""), list(self.decoder.seg() or [])

    def hear(self, pcm: bytes, listening: Listening) -> Recognition:
        if faults.on("recognizer-raises"):
            raise RuntimeError("the decoder failed")
        pcm = pad_with_room_tone(pcm)
        with self.lock:
            search = self._search(listening)
            if search is None:
                return Recognition(None, None, float("-inf"))
            text, words = self._decode(search, pcm)
            if not text:
                return Recognition(None, None, float("-inf"))
            _, phones = self._decode("phones", pcm)
        margin = _margin(words, phones)
        return Recognition(text if margin >= REJECT_BELOW else None, text, margin)


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


END = b""  # what a frame source returns once it has ended


class Microphone:
    """The session's one input stream: 16 kHz mono 16-bit, 30 ms blocks into a queue."""

    def __init__(self, device: int | str | None = None) -> None:
        sd = import_sounddevice()
        self.frames: queue.Queue[bytes] = queue.Queue(maxsize=2000)
        self._stop_after = faults.number("input-dies")
        self._opened = self._last_callback = time.monotonic()
        self._sd = sd
        try:
            if faults.on("no-input"):
                raise sd.PortAudioError("Error querying device -1")
            sd.query_devices(device, kind="input")
            self.stream = sd.RawInputStream(samplerate=RATE, channels=1, dtype="int16",
                                            blocksize=FRAME, device=device,
                                            callback=self._callback)  # fmt: skip
            self.stream.start()
        except Exception as e:
            raise AudioError(f"No microphone could be opened ({e}).") from None

    def _callback(self, data: Any, frames: int, time_info: Any, status: Any) -> None:
        if self._stop_after is not None and time.monotonic() - self._opened > self._stop_after:
            raise self._sd.CallbackAbort  # as a microphone that is unplugged
        self._last_callback = time.monotonic()
        try:
            self.frames.put_nowait(bytes(data))
        except queue.Full:
            pass  # nobody is listening right now

    def read(self, wait: float) -> bytes | None:
        """The next frame; None if none came in `wait` seconds; END once the device is gone."""
        try:
            return self.frames.get(timeout=wait)
        except queue.Empty:
            return None if self.alive() else END

    def alive(self) -> bool:
        """The device is still delivering audio (an unplugged one stops calling back)."""
        try:
            active = bool(self.stream.active)
        except Exception:
            return False
        return active and time.monotonic() - self._last_callback < 2.0

    def drain(self) -> None:
        while True:
            try:
                self.frames.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        try:
            self.stream.stop()
            self.stream.close()
        except Exception:
            pass


def capture_utterance(
    frames: Callable[[float], bytes | None],
    timeout: float,
    muted: Callable[[], bool],
    on_open: Callable[[], None] = lambda: None,
) -> bytes | None:
    """Audio of one reply, from just before its onset to its end; None if none began.

    The endpointer decides late (it looks at a window of frames), so the audio comes from
    our own ring of raw frames, which reaches back past the moment it decided.
    """
    from pocketsphinx import Endpointer

    endpointer = Endpointer(window=0.3, ratio=0.9, sample_rate=RATE)
    window_frames = round(0.3 / endpointer.frame_length)
    ring: deque[bytes] = deque(maxlen=window_frames + PAD_FRAMES)
    speech: list[bytes] = []
    deadline = time.monotonic() + timeout
    opened = False
    while True:
        limit = deadline if not speech else deadline + MAX_UTTERANCE
        left = limit - time.monotonic()
        if left <= 0:
            return b"".join(speech) if speech else None
        frame = frames(min(left, 0.1))
        if frame == END:  # the source has ended (a file): no more is coming
            return b"".join(speech) if speech else None
        if frame is None or len(frame) != endpointer.frame_bytes:
            continue
        if muted():
            ring.clear()  # never hear our own voice
            continue
        if not opened:
            opened = True
            on_open()
        endpointer.process(frame)
        if not speech:
            ring.append(frame)
            if endpointer.in_speech:
                speech = list(ring)
        else:
            speech.append(frame)
            if not endpointer.in_speech:
                return b"".join(speech)


class VoiceAndKeys:
    """Replies from the microphone and from the keyboard, whichever comes first."""

    def __init__(self, typed: ConsoleIn, mic: Microphone, recognizer: Recognizer,
                 muted: Callable[[], bool], notice: Callable[[str], None] = lambda _: None,
                 keeper: AudioKeeper | None = None) -> None:  # fmt: skip
        self.typed, self.mic, self.recognizer, self.muted = typed, mic, recognizer, muted
        self.keeper = keeper or AudioKeeper(enabled=False)
        self.notice = notice
        self.voice_lost: str | None = None  # why voice stopped; keys go on alone
        # (request number, reply): typed replies carry 0 and answer whatever is asked.
        self.replies: queue.Queue[tuple[int, Heard | None]] = queue.Queue()
        self._request = 0
        self._closed = threading.Event()
        threading.Thread(target=self._read_keys, name="keys", daemon=True).start()

    def _read_keys(self) -> None:
        while not self._closed.is_set():
            heard = self.typed.read_line()
            if heard is None:  # the end of piped input: voice goes on alone
                return
            self.replies.put((0, heard))

    def _lose_voice(self, why: str) -> None:
        """Say once that voice replies stopped; typed replies go on."""
        if self.voice_lost is None:
            self.voice_lost = why
            log.warning("voice replies stopped: %s", why)
            self.notice(f"{why} Type your replies instead.")

    def listen(self, listening: Listening) -> Heard | None:
        self.typed.show_hint(listening)
        self._request += 1
        request = self._request
        # Not compressed by --speed: nobody can answer faster out loud.
        deadline = time.monotonic() + listening.timeout
        done = threading.Event()
        if self.voice_lost is None:
            self.mic.drain()
            threading.Thread(target=self._voice, args=(request, listening, deadline, done),
                             daemon=True).start()  # fmt: skip
        try:
            while True:
                left = max(0.0, deadline - time.monotonic()) + 0.5
                number, heard = self.replies.get(timeout=left)
                if number in (0, request):  # a late voice result of an earlier question is stale
                    return heard
        except queue.Empty:
            return None
        finally:
            done.set()

    def _voice(self, request: int, listening: Listening, deadline: float,
               done: threading.Event) -> None:  # fmt: skip
        try:
            self._hear_until(request, listening, deadline, done)
        except Exception as e:  # whatever fails here costs the voice, never the session
            log.exception("listening failed")
            self._lose_voice(f"Listening stopped working ({e}).")

    def _hear_until(self, request: int, listening: Listening, deadline: float,
                    done: threading.Event) -> None:  # fmt: skip
        while not done.is_set() and time.monotonic() < deadline:
            pcm = capture_utterance(
                self.mic.read, max(0.0, deadline - time.monotonic()),
                lambda: self.muted() or done.is_set(), lambda: self._opened(listening),
            )  # fmt: skip
            if pcm is None and not self.mic.alive():
                self._lose_voice("The microphone stopped working.")
                return  # the keys answer this question, until its timeout
            if pcm is None or done.is_set():
                break
            self.keeper.keep(pcm)
            try:
                found = self.recognizer.hear(pcm, listening)
            except Exception as e:  # a recogniser fault costs the voice, not the session
                self._lose_voice(f"Speech recognition stopped working ({e}).")
                return
            log.info("heard %r (margin %.2f)", found.heard, found.margin)
            if found.text and not done.is_set():
                self.typed.echo_line(f"  (heard: {found.text})")
                self.replies.put((request, Heard(found.text, "voice", found.confident)))
                return
        if not done.is_set():
            self.replies.put((request, None))

    def _opened(self, listening: Listening) -> None:
        if not self.typed.tty:  # in a terminal the typed hint already shows it
            self.typed.echo_line(f"  (listening: {hint(listening)})")

    def close(self) -> None:
        self._closed.set()
        self.mic.close()


class OpeningInput:
    """Opens the microphone and recogniser in the background (they are not needed until the
    first question, and the first words should not wait for them); keys work meanwhile."""

    def __init__(self, typed: ConsoleIn, muted: Callable[[], bool],
                 notice: Callable[[str], None], keeper: AudioKeeper) -> None:  # fmt: skip
        self.typed, self.notice = typed, notice
        self._result: tuple[Input | None, str] = (None, "")
        self._thread = threading.Thread(
            target=lambda: setattr(self, "_result",
                                   open_listening(typed, muted, notice, keeper)),
            name="open-listening", daemon=True,
        )  # fmt: skip
        self._thread.start()
        self._chosen: Input | None = None

    def _input(self) -> Input:
        if self._chosen is None:
            self._thread.join()
            listener, problem = self._result
            if listener is None:
                self.notice(f"{problem} Type your replies instead.")
            self._chosen = listener or self.typed
        return self._chosen

    def listen(self, listening: Listening) -> Heard | None:
        return self._input().listen(listening)

    def close(self) -> None:
        self._thread.join(timeout=5)
        if self._chosen is None and self._result[0] is not None:
            self._result[0].close()
        elif self._chosen is not None:
            self._chosen.close()


def open_listening(typed: ConsoleIn, muted: Callable[[], bool],
                   notice: Callable[[str], None],
                   keeper: AudioKeeper) -> tuple[Input | None, str]:  # fmt: skip
    """Voice and keys if a microphone exists; otherwise what is missing."""
    try:
        recognizer = Recognizer()
    except Exception as e:
        return None, f"Speech recognition is not available ({e})."
    try:
        mic = Microphone()
    except AudioError as e:
        return None, str(e)
    return VoiceAndKeys(typed, mic, recognizer, muted, notice, keeper), ""
