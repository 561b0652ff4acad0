"""The person's settings: config.toml in the data directory, overridden by options."""

from __future__ import annotations

from dataclasses import dataclass

from companion import paths, tomlfile
from companion.voice.settings import VoiceSettings

CONFIG_FILE = "config.toml"


@dataclass(frozen=True)
class VoiceChoice:
    """What the options said; None leaves the config file's (or the default) value."""

    voice: str | None = None
    rate: int | None = None
    soft: bool | None = None
    volume: float | None = None  # 0.05 to 1.0 of full output


def voice_settings(choice: VoiceChoice, warn: list[str] | None = None) -> VoiceSettings:
    """[voice] in config.toml (voice, rate, soft, volume), then the options on top."""
    path = paths.data_dir() / CONFIG_FILE
    raw: object = {}
    if tomlfile.present(path):
        try:
            raw = tomlfile.read_toml(path).get("voice", {})
        except tomlfile.NotToml as e:  # a typo: named, and the defaults used
            if warn is not None:
                warn.append(tomlfile.mistake(path, e.problem))
    table: dict[str, object] = raw if isinstance(raw, dict) else {}
    base = VoiceSettings()
    voice = choice.voice or (table.get("voice") if isinstance(table.get("voice"), str) else None)
    rate_value = choice.rate if choice.rate is not None else table.get("rate")
    rate = rate_value if isinstance(rate_value, int) and 60 <= rate_value <= 400 else base.rate
    soft_value = choice.soft if choice.soft is not None else table.get("soft")
    volume_value = choice.volume if choice.volume is not None else table.get("volume")
    volume = (float(volume_value) if isinstance(volume_value, (int, float))
              and not isinstance(volume_value, bool) and 0.05 <= volume_value <= 1.0
              else base.volume)  # fmt: skip
    settings = VoiceSettings(str(voice) if voice else None, rate, volume)
    return settings.softened() if soft_value is True else settings
