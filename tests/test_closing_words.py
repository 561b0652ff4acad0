"""Closing words that fit the choice, and "now" only when the body is ready."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.clock import FakeClock
from companion.events import Role
from companion.script import ScriptError, load_script
from companion.session import Outcome, Session, colon_case
from tests import running
from tests.fakes import FakeIn, FakeOut, MemoryRecorder

GROUND = Path(__file__).resolve().parent.parent / "scripts" / "ground.toml"
QUESTION = "How do you think we should solve this?"


def run(replies: list[str | None], script_path: Path = GROUND) -> tuple[Outcome, FakeOut]:
    clock = FakeClock()
    out = FakeOut(clock)
    outcome = Session(load_script(script_path), out, FakeIn(clock, replies), clock,
                      MemoryRecorder()).run()  # fmt: skip
    return outcome, out


def test_words_for_leaving_name_the_break_and_come_before_it() -> None:
    outcome, out = run(["yes", "i did", "8", "4", "no", "in twenty minutes", "yes"])
    leaving = outcome.statement
    assert leaving is not None and outcome.return_at is not None
    assert "taking a break" in leaving and "I'll be back at" in leaving
    assert QUESTION not in leaving  # the question belongs to coming back
    said = out.lines()
    offer = next(line for line in said if line.startswith("Would you like me to stay"))
    assert said.index(leaving) < said.index(offer)


def test_at_the_return_time_the_words_for_coming_back_are_said_not_the_break_again() -> None:
    outcome, out = run(["yes", "i did", "8", "4", "no", "in twenty minutes", "yes"])
    back = f"I'm back. I'm calmer. I want us to work this out together. {QUESTION}"
    assert outcome.on_return == back
    after_chime = [text for t, text, _ in out.said if t >= out.chimes[0]]
    assert back in after_chime and outcome.statement not in after_chime
    assert out.shown[-1] == ("Your words", [back])  # shown again, as well as said


def test_going_back_now_has_one_set_of_words_in_sentence_case_after_the_colon() -> None:
    outcome, _ = run(["yes", "i did", "5", "3", "no", "now"])
    assert outcome.on_return is None and outcome.return_at is None
    assert outcome.statement is not None
    assert "Can I ask you: how do you think we should solve this?" in outcome.statement


@pytest.mark.parametrize(
    ("text", "cased"),
    [("Ask you: How are you?", "Ask you: how are you?"), ("Say: I'm back", "Say: I'm back"),
     ("Back at 9:10 pm: Then", "Back at 9:10 pm: then"), ("A: B", "A: B")],
)  # fmt: skip
def test_colon_case(text: str, cased: str) -> None:
    assert colon_case(text) == cased


def test_the_own_part_reflection_speaks_to_the_person() -> None:
    _, out = run(["yes", "i did", "5", "3", "yes", "now"])
    said = " ".join(out.lines())
    assert "Think of one thing you did that made this harder." in said
    assert "thing I did" not in said


@pytest.mark.parametrize("ratings", [["8", "7", "enough"], ["2", "4"]])  # still high, or rising
def test_now_while_the_body_is_stirred_gets_a_gentle_note_and_twenty_minutes_offered(
    ratings: list[str],
) -> None:
    outcome, out = run(["yes", "i did", *ratings, "no", "now", "yes", "no"])
    assert any("about twenty minutes to settle" in line for line in out.lines(Role.NOTE))
    assert "Would you like to take twenty minutes first? It's your choice." in out.lines(
        Role.PROMPT
    )
    assert outcome.return_at is not None  # they took the twenty minutes
    assert outcome.statement is not None and "I'll be back at" in outcome.statement


def test_the_persons_choice_of_now_stands() -> None:
    outcome, out = run(["yes", "i did", "8", "7", "enough", "no", "now", "no"])
    assert any("about twenty minutes to settle" in line for line in out.lines(Role.NOTE))
    assert outcome.return_at is None
    assert outcome.statement is not None and "Can I ask you" in outcome.statement


def test_now_with_a_settled_body_is_taken_without_a_note() -> None:
    outcome, out = run(["yes", "i did", "5", "3", "no", "now"])
    assert not any("to settle" in line for line in out.lines())
    assert outcome.statement is not None and outcome.return_at is None


def with_back(tmp_path: Path, back: str | None) -> Path:
    """The default script with other words for coming back (or none)."""
    lines = GROUND.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("back = "))
    lines[at : at + 1] = [] if back is None else [f"back = {back!r}"]
    path = tmp_path / "mine.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_script_without_words_for_coming_back_says_its_break_words_again(
    tmp_path: Path,
) -> None:
    script = load_script(with_back(tmp_path, None))
    assert script.closing is not None and script.closing.back == ""
    clock = FakeClock()
    out = FakeOut(clock)
    replies = ["yes", "i did", "8", "4", "no", "in twenty minutes", "yes"]
    outcome = Session(script, out, FakeIn(clock, replies), clock, MemoryRecorder()).run()
    assert outcome.on_return is None
    assert out.lines(Role.STATEMENT)[-1] == outcome.statement


def test_words_for_coming_back_with_an_unknown_placeholder_are_a_script_error(
    tmp_path: Path,
) -> None:
    with pytest.raises(ScriptError, match="back"):
        load_script(with_back(tmp_path, "I am back at {minutes}."))


def test_replay_says_both_sets_of_words(private_home: Path) -> None:
    stdin = "yes\ni did\n8\n4\nno\nin twenty minutes\nno\n"
    done = running.run("ground", "--text", "--speed", "1000", home=private_home, stdin=stdin)
    assert done.returncode == 0, done.stderr
    replayed = running.run("replay", "last", "--text", home=private_home)
    assert replayed.returncode == 0, replayed.stderr
    assert "I'll be back at" in replayed.stdout
    assert "I'm back. I'm calmer." in replayed.stdout
