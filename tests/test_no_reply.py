"""No answer is not an answer: kept as "no reply", never a rating or a time nobody gave."""

from __future__ import annotations

from pathlib import Path

from companion.clock import FakeClock
from companion.events import NO_REPLY, Answered, Rated, Role, Statement
from companion.script import load_script
from companion.session import Outcome, Session
from tests import running
from tests.fakes import FakeIn, FakeOut, MemoryRecorder

GROUND = Path(__file__).resolve().parent.parent / "scripts" / "ground.toml"
SILENT = [None, None, None]  # no reply to a question, asked three times


def run(replies: list[str | None]) -> tuple[Outcome, FakeOut, MemoryRecorder]:
    clock = FakeClock()
    out, rec = FakeOut(clock), MemoryRecorder()
    outcome = Session(load_script(GROUND), out, FakeIn(clock, replies), clock, rec).run()
    return outcome, out, rec


def answers(rec: MemoryRecorder, key: str) -> list[Answered]:
    return [a for a in rec.of(Answered) if a.key == key]


def test_a_missing_rating_is_kept_as_no_reply_and_never_invented() -> None:
    _, _, rec = run(["yes", "i did", "8", *SILENT, "no", "in twenty minutes", "no"])
    second = answers(rec, "distress")[1]
    assert second.source == NO_REPLY and second.value == "" and not second.replied
    assert [r.value for r in rec.of(Rated)] == [8]


def test_a_missing_rating_brings_no_extra_rounds_and_no_its_still_strong() -> None:
    _, out, rec = run(["yes", "i did", "8", *SILENT, "no", "in twenty minutes", "no"])
    said = " ".join(out.lines())
    assert "still strong" not in said
    assert not answers(rec, "technique")
    # Where the person is "now" is not known, so it is not said.
    assert "you're at" not in said


def test_silence_at_the_return_time_offers_twenty_minutes_and_a_yes_takes_it() -> None:
    outcome, out, rec = run(["yes", "i did", "8", "4", "no", *SILENT, "yes", "no"])
    assert "Shall I say twenty minutes?" in out.lines(Role.PROMPT)
    assert outcome.return_at is not None and outcome.statement is not None
    ret = answers(rec, "return")[0]
    assert ret.replied and ret.raw == "yes"


def test_no_time_is_put_in_the_closing_words_when_nobody_named_or_accepted_one() -> None:
    for after_offer in (["no"], ["not sure"], SILENT):
        outcome, out, rec = run(["yes", "i did", "8", "4", "no", *SILENT, *after_offer])
        assert outcome.statement is None and outcome.return_at is None
        assert not rec.of(Statement)
        assert any("when you'll be back" in line for line in out.lines(Role.NOTE))
        ret = answers(rec, "return")[0]
        assert ret.source == NO_REPLY and ret.value == ""
        assert not out.chimes  # no break timer for a time nobody chose


def test_silence_at_the_safety_question_is_stored_as_no_reply_with_the_default() -> None:
    _, _, rec = run([*SILENT, "3"])
    safe = answers(rec, "safe")[0]
    assert safe.source == NO_REPLY and safe.value == "unsure"


def test_piped_input_that_ends_early_is_replayed_as_no_reply(private_home: Path) -> None:
    done = running.run("ground", "--text", "--speed", "1000", home=private_home,
                       stdin="yes\ni did\n8\n4\nno\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "I'll be back" not in done.stdout
    assert "Shall I say twenty minutes?" in done.stdout
    replayed = running.run("replay", "last", "--full", "--text", "--speed", "1000",
                           home=private_home)  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    assert "> in twenty minutes" not in replayed.stdout
    assert "(no reply)" in replayed.stdout  # the return time nobody named
