"""The default session, end to end, on a fake clock with fake audio."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from companion.clock import FakeClock
from companion.events import Answered, Cue, Ended, Rated, Role, Statement, Status
from companion.script import load_script, parse_script
from companion.session import Interrupted, Session
from tests.fakes import FakeIn, FakeOut, MemoryRecorder

ROOT = Path(__file__).resolve().parent.parent
GROUND = ROOT / "scripts" / "ground.toml"


def run(replies: list, script_path: Path = GROUND):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    out, inp, rec = FakeOut(clock), FakeIn(clock, replies), MemoryRecorder()
    outcome = Session(load_script(script_path), out, inp, clock, rec).run()
    return outcome, out, inp, rec, clock


SAFE_PATH = ["yes", "i did", "8", "4", "no", "in twenty minutes", "yes"]


def test_full_session_with_a_twenty_minute_break_runs_in_well_under_a_second() -> None:
    started = time.perf_counter()
    outcome, out, _, rec, clock = run(SAFE_PATH)
    elapsed = time.perf_counter() - started

    assert outcome.status is Status.FINISHED
    assert elapsed < 1.0
    assert clock.t > 20 * 60  # the break really was twenty session minutes
    # The return time is named as a clock time, twenty minutes after it was chosen.
    assert outcome.return_at is not None
    assert outcome.statement is not None and "8:" in outcome.statement
    clock_text = f"{outcome.return_at.hour % 12 or 12}:{outcome.return_at.minute:02d}"
    assert clock_text in outcome.statement
    # Two sets of words: the break when leaving, and the question on coming back.
    assert outcome.on_return is not None
    assert outcome.on_return.startswith("I'm back. I'm calmer.")
    assert "How do you think we should solve this?" in outcome.on_return
    # Spoken, shown and saved.
    for words in (outcome.statement, outcome.on_return):
        assert words in out.lines(Role.STATEMENT)
        assert any(words in lines for _, lines in out.shown)
    assert rec.of(Statement)[0] == Statement(outcome.statement, outcome.return_at,
                                             outcome.on_return)  # fmt: skip
    # At the return time: a chime and the words for coming back, not the leaving words.
    assert len(out.chimes) == 1
    assert out.lines(Role.STATEMENT).count(outcome.statement) == 1
    assert out.lines(Role.STATEMENT)[-1] == outcome.on_return
    assert [r.value for r in rec.of(Rated)] == [8, 4]
    assert "You started at 8 out of ten, and you're at 4 now." in " ".join(out.lines())
    assert rec.of(Ended) == [Ended(Status.FINISHED)]


def test_break_check_ins_come_every_five_minutes() -> None:
    _, out, _, _, _ = run(SAFE_PATH)
    checkins = [t for t, text, _ in out.said if text.startswith("Still here with you")]
    assert len(checkins) == 3  # at 5, 10 and 15 minutes of a 20-minute break
    gaps = [b - a for a, b in itertools.pairwise(checkins)]
    assert gaps == [300.0, 300.0]


def test_cyclic_sighing_cues_every_phase_on_schedule_and_ends_after_an_exhale() -> None:
    _, out, _, _, _ = run(SAFE_PATH)
    first_run = out.cues[:42]
    t0 = first_run[0][0]
    assert [kind for _, kind, _ in first_run[:3]] == ["inhale", "inhale", "exhale"]
    # Onsets follow the pattern exactly: 2 s, 1 s, 6 s, with no drift across 14 breaths.
    expected = [t0 + 9 * cycle + offset for cycle in range(14) for offset in (0, 2, 3)]
    assert [at for at, _, _ in first_run] == expected
    assert first_run[-1][1] == "exhale"


def test_not_safe_offers_resources_and_never_a_return_script() -> None:
    outcome, out, inp, rec, _ = run(["no", "neither", "8", "7", "paced", "6", "enough"])
    text = " ".join(out.lines())
    assert "988" in text and "800 799 7233" in text and "911" in text
    assert any("findahelpline.com" in line for _, lines in out.shown for line in lines)
    assert outcome.statement is None
    assert not rec.of(Statement)
    # No return-time question was asked, and no self-blame question either.
    assert all(q.qtype.value != "time" for q in inp.asked)
    assert "own part" not in text
    assert outcome.status is Status.FINISHED


@pytest.mark.parametrize("reply", ["not sure", "maybe", "i don't know"])
def test_unsure_about_safety_is_treated_as_not_safe(reply: str) -> None:
    outcome, out, _, _, _ = run([reply, "neither", "3"])
    assert outcome.statement is None
    assert out.lines(Role.RESOURCE)


def test_silence_at_the_safety_question_leads_to_resources_not_to_yes() -> None:
    outcome, out, _, rec, _ = run([None, None, None, "neither", "3"])
    safe = [a for a in rec.of(Answered) if a.key == "safe"]
    assert safe[0].value == "unsure" and safe[0].source == "default"
    assert out.lines(Role.RESOURCE)
    assert outcome.statement is None


def test_unclear_replies_get_a_gentle_reprompt_then_the_default() -> None:
    _, out, _, rec, _ = run(["yes", "i did", "purple", "banana", "very"])
    said = out.lines()
    after_first_rating = said[said.index(out.lines(Role.PROMPT)[2]) + 1 :]
    assert all("zero to ten" in line for line in after_first_rating[:2])
    assert after_first_rating[2] == "That's all right. Let's go on."
    distress = next(a for a in rec.of(Answered) if a.key == "distress")
    assert not distress.replied and distress.value == ""  # no rating is invented
    assert not rec.of(Rated)


def test_another_round_is_offered_while_distress_stays_high_and_is_bounded() -> None:
    replies = ["yes", "i did", "9", "9", "something different", "paced", "9", "different", "box",
               "9", "different", "senses", "", "", "", "", "", "9"]  # fmt: skip
    _, out, _, rec, _ = run(replies)
    techniques = [a.value for a in rec.of(Answered) if a.key == "technique"]
    # "something different" is asked about, then the technique named; at most three rounds.
    assert techniques == ["different", "paced", "different", "box", "different", "senses"]
    patterns = {c.pattern for c in rec.of(Cue)}
    assert patterns == {"cyclic-sigh", "paced", "box"}
    assert "Name five things you can see." in out.lines(Role.PROMPT)


def test_saying_enough_ends_the_extra_rounds() -> None:
    _, _, _, rec, _ = run(["yes", "i did", "9", "9", "enough", "no", "now"])
    assert [a.value for a in rec.of(Answered) if a.key == "technique"] == ["enough"]


def test_going_back_now_gives_the_now_statement_and_no_break() -> None:
    outcome, out, _, _, _ = run(["yes", "i did", "8", "3", "no", "now"])
    assert outcome.statement is not None and "I'll be back" not in outcome.statement
    assert outcome.return_at is None
    assert not out.chimes


def test_a_short_break_gets_a_gentle_note() -> None:
    _, out, _, _, _ = run(["yes", "i did", "8", "3", "no", "in 5 minutes", "no"])
    assert any("about twenty minutes" in line for line in out.lines(Role.NOTE))


def test_more_than_a_day_is_refused_kindly_and_asked_again() -> None:
    outcome, out, _, _, _ = run(["yes", "i did", "8", "3", "no", "in 30 hours", "in an hour", "no"])
    assert any("more than a day" in line for line in out.lines(Role.REPROMPT))
    assert outcome.return_at is not None


def test_stop_ends_calmly_and_keeps_answers() -> None:
    outcome, out, _, rec, _ = run(["yes", "i did", "7", "stop"])
    assert outcome.status is Status.STOPPED
    assert "We'll stop here" in out.lines(Role.NOTE)[-1]
    assert [r.value for r in rec.of(Rated)] == [7]
    assert rec.of(Ended) == [Ended(Status.STOPPED)]


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), Interrupted("SIGTERM")])
def test_an_interrupt_is_saved_as_cut_short_with_everything_so_far(exc: BaseException) -> None:
    outcome, _, _, rec, _ = run(["yes", "i did", "7", exc])
    assert outcome.status is Status.INTERRUPTED
    assert [a.key for a in rec.of(Answered)] == ["safe", "who_left", "distress"]
    assert rec.of(Ended) == [Ended(Status.INTERRUPTED)]


def test_typed_commands_again_and_help_repeat_without_using_up_retries() -> None:
    _, out, _, rec, _ = run(["again", "?", "yes", "i did", "8"])
    assert [a.value for a in rec.of(Answered)][:3] == ["yes", "me", "8"]
    reprompts = out.lines(Role.REPROMPT)
    assert reprompts[0].startswith("First, are you safe")
    assert "say stop" in reprompts[1]


def test_a_users_own_script_runs_with_its_own_pattern(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        """
title = "Mine"
[patterns.slow]
phases = [{ kind = "inhale", seconds = 5 }, { kind = "exhale", seconds = 7 }]
[[steps]]
breathe = "slow"
seconds = 30
[[steps]]
say = "Done."
""",
        encoding="utf-8",
    )
    outcome, out, _, _, _ = run([], path)
    assert outcome.status is Status.FINISHED
    assert len(out.cues) == 6  # 30 s rounds up to three whole 12-second breaths
    assert out.lines()[-1] == "Done."


def test_a_line_with_an_unknown_value_is_left_out_rather_than_said_wrong() -> None:
    script = parse_script(
        GROUND,
        {"steps": [{"ask": "How bad?", "type": "scale", "key": "distress"},
                   {"say": "You started at {distress_before}."}, {"say": "Bye."}]},
    )  # fmt: skip
    clock = FakeClock()
    out = FakeOut(clock)
    Session(script, out, FakeIn(clock, [None, None, None]), clock, MemoryRecorder()).run()
    assert "You started at" not in " ".join(out.lines())
    assert out.lines()[-1] == "Bye."


def test_an_unsure_voice_yes_at_the_safety_question_is_never_taken_as_yes() -> None:
    from companion.channels import Heard, Listening

    class UnsureVoice(FakeIn):
        def listen(self, listening: Listening) -> Heard | None:
            self.asked.append(listening)
            self.clock.advance(2.0)
            return Heard("yes", "voice", confident=False)

    clock = FakeClock()
    out, rec = FakeOut(clock), MemoryRecorder()
    outcome = Session(load_script(GROUND), out, UnsureVoice(clock, []), clock, rec).run()
    safe = next(a for a in rec.of(Answered) if a.key == "safe")
    assert safe.value == "unsure" and safe.source == "default"
    assert out.lines(Role.RESOURCE) and outcome.statement is None
