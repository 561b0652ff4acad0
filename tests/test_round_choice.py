"""After a round, a short choice (another round, something different, or enough) and the
rest of the techniques only when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.clock import FakeClock
from companion.events import Answered, Cue, Role
from companion.script import load_script
from companion.session import Session
from tests.fakes import FakeIn, FakeOut, MemoryRecorder

GROUND = Path(__file__).resolve().parent.parent / "scripts" / "ground.toml"
HIGH = ["yes", "i did", "9", "9"]  # safe, stepped away, still 9 after the first round


def run(replies: list[str | None]):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    out, inp, rec = FakeOut(clock), FakeIn(clock, replies), MemoryRecorder()
    Session(load_script(GROUND), out, inp, clock, rec).run()
    return out, inp, rec


def choice_prompt(out: FakeOut) -> str:
    return next(p for p in out.lines(Role.PROMPT) if p.startswith("It's still strong"))


def test_the_choice_after_a_round_offers_three_things_in_a_few_words() -> None:
    out, inp, _ = run([*HIGH, "enough", "no", "now"])
    prompt = choice_prompt(out)
    assert "Another round, something different, or enough for now?" in prompt
    assert len(prompt.split()) <= 15  # was 60 words, about 19 s of speech
    asked = next(q for q in inp.asked if q.qtype.value == "choice" and len(q.options) == 3)
    assert [o.label for o in asked.options] == ["another round", "something different",
                                                "enough for now"]  # fmt: skip
    assert not any("box breathing" in p for p in out.lines(Role.PROMPT))


def test_something_different_offers_the_rest_and_runs_the_one_chosen() -> None:
    out, _, rec = run([*HIGH, "something different", "box", "4", "no", "now"])
    assert any(p.startswith("Which would you like: slow breathing, box breathing")
               for p in out.lines(Role.PROMPT))  # fmt: skip
    assert "box" in {c.pattern for c in rec.of(Cue)}


@pytest.mark.parametrize(
    ("reply", "pattern"), [("another round", "cyclic-sigh"), ("1", "cyclic-sigh")]
)
def test_another_round_breathes_again_without_a_second_question(reply: str, pattern: str) -> None:
    out, _, rec = run([*HIGH, reply, "4", "no", "now"])
    assert [c.pattern for c in rec.of(Cue)].count(pattern) > 14  # a second run of sighs
    assert not any(p.startswith("Which would you like") for p in out.lines(Role.PROMPT))


def test_naming_one_of_the_rest_straight_away_leads_to_the_rest() -> None:
    _, _, rec = run([*HIGH, "box", "box", "4", "no", "now"])
    techniques = [a.value for a in rec.of(Answered) if a.key == "technique"]
    assert techniques == ["different", "box"]
    assert "box" in {c.pattern for c in rec.of(Cue)}
