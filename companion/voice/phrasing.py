"""Where a neural voice renders a line in parts: each sentence, and a long sentence in groups
of clauses. The memory a render takes grows with the length of what is rendered at once
(measured with Piper joe: a 7 s sentence whole +160 MB, in clauses +45 MB), and a shorter part
is ready to play sooner."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_WORDS = 10  # a longer sentence is rendered in groups of clauses of at most this many words
SENTENCE_PAUSE = 0.45  # seconds after a sentence: room to breathe
CLAUSE_PAUSE = 0.12  # seconds after a clause that ends in a comma, colon or semicolon

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")


@dataclass(frozen=True)
class Part:
    text: str
    pause_after: float  # seconds of silence after it (none after the last part of a line)


def parts_of(line: str, max_words: int = MAX_WORDS) -> list[Part]:
    """The line in the parts a voice renders one at a time, in order, every word kept."""
    parts: list[Part] = []
    for sentence in _SENTENCE_END.split(line.strip()):
        if not sentence:
            continue
        groups: list[str] = []
        for clause in _CLAUSE_END.split(sentence):
            if groups and len(groups[-1].split()) + len(clause.split()) <= max_words:
                groups[-1] = f"{groups[-1]} {clause}"
            else:
                groups.append(clause)
        parts += [Part(g, CLAUSE_PAUSE) for g in groups[:-1]] + [Part(groups[-1], SENTENCE_PAUSE)]
    if parts:
        parts[-1] = Part(parts[-1].text, 0.0)
    return parts
