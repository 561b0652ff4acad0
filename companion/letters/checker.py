"""An offline, explained check of one sentence: accusations and absolutes, each with a reason
and an I-statement rewording the writer can take or leave.

Rules, not a model: every flag names the words that raised it and why, so the writer can
judge it, and the same sentence always gets the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from companion.letters import judgements


class Kind(str, Enum):
    ABSOLUTE = "absolute"  # you never, you always
    BLAME = "blame"  # your fault, you made me, you ruined
    LABEL = "label"  # you're so selfish: a judgement of who they are
    NAME = "name-calling"
    DISMISSAL = "dismissal"  # whatever, calm down, get over it
    COMPARISON = "comparison"  # just like your father
    COMMAND = "command"  # stop being so sensitive
    SARCASM = "sarcasm"  # oh great, another brilliant idea
    MIND_READING = "mind-reading"  # you just want to win


WHY = {
    Kind.ABSOLUTE: "'Never' and 'always' about them invite a defence (\"that's not true, last "
    'week I…") instead of an answer.',
    Kind.BLAME: "Blame invites a defence. Saying how it was for you invites an answer.",
    Kind.LABEL: "This judges who they are, not what happened; people defend who they are.",
    Kind.NAME: "Calling names hurts, and it ends the listening.",
    Kind.DISMISSAL: "This tells them you have stopped listening, or tells them what to feel.",
    Kind.COMPARISON: "Being compared to family is heard as an attack on who they are.",
    Kind.COMMAND: "Ordering someone to be different tells them who they are is wrong.",
    Kind.SARCASM: "Sarcasm says the opposite of what it means, and is heard as contempt.",
    Kind.MIND_READING: "Saying what they want or feel leaves them only to deny it; a question"
    " lets them answer.",
}


@dataclass(frozen=True)
class Flag:
    kind: Kind
    words: str  # the words that raised it, as written
    why: str
    rewording: str  # an I-statement to use instead


_NAMES = ("idiot", "moron", "jerk", "loser", "liar", "psycho", "bitch", "bastard", "asshole",
          "arsehole", "child", "baby", "coward", "joke", "narcissist")  # fmt: skip
_LABELS = {
    "selfish": "I feel alone with this, and I'd like you to think about what I need too.",
    "lazy": "I feel overwhelmed doing this on my own, and I'd like us to share it.",
    "inconsiderate": "I feel hurt, and I'd like my side to be thought of too.",
    "impossible": "I'm finding this really hard to talk about, and I want to keep trying.",
    "ridiculous": "I see this differently, and I'd like to understand how you see it.",
    "crazy": "I see this differently, and I'd like to understand how you see it.",
    "dramatic": "I see this differently, and I'd like to understand how it feels for you.",
    "childish": "I feel hurt by how this went, and I'd like us both to slow down.",
    "pathetic": "I'm very upset right now, and I want to talk about what happened.",
    "useless": "I feel let down, and I'd like us to find what would help.",
    "stupid": "I'm very upset right now, and I want to talk about what happened.",
    "dumb": "I'm very upset right now, and I want to talk about what happened.",
    "cold": "I feel shut out, and I'd like us to be close again.",
    "mean": "I felt hurt by what was said, and I'd like us to be kinder.",
    "rude": "I felt hurt by how that was said.",
    "controlling": "I need to feel I have a say in this too.",
    "unbelievable": "I'm very upset right now, and I want to talk about what happened.",
    "heartless": "I feel hurt, and I need to know you care about how this feels for me.",
    "hopeless": "I feel let down, and I'd like us to find what would help.",
    "unfair": "It felt unfair to me, and I'd like us to talk about why.",
    "the problem": "I'd like us to look at what each of us did, me too.",
}
_NAME_WORDS = "|".join(_NAMES)
_LABEL_WORDS = "|".join(re.escape(w) for w in _LABELS)
_CARE = "I need to know that this matters to you."
_EACH = "I'd like us to look at what each of us did, me too."
_UPSET = "I'm very upset right now, and I want to talk about what happened."
# "You always make me laugh" is an absolute, but praise: no one needs to defend it.
_KIND_WORDS = re.compile(r"\b(laugh|smile|love|help(ed)? me|support|know how|make me happy|"
                         r"there for me|thank)", re.I)  # fmt: skip
_YOU = r"(?:you|you're|you are|youre)"


def _clean(part: str) -> str:
    return part.strip().rstrip(".!?,;").strip()


_GENERAL = "I feel hurt when this happens, and I'd like us to talk about it."


def _when(rest: str, at: int) -> str:
    """'When you X, I feel hurt.' where X reads as a present habit; otherwise a general line."""
    rest = _clean(rest)
    first = rest.split()[2] if len(rest.split()) > 2 else ""
    # Only rephrase what opens the sentence; "you think you're always right" is not a habit.
    if at > 0 or not rest or first.endswith("ed") or first in ("once", "ever", "even"):
        return _GENERAL
    return f"When {rest}, I feel hurt."


def check(sentence: str) -> list[Flag]:
    """What in this sentence reads as an accusation, why, and what to say instead."""
    s = " ".join(sentence.replace("’", "'").split())
    low = s.lower()
    flags: list[Flag] = []

    def flag(kind: Kind, words: str, rewording: str) -> None:
        if not any(f.kind is kind for f in flags):
            flags.append(Flag(kind, words, WHY[kind], rewording))

    # Absolutes about them: "you never X", "you always X", "every time you X".
    if m := re.search(r"\byou\s+(?:only\s+)?(?:ever\s+)?never\s+(.*)", s, re.I):
        flag(Kind.ABSOLUTE, m.group(0)[: len(m.group(0)) - len(m.group(1))].strip(),
             _when(f"you don't {m.group(1)}", m.start()))  # fmt: skip
    elif m := re.search(r"\b(you're|you are)\s+(always|constantly|forever)\s+(.*)", s, re.I):
        if not _KIND_WORDS.search(m.group(3)):
            flag(Kind.ABSOLUTE, f"{m.group(1)} {m.group(2)}",
                 _when(f"you're {m.group(3)}", m.start()))  # fmt: skip
    elif m := re.search(r"\byou\s+(always|constantly|only ever)\s+(.*)", s, re.I):
        if not _KIND_WORDS.search(m.group(2)):
            flag(Kind.ABSOLUTE, f"you {m.group(1)}", _when(f"you {m.group(2)}", m.start()))
    elif m := re.search(r"\bevery time you\s+(.*)", s, re.I):
        flag(Kind.ABSOLUTE, "every time you", _when(f"you {m.group(1)}", m.start()))
    if m := re.search(r"\bwhy (?:can't|cant|won't|don't) you\s+(?:just\s+)?(.*)", s, re.I):
        flag(
            Kind.BLAME,
            " ".join(m.group(0).split()[:3]),
            f"I would like you to {_clean(m.group(1))}.",
        )

    # Labels: "you're so selfish", "you are being ridiculous", "you're impossible".
    label = re.search(rf"\b{_YOU}\s+(?:being\s+|acting\s+)?(?:so\s+|such\s+an?\s+|really\s+|"
                      rf"just\s+|the\s+most\s+)?({_LABEL_WORDS})\b", low)  # fmt: skip
    if label:
        flag(Kind.LABEL, label.group(0), _LABELS[label.group(1)])
    # Names: "you idiot", "you're such a jerk", "acting like a child", or a name on its own.
    name = re.search(
        rf"\b(?:{_YOU}\s+(?:such\s+|being\s+|acting\s+like\s+|like\s+)?(?:an?\s+)?"
        rf"(?:total\s+|complete\s+)?|like\s+an?\s+)({_NAME_WORDS})\b", low
    )  # fmt: skip
    if name:
        flag(Kind.NAME, name.group(0), _UPSET)

    # Blame.
    blames = (
        (r"\b(?:it's|it is|this is|that's|that is)\s+(?:all\s+)?your fault\b", _EACH),
        (r"\byour fault\b", _EACH),
        (r"\bbecause of you\b", _EACH),
        (r"\byou started it\b", _EACH),
        (r"\byou ruined\b", "I was sad that it went the way it did."),
        (r"\byou don't (?:even\s+)?care\b", _CARE),
        (r"\byou don't (?:even\s+)?(?:try|listen|understand)\b",
         "I need to feel heard, and I'd like us to try to understand each other."),
        (r"\byou only (?:ever\s+)?think about yourself\b",
         "I feel alone with this, and I'd like you to think about what I need too."),
        (r"\bwhat(?:'s| is) wrong with you\b",
         "I don't understand what happened, and I'd like to."),
        (r"\btypical of you\b", "This has happened before, and it hurts each time."),
        (r"\bas usual\b", "This has happened before, and it hurts each time."),
    )  # fmt: skip
    for pattern, rewording in blames:
        if m := re.search(pattern, low):
            flag(Kind.BLAME, m.group(0), rewording)
            break
    if m := re.search(r"\byou made me (feel\s+)?(.*)", s, re.I):
        felt = f"I felt {_clean(m.group(2))}." if m.group(1) else _GENERAL
        flag(Kind.BLAME, "you made me", felt)
    elif m := re.search(r"\byou should(?:'ve| have)\s+(.*)", s, re.I):
        flag(Kind.BLAME, "you should have", f"I wish you had {_clean(m.group(1))}.")

    # Dismissal: "whatever." on its own; telling them what to feel.
    if re.search(r"(^|[,.;!]\s*|\bfine,?\s+|\bok(?:ay)?,?\s+)whatever\s*[.!]*\s*$", low):
        flag(Kind.DISMISSAL, "whatever", "I'm too upset to answer well right now. I need a moment.")
    if m := re.search(r"\b(calm down|get over it|grow up|relax)\b", low):
        flag(Kind.DISMISSAL, m.group(0), "I'd like us both to take a breath, and then talk.")
    # Classes found by their grammar, beyond the words listed above.
    for kind, find in judgements.FINDERS:
        if found := find(low):
            flag(Kind(kind), *found)
    return flags


def sentences(text: str) -> list[str]:
    """A paragraph as sentences, each with its own end."""
    return [p for p in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if p]
