"""Text mode: lines printed at a calm pace, replies typed (or piped in, a line each)."""

from __future__ import annotations

import os
import select
import sys
import threading
from typing import TextIO

from companion.channels import Heard, Listening
from companion.clock import Clock, sleep
from companion.events import Role
from companion.pacer import Pacer, Timeline
from companion.patterns import Pattern, PhaseStart
from companion.replies import QuestionType

_HINTS = {
    QuestionType.YES_NO: "yes / no / not sure",
    QuestionType.SCALE: "0-10",
    QuestionType.TIME: "now, 20 min, 8:30 ...",
    QuestionType.CONFIRM: "Enter to go on",
}
_PHASE_MARK = {"inhale": "↑", "hold": "–", "exhale": "↓"}


def hint(listening: Listening) -> str:
    if listening.qtype is QuestionType.CHOICE:
        return " / ".join(f"{i} {o.label}" for i, o in enumerate(listening.options, 1))
    return _HINTS[listening.qtype]


def reading_time(text: str) -> float:
    """Session seconds to give a printed line: long enough to read it, calmly."""
    return min(6.0, 0.8 + 0.22 * len(text.split()))


class TextOut:
    """Prints each line, then gives it the time it takes to read."""

    def __init__(self, clock: Clock, stream: TextIO | None = None, pace: bool = True) -> None:
        self.clock = clock
        self.stream = stream or sys.stdout
        self.pace = pace
        self.tty = self.stream.isatty()
        self._countdown_shown = False
        self._shown: list[str] = []
        self._pacer: Pacer | None = None

    def _print(self, text: str = "") -> None:
        try:
            print(text, file=self.stream, flush=True)
        except (BrokenPipeError, ValueError, OSError):
            pass  # a closed terminal must not end the session: it is still recorded

    def say(self, text: str, role: Role) -> None:
        self._end_countdown()
        self._end_pacer()
        if role is Role.STATEMENT and text in self._shown:
            return  # already on screen in its box
        if role is Role.CUE:
            self._print(f"      {text}")
            return
        prefix = {Role.PROMPT: "? ", Role.REPROMPT: "? ", Role.RESOURCE: "! "}.get(role, "  ")
        self._print(f"{prefix}{text}")
        if self.pace:
            sleep(self.clock, reading_time(text))

    def show(self, lines: list[str], title: str) -> None:
        self._end_countdown()
        self._end_pacer()
        self._shown = list(lines)
        width = max(len(title) + 4, *(min(len(x), 76) for x in lines)) + 4
        self._print()
        self._print(f"  ┌─ {title} " + "─" * max(0, width - len(title) - 3) + "┐")
        for line in lines:
            for part in _wrap(line, width - 2):
                self._print(f"  │ {part.ljust(width - 2)} │")
        self._print("  └" + "─" * (width + 0) + "┘")
        self._print()

    def prepare(self, texts: list[str]) -> None:
        pass

    def begin_breathing(self, pattern: Pattern, starts: list[PhaseStart], t0: float,
                        timeline: Timeline | None = None) -> None:  # fmt: skip
        """`timeline`: what the bar follows (voice mode: the audio clock); the session's
        clock by default."""
        self._end_pacer()
        if self.tty and starts:
            try:
                self._pacer = Pacer(self.stream, timeline or self.clock, pattern, starts, t0)
            except Exception:  # a terminal that cannot draw gets the plain lines instead
                self._pacer = None

    def _end_pacer(self) -> None:
        if self._pacer is not None:
            self._pacer.stop()
            self._pacer = None

    def cue(self, start: PhaseStart, pattern: Pattern, at: float) -> None:
        if self._pacer is not None:
            return  # the pacer shows the phase
        mark = _PHASE_MARK.get(start.phase.kind.value, "")
        seconds = f"{start.phase.seconds:g}s"
        first = start.index == 0
        label = f"breath {start.cycle + 1}" if first else ""
        self._print(f"    {mark} {start.phase.cue:<20} {seconds:>4}   {label}".rstrip())

    def chime(self) -> None:
        self._print("  ♪")

    def countdown(self, seconds_left: float, total: float) -> None:
        if not self.tty:
            return  # a log or a pipe gets the check-ins, not a ticking clock
        minutes, seconds = divmod(int(seconds_left + 0.999), 60)
        try:
            self.stream.write(f"\r  Back in {minutes:02d}:{seconds:02d}   ")
            self.stream.flush()
            self._countdown_shown = seconds_left > 0
        except (OSError, ValueError):
            pass

    def _end_countdown(self) -> None:
        if self._countdown_shown:
            self._countdown_shown = False
            self._print()

    def close(self) -> None:
        self._end_pacer()
        self._end_countdown()


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


class ConsoleIn:
    """Typed replies. From a terminal they wait up to the question's timeout; from a pipe
    they are read a line at a time, and the end of the pipe means nothing more will come."""

    def __init__(self, speed: float = 1.0, stream: TextIO | None = None,
                 echo: TextIO | None = None) -> None:  # fmt: skip
        self.speed = speed
        self.stream = stream or sys.stdin
        self.echo = echo or sys.stdout
        try:
            self.tty = self.stream.isatty()
        except (ValueError, OSError):
            self.tty = False
        self.ended = False

    def _show(self, text: str) -> None:
        try:
            print(text, file=self.echo, flush=True)
        except (OSError, ValueError):
            pass

    def echo_line(self, text: str) -> None:
        self._show(text)

    def show_hint(self, listening: Listening) -> None:
        if not self.tty:
            return
        try:
            self.echo.write(f"  [{hint(listening)}] > ")
            self.echo.flush()
        except (OSError, ValueError):
            pass

    def read_line(self) -> Heard | None:
        """The next typed line, waiting as long as it takes; None once a pipe has ended."""
        if self.ended:
            return None
        try:
            line = self.stream.readline()
        except (OSError, ValueError):
            line = ""
        return self._heard(line)

    def _heard(self, line: str) -> Heard | None:
        if line == "":
            if self.tty:  # Ctrl-D in a terminal: the person wants to stop
                self._show("")
                return Heard("stop", "key")
            self.ended = True
            return None
        text = line.rstrip("\r\n")
        if not self.tty:
            self._show(f"  > {text}")
        return Heard(text, "key")

    def listen(self, listening: Listening) -> Heard | None:
        if not self.tty:
            return self.read_line()
        return self._from_terminal(listening)

    def _from_terminal(self, listening: Listening) -> Heard | None:
        self.show_hint(listening)
        timeout = listening.timeout / self.speed
        if os.name != "nt":
            ready, _, _ = select.select([self.stream], [], [], timeout)
            if not ready:
                self._show("")
                return None
            return self.read_line()
        line = _read_with_timeout(self.stream, timeout)  # pragma: no cover - Windows consoles
        return None if line is None else self._heard(line)  # pragma: no cover

    def close(self) -> None:
        pass


def _read_with_timeout(stream: TextIO, timeout: float) -> str | None:  # pragma: no cover
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else None
