"""Voice mode output: every line on screen and spoken; cues and chimes on the same stream."""

from __future__ import annotations

from dataclasses import dataclass

from companion import paths
from companion.audio_out import AudioError, AudioOut
from companion.clock import Clock, sleep
from companion.console import TextOut, reading_time
from companion.events import Role
from companion.logs import log
from companion.mixer import faded
from companion.patterns import Pattern, PhaseStart
from companion.sounds import Samples, load_asset
from companion.speech import SpeechError, Synth, VoiceSettings

CUE_WORD_DELAY = 0.12  # the word follows its tone closely, so the tone marks the boundary
GAP_BEFORE_SPEECH = 0.15  # a breath of silence between lines
LISTEN_TAIL = 0.3  # echoes and room reverb after speech: not a reply


@dataclass
class VoiceResult:
    output: VoiceOut | None
    problem: str = ""


class VoiceOut:
    def __init__(self, audio: AudioOut, synth: Synth | None, clock: Clock,
                 speed: float = 1.0) -> None:  # fmt: skip
        # No synth: cue tones and chimes only, lines on screen (given time to read them).
        self.audio, self.synth, self.clock, self.speed = audio, synth, clock, speed
        self.screen = TextOut(clock, pace=synth is None)
        self.tones = {kind: load_asset(f"{kind}.wav") for kind in ("inhale", "hold", "exhale")}
        self.chime_sound = load_asset("chime.wav")
        self.failed: str | None = None

    def _fall_back(self, why: str) -> None:
        """Say once that sound stopped, and go on in text mode: nothing is lost."""
        if self.failed is None:
            self.failed = why
            log.warning("sound output failed: %s", why)
            self.screen.say(f"({why} Continuing in text mode.)", Role.NOTE)
            self.screen.pace = True

    def prepare(self, texts: list[str]) -> None:
        if self.synth is None:
            return
        for text in texts:
            self.synth.request(text)

    def say(self, text: str, role: Role) -> None:
        self.screen.say(text, role)
        if self.failed or self.synth is None:
            return
        try:
            samples = faded(self.synth.render(text))
        except (SpeechError, OSError) as e:
            log.warning("could not speak a line of %d characters (%s)", len(text), type(e).__name__)
            sleep(self.clock, reading_time(text))  # read it instead
            return
        mixer = self.audio.mixer
        # A breath of silence after whatever is still playing; none if nothing is.
        after = mixer.busy_until()
        start = after + round(GAP_BEFORE_SPEECH * self.audio.rate) if after > mixer.frame else None
        playing = self.audio.play(samples, start)
        if not self.audio.wait(playing, len(samples) / self.audio.rate + 3.0):
            self._fall_back("The sound output stopped working.")

    def speaking(self) -> bool:
        """Sound is playing or about to (plus a short tail): a listener must not hear it."""
        if self.failed:
            return False
        tail = round(LISTEN_TAIL * self.audio.rate)
        return self.audio.mixer.last_end + tail > self.audio.frame_heard_now()

    def show(self, lines: list[str], title: str) -> None:
        self.screen.show(lines, title)

    def begin_breathing(self, pattern: Pattern, starts: list[PhaseStart], t0: float) -> None:
        """Place every cue of the run on the stream's sample clock, from one anchor."""
        if self.failed:
            return
        words = self._cue_words(pattern, self.synth) if self.synth else {}
        lead = max(0.0, t0 - self.clock.monotonic()) / self.speed
        first = self.audio.frame_heard_now() + round((lead + self.audio.latency) * self.audio.rate)
        first = max(first, self.audio.mixer.frame)
        for start in starts:
            at = first + round(start.at / self.speed * self.audio.rate)
            self.audio.play(self.tones[start.phase.kind.value], at)
            word = words.get(start.phase.cue)
            if word is not None:
                self.audio.play(word, at + round(CUE_WORD_DELAY * self.audio.rate))

    def end_breathing(self) -> None:
        """q pressed while breathing: the cues placed ahead fade out instead of playing on."""
        if not self.failed:
            self.audio.mixer.cancel_all()
        self.screen.end_breathing()

    @staticmethod
    def _cue_words(pattern: Pattern, synth: Synth) -> dict[str, Samples]:
        """Each distinct cue word once: a long run repeats the same few words."""
        words: dict[str, Samples] = {}
        for phase in pattern.phases:
            if phase.cue in words:
                continue
            try:
                words[phase.cue] = faded(synth.render(phase.cue))
            except (SpeechError, OSError):
                pass  # the tone still marks the phase
        return words

    def cue(self, start: PhaseStart, pattern: Pattern, at: float) -> None:
        self.screen.cue(start, pattern, at)
        if not self.failed and not self.audio.alive():
            self._fall_back("The sound output stopped working.")

    def chime(self) -> None:
        self.screen.chime()
        if not self.failed:
            playing = self.audio.play(self.chime_sound)
            self.audio.wait(playing, 5.0)

    def countdown(self, seconds_left: float, total: float) -> None:
        self.screen.countdown(seconds_left, total)

    def close(self) -> None:
        self.screen.close()
        self.audio.close()
        if self.synth is not None:
            self.synth.close()


def open_voice(
    clock: Clock, speed: float = 1.0, settings: VoiceSettings | None = None, speak: bool = True
) -> VoiceResult:
    """Voice output if a sound device and a speech voice exist; otherwise what is missing."""
    # The engine starts on its own thread while the stream opens: neither waits for the other.
    # Cue tones alone need no engine at all.
    synth = Synth(paths.cache_dir() / "speech", settings or VoiceSettings()) if speak else None
    try:
        audio = AudioOut()
    except AudioError as e:
        if synth is not None:
            synth.close()
        return VoiceResult(None, str(e))
    if synth is None:
        return VoiceResult(VoiceOut(audio, None, clock, speed))
    try:
        synth.wait_ready()
    except SpeechError as e:
        synth.close()
        # Cue tones and the chime still work: words go on screen.
        problem = f"{e} Words will be on screen (on Debian/Ubuntu: sudo apt-get install espeak-ng)."
        return VoiceResult(VoiceOut(audio, None, clock, speed), problem)
    return VoiceResult(VoiceOut(audio, synth, clock, speed))
