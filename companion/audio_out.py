"""The one output stream of a session (sounddevice), opened once; everything plays through it."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import numpy as np

from companion import faults
from companion.liveness import still_calling_back
from companion.logs import log
from companion.mixer import Mixer, Playing
from companion.sounds import RATE, Samples

# Cues are placed ahead on the sample clock, so a roomy buffer costs no timing accuracy and
# keeps a busy machine from running the stream dry.
OUTPUT_LATENCY = 0.1


class AudioError(Exception):
    """No sound output, with what is missing and how to fix it."""


def _quiet_alsa() -> None:
    """libasound prints its own notices (e.g. 'underrun occurred') on stderr: not for the
    person using companion. Underruns are counted from the stream's status instead."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("asound")
    if not name:
        return
    try:
        lib = ctypes.CDLL(name)
        handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                        ctypes.c_int, ctypes.c_char_p)  # fmt: skip
        global _ALSA_HANDLER
        _ALSA_HANDLER = handler_type(lambda *args: None)
        lib.snd_lib_error_set_handler(_ALSA_HANDLER)
    except (OSError, AttributeError):
        pass


_ALSA_HANDLER: Any = None


def import_sounddevice() -> Any:
    if _ALSA_HANDLER is None and sys.platform.startswith("linux"):
        _quiet_alsa()
    try:
        if faults.on("no-portaudio"):
            raise OSError("libportaudio.so.2: cannot open shared object file")
        import sounddevice
    except OSError:
        raise AudioError(
            "The sound library PortAudio is missing "
            "(on Debian/Ubuntu: sudo apt-get install libportaudio2)."
        ) from None
    except ImportError:
        raise AudioError("The sounddevice package is not installed.") from None
    return sounddevice


class AudioOut:
    def __init__(self, rate: int = RATE, device: int | str | None = None,
                 first: Samples | None = None) -> None:  # fmt: skip
        """`first`: a sound in the mixer before the stream starts, so the very first block
        the device asks for already carries it."""
        sd = import_sounddevice()
        self.rate = rate
        self.mixer = Mixer(rate)
        if first is not None:
            self.mixer.add(first)
        self.underruns = 0
        self.first_sound: float | None = None  # time.monotonic() the first sample is heard
        self._anchor: tuple[int, float] | None = None  # (frame, stream time it is heard)
        self._last_callback = time.monotonic()
        self._started = threading.Event()
        self._stop_after = faults.number("output-dies")
        self._opened = time.monotonic()
        self._sd = sd
        try:
            if faults.on("no-output"):
                raise sd.PortAudioError("Error querying device -1")
            sd.query_devices(device, kind="output")
            self.stream = sd.OutputStream(
                samplerate=rate, channels=1, dtype="float32", device=device,
                callback=self._callback, latency=OUTPUT_LATENCY,
            )  # fmt: skip
            self.stream.start()
        except Exception as e:  # PortAudioError, ValueError: no usable device
            raise AudioError(f"No sound output device could be opened ({e}).") from None
        if not self._started.wait(3.0):
            self.close()
            raise AudioError("The sound output device did not start.")

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        if status.output_underflow:
            self.underruns += 1
        if self._stop_after is not None and time.monotonic() - self._opened > self._stop_after:
            raise self._sd.CallbackAbort  # as a device that vanishes
        first = self.mixer.frame
        block = self.mixer.render(frames)
        outdata[:, 0] = block
        dac = time_info.outputBufferDacTime or (self.stream.time + self.stream.latency)
        self._anchor = (first, dac)
        self._last_callback = time.monotonic()
        if self.first_sound is None and block.any():
            # When the first sample reaches the speaker, on this process's monotonic clock
            # (the stream's own clock may have another origin): what bench_first_sound reads.
            at = int(np.flatnonzero(block)[0])
            now = time_info.currentTime or self.stream.time
            self.first_sound = self._last_callback + (dac - now) + at / self.rate
        self._started.set()

    @property
    def latency(self) -> float:
        return float(self.stream.latency)

    def frame_heard_now(self) -> int:
        """The frame reaching the speaker at this moment, on the stream's own clock."""
        anchor = self._anchor
        if anchor is None:
            return self.mixer.frame
        frame, dac = anchor
        try:
            now = float(self.stream.time)
        except Exception:  # a closed or vanished stream has no time: nothing is playing
            return self.mixer.frame
        return frame + round((now - dac) * self.rate)

    def play(self, samples: Samples, start: int | None = None) -> Playing:
        return self.mixer.add(samples, start)

    def alive(self) -> bool:
        """The device is still asking for audio (a vanished device stops calling back)."""
        return still_calling_back(bool(self.stream.active), lambda: self._last_callback)

    def wait(self, playing: Playing, timeout: float) -> bool:
        """Until the sound has been heard; False if the device stopped on the way."""
        deadline = time.monotonic() + timeout
        while not playing.done.wait(0.1):
            if time.monotonic() > deadline or not self.alive():
                return False
        time.sleep(min(self.latency, 0.5))  # the last block is still travelling to the speaker
        return True

    def close(self) -> None:
        log.info("sound output closed after %d frames, %d underruns", self.mixer.frame,
                 self.underruns)  # fmt: skip
        if self.first_sound is not None:
            log.info("first sound heard at monotonic %.4f", self.first_sound)
        try:
            self.mixer.cancel_all()
            time.sleep(min(self.latency + 0.02, 0.3))  # let the fade-out play
            self.stream.stop()
            self.stream.close()
        except Exception:
            pass
