"""`companion letter`: write one, or show and export one from the history."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import typer

from companion import paths
from companion.events import Ended, Statement, Status
from companion.interrupts import Interrupted, held
from companion.letters import saved
from companion.letters.flow import INTRO, Page, Stopped, Writing
from companion.letters.letter import ExportError, Letter, check_export_path, export
from companion.letters.page import TerminalPage
from companion.runner import signals_interrupt
from companion.store import open_history


def _say(text: str, err: bool = False) -> None:
    typer.echo(text, err=err)


def _boxed(letter: Letter, title: str) -> None:
    from companion.clock import SystemClock
    from companion.console import TextOut

    TextOut(SystemClock(), pace=False).show(letter.text().split("\n\n"), title)


def _dictating(terminal: TerminalPage) -> tuple[Page, Callable[[], None], str]:
    """The dictating page, how to close it and its introduction; or (having said what is
    missing) the typed page."""
    from companion.dictation import open_dictation
    from companion.letters.dictating import INTRO as DICTATING
    from companion.letters.dictating import DictatingPage

    _say("  Opening the microphone and the speech model...")
    dictation, problem = open_dictation()
    if dictation is None:
        _say(f"  {problem} Type your letter instead.")
        return terminal, lambda: None, INTRO
    page = DictatingPage(terminal, dictation)
    return page, page.close, DICTATING


def offer_dictation() -> None:
    """At a terminal with a microphone, say that the letter can be dictated."""
    from companion import faults
    from companion.audio_out import import_sounddevice

    try:
        if faults.on("no-input"):
            return
        import_sounddevice().query_devices(kind="input")
    except Exception:  # no PortAudio, or no microphone: typing is all there is
        return
    _say("  (You can also dictate it: companion letter --voice)")


def write_letter(export_to: Path | None, voice: bool = False) -> int:
    if export_to is not None:
        try:
            check_export_path(export_to)
        except ExportError as e:
            _say(f"companion: {e}", err=True)
            return 2
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    terminal = TerminalPage(editor=editor if _terminal() and not voice else None)
    page, close, intro = _dictating(terminal) if voice else (terminal, lambda: None, INTRO)
    if not voice and _terminal():
        offer_dictation()
    writing = Writing(page, intro)
    status, code = Status.FINISHED, 0
    number = None
    # Ctrl-C, SIGTERM and SIGHUP end the writing calmly; what is written is saved whole.
    with signals_interrupt():
        try:
            letter = writing.run()
        except Stopped:
            letter, status = writing.letter, Status.STOPPED
        except (KeyboardInterrupt, Interrupted):
            letter, status, code = writing.letter, Status.INTERRUPTED, 130
        finally:
            close()
        if not letter.text():
            _say("  Nothing was written, so nothing was saved.")
            return code
        try:
            with held():
                _boxed(letter, "Your letter")
                number = _keep(letter, status)
        except (KeyboardInterrupt, Interrupted):
            code = 130  # the letter was saved first
    if number is not None:
        state = "" if status is Status.FINISHED else " (unfinished; what you wrote is kept)"
        _say(f"  Saved as letter #{number}{state}. See it again with: companion letter --show "
             f"{number}")  # fmt: skip
    if export_to is not None:
        try:
            export(letter, export_to, "A letter")
            _say(f"  Exported to {export_to}.")
        except ExportError as e:
            _say(f"companion: {e}", err=True)
            return 1
    return code


def _terminal() -> bool:
    try:
        return os.isatty(0)
    except OSError:
        return False


def _keep(letter: Letter, status: Status) -> int | None:
    """Save to the history; if that fails, the letter is kept in a private file instead."""
    opened = open_history(paths.data_dir())
    if opened.notice:
        _say(f"  ({opened.notice})", err=True)
    now = datetime.now().astimezone()
    if opened.store is not None:
        try:
            return saved.save(opened.store, letter, now, status)
        except Exception as e:  # any failure to save must still keep the words
            _say(f"  (Your letter could not be saved to your history ({e}).)", err=True)
        finally:
            opened.store.close()
    from companion import unsaved
    from companion.store import KeptBegin

    begin = KeptBegin(None, saved.MODE, saved.MODE, now)
    # Its parts and how it ended go too: brought back, it is a letter like any other.
    events: unsaved.Kept = [(Statement(letter.text(), None), 0.0, now), (Ended(status), 0.0, now)]
    where = unsaved.keep(begin, events, saved.as_data(letter))
    if where:
        _say(f"  (Your letter is kept in {where}.)", err=True)
    return None


def show_letter(ref: str, export_to: Path | None) -> int:
    opened = open_history(paths.data_dir())
    if opened.notice:
        _say(f"  ({opened.notice})", err=True)
    if opened.store is None:
        return 1
    try:
        found = saved.load(opened.store, ref)
    finally:
        opened.store.close()
    if found is None:
        _say(f"No letter {ref!r}. `companion history` lists letters as 'letter'.", err=True)
        return 1
    row, letter = found
    when = row.started_at.strftime("%a %d %b %Y %H:%M")
    _boxed(letter, f"Letter #{row.id}, {when}")
    if letter.checks:
        taken = sum(c.taken for c in letter.checks)
        _say(f"  The checker flagged {len(letter.checks)} sentence(s); you took {taken} "
             "rewording(s):")  # fmt: skip
        for c in letter.checks:
            chose = "used instead" if c.taken else "kept yours"
            _say(f'    - "{c.sentence}" ({", ".join(c.kinds)}): "{c.rewording}" [{chose}]')
    if export_to is not None:
        try:
            export(letter, export_to, f"Letter, {when}")
        except ExportError as e:
            _say(f"companion: {e}", err=True)
            return 2
        _say(f"  Exported to {export_to}.")
    return 0
