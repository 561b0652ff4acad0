"""Text mode: lines printed at a calm pace, replies typed (or piped in, a line each)."""

from __future__ import annotations

import os
import select
import sys
import threading
import time
from typing import Any, TextIO

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


def hint(listening: Listening) -> str:
    if listening.qtype is QuestionType.CHOICE:
        return " / ".join(f"{i} {o.label}" for i, o in enumerate(listening.options, 1))
    return _HINTS.get(listening.qtype, _HINTS[QuestionType.YES_NO])  # unknown: yes-no


def reading_time(text: str) -> float:
    """Session seconds to give a printed line: long enough to read it, calmly."""
    return min(6.0, 0.8 + 0.22 * len(text.split()))


class TextOut:
    """Prints each line, then gives it the time it takes to read. At a terminal, lines wrap at
    word boundaries to its width (read at each line, so a resized window is followed); where
    the terminal cannot show box lines and arrows, plain ASCII stands in for them."""

    def __init__(self, clock: Clock, stream: TextIO | None = None, pace: bool = True) -> None:
        self.clock = clock
        self.stream = stream or sys.stdout
        self.pace = pace
        try:
            self.tty = self.stream.isatty()
        except (ValueError, OSError):
            self.tty = False
        self.marks = _FANCY if _can_show(self.stream, "".join(_FANCY.values())) else _PLAIN
        self._countdown_shown = False
        self._shown: list[str] = []  # the lines in the box on screen, until more is said
        self._pacer: Pacer | None = None

    def _print(self, text: str = "") -> None:
        try:
            print(text, file=self.stream, flush=True)
        except UnicodeEncodeError:  # a character this terminal cannot show: the rest is shown
            self._print(_shown_as(text, self.stream))
        except (BrokenPipeError, ValueError, OSError):
            pass  # a closed terminal must not end the session: it is still recorded

    def _columns(self) -> int:
        """The terminal's width now; no limit for a pipe or a file."""
        if not self.tty:
            return 0
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return 80

    def _wrapped(self, prefix: str, text: str) -> str:
        columns = self._columns()
        if not columns:
            return f"{prefix}{text}"
        import textwrap

        lines = textwrap.wrap(text, max(8, columns - 1), initial_indent=prefix,
                              subsequent_indent=" " * len(prefix), break_long_words=False,
                              break_on_hyphens=False)  # fmt: skip
        return "\n".join(lines) or prefix.rstrip()

    def say(self, text: str, role: Role) -> None:
        self._end_countdown()
        self._end_pacer()
        if role is Role.STATEMENT and text in self._shown:
            return  # already on screen in its box
        self._shown = []  # anything said later moves the box up: the words are shown again
        if role is Role.CUE:
            self._print(self._wrapped("      ", text))
            return
        prefix = {Role.PROMPT: "? ", Role.REPROMPT: "? ", Role.RESOURCE: "! "}.get(role, "  ")
        self._print(self._wrapped(prefix, text))
        if self.pace:
            sleep(self.clock, reading_time(text))

    def show(self, lines: list[str], title: str) -> None:
        self._end_countdown()
        self._end_pacer()
        self._shown = list(lines)
        width = max(len(title) + 4, *(min(len(x), 76) for x in lines)) + 4
        if columns := self._columns():  # a box that fits the terminal, never wider
            width = min(width, columns - 5)
        self._print()
        if width < len(title) + 6:  # too narrow for a box: the lines, wrapped, under the title
            self._print(self._wrapped("  ", f"{title}:"))
            for line in lines:
                self._print(self._wrapped("    ", line))
            self._print()
            return
        top, side, bottom = self.marks["top"], self.marks["side"], self.marks["bottom"]
        line_mark = self.marks["line"]
        self._print(f"  {top[0]}{line_mark} {title} " + line_mark * max(0, width - len(title) - 3)
                    + top[1])  # fmt: skip
        for line in lines:
            for part in _wrap(line, width - 2):
                self._print(f"  {side} {part.ljust(width - 2)} {side}")
        self._print(f"  {bottom[0]}" + line_mark * width + bottom[1])
        self._print()

    def prepare(self, texts: list[str]) -> None:
        pass

    def begin_breathing(self, pattern: Pattern, starts: list[PhaseStart], t0: float,
                        timeline: Timeline | None = None) -> None:  # fmt: skip
        """`timeline`: what the bar follows (voice mode: the audio clock); the session's
        clock by default."""
        self._end_pacer()
        self._shown = []
        if self.tty and starts and self.marks is _FANCY:  # the bar needs block characters
            try:
                self._pacer = Pacer(self.stream, timeline or self.clock, pattern, starts, t0)
            except Exception:  # a terminal that cannot draw gets the plain lines instead
                self._pacer = None

    def end_breathing(self) -> None:
        self._end_pacer()

    def _end_pacer(self) -> None:
        if self._pacer is not None:
            self._pacer.stop()
            self._pacer = None

    def cue(self, start: PhaseStart, pattern: Pattern, at: float) -> None:
        if self._pacer is not None:
            return  # the pacer shows the phase
        mark = self.marks.get(start.phase.kind.value, "")
        seconds = f"{start.phase.seconds:g}s"
        first = start.index == 0
        label = f"breath {start.cycle + 1}" if first else ""
        self._print(f"    {mark} {start.phase.cue:<20} {seconds:>4}   {label}".rstrip())

    def chime(self) -> None:
        self._end_countdown()
        self._print(f"  {self.marks['chime']}")

    def countdown(self, seconds_left: float, total: float) -> None:
        if not self.tty:
            return  # a log or a pipe gets the check-ins, not a ticking clock
        minutes, seconds = divmod(int(seconds_left + 0.999), 60)
        try:
            self.stream.write(f"\r  Back in {minutes:02d}:{seconds:02d}   ")
            self.stream.flush()
            self._countdown_shown = True
        except (OSError, ValueError):
            pass

    def _end_countdown(self) -> None:
        if self._countdown_shown:
            self._countdown_shown = False
            self._print()

    def close(self) -> None:
        self._end_pacer()
        self._end_countdown()


_FANCY = {"top": "┌┐", "bottom": "└┘", "side": "│", "line": "─", "inhale": "↑", "hold": "–",
          "exhale": "↓", "chime": "♪"}  # fmt: skip
_PLAIN = {"top": "++", "bottom": "++", "side": "|", "line": "-", "inhale": "^", "hold": "-",
          "exhale": "v", "chime": "*"}  # fmt: skip
_ASCII_FOR = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                            "…": "..."})  # fmt: skip


def _can_show(stream: TextIO, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def _shown_as(text: str, stream: TextIO) -> str:
    """`text` as this stream can show it: typographic marks as ASCII, anything else as ?."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return text.translate(_ASCII_FOR).encode(encoding, "replace").decode(encoding)
    except LookupError:
        return text.encode("ascii", "replace").decode("ascii")


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


BREATHING_STOP_KEYS = frozenset(b"qQ\x04")  # q, or Ctrl-D: end the breathing
_STOP_WORDS = (b"stop", b"quit")
UNREADABLE = "\ufffd"  # a line that is not UTF-8: an unclear reply, never an answer


class ConsoleIn:
    """Typed replies. From a terminal they wait up to the question's timeout; from a pipe
    they are read a line at a time, and the end of the pipe means nothing more will come.

    At a terminal the bytes are read straight from the file descriptor, so that keys typed
    before a question is shown can be discarded (`discard_typed_ahead`) and, while breathing,
    a single q ends the breathing without Enter (`breathing`, `stop_pressed`)."""

    def __init__(self, speed: float = 1.0, stream: TextIO | None = None,
                 echo: TextIO | None = None) -> None:  # fmt: skip
        self.speed = speed
        self.stream = stream or sys.stdin
        self.echo = echo or sys.stdout
        try:
            self.tty = self.stream.isatty()
            self.fd = self.stream.fileno() if self.tty and os.name != "nt" else -1
        except (ValueError, OSError, AttributeError):
            self.tty, self.fd = False, -1
        self.ended = False
        self.generation = 0  # counts discards: a line from an earlier one is stale
        self.line_generation = 0  # the generation the last line returned was typed in
        self._pending = b""  # terminal bytes not yet a whole line
        self._lock = threading.RLock()  # one reader of the terminal at a time
        self._saved_mode: list[Any] | None = None  # the terminal's mode before breathing
        self._hint_open = False  # a hint is on screen, waiting on the same line

    def _show(self, text: str) -> None:
        if self._hint_open and text:
            text = "\n" + text  # what comes after a hint that was not typed to starts a line
        self._hint_open = False
        try:
            print(text, file=self.echo, flush=True)
        except UnicodeEncodeError:
            self._show(_shown_as(text, self.echo))
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
            self._hint_open = True
        except (OSError, ValueError):
            pass

    def end_hint(self) -> None:
        """A reply came some other way (spoken): the next line starts on its own line."""
        if self._hint_open:
            self._show("")

    def discard_typed_ahead(self) -> None:
        """Forget keys typed so far at a terminal: a question is about to be shown, and a key
        pressed before it was shown never answers it. Piped lines are kept, one a question."""
        if not self.tty:
            return
        with self._lock:
            self._pending = b""
            self.generation += 1
            _flush_terminal_input(self.fd)

    def read_line(self, timeout: float | None = None) -> Heard | None:
        """The next typed line; None when none came within `timeout` (a terminal only) or once
        a pipe has ended. A line that is not valid UTF-8 is an unclear reply, not the end."""
        if self.ended:
            return None
        if not self.tty:
            return self._heard(self._pipe_line())
        if self.fd < 0:  # pragma: no cover - Windows consoles cannot be polled
            line = _read_with_timeout(self.stream, timeout)
            return None if line is None else self._heard(line.encode("utf-8", "replace"))
        with self._lock:
            if self._saved_mode is not None:  # breathing: keys can only mean stop
                got: bytes | None = None
            else:
                got = self._terminal_line(timeout)
                self.line_generation = self.generation
        if got is not None:
            self._hint_open = False  # the terminal echoed the Enter
        if got is None:
            if timeout:
                time.sleep(0.0 if self._saved_mode is None else min(timeout, 0.1))
            return None
        return self._heard(got)

    def _pipe_line(self) -> bytes:
        try:
            raw = getattr(self.stream, "buffer", None)
            if raw is not None:
                return bytes(raw.readline())
            return str(self.stream.readline()).encode("utf-8", "surrogateescape")
        except (OSError, ValueError):
            return b""

    def _terminal_line(self, timeout: float | None) -> bytes | None:
        """A whole line from the terminal, b"" at Ctrl-D on an empty line, None at timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._pending:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                ready, _, _ = select.select([self.fd], [], [], left)
                if not ready:
                    return None
                chunk = os.read(self.fd, 1024)
            except InterruptedError:
                continue
            except (OSError, ValueError):
                chunk = b""
            if not chunk:  # Ctrl-D, or the terminal went away
                line, self._pending = self._pending, b""
                return line + b"\n" if line else b""
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line + b"\n"

    def _heard(self, raw: bytes) -> Heard | None:
        if raw == b"":
            if self.tty:  # Ctrl-D in a terminal: the person wants to stop
                self._show("")
                return Heard("stop", "key")
            self.ended = True
            return None
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            # One bad byte spoils only its own line: an unclear reply, and input goes on.
            text = UNREADABLE
        if not self.tty:
            self._show(f"  > {text}")
        return Heard(text, "key", confident=text != UNREADABLE)

    def listen(self, listening: Listening) -> Heard | None:
        if not self.tty:
            return self.read_line()
        self.show_hint(listening)
        heard = self.read_line(listening.timeout / self.speed)
        if heard is None:
            self._show("")
        return heard

    def breathing(self, active: bool) -> None:
        """While breathing, a single key is read as it is pressed (q ends the breathing) and
        nothing typed is kept for the next question."""
        if not self.tty:
            return
        with self._lock:
            if active and self._saved_mode is None:
                self._saved_mode = _keys_one_by_one(self.fd)
                self._pending = b""
                _flush_terminal_input(self.fd)
            elif not active and self._saved_mode is not None:
                _restore_mode(self.fd, self._saved_mode)
                self._saved_mode = None
                self._pending = b""
                self.generation += 1
                _flush_terminal_input(self.fd)

    def stop_pressed(self) -> bool:
        """While breathing: the person pressed q (or typed stop and Enter). Any other key is
        dropped; it is never a reply."""
        if not self.tty or self._saved_mode is None:
            return False
        with self._lock:
            try:
                while select.select([self.fd], [], [], 0)[0]:
                    chunk = os.read(self.fd, 1024)
                    if not chunk:
                        return False
                    self._pending += chunk
            except (OSError, ValueError):
                return False
            keys, self._pending = self._pending, b""
        if any(k in BREATHING_STOP_KEYS for k in keys):
            return True
        *lines, rest = keys.replace(b"\r", b"\n").split(b"\n")
        self._pending = rest[-16:]  # part of a word still being typed
        # "stop" then Enter, even after other keys on the same line ("7stop").
        return any(line.strip().lower().endswith(_STOP_WORDS) for line in lines)

    def close(self) -> None:
        self.breathing(False)


def _flush_terminal_input(fd: int) -> None:
    try:
        import termios

        termios.tcflush(fd, termios.TCIFLUSH)
    except Exception:  # no termios, or the terminal is gone: nothing to discard
        pass


def _keys_one_by_one(fd: int) -> list[Any]:
    """Switch the terminal to one key at a time, unechoed; the old mode, to restore later."""
    try:
        import termios

        old = termios.tcgetattr(fd)
        new = termios.tcgetattr(fd)
        new[3] &= ~(termios.ICANON | termios.ECHO)
        new[6][termios.VMIN], new[6][termios.VTIME] = 1, 0
        termios.tcsetattr(fd, termios.TCSANOW, new)
        return old
    except Exception:  # not a terminal after all, or no termios: q needs Enter then
        return []


def _restore_mode(fd: int, mode: list[Any]) -> None:
    if not mode:
        return
    try:
        import termios

        termios.tcsetattr(fd, termios.TCSANOW, mode)
    except Exception:
        pass


def _read_with_timeout(stream: TextIO, timeout: float | None) -> str | None:  # pragma: no cover
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else None
