"""The `companion` command. Heavy modules are imported inside commands so it starts fast."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from companion import __version__
from companion.early_sound import MINUTES_LIMITS, RATE_LIMITS, SPEED_LIMITS, VOLUME_LIMITS

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
    typer.Option(
        "--speed",
        min=SPEED_LIMITS[0],
        max=SPEED_LIMITS[1],
        help="Run waits and breathing N times faster.",
    ),
]
TextOption = Annotated[bool, typer.Option("--text", help="Print and type instead of speaking.")]
VoiceOption = Annotated[
    str | None, typer.Option("--voice", help="A voice id from `companion voices`.")
]  # fmt: skip
RateOption = Annotated[
    int | None, typer.Option("--rate", min=RATE_LIMITS[0], max=RATE_LIMITS[1],
                              help="Speaking rate, words a minute.")
]  # fmt: skip
SoftOption = Annotated[bool, typer.Option("--soft", help="Quieter and slower, near a whisper.")]
VolumeOption = Annotated[
    float | None, typer.Option("--volume", min=VOLUME_LIMITS[0], max=VOLUME_LIMITS[1],
                                help=f"Loudness, {VOLUME_LIMITS[0]} to {VOLUME_LIMITS[1]}.")
]  # fmt: skip
VoiceOffOption = Annotated[
    bool, typer.Option("--voice-off", help="Cue tones only: words on screen, replies typed.")
]  # fmt: skip


def _settings(text: bool, speed: float, voice: str | None, rate: int | None, soft: bool,
              volume: float | None = None, **more: bool) -> Settings:  # fmt: skip
    from companion.config import VoiceChoice, voice_settings
    from companion.runner import Settings

    if voice is not None:
        _check_voice(voice)
    warnings: list[str] = []
    chosen = _settings_file(lambda: voice_settings(VoiceChoice(voice, rate, soft or None, volume),
                                                   warnings))  # fmt: skip
    _warn(warnings)
    return Settings(text=text, speed=speed, voice=chosen, **more)


_warned: set[str] = set()


def _warn(warnings: list[str]) -> None:
    from companion.runner import notice

    for warning in warnings:
        if warning not in _warned:  # config.toml is read for voice and for resources
            _warned.add(warning)
            notice(warning)


T = TypeVar("T")


def _settings_file(read: Callable[[], T]) -> T:
    """Run `read`; a settings file that cannot be read at all (a device, a pipe, too large)
    is a clear error that names it, never the script's fault."""
    from companion.tomlfile import FileUnusable

    try:
        return read()
    except FileUnusable as e:
        raise _fail(f"companion: your settings file {e.path} cannot be used: {e.problem}.",
                    2) from None  # fmt: skip


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


MAX_SESSION_NUMBER = 2**63 - 1  # the largest number the history can hold


def _session_ref(ref: str) -> str:
    """A session number too large for any history is a clear error, not a crash."""
    digits = ref.strip().lstrip("#")
    if digits.isdigit() and (len(digits) > 19 or int(digits) > MAX_SESSION_NUMBER):
        raise _fail(f"companion: no session {ref[:30]}{'…' if len(ref) > 30 else ''}: the "
                    "number is far too large. See `companion history`.", 2)  # fmt: skip
    return ref


def _load(script: str) -> Script:
    from companion.script import ScriptError, find_script, load_script

    warnings: list[str] = []
    try:
        loaded = _settings_file(lambda: load_script(find_script(script), warnings))
    except ScriptError as e:
        raise _fail(f"companion: this script cannot be used.\n  {e}", 2) from None
    _warn(warnings)
    return loaded


@app.command()
def ground(
    script: Annotated[
        str, typer.Option("--script", "-s", help="A bundled script's name, or a TOML file.")
    ] = "ground",
    they_left: Annotated[
        bool, typer.Option("--they-left", help="For when your partner walked away, not you.")
    ] = False,
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

    if they_left and script != "ground":
        raise _fail("companion: use either --they-left or --script, not both", 2)
    loaded = _load("they-left" if they_left else script)
    settings = _settings(text, speed, voice, rate, soft, volume, listen=listen, speak=not voice_off,
                         keep_audio=keep_audio)  # fmt: skip
    raise typer.Exit(run_session(loaded, settings))


@app.command()
def breathe(
    pattern: Annotated[
        str, typer.Option("--pattern", "-p", help="cyclic-sigh, paced, box, 4-7-8, or your own.")
    ] = "cyclic-sigh",
    minutes: Annotated[
        float, typer.Option("--minutes", "-m", min=MINUTES_LIMITS[0], max=MINUTES_LIMITS[1])
    ] = 5.0,
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

    warnings: list[str] = []
    try:
        script = _settings_file(lambda: parse_script(Path("breathe"), {
            "title": "Breathe",
            "steps": [{"say": "Press q at any time to stop the breathing.", "pause": 0},
                      {"breathe": pattern, "minutes": minutes},
                      {"say": "Well done. Take a moment before you go on.", "pause": 0}],
        }, warnings))  # fmt: skip
    except ScriptError as e:
        raise _fail(f"companion: {e.problem}", 2) from None
    _warn(warnings)
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
    from companion.recognition import load_recognizer

    if question not in QUESTIONS:
        raise _fail(f"companion: --question must be one of {', '.join(QUESTIONS)}", 2)
    recognizer, fallback = load_recognizer()
    if fallback:
        typer.echo(f"companion: hearing with {recognizer.name}: {fallback}", err=True)
    failed = 0
    for path in files:
        try:
            found = hear_file(path, QUESTIONS[question], recognizer)
        except (OSError, EOFError, ValueError, wave.Error) as e:
            typer.echo(f"{path}: cannot be read as a WAV file ({e})", err=True)
            failed += 1
            continue
        if as_json:
            score = None if found.score == float("-inf") else round(found.score, 3)
            typer.echo(json.dumps({"path": found.path, "reply": found.reply,
                                   "heard": found.heard, "score": score,
                                   "decode_ms": round(found.seconds * 1000, 1)}))  # fmt: skip
        else:
            typer.echo(f"{found.path}\t{found.reply or '-'}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def forget(
    session: Annotated[str | None, typer.Argument(help="A session number.")] = None,
    all_sessions: Annotated[bool, typer.Option("--all", help="Every session.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --all.")] = False,
) -> None:
    """Delete a session (or all of them) from your history, with its recordings."""
    from companion.replay import forget_sessions

    if (session is None) == (not all_sessions):
        raise _fail("companion: name one session number, or --all", 2)
    if all_sessions and not yes and sys.stdin is not None and sys.stdin.isatty():
        question = "Delete every session, with its recordings and kept copies? It cannot be undone"
        if not typer.confirm(question, default=False):
            raise _fail("Nothing was deleted.", 1)
    raise typer.Exit(forget_sessions(None if all_sessions else _session_ref(str(session))))


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
    raise typer.Exit(replay_session(_session_ref(session), full=full, settings=settings))


@app.command()
def history(
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=100_000, help="How many sessions.")
    ] = 20,
) -> None:
    """List past sessions, with distress before and after."""
    from companion.replay import show_history

    raise typer.Exit(show_history(limit))


@app.command()
def letter(
    show: Annotated[
        str | None, typer.Option("--show", metavar="N", help="Show letter N from your history.")
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", metavar="FILE", help="Also save it as .txt or .md.")
    ] = None,
    voice: Annotated[
        bool, typer.Option("--voice", help="Dictate each part; typing still works.")
    ] = False,
) -> None:
    """Write instead of shouting: facts, feelings, a wish, a question, the hand-off."""
    from companion.letters.command import show_letter, write_letter

    raise typer.Exit(show_letter(show, export) if show else write_letter(export, voice))


@app.command()
def resources(
    region: Annotated[
        str | None, typer.Option("--region", "-r", help="A country code: US, CA, GB, IE, AU, NZ...")
    ] = None,
) -> None:
    """Show where to get help right now, for your region."""
    from companion.helplines import report

    code, lines = report(region)
    for line in lines:
        typer.echo(line, err=code != 0)
    raise typer.Exit(code)


@scripts_app.command("list")
def scripts_list() -> None:
    """List the bundled session scripts."""
    from companion.script import ScriptError, bundled_scripts, load_script

    for path in bundled_scripts():
        try:
            s = _settings_file(lambda: load_script(path))  # noqa: B023 - called at once
            typer.echo(f"{path.stem:<12} {s.summary or s.title}")
        except ScriptError as e:
            typer.echo(f"{path.stem:<12} (cannot be used: {e.problem})")


@scripts_app.command("show")
def scripts_show(name: Annotated[str, typer.Argument(help="A script's name or file.")]) -> None:
    """Print a script's file."""
    from companion.script import ScriptError, find_script
    from companion.tomlfile import FileUnusable, read_text

    try:
        typer.echo(read_text(find_script(name)), nl=False)
    except FileUnusable as e:
        if e.path.exists():
            raise _fail(f"companion: {e.path} cannot be shown: {e.problem}.", 2) from None
        raise _fail(f"companion: no script {name!r} (no such file). "
                    "See `companion scripts list`.", 2) from None  # fmt: skip
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
    warnings: list[str] = []
    for path in files:
        try:
            s = _settings_file(lambda: load_script(path, warnings))  # noqa: B023 - called at once
            typer.echo(f"{path}: ok ({s.title}, {len(s.steps)} steps)")
        except ScriptError as e:
            typer.echo(f"{e}", err=True)
            bad += 1
    _warn(warnings)
    raise typer.Exit(2 if bad else 0)


def main() -> None:
    """Entry point: no traceback ever reaches the person; it goes to the log."""
    import signal

    from companion.startup import SIGNALS, signal_fault

    for name in SIGNALS:  # one signal interrupts; a second one while stopping changes nothing
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _interrupt_once)
    try:
        code = _command()
    except KeyboardInterrupt:
        code = 130
    for name in SIGNALS:  # the exit itself is never cut into a traceback
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    signal_fault("signal-while-exiting")
    _exit(code)


_interrupted = False


def _interrupt_once(signum: int, frame: object) -> None:
    global _interrupted
    if not _interrupted:
        _interrupted = True
        raise KeyboardInterrupt


def _command() -> int:
    from companion import logs

    where = logs.setup()
    logs.native_stderr_to_log(where)
    try:
        code = app(standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        try:
            typer.echo("\n  Okay. Stopping here.", err=True)
        except (OSError, ValueError):
            pass
        code = 130
    except typer.Exit as e:
        code = e.exit_code
    except BrokenPipeError:
        code = 0  # whoever read the output (`| head -1`) has what they wanted
    except SystemExit as e:
        # typer ends a broken pipe with exit 1, its streams wrapped to stay quiet; reading
        # only the first lines (`| head -1`) is not a failure.
        piped_away = type(sys.stdout).__name__ == "PacifyFlushWrapper"
        code = 0 if piped_away else e.code if isinstance(e.code, int) else 1
    except Exception as e:
        if hasattr(e, "show") and hasattr(e, "exit_code"):  # a usage error: wrong arguments
            e.show()
            code = e.exit_code
        else:
            logs.log.exception("unexpected error")
            detail = f" The details are in {where}." if where else ""
            try:
                typer.echo(f"  Something went wrong, and it is not your fault.{detail}", err=True)
            except (OSError, ValueError):
                pass
            code = 1
    return code if isinstance(code, int) else 0


def _exit(code: int) -> None:
    """Exit with `code`. Output nobody reads any more (`companion history | head -1`) is not
    an error: it is dropped instead of ending in a broken-pipe message."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, stream.fileno())
                os.close(null)
            except (OSError, ValueError):
                pass
    sys.exit(code)
