"""A neural voice renders a line in parts: sentences, and a long sentence in groups of
clauses, so no single render is long (memory grows with its length)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from companion.voice.phrasing import CLAUSE_PAUSE, MAX_WORDS, SENTENCE_PAUSE, Part, parts_of


def test_a_short_line_is_one_part_with_no_pause_after() -> None:
    assert parts_of("Breathe in, slowly.") == [Part("Breathe in, slowly.", 0.0)]


def test_sentences_are_parts_with_a_pause_between() -> None:
    assert parts_of("I'm here. Take your time.") == [
        Part("I'm here.", SENTENCE_PAUSE), Part("Take your time.", 0.0)]  # fmt: skip


def test_a_long_sentence_is_rendered_in_groups_of_clauses() -> None:
    line = ("If it's to feel sure they still care, give yourself some of that care now: "
            "a hand on your chest, and a slow breath out.")  # fmt: skip
    assert parts_of(line) == [
        Part("If it's to feel sure they still care,", CLAUSE_PAUSE),
        Part("give yourself some of that care now:", CLAUSE_PAUSE),
        Part("a hand on your chest, and a slow breath out.", 0.0),
    ]


def test_a_long_sentence_without_clauses_stays_whole() -> None:
    line = "Most bodies need about twenty minutes to settle after a fight like this one."
    assert [p.text for p in parts_of(line)] == [line]


words = st.text(alphabet="abcdefgh", min_size=1, max_size=6)
lines = st.lists(st.tuples(words, st.sampled_from(["", ",", ";", ":", ".", "?"])), min_size=1,
                 max_size=40).map(lambda ws: " ".join(w + p for w, p in ws))  # fmt: skip


@given(lines)
def test_every_word_is_kept_in_order_and_groups_stay_short(line: str) -> None:
    parts = parts_of(line)
    assert " ".join(p.text for p in parts).split() == line.split()
    assert parts[-1].pause_after == 0.0
    for part in parts:
        # A group is longer than the limit only when it is a single clause.
        clauses = [c for c in part.text.replace(";", ",").replace(":", ",").split(", ") if c]
        assert len(part.text.split()) <= MAX_WORDS or len(clauses) == 1
