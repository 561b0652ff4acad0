"""The letter checker finds accusations by their grammar: sentences it was never shown, of each
class, are flagged with the right kind; praise and feelings in the same shapes are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.letters.checker import Kind, check

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"


def rows(name: str) -> list[tuple[bool, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    split = [line.split("\t", 1) for line in lines if line.strip() and not line.startswith("#")]
    return [(label == "accusing", text.strip()) for label, text in split]


@pytest.mark.parametrize("name", ["letter_sentences_heldout.tsv", "letter_sentences_fresh.tsv"])
def test_on_sentences_written_apart_from_the_rules_nine_in_ten_accusations_are_flagged(
    name: str,
) -> None:
    data = rows(name)
    accusing = [bool(check(text)) for is_acc, text in data if is_acc]
    fair = [bool(check(text)) for is_acc, text in data if not is_acc]
    assert len(accusing) >= 20 and len(fair) >= 20
    assert sum(accusing) / len(accusing) >= 0.9
    assert sum(fair) / len(fair) <= 0.1


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [("You're being totally obnoxious.", Kind.LABEL),
     ("You are utterly clueless about money.", Kind.LABEL),
     ("You're so unforgiving.", Kind.LABEL),
     ("You act just like your grandmother.", Kind.COMPARISON),
     ("Quit pretending you didn't hear me.", Kind.COMMAND),
     ("Don't be such a drag.", Kind.COMMAND),
     ("Okay, whatever.", Kind.DISMISSAL),
     ("Whatever you like, I'm done.", Kind.DISMISSAL),
     ("Lighten up.", Kind.DISMISSAL),
     ("Oh perfect, late again.", Kind.SARCASM),
     ("How thoughtful of you to remember.", Kind.SARCASM),
     ("You obviously never cared.", Kind.MIND_READING),
     ("You only wanted to look good in front of them.", Kind.MIND_READING),
     ("You're the problem here.", Kind.LABEL),
     ("If you had only called, I wouldn't have worried.", Kind.BLAME),
     ("You wreck everything we plan.", Kind.ABSOLUTE),
     ("No one would put up with you.", Kind.ABSOLUTE)],
)  # fmt: skip
def test_an_accusation_of_each_class_is_flagged_with_its_kind_and_an_i_statement(
    sentence: str, kind: Kind
) -> None:
    flags = check(sentence)
    assert kind in [f.kind for f in flags]
    found = next(f for f in flags if f.kind is kind)
    assert found.words.lower() in sentence.lower()
    assert found.why and found.rewording.startswith(("I", "When"))


@pytest.mark.parametrize(
    "sentence",
    ["You're so patient with the kids.", "You're being really brave about this.",
     "You're completely right about the budget.", "You're really quiet tonight, and I miss you.",
     "You're so tired lately, I worry about you.", "Whatever we decide, I'm with you.",
     "Nice of you to call, it meant a lot.", "I know you just want to help.",
     "Do you just want to rest tonight?", "My father used to go quiet too.",
     "Don't be late for dinner, I'm cooking.", "I want to stop shouting.",
     "You are so much more than this fight.", "You're getting better at this."],
)  # fmt: skip
def test_praise_feelings_and_plain_requests_in_the_same_shapes_are_not_flagged(
    sentence: str,
) -> None:
    assert check(sentence) == []
