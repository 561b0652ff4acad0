"""What can be said in reply to each kind of question: small grammars, derived from the question.

A recogniser that only has to choose among a few dozen phrases gets them right far more
often than one listening for all of English. The phrases here are also what the reply parser
(`companion.replies`) understands, so what is heard is read the same way as what is typed.
"""

from __future__ import annotations

from companion.channels import Listening
from companion.replies import QuestionType

COMMANDS = ("stop", "again", "repeat", "say that again", "help", "pause", "wait",
            "slower", "faster")  # fmt: skip
# Not "okay": whisper writes it for sighs, cries and unclear words more than any other reply
# (bench/bench_hear.py); typed, it still counts.
YES_NO = ("yes", "yeah", "yep", "yes i am", "sure", "no", "nope", "not yet", "no i'm not",
          "not sure", "i'm not sure", "i don't know", "maybe", "not really")  # fmt: skip
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
CONFIRM = ("next", "done", "ready", "go on", "continue", "go")
_HOURS = (*NUMBERS[1:], "eleven", "twelve")
_MINUTES = ("five", "ten", "fifteen", "twenty", "twenty five", "thirty", "forty", "forty five",
            "fifty", "ninety")  # fmt: skip


def _time_phrases() -> list[str]:
    phrases = [
        "now", "right now", "half an hour", "an hour", "one hour", "in an hour",
        "in half an hour", "an hour and a half", "two hours", "noon", "midnight",
    ]  # fmt: skip
    for m in _MINUTES:
        phrases += [f"{m} minutes", f"in {m} minutes"]
    for h in _HOURS:
        phrases += [f"at {h}", f"{h} o'clock", f"{h} pm", f"{h} am", f"half past {h}",
                    f"quarter past {h}", f"quarter to {h}"]  # fmt: skip
        for m in ("fifteen", "thirty", "forty five"):
            phrases += [f"{h} {m}", f"at {h} {m}"]
    return phrases


def phrases(listening: Listening) -> list[str]:
    """Every phrase that is a reply to this question, commands included."""
    q = listening.qtype
    if q is QuestionType.SCALE:
        found = list(NUMBERS)
    elif q is QuestionType.CHOICE:
        found = list(NUMBERS[1 : len(listening.options) + 1])
        for option in listening.options:
            found += [option.name.replace("-", " "), option.label, *option.words]
    elif q is QuestionType.TIME:
        found = _time_phrases()
    elif q is QuestionType.CONFIRM:
        found = list(CONFIRM)
    else:  # yes-no, and any question type this does not know (the safety question is one)
        found = list(YES_NO)
    found += COMMANDS
    return list(dict.fromkeys(p.lower().strip() for p in found if p.strip()))
