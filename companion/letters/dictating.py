"""A letter dictated: each part spoken, shown as heard, then kept, said again or corrected.

Typing works beside the voice at every step: a typed line takes over the part being
dictated, Enter ends the dictation, and a line typed after "heard: ..." is the correction.
The checker then runs on the dictated text exactly as on typed text (in `flow.Writing`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from companion.dictation import Dictation, PartSettings
from companion.letters.page import TerminalPage
from companion.logs import log
from companion.replies import Answer, Command, Option, QuestionType, Said, interpret

INTRO = ("Let's write it down instead, one part at a time. Speak each part: a long pause "
         "ends it, or say \"next part\", or press Enter. You'll see what was heard, and can "
         "say keep or again, or type a correction. Typing works all along; type q on its "
         "own line to stop, and what you wrote is kept.")  # fmt: skip
PART_HINT = '(Speak now; pause, say "next part" or press Enter to end it. Or type it.)'
REPLY_HINT = "(Say it or type it.)"
KEEP = Option("keep", "keep it", ("keep", "keep it", "that's right", "yes keep it"))
AGAIN = Option("again", "say it again", ("again", "say it again", "redo", "try again"))
# A short spoken reply: a shorter pause ends it; silence this long counts as Enter.
REPLY = PartSettings(pause=0.8, phrase_pause=0.8, cap=10.0, wait=60.0)  # no "next part"
TRIES = 3


class DictatingPage:
    """The letter's page when the writer dictates: voice and keys, whichever comes first."""

    def __init__(self, terminal: TerminalPage, dictation: Dictation,
                 readline: Callable[[], str | None] | None = None) -> None:  # fmt: skip
        self.terminal = terminal
        self.dictation = dictation
        self.events: queue.Queue[tuple[str, int, str | None]] = queue.Queue()
        self.keys_ended = False
        self._request = 0
        self._voice_lock = threading.Lock()  # one dictation at a time: one model, one mic
        self.voice_lost: str | None = None
        self._readline = readline or terminal.typed_line
        threading.Thread(target=self._read_keys, name="keys", daemon=True).start()

    def _read_keys(self) -> None:
        while True:
            line = self._readline()
            self.events.put(("key", 0, line))
            if line is None:
                return

    def show(self, text: str) -> None:
        self.terminal.show(text)

    # The part: dictated, or typed instead.
    def read_part(self, prompt: str) -> str | None:
        self.terminal.ask(prompt)
        for _ in range(TRIES):
            self.show(PART_HINT)
            heard, typed = self._voice_or_keys(None)
            if typed is not None:
                return typed
            if heard is None:
                if self.keys_ended:  # no keys to type with: listen again, a few times
                    self.show("Nothing was heard. Say it when you're ready.")
                    continue
                self.show("Nothing was heard. Type this part instead, then an empty line.")
                return self._typed_part(None)
            self.show(f"heard: {heard}")
            choice = self._keep_again_or_correction()
            if choice is None or choice == "keep":
                return heard
            if choice != "again":
                return choice  # the typed correction wins
            self.show("Say it again.")
        return heard  # None: nothing was ever said, and there are no keys to type with

    def _keep_again_or_correction(self) -> str | None:
        """'keep', 'again', or a typed correction; None: input ended (what was heard stays)."""
        prompt = "Say or type keep, or again to say it again; or type a correction."
        for _ in range(TRIES):
            self.terminal.ask(prompt)
            heard, typed = self._voice_or_keys(REPLY)
            line = typed if typed is not None else heard
            if line is None:
                return "keep"  # silence: what was heard stands
            if line.strip() == "":
                return "keep"  # Enter keeps it
            reply = interpret(line, QuestionType.CHOICE, (KEEP, AGAIN))
            if reply == Answer("keep"):
                return "keep"
            if reply == Answer("again") or reply == Said(Command.AGAIN):
                return "again"
            if typed is not None:
                return " ".join(typed.split())
            self.show(f"heard: {heard}")
            prompt = "Say keep or again, or type your correction."
        return "keep"

    # A short reply (yes or no, a number, the hand-off line).
    def read_line(self, prompt: str) -> str | None:
        self.terminal.ask(prompt)
        self.show(REPLY_HINT)
        heard, typed = self._voice_or_keys(REPLY)
        if typed is not None:
            return typed
        if heard is not None:
            self.show(f"heard: {heard}")
            return heard
        return None if self.keys_ended and self.voice_lost else ""

    def _voice_or_keys(self, settings: PartSettings | None) -> tuple[str | None, str | None]:
        """(heard, typed): what was said, or a typed line (then heard is None)."""
        self._request += 1
        request = self._request
        cancel = threading.Event()
        if self.voice_lost is not None:  # keys alone
            return None, self._typed_part(None) if settings is None else self._typed_line()
        threading.Thread(target=self._hear, args=(request, cancel, settings),
                         name="dictation", daemon=True).start()  # fmt: skip
        entered = False  # Enter was pressed: the dictation ends, its text is awaited
        try:
            while True:
                kind, number, value = self.events.get()
                if kind == "voice" and number == request:
                    return value, None
                if kind == "lost" and number == request:
                    return None, None if entered or self.keys_ended else self._typed_part(None)
                if kind != "key" or entered:
                    continue
                if value is None:
                    self.keys_ended = True
                    if self.voice_lost is not None:
                        return None, None
                    continue
                if settings is None and value.strip() in ("", "next part"):
                    entered = True
                    cancel.set()
                    continue
                cancel.set()
                if settings is not None or _is_stop(value):
                    return None, value
                return None, self._typed_part(value)
        finally:
            cancel.set()

    def _hear(self, request: int, cancel: threading.Event,
              settings: PartSettings | None) -> None:  # fmt: skip
        with self._voice_lock:
            if self.voice_lost is not None:  # lost while the part before was typed over
                self.events.put(("lost", request, None))
                return
            if cancel.is_set():
                self.events.put(("voice", request, None))
                return
            try:
                text = self.dictation.part(cancel.is_set, settings)
            except Exception as e:  # a failing microphone or model costs the voice only
                log.exception("dictation failed")
                self.voice_lost = f"Dictation stopped working ({e})."
                self.show(f"{self.voice_lost} Type the rest of your letter.")
                self.events.put(("lost", request, None))
                return
        # What was said stays out of the log: only how much of it there was.
        count = len(text.split()) if text else 0
        log.info("dictated %d words", count)
        self.events.put(("voice", request, text))

    def _typed_line(self) -> str | None:
        while not self.keys_ended:
            kind, _, value = self.events.get()
            if kind == "key":
                self.keys_ended = value is None
                return value
        return None

    def _typed_part(self, first: str | None) -> str | None:
        """A typed part: lines until an empty one (as on the plain page)."""
        lines = [] if first is None else [first]
        while not self.keys_ended:
            kind, _, value = self.events.get()
            if kind != "key":
                continue
            if value is None:
                self.keys_ended = True
                break
            if value.strip() == "":
                return "\n".join(lines)
            lines.append(value)
            if _is_stop(value):
                break
        return "\n".join(lines) if lines else None

    def close(self) -> None:
        self.dictation.close()


def _is_stop(text: str) -> bool:
    return interpret(text.strip(), QuestionType.CONFIRM) == Said(Command.STOP)
