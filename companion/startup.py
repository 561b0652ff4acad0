"""The first thing the command does, before any import that takes time: standard streams
that exist, and a signal during start-up that ends the program quietly."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

from companion import early_sound
from companion.memory import give_back_freed_memory
from companion.offline import keep_offline

EXIT_INTERRUPTED = 130
SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def reopen_closed_streams() -> None:
    """A closed stdin, stdout or stderr becomes /dev/null: nothing typed, nothing shown, and
    no file opened later (the history) can take descriptor 0, 1 or 2 by accident."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
            continue
        except OSError:
            pass
        try:
            null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            mode = "r" if fd == 0 else "w"
            setattr(sys, name, open(fd, mode, encoding="utf-8", errors="replace", closefd=False))  # noqa: SIM115
        except OSError:
            pass


def _quit_quietly(signum: int, frame: FrameType | None) -> None:
    os._exit(EXIT_INTERRUPTED)  # nothing has started yet: nothing to save, nothing to say


def quiet_signals() -> None:
    """Until a command takes over, Ctrl-C, SIGTERM and SIGHUP end the program at once."""
    for name in SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _quit_quietly)


def signal_fault(name: str) -> None:
    """COMPANION_FAULTS=NAME=SIG: the process sends itself SIG (INT, TERM or HUP) here."""
    from companion import faults

    which = faults.value(name)
    if which is not None:
        os.kill(os.getpid(), getattr(signal, f"SIG{which or 'INT'}"))


def show_whatever_the_encoding() -> None:
    """A terminal that cannot show a character (LANG=C, PYTHONIOENCODING=ascii) gets a ?
    in its place: the words around it always reach the person."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass


def main() -> None:
    """The `companion` command."""
    keep_offline()
    reopen_closed_streams()
    show_whatever_the_encoding()
    quiet_signals()
    early_sound.begin(sys.argv[1:])  # the opening tone, before the slower imports below
    give_back_freed_memory()  # before the models load
    signal_fault("signal-while-importing")  # as if Ctrl-C came while the modules load
    from companion.cli import main as run_command

    run_command()
