"""Voice mode output: every line on screen and spoken; cues and chimes on the same stream."""

from __future__ import annotations

from dataclasses import dataclass

from companion import early_sound, paths
from companion.audio_out import AudioError, AudioOut
from companion.clock import Clock, sleep
from companion.console import TextOut, reading_time
from companion.events import Role
from companion.logs import log
from companion.mixer import faded
from companion.patterns import Pattern, PhaseStart
from companion.sounds import Samples, gained, load_asset, opening_tone
from companion.speech import SpeechError, Synth
from companion.voice.settings import VoiceSettings

CUE_WORD_DELAY = 0.12  # the word follows its tone closely, so the tone marks the boundary
GAP_BEFORE_SPEECH = 0.15  # a breath of silence between lines
LISTEN_TAIL = 0.3  # echoes and room reverb after speech: not a reply


@dataclass
class VoiceResult:
    output: VoiceOut | None
    problem: str = ""


class AudioTimeline:
    """Session time as the speaker plays it: the pacer follows the sound, not the wall."""

    def __init__(self, audio: AudioOut, first: int, t0: float, speed: float) -> None:
        self.audio, self.first, self.t0, self.speed = audio, first, t0, speed

    def monotonic(self) -> float:
        heard = self.audio.frame_heard_now() - self.first
        return self.t0 + heard / self.audio.rate * self.speed


class VoiceOut:
    def __init__(self, audio: AudioOut, synth: Synth | None, clock: Clock,
                 speed: float = 1.0, volume: float = 1.0) -> None:  # fmt: skip
        # No synth: cue tones and chimes only, lines on screen (given time to read them).
        self.audio, self.synth, self.clock, self.speed = audio, synth, clock, speed
        self.volume = volume  # every sound, speech and tones alike, so they stay level
        self.screen = TextOut(clock, pace=synth is None)
        self.tones = {kind: self._gained(load_asset(f"{kind}.wav"))
                      for kind in ("inhale", "hold", "exhale")}  # fmt: skip
        self.chime_sound = self._gained(load_asset("chime.wav"))
        self.failed: str | None = None
        # Script lines may be cached on disk; anything else (the person's closing words,
        # lines with their answers filled in) is rendered in memory only.
        self._script_lines: set[str] = set()

    def _gained(self, samples: Samples) -> Samples:
        return gained(samples, self.volume)

    def opening(self) -> None:
        """A soft tone at once, while the voice loads: the person knows it has started."""
        if not self.failed:
            self.audio.play(opening_tone(self.volume))

    def cacheable(self, text: str, role: Role) -> bool:
        return role is not Role.STATEMENT and text in self._script_lines

    def _fall_back(self, why: str) -> None:
        """Say once that sound stopped, and go on in text mode: nothing is lost."""
        if self.failed is None:
            self.failed = why
            log.warning("sound output failed: %s", why)
            self.screen.say(f"({why} Continuing in text mode.)", Role.NOTE)
            self.screen.pace = True

    def prepare(self, texts: list[str]) -> None:
        self._script_lines.update(texts)
        if self.synth is None:
            return
        for text in texts:
            self.synth.request(text)

    def say(self, text: str, role: Role) -> None:
        self.screen.say(text, role)
        if self.failed or self.synth is None:
            return
        try:
            samples = self._gained(faded(self.synth.render(text, self.cacheable(text, role))))
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
            if self.audio.alive():  # only late (a busy machine): the line plays on
                log.warning("a line of %d characters played late", len(text))
                return
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
        # The bar on screen is drawn from the same frames the cues are placed on.
        self.screen.begin_breathing(pattern, starts, t0,
                                    AudioTimeline(self.audio, first, t0, self.speed))  # fmt: skip
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

    def _cue_words(self, pattern: Pattern, synth: Synth) -> dict[str, Samples]:
        """Each distinct cue word once: a long run repeats the same few words."""
        words: dict[str, Samples] = {}
        for phase in pattern.phases:
            if phase.cue in words:
                continue
            try:
                words[phase.cue] = self._gained(faded(synth.render(phase.cue)))
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
    settings = settings or VoiceSettings()
    # Usually the stream is open already, its opening tone played before the command's
    # modules loaded (early_sound): the person heard at once that it started.
    early = early_sound.take()
    try:
        audio = early or AudioOut()
    except AudioError as e:
        return VoiceResult(None, str(e))
    out = VoiceOut(audio, None, clock, speed, settings.volume)
    if not speak:  # cue tones alone need no engine at all: the first cue plays at once
        return VoiceResult(out)
    # The first sound plays before any model loads; the voice loads while it plays (a model
    # loading beside the stream's opening would slow both on a small machine).
    if early is None:
        out.opening()
    synth = Synth(paths.cache_dir() / "speech", settings)
    try:
        synth.wait_ready()
    except SpeechError as e:
        synth.close()
        # Cue tones and the chime still work: words go on screen.
        problem = f"{e} Words will be on screen (on Debian/Ubuntu: sudo apt-get install espeak-ng)."
        return VoiceResult(out, problem)
    except BaseException:  # Ctrl-C or a signal while the voice loads: close what is open
        synth.close()
        out.close()
        raise
    out.synth = synth
    out.screen.pace = False
    return VoiceResult(out, synth.notice)
