"""The `companion` command. Heavy modules are imported inside commands so it starts fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from companion import __version__

if TYPE_CHECKING:  # for annotations only: the modules load when a command needs them
    from companion.runner import Settings
    from companion.script import Script

app = typer.Typer(
    help="A calm companion for when you are flooded: breathe, settle, plan a calm way back.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
scripts_app = typer.Typer(help="List, show and check session scripts.", no_args_is_help=True)
app.add_typer(scripts_app, name="scripts")

SpeedOption = Annotated[
    float,
    typer.Option("--speed", min=0.01, max=10000, help="Run waits and breathing N times faster."),
]
TextOption = Annotated[bool, typer.Option("--text", help="Print and type instead of speaking.")]
VoiceOption = Annotated[
    str | None, typer.Option("--voice", help="A voice id from `companion voices`.")
]  # fmt: skip
RateOption = Annotated[
    int | None, typer.Option("--rate", min=60, max=400, help="Speaking rate, words a minute.")
]  # fmt: skip
SoftOption = Annotated[bool, typer.Option("--soft", help="Quieter and slower, near a whisper.")]
VolumeOption = Annotated[
    float | None, typer.Option("--volume", min=0.05, max=1.0, help="Loudness, 0.05 to 1.0.")
]  # fmt: skip
VoiceOffOption = Annotated[
    bool, typer.Option("--voice-off", help="Cue tones only: words on screen, replies typed.")
]  # fmt: skip


def _settings(text: bool, speed: float, voice: str | None, rate: int | None, soft: bool,
              volume: float | None = None, **more: bool) -> Settings:  # fmt: skip
    from companion.config import VoiceChoice, voice_settings
    from companion.runner import Settings, notice

    if voice is not None:
        _check_voice(voice)
    warnings: list[str] = []
    chosen = voice_settings(VoiceChoice(voice, rate, soft or None, volume), warnings)
    for warning in warnings:
        notice(warning)
    return Settings(text=text, speed=speed, voice=chosen, **more)


def _check_voice(name: str) -> None:
    from companion.voice.catalog import UnknownVoice, check_voice

    try:
        check_voice(name)
    except UnknownVoice as e:
        raise _fail(f"companion: {e}", 2) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"companion {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Run `companion ground` when you feel flooded."""


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _load(script: str) -> Script:
    from companion.script import ScriptError, find_script, load_script

    try:
        return load_script(find_script(script))
    except ScriptError as e:
        raise _fail(f"companion: this script cannot be used.\n  {e}", 2) from None


@app.command()
def ground(
    script: Annotated[
        str, typer.Option("--script", "-s", help="A bundled script's name, or a TOML file.")
    ] = "ground",
    text: TextOption = False,
    speed: SpeedOption = 1.0,
    listen: Annotated[
        bool, typer.Option("--listen/--no-listen", help="Hear spoken replies (keys always work).")
    ] = True,
    voice_off: VoiceOffOption = False,
    keep_audio: Annotated[
        bool, typer.Option("--keep-audio", help="Keep recordings of your spoken replies.")
    ] = False,
    voice: VoiceOption = None,
    rate: RateOption = None,
    soft: SoftOption = False,
    volume: VolumeOption = None,
) -> None:
    """Start a grounding session: breathe, settle, plan a calm way back."""
    from companion.runner import run_session

    loaded = _load(script)
    settings = _settings(text, speed, voice, rate, soft, volume, listen=listen,
                         speak=not voice_off, keep_audio=keep_audio)  # fmt: skip
    raise typer.Exit(run_session(loaded, settings))


@app.command()
def breathe(
    pattern: Annotated[
        str, typer.Option("--pattern", "-p", help="cyclic-sigh, paced, box, 4-7-8, or your own.")
    ] = "cyclic-sigh",
    minutes: Annotated[float, typer.Option("--minutes", "-m", min=0.1, max=120)] = 5.0,
    text: TextOption = False,
    speed: SpeedOption = 1.0,
    voice_off: VoiceOffOption = False,
    voice: VoiceOption = None,
    rate: RateOption = None,
    soft: SoftOption = False,
    volume: VolumeOption = None,
) -> None:
    """Breathe with cues, nothing else: no questions."""
    from pathlib import Path

    from companion.runner import run_session
    from companion.script import ScriptError, parse_script

    try:
        script = parse_script(Path("breathe"), {
            "title": "Breathe",
            "steps": [{"breathe": pattern, "minutes": minutes},
                      {"say": "Well done. Take a moment before you go on.", "pause": 0}],
        })  # fmt: skip
    except ScriptError as e:
        raise _fail(f"companion: {e.problem}", 2) from None
    settings = _settings(text, speed, voice, rate, soft, volume, listen=False,
                         speak=not voice_off)  # fmt: skip
    raise typer.Exit(run_session(script, settings))


@app.command()
def hear(
    files: Annotated[list[Path], typer.Argument(help="WAV files, one reply each.")],
    question: Annotated[
        str, typer.Option("--question", "-q", help="yes-no, scale, command or time.")
    ] = "yes-no",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Print the reply heard in each file (the live path, fed from a file)."""
    import json
    import wave

    from companion.hearing import QUESTIONS, hear_file
    from companion.recognizer import Recognizer

    if question not in QUESTIONS:
        raise _fail(f"companion: --question must be one of {', '.join(QUESTIONS)}", 2)
    recognizer = Recognizer()
    failed = 0
    for path in files:
        try:
            found = hear_file(path, QUESTIONS[question], recognizer)
        except (OSError, EOFError, ValueError, wave.Error) as e:
            typer.echo(f"{path}: cannot be read as a WAV file ({e})", err=True)
            failed += 1
            continue
        if as_json:
            margin = None if found.margin == float("-inf") else round(found.margin, 3)
            typer.echo(json.dumps({"path": found.path, "reply": found.reply,
                                   "heard": found.heard, "margin": margin,
                                   "decode_ms": round(found.seconds * 1000, 1)}))  # fmt: skip
        else:
            typer.echo(f"{found.path}\t{found.reply or '-'}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def forget(
    session: Annotated[str | None, typer.Argument(help="A session number.")] = None,
    all_sessions: Annotated[bool, typer.Option("--all", help="Every session.")] = False,
) -> None:
    """Delete a session (or all of them) from your history."""
    from companion.replay import forget_sessions

    if (session is None) == (not all_sessions):
        raise _fail("companion: name one session number, or --all", 2)
    raise typer.Exit(forget_sessions(None if all_sessions else session))


@app.command()
def doctor(
    mic: Annotated[
        bool, typer.Option("--mic", help="Check the microphone: level, then 'yes'.")
    ] = False,
) -> None:
    """Check speech, sound and microphone, and show where your data lives."""
    from companion.doctor import microphone_check, report

    missing = report()
    if mic:
        missing += 0 if microphone_check() else 1
    raise typer.Exit(1 if missing else 0)


@app.command()
def voices(
    sample: Annotated[
        str | None, typer.Option("--sample", metavar="NAME", help="Play a line in this voice.")
    ] = None,
) -> None:
    """List the voices companion can speak with, by engine; * marks the default."""
    from companion.voice_samples import play_sample, show_voices

    if sample is None:
        raise typer.Exit(show_voices(typer.echo))
    _check_voice(sample)
    raise typer.Exit(play_sample(sample, typer.echo))


@app.command()
def replay(
    session: Annotated[str, typer.Argument(help="'last' or a session number.")] = "last",
    full: Annotated[
        bool, typer.Option("--full", help="Replay every line, as it was paced.")
    ] = False,
    text: TextOption = False,
    speed: SpeedOption = 1.0,
    voice: VoiceOption = None,
    rate: RateOption = None,
    soft: SoftOption = False,
    volume: VolumeOption = None,
) -> None:
    """Say your closing words again (--full: the whole session)."""
    from companion.replay import replay_session

    settings = _settings(text, speed, voice, rate, soft, volume, listen=False)
    raise typer.Exit(replay_session(session, full=full, settings=settings))


@app.command()
def history(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many sessions.")] = 20,
) -> None:
    """List past sessions, with distress before and after."""
    from companion.replay import show_history

    raise typer.Exit(show_history(limit))


@scripts_app.command("list")
def scripts_list() -> None:
    """List the bundled session scripts."""
    from companion.script import ScriptError, bundled_scripts, load_script

    for path in bundled_scripts():
        try:
            s = load_script(path)
            typer.echo(f"{path.stem:<12} {s.summary or s.title}")
        except ScriptError as e:
            typer.echo(f"{path.stem:<12} (cannot be used: {e.problem})")


@scripts_app.command("show")
def scripts_show(name: Annotated[str, typer.Argument(help="A script's name or file.")]) -> None:
    """Print a script's file."""
    from companion.script import ScriptError, find_script

    try:
        typer.echo(find_script(name).read_text(encoding="utf-8"), nl=False)
    except (OSError, UnicodeDecodeError, ScriptError) as e:
        raise _fail(f"companion: no script {name!r} ({getattr(e, 'strerror', None) or e}). "
                    "See `companion scripts list`.", 2) from None  # fmt: skip


@scripts_app.command("check")
def scripts_check(
    files: Annotated[list[Path], typer.Argument(help="Script files to check.")],
) -> None:
    """Check scripts; exits 2 and says what is wrong when one cannot be used."""
    from companion.script import ScriptError, load_script

    bad = 0
    for path in files:
        try:
            s = load_script(path)
            typer.echo(f"{path}: ok ({s.title}, {len(s.steps)} steps)")
        except ScriptError as e:
            typer.echo(f"{e}", err=True)
            bad += 1
    raise typer.Exit(2 if bad else 0)


def main() -> None:
    """Entry point: no traceback ever reaches the person; it goes to the log."""
    from companion import logs

    where = logs.setup()
    logs.native_stderr_to_log(where)
    try:
        code = app(standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("\n  Okay. Stopping here.", err=True)
        code = 130
    except typer.Exit as e:
        code = e.exit_code
    except Exception as e:
        if hasattr(e, "show") and hasattr(e, "exit_code"):  # a usage error: wrong arguments
            e.show()
            code = e.exit_code
        else:
            logs.log.exception("unexpected error")
            detail = f" The details are in {where}." if where else ""
            typer.echo(f"  Something went wrong, and it is not your fault.{detail}", err=True)
            code = 1
    sys.exit(code if isinstance(code, int) else 0)
