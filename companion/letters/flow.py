"""Writing a letter step by step: facts, feelings, a wish, one question, the hand-off line.

Each part is checked as it is written; a flagged sentence is shown with the reason and an
I-statement, and the writer takes it or keeps their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from companion.letters.checker import check, sentences
from companion.letters.letter import HANDOFF, QUESTIONS, Checked, Letter
from companion.replies import NO, YES, Answer, Command, Option, QuestionType, Said, interpret


class Page(Protocol):
    """Where the letter is written: the terminal, an editor, or a test."""

    def show(self, text: str) -> None: ...

    def read_part(self, prompt: str) -> str | None:
        """A part of the letter (may be several lines); None when input has ended."""

    def read_line(self, prompt: str) -> str | None:
        """One short reply; None when input has ended."""


class Stopped(Exception):
    """The writer asked to stop (typed q or stop); what is written so far is kept."""


@dataclass(frozen=True)
class Step:
    part: str
    prompt: str
    checked: bool = True


STEPS = (
    Step("facts", "What happened? Just the facts, as a camera would have seen them: what was "
         "said and done, and when."),
    Step("feelings", "How do you feel about it? Start with I: I feel..., I felt..."),
    Step("wish", "What would you like? Something they could do, said kindly: I would like..."),
)  # fmt: skip
INTRO = ("Let's write it down instead. One part at a time: type it, then an empty line to go "
         "on. Type q on its own line to stop; what you wrote is kept.")  # fmt: skip
_OWN = Option("own", "my own question", ("own", "mine", "my own", "write my own"))
_KEEP = Option("keep", "keep it", ("keep", "keep it"))
_QUESTION_OPTIONS = (*(Option(f"q{i}", q) for i, q in enumerate(QUESTIONS, 1)), _OWN)


class Writing:
    """The letter as it grows, so that whatever stops it, what is written is kept."""

    def __init__(self, page: Page, intro: str = INTRO) -> None:
        self.page = page
        self.intro = intro
        self.letter = Letter()

    def run(self) -> Letter:
        self.page.show(self.intro)
        for step in STEPS:
            self._set(step.part, self._checked(step.part, self._part(step.prompt, step.part)))
        self._set("question", self._question())
        self._set("handoff", self._handoff())
        return self.letter

    def _set(self, part: str, text: str) -> None:
        parts = {**self.letter.parts(), part: text}
        self.letter = Letter(**parts, checks=self.letter.checks)

    def _part(self, prompt: str, part: str = "") -> str:
        text = self.page.read_part(prompt)
        if text is None:
            raise Stopped
        lines = text.splitlines()
        stop = next((i for i, line in enumerate(lines) if _is_stop(line)), None)
        if stop is not None:  # "q" after some lines: those lines are kept, then it stops
            if part and lines[:stop]:
                self._set(part, " ".join(" ".join(lines[:stop]).split()))
            raise Stopped
        return " ".join(text.split())

    def _checked(self, part: str, text: str) -> str:
        kept: list[str] = []
        for sentence in sentences(text):
            flags = check(sentence)
            if not flags:
                kept.append(sentence)
                continue
            best = flags[0]
            reasons = " ".join(f"{f.words!r}: {f.why}" for f in flags)
            self.page.show(f'Flagged: "{sentence}"\n  {reasons}\n  Instead: "{best.rewording}"')
            taken = self._yes("Use this instead? (y: use it, n: keep yours)")
            kept.append(best.rewording if taken else sentence)
            found = Checked(part, sentence, tuple(f.kind.value for f in flags), best.rewording,
                            taken)  # fmt: skip
            self.letter = replace(self.letter, checks=(*self.letter.checks, found))
        return " ".join(kept)

    def _yes(self, prompt: str) -> bool:
        """Yes takes the rewording; anything unclear twice keeps the writer's own words."""
        for _ in range(2):
            line = self.page.read_line(prompt)
            if line is None or _is_stop(line):
                raise Stopped
            reply = interpret(line, QuestionType.YES_NO)
            if isinstance(reply, Answer) and reply.value in (YES, NO):
                return reply.value == YES
            if line.strip() == "":
                return False  # Enter keeps what they wrote
            prompt = "Type y to use it, or n to keep your own words."
        return False

    def _question(self) -> str:
        listed = "\n".join(f"  {i}. {q}" for i, q in enumerate(QUESTIONS, 1))
        prompt = (f"One question for them, instead of an accusation: questions ask for an "
                  f"answer, where statements invite a defence.\n{listed}\n  4. My own question"
                  f"\nType 1, 2, 3 or 4.")  # fmt: skip
        for _ in range(3):
            line = self.page.read_line(prompt)
            if line is None or _is_stop(line):
                raise Stopped
            reply = interpret(line, QuestionType.CHOICE, _QUESTION_OPTIONS)
            if isinstance(reply, Answer) and reply.value != "own":
                return QUESTIONS[int(str(reply.value)[1:]) - 1]
            if isinstance(reply, Answer):
                own = self._part("Your question:", "question")
                return self._checked("question", own)
            if len(line.split()) >= 3:  # a question of their own, typed straight in
                return self._checked("question", " ".join(line.split()))
            prompt = "Type 1, 2, 3, or 4 for your own question."
        return QUESTIONS[0]

    def _handoff(self) -> str:
        line = self.page.read_line(
            f'And the hand-off line, to close: "{HANDOFF}"\nPress Enter to keep it, or type '
            "your own."
        )
        if line is None or _is_stop(line):
            raise Stopped
        if interpret(line, QuestionType.CHOICE, (_KEEP,)) == Answer("keep"):
            return HANDOFF  # "keep" (said or typed) keeps it, as Enter does
        return " ".join(line.split()) or HANDOFF


def _is_stop(text: str) -> bool:
    reply = interpret(text.strip(), QuestionType.CONFIRM)
    return isinstance(reply, Said) and reply.command is Command.STOP
