"""The opening tone plays before the command line's modules load, but only for a command line
that surely starts a session with sound: anything else waits for the command to judge it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from companion import early_sound, faults
from companion.early_sound import Request, wanted
from tests.pulse import PrivatePulse


@pytest.mark.parametrize(
    ("argv", "request_"),
    [
        (["ground"], Request()),
        (["breathe"], Request()),
        (["ground", "--soft"], Request(soft=True)),
        (["ground", "--volume", "0.4"], Request(volume=0.4)),
        (["ground", "--volume=0.4", "--soft"], Request(soft=True, volume=0.4)),
        (["ground", "--they-left", "--speed", "50", "--no-listen"], Request()),
        (["ground", "-s", "my-script.toml", "--keep-audio"], Request()),
        (["breathe", "-p", "box", "-m", "2", "--rate", "120"], Request()),
    ],
)
def test_a_session_with_sound_gets_the_early_tone(argv: list[str], request_: Request) -> None:
    assert wanted(argv) == request_


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["history"],
        ["replay", "1"],
        ["voices", "--sample", "joe"],
        ["ground", "--text"],
        ["ground", "--voice-off"],
        ["breathe", "--text"],
        ["ground", "--help"],
        ["ground", "--voice", "jo"],  # a voice the command must check first
        ["ground", "--volume", "3"],  # out of range: the command explains, no sound first
        ["ground", "--volume", "nan"],
        ["ground", "--volume"],
        ["ground", "--speed", "0"],
        ["breathe", "--minutes", "500"],
        ["breathe", "--they-left"],  # an option of the other command
        ["ground", "--minutes", "5"],
        ["ground", "--script"],
        ["ground", "--script", "--soft"],
        ["ground", "--sfot"],
        ["ground", "extra"],
    ],
)
def test_anything_else_waits_for_the_command(argv: list[str]) -> None:
    assert wanted(argv) is None


@pytest.mark.audio
def test_the_tone_plays_through_the_stream_the_session_keeps_before_the_cli_loads(
    pulse: PrivatePulse, private_home: Path
) -> None:
    probe = (
        "import sys\n"
        "from companion import early_sound\n"
        "early_sound.begin(['ground', '--soft'])\n"
        "audio = early_sound.take()\n"
        "print(audio is not None, early_sound.take() is None,\n"
        "      [m for m in ('typer', 'companion.cli', 'companion.session') if m in sys.modules])\n"
        "audio.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "COMPANION_HOME": str(private_home)})  # fmt: skip
    assert done.stdout.split("\n")[0] == "True True []", done.stdout + done.stderr


def test_without_a_sound_device_nothing_is_opened_early(
    private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_FAULTS", "no-output")
    faults._active.cache_clear()
    try:
        early_sound.begin(["ground"])
        assert early_sound.take() is None
    finally:
        faults._active.cache_clear()
