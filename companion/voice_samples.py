"""`companion voices`: the voices by engine, and a sample line in one of them."""

from __future__ import annotations

from collections.abc import Callable

SAMPLE_LINE = "I'm here with you. Let's take a slow breath together."


def show_voices(echo: Callable[[str], None]) -> int:
    from companion.voice.catalog import ENGINE_TITLES, all_voices, default_voice

    found = all_voices()
    if not found:
        echo("No speech voices were found (on Debian/Ubuntu: sudo apt-get install espeak-ng). "
             "companion still works in text mode.")  # fmt: skip
        return 1
    default = default_voice()
    for engine, title in ENGINE_TITLES.items():
        group = [v for v in found if v.engine == engine]
        if not group:
            continue
        echo(title)
        for v in group:
            mark = "*" if v.name == default else " "
            echo(f"  {mark} {v.name:<24} {v.description}")
    if default is None:
        echo("The system engine's own voice is the default.")
    else:
        echo(f"* the default. Try one: companion voices --sample {default}")
    return 0


def play_sample(name: str, echo: Callable[[str], None]) -> int:
    from companion import paths
    from companion.audio_out import AudioError, AudioOut
    from companion.speech import SpeechError, Synth
    from companion.voice.settings import VoiceSettings

    synth = Synth(paths.cache_dir() / "speech", VoiceSettings(voice=name))
    try:
        synth.wait_ready()
        if synth.notice:
            echo(f"({synth.notice})")
        samples = synth.render(SAMPLE_LINE)
        audio = AudioOut()
    except (SpeechError, AudioError) as e:
        echo(f"companion: the sample cannot be played: {e}")
        return 1
    finally:
        synth.close()
    echo(f"{name}: {SAMPLE_LINE}")
    try:
        playing = audio.play(samples * VoiceSettings().volume)
        audio.wait(playing, len(samples) / audio.rate + 3.0)
    finally:
        audio.close()
    return 0
