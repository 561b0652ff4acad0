"""At "are you safe?", only a plain yes is yes: the worst error is a go-back script for
someone who is not safe. Typed and spoken replies are read by the same function."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.channels import Heard, Listening
from companion.clock import FakeClock
from companion.events import Answered, Role
from companion.replies import (
    FEARS,
    NEGATIONS,
    NO,
    UNSURE,
    YES,
    Answer,
    Command,
    QuestionType,
    Said,
    interpret,
)
from companion.script import load_script
from companion.session import Session
from tests.fakes import FakeIn, FakeOut, MemoryRecorder

SAFETY = QuestionType.SAFETY
GROUND = Path(__file__).resolve().parent.parent / "scripts" / "ground.toml"

PLAIN_YES = [
    "yes", "Yes", "YES", "yes.", "Yes!", "y", "Y", "yeah", "Yeah.", "yep", "yup", "ya", "yea",
    "aye", "I am", "I am.", "I'm safe", "I’m safe", "i am safe", "safe", "Yes, I am",
    "yes I am safe", "yeah, I'm safe", "yep I'm safe", "yes yes", "I'm okay", "yes I'm okay",
    "Yes, I'm safe right now", "I'm safe now", "of course", "yes of course", "absolutely",
    "definitely", "  yes  ", "yes, I'm safe here",
]  # fmt: skip
PLAIN_NO = ["no", "No.", "n", "N", "nope", "nah", "I'm not", "I am not", "no, I'm not",
            "not safe", "I'm not safe", "No, I'm not safe", "unsafe", "not really"]  # fmt: skip
NOT_SURE = [
    # yes and no at once
    "yeah no", "yeah nah", "yes and no", "yes, no", "yes no", "yes... no", "y n", "no yes",
    "yes not really", "yep, nope",
    # negations inside a yes
    "yes I'm not", "yeah I don't know", "yes, but not really", "I'm not sure", "not sure",
    "yes I can't say", "I don't think so", "yeah I'm not safe", "yes, never mind",
    # hedges
    "maybe", "yes but", "yes, but he's still here", "I think so", "yes I think", "I guess",
    "kind of", "sort of", "yeah kind of", "probably", "yes probably", "I hope so",
    "mostly", "yes mostly", "I suppose", "um yes", "uh yeah", "hmm", "perhaps",
    "I dunno", "idk", "sometimes", "I mean yes", "yes though",
    # conditions
    "yes if he stays out", "yes unless she comes back", "yes until he gets home",
    "safe for now", "yes for now", "yes at the moment", "only if I stay here",
    "yes as long as he's asleep", "not yet", "I'm safe when he's gone", "yes for the moment",
    "still not", "yes, at least for tonight",
    # fear and harm
    "yes I'm scared", "yes but I'm afraid", "I'm afraid", "yes he threatened me",
    "yeah but he hurt me", "yes, he hit me", "yes I'm frightened", "I'm terrified",
    "yes but he has a gun", "yes I want to die", "yeah, he might kill me", "help",
    "yes he's abusive", "yes but I'm worried", "I'm in danger", "yes, call the police",
    "yes I'm shaking", "he's yelling",
    # words the parser does not know
    "purple", "banana", "whatever", "I'm in the kitchen", "go on", "okay", "ok", "fine",
    "I'm fine I guess", "sure", "yes please", "right", "correct", "-1", "7", "lol",
    "x", "yess I'm good?", "yes'nt", "next",
]  # fmt: skip


@pytest.mark.parametrize("text", PLAIN_YES)
def test_a_plain_yes_is_safe(text: str) -> None:
    assert interpret(text, SAFETY) == Answer(YES)


@pytest.mark.parametrize("text", PLAIN_NO)
def test_a_plain_no_is_not_safe(text: str) -> None:
    assert interpret(text, SAFETY) == Answer(NO)


@pytest.mark.parametrize("text", NOT_SURE)
def test_anything_qualified_or_unknown_is_not_sure(text: str) -> None:
    assert interpret(text, SAFETY) == Answer(UNSURE)


def test_the_table_covers_at_least_eighty_phrasings() -> None:
    assert len(PLAIN_YES) + len(PLAIN_NO) + len(NOT_SURE) >= 80


@pytest.mark.parametrize(("text", "command"), [("stop", Command.STOP), ("q", Command.STOP),
                                               ("again", Command.AGAIN), ("?", Command.HELP),
                                               ("wait", Command.PAUSE)])  # fmt: skip
def test_commands_still_work_at_the_safety_question(text: str, command: Command) -> None:
    assert interpret(text, SAFETY) == Said(command)


def test_nothing_typed_is_no_reply_rather_than_an_answer() -> None:
    assert interpret("", SAFETY) is None
    assert interpret("   ", SAFETY) is None


@pytest.mark.parametrize("text", ["yes but not now", "yeah no", "yes and no", "yes, no",
                                  "yes if it's short", "yes I'm scared"])  # fmt: skip
def test_a_qualified_yes_is_not_a_clean_yes_at_any_yes_no_question(text: str) -> None:
    assert interpret(text, QuestionType.YES_NO) != Answer(YES)


@pytest.mark.parametrize("text", ["yes", "yeah sure", "yes please", "yep", "sure"])
def test_ordinary_yes_no_questions_still_take_a_simple_yes(text: str) -> None:
    assert interpret(text, QuestionType.YES_NO) == Answer(YES)


_YESSY = st.sampled_from(["yes", "yeah", "yep", "I am", "I'm safe", "safe", "y", "of course"])
_WORRY = st.sampled_from([*sorted(NEGATIONS | FEARS), "n't", "can't", "won't", "don't"])
_SEP = st.sampled_from([" ", ", ", "... ", " - ", "! ", " and ", "\t"])


@given(_YESSY, _WORRY, _SEP, st.booleans(), st.text(max_size=20), st.booleans())
def test_no_reply_with_a_negation_or_fear_word_is_ever_safe(
    yes: str, worry: str, sep: str, worry_first: bool, extra: str, shout: bool
) -> None:
    word = f"I{worry}" if worry == "n't" else worry  # "In't": the suffix on a word
    parts = [word, yes] if worry_first else [yes, word]
    text = sep.join([*parts, extra] if extra.strip() else parts)
    if shout:
        text = text.upper()
    assert interpret(text, SAFETY) != Answer(YES)


@given(st.text(max_size=60), _WORRY, st.text(max_size=60))
def test_any_text_around_a_negation_or_fear_word_is_never_safe(
    before: str, worry: str, after: str
) -> None:
    text = f"{before} {worry} {after}"
    assert interpret(text, SAFETY) != Answer(YES)


def _session(heard: list[Heard]) -> tuple[FakeOut, MemoryRecorder, list[Listening]]:
    clock = FakeClock()

    class Replies(FakeIn):
        def listen(self, listening: Listening) -> Heard | None:
            self.asked.append(listening)
            self.clock.advance(2.0)
            return heard.pop(0) if heard else None

    out, rec, inp = FakeOut(clock), MemoryRecorder(), Replies(clock, [])
    Session(load_script(GROUND), out, inp, clock, rec).run()
    return out, rec, inp.asked


@pytest.mark.parametrize("source", ["key", "voice"])
@pytest.mark.parametrize("text", ["yeah no", "yes and no", "yes but I'm scared", "yes, if"])
def test_a_qualified_yes_typed_or_spoken_gets_resources_and_no_return_script(
    text: str, source: str
) -> None:
    out, rec, asked = _session([Heard(text, source), Heard("8", "key")])
    assert asked[0].qtype is QuestionType.SAFETY
    safe = next(a for a in rec.of(Answered) if a.key == "safe")
    assert safe.value == UNSURE and safe.raw == text
    assert out.lines(Role.RESOURCE)
    assert all(q.qtype is not QuestionType.TIME for q in asked)


def test_a_plain_spoken_yes_goes_on_to_the_session_for_someone_safe() -> None:
    out, rec, _ = _session([Heard("yes, I'm safe", "voice")])
    assert next(a for a in rec.of(Answered) if a.key == "safe").value == YES
    assert not out.lines(Role.RESOURCE)


def test_a_doubted_transcript_of_unknown_words_is_asked_again_at_the_safety_question() -> None:
    out, rec, _ = _session([Heard("the kettle", "voice", confident=False),
                            Heard("yes", "voice")])  # fmt: skip
    assert "I heard you, but not the words." in " ".join(out.lines(Role.REPROMPT))
    assert next(a for a in rec.of(Answered) if a.key == "safe").value == YES


@pytest.mark.parametrize("text", ["yes I'm scared", "no", "not sure"])
def test_a_doubted_transcript_of_fear_doubt_or_no_is_taken_at_once(text: str) -> None:
    out, rec, _ = _session([Heard(text, "voice", confident=False), Heard("8", "key")])
    assert not any("I heard you" in line for line in out.lines(Role.REPROMPT))
    safe = next(a for a in rec.of(Answered) if a.key == "safe")
    assert safe.raw == text and safe.value in (UNSURE, NO)
    assert out.lines(Role.RESOURCE)
