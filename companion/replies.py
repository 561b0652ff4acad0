"""Turn what was typed or heard into an answer or a command, or say it was not a reply."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from companion.timeparse import NEGATIVE, ReturnTime, parse_time


class QuestionType(str, Enum):
    YES_NO = "yes-no"
    SCALE = "scale"
    CHOICE = "choice"
    TIME = "time"
    CONFIRM = "confirm"
    SAFETY = "safety"  # "are you safe?": only an unqualified yes is yes


class Command(str, Enum):
    STOP = "stop"
    AGAIN = "again"
    NEXT = "next"
    PAUSE = "pause"
    SLOWER = "slower"
    FASTER = "faster"
    HELP = "help"


YES, NO, UNSURE = "yes", "no", "unsure"

Value = str | int | ReturnTime


@dataclass(frozen=True)
class Answer:
    value: Value


@dataclass(frozen=True)
class Said:
    """A command the person gave instead of an answer."""

    command: Command


Reply = Answer | Said


@dataclass(frozen=True)
class Option:
    name: str
    label: str
    words: tuple[str, ...] = ()


_COMMAND_WORDS: dict[str, Command] = {
    "stop": Command.STOP, "q": Command.STOP, "quit": Command.STOP, "exit": Command.STOP,
    "end": Command.STOP, "stop please": Command.STOP,
    "again": Command.AGAIN, "repeat": Command.AGAIN, "say again": Command.AGAIN,
    "say that again": Command.AGAIN, "r": Command.AGAIN, "what": Command.AGAIN,
    "next": Command.NEXT, "go on": Command.NEXT, "continue": Command.NEXT, "done": Command.NEXT,
    "ready": Command.NEXT, "start": Command.NEXT, "go": Command.NEXT, "ok next": Command.NEXT,
    "pause": Command.PAUSE, "wait": Command.PAUSE, "p": Command.PAUSE, "hold on": Command.PAUSE,
    "slower": Command.SLOWER, "slow down": Command.SLOWER,
    "faster": Command.FASTER, "speed up": Command.FASTER,
    "help": Command.HELP, "h": Command.HELP, "?": Command.HELP,
}  # fmt: skip

_YES = {"yes", "y", "yeah", "yep", "yup", "sure", "okay", "ok", "i am", "i'm safe", "safe",
        "yes i am", "of course", "yes please", "correct", "right", "uh huh"}  # fmt: skip
_NO = {"no", "n", "nope", "nah", "not yet", "i'm not", "i am not", "no i'm not", "not safe",
       "no thanks", "no thank you", "not really"}  # fmt: skip
_UNSURE = {"not sure", "i'm not sure", "unsure", "maybe", "i don't know", "dont know",
           "don't know", "idk", "i dunno", "dunno", "kind of", "sort of", "u", "not sure yet",
           "i'm unsure", "perhaps", "i think so", "i guess", "probably"}  # fmt: skip

_SCALE_WORDS = {
    "zero": 0, "oh": 0, "none": 0, "nothing": 0, "one": 1, "won": 1, "two": 2, "to": 2,
    "too": 2, "three": 3, "four": 4, "for": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "ate": 8, "nine": 9, "ten": 10,
}  # fmt: skip


def normalise(text: str) -> str:
    """Lower case, apostrophes kept, punctuation and extra spaces gone."""
    text = text.lower().replace("’", "'").strip()
    text = re.sub(r"[^\w'?: ]", " ", text)
    return " ".join(text.split())


def command_in(text: str, qtype: QuestionType) -> Command | None:
    """A command, if the whole reply is one. Enter alone means 'next' where that makes sense."""
    words = normalise(text)
    if words == "":
        return Command.NEXT if qtype is QuestionType.CONFIRM else None
    command = _COMMAND_WORDS.get(words)
    if command is None:
        return None
    # 'n' is 'no' in a yes-no question; 'ready'/'go' answer a confirm question.
    if qtype is QuestionType.YES_NO and words in ("okay", "ok"):
        return None
    return command


# What makes a yes less than a plain yes: a negation, a hedge, a condition, fear or harm.
# Matched as whole words (or word groups) of the normalised reply; "n't" is caught by suffix.
NEGATIONS = frozenset({"no", "not", "nope", "nah", "never", "neither", "nor", "nothing",
                       "nobody", "none", "cannot", "cant", "dont", "isnt", "wont", "aint",
                       "without"})  # fmt: skip
HEDGES = frozenset({"but", "maybe", "perhaps", "probably", "possibly", "guess", "think",
                    "suppose", "kinda", "sorta", "mostly", "almost", "sometimes", "partly",
                    "somewhat", "unsure", "dunno", "idk", "hope", "hopefully", "mean", "um",
                    "uh", "hmm", "er", "though", "although", "except", "ish", "depends",
                    "barely", "technically", "physically", "guessing"})  # fmt: skip
CONDITIONS = frozenset({"if", "unless", "until", "when", "whenever", "only", "yet", "still",
                        "anymore", "tonight", "later", "today"})  # fmt: skip
FEARS = frozenset({"scared", "afraid", "fear", "frightened", "terrified", "threat",
                   "threatened", "threatening", "threatens", "hurt", "hurting", "hurts", "hit",
                   "hitting", "hits", "kill", "killing", "die", "dying", "dead", "suicide",
                   "suicidal", "danger", "dangerous", "unsafe", "weapon", "gun", "knife",
                   "harm", "harming", "abuse", "abusive", "violent", "violence", "attack",
                   "panic", "panicking", "worried", "worry", "nervous", "help", "trapped",
                   "locked", "choke", "choked", "push", "pushed", "shaking", "yelling",
                   "screaming", "police", "emergency", "bleeding", "injured"})  # fmt: skip
_GROUPS = ("kind of", "sort of", "i think", "i guess", "not really", "at the moment",
           "for now", "for the moment", "a bit", "a little", "as long as", "at least",
           "so far", "for a while", "more or less")  # fmt: skip

_YES_WORDS = ("yes", "yeah", "yep", "yup", "y", "ya", "yea", "aye", "yes yes")
_SAFE_BODIES = ("i am", "i'm safe", "i am safe", "safe", "i'm okay", "i am okay", "i'm ok",
                "i'm safe here", "i am safe here", "safe here", "of course", "absolutely",
                "definitely", "completely safe", "totally safe", "i'm completely safe",
                "i'm totally safe")  # fmt: skip
# "right now" repeats the question's own words: "yes, I'm safe right now" is still plain.
_SAFE_TAILS = ("", "now", "right now")
# At the safety question, only these whole replies are yes. Anything else that is not a
# plain no (or a command) is "not sure": a safe person loses little by seeing the resources.
_SAFE = frozenset(
    " ".join(part for part in (lead, body, tail) if part)
    for lead in ("", *_YES_WORDS)
    for body in ("", *_SAFE_BODIES)
    for tail in _SAFE_TAILS
    if lead or body
)
_NOT_SAFE = frozenset({"no", "n", "nope", "nah", "no no", "i'm not", "i am not", "no i'm not",
                       "no i am not", "not safe", "i'm not safe", "i am not safe",
                       "no i'm not safe", "no not safe", "no i am not safe", "unsafe",
                       "not really", "no not really"})  # fmt: skip


def qualified(words: str) -> bool:
    """True when a reply carries a negation, hedge, condition, fear or harm."""
    tokens = words.replace("?", " ").split()
    if any(t.endswith("n't") for t in tokens):
        return True
    if any(t in NEGATIONS or t in HEDGES or t in CONDITIONS or t in FEARS for t in tokens):
        return True
    padded = f" {words} "
    return any(f" {group} " in padded for group in _GROUPS)


def _safety(words: str) -> Value | None:
    """Safe only on an unqualified yes; a plain no is no; anything else is not sure."""
    if words in _SAFE:
        return YES
    if words in _NOT_SAFE:
        return NO
    return None  # commands are tried next; what is left is UNSURE


def _yes_no(words: str) -> Value | None:
    if words in _UNSURE or "not sure" in words or "don't know" in words:
        return UNSURE
    if words in _YES:
        return YES
    if words in _NO:
        return NO
    tokens = words.split()
    first, rest = (tokens[0], " ".join(tokens[1:])) if tokens else ("", "")
    if first in ("yes", "yeah", "yep", "yup"):
        # "yes but not now" or "yeah no" is not a clean yes anywhere.
        return UNSURE if qualified(rest) else YES
    if first in ("no", "nope", "nah", "not"):
        return NO
    return None


def _scale(words: str) -> Value | None:
    words = words.removesuffix(" out of ten").removesuffix(" out of 10").removesuffix("/10")
    words = words.removeprefix("about ").removeprefix("maybe ").removeprefix("it's ")
    words = words.removeprefix("a ").removeprefix("i'm at ").removeprefix("i'm a ")
    if re.fullmatch(r"\d{1,2}", words):
        value = int(words)
        return value if 0 <= value <= 10 else None
    return _SCALE_WORDS.get(words)


def _choice(words: str, options: tuple[Option, ...]) -> Value | None:
    for option in options:  # an option's own words first: "one more" is not option 1
        names = {option.name.lower(), option.label.lower(), *(w.lower() for w in option.words)}
        if words in names:
            return option.name
    number = int(words) if re.fullmatch(r"\d{1,2}", words) else _NUMBER_WORDS.get(words)
    if number is not None:
        return options[number - 1].name if 1 <= number <= len(options) else None
    return None


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}  # fmt: skip


def interpret(text: str, qtype: QuestionType, options: tuple[Option, ...] = ()) -> Reply | None:
    """What a reply means for this question, or None when it is not a reply to it."""
    if not isinstance(text, str):
        return None
    if qtype is QuestionType.SAFETY:
        return _safety_reply(text[:2000], normalise(text[:2000]))
    if len(text) > 500:
        return None
    if re.search(NEGATIVE, text):
        return None  # "-1" is not a 1 with a smudge
    words = normalise(text)
    if qtype is QuestionType.YES_NO:
        # "no" must never be read as a command or as yes; it is checked before commands.
        value = _yes_no(words)
        if value is not None:
            return Answer(value)
    command = command_in(text, qtype)
    if command is not None:
        return Said(command)
    found: Value | None
    if qtype is QuestionType.SCALE:
        found = _scale(words)
    elif qtype is QuestionType.CHOICE:
        found = _choice(words, options)
    elif qtype is QuestionType.TIME:
        found = parse_time(words)
    elif qtype is QuestionType.CONFIRM:
        # Anything said while a prompt waits (e.g. "I see a lamp") moves it on.
        found = words or None
    else:
        found = None
    return None if found is None else Answer(found)


def _safety_reply(text: str, words: str) -> Reply | None:
    value = _safety(words)
    if value is not None:
        return Answer(value)
    command = command_in(text, QuestionType.SAFETY)
    # "help" here may be a call for help, and "go on" is not an answer: both are not sure.
    if command is not None and command is not Command.NEXT and words != "help":
        return Said(command)
    # Nothing at all is no reply; any words that are not a plain yes or no are "not sure".
    return Answer(UNSURE) if words else None
